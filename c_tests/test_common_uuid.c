/* Tests of aws/common/uuid.h and aws/common/device_random.h through the C API: random UUIDs,
 * their two text forms with the NUL after them, parsing, and the errors upstream raises. */
#include <aws/common/device_random.h>
#include <aws/common/uuid.h>

#include "test_support.h"

#include <string.h>

static int test_text_round_trip(void) {
    struct aws_uuid a;
    struct aws_uuid b;
    CHECK_INT_EQ(aws_uuid_init(&a), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_uuid_init(&b), AWS_OP_SUCCESS);
    CHECK(!aws_uuid_equals(&a, &b));

    uint8_t storage[AWS_UUID_STR_LEN] = {0};
    struct aws_byte_buf text = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK_INT_EQ(aws_uuid_to_str(&a, &text), AWS_OP_SUCCESS);
    CHECK_INT_EQ(text.len, AWS_UUID_STR_LEN - 1);
    CHECK_INT_EQ(storage[AWS_UUID_STR_LEN - 1], 0);
    CHECK(storage[8] == '-' && storage[13] == '-' && storage[18] == '-' && storage[23] == '-');

    struct aws_byte_cursor cursor = aws_byte_cursor_from_buf(&text);
    struct aws_uuid back;
    CHECK_INT_EQ(aws_uuid_init_from_str(&back, &cursor), AWS_OP_SUCCESS);
    CHECK(aws_uuid_equals(&a, &back));
    return 0;
}

static int test_known_text(void) {
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str("00112233-4455-6677-8899-AABBCCDDEEFF");
    struct aws_uuid uuid;
    CHECK_INT_EQ(aws_uuid_init_from_str(&uuid, &cursor), AWS_OP_SUCCESS);
    CHECK_INT_EQ(uuid.uuid_data[0], 0x00);
    CHECK_INT_EQ(uuid.uuid_data[15], 0xff);

    uint8_t storage[AWS_UUID_STR_COMPACT_LEN] = {0};
    struct aws_byte_buf text = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK_INT_EQ(aws_uuid_to_str_compact(&uuid, &text), AWS_OP_SUCCESS);
    CHECK(strcmp((const char *)storage, "00112233445566778899aabbccddeeff") == 0);
    return 0;
}

static int test_errors(void) {
    struct aws_uuid uuid;
    struct aws_byte_cursor short_text = aws_byte_cursor_from_c_str("00112233-4455-6677-8899-AABBCCDDEEF");
    CHECK_FAILS_WITH(aws_uuid_init_from_str(&uuid, &short_text), AWS_ERROR_INVALID_BUFFER_SIZE);
    struct aws_byte_cursor bad = aws_byte_cursor_from_c_str("00112233+4455-6677-8899-AABBCCDDEEFF");
    CHECK_FAILS_WITH(aws_uuid_init_from_str(&uuid, &bad), AWS_ERROR_MALFORMED_INPUT_STRING);

    uint8_t storage[AWS_UUID_STR_LEN - 1] = {0};
    struct aws_byte_buf text = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK_FAILS_WITH(aws_uuid_to_str(&uuid, &text), AWS_ERROR_SHORT_BUFFER);
    CHECK_INT_EQ(text.len, 0);
    CHECK_FAILS_WITH(aws_uuid_init(NULL), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_device_random(void) {
    uint64_t a = 0;
    uint64_t b = 0;
    CHECK_INT_EQ(aws_device_random_u64(&a), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_device_random_u64(&b), AWS_OP_SUCCESS);
    CHECK(a != b);
    uint32_t u32;
    uint16_t u16;
    uint8_t u8;
    CHECK_INT_EQ(aws_device_random_u32(&u32), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_device_random_u16(&u16), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_device_random_u8(&u8), AWS_OP_SUCCESS);

    uint8_t storage[32] = {0};
    struct aws_byte_buf buf = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK_INT_EQ(aws_device_random_buffer_append(&buf, 8), AWS_OP_SUCCESS);
    CHECK_INT_EQ(buf.len, 8);
    CHECK_FAILS_WITH(aws_device_random_buffer_append(&buf, 25), AWS_ERROR_SHORT_BUFFER);
    CHECK_INT_EQ(buf.len, 8);
    CHECK_INT_EQ(aws_device_random_buffer(&buf), AWS_OP_SUCCESS);
    CHECK_INT_EQ(buf.len, 32);
    return 0;
}

int main(void) {
    RUN(test_text_round_trip);
    RUN(test_known_text);
    RUN(test_errors);
    RUN(test_device_random);
    return 0;
}

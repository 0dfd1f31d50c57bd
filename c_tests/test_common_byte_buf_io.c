/* Tests of the rest of aws/common/byte_buf.h through the C API: writing big-endian values into
 * a fixed buffer and reading them back, number parsing, splitting, and the two C-variadic
 * calls (aws_byte_buf_cat, aws_byte_buf_init_cache_and_update_cursors), with more arguments
 * than fit in registers. */
#include <aws/common/array_list.h>
#include <aws/common/byte_buf.h>

#include "counting_allocator.h"
#include "test_support.h"

static int test_write_then_read(void) {
    uint8_t storage[16] = {0};
    struct aws_byte_buf buf = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK(aws_byte_buf_write_u8(&buf, 0xab));
    CHECK(aws_byte_buf_write_be16(&buf, 0x0102));
    CHECK(aws_byte_buf_write_be32(&buf, 0x03040506));
    CHECK(aws_byte_buf_write_be64(&buf, 0x0708090a0b0c0d0eULL));
    CHECK(!aws_byte_buf_write_be16(&buf, 1)); /* 15 used, 2 do not fit */
    CHECK(aws_byte_buf_write_u8(&buf, 0xff));
    struct aws_byte_cursor cur = aws_byte_cursor_from_buf(&buf);
    uint8_t u8 = 0;
    uint16_t u16 = 0;
    uint32_t u32 = 0;
    uint64_t u64 = 0;
    CHECK(aws_byte_cursor_read_u8(&cur, &u8) && u8 == 0xab);
    CHECK(aws_byte_cursor_read_be16(&cur, &u16) && u16 == 0x0102);
    CHECK(aws_byte_cursor_read_be32(&cur, &u32) && u32 == 0x03040506);
    CHECK(aws_byte_cursor_read_be64(&cur, &u64) && u64 == 0x0708090a0b0c0d0eULL);
    CHECK(!aws_byte_cursor_read_be16(&cur, &u16));
    CHECK_INT_EQ(cur.len, 1);
    return 0;
}

static int test_parse_and_split(void) {
    uint64_t value = 0;
    CHECK_INT_EQ(aws_byte_cursor_utf8_parse_u64(aws_byte_cursor_from_c_str("8883"), &value), AWS_OP_SUCCESS);
    CHECK(value == 8883);
    CHECK_FAILS_WITH(aws_byte_cursor_utf8_parse_u64(aws_byte_cursor_from_c_str("88x"), &value),
                     AWS_ERROR_INVALID_ARGUMENT);
    int64_t signed_value = 0;
    CHECK_INT_EQ(aws_byte_cursor_utf8_parse_i64(aws_byte_cursor_from_c_str("-42"), &signed_value), AWS_OP_SUCCESS);
    CHECK(signed_value == -42);

    struct aws_array_list pieces;
    CHECK_INT_EQ(aws_array_list_init_dynamic(&pieces, &s_counting, 4, sizeof(struct aws_byte_cursor)), AWS_OP_SUCCESS);
    struct aws_byte_cursor topic = aws_byte_cursor_from_c_str("a/b//c");
    CHECK_INT_EQ(aws_byte_cursor_split_on_char(&topic, '/', &pieces), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_length(&pieces), 4);
    struct aws_byte_cursor third;
    CHECK_INT_EQ(aws_array_list_get_at(&pieces, &third, 2), AWS_OP_SUCCESS);
    CHECK_INT_EQ(third.len, 0);
    aws_array_list_clean_up(&pieces);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_variadic_buffers(void) {
    struct aws_byte_buf parts[6];
    const char *texts[6] = {"a", "bb", "ccc", "d", "ee", "f"};
    for (int i = 0; i < 6; ++i) {
        parts[i] = aws_byte_buf_from_c_str(texts[i]);
    }
    struct aws_byte_buf dest;
    CHECK_INT_EQ(aws_byte_buf_init(&dest, &s_counting, 10), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_byte_buf_cat(&dest, 6, &parts[0], &parts[1], &parts[2], &parts[3], &parts[4], &parts[5]),
                 AWS_OP_SUCCESS);
    CHECK(aws_byte_buf_eq_c_str(&dest, "abbcccdeef"));
    CHECK_FAILS_WITH(aws_byte_buf_cat(&dest, 1, &parts[0]), AWS_ERROR_DEST_COPY_TOO_SMALL);
    aws_byte_buf_clean_up(&dest);

    struct aws_byte_cursor c[7];
    const char *words[7] = {"one", "two", "three", "four", "five", "six", "seven"};
    for (int i = 0; i < 7; ++i) {
        c[i] = aws_byte_cursor_from_c_str(words[i]);
    }
    struct aws_byte_buf cache;
    CHECK_INT_EQ(aws_byte_buf_init_cache_and_update_cursors(&cache, &s_counting, &c[0], &c[1], &c[2], &c[3], &c[4],
                                                            &c[5], &c[6], (struct aws_byte_cursor *)NULL),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(cache.len, 27);
    for (int i = 0; i < 7; ++i) {
        CHECK(c[i].ptr >= cache.buffer && c[i].ptr + c[i].len <= cache.buffer + cache.len);
        CHECK(aws_byte_cursor_eq_c_str(&c[i], words[i]));
    }
    aws_byte_buf_clean_up(&cache);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

int main(void) {
    RUN(test_write_then_read);
    RUN(test_parse_and_split);
    RUN(test_variadic_buffers);
    return 0;
}

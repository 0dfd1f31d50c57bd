/* Tests of aws/common/cbor.h through the C API: encoding in the shortest forms, decoding each
 * element kind back, skipping whole items, and upstream's errors. */
#include <aws/common/cbor.h>

#include "test_support.h"

#include <string.h>

static int test_round_trip(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_cbor_encoder *encoder = aws_cbor_encoder_new(alloc);
    CHECK(encoder != NULL);
    aws_cbor_encoder_write_map_start(encoder, 1);
    aws_cbor_encoder_write_text(encoder, aws_byte_cursor_from_c_str("n"));
    aws_cbor_encoder_write_array_start(encoder, 4);
    aws_cbor_encoder_write_uint(encoder, 500);
    aws_cbor_encoder_write_float(encoder, -2.0);
    aws_cbor_encoder_write_float(encoder, 0.5);
    aws_cbor_encoder_write_tag(encoder, AWS_CBOR_TAG_EPOCH_TIME);
    aws_cbor_encoder_write_uint(encoder, 1);
    aws_cbor_encoder_write_bool(encoder, true);

    struct aws_byte_cursor data = aws_cbor_encoder_get_encoded_data(encoder);
    const uint8_t expected[] = {0xa1, 0x61, 'n', 0x84, 0x19, 0x01, 0xf4, 0x21, 0xfa, 0x3f, 0x00, 0x00, 0x00, 0xc1, 0x01, 0xf5};
    CHECK(data.len == sizeof(expected) && memcmp(data.ptr, expected, sizeof(expected)) == 0);

    struct aws_cbor_decoder *decoder = aws_cbor_decoder_new(alloc, data);
    uint64_t n = 0;
    enum aws_cbor_type type = AWS_CBOR_TYPE_UNKNOWN;
    CHECK_INT_EQ(aws_cbor_decoder_peek_type(decoder, &type), AWS_OP_SUCCESS);
    CHECK_INT_EQ(type, AWS_CBOR_TYPE_MAP_START);
    CHECK(strcmp(aws_cbor_type_cstr(type), "AWS_CBOR_TYPE_MAP_START") == 0);
    CHECK_INT_EQ(aws_cbor_decoder_pop_next_map_start(decoder, &n), AWS_OP_SUCCESS);
    CHECK_INT_EQ(n, 1);
    struct aws_byte_cursor key;
    CHECK_INT_EQ(aws_cbor_decoder_pop_next_text_val(decoder, &key), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&key, "n"));
    CHECK_FAILS_WITH(aws_cbor_decoder_pop_next_map_start(decoder, &n), AWS_ERROR_CBOR_UNEXPECTED_TYPE);
    CHECK_INT_EQ(aws_cbor_decoder_consume_next_whole_data_item(decoder), AWS_OP_SUCCESS);
    bool b = false;
    CHECK_INT_EQ(aws_cbor_decoder_pop_next_boolean_val(decoder, &b), AWS_OP_SUCCESS);
    CHECK(b);
    CHECK_INT_EQ(aws_cbor_decoder_get_remaining_length(decoder), 0);
    CHECK(aws_cbor_decoder_destroy(decoder) == NULL);
    CHECK(aws_cbor_encoder_destroy(encoder) == NULL);
    return 0;
}

static int test_malformed(void) {
    const uint8_t truncated[] = {0x1a, 0x00};
    struct aws_cbor_decoder *decoder =
        aws_cbor_decoder_new(aws_default_allocator(), aws_byte_cursor_from_array(truncated, sizeof(truncated)));
    uint64_t n = 0;
    CHECK_FAILS_WITH(aws_cbor_decoder_pop_next_unsigned_int_val(decoder, &n), AWS_ERROR_INVALID_CBOR);
    const uint8_t half[] = {0xf9, 0x3c, 0x00};
    aws_cbor_decoder_reset_src(decoder, aws_byte_cursor_from_array(half, sizeof(half)));
    double f = 0;
    CHECK_INT_EQ(aws_cbor_decoder_pop_next_float_val(decoder, &f), AWS_OP_SUCCESS);
    CHECK(f == 1.0);
    aws_cbor_decoder_destroy(decoder);
    return 0;
}

int main(void) {
    RUN(test_round_trip);
    RUN(test_malformed);
    return 0;
}

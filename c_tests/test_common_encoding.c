/* Tests of aws/common/encoding.h through the C API: hex and base64 both ways with upstream's
 * leniencies and errors, network-order integers, byte order marks and the UTF-8 decoder. */
#include <aws/common/encoding.h>

#include "test_support.h"

#include <string.h>

static int test_hex(void) {
    uint8_t storage[16] = {0};
    struct aws_byte_buf out = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    struct aws_byte_cursor in = aws_byte_cursor_from_c_str("\x01\xab");
    CHECK_INT_EQ(aws_hex_encode(&in, &out), AWS_OP_SUCCESS);
    CHECK(out.len == 4 && memcmp(storage, "01ab", 4) == 0);

    struct aws_byte_cursor odd = aws_byte_cursor_from_c_str("FFF");
    CHECK_INT_EQ(aws_hex_decode(&odd, &out), AWS_OP_SUCCESS);
    CHECK(out.len == 2 && storage[0] == 0x0f && storage[1] == 0xff);
    struct aws_byte_cursor bad = aws_byte_cursor_from_c_str("zz");
    CHECK_FAILS_WITH(aws_hex_decode(&bad, &out), AWS_ERROR_INVALID_HEX_STR);

    size_t len = 0;
    CHECK_FAILS_WITH(aws_hex_compute_encoded_len(SIZE_MAX, &len), AWS_ERROR_OVERFLOW_DETECTED);
    CHECK_INT_EQ(aws_hex_compute_decoded_len(7, &len), AWS_OP_SUCCESS);
    CHECK_INT_EQ(len, 4);

    struct aws_byte_buf grown;
    CHECK_INT_EQ(aws_byte_buf_init(&grown, aws_default_allocator(), 1), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_hex_encode_append_dynamic(&in, &grown), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_hex_encode_append_dynamic(&in, &grown), AWS_OP_SUCCESS);
    CHECK(grown.len == 8 && memcmp(grown.buffer, "01ab01ab", 8) == 0);
    aws_byte_buf_clean_up(&grown);
    return 0;
}

static int test_base64(void) {
    uint8_t storage[32] = {0};
    struct aws_byte_buf out = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    struct aws_byte_cursor in = aws_byte_cursor_from_c_str("fooba");
    CHECK_INT_EQ(aws_base64_encode(&in, &out), AWS_OP_SUCCESS);
    CHECK(out.len == 8 && memcmp(storage, "Zm9vYmE=", 8) == 0);
    out.len = 0;
    CHECK_INT_EQ(aws_base64_url_encode(&in, &out), AWS_OP_SUCCESS);
    CHECK(out.len == 7 && memcmp(storage, "Zm9vYmE", 7) == 0);

    struct aws_byte_cursor text = aws_byte_cursor_from_c_str("Zm9vYmE");
    size_t len = 0;
    CHECK_INT_EQ(aws_base64_compute_decoded_len(&text, &len), AWS_OP_SUCCESS);
    CHECK_INT_EQ(len, 5);
    CHECK_INT_EQ(aws_base64_decode(&text, &out), AWS_OP_SUCCESS);
    CHECK(out.len == 5 && memcmp(storage, "fooba", 5) == 0);

    struct aws_byte_cursor bad = aws_byte_cursor_from_c_str("Zm9v!A==");
    CHECK_FAILS_WITH(aws_base64_decode(&bad, &out), AWS_ERROR_INVALID_BASE64_STR);
    uint8_t tiny[2] = {0};
    struct aws_byte_buf small = aws_byte_buf_from_empty_array(tiny, sizeof(tiny));
    CHECK_FAILS_WITH(aws_base64_decode(&text, &small), AWS_ERROR_SHORT_BUFFER);
    CHECK_FAILS_WITH(aws_base64_encode(&in, &small), AWS_ERROR_SHORT_BUFFER);
    return 0;
}

static int test_integers(void) {
    uint8_t b[8];
    aws_write_u64(0x0102030405060708ULL, b);
    CHECK(b[0] == 1 && b[7] == 8);
    CHECK(aws_read_u64(b) == 0x0102030405060708ULL);
    aws_write_u24(0x123456, b);
    CHECK(b[0] == 0x12 && b[2] == 0x56);
    CHECK_INT_EQ(aws_read_u24(b), 0x123456);
    aws_write_u16(0xbeef, b);
    CHECK_INT_EQ(aws_read_u16(b), 0xbeef);
    aws_write_u32(0xdeadbeef, b);
    CHECK(aws_read_u32(b) == 0xdeadbeef);
    return 0;
}

static int s_count(uint32_t codepoint, void *user_data) {
    (void)codepoint;
    ++*(int *)user_data;
    return AWS_OP_SUCCESS;
}

static int test_text(void) {
    CHECK_INT_EQ(aws_text_detect_encoding((const uint8_t *)"\xEF\xBB\xBFhi", 5), AWS_TEXT_UTF8);
    CHECK_INT_EQ(aws_text_detect_encoding((const uint8_t *)"\xFF\xFE", 2), AWS_TEXT_UTF16);
    CHECK_INT_EQ(aws_text_detect_encoding((const uint8_t *)"hi", 2), AWS_TEXT_ASCII);
    CHECK(aws_text_is_utf8((const uint8_t *)"hi", 2));

    int count = 0;
    struct aws_utf8_decoder_options options = {.on_codepoint = s_count, .user_data = &count};
    CHECK_INT_EQ(aws_decode_utf8(aws_byte_cursor_from_c_str("a\xC3\xA9\xE2\x82\xAC"), &options), AWS_OP_SUCCESS);
    CHECK_INT_EQ(count, 3);
    CHECK_FAILS_WITH(aws_decode_utf8(aws_byte_cursor_from_c_str("\xC0\x80"), NULL), AWS_ERROR_INVALID_UTF8);

    struct aws_utf8_decoder *decoder = aws_utf8_decoder_new(aws_default_allocator(), NULL);
    CHECK(decoder != NULL);
    CHECK_INT_EQ(aws_utf8_decoder_update(decoder, aws_byte_cursor_from_c_str("\xE2\x82")), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_utf8_decoder_update(decoder, aws_byte_cursor_from_c_str("\xAC")), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_utf8_decoder_finalize(decoder), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_utf8_decoder_update(decoder, aws_byte_cursor_from_c_str("\xE2")), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_utf8_decoder_finalize(decoder), AWS_ERROR_INVALID_UTF8);
    aws_utf8_decoder_destroy(decoder);
    return 0;
}

int main(void) {
    RUN(test_hex);
    RUN(test_base64);
    RUN(test_integers);
    RUN(test_text);
    return 0;
}

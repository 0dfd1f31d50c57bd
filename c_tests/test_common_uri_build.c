/* Tests of the rest of aws/common/uri.h through the C API: building a URI from parts,
 * collecting query parameters, and the percent-encoding helpers. */
#include <aws/common/array_list.h>
#include <aws/common/uri.h>

#include "test_support.h"

#include <string.h>

static int test_builder(void) {
    struct aws_uri_builder_options options = {
        .scheme = aws_byte_cursor_from_c_str("http"),
        .host_name = aws_byte_cursor_from_c_str("localhost"),
        .port = 8080,
        .path = aws_byte_cursor_from_c_str("/x"),
        .query_string = aws_byte_cursor_from_c_str("a=1&b=2"),
    };
    struct aws_uri uri;
    CHECK_INT_EQ(aws_uri_init_from_builder_options(&uri, aws_default_allocator(), &options), AWS_OP_SUCCESS);
    const char *expected = "http://localhost:8080/x?a=1&b=2";
    CHECK(uri.uri_str.len == strlen(expected) && memcmp(uri.uri_str.buffer, expected, uri.uri_str.len) == 0);
    CHECK_INT_EQ(aws_uri_port(&uri), 8080);

    struct aws_array_list params;
    CHECK_INT_EQ(
        aws_array_list_init_dynamic(&params, aws_default_allocator(), 4, sizeof(struct aws_uri_param)), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_uri_query_string_params(&uri, &params), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_length(&params), 2);
    aws_array_list_clean_up(&params);
    aws_uri_clean_up(&uri);
    return 0;
}

static int test_encoding(void) {
    struct aws_byte_buf out;
    CHECK_INT_EQ(aws_byte_buf_init(&out, aws_default_allocator(), 4), AWS_OP_SUCCESS);
    struct aws_byte_cursor in = aws_byte_cursor_from_c_str("a b/c");
    CHECK_INT_EQ(aws_byte_buf_append_encoding_uri_param(&out, &in), AWS_OP_SUCCESS);
    CHECK(out.len == 9 && memcmp(out.buffer, "a%20b%2Fc", 9) == 0);
    out.len = 0;
    CHECK_INT_EQ(aws_byte_buf_append_encoding_uri_path(&out, &in), AWS_OP_SUCCESS);
    CHECK(out.len == 7 && memcmp(out.buffer, "a%20b/c", 7) == 0);
    out.len = 0;
    struct aws_byte_cursor encoded = aws_byte_cursor_from_c_str("a%20b%2Fc");
    CHECK_INT_EQ(aws_byte_buf_append_decoding_uri(&out, &encoded), AWS_OP_SUCCESS);
    CHECK(out.len == 5 && memcmp(out.buffer, "a b/c", 5) == 0);
    struct aws_byte_cursor bad = aws_byte_cursor_from_c_str("%zz");
    CHECK_FAILS_WITH(aws_byte_buf_append_decoding_uri(&out, &bad), AWS_ERROR_MALFORMED_INPUT_STRING);
    aws_byte_buf_clean_up(&out);
    return 0;
}

int main(void) {
    RUN(test_builder);
    RUN(test_encoding);
    return 0;
}

/* aws/http/request_response.h as a handshake transform uses it: the request's method and path,
 * header fields added, set, read, erased, by name and by index, with aws-c-http's error codes;
 * reference counts; NULL and bad arguments refused with an error code. */
#include <aws/common/error.h>
#include <aws/http/http.h>
#include <aws/http/request_response.h>

#include "test_support.h"

#include <string.h>

static struct aws_byte_cursor s_cur(const char *s) {
    return aws_byte_cursor_from_c_str(s);
}

static int test_method_and_path(void) {
    struct aws_http_message *m = aws_http_message_new_request(aws_default_allocator());
    CHECK(m != NULL);
    struct aws_byte_cursor out = s_cur("junk");
    /* Never set: no data, and a zeroed cursor. */
    CHECK_FAILS_WITH(aws_http_message_get_request_path(m, &out), AWS_ERROR_HTTP_DATA_NOT_AVAILABLE);
    CHECK_INT_EQ(out.len, 0);
    CHECK_FAILS_WITH(aws_http_message_get_request_method(m, &out), AWS_ERROR_HTTP_DATA_NOT_AVAILABLE);
    char path[] = "/mqtt?X-Amz-Signature=abc";
    CHECK_INT_EQ(aws_http_message_set_request_path(m, s_cur(path)), AWS_OP_SUCCESS);
    /* Copied: the caller's bytes may change. */
    path[1] = 'X';
    CHECK_INT_EQ(aws_http_message_get_request_path(m, &out), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&out, "/mqtt?X-Amz-Signature=abc"));
    CHECK_INT_EQ(aws_http_message_set_request_method(m, s_cur("GET")), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_http_message_get_request_method(m, &out), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&out, "GET"));
    /* A second reference keeps the message alive past the first release. */
    CHECK(aws_http_message_acquire(m) == m);
    CHECK(aws_http_message_release(m) == NULL);
    CHECK_INT_EQ(aws_http_message_get_request_path(m, &out), AWS_OP_SUCCESS);
    aws_http_message_release(m);
    return 0;
}

static int test_header_fields(void) {
    struct aws_http_message *m = aws_http_message_new_request(aws_default_allocator());
    CHECK(m != NULL);
    struct aws_http_header h = {.name = s_cur("Host"), .value = s_cur("  broker.example \t")};
    CHECK_INT_EQ(aws_http_message_add_header(m, h), AWS_OP_SUCCESS);
    h.name = s_cur("");
    CHECK_FAILS_WITH(aws_http_message_add_header(m, h), AWS_ERROR_HTTP_INVALID_HEADER_NAME);
    struct aws_http_headers *headers = aws_http_message_get_headers(m);
    CHECK(headers != NULL);
    CHECK_INT_EQ(aws_http_headers_add(headers, s_cur("X-Amz-Date"), s_cur("20261122T000000Z")), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_http_headers_add(headers, s_cur("x-amz-date"), s_cur("second")), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_http_message_get_header_count(m), 3);
    CHECK_INT_EQ(aws_http_headers_count(headers), 3);

    /* Whitespace around a value is dropped (RFC 9110 5.5); names match case-insensitively. */
    struct aws_http_header got;
    CHECK_INT_EQ(aws_http_message_get_header(m, &got, 0), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&got.name, "Host"));
    CHECK(aws_byte_cursor_eq_c_str(&got.value, "broker.example"));
    struct aws_byte_cursor value;
    CHECK_INT_EQ(aws_http_headers_get(headers, s_cur("x-AMZ-date"), &value), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&value, "20261122T000000Z"));
    CHECK(aws_http_headers_has(headers, s_cur("HOST")));
    CHECK_FAILS_WITH(aws_http_headers_get(headers, s_cur("Authorization"), &value), AWS_ERROR_HTTP_HEADER_NOT_FOUND);
    CHECK_FAILS_WITH(aws_http_message_get_header(m, &got, 3), AWS_ERROR_INVALID_INDEX);
    CHECK_FAILS_WITH(aws_http_headers_get_index(headers, 99, &got), AWS_ERROR_INVALID_INDEX);

    /* set replaces every field of that name with one, last. */
    CHECK_INT_EQ(aws_http_headers_set(headers, s_cur("X-AMZ-DATE"), s_cur("only")), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_http_headers_count(headers), 2);
    CHECK_INT_EQ(aws_http_headers_get_index(headers, 1, &got), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&got.value, "only"));

    /* erase by name removes all of them; by index one. */
    CHECK_INT_EQ(aws_http_headers_erase(headers, s_cur("x-amz-date")), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_http_headers_erase(headers, s_cur("x-amz-date")), AWS_ERROR_HTTP_HEADER_NOT_FOUND);
    CHECK_INT_EQ(aws_http_message_erase_header(m, 0), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_http_message_erase_header(m, 0), AWS_ERROR_INVALID_INDEX);
    CHECK_INT_EQ(aws_http_message_get_header_count(m), 0);

    /* The list outlives the message while referenced. */
    aws_http_headers_acquire(headers);
    aws_http_message_release(m);
    CHECK_INT_EQ(aws_http_headers_add(headers, s_cur("a"), s_cur("b")), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_http_headers_count(headers), 1);
    aws_http_headers_release(headers);

    struct aws_http_headers *own = aws_http_headers_new(aws_default_allocator());
    CHECK(own != NULL);
    CHECK_INT_EQ(aws_http_headers_count(own), 0);
    aws_http_headers_release(own);
    return 0;
}

static int test_null_and_bad_arguments(void) {
    struct aws_byte_cursor out;
    struct aws_http_header h;
    CHECK(aws_http_message_new_request(NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(aws_http_headers_new(NULL) == NULL);
    CHECK_FAILS_WITH(aws_http_message_get_request_path(NULL, &out), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_message_set_request_path(NULL, s_cur("/")), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_message_get_request_method(NULL, &out), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_message_set_request_method(NULL, s_cur("GET")), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_message_add_header(NULL, h), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_message_get_header(NULL, &h, 0), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(aws_http_message_get_header_count(NULL), 0);
    CHECK(aws_http_message_get_headers(NULL) == NULL);
    CHECK_FAILS_WITH(aws_http_headers_add(NULL, s_cur("a"), s_cur("b")), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_headers_set(NULL, s_cur("a"), s_cur("b")), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_headers_get(NULL, s_cur("a"), &out), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_headers_get_index(NULL, 0, &h), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_headers_erase(NULL, s_cur("a")), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(aws_http_headers_count(NULL), 0);
    CHECK(aws_http_message_release(NULL) == NULL);
    aws_http_headers_release(NULL);

    struct aws_http_message *m = aws_http_message_new_request(aws_default_allocator());
    CHECK_FAILS_WITH(aws_http_message_get_request_path(m, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_http_message_get_header(m, NULL, 0), AWS_ERROR_INVALID_ARGUMENT);
    /* A cursor with a length and no bytes is malformed. */
    struct aws_byte_cursor broken = {.len = 3, .ptr = NULL};
    CHECK_FAILS_WITH(aws_http_message_set_request_path(m, broken), AWS_ERROR_INVALID_ARGUMENT);
    aws_http_message_release(m);
    return 0;
}

int main(void) {
    aws_http_library_init(aws_default_allocator());
    RUN(test_method_and_path);
    RUN(test_header_fields);
    RUN(test_null_and_bad_arguments);
    aws_http_library_clean_up();
    return 0;
}

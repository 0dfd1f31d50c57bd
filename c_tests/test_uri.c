/* aws/common/uri.h: parsing URIs into their parts as upstream does (schemes, userinfo, IPv6
 * literals, ports, paths, queries), the errors for malformed ones, query parameter iteration,
 * clean-up, and refusal of NULL arguments. Memory goes through a tracing allocator, which must
 * end empty. */
#include <aws/common/allocator.h>
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/common/uri.h>

#include <stddef.h>
#include <string.h>

#include "test_support.h"

/* Checks that a cursor covers exactly the text `expected`. */
#define CHECK_CURSOR(cursor, expected) CHECK(aws_byte_cursor_eq_c_str((cursor), (expected)))

static struct aws_allocator *s_tracer;

static int s_parse(struct aws_uri *uri, const char *text) {
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str(text);
    return aws_uri_init_parse(uri, s_tracer, &cursor);
}

static int test_a_full_uri_splits_into_every_part(void) {
    struct aws_uri uri;
    CHECK_INT_EQ(s_parse(&uri, "mqtts://user:secret@broker.example.com:8883/mqtt?x-amz=1&b"), AWS_OP_SUCCESS);
    CHECK_INT_EQ(uri.self_size, sizeof(struct aws_uri));
    CHECK(uri.allocator == s_tracer);
    CHECK_CURSOR(aws_uri_scheme(&uri), "mqtts");
    CHECK_CURSOR(aws_uri_authority(&uri), "user:secret@broker.example.com:8883");
    CHECK_CURSOR(&uri.userinfo, "user:secret");
    CHECK_CURSOR(&uri.user, "user");
    CHECK_CURSOR(&uri.password, "secret");
    CHECK_CURSOR(aws_uri_host_name(&uri), "broker.example.com");
    CHECK_INT_EQ(aws_uri_port(&uri), 8883);
    CHECK_CURSOR(aws_uri_path(&uri), "/mqtt");
    CHECK_CURSOR(aws_uri_query_string(&uri), "x-amz=1&b");
    CHECK_CURSOR(aws_uri_path_and_query(&uri), "/mqtt?x-amz=1&b");
    aws_uri_clean_up(&uri);
    return 0;
}

static int test_parts_point_into_the_uris_own_copy(void) {
    char text[] = "ws://host:80/p";
    struct aws_uri uri;
    CHECK_INT_EQ(s_parse(&uri, text), AWS_OP_SUCCESS);
    memset(text, 'x', sizeof(text) - 1);
    CHECK_CURSOR(&uri.host_name, "host");
    CHECK(uri.host_name.ptr >= uri.uri_str.buffer && uri.host_name.ptr < uri.uri_str.buffer + uri.uri_str.len);
    CHECK(uri.uri_str.allocator == s_tracer);
    CHECK(aws_mem_tracer_bytes(s_tracer) > 0);
    aws_uri_clean_up(&uri);
    CHECK_INT_EQ(aws_mem_tracer_bytes(s_tracer), 0);
    CHECK(uri.uri_str.buffer == NULL && uri.self_size == 0 && uri.port == 0);
    return 0;
}

static int test_ipv6_literals_lose_their_brackets(void) {
    struct aws_uri uri;
    CHECK_INT_EQ(s_parse(&uri, "mqtt://[::1]:8883"), AWS_OP_SUCCESS);
    CHECK_CURSOR(&uri.host_name, "::1");
    CHECK_INT_EQ(uri.port, 8883);
    CHECK_CURSOR(&uri.authority, "[::1]:8883");
    aws_uri_clean_up(&uri);

    CHECK_INT_EQ(s_parse(&uri, "[2001:db8::7]/path"), AWS_OP_SUCCESS);
    CHECK_CURSOR(&uri.host_name, "2001:db8::7");
    CHECK_INT_EQ(uri.port, 0);
    CHECK_CURSOR(&uri.path, "/path");
    aws_uri_clean_up(&uri);
    return 0;
}

static int test_missing_parts_are_empty_and_the_port_defaults_to_0(void) {
    struct aws_uri uri;
    CHECK_INT_EQ(s_parse(&uri, "localhost"), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_uri_scheme(&uri)->len, 0);
    CHECK(aws_uri_scheme(&uri)->ptr == NULL);
    CHECK_CURSOR(aws_uri_host_name(&uri), "localhost");
    CHECK_INT_EQ(aws_uri_port(&uri), 0);
    CHECK_INT_EQ(aws_uri_path(&uri)->len, 0);
    CHECK_INT_EQ(aws_uri_query_string(&uri)->len, 0);
    CHECK_INT_EQ(aws_uri_path_and_query(&uri)->len, 0);
    CHECK_INT_EQ(uri.userinfo.len, 0);
    aws_uri_clean_up(&uri);
    return 0;
}

static int test_a_host_and_port_without_scheme_is_not_a_scheme(void) {
    struct aws_uri uri;
    CHECK_INT_EQ(s_parse(&uri, "localhost:1883"), AWS_OP_SUCCESS);
    CHECK_INT_EQ(uri.scheme.len, 0);
    CHECK_CURSOR(&uri.host_name, "localhost");
    CHECK_INT_EQ(uri.port, 1883);
    aws_uri_clean_up(&uri);
    return 0;
}

static int test_a_user_without_password(void) {
    struct aws_uri uri;
    CHECK_INT_EQ(s_parse(&uri, "https://anonymous@host/"), AWS_OP_SUCCESS);
    CHECK_CURSOR(&uri.userinfo, "anonymous");
    CHECK_CURSOR(&uri.user, "anonymous");
    CHECK_INT_EQ(uri.password.len, 0);
    CHECK_CURSOR(&uri.host_name, "host");
    CHECK_CURSOR(&uri.path, "/");
    aws_uri_clean_up(&uri);
    return 0;
}

static int test_malformed_uris_fail_and_leave_the_struct_zeroed(void) {
    const char *malformed[] = {
        "",
        "http://",
        "http:/host",
        "[::1:8883",
        "host:80a",
        "host:-1",
        "host:4294967296",
        "mqtt://[::1]:99999999999999999999",
    };
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); ++i) {
        struct aws_uri uri;
        memset(&uri, 0x5a, sizeof(uri));
        CHECK_FAILS_WITH(s_parse(&uri, malformed[i]), AWS_ERROR_MALFORMED_INPUT_STRING);
        CHECK(uri.uri_str.buffer == NULL && uri.allocator == NULL && uri.port == 0);
        CHECK(uri.host_name.ptr == NULL && uri.self_size == 0);
    }
    CHECK_INT_EQ(aws_mem_tracer_bytes(s_tracer), 0);
    return 0;
}

static int test_ports_may_use_32_bits(void) {
    struct aws_uri uri;
    CHECK_INT_EQ(s_parse(&uri, "host:4294967295"), AWS_OP_SUCCESS);
    CHECK(aws_uri_port(&uri) == 4294967295u);
    aws_uri_clean_up(&uri);
    return 0;
}

static int test_query_parameters_are_iterated_in_order(void) {
    struct aws_uri uri;
    CHECK_INT_EQ(s_parse(&uri, "h/p?a=1&&flag&k=v=w"), AWS_OP_SUCCESS);
    struct aws_uri_param param;
    memset(&param, 0, sizeof(param));
    CHECK(aws_uri_query_string_next_param(&uri, &param));
    CHECK_CURSOR(&param.key, "a");
    CHECK_CURSOR(&param.value, "1");
    CHECK(aws_uri_query_string_next_param(&uri, &param));
    CHECK_CURSOR(&param.key, "flag");
    CHECK_INT_EQ(param.value.len, 0);
    CHECK(aws_uri_query_string_next_param(&uri, &param));
    CHECK_CURSOR(&param.key, "k");
    CHECK_CURSOR(&param.value, "v=w");
    CHECK(!aws_uri_query_string_next_param(&uri, &param));
    CHECK_CURSOR(&param.key, "k");

    struct aws_uri_param first;
    memset(&first, 0, sizeof(first));
    CHECK(aws_query_string_next_param(aws_byte_cursor_from_c_str("x=y"), &first));
    CHECK_CURSOR(&first.key, "x");
    aws_uri_clean_up(&uri);
    return 0;
}

static int test_null_arguments_are_refused(void) {
    struct aws_uri uri;
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str("host");
    CHECK_FAILS_WITH(aws_uri_init_parse(NULL, s_tracer, &cursor), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_uri_init_parse(&uri, NULL, &cursor), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_uri_init_parse(&uri, s_tracer, NULL), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_byte_cursor broken = {.len = 3, .ptr = NULL};
    CHECK_FAILS_WITH(aws_uri_init_parse(&uri, s_tracer, &broken), AWS_ERROR_INVALID_ARGUMENT);

    aws_reset_error();
    CHECK(aws_uri_scheme(NULL) == NULL);
    CHECK(aws_uri_authority(NULL) == NULL);
    CHECK(aws_uri_path(NULL) == NULL);
    CHECK(aws_uri_query_string(NULL) == NULL);
    CHECK(aws_uri_host_name(NULL) == NULL);
    CHECK(aws_uri_path_and_query(NULL) == NULL);
    CHECK_INT_EQ(aws_uri_port(NULL), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    aws_reset_error();
    aws_uri_clean_up(NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    struct aws_uri_param param;
    memset(&param, 0, sizeof(param));
    CHECK(!aws_uri_query_string_next_param(NULL, &param));
    CHECK(!aws_query_string_next_param(aws_byte_cursor_from_c_str("a=b"), NULL));
    /* A parameter that does not lie within the query string. */
    param.value.ptr = (uint8_t *)"elsewhere";
    param.value.len = 3;
    aws_reset_error();
    CHECK(!aws_query_string_next_param(aws_byte_cursor_from_c_str("a=b"), &param));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    /* A zeroed URI cleans up to a zeroed URI. */
    memset(&uri, 0, sizeof(uri));
    aws_uri_clean_up(&uri);
    CHECK(uri.uri_str.buffer == NULL);
    return 0;
}

int main(void) {
    s_tracer = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_BYTES, 0);
    RUN(test_a_full_uri_splits_into_every_part);
    RUN(test_parts_point_into_the_uris_own_copy);
    RUN(test_ipv6_literals_lose_their_brackets);
    RUN(test_missing_parts_are_empty_and_the_port_defaults_to_0);
    RUN(test_a_host_and_port_without_scheme_is_not_a_scheme);
    RUN(test_a_user_without_password);
    RUN(test_malformed_uris_fail_and_leave_the_struct_zeroed);
    RUN(test_ports_may_use_32_bits);
    RUN(test_query_parameters_are_iterated_in_order);
    RUN(test_null_arguments_are_refused);
    CHECK_INT_EQ(aws_mem_tracer_bytes(s_tracer), 0);
    aws_mem_tracer_destroy(s_tracer);
    return 0;
}

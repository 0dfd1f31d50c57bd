/* aws/io/shared_library.h, aws/io/statistics.h, aws/http/statistics.h, aws/http/status_code.h, aws/io/uri.h and
 * aws/io/file_utils.h through the installed headers: a libc function found and called, the
 * load and lookup failures; the statistics records' categories; status code values; and the
 * two include-only headers bring in aws_uri and aws_fopen. */
#include <aws/common/error.h>
#include <aws/http/statistics.h>
#include <aws/http/status_code.h>
#include <aws/io/file_utils.h>
#include <aws/io/io.h>
#include <aws/io/shared_library.h>
#include <aws/io/statistics.h>
#include <aws/io/uri.h>

#include <string.h>

#include "test_support.h"

typedef size_t(strlen_fn)(const char *);

static int test_shared_library(void) {
    struct aws_shared_library library;
    CHECK_FAILS_WITH(aws_shared_library_init(&library, "libawsrs-not-there.so"), AWS_IO_SHARED_LIBRARY_LOAD_FAILURE);
    CHECK_INT_EQ(aws_shared_library_init(&library, "libc.so.6"), AWS_OP_SUCCESS);
    aws_generic_function function = NULL;
    CHECK_INT_EQ(aws_shared_library_find_function(&library, "strlen", &function), AWS_OP_SUCCESS);
    strlen_fn *found = (strlen_fn *)function;
    CHECK_INT_EQ(found("four"), 4);
    CHECK_FAILS_WITH(aws_shared_library_find_function(&library, "awsrs_no_such_symbol", &function),
                     AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE);
    aws_shared_library_clean_up(&library);
    CHECK(library.library_handle == NULL);
    return 0;
}

static int test_statistics_and_status_codes(void) {
    struct aws_crt_statistics_socket socket_stats;
    struct aws_crt_statistics_tls tls_stats;
    CHECK_INT_EQ(aws_crt_statistics_socket_init(&socket_stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(socket_stats.category, AWSCRT_STAT_CAT_SOCKET);
    CHECK_INT_EQ(AWSCRT_STAT_CAT_SOCKET, AWS_CRT_STATISTICS_CATEGORY_BEGIN_RANGE(AWS_C_IO_PACKAGE_ID));
    socket_stats.bytes_read = 10;
    aws_crt_statistics_socket_reset(&socket_stats);
    CHECK_INT_EQ(socket_stats.bytes_read, 0);
    aws_crt_statistics_socket_cleanup(&socket_stats);
    CHECK_INT_EQ(aws_crt_statistics_tls_init(&tls_stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(tls_stats.category, AWSCRT_STAT_CAT_TLS);
    CHECK_INT_EQ(tls_stats.handshake_status, AWS_TLS_NEGOTIATION_STATUS_NONE);
    aws_crt_statistics_tls_reset(&tls_stats);
    aws_crt_statistics_tls_cleanup(&tls_stats);
    struct aws_crt_statistics_http1_channel h1;
    CHECK_INT_EQ(aws_crt_statistics_http1_channel_init(&h1), AWS_OP_SUCCESS);
    CHECK_INT_EQ(h1.category, AWSCRT_STAT_CAT_HTTP1_CHANNEL);
    h1.current_outgoing_stream_id = 7;
    aws_crt_statistics_http1_channel_reset(&h1);
    CHECK_INT_EQ(h1.current_outgoing_stream_id, 0);
    aws_crt_statistics_http1_channel_cleanup(&h1);
    struct aws_crt_statistics_http2_channel h2;
    aws_crt_statistics_http2_channel_init(&h2);
    CHECK_INT_EQ(h2.category, AWSCRT_STAT_CAT_HTTP2_CHANNEL);
    h2.was_inactive = true;
    aws_crt_statistics_http2_channel_reset(&h2);
    CHECK(!h2.was_inactive);
    CHECK_INT_EQ(AWS_HTTP_STATUS_CODE_UNKNOWN, -1);
    CHECK_INT_EQ(AWS_HTTP_STATUS_CODE_404_NOT_FOUND, 404);
    CHECK_INT_EQ(AWS_HTTP_STATUS_CODE_511_NETWORK_AUTHENTICATION_REQUIRED, 511);
    return 0;
}

static int test_include_only_headers(void) {
    struct aws_uri uri;
    struct aws_byte_cursor text = aws_byte_cursor_from_c_str("https://example.com:8443/path");
    CHECK_INT_EQ(aws_uri_init_parse(&uri, aws_default_allocator(), &text), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_uri_port(&uri), 8443);
    aws_uri_clean_up(&uri);
    CHECK(aws_fopen("/nonexistent/awsrs/x", "r") == NULL);
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    RUN(test_shared_library);
    RUN(test_statistics_and_status_codes);
    RUN(test_include_only_headers);
    aws_io_library_clean_up();
    return 0;
}

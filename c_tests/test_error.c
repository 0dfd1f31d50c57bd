/* aws/common/error.h: the thread-local last error, raising (the inline aws_raise_error),
 * resetting and restoring it, the thread-local and global error handlers, and the names,
 * descriptions and libraries of the error codes of aws-c-common, aws-c-io, aws-c-http and
 * aws-c-mqtt, spot-checked against upstream's numbers and names. */
#include <aws/common/error.h>
#include <aws/mqtt/mqtt.h>

#include <limits.h>
#include <pthread.h>
#include <string.h>

#include "test_support.h"

#define UNKNOWN "Unknown Error Code"

static int test_raise_error_sets_the_last_error_and_returns_op_err(void) {
    aws_reset_error();
    CHECK_INT_EQ(aws_raise_error(AWS_ERROR_OOM), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_OOM);
    CHECK_INT_EQ(aws_raise_error(AWS_ERROR_MQTT_TIMEOUT), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT_TIMEOUT);
    return 0;
}

static int test_reset_error_sets_the_last_error_back_to_success(void) {
    aws_raise_error(AWS_ERROR_INVALID_STATE);
    aws_reset_error();
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(AWS_ERROR_SUCCESS, 0);
    return 0;
}

static int test_raising_any_integer_is_recorded_as_is(void) {
    /* Codes no library defines are still recorded: upstream does not check them either. */
    aws_raise_error(-7);
    CHECK_INT_EQ(aws_last_error(), -7);
    aws_raise_error(INT_MAX);
    CHECK_INT_EQ(aws_last_error(), INT_MAX);
    aws_reset_error();
    return 0;
}

struct handler_log {
    int calls;
    int last_code;
    void *last_ctx;
};

static void s_log_error(int err, void *ctx) {
    struct handler_log *log = ctx;
    log->calls++;
    log->last_code = err;
    log->last_ctx = ctx;
}

static int test_restore_error_sets_the_last_error_without_calling_handlers(void) {
    struct handler_log log = {0};
    aws_set_thread_local_error_handler_fn(s_log_error, &log);
    aws_restore_error(AWS_ERROR_SHORT_BUFFER);
    aws_set_thread_local_error_handler_fn(NULL, NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SHORT_BUFFER);
    CHECK_INT_EQ(log.calls, 0);
    aws_reset_error();
    return 0;
}

struct thread_errors {
    int seen_at_start;
    int seen_after_raise;
};

static void *s_raise_on_another_thread(void *arg) {
    struct thread_errors *errors = arg;
    errors->seen_at_start = aws_last_error();
    aws_raise_error(AWS_ERROR_MQTT_UNEXPECTED_HANGUP);
    errors->seen_after_raise = aws_last_error();
    return NULL;
}

static int test_last_error_belongs_to_its_thread(void) {
    aws_raise_error(AWS_ERROR_INVALID_UTF8);
    struct thread_errors errors = {-1, -1};
    pthread_t thread;
    CHECK_INT_EQ(pthread_create(&thread, NULL, s_raise_on_another_thread, &errors), 0);
    CHECK_INT_EQ(pthread_join(thread, NULL), 0);
    CHECK_INT_EQ(errors.seen_at_start, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(errors.seen_after_raise, AWS_ERROR_MQTT_UNEXPECTED_HANGUP);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_UTF8);
    aws_reset_error();
    return 0;
}

static int test_thread_local_handler_hears_each_raise_with_its_context(void) {
    struct handler_log log = {0};
    CHECK(aws_set_thread_local_error_handler_fn(s_log_error, &log) == NULL);
    aws_raise_error(AWS_ERROR_INVALID_INDEX);
    aws_raise_error(AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK(aws_set_thread_local_error_handler_fn(NULL, NULL) == s_log_error);
    CHECK_INT_EQ(log.calls, 2);
    CHECK_INT_EQ(log.last_code, AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK(log.last_ctx == &log);
    /* Removed: it hears nothing more. */
    aws_raise_error(AWS_ERROR_OOM);
    CHECK_INT_EQ(log.calls, 2);
    aws_reset_error();
    return 0;
}

static int test_library_failures_reach_the_thread_local_handler(void) {
    struct handler_log log = {0};
    aws_set_thread_local_error_handler_fn(s_log_error, &log);
    struct aws_byte_cursor text = {.len = 4, .ptr = NULL};
    int result = aws_mqtt_validate_utf8_text(text);
    aws_set_thread_local_error_handler_fn(NULL, NULL);
    CHECK_INT_EQ(result, AWS_OP_ERR);
    CHECK_INT_EQ(log.calls, 1);
    CHECK_INT_EQ(log.last_code, AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    return 0;
}

static int test_thread_local_handler_takes_precedence_over_the_global_one(void) {
    struct handler_log local = {0};
    struct handler_log global = {0};
    CHECK(aws_set_global_error_handler_fn(s_log_error, &global) == NULL);
    aws_set_thread_local_error_handler_fn(s_log_error, &local);
    aws_raise_error(AWS_ERROR_UNKNOWN);
    CHECK_INT_EQ(local.calls, 1);
    CHECK_INT_EQ(global.calls, 0);

    aws_set_thread_local_error_handler_fn(NULL, NULL);
    aws_raise_error(AWS_ERROR_UNKNOWN);
    CHECK_INT_EQ(local.calls, 1);
    CHECK_INT_EQ(global.calls, 1);
    CHECK(global.last_ctx == &global);
    CHECK(aws_set_global_error_handler_fn(NULL, NULL) == s_log_error);
    aws_reset_error();
    return 0;
}

static int test_global_handler_hears_raises_on_other_threads(void) {
    struct handler_log global = {0};
    aws_set_global_error_handler_fn(s_log_error, &global);
    struct thread_errors errors = {-1, -1};
    pthread_t thread;
    CHECK_INT_EQ(pthread_create(&thread, NULL, s_raise_on_another_thread, &errors), 0);
    CHECK_INT_EQ(pthread_join(thread, NULL), 0);
    aws_set_global_error_handler_fn(NULL, NULL);
    CHECK_INT_EQ(global.calls, 1);
    CHECK_INT_EQ(global.last_code, AWS_ERROR_MQTT_UNEXPECTED_HANGUP);
    /* This thread's last error was untouched. */
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    return 0;
}

/* Checks the name, library and debug string of `code`, and that it has a description. */
static int s_check_code(int code, const char *name, const char *lib) {
    CHECK(strcmp(aws_error_name(code), name) == 0);
    CHECK(strcmp(aws_error_lib_name(code), lib) == 0);
    const char *description = aws_error_str(code);
    CHECK(description != NULL && strlen(description) > 3);
    CHECK(strcmp(description, UNKNOWN) != 0);
    char debug[512];
    snprintf(debug, sizeof(debug), "%s: %s, %s", lib, name, description);
    CHECK(strcmp(aws_error_debug_str(code), debug) == 0);
    return 0;
}

#define CHECK_CODE(code, number, lib)                                                                                  \
    do {                                                                                                               \
        CHECK_INT_EQ(code, number);                                                                                    \
        if (s_check_code(number, #code, lib)) {                                                                        \
            fprintf(stderr, "  for %s (%d)\n", #code, number);                                                         \
            return 1;                                                                                                  \
        }                                                                                                              \
    } while (0)

static int test_common_error_codes_have_upstreams_numbers_and_names(void) {
    CHECK_CODE(AWS_ERROR_SUCCESS, 0, "aws-c-common");
    CHECK_CODE(AWS_ERROR_OOM, 1, "aws-c-common");
    CHECK_CODE(AWS_ERROR_COND_VARIABLE_TIMED_OUT, 22, "aws-c-common");
    CHECK_CODE(AWS_ERROR_INVALID_ARGUMENT, 34, "aws-c-common");
    CHECK_CODE(AWS_ERROR_INVALID_STATE, 38, "aws-c-common");
    CHECK_CODE(AWS_ERROR_INVALID_UTF8, 54, "aws-c-common");
    CHECK_CODE(AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED, 62, "aws-c-common");
    return 0;
}

/* aws-c-io and aws-c-http codes are checked by number: their enums live in headers this test
 * does not include. */
static int test_io_error_codes_have_upstreams_numbers_and_names(void) {
    CHECK(s_check_code(1024, "AWS_IO_CHANNEL_ERROR_ERROR_CANT_ACCEPT_INPUT", "aws-c-io") == 0);
    CHECK(s_check_code(1029, "AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE", "aws-c-io") == 0);
    CHECK(s_check_code(1047, "AWS_IO_SOCKET_CONNECTION_REFUSED", "aws-c-io") == 0);
    CHECK(s_check_code(1048, "AWS_IO_SOCKET_TIMEOUT", "aws-c-io") == 0);
    CHECK(s_check_code(1059, "AWS_IO_DNS_INVALID_NAME", "aws-c-io") == 0);
    CHECK(s_check_code(1195, "AWS_IO_DNS_QUERY_AGAIN", "aws-c-io") == 0);
    return 0;
}

static int test_http_error_codes_have_upstreams_numbers_and_names(void) {
    CHECK(s_check_code(2048, "AWS_ERROR_HTTP_UNKNOWN", "aws-c-http") == 0);
    CHECK(s_check_code(2058, "AWS_ERROR_HTTP_CONNECTION_CLOSED", "aws-c-http") == 0);
    CHECK(s_check_code(2076, "AWS_ERROR_HTTP_GOAWAY_RECEIVED", "aws-c-http") == 0);
    CHECK(s_check_code(2095, "AWS_ERROR_HTTP_STREAM_CANCELLED", "aws-c-http") == 0);
    return 0;
}

static int test_mqtt_error_codes_have_upstreams_numbers_and_names(void) {
    /* Upstream names aws-c-mqtt's library with a "lib" prefix, unlike the other three. */
    CHECK_CODE(AWS_ERROR_MQTT_INVALID_RESERVED_BITS, 5120, "libaws-c-mqtt");
    CHECK_CODE(AWS_ERROR_MQTT_INVALID_TOPIC, 5128, "libaws-c-mqtt");
    CHECK_CODE(AWS_ERROR_MQTT_TIMEOUT, 5129, "libaws-c-mqtt");
    CHECK_CODE(AWS_ERROR_MQTT_UNEXPECTED_HANGUP, 5134, "libaws-c-mqtt");
    CHECK_CODE(AWS_ERROR_MQTT_CONNECTION_DESTROYED, 5136, "libaws-c-mqtt");
    CHECK_CODE(AWS_ERROR_MQTT5_INVALID_UTF8_STRING, 5161, "libaws-c-mqtt");
    CHECK_CODE(AWS_ERROR_MQTT_REQUEST_RESPONSE_TIMEOUT, 5168, "libaws-c-mqtt");
    CHECK_CODE(AWS_ERROR_MQTT_REQUEST_RESPONSE_INVALID_RESPONSE_PATH, 5176, "libaws-c-mqtt");
    return 0;
}

static int s_check_unknown(int code) {
    CHECK(strcmp(aws_error_str(code), UNKNOWN) == 0);
    CHECK(strcmp(aws_error_name(code), UNKNOWN) == 0);
    CHECK(strcmp(aws_error_lib_name(code), UNKNOWN) == 0);
    CHECK(strcmp(aws_error_debug_str(code), UNKNOWN) == 0);
    return 0;
}

static int test_unknown_codes_are_unknown_error_code(void) {
    /* Past each library's last code, the range ends (not errors), and outside every range. */
    const int codes[] = {-1, INT_MIN, 63, AWS_ERROR_END_COMMON_RANGE, 1196, 2047, 2096, 3071,
                         5177, AWS_ERROR_END_MQTT_RANGE, 100000, INT_MAX};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); ++i) {
        if (s_check_unknown(codes[i])) {
            fprintf(stderr, "  for code %d\n", codes[i]);
            return 1;
        }
    }
    CHECK_INT_EQ(AWS_ERROR_END_COMMON_RANGE, 1023);
    CHECK_INT_EQ(AWS_ERROR_END_MQTT_RANGE, 6143);
    return 0;
}

static int test_error_lookups_raise_nothing(void) {
    aws_reset_error();
    (void)aws_error_str(-5);
    (void)aws_error_name(AWS_ERROR_OOM);
    (void)aws_error_lib_name(999999);
    (void)aws_error_debug_str(AWS_ERROR_MQTT_TIMEOUT);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    return 0;
}

int main(void) {
    RUN(test_raise_error_sets_the_last_error_and_returns_op_err);
    RUN(test_reset_error_sets_the_last_error_back_to_success);
    RUN(test_raising_any_integer_is_recorded_as_is);
    RUN(test_restore_error_sets_the_last_error_without_calling_handlers);
    RUN(test_last_error_belongs_to_its_thread);
    RUN(test_thread_local_handler_hears_each_raise_with_its_context);
    RUN(test_library_failures_reach_the_thread_local_handler);
    RUN(test_thread_local_handler_takes_precedence_over_the_global_one);
    RUN(test_global_handler_hears_raises_on_other_threads);
    RUN(test_common_error_codes_have_upstreams_numbers_and_names);
    RUN(test_io_error_codes_have_upstreams_numbers_and_names);
    RUN(test_http_error_codes_have_upstreams_numbers_and_names);
    RUN(test_mqtt_error_codes_have_upstreams_numbers_and_names);
    RUN(test_unknown_codes_are_unknown_error_code);
    RUN(test_error_lookups_raise_nothing);
    return 0;
}

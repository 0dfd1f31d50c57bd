/* aws/common/logging.h and aws/io/logging.h: the standard logger to a file path and to a FILE*,
 * level filtering (static through the macros, dynamic through aws_logger_set_log_level), the
 * no-allocation logger, subject names, a logger written in C receiving the library's own
 * messages, whole lines from concurrent threads, and refusal of bad arguments. */
#define _POSIX_C_SOURCE 200809L

#include <aws/common/error.h>
#include <aws/common/logging.h>
#include <aws/io/logging.h>
#include <aws/mqtt/mqtt.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"

/* Reads a whole stream from its start into a NUL-terminated heap buffer. */
static char *s_read_stream(FILE *file) {
    rewind(file);
    size_t capacity = 4096;
    size_t length = 0;
    char *text = malloc(capacity);
    size_t n;
    while (text != NULL && (n = fread(text + length, 1, capacity - length - 1, file)) > 0) {
        length += n;
        if (capacity - length == 1) {
            capacity *= 2;
            char *bigger = realloc(text, capacity);
            if (bigger == NULL) {
                free(text);
                return NULL;
            }
            text = bigger;
        }
    }
    if (text != NULL) {
        text[length] = '\0';
    }
    return text;
}

static char *s_read_path(const char *path) {
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        return NULL;
    }
    char *text = s_read_stream(file);
    fclose(file);
    return text;
}

/* Makes an empty temporary file and writes its path into `path`. */
static int s_temp_path(char *path, size_t size) {
    snprintf(path, size, "/tmp/awsrs_test_logging_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    return 0;
}

/* How many lines of `text` contain `needle`. */
static int s_count_lines_with(const char *text, const char *needle) {
    int count = 0;
    const char *line = text;
    while (*line != '\0') {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        const char *hit = strstr(line, needle);
        if (hit != NULL && hit < line + length) {
            ++count;
        }
        line += length + (end ? 1 : 0);
    }
    return count;
}

/* The line of `text` that contains `needle`, copied into `out`; 0 when found. */
static int s_line_with(const char *text, const char *needle, char *out, size_t size) {
    const char *hit = strstr(text, needle);
    if (hit == NULL) {
        return -1;
    }
    const char *start = hit;
    while (start > text && start[-1] != '\n') {
        --start;
    }
    const char *end = strchr(hit, '\n');
    size_t length = end ? (size_t)(end - start) : strlen(start);
    if (length >= size) {
        length = size - 1;
    }
    memcpy(out, start, length);
    out[length] = '\0';
    return 0;
}

/* Checks a line's layout: "[LEVEL] [YYYY-MM-DDTHH:MM:SSZ] [16 hex digits] [subject] - message". */
static int s_check_line(const char *line, const char *level, const char *subject, const char *message) {
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "[%s] [", level);
    CHECK(strncmp(line, prefix, strlen(prefix)) == 0);
    const char *stamp = line + strlen(prefix);
    CHECK(strlen(stamp) > 20);
    for (int i = 0; i < 20; ++i) {
        char c = stamp[i];
        switch (i) {
            case 4:
            case 7:
                CHECK(c == '-');
                break;
            case 10:
                CHECK(c == 'T');
                break;
            case 13:
            case 16:
                CHECK(c == ':');
                break;
            case 19:
                CHECK(c == 'Z');
                break;
            default:
                CHECK(c >= '0' && c <= '9');
        }
    }
    const char *thread = stamp + 20;
    CHECK(strncmp(thread, "] [", 3) == 0);
    for (int i = 3; i < 19; ++i) {
        CHECK(strchr("0123456789abcdef", thread[i]) != NULL);
    }
    char tail[512];
    snprintf(tail, sizeof(tail), "] [%s] - %s", subject, message);
    CHECK(strcmp(thread + 19, tail) == 0);
    return 0;
}

static int s_evaluations = 0;

static int s_evaluate(void) {
    return ++s_evaluations;
}

static int test_standard_logger_appends_lines_to_a_file(void) {
    char path[64];
    CHECK_INT_EQ(s_temp_path(path, sizeof(path)), 0);
    FILE *seed = fopen(path, "w");
    CHECK(seed != NULL);
    fputs("existing line\n", seed);
    fclose(seed);

    struct aws_logger logger;
    struct aws_logger_standard_options options = {.level = AWS_LL_DEBUG, .filename = path};
    CHECK_INT_EQ(aws_logger_init_standard(&logger, aws_default_allocator(), &options), AWS_OP_SUCCESS);
    aws_logger_set(&logger);
    CHECK(aws_logger_get() == &logger);
    AWS_LOGF_INFO(AWS_LS_MQTT_CLIENT, "hello %d from %s", 42, "C");
    AWS_LOGF_DEBUG(AWS_LS_IO_SOCKET, "debug %s", "detail");
    AWS_LOGF_TRACE(AWS_LS_COMMON_GENERAL, "trace never %d", s_evaluate());
    AWS_LOGF_ERROR(AWS_LS_COMMON_THREAD, "no arguments");
    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);
    CHECK_INT_EQ(s_evaluations, 0);

    char *text = s_read_path(path);
    remove(path);
    CHECK(text != NULL);
    CHECK(strncmp(text, "existing line\n", 14) == 0);
    CHECK(strstr(text, "trace never") == NULL);
    char line[512];
    CHECK_INT_EQ(s_line_with(text, "hello 42", line, sizeof(line)), 0);
    CHECK_INT_EQ(s_check_line(line, "INFO", "mqtt-client", "hello 42 from C"), 0);
    CHECK_INT_EQ(s_line_with(text, "debug detail", line, sizeof(line)), 0);
    CHECK_INT_EQ(s_check_line(line, "DEBUG", "socket", "debug detail"), 0);
    CHECK_INT_EQ(s_line_with(text, "no arguments", line, sizeof(line)), 0);
    CHECK_INT_EQ(s_check_line(line, "ERROR", "thread", "no arguments"), 0);
    CHECK_INT_EQ(s_count_lines_with(text, "] - "), 3);
    free(text);
    return 0;
}

static int test_standard_logger_to_a_file_pointer_follows_its_level_and_leaves_it_open(void) {
    FILE *file = tmpfile();
    CHECK(file != NULL);
    struct aws_logger logger;
    struct aws_logger_standard_options options = {.level = AWS_LL_INFO, .file = file};
    CHECK_INT_EQ(aws_logger_init_standard(&logger, aws_default_allocator(), &options), AWS_OP_SUCCESS);
    aws_logger_set(&logger);
    AWS_LOGF_DEBUG(AWS_LS_MQTT5_CLIENT, "hidden debug");
    CHECK(aws_logger_get_conditional(AWS_LS_MQTT5_CLIENT, AWS_LL_DEBUG) == NULL);
    CHECK(aws_logger_get_conditional(AWS_LS_MQTT5_CLIENT, AWS_LL_INFO) == &logger);

    CHECK_INT_EQ(aws_logger_set_log_level(&logger, AWS_LL_DEBUG), AWS_OP_SUCCESS);
    AWS_LOGF_DEBUG(AWS_LS_MQTT5_CLIENT, "shown debug");
    CHECK_INT_EQ(aws_logger_set_log_level(&logger, AWS_LL_ERROR), AWS_OP_SUCCESS);
    AWS_LOGF_WARN(AWS_LS_MQTT5_CLIENT, "hidden warn");
    CHECK_FAILS_WITH(aws_logger_set_log_level(&logger, (enum aws_log_level)99), AWS_ERROR_INVALID_ARGUMENT);

    struct aws_logger *unconditional = aws_logger_get_conditional(AWS_LS_MQTT5_CLIENT, AWS_LL_ERROR);
    CHECK(unconditional != NULL);
    AWS_LOGUF(unconditional, AWS_LL_TRACE, AWS_LS_MQTT5_CLIENT, "unchecked %s", "trace");
    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);

    CHECK(fputs("still open\n", file) >= 0);
    char *text = s_read_stream(file);
    fclose(file);
    CHECK(text != NULL);
    CHECK(strstr(text, "hidden") == NULL);
    char line[512];
    CHECK_INT_EQ(s_line_with(text, "shown debug", line, sizeof(line)), 0);
    CHECK_INT_EQ(s_check_line(line, "DEBUG", "mqtt5-client", "shown debug"), 0);
    CHECK_INT_EQ(s_line_with(text, "unchecked", line, sizeof(line)), 0);
    CHECK_INT_EQ(s_check_line(line, "TRACE", "mqtt5-client", "unchecked trace"), 0);
    CHECK(strstr(text, "still open\n") != NULL);
    free(text);
    return 0;
}

static int test_noalloc_logger_truncates_its_file_and_cuts_long_lines(void) {
    char path[64];
    CHECK_INT_EQ(s_temp_path(path, sizeof(path)), 0);
    FILE *seed = fopen(path, "w");
    CHECK(seed != NULL);
    fputs("old content\n", seed);
    fclose(seed);

    static char long_message[20001];
    memset(long_message, 'y', sizeof(long_message) - 1);

    struct aws_logger logger;
    struct aws_logger_standard_options options = {.level = AWS_LL_WARN, .filename = path};
    CHECK_INT_EQ(aws_logger_init_noalloc(&logger, aws_default_allocator(), &options), AWS_OP_SUCCESS);
    aws_logger_set(&logger);
    AWS_LOGF_WARN(AWS_LS_IO_TLS, "short %u", 7u);
    AWS_LOGF_INFO(AWS_LS_IO_TLS, "filtered");
    AWS_LOGF_FATAL(AWS_LS_IO_TLS, "long %s", long_message);
    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);

    char *text = s_read_path(path);
    remove(path);
    CHECK(text != NULL);
    CHECK(strstr(text, "old content") == NULL);
    CHECK(strstr(text, "filtered") == NULL);
    char line[512];
    CHECK_INT_EQ(s_line_with(text, "short 7", line, sizeof(line)), 0);
    CHECK_INT_EQ(s_check_line(line, "WARN", "tls-handler", "short 7"), 0);
    const char *fatal = strstr(text, "[FATAL]");
    CHECK(fatal != NULL);
    const char *end = strchr(fatal, '\n');
    CHECK(end != NULL);
    CHECK_INT_EQ(end - fatal + 1, 8192);
    free(text);

    /* Without a file or a file name, the no-allocation logger writes to stderr. */
    struct aws_logger_standard_options to_stderr = {.level = AWS_LL_NONE};
    CHECK_INT_EQ(aws_logger_init_noalloc(&logger, aws_default_allocator(), &to_stderr), AWS_OP_SUCCESS);
    aws_logger_clean_up(&logger);
    return 0;
}

static int test_standard_logger_keeps_long_messages_whole(void) {
    FILE *file = tmpfile();
    CHECK(file != NULL);
    static char long_message[20001];
    memset(long_message, 'z', sizeof(long_message) - 1);
    struct aws_logger logger;
    struct aws_logger_standard_options options = {.level = AWS_LL_INFO, .file = file};
    CHECK_INT_EQ(aws_logger_init_standard(&logger, aws_default_allocator(), &options), AWS_OP_SUCCESS);
    aws_logger_set(&logger);
    AWS_LOGF_INFO(AWS_LS_MQTT_GENERAL, "%s!", long_message);
    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);
    char *text = s_read_stream(file);
    fclose(file);
    CHECK(text != NULL);
    CHECK(strstr(text, long_message) != NULL);
    CHECK(strstr(text, "[mqtt] - zzz") != NULL);
    CHECK(strstr(text, "z!\n") != NULL);
    free(text);
    return 0;
}

static int test_subject_names_and_registered_lists(void) {
    CHECK(strcmp(aws_log_subject_name(AWS_LS_COMMON_GENERAL), "aws-c-common") == 0);
    CHECK(strcmp(aws_log_subject_name(AWS_LS_IO_PEM), "pem") == 0);
    CHECK(strcmp(aws_log_subject_name(AWS_LS_MQTT_CLIENT), "mqtt-client") == 0);
    CHECK(strcmp(aws_log_subject_name(AWS_LS_MQTT_REQUEST_RESPONSE), "mqtt-request-response-systems") == 0);
    CHECK(strcmp(aws_log_subject_name(AWS_LS_COMMON_LAST), "Unknown") == 0);
    CHECK_INT_EQ(AWS_LOG_SUBJECT_BEGIN_RANGE(AWS_C_MQTT_PACKAGE_ID), AWS_LS_MQTT_GENERAL);
    CHECK_INT_EQ(AWS_LOG_SUBJECT_END_RANGE(AWS_C_IO_PACKAGE_ID), AWS_IO_LS_LAST);

    struct aws_log_subject_info infos[] = {
        DEFINE_LOG_SUBJECT_INFO(AWS_LOG_SUBJECT_BEGIN_RANGE(30), "app-general", "The application"),
        DEFINE_LOG_SUBJECT_INFO(AWS_LOG_SUBJECT_BEGIN_RANGE(30) + 1, "app-network", "Its network"),
    };
    struct aws_log_subject_info_list list = {.subject_list = infos, .count = 2};
    aws_register_log_subject_info_list(&list);
    CHECK(strcmp(aws_log_subject_name(AWS_LOG_SUBJECT_BEGIN_RANGE(30) + 1), "app-network") == 0);
    aws_unregister_log_subject_info_list(&list);
    CHECK(strcmp(aws_log_subject_name(AWS_LOG_SUBJECT_BEGIN_RANGE(30)), "Unknown") == 0);

    aws_register_log_subject_info_list(NULL);
    aws_unregister_log_subject_info_list(NULL);
    struct aws_log_subject_info_list empty = {.subject_list = NULL, .count = 0};
    aws_register_log_subject_info_list(&empty);
    return 0;
}

static int test_levels_and_their_names(void) {
    CHECK_INT_EQ(AWS_LL_NONE, AWS_LOG_LEVEL_NONE);
    CHECK_INT_EQ(AWS_LL_TRACE, AWS_LOG_LEVEL_TRACE);
    CHECK_INT_EQ(AWS_LL_COUNT, 7);
    const char *name = NULL;
    CHECK_INT_EQ(aws_log_level_to_string(AWS_LL_WARN, &name), AWS_OP_SUCCESS);
    CHECK(strcmp(name, "WARN") == 0);
    CHECK_INT_EQ(aws_log_level_to_string(AWS_LL_NONE, NULL), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_log_level_to_string(AWS_LL_COUNT, &name), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_log_level_to_string((enum aws_log_level)99, &name), AWS_ERROR_INVALID_ARGUMENT);
    enum aws_log_level level = AWS_LL_NONE;
    CHECK_INT_EQ(aws_string_to_log_level("Debug", &level), AWS_OP_SUCCESS);
    CHECK_INT_EQ(level, AWS_LL_DEBUG);
    CHECK_FAILS_WITH(aws_string_to_log_level("loud", &level), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_string_to_log_level(NULL, &level), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_string_to_log_level("info", NULL), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

/* A logger written in C: remembers the last message it was given. */
struct capture {
    enum aws_log_level level;
    aws_log_subject_t subject;
    char message[1024];
    int calls;
};

static int s_capture_log(struct aws_logger *logger, enum aws_log_level level, aws_log_subject_t subject,
                         const char *format, ...) {
    struct capture *capture = logger->p_impl;
    va_list args;
    va_start(args, format);
    vsnprintf(capture->message, sizeof(capture->message), format, args);
    va_end(args);
    capture->level = level;
    capture->subject = subject;
    capture->calls++;
    return AWS_OP_SUCCESS;
}

static enum aws_log_level s_capture_get_log_level(struct aws_logger *logger, aws_log_subject_t subject) {
    (void)logger;
    (void)subject;
    return AWS_LL_WARN;
}

static void s_capture_clean_up(struct aws_logger *logger) {
    (void)logger;
}

static int test_a_logger_written_in_c_receives_the_librarys_messages(void) {
    struct aws_logger_vtable vtable = {
        .log = s_capture_log,
        .get_log_level = s_capture_get_log_level,
        .clean_up = s_capture_clean_up,
        .set_log_level = NULL,
    };
    struct capture capture;
    memset(&capture, 0, sizeof(capture));
    struct aws_logger logger = {.vtable = &vtable, .allocator = aws_default_allocator(), .p_impl = &capture};
    aws_logger_set(&logger);

    AWS_LOGF_ERROR(AWS_LS_MQTT_TOPIC_TREE, "mine %d", 5);
    CHECK_INT_EQ(capture.calls, 1);
    CHECK(strcmp(capture.message, "mine 5") == 0);
    AWS_LOGF_INFO(AWS_LS_MQTT_TOPIC_TREE, "filtered");
    CHECK_INT_EQ(capture.calls, 1);

    /* The library's own failure report reaches the C logger. */
    char directory[] = "/tmp";
    struct aws_logger file_logger;
    struct aws_logger_standard_options options = {.level = AWS_LL_INFO, .filename = directory};
    CHECK_FAILS_WITH(aws_logger_init_standard(&file_logger, aws_default_allocator(), &options),
                     AWS_ERROR_FILE_INVALID_PATH);
    CHECK_INT_EQ(capture.calls, 2);
    CHECK_INT_EQ(capture.level, AWS_LL_ERROR);
    CHECK_INT_EQ(capture.subject, AWS_LS_COMMON_IO);
    CHECK(strstr(capture.message, "/tmp") != NULL);

    CHECK_FAILS_WITH(aws_logger_set_log_level(&logger, AWS_LL_INFO), AWS_ERROR_UNIMPLEMENTED);
    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);
    return 0;
}

enum { THREADS = 4, LINES_PER_THREAD = 300 };

static void *s_log_many(void *arg) {
    long id = (long)(intptr_t)arg;
    for (int i = 0; i < LINES_PER_THREAD; ++i) {
        AWS_LOGF_INFO(AWS_LS_MQTT_CLIENT, "thread %ld line %d %s", id, i,
                      "padding-padding-padding-padding-padding-padding-padding-padding-padding");
    }
    return NULL;
}

static int test_lines_from_concurrent_threads_never_interleave(void) {
    FILE *file = tmpfile();
    CHECK(file != NULL);
    struct aws_logger logger;
    struct aws_logger_standard_options options = {.level = AWS_LL_INFO, .file = file};
    CHECK_INT_EQ(aws_logger_init_standard(&logger, aws_default_allocator(), &options), AWS_OP_SUCCESS);
    aws_logger_set(&logger);
    pthread_t threads[THREADS];
    for (long t = 0; t < THREADS; ++t) {
        CHECK_INT_EQ(pthread_create(&threads[t], NULL, s_log_many, (void *)(intptr_t)t), 0);
    }
    for (int t = 0; t < THREADS; ++t) {
        CHECK_INT_EQ(pthread_join(threads[t], NULL), 0);
    }
    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);

    char *text = s_read_stream(file);
    fclose(file);
    CHECK(text != NULL);
    int lines = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        CHECK(strncmp(line, "[INFO] [", 8) == 0);
        CHECK(strstr(line, "[mqtt-client] - thread ") != NULL);
        const char *tail = "padding-padding";
        CHECK(strstr(line, tail) != NULL);
        CHECK(strcmp(line + strlen(line) - 7, "padding") == 0);
        ++lines;
    }
    CHECK_INT_EQ(lines, THREADS * LINES_PER_THREAD);
    free(text);
    return 0;
}

static int test_bad_arguments_are_errors(void) {
    struct aws_allocator *allocator = aws_default_allocator();
    struct aws_logger logger;
    memset(&logger, 0, sizeof(logger));
    struct aws_logger_standard_options to_stderr = {.level = AWS_LL_INFO, .file = stderr};
    CHECK_FAILS_WITH(aws_logger_init_standard(NULL, allocator, &to_stderr), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_logger_init_standard(&logger, NULL, &to_stderr), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_logger_init_standard(&logger, allocator, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_logger_init_noalloc(&logger, allocator, NULL), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_logger_standard_options bad_level = {.level = (enum aws_log_level)99, .file = stderr};
    CHECK_FAILS_WITH(aws_logger_init_standard(&logger, allocator, &bad_level), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_logger_init_noalloc(&logger, allocator, &bad_level), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_logger_standard_options neither = {.level = AWS_LL_INFO};
    CHECK_FAILS_WITH(aws_logger_init_standard(&logger, allocator, &neither), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_logger_standard_options both = {.level = AWS_LL_INFO, .filename = "/tmp/x", .file = stderr};
    CHECK_FAILS_WITH(aws_logger_init_standard(&logger, allocator, &both), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_logger_standard_options directory = {.level = AWS_LL_INFO, .filename = "/tmp"};
    CHECK_FAILS_WITH(aws_logger_init_standard(&logger, allocator, &directory), AWS_ERROR_FILE_INVALID_PATH);
    CHECK_FAILS_WITH(aws_logger_init_noalloc(&logger, allocator, &directory), AWS_ERROR_FILE_INVALID_PATH);
    struct aws_logger_standard_options missing = {.level = AWS_LL_INFO, .filename = "/nonexistent-dir/x.log"};
    CHECK_FAILS_WITH(aws_logger_init_standard(&logger, allocator, &missing), AWS_ERROR_FILE_INVALID_PATH);
    CHECK(logger.vtable == NULL);

    CHECK_FAILS_WITH(aws_logger_set_log_level(NULL, AWS_LL_INFO), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_logger_set_log_level(aws_logger_get(), AWS_LL_INFO), AWS_ERROR_UNIMPLEMENTED);
    aws_logger_clean_up(NULL);
    aws_logger_clean_up(&logger);

    /* Without a logger set, the macros do nothing and aws_logger_get never returns NULL. */
    aws_logger_set(NULL);
    CHECK(aws_logger_get() != NULL);
    AWS_LOGF_FATAL(AWS_LS_COMMON_GENERAL, "nowhere %d", s_evaluate());
    CHECK_INT_EQ(s_evaluations, 0);
    CHECK(aws_logger_get_conditional(AWS_LS_COMMON_GENERAL, AWS_LL_FATAL) == NULL);

    /* A double clean-up of a real logger is harmless. */
    CHECK_INT_EQ(aws_logger_init_standard(&logger, allocator, &to_stderr), AWS_OP_SUCCESS);
    aws_logger_clean_up(&logger);
    aws_logger_clean_up(&logger);
    return 0;
}

int main(void) {
    RUN(test_standard_logger_appends_lines_to_a_file);
    RUN(test_standard_logger_to_a_file_pointer_follows_its_level_and_leaves_it_open);
    RUN(test_noalloc_logger_truncates_its_file_and_cuts_long_lines);
    RUN(test_standard_logger_keeps_long_messages_whole);
    RUN(test_subject_names_and_registered_lists);
    RUN(test_levels_and_their_names);
    RUN(test_a_logger_written_in_c_receives_the_librarys_messages);
    RUN(test_lines_from_concurrent_threads_never_interleave);
    RUN(test_bad_arguments_are_errors);
    return 0;
}

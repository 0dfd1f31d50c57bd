/* Tests of aws/common/log_writer.h, log_channel.h and log_formatter.h, and the pipeline logger
 * of logging.h, through the C API: standard lines from a va_list (and cut ones), a pipeline
 * over a file writer with a foreground and a background channel, and upstream's errors. */
#include <aws/common/log_channel.h>
#include <aws/common/log_formatter.h>
#include <aws/common/log_writer.h>
#include <aws/common/logging.h>
#include <aws/common/string.h>

#include "test_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int s_format(struct aws_logging_standard_formatting_data *data, ...) {
    va_list args;
    va_start(args, data);
    int result = aws_format_standard_log_line(data, args);
    va_end(args);
    return result;
}

static int test_standard_line(void) {
    char buffer[256];
    struct aws_logging_standard_formatting_data data = {
        .log_line_buffer = buffer,
        .total_length = sizeof(buffer),
        .level = AWS_LL_WARN,
        .subject_name = "subject",
        .format = "value=%d %s",
        .date_format = AWS_DATE_FORMAT_ISO_8601,
    };
    CHECK_INT_EQ(s_format(&data, 7, "end"), AWS_OP_SUCCESS);
    CHECK(data.amount_written > 0 && data.amount_written < sizeof(buffer));
    CHECK(strncmp(buffer, "[WARN] [", 8) == 0);
    CHECK(buffer[data.amount_written - 1] == '\n');
    const char *tail = "[subject] - value=7 end\n";
    CHECK(memcmp(buffer + data.amount_written - strlen(tail), tail, strlen(tail)) == 0);

    /* A line too long for the buffer is cut and keeps its newline. */
    char small[40];
    data.log_line_buffer = small;
    data.total_length = sizeof(small);
    CHECK_INT_EQ(s_format(&data, 7, "end"), AWS_OP_SUCCESS);
    CHECK_INT_EQ(data.amount_written, sizeof(small));
    CHECK(small[sizeof(small) - 1] == '\n');

    data.total_length = 0;
    CHECK_FAILS_WITH(s_format(&data, 7, "end"), AWS_ERROR_INVALID_ARGUMENT);
    data.total_length = sizeof(small);
    data.level = AWS_LL_COUNT;
    CHECK_FAILS_WITH(s_format(&data, 7, "end"), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

typedef int(init_channel_fn)(struct aws_log_channel *, struct aws_allocator *, struct aws_log_writer *);

static int s_pipeline(init_channel_fn *init_channel) {
    struct aws_allocator *alloc = aws_default_allocator();
    FILE *file = tmpfile();
    CHECK(file != NULL);

    struct aws_log_writer writer;
    struct aws_log_writer_file_options file_options = {.file = file};
    CHECK_INT_EQ(aws_log_writer_init_file(&writer, alloc, &file_options), AWS_OP_SUCCESS);
    struct aws_log_channel channel;
    CHECK_INT_EQ(init_channel(&channel, alloc, &writer), AWS_OP_SUCCESS);
    CHECK(channel.writer == &writer);
    struct aws_log_formatter formatter;
    struct aws_log_formatter_standard_options formatter_options = {.date_format = AWS_DATE_FORMAT_RFC822};
    CHECK_INT_EQ(aws_log_formatter_init_default(&formatter, alloc, &formatter_options), AWS_OP_SUCCESS);

    struct aws_logger logger;
    CHECK_INT_EQ(
        aws_logger_init_from_external(&logger, alloc, &formatter, &channel, &writer, AWS_LL_INFO), AWS_OP_SUCCESS);
    aws_logger_set(&logger);
    AWS_LOGF_INFO(AWS_LS_COMMON_GENERAL, "pipeline-marker %d", 1);
    AWS_LOGF_DEBUG(AWS_LS_COMMON_GENERAL, "pipeline-marker hidden");
    CHECK_INT_EQ(aws_logger_set_log_level(&logger, AWS_LL_DEBUG), AWS_OP_SUCCESS);
    AWS_LOGF_DEBUG(AWS_LS_COMMON_GENERAL, "pipeline-marker %s", "shown");
    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);
    aws_log_channel_clean_up(&channel);
    aws_log_formatter_clean_up(&formatter);
    aws_log_writer_clean_up(&writer);

    char text[1024] = {0};
    rewind(file);
    size_t n = fread(text, 1, sizeof(text) - 1, file);
    fclose(file);
    CHECK(n > 0);
    CHECK(strstr(text, "[INFO] [") == text);
    CHECK(strstr(text, " GMT] [") != NULL);
    CHECK(strstr(text, "[aws-c-common] - pipeline-marker 1\n") != NULL);
    CHECK(strstr(text, "hidden") == NULL);
    CHECK(strstr(text, "] - pipeline-marker shown\n") != NULL);
    return 0;
}

static int test_foreground_pipeline(void) {
    return s_pipeline(aws_log_channel_init_foreground);
}

static int test_background_pipeline(void) {
    return s_pipeline(aws_log_channel_init_background);
}

static int test_writer_errors(void) {
    struct aws_log_writer writer;
    struct aws_log_writer_file_options both = {.filename = "x.log", .file = stderr};
    CHECK_FAILS_WITH(aws_log_writer_init_file(&writer, aws_default_allocator(), &both), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_log_writer_file_options bad_path = {.filename = "/nonexistent-dir/x.log"};
    CHECK_FAILS_WITH(
        aws_log_writer_init_file(&writer, aws_default_allocator(), &bad_path), AWS_ERROR_FILE_INVALID_PATH);

    char repr[AWS_THREAD_ID_T_REPR_BUFSZ];
    CHECK_INT_EQ(aws_thread_id_t_to_string(aws_thread_current_thread_id(), repr, sizeof(repr)), AWS_OP_SUCCESS);
    CHECK_INT_EQ(strlen(repr), sizeof(repr) - 1);
    CHECK_FAILS_WITH(aws_thread_id_t_to_string(1, repr, sizeof(repr) - 1), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(g_pipeline_logger_owned_vtable.log != NULL);
    return 0;
}

int main(void) {
    RUN(test_standard_line);
    RUN(test_foreground_pipeline);
    RUN(test_background_pipeline);
    RUN(test_writer_errors);
    return 0;
}

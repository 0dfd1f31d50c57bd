/* Checks MQTT topic names and topic filters the way the clients check them before sending,
 * logging through the aws_logger API to stderr.
 *
 * usage: topic_check TOPIC...
 * Prints, for each argument, whether it is a valid topic name, a valid topic filter, and
 * valid MQTT UTF-8 (with the error's name when it is not). */
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/common/logging.h>
#include <aws/mqtt/mqtt.h>

#include <stdio.h>

int main(int argc, char **argv) {
    struct aws_allocator *allocator = aws_default_allocator();
    aws_mqtt_library_init(allocator);

    struct aws_logger logger;
    struct aws_logger_standard_options log_options = {.level = AWS_LL_INFO, .file = stderr};
    if (aws_logger_init_standard(&logger, allocator, &log_options)) {
        fprintf(stderr, "logger: %s\n", aws_error_debug_str(aws_last_error()));
        return 1;
    }
    aws_logger_set(&logger);

    if (argc < 2) {
        fprintf(stderr, "usage: %s TOPIC...\n", argv[0]);
    }
    for (int i = 1; i < argc; ++i) {
        struct aws_byte_cursor topic = aws_byte_cursor_from_c_str(argv[i]);
        int utf8 = aws_mqtt_validate_utf8_text(topic);
        printf(
            "%-32s name:%-3s filter:%-3s utf8:%s\n",
            argv[i],
            aws_mqtt_is_valid_topic(&topic) ? "yes" : "no",
            aws_mqtt_is_valid_topic_filter(&topic) ? "yes" : "no",
            utf8 == AWS_OP_SUCCESS ? "ok" : aws_error_name(aws_last_error()));
        AWS_LOGF_INFO(AWS_LS_MQTT_GENERAL, "checked \"" PRInSTR "\"", AWS_BYTE_CURSOR_PRI(topic));
    }

    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);
    aws_mqtt_library_clean_up();
    return 0;
}

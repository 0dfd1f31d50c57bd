/* A program written for upstream aws-c-mqtt and aws-c-auth, built against the installed package
 * three ways (find_package, pkg-config, the old link line) by the consumer ctest cases. */
#include <aws/auth/auth.h>
#include <aws/auth/signing_config.h>
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/mqtt/mqtt.h>

#include <stdio.h>
#include <string.h>

int main(void) {
    struct aws_allocator *allocator = aws_default_allocator();
    aws_mqtt_library_init(allocator);
    aws_auth_library_init(allocator);

    struct aws_byte_cursor topic = aws_byte_cursor_from_c_str("sensors/+/temperature");
    int failures = 0;
    if (aws_mqtt_is_valid_topic(&topic) || !aws_mqtt_is_valid_topic_filter(&topic)) {
        fprintf(stderr, "topic validation disagrees with upstream\n");
        failures++;
    }
    if (strcmp(aws_error_name(AWS_ERROR_MQTT_TIMEOUT), "AWS_ERROR_MQTT_TIMEOUT") != 0) {
        fprintf(stderr, "error names disagree with upstream\n");
        failures++;
    }

    if (strcmp(aws_signing_algorithm_to_string(AWS_SIGNING_ALGORITHM_V4), "SigV4") != 0 ||
        strcmp(aws_error_lib_name(AWS_AUTH_SIGNING_NO_CREDENTIALS), "aws-c-auth") != 0) {
        fprintf(stderr, "aws-c-auth disagrees with upstream\n");
        failures++;
    }

    aws_auth_library_clean_up();
    aws_mqtt_library_clean_up();
    if (failures == 0) {
        printf("consumer ok\n");
    }
    return failures;
}

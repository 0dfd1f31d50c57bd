/* Hand-written fragment of aws/mqtt/mqtt.h: its macros and function-type typedef. */
#include <aws/common/logging.h>
#include <aws/mqtt/exports.h>

#define AWS_C_MQTT_PACKAGE_ID 5

typedef void(aws_mqtt_userdata_cleanup_fn)(void *userdata);

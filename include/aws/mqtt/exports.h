#ifndef AWS_MQTT_EXPORTS_H
#define AWS_MQTT_EXPORTS_H
/* Hand-written: upstream's export macro for aws-c-mqtt declarations. */
#include <aws/common/exports.h>
#endif /* AWS_MQTT_EXPORTS_H */

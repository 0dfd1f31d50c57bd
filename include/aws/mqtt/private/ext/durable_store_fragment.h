/* Hand-written fragment of aws/mqtt/ext/durable_store.h: its function-type typedef. */
#include <aws/mqtt/mqtt.h>

struct aws_mqtt_ext_recovered_publish;

/* A publish the store restored completed, on the client's loop: error_code 0 when it was
 * acknowledged (publish->reason_code carries the MQTT 5 acknowledgement's reason code). */
typedef void(aws_mqtt_ext_recovered_publish_complete_fn)(
    const struct aws_mqtt_ext_recovered_publish *publish,
    int error_code,
    void *user_data);

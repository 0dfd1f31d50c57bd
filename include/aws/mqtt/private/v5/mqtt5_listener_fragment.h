/* Hand-written fragment of aws/mqtt/v5/mqtt5_listener.h: the headers upstream's
 * mqtt5_listener.h brings in, and its function-type typedef. */
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_client.h>

struct aws_mqtt5_listener;

/* The listener is gone: no callback of its will run again. */
typedef void(aws_mqtt5_listener_termination_completion_fn)(void *complete_ctx);

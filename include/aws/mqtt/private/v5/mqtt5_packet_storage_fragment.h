/* Hand-written fragment of aws/mqtt/v5/mqtt5_packet_storage.h: the headers upstream's
 * mqtt5_packet_storage.h brings in, and its forward declaration. */
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_types.h>

struct aws_mqtt5_client_options_storage;

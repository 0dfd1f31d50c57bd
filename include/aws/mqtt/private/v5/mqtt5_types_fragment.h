/* Hand-written fragment of aws/mqtt/v5/mqtt5_types.h: the headers upstream's mqtt5_types.h
 * brings in, and its limits on list lengths. */
#include <aws/common/array_list.h>
#include <aws/common/byte_buf.h>
#include <aws/common/ref_count.h>
#include <aws/mqtt/mqtt.h>

/* At most this many user properties in one packet. */
#define AWS_MQTT5_CLIENT_MAXIMUM_USER_PROPERTIES 1024

/* At most this many topic filters in one SUBSCRIBE. */
#define AWS_MQTT5_CLIENT_MAXIMUM_SUBSCRIPTIONS_PER_SUBSCRIBE 1024

/* At most this many topic filters in one UNSUBSCRIBE. */
#define AWS_MQTT5_CLIENT_MAXIMUM_TOPIC_FILTERS_PER_UNSUBSCRIBE 1024

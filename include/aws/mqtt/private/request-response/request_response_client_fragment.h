/* Hand-written fragment of aws/mqtt/request-response/request_response_client.h: the header
 * upstream's brings in, its forward declarations, and its function-type typedefs. */
#include <aws/mqtt/mqtt.h>

struct aws_event_loop;
struct aws_mqtt_request_response_client;
struct aws_mqtt_client_connection;
struct aws_mqtt5_client;
struct aws_mqtt5_user_property;
struct aws_mqtt_rr_incoming_publish_event;
struct aws_mqtt_rr_client_operation;

/* A request completed: with the response (error_code 0), or with an error and no publish. */
typedef void(aws_mqtt_request_operation_completion_fn)(
    const struct aws_mqtt_rr_incoming_publish_event *publish_event,
    int error_code,
    void *user_data);

/* Describes a change to the state of a streaming operation's subscription. Defined here, before
 * the callback that takes it, as upstream's header does. */
enum aws_rr_streaming_subscription_event_type {
    /* Subscribed to the operation's topic filter. */
    ARRSSET_SUBSCRIPTION_ESTABLISHED = 0,
    /* The subscription was lost for now (a new session); it is being made again. */
    ARRSSET_SUBSCRIPTION_LOST = 1,
    /* Given up for good (refused, no room, or the client shut down). */
    ARRSSET_SUBSCRIPTION_HALTED = 2,
};

/* A streaming operation's subscription status changed. */
typedef void(aws_mqtt_streaming_operation_subscription_status_fn)(
    enum aws_rr_streaming_subscription_event_type status,
    int error_code,
    void *user_data);

/* A PUBLISH matching a streaming operation's filter arrived. */
typedef void(aws_mqtt_streaming_operation_incoming_publish_fn)(
    const struct aws_mqtt_rr_incoming_publish_event *publish_event,
    void *user_data);

/* A streaming operation is gone: none of its callbacks will run again. */
typedef void(aws_mqtt_streaming_operation_terminated_fn)(void *user_data);

/* The client finished initializing on its loop. */
typedef void(aws_mqtt_request_response_client_initialized_callback_fn)(void *user_data);

/* The client is gone. */
typedef void(aws_mqtt_request_response_client_terminated_callback_fn)(void *user_data);

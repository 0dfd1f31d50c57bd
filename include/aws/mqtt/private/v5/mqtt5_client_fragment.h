/* Hand-written fragment of aws/mqtt/v5/mqtt5_client.h: the headers upstream's mqtt5_client.h
 * brings in, its forward declarations, and its function-type typedefs. */
#include <aws/io/retry_strategy.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_types.h>

struct aws_allocator;
struct aws_client_bootstrap;
struct aws_host_resolution_config;
struct aws_http_message;
struct aws_mqtt5_client;
struct aws_mqtt5_client_lifecycle_event;
struct aws_tls_connection_options;
struct aws_socket_options;

/* The WebSocket handshake transform is done with request; error_code 0 on success. */
typedef void(aws_mqtt5_transform_websocket_handshake_complete_fn)(
    struct aws_http_message *request,
    int error_code,
    void *complete_ctx);

/* Rewrites the WebSocket upgrade request, then calls complete_fn. */
typedef void(aws_mqtt5_transform_websocket_handshake_fn)(
    struct aws_http_message *request,
    void *user_data,
    aws_mqtt5_transform_websocket_handshake_complete_fn *complete_fn,
    void *complete_ctx);

/* A lifecycle event happened. */
typedef void(aws_mqtt5_client_connection_event_callback_fn)(const struct aws_mqtt5_client_lifecycle_event *event);

/* A PUBLISH completed: packet is NULL at QoS 0, a PUBACK view at QoS 1 (packet_type says which). */
typedef void(aws_mqtt5_publish_completion_fn)(
    enum aws_mqtt5_packet_type packet_type,
    const void *packet,
    int error_code,
    void *complete_ctx);

/* A manually acknowledged PUBLISH's PUBACK was sent, or could not be. */
typedef void(aws_mqtt5_manual_publish_acknowledgement_completion_fn)(
    enum aws_mqtt5_manual_publish_acknowledgement_result publish_acknowledgement_result,
    void *completion_user_data);

/* A SUBSCRIBE completed, with its SUBACK unless error_code says otherwise. */
typedef void(aws_mqtt5_subscribe_completion_fn)(
    const struct aws_mqtt5_packet_suback_view *suback,
    int error_code,
    void *complete_ctx);

/* An UNSUBSCRIBE completed, with its UNSUBACK unless error_code says otherwise. */
typedef void(aws_mqtt5_unsubscribe_completion_fn)(
    const struct aws_mqtt5_packet_unsuback_view *unsuback,
    int error_code,
    void *complete_ctx);

/* A PUBLISH arrived. */
typedef void(aws_mqtt5_publish_received_fn)(const struct aws_mqtt5_packet_publish_view *publish, void *user_data);

/* A PUBLISH arrived at a listener; true keeps it from the listeners after it and the client. */
typedef bool(
    aws_mqtt5_listener_publish_received_fn)(const struct aws_mqtt5_packet_publish_view *publish, void *user_data);

/* A DISCONNECT asked for by aws_mqtt5_client_stop was sent, or could not be. */
typedef void(aws_mqtt5_disconnect_completion_fn)(int error_code, void *complete_ctx);

/* The client's memory is gone. */
typedef void(aws_mqtt5_client_termination_completion_fn)(void *complete_ctx);

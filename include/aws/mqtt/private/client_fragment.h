/* Hand-written fragment of aws/mqtt/client.h: the headers upstream's client.h brings in, its
 * forward declarations, and its function-type typedefs. */
#include <aws/common/byte_buf.h>
#include <aws/common/hash_table.h>
#include <aws/common/ref_count.h>
#include <aws/common/string.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/mqtt/mqtt.h>

struct aws_array_list;
struct aws_client_bootstrap;
struct aws_http_header;
struct aws_http_message;
struct aws_http_proxy_options;
struct aws_mqtt5_client;
struct aws_socket_options;
struct aws_tls_connection_options;
struct on_connection_closed_data;
struct aws_mqtt_client_connection;

/* An operation (publish, unsubscribe) completed; error_code 0 on success. */
typedef void(aws_mqtt_op_complete_fn)(
    struct aws_mqtt_client_connection *connection,
    uint16_t packet_id,
    int error_code,
    void *userdata);

/* The first connection of a connect() succeeded or failed. */
typedef void(aws_mqtt_client_on_connection_complete_fn)(
    struct aws_mqtt_client_connection *connection,
    int error_code,
    enum aws_mqtt_connect_return_code return_code,
    bool session_present,
    void *userdata);

/* Any connection attempt succeeded (a CONNACK accepted it). */
typedef void(aws_mqtt_client_on_connection_success_fn)(
    struct aws_mqtt_client_connection *connection,
    enum aws_mqtt_connect_return_code return_code,
    bool session_present,
    void *userdata);

/* The first connection attempt failed. */
typedef void(aws_mqtt_client_on_connection_failure_fn)(
    struct aws_mqtt_client_connection *connection,
    int error_code,
    void *userdata);

/* An established connection was lost. */
typedef void(aws_mqtt_client_on_connection_interrupted_fn)(
    struct aws_mqtt_client_connection *connection,
    int error_code,
    void *userdata);

/* A disconnect finished; data is NULL. */
typedef void(aws_mqtt_client_on_connection_closed_fn)(
    struct aws_mqtt_client_connection *connection,
    struct on_connection_closed_data *data,
    void *userdata);

/* A lost connection was re-established. */
typedef void(aws_mqtt_client_on_connection_resumed_fn)(
    struct aws_mqtt_client_connection *connection,
    enum aws_mqtt_connect_return_code return_code,
    bool session_present,
    void *userdata);

/* A multi-topic SUBACK: topic_subacks holds aws_mqtt_topic_subscription pointers. */
typedef void(aws_mqtt_suback_multi_fn)(
    struct aws_mqtt_client_connection *connection,
    uint16_t packet_id,
    const struct aws_array_list *topic_subacks,
    int error_code,
    void *userdata);

/* A single-topic SUBACK; qos is AWS_MQTT_QOS_FAILURE when the server refused. */
typedef void(aws_mqtt_suback_fn)(
    struct aws_mqtt_client_connection *connection,
    uint16_t packet_id,
    const struct aws_byte_cursor *topic,
    enum aws_mqtt_qos qos,
    int error_code,
    void *userdata);

/* A PUBLISH arrived on a subscribed topic. */
typedef void(aws_mqtt_client_publish_received_fn)(
    struct aws_mqtt_client_connection *connection,
    const struct aws_byte_cursor *topic,
    const struct aws_byte_cursor *payload,
    bool dup,
    enum aws_mqtt_qos qos,
    bool retain,
    void *userdata);

/* A user disconnect finished. */
typedef void(aws_mqtt_client_on_disconnect_fn)(struct aws_mqtt_client_connection *connection, void *userdata);

/* The connection's memory is gone. */
typedef void(aws_mqtt_client_on_connection_termination_fn)(void *userdata);

/* WebSocket handshake hooks (used once WebSockets land). */
typedef void(aws_mqtt_transform_websocket_handshake_complete_fn)(
    struct aws_http_message *request,
    int error_code,
    void *complete_ctx);

typedef void(aws_mqtt_transform_websocket_handshake_fn)(
    struct aws_http_message *request,
    void *user_data,
    aws_mqtt_transform_websocket_handshake_complete_fn *complete_fn,
    void *complete_ctx);

typedef int aws_mqtt_validate_websocket_handshake_fn(
    struct aws_mqtt_client_connection *connection,
    const struct aws_http_header *header_array,
    size_t num_headers,
    void *userdata);

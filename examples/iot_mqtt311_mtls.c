/* The AWS IoT builder of the MQTT 3.1.1 connection (aws/iotdevice/mqtt_connection_builder.h):
 * mutual TLS from files, as the SDKs' MqttClientConnectionConfigBuilder. The builder makes the
 * connection and fills the connect options; the program adds its completion callback and
 * connects, subscribes, publishes one message and waits for it.
 *
 * usage: iot_mqtt311_mtls ENDPOINT PORT CERT_FILE KEY_FILE CA_FILE
 *
 * Exit code: 0 when the message came back. */
#include <aws/common/condition_variable.h>
#include <aws/common/mutex.h>
#include <aws/iotdevice/mqtt_connection_builder.h>
#include <aws/mqtt/client.h>
#include <aws/mqtt/mqtt.h>

#include <stdio.h>
#include <stdlib.h>

#define TOPIC "iot-mqtt311-mtls/hello"

static struct {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    int connected; /* 1 connected, -1 failed */
    int subscribed;
    int received;
    int disconnected;
    int terminated;
} s;

static void s_note(int *field, int value) {
    aws_mutex_lock(&s.lock);
    *field = value;
    aws_condition_variable_notify_all(&s.signal);
    aws_mutex_unlock(&s.lock);
}

static bool s_wait(int *field, int seconds) {
    aws_mutex_lock(&s.lock);
    for (int i = 0; i < seconds * 10 && *field == 0; ++i) {
        aws_condition_variable_wait_for(&s.signal, &s.lock, 100000000);
    }
    bool done = *field > 0;
    aws_mutex_unlock(&s.lock);
    return done;
}

static void s_on_connected(struct aws_mqtt_client_connection *connection, int error_code,
                           enum aws_mqtt_connect_return_code return_code, bool session_present, void *user_data) {
    (void)connection, (void)session_present, (void)user_data;
    printf("connection: %s, return code %d\n", aws_error_name(error_code), (int)return_code);
    s_note(&s.connected, error_code == AWS_ERROR_SUCCESS ? 1 : -1);
}

static void s_on_publish(struct aws_mqtt_client_connection *connection, const struct aws_byte_cursor *topic,
                         const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                         void *user_data) {
    (void)connection, (void)dup, (void)qos, (void)retain, (void)user_data;
    printf("received on %.*s: %.*s\n", (int)topic->len, (const char *)topic->ptr, (int)payload->len,
           (const char *)payload->ptr);
    s_note(&s.received, 1);
}

static void s_on_suback(struct aws_mqtt_client_connection *connection, uint16_t packet_id,
                        const struct aws_byte_cursor *topic, enum aws_mqtt_qos qos, int error_code, void *user_data) {
    (void)connection, (void)packet_id, (void)topic, (void)qos, (void)user_data;
    s_note(&s.subscribed, error_code == AWS_ERROR_SUCCESS ? 1 : -1);
}

static void s_on_disconnected(struct aws_mqtt_client_connection *connection, void *user_data) {
    (void)connection, (void)user_data;
    s_note(&s.disconnected, 1);
}

static void s_on_terminated(void *user_data) {
    (void)user_data;
    s_note(&s.terminated, 1);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s ENDPOINT PORT CERT_FILE KEY_FILE CA_FILE\n", argv[0]);
        return 1;
    }
    struct aws_allocator *alloc = aws_default_allocator();
    aws_mqtt_library_init(alloc);
    aws_mutex_init(&s.lock);
    aws_condition_variable_init(&s.signal);

    struct aws_iot_mqtt_connection_builder *builder =
        aws_iot_mqtt_connection_builder_new_mtls_from_path(alloc, aws_byte_cursor_from_c_str(argv[1]), argv[3], argv[4]);
    if (builder == NULL) {
        fprintf(stderr, "no builder: %s\n", aws_error_name(aws_last_error()));
        return 1;
    }
    aws_iot_mqtt_connection_builder_set_port(builder, (uint32_t)strtoul(argv[2], NULL, 10));
    aws_iot_mqtt_connection_builder_set_certificate_authority_from_path(builder, argv[5]);
    aws_iot_mqtt_connection_builder_set_client_id(builder, aws_byte_cursor_from_c_str("iot-mqtt311-mtls"));
    aws_iot_mqtt_connection_builder_set_connection_termination_handler(builder, s_on_terminated, NULL);

    struct aws_mqtt_connection_options options;
    struct aws_mqtt_client_connection *connection = aws_iot_mqtt_connection_builder_build(builder, &options);
    int status = 1;
    if (connection == NULL) {
        fprintf(stderr, "build failed: %s\n", aws_error_name(aws_last_error()));
        aws_iot_mqtt_connection_builder_destroy(builder);
        return 1;
    }
    options.on_connection_complete = s_on_connected;
    aws_mqtt_client_connection_connect(connection, &options);
    /* connect copied the options, which pointed into the builder: it may go now. */
    aws_iot_mqtt_connection_builder_destroy(builder);
    if (s_wait(&s.connected, 20)) {
        struct aws_byte_cursor filter = aws_byte_cursor_from_c_str("iot-mqtt311-mtls/#");
        aws_mqtt_client_connection_subscribe(connection, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, s_on_publish, NULL, NULL,
                                             s_on_suback, NULL);
        if (s_wait(&s.subscribed, 10)) {
            struct aws_byte_cursor topic = aws_byte_cursor_from_c_str(TOPIC);
            struct aws_byte_cursor payload = aws_byte_cursor_from_c_str("hello from the 3.1.1 builder");
            aws_mqtt_client_connection_publish(connection, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL,
                                               NULL);
            status = s_wait(&s.received, 10) ? 0 : 1;
        }
        aws_mqtt_client_connection_disconnect(connection, s_on_disconnected, NULL);
        s_wait(&s.disconnected, 10);
    }
    aws_mqtt_client_connection_release(connection);
    s_wait(&s.terminated, 10);
    aws_thread_join_all_managed();
    aws_mqtt_library_clean_up();
    printf("iot_mqtt311_mtls: %s\n", status == 0 ? "ok" : "FAILED");
    return status;
}

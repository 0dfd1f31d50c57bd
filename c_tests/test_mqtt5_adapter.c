/* The 3.1.1 connection API over an MQTT 5 client (aws_mqtt_client_connection_new_from_mqtt5_client),
 * against mosquitto: the first connect's completion, publish/subscribe/unsubscribe through the
 * adapter while the MQTT 5 client's own handlers still see everything, connect refused while
 * connected, a first failure, an interruption and resumption across a broker restart, upstream's
 * option validation, and the end of an adapter with work in flight. */

#include "mqtt5_fixture.h"

#include <aws/mqtt/request-response/request_response_client.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;

/* An MQTT 5 client (not started) for port, and its adapter with every 3.1.1 handler of ev3. */
static int s_adapter_new(int port, const char *client_id, struct fx5_events *ev5, struct fx5_config *c,
                         struct fx_events *ev3, struct aws_mqtt5_client **client,
                         struct aws_mqtt_client_connection **adapter) {
    fx5_setup(ev5, c, s_io.bootstrap, port, "configured-id");
    (void)client_id;
    *client = fx5_client_new(s_alloc, c, ev5);
    CHECK(*client != NULL);
    fx_events_init(ev3);
    *adapter = aws_mqtt_client_connection_new_from_mqtt5_client(*client);
    CHECK(*adapter != NULL);
    CHECK_INT_EQ(fx_install_handlers(*adapter, ev3), 0);
    return 0;
}

/* Disconnects the adapter (waits for on_disconnect), releases it (waits for its termination),
 * then releases the MQTT 5 client (waits for its termination). */
static int s_finish(struct aws_mqtt5_client *client, struct aws_mqtt_client_connection *adapter,
                    struct fx5_events *ev5, struct fx_events *ev3) {
    CHECK_INT_EQ(fx_disconnect_and_release(adapter, ev3), 0);
    CHECK_INT_EQ(fx5_release_and_wait(client, ev5), 0);
    fx_events_clean_up(ev3);
    fx5_events_clean_up(ev5);
    return 0;
}

static int test_connect_publish_subscribe_through_the_adapter(void) {
    struct fx5_events ev5;
    struct fx5_config c;
    struct fx_events ev3;
    struct aws_mqtt5_client *client = NULL;
    struct aws_mqtt_client_connection *adapter = NULL;
    CHECK_INT_EQ(s_adapter_new(s_mosquitto.port, "adapter-1", &ev5, &c, &ev3, &client, &adapter), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_on_any_publish_handler(adapter, fx_on_any_publish, &ev3),
                 AWS_OP_SUCCESS);

    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_mosquitto.port, "adapter-1", &ev3);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev3, ev3.complete >= 1, 10000);
    CHECK_INT_EQ(ev3.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev3.success, 1);
    CHECK_INT_EQ(ev3.failure, 0);
    /* The MQTT 5 client connected with the 3.1.1 connect's client id, not its configured one. */
    CHECK_WAIT(&ev5, fx5_count_locked(&ev5, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 1, 10000);
    struct fx5_event success = fx5_nth(&ev5, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0);
    CHECK(strcmp(success.settings.client_id, "adapter-1") == 0);
    CHECK_INT_EQ(success.settings.server_keep_alive, 30);

    /* A second connect while connected is refused through its callback. */
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev3, ev3.complete >= 2, 10000);
    CHECK_INT_EQ(ev3.complete_error, AWS_ERROR_MQTT_ALREADY_CONNECTED);

    /* Subscribe with a cleanup; the SUBACK reports the filter and the granted QoS. */
    struct aws_byte_cursor filter = fx_cur("adapter/+");
    uint16_t sub_id = aws_mqtt_client_connection_subscribe(adapter, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, fx_on_publish,
                                                           &ev3, fx_on_cleanup, fx_on_suback, &ev3);
    CHECK(sub_id != 0);
    CHECK_WAIT(&ev3, ev3.subacks >= 1, 10000);
    CHECK_INT_EQ(ev3.suback[0].packet_id, sub_id);
    CHECK_INT_EQ(ev3.suback[0].error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev3.suback[0].qos[0], AWS_MQTT_QOS_AT_LEAST_ONCE);
    CHECK(strcmp(ev3.suback[0].topic, "adapter/+") == 0);

    /* Publish through the adapter: its completion carries the id publish returned, and the
     * message comes back to the subscription, the any-publish handler and the MQTT 5 client's
     * own handler. */
    struct aws_byte_cursor topic = fx_cur("adapter/x");
    struct aws_byte_cursor payload = fx_cur("through the adapter");
    uint16_t pub_id = aws_mqtt_client_connection_publish(adapter, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                                         fx_on_op_complete, &ev3);
    CHECK(pub_id != 0 && pub_id != sub_id);
    CHECK_WAIT(&ev3, ev3.ops >= 1 && ev3.publishes >= 2, 10000);
    CHECK_INT_EQ(ev3.op[0].packet_id, pub_id);
    CHECK_INT_EQ(ev3.op[0].error_code, AWS_ERROR_SUCCESS);
    CHECK(strcmp(ev3.publish[0].topic, "adapter/x") == 0);
    CHECK(strcmp(ev3.publish[0].payload, "through the adapter") == 0);
    CHECK_INT_EQ(ev3.publish[0].qos, AWS_MQTT_QOS_AT_LEAST_ONCE);
    CHECK(!ev3.publish[0].any && ev3.publish[1].any);
    CHECK_WAIT(&ev5, fx5_received_locked(&ev5, "adapter/x") == 1, 10000);

    /* Statistics are the MQTT 5 client's. */
    struct aws_mqtt_connection_operation_statistics stats;
    CHECK_INT_EQ(aws_mqtt_client_connection_get_stats(adapter, &stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);

    /* The MQTT 5 client's own subscription, which outlives the adapter's. */
    CHECK_INT_EQ(fx5_subscribe(client, &ev5, "adapter/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);

    /* Unsubscribe: the cleanup runs once, the UNSUBACK completes, and messages stop reaching the
     * adapter's subscription (the any-publish handler still sees them). */
    uint16_t unsub_id = aws_mqtt_client_connection_unsubscribe(adapter, &filter, fx_on_op_complete, &ev3);
    CHECK(unsub_id != 0);
    CHECK_WAIT(&ev3, ev3.ops >= 2 && ev3.cleanups == 1, 10000);
    CHECK_INT_EQ(ev3.op[1].packet_id, unsub_id);
    CHECK_INT_EQ(ev3.op[1].error_code, AWS_ERROR_SUCCESS);
    CHECK(aws_mqtt_client_connection_publish(adapter, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                             fx_on_op_complete, &ev3) != 0);
    CHECK_WAIT(&ev3, ev3.ops >= 3, 10000);
    CHECK_WAIT(&ev5, fx5_received_locked(&ev5, "adapter/x") == 2, 10000);
    CHECK_WAIT(&ev3, ev3.publishes == 3, 10000);
    CHECK(ev3.publish[2].any);

    /* Resubscribing with no subscription left reports that through the callback. */
    CHECK(aws_mqtt_resubscribe_existing_topics(adapter, fx_on_suback_multi, &ev3) != 0);
    CHECK_WAIT(&ev3, ev3.subacks >= 2, 10000);
    CHECK_INT_EQ(ev3.suback[1].error_code, AWS_ERROR_MQTT_CONNECTION_RESUBSCRIBE_NO_TOPICS);

    /* Disconnect stops the MQTT 5 client: on_disconnect, then on_closed. */
    CHECK_INT_EQ(s_finish(client, adapter, &ev5, &ev3), 0);
    CHECK_INT_EQ(ev3.closed, 1);
    CHECK_INT_EQ(ev3.interrupted, 0);
    CHECK_INT_EQ(ev3.terminated, 1);
    return 0;
}

static int test_a_first_failure_stops_the_view_and_connect_works_again(void) {
    struct fx5_events ev5;
    struct fx5_config c;
    struct fx_events ev3;
    struct aws_mqtt5_client *client = NULL;
    struct aws_mqtt_client_connection *adapter = NULL;
    int closed_port = fx_free_port();
    CHECK_INT_EQ(s_adapter_new(closed_port, "adapter-2", &ev5, &c, &ev3, &client, &adapter), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, closed_port, "adapter-2", &ev3);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev3, ev3.complete >= 1, 10000);
    CHECK_INT_EQ(ev3.complete_error, AWS_IO_SOCKET_CONNECTION_REFUSED);
    CHECK_INT_EQ(ev3.failure, 1);
    CHECK_INT_EQ(ev3.failure_error, AWS_IO_SOCKET_CONNECTION_REFUSED);
    /* The MQTT 5 client keeps trying; the 3.1.1 user hears nothing more of it. */
    CHECK_WAIT(&ev5, fx5_count_locked(&ev5, AWS_MQTT5_CLET_CONNECTION_FAILURE) >= 3, 10000);
    CHECK_INT_EQ(ev3.failure, 1);
    CHECK_INT_EQ(ev3.complete, 1);

    /* The view is disconnected: connect again, this time to the broker. */
    options = fx_connect_options(&socket, s_mosquitto.port, "adapter-2", &ev3);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev3, ev3.complete >= 2, 10000);
    CHECK_INT_EQ(ev3.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev3.success, 1);
    CHECK_INT_EQ(s_finish(client, adapter, &ev5, &ev3), 0);
    return 0;
}

static int test_interrupted_and_resumed_across_a_broker_restart(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx5_mosquitto_start(&m, false), 0);
    struct fx5_events ev5;
    struct fx5_config c;
    struct fx_events ev3;
    struct aws_mqtt5_client *client = NULL;
    struct aws_mqtt_client_connection *adapter = NULL;
    CHECK_INT_EQ(s_adapter_new(m.port, "adapter-3", &ev5, &c, &ev3, &client, &adapter), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, m.port, "adapter-3", &ev3);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev3, ev3.complete >= 1, 10000);
    CHECK_INT_EQ(ev3.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx5_mosquitto_restart(&m, false), 0);
    CHECK_WAIT(&ev3, ev3.interrupted >= 1 && ev3.resumed >= 1, 20000);
    CHECK_INT_EQ(ev3.complete, 1);
    CHECK_INT_EQ(ev3.closed, 0);
    CHECK_INT_EQ(ev3.success, 2);
    CHECK_INT_EQ(s_finish(client, adapter, &ev5, &ev3), 0);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_connect_options_are_validated_as_upstream(void) {
    struct fx5_events ev5;
    struct fx5_config c;
    struct fx_events ev3;
    struct aws_mqtt5_client *client = NULL;
    struct aws_mqtt_client_connection *adapter = NULL;
    CHECK_INT_EQ(s_adapter_new(s_mosquitto.port, "adapter-4", &ev5, &c, &ev3, &client, &adapter), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, NULL), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_mosquitto.port, "adapter-4", &ev3);
    options.host_name = fx_cur("");
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, &options), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    options = fx_connect_options(&socket, s_mosquitto.port, "adapter-4", &ev3);
    socket.connect_timeout_ms = 0;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, &options), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    /* Operation arguments are checked as the 3.1.1 connection checks them. */
    struct aws_byte_cursor bad = fx_cur("a/#/b");
    CHECK_INT_EQ(aws_mqtt_client_connection_subscribe(adapter, &bad, AWS_MQTT_QOS_AT_LEAST_ONCE, NULL, NULL, NULL,
                                                      NULL, NULL),
                 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT_INVALID_TOPIC);
    struct aws_byte_cursor topic = fx_cur("a/b");
    CHECK_INT_EQ(aws_mqtt_client_connection_publish(adapter, &topic, (enum aws_mqtt_qos)3, false, NULL, NULL, NULL),
                 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT_INVALID_QOS);
    CHECK_INT_EQ(aws_mqtt_client_connection_reconnect(adapter, NULL, NULL), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_UNSUPPORTED_OPERATION);
    /* Disconnecting a view that never connected completes at once, without on_closed. */
    CHECK_INT_EQ(s_finish(client, adapter, &ev5, &ev3), 0);
    CHECK_INT_EQ(ev3.closed, 0);
    return 0;
}

static int test_releasing_the_adapter_fails_what_is_in_flight(void) {
    struct fx5_events ev5;
    struct fx5_config c;
    struct fx_events ev3;
    struct aws_mqtt5_client *client = NULL;
    struct aws_mqtt_client_connection *adapter = NULL;
    CHECK_INT_EQ(s_adapter_new(s_mosquitto.port, "adapter-5", &ev5, &c, &ev3, &client, &adapter), 0);
    /* Not connected: the MQTT 5 client queues QoS 1 work (its offline queue policy). */
    struct aws_byte_cursor filter = fx_cur("offline/#");
    uint16_t sub_id = aws_mqtt_client_connection_subscribe(adapter, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, fx_on_publish,
                                                           &ev3, fx_on_cleanup, fx_on_suback, &ev3);
    struct aws_byte_cursor topic = fx_cur("offline/x");
    uint16_t pub_id = aws_mqtt_client_connection_publish(adapter, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, NULL,
                                                         fx_on_op_complete, &ev3);
    CHECK(sub_id != 0 && pub_id != 0);
    /* A request-response client over the adapter is served by the MQTT 5 client. */
    struct aws_mqtt_request_response_client_options rr_options = {
        .max_request_response_subscriptions = 2,
        .max_streaming_subscriptions = 1,
        .operation_timeout_seconds = 5,
    };
    struct aws_mqtt_request_response_client *rr =
        aws_mqtt_request_response_client_new_from_mqtt311_client(s_alloc, adapter, &rr_options);
    CHECK(rr != NULL);
    aws_mqtt_request_response_client_release(rr);

    aws_mqtt_client_connection_release(adapter);
    CHECK_WAIT(&ev3, ev3.terminated == 1, 10000);
    CHECK_INT_EQ(ev3.ops, 1);
    CHECK_INT_EQ(ev3.op[0].packet_id, pub_id);
    CHECK_INT_EQ(ev3.op[0].error_code, AWS_ERROR_MQTT_CONNECTION_DESTROYED);
    CHECK_INT_EQ(ev3.subacks, 1);
    CHECK_INT_EQ(ev3.suback[0].packet_id, sub_id);
    CHECK_INT_EQ(ev3.suback[0].error_code, AWS_ERROR_MQTT_CONNECTION_DESTROYED);
    CHECK_INT_EQ(ev3.cleanups, 1);
    /* The MQTT 5 client lives on, and its queued operations end with it. */
    CHECK_INT_EQ(fx5_release_and_wait(client, &ev5), 0);
    fx_events_clean_up(&ev3);
    fx5_events_clean_up(&ev5);
    return 0;
}

/* CVE-2026-115417 through the adapter: a SUBACK with two reason codes for a one-filter SUBSCRIBE
 * is a protocol error: the MQTT 5 client closes the connection with DISCONNECT 0x82, the 3.1.1
 * view hears an interruption, and the subscribe fails (nothing is read past the one code). */
static int test_a_suback_with_the_wrong_code_count_is_a_protocol_error(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--no-ack", "--send-raw-on", "subscribe", "90 05 00 01 00 00 00")),
                 0);
    struct fx5_events ev5;
    struct fx5_config c;
    struct fx_events ev3;
    struct aws_mqtt5_client *client = NULL;
    struct aws_mqtt_client_connection *adapter = NULL;
    CHECK_INT_EQ(s_adapter_new(b.port, "adapter-cve", &ev5, &c, &ev3, &client, &adapter), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "adapter-cve", &ev3);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(adapter, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev3, ev3.complete >= 1, 10000);
    CHECK_INT_EQ(ev3.complete_error, AWS_ERROR_SUCCESS);
    struct aws_byte_cursor filter = fx_cur("cve/+");
    uint16_t id = aws_mqtt_client_connection_subscribe(adapter, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, fx_on_publish,
                                                       &ev3, NULL, fx_on_suback, &ev3);
    CHECK(id != 0);
    CHECK_INT_EQ(fx_log_wait_count(&b,
                                   FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"DISCONNECT\"",
                                                "\"reason_code\":130"),
                                   1, 5000),
                 1);
    CHECK_WAIT(&ev3, ev3.interrupted >= 1, 10000);
    CHECK_INT_EQ(ev3.interrupted_error, AWS_ERROR_MQTT_PROTOCOL_ERROR);
    /* The subscribe completed once, as a failure (the broker never acknowledges a retry). */
    CHECK_INT_EQ(s_finish(client, adapter, &ev5, &ev3), 0);
    CHECK_INT_EQ(ev3.subacks, 1);
    CHECK_INT_EQ(ev3.suback[0].packet_id, id);
    CHECK(ev3.suback[0].error_code != AWS_ERROR_SUCCESS);
    fx_broker_stop(&b);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx5_mosquitto_start(&s_mosquitto, false), 0);

    RUN(test_connect_publish_subscribe_through_the_adapter);
    RUN(test_a_first_failure_stops_the_view_and_connect_works_again);
    RUN(test_interrupted_and_resumed_across_a_broker_restart);
    RUN(test_connect_options_are_validated_as_upstream);
    RUN(test_releasing_the_adapter_fails_what_is_in_flight);
    RUN(test_a_suback_with_the_wrong_code_count_is_a_protocol_error);

    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}

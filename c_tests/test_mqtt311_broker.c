/* The MQTT 3.1.1 client against the project's mqtt-test-broker (env MQTT_TEST_BROKER), which
 * misbehaves on demand and logs every packet: CONNACK refusals 1-5, a hang-up in the middle of a
 * QoS 1 publish followed by a session-present reconnect (the PUBLISH resent once, dup=1, same
 * packet id), a missing PINGRESP, missing acks with an operation timeout (and get_stats while
 * waiting), malformed packets from the server, and the exact CONNECT the client sends. Error
 * codes follow upstream (see each test). Memory goes through a tracing allocator. */
#include "mqtt_fixture.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;

/* A connection with all handlers and the given options, connect() called (not awaited). */
static int s_start(struct aws_mqtt_client_connection **out, struct fx_events *ev,
                   const struct aws_mqtt_connection_options *options) {
    CHECK_INT_EQ(fx_connection_new(s_client, out, ev), 0);
    /* Reconnect after 1 s, not more: the tests wait for resumes. */
    CHECK_INT_EQ(aws_mqtt_client_connection_set_reconnect_timeout(*out, 1, 1), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(*out, options), AWS_OP_SUCCESS);
    return 0;
}

static int test_each_connack_refusal_fails_the_connect(void) {
    for (int code = 1; code <= 5; ++code) {
        char code_text[4];
        snprintf(code_text, sizeof(code_text), "%d", code);
        struct fx_broker b;
        CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--connack-code", code_text)), 0);
        struct fx_events ev;
        fx_events_init(&ev);
        struct aws_socket_options socket;
        struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "fx-refused", &ev);
        struct aws_mqtt_client_connection *c = NULL;
        CHECK_INT_EQ(s_start(&c, &ev, &options), 0);
        CHECK_WAIT(&ev, ev.complete == 1 && ev.failure == 1, 5000);
        /* As upstream, a refused CONNACK fails the connect with AWS_ERROR_MQTT_PROTOCOL_ERROR;
         * unlike upstream (which passes 0), on_connection_complete gets the broker's code. */
        CHECK_INT_EQ(ev.complete_error, AWS_ERROR_MQTT_PROTOCOL_ERROR);
        CHECK_INT_EQ(ev.complete_return_code, code);
        CHECK(!ev.complete_session_present);
        CHECK_INT_EQ(ev.failure_error, AWS_ERROR_MQTT_PROTOCOL_ERROR);
        CHECK_INT_EQ(ev.success, 0);
        char reason[32];
        snprintf(reason, sizeof(reason), "\"reason_code\":%d,", code);
        CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"out\"", "\"type\":\"CONNACK\"", reason), 1, 2000), 1);
        /* A failed first connect is final: no second CONNECT. */
        aws_mqtt_client_connection_release(c);
        CHECK_WAIT(&ev, ev.terminated == 1, 5000);
        CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"type\":\"CONNECT\"")), 1);
        CHECK_INT_EQ(ev.interrupted + ev.resumed + ev.closed, 0);
        fx_events_clean_up(&ev);
        fx_broker_stop(&b);
    }
    return 0;
}

static int test_a_hangup_mid_publish_resends_it_once_after_reconnecting(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--hangup-on", "publish", "--only-first-connection")), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "fx-resume", &ev);
    options.clean_session = false;
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(s_start(&c, &ev, &options), 0);
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK(!ev.complete_session_present);

    struct aws_byte_cursor topic = fx_cur("resume/t");
    struct aws_byte_cursor payload = fx_cur("once");
    uint16_t id = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                                     fx_on_op_complete, &ev);
    CHECK(id != 0);
    CHECK_WAIT(&ev, ev.interrupted == 1, 5000);
    /* A close between packets, as upstream's socket reports the end of a TCP stream. */
    CHECK_INT_EQ(ev.interrupted_error, AWS_IO_SOCKET_CLOSED);
    /* The broker kept the session (clean_session=false): the reconnect finds it. */
    CHECK_WAIT(&ev, ev.resumed == 1, 10000);
    CHECK_INT_EQ(ev.resumed_return_code, AWS_MQTT_CONNECT_ACCEPTED);
    CHECK(ev.resumed_session_present);
    CHECK_WAIT(&ev, fx_op_count_locked(&ev, id) == 1, 5000);
    CHECK_INT_EQ(fx_op_error_locked(&ev, id), AWS_ERROR_SUCCESS);
    /* on_connection_complete belongs to the first connect only; success runs on both. */
    CHECK_INT_EQ(ev.complete, 1);
    CHECK_WAIT(&ev, ev.success == 2, 5000);

    char id_text[32];
    snprintf(id_text, sizeof(id_text), "\"packet_id\":%u,", (unsigned)id);
    const char *first[] = {"\"dir\":\"in\"", "\"conn\":1,", "\"type\":\"PUBLISH\"", id_text, "\"dup\":false", NULL};
    const char *resent[] = {"\"dir\":\"in\"", "\"conn\":2,", "\"type\":\"PUBLISH\"", id_text, "\"dup\":true", NULL};
    CHECK_INT_EQ(fx_log_wait_count(&b, first, 1, 2000), 1);
    CHECK_INT_EQ(fx_log_wait_count(&b, resent, 1, 2000), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"conn\":2,", "\"type\":\"CONNACK\"", "\"session_present\":true")), 1);

    /* A later operation completes too, and the first one was not completed again. */
    uint16_t id2 = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                                      fx_on_op_complete, &ev);
    CHECK_WAIT(&ev, fx_op_count_locked(&ev, id2) == 1, 5000);
    aws_mutex_lock(&ev.lock);
    CHECK_INT_EQ(fx_op_count_locked(&ev, id), 1);
    aws_mutex_unlock(&ev.lock);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\"")), 3);

    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_missing_pingresp_interrupts_then_resumes(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--no-pingresp", "--only-first-connection")), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "fx-ping", &ev);
    /* Keep alive must exceed the ping timeout (upstream aborts otherwise). */
    options.keep_alive_time_secs = 1;
    options.ping_timeout_ms = 500;
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(s_start(&c, &ev, &options), 0);
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_WAIT(&ev, ev.interrupted == 1, 5000);
    CHECK_INT_EQ(ev.interrupted_error, AWS_ERROR_MQTT_TIMEOUT);
    CHECK_WAIT(&ev, ev.resumed == 1, 5000);
    CHECK(fx_log_count(&b, FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"PINGREQ\"")) >= 1);
    /* The second connection answers pings: it stays up across a few keep-alive periods. */
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"conn\":2,", "\"dir\":\"out\"", "\"type\":\"PINGRESP\""), 2, 5000),
                 2);
    aws_mutex_lock(&ev.lock);
    CHECK_INT_EQ(ev.interrupted, 1);
    aws_mutex_unlock(&ev.lock);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

static int test_missing_acks_time_out_operations(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--no-ack")), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "fx-timeout", &ev);
    options.protocol_operation_timeout_ms = 500;
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(s_start(&c, &ev, &options), 0);
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);

    struct aws_byte_cursor topic = fx_cur("timeout/t");  /* 9 bytes */
    struct aws_byte_cursor payload = fx_cur("abc");      /* 3 bytes */
    uint64_t start = fx_now_ns();
    uint16_t id = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                                     fx_on_op_complete, &ev);
    CHECK(id != 0);
    /* Sent, not acknowledged: incomplete and unacked, sized 4 + topic + payload as upstream. */
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\""), 1, 2000), 1);
    struct aws_mqtt_connection_operation_statistics stats;
    CHECK_INT_EQ(aws_mqtt_client_connection_get_stats(c, &stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(stats.incomplete_operation_count, 1);
    CHECK_INT_EQ(stats.incomplete_operation_size, 4 + 9 + 3);
    CHECK_INT_EQ(stats.unacked_operation_count, 1);
    CHECK_INT_EQ(stats.unacked_operation_size, 4 + 9 + 3);

    CHECK_WAIT(&ev, fx_op_count_locked(&ev, id) == 1, 5000);
    CHECK_INT_EQ(fx_op_error_locked(&ev, id), AWS_ERROR_MQTT_TIMEOUT);
    CHECK(fx_now_ns() - start >= 400000000ULL);

    /* Subscribe and unsubscribe time out the same way. */
    struct aws_byte_cursor filter = fx_cur("timeout/#");
    uint16_t sub = aws_mqtt_client_connection_subscribe(c, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, fx_on_publish, &ev,
                                                        NULL, fx_on_suback, &ev);
    CHECK(sub != 0);
    CHECK_WAIT(&ev, ev.subacks == 1, 5000);
    CHECK_INT_EQ(ev.suback[0].error_code, AWS_ERROR_MQTT_TIMEOUT);
    uint16_t unsub = aws_mqtt_client_connection_unsubscribe(c, &filter, fx_on_op_complete, &ev);
    CHECK(unsub != 0);
    CHECK_WAIT(&ev, fx_op_count_locked(&ev, unsub) == 1, 5000);
    CHECK_INT_EQ(fx_op_error_locked(&ev, unsub), AWS_ERROR_MQTT_TIMEOUT);

    CHECK_INT_EQ(aws_mqtt_client_connection_get_stats(c, &stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);
    CHECK_INT_EQ(stats.unacked_operation_count, 0);
    /* A timeout is no interruption. */
    CHECK_INT_EQ(ev.interrupted, 0);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

/* After the CONNACK (packet 1 handled) the broker writes `hex`; the client must drop the
 * connection with `expected` and come back on the (well-behaved) second connection. */
static int s_malformed(const char *hex, int expected) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--send-raw-after", "1", hex, "--only-first-connection")), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "fx-malformed", &ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(s_start(&c, &ev, &options), 0);
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_WAIT(&ev, ev.interrupted == 1, 5000);
    if (ev.interrupted_error != expected) {
        fprintf(stderr, "raw %s: interrupted with %s, expected %s\n", hex, aws_error_name(ev.interrupted_error),
                aws_error_name(expected));
    }
    CHECK_INT_EQ(ev.interrupted_error, expected);
    CHECK_WAIT(&ev, ev.resumed == 1, 5000);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"type\":\"RAW\"")), 1);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

static int test_malformed_packets_interrupt_the_connection(void) {
    /* Every malformed or unexpected packet closes the connection [MQTT-4.8.0-1], with
     * AWS_ERROR_MQTT_PROTOCOL_ERROR unless upstream refuses it with a code of its own. */
    /* Packet types 0 and 15 are reserved: upstream's decoder refuses them by type. */
    CHECK_INT_EQ(s_malformed("00 00", AWS_ERROR_MQTT_INVALID_PACKET_TYPE), 0);
    CHECK_INT_EQ(s_malformed("F0 00", AWS_ERROR_MQTT_INVALID_PACKET_TYPE), 0);
    /* A remaining length with a continuation bit on its fourth byte (upstream's
     * aws_mqtt311_decode_remaining_length). */
    CHECK_INT_EQ(s_malformed("30 FF FF FF FF 01", AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH), 0);
    /* A packet only clients send (PINGREQ), and a DISCONNECT, even one with a body: upstream's
     * s_packet_handler_default. */
    CHECK_INT_EQ(s_malformed("C0 00", AWS_ERROR_MQTT_INVALID_PACKET_TYPE), 0);
    CHECK_INT_EQ(s_malformed("E0 01 00", AWS_ERROR_MQTT_INVALID_PACKET_TYPE), 0);
    /* PUBACK with reserved flag bits set [MQTT-2.2.2-2]. */
    CHECK_INT_EQ(s_malformed("41 02 00 01", AWS_ERROR_MQTT_PROTOCOL_ERROR), 0);
    /* A SUBACK for a packet id never used is ignored, but one with a bad return code is not. */
    CHECK_INT_EQ(s_malformed("90 03 00 01 03", AWS_ERROR_MQTT_PROTOCOL_ERROR), 0);
    return 0;
}

/* The broker writes the start of a PUBACK, then hangs up when the client's next packet (a
 * QoS 0 PUBLISH) arrives: as upstream's socket reports it, AWS_IO_SOCKET_CLOSED. */
static int test_a_packet_cut_short_by_a_hangup_is_socket_closed(void) {
    struct fx_broker b;
    CHECK_INT_EQ(
        fx_broker_start(&b, FX_FRAGMENTS("--send-raw-after", "1", "40 02 00", "--hangup-after", "2",
                                         "--only-first-connection")),
        0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "fx-cut-short", &ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(s_start(&c, &ev, &options), 0);
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"type\":\"RAW\""), 1, 5000), 1);
    struct aws_byte_cursor topic = fx_cur("cut/short");
    struct aws_byte_cursor payload = fx_cur("x");
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_MOST_ONCE, false, &payload, NULL, NULL) != 0);
    CHECK_WAIT(&ev, ev.interrupted == 1, 5000);
    CHECK_INT_EQ(ev.interrupted_error, AWS_IO_SOCKET_CLOSED);
    CHECK_WAIT(&ev, ev.resumed == 1, 5000);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

static int test_the_connect_packet_carries_every_setting(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, NULL), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    struct aws_byte_cursor will_topic = fx_cur("status/fx-exact");
    struct aws_byte_cursor will_payload = fx_cur("offline");
    CHECK_INT_EQ(aws_mqtt_client_connection_set_will(c, &will_topic, AWS_MQTT_QOS_EXACTLY_ONCE, true, &will_payload),
                 AWS_OP_SUCCESS);
    struct aws_byte_cursor user = fx_cur("bob");
    struct aws_byte_cursor password = fx_cur("hunter2");
    CHECK_INT_EQ(aws_mqtt_client_connection_set_login(c, &user, &password), AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "fx-exact", &ev);
    options.keep_alive_time_secs = 17;
    options.clean_session = false;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);

    char line[2048];
    CHECK(fx_log_find(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"CONNECT\""), line, sizeof(line)));
    const char *expected[] = {
        "\"version\":4,",
        "\"client_id\":\"fx-exact\"",
        "\"clean_start\":false",
        "\"keep_alive\":17,",
        "\"username\":\"bob\"",
        "\"password_len\":7,",
        "\"will\":{\"topic\":\"status/fx-exact\",\"qos\":2,\"retain\":true,\"payload_len\":7,\"payload\":\"offline\"",
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); ++i) {
        if (!strstr(line, expected[i])) {
            fprintf(stderr, "CONNECT %s lacks %s\n", line, expected[i]);
            return 1;
        }
    }
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    /* The disconnect sent DISCONNECT: the broker did not publish the will. */
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"DISCONNECT\""), 1, 2000), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"event\":\"will\"")), 0);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);

    RUN(test_each_connack_refusal_fails_the_connect);
    RUN(test_a_hangup_mid_publish_resends_it_once_after_reconnecting);
    RUN(test_a_missing_pingresp_interrupts_then_resumes);
    RUN(test_missing_acks_time_out_operations);
    RUN(test_malformed_packets_interrupt_the_connection);
    RUN(test_a_packet_cut_short_by_a_hangup_is_socket_closed);
    RUN(test_the_connect_packet_carries_every_setting);

    aws_mqtt_client_release(s_client);
    return fx_suite_end(s_alloc, &s_io);
}

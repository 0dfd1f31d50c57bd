/* The MQTT 5 client's connection lifecycle against the project's mqtt-test-broker (env
 * MQTT_TEST_BROKER), which misbehaves on demand and logs every packet: refused CONNACKs, a
 * server DISCONNECT, a hang-up, a missing PINGRESP, a missing CONNACK, malformed packets, and the
 * exact CONNECT the client sends. Lifecycle events and error codes follow upstream v0.16.2
 * (spec sections 1, 2 and 13). Flow control and operations: test_mqtt5_flow.c. */
#include "mqtt5_fixture.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;

static int test_a_refused_connack_fails_the_attempt_with_its_reason_code(void) {
    /* Every refusal reason code of a CONNACK [MQTT-3.2.2.2]. */
    const int values[] = {128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138,
                          140, 144, 149, 151, 153, 154, 155, 156, 157, 159};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); ++i) {
        char code[8];
        snprintf(code, sizeof(code), "%d", values[i]);
        const char *codes[] = {code};
        struct fx_broker b;
        CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--connack-code", codes[0])), 0);
        struct fx5_events ev;
        struct fx5_config cfg;
        fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-refused");
        struct aws_mqtt5_client *c = NULL;
        CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
        CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >= 1, 10000);
        struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
        /* A reason code >= 0x80 refuses the connection [MQTT-3.2.2-7]; the event carries the
         * CONNACK. */
        CHECK_INT_EQ(failure.error_code, AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED);
        CHECK(failure.has_connack);
        CHECK_INT_EQ(failure.connack_reason_code, values[i]);
        CHECK(!failure.has_settings);
        /* No reason code is final: the client tries again (spec section 3). */
        CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT) >= 2, 10000);
        CHECK_INT_EQ(fx5_finish(c, &ev), 0);
        int successes = fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS);
        CHECK_INT_EQ(successes, 0);
        fx5_events_clean_up(&ev);
        fx_broker_stop(&b);
    }
    return 0;
}

static int test_a_server_disconnect_ends_the_connection_with_its_packet(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--disconnect-after", "1", "--disconnect-code", "0x89",
                                                  "--only-first-connection")),
                 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-server-disconnect");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) == 1, 10000);
    struct fx5_event disconnection = fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0);
    CHECK_INT_EQ(disconnection.error_code, AWS_ERROR_MQTT5_DISCONNECT_RECEIVED);
    CHECK(disconnection.has_disconnect);
    CHECK_INT_EQ(disconnection.disconnect_reason_code, AWS_MQTT5_DRC_SERVER_BUSY);
    CHECK(!disconnection.has_connack);
    /* The client reconnects to the (now well-behaved) broker. */
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);
    CHECK_INT_EQ(FX5_SEQUENCE(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT, AWS_MQTT5_CLET_CONNECTION_SUCCESS,
                              AWS_MQTT5_CLET_DISCONNECTION, AWS_MQTT5_CLET_ATTEMPTING_CONNECT,
                              AWS_MQTT5_CLET_CONNECTION_SUCCESS),
                 0);
    /* The client closes without answering with a DISCONNECT of its own (spec 13.1). */
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"DISCONNECT\"")), 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_hangup_is_a_disconnection_followed_by_a_reconnect(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--hangup-on", "subscribe", "--only-first-connection")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-hangup");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 1, 10000);
    struct fx5_op *sub = fx5_subscribe_async(c, &ev, "fx5/hangup/#", AWS_MQTT5_QOS_AT_LEAST_ONCE);
    CHECK(sub != NULL);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) == 1, 10000);
    /* A close between packets, as upstream's socket reports the end of a TCP stream. */
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code, AWS_IO_SOCKET_CLOSED);
    CHECK(!fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).has_disconnect);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT) == 2, 10000);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);
    /* The default offline policy keeps a SUBSCRIBE: it is sent again and acknowledged once. */
    CHECK_WAIT(&ev, sub->completions == 1, 10000);
    CHECK_INT_EQ(sub->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(sub->reason_code, AWS_MQTT5_SARC_GRANTED_QOS_1);
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"conn\":2,", "\"dir\":\"in\"", "\"type\":\"SUBSCRIBE\""), 1, 2000),
                 1);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_missing_pingresp_disconnects_with_keep_alive_timeout(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--no-pingresp", "--only-first-connection")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-ping");
    cfg.connect.keep_alive_interval_seconds = 1;
    cfg.options.ping_timeout_ms = 400;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) == 1, 10000);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code, AWS_ERROR_MQTT5_PING_RESPONSE_TIMEOUT);
    CHECK(fx_log_count(&b, FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"PINGREQ\"")) >= 1);
    /* The client says why before closing: DISCONNECT 0x8D Keep Alive timeout. */
    CHECK_INT_EQ(fx_log_wait_count(&b,
                                   FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"DISCONNECT\"",
                                                "\"reason_code\":141"),
                                   1, 3000),
                 1);
    /* The second connection answers pings and stays up across two of them. */
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"conn\":2,", "\"dir\":\"out\"", "\"type\":\"PINGRESP\""), 2, 5000),
                 2);
    int disconnections = fx5_count(&ev, AWS_MQTT5_CLET_DISCONNECTION);
    CHECK_INT_EQ(disconnections, 1);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_missing_connack_fails_the_attempt_with_connack_timeout(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--no-connack", "--only-first-connection")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-connack-timeout");
    cfg.options.connack_timeout_ms = 500;
    struct aws_mqtt5_client *c = NULL;
    uint64_t start = fx_now_ns();
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) == 1, 10000);
    CHECK(fx_now_ns() - start >= 400000000ULL);
    struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(failure.error_code, AWS_ERROR_MQTT5_CONNACK_TIMEOUT);
    CHECK(!failure.has_connack);
    /* The next attempt gets an answer. */
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 1, 10000);
    CHECK_INT_EQ(FX5_SEQUENCE(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT, AWS_MQTT5_CLET_CONNECTION_FAILURE,
                              AWS_MQTT5_CLET_ATTEMPTING_CONNECT, AWS_MQTT5_CLET_CONNECTION_SUCCESS),
                 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_session_present_connack_after_clean_start_fails_the_attempt(void) {
    /* The broker answers the CONNECT with raw bytes: CONNACK, session present, reason 0. */
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--no-connack", "--send-raw-on", "connect", "20 03 01 00 00",
                                                  "--only-first-connection")),
                 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-clean-present");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) == 1, 10000);
    /* A clean start must find no session [MQTT-3.2.2-2]; the client refuses to go on. */
    struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(failure.error_code, AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION);
    CHECK(failure.has_connack);
    CHECK(failure.connack_session_present);
    CHECK_INT_EQ(failure.connack_reason_code, AWS_MQTT5_CRC_SUCCESS);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 1, 10000);
    CHECK(!fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0).settings.rejoined_session);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

/* After the CONNACK the broker writes `hex`; the client must end the connection with
 * AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR, tell the server (DISCONNECT 0x82), and reconnect. */
static int s_malformed(const char *hex) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--send-raw-after", "1", hex, "--only-first-connection")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-malformed");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) == 1, 10000);
    int error = fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code;
    if (error != AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR) {
        fprintf(stderr, "raw %s: disconnected with %s\n", hex, aws_error_name(error));
    }
    CHECK_INT_EQ(error, AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR);
    /* The broker logs what it wrote after writing it: wait for the line. */
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"type\":\"RAW\""), 1, 3000), 1);
    /* Section 4.13: a DISCONNECT with a reason code >= 0x80 before closing (upstream: 0x82). */
    CHECK_INT_EQ(fx_log_wait_count(&b,
                                   FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"DISCONNECT\"",
                                                "\"reason_code\":130"),
                                   1, 3000),
                 1);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_malformed_packets_end_the_connection_and_the_client_reconnects(void) {
    /* Packet type 0 is reserved (MQTT 5 section 2.1.2). */
    CHECK_INT_EQ(s_malformed("00 00"), 0);
    /* A remaining length with a continuation bit on its fourth byte (section 1.5.5). */
    CHECK_INT_EQ(s_malformed("30 FF FF FF FF 01"), 0);
    /* A packet only clients send: PINGREQ. */
    CHECK_INT_EQ(s_malformed("C0 00"), 0);
    /* PUBACK with reserved flag bits set [MQTT-2.1.3-1]. */
    CHECK_INT_EQ(s_malformed("41 02 00 01"), 0);
    /* PUBACK with an unknown property identifier 0x7F. */
    CHECK_INT_EQ(s_malformed("40 06 00 01 00 02 7F 00"), 0);
    /* A PUBLISH with QoS 3 [MQTT-3.3.1-4]. */
    CHECK_INT_EQ(s_malformed("36 07 00 01 61 00 01 00 78"), 0);
    return 0;
}

static int test_the_connect_packet_carries_every_setting(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--disconnect-after", "1", "--only-first-connection")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-exact");
    cfg.options.session_behavior = AWS_MQTT5_CSBT_REJOIN_POST_SUCCESS;
    cfg.connect.keep_alive_interval_seconds = 17;
    cfg.session_expiry = 300;
    cfg.connect.session_expiry_interval_seconds = &cfg.session_expiry;
    cfg.receive_maximum = 50;
    cfg.connect.receive_maximum = &cfg.receive_maximum;
    cfg.maximum_packet_size = 65536;
    cfg.connect.maximum_packet_size_bytes = &cfg.maximum_packet_size;
    cfg.user_properties[0] = (struct aws_mqtt5_user_property){fx_cur("app"), fx_cur("tests")};
    cfg.connect.user_property_count = 1;
    cfg.connect.user_properties = cfg.user_properties;
    struct aws_byte_cursor username = fx_cur("bob");
    struct aws_byte_cursor password = fx_cur("hunter2");
    cfg.connect.username = &username;
    cfg.connect.password = &password;
    cfg.will = (struct aws_mqtt5_packet_publish_view){.qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
                                                      .retain = true,
                                                      .topic = fx_cur("fx5/exact/will"),
                                                      .payload = fx_cur("gone")};
    cfg.will_delay = 5;
    cfg.connect.will = &cfg.will;
    cfg.connect.will_delay_interval_seconds = &cfg.will_delay;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    /* Connection 1 ends with a server DISCONNECT; connection 2 resumes the session. */
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);

    char line[4096];
    CHECK(fx_log_find(&b, FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"CONNECT\""), line, sizeof(line)));
    const char *expected[] = {
        "\"version\":5,",
        "\"client_id\":\"fx5-exact\"",
        "\"clean_start\":true", /* the first connection of REJOIN_POST_SUCCESS is clean */
        "\"keep_alive\":17,",
        "\"username\":\"bob\"",
        "\"password_len\":7",
        "\"session_expiry_interval\":300",
        "\"receive_maximum\":50",
        "\"maximum_packet_size\":65536",
        "\"user_properties\":[[\"app\",\"tests\"]]",
        "\"will\":{\"topic\":\"fx5/exact/will\",\"qos\":1,\"retain\":true,\"payload_len\":4,\"payload\":\"gone\"",
        "\"will_delay_interval\":5",
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); ++i) {
        if (!strstr(line, expected[i])) {
            fprintf(stderr, "CONNECT %s lacks %s\n", line, expected[i]);
            return 1;
        }
    }
    /* No authentication method: no enhanced authentication is asked for. */
    CHECK(strstr(line, "authentication_method") == NULL);
    /* After a successful connection, REJOIN_POST_SUCCESS asks to resume [MQTT-3.1.2-5]. */
    CHECK(fx_log_find(&b, FX_FRAGMENTS("\"conn\":2,", "\"dir\":\"in\"", "\"type\":\"CONNECT\""), line, sizeof(line)));
    CHECK(strstr(line, "\"clean_start\":false") != NULL);
    /* A stop wipes the session: the next start is clean again (spec 4.1). */
    CHECK_INT_EQ(fx5_stop_and_wait(c, &ev), 0);
    CHECK_INT_EQ(fx5_start_and_wait(c, &ev), 0);
    CHECK(fx_log_find(&b, FX_FRAGMENTS("\"conn\":3,", "\"dir\":\"in\"", "\"type\":\"CONNECT\""), line, sizeof(line)));
    CHECK(strstr(line, "\"clean_start\":true") != NULL);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_an_assigned_client_identifier_is_kept_for_later_connections(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--assigned-client-id", "fx5-given", "--disconnect-after", "1",
                                                  "--only-first-connection")),
                 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);
    /* [MQTT-3.1.3-7]: the server assigned an id; the settings carry it. */
    CHECK(strcmp(fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0).settings.client_id, "fx5-given") == 0);
    /* The reconnect uses it (spec 4.1). */
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"conn\":2,", "\"type\":\"CONNECT\"", "\"client_id\":\"fx5-given\"")),
                 1);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);

    RUN(test_a_refused_connack_fails_the_attempt_with_its_reason_code);
    RUN(test_a_server_disconnect_ends_the_connection_with_its_packet);
    RUN(test_a_hangup_is_a_disconnection_followed_by_a_reconnect);
    RUN(test_a_missing_pingresp_disconnects_with_keep_alive_timeout);
    RUN(test_a_missing_connack_fails_the_attempt_with_connack_timeout);
    RUN(test_a_session_present_connack_after_clean_start_fails_the_attempt);
    RUN(test_malformed_packets_end_the_connection_and_the_client_reconnects);
    RUN(test_the_connect_packet_carries_every_setting);
    RUN(test_an_assigned_client_identifier_is_kept_for_later_connections);

    return fx_suite_end(s_alloc, &s_io);
}

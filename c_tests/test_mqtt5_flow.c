/* The MQTT 5 client's operations and flow control against the project's mqtt-test-broker (env
 * MQTT_TEST_BROKER), which advertises and enforces limits and logs every packet: Receive Maximum,
 * Maximum Packet Size, outbound topic aliases (LRU), a QoS 1 resent once with DUP on a resumed
 * session, the three offline queue policies, ack timeouts, QoS 2 (which upstream lacks), and
 * manual PUBACK control. Connection lifecycle: test_mqtt5_broker.c. */
#include "mqtt5_fixture.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;

/* The most QoS 1 PUBLISHes the broker had received and not yet acknowledged at any moment. */
static int s_max_in_flight(const struct fx_broker *b) {
    char *text = fx_read_file(b->log);
    if (!text) {
        return -1;
    }
    int in_flight = 0, max = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "\"dir\":\"in\"") && strstr(line, "\"type\":\"PUBLISH\"") && strstr(line, "\"qos\":1,")) {
            in_flight += 1;
            max = in_flight > max ? in_flight : max;
        } else if (strstr(line, "\"dir\":\"out\"") && strstr(line, "\"type\":\"PUBACK\"")) {
            in_flight -= 1;
        }
    }
    free(text);
    return max;
}

static int s_receive_maximum(int maximum) {
    enum { PUBLISHES = 6 };
    char text[8];
    snprintf(text, sizeof(text), "%d", maximum);
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--receive-maximum", text, "--ack-delay-ms", "100")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-receive-maximum");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0).settings.receive_maximum_from_server, maximum);
    struct fx5_op *ops[PUBLISHES];
    for (int i = 0; i < PUBLISHES; ++i) {
        ops[i] = fx5_publish(c, &ev, "fx5/rm/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "m");
        CHECK(ops[i] != NULL);
    }
    for (int i = 0; i < PUBLISHES; ++i) {
        CHECK_WAIT(&ev, ops[i]->completions == 1, 10000);
        CHECK_INT_EQ(ops[i]->error_code, AWS_ERROR_SUCCESS);
    }
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"out\"", "\"type\":\"PUBACK\""), PUBLISHES, 2000),
                 PUBLISHES);
    /* Never more than Receive Maximum unacknowledged [MQTT-3.3.4-9]; and the window is used. */
    CHECK_INT_EQ(s_max_in_flight(&b), maximum);
    /* The broker never had to enforce it (DISCONNECT 0x93), and the connection stayed up. */
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"type\":\"DISCONNECT\"", "\"reason_code\":147")), 0);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"type\":\"CONNECT\"")), 1);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_receive_maximum_one_and_two_are_respected(void) {
    CHECK_INT_EQ(s_receive_maximum(1), 0);
    CHECK_INT_EQ(s_receive_maximum(2), 0);
    return 0;
}

static int test_a_publish_over_the_maximum_packet_size_fails_and_is_not_sent(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--maximum-packet-size", "128")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-max-size");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0).settings.maximum_packet_size_to_server, 128);
    char big[201];
    memset(big, 'x', 200);
    big[200] = '\0';
    /* The client must not send a packet over the server's maximum [MQTT-3.2.2-15]. */
    struct fx5_op *big1 = fx5_publish(c, &ev, "fx5/size/big", AWS_MQTT5_QOS_AT_LEAST_ONCE, big);
    struct fx5_op *big0 = fx5_publish(c, &ev, "fx5/size/big", AWS_MQTT5_QOS_AT_MOST_ONCE, big);
    struct fx5_op *small = fx5_publish(c, &ev, "fx5/size/small", AWS_MQTT5_QOS_AT_LEAST_ONCE, "fits");
    CHECK(big1 != NULL && big0 != NULL && small != NULL);
    CHECK_WAIT(&ev, big1->completions == 1 && big0->completions == 1 && small->completions == 1, 10000);
    CHECK_INT_EQ(big1->error_code, AWS_ERROR_MQTT5_PACKET_VALIDATION);
    CHECK_INT_EQ(big1->packet_type, AWS_MQTT5_PT_NONE);
    CHECK_INT_EQ(big0->error_code, AWS_ERROR_MQTT5_PACKET_VALIDATION);
    CHECK_INT_EQ(small->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(small->packet_type, AWS_MQTT5_PT_PUBACK);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"type\":\"PUBLISH\"", "\"topic\":\"fx5/size/big\"")), 0);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\"", "\"topic\":\"fx5/size/small\"")),
                 1);
    /* A failed operation is no connection problem. */
    int disconnections = fx5_count(&ev, AWS_MQTT5_CLET_DISCONNECTION);
    CHECK_INT_EQ(disconnections, 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_lru_topic_aliases_stay_within_the_server_maximum(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--topic-alias-maximum", "2")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-alias");
    cfg.aliasing.outbound_topic_alias_behavior = AWS_MQTT5_COTABT_LRU;
    cfg.options.topic_aliasing_options = &cfg.aliasing;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0).settings.topic_alias_maximum_to_server, 2);
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "fx5/alias/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    /* a, b, a, c, a: c evicts b, the least recently used. */
    const char *topics[] = {"fx5/alias/a", "fx5/alias/b", "fx5/alias/a", "fx5/alias/c", "fx5/alias/a"};
    for (int i = 0; i < 5; ++i) {
        struct fx5_op *op = fx5_publish(c, &ev, topics[i], AWS_MQTT5_QOS_AT_LEAST_ONCE, "v");
        CHECK(op != NULL);
        CHECK_WAIT(&ev, op->completions == 1, 10000);
        CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    }
    const char *in_publish[] = {"\"dir\":\"in\"", "\"type\":\"PUBLISH\"", NULL};
    CHECK_INT_EQ(fx_log_count(&b, in_publish), 5);
    /* Aliases 1 and 2 only (section 3.3.2.3.4: never above the CONNACK's maximum). */
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\"", "\"topic_alias\":")), 5);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic_alias\":1")) +
                     fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic_alias\":2")),
                 5);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic\":\"fx5/alias/a\"", "\"topic_alias\":1")), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic\":\"fx5/alias/b\"", "\"topic_alias\":2")), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic\":\"fx5/alias/c\"", "\"topic_alias\":2")), 1);
    /* A reused alias goes with an empty topic: a's second and third publish. */
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic\":\"\"", "\"topic_alias\":1")), 2);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"type\":\"DISCONNECT\"", "\"reason_code\":148")), 0);
    /* The broker resolved them: the messages come back under their full names. */
    CHECK_WAIT(&ev,
               fx5_received_locked(&ev, "fx5/alias/a") == 3 && fx5_received_locked(&ev, "fx5/alias/b") == 1 &&
                   fx5_received_locked(&ev, "fx5/alias/c") == 1,
               10000);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_resumed_session_resends_an_unacked_qos1_once_with_dup(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--hangup-on", "publish", "--only-first-connection")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-resend");
    cfg.options.session_behavior = AWS_MQTT5_CSBT_REJOIN_POST_SUCCESS;
    cfg.session_expiry = 60;
    cfg.connect.session_expiry_interval_seconds = &cfg.session_expiry;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    struct fx5_op *op = fx5_publish(c, &ev, "fx5/resend/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "once");
    CHECK(op != NULL);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);
    struct fx5_event second = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 1);
    CHECK(second.connack_session_present);
    CHECK(second.settings.rejoined_session);
    CHECK_WAIT(&ev, op->completions == 1, 10000);
    CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(op->packet_type, AWS_MQTT5_PT_PUBACK);

    char line[2048];
    CHECK(fx_log_find(&b, FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"PUBLISH\""), line, sizeof(line)));
    CHECK(strstr(line, "\"dup\":false") != NULL);
    char id_text[32];
    CHECK(fx_log_packet_id(line, id_text, sizeof(id_text)));
    /* Resent with its original packet id [MQTT-4.4.0-1] and DUP set [MQTT-3.3.1-1], once. */
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"conn\":2,", "\"dir\":\"in\"", "\"type\":\"PUBLISH\"", id_text,
                                               "\"dup\":true")),
                 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\"")), 2);
    /* A later publish completes too, and the first one did not complete again. */
    struct fx5_op *later = fx5_publish(c, &ev, "fx5/resend/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "later");
    CHECK(later != NULL);
    CHECK_WAIT(&ev, later->completions == 1, 10000);
    CHECK_INT_EQ(op->completions, 1);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

/* Under `policy`: A (QoS 1) is sent and held unacknowledged (receive maximum 1, no acks), which
 * keeps B (QoS 1), C (QoS 0), D (SUBSCRIBE) and E (UNSUBSCRIBE) queued behind it. The broker is
 * killed; `fail_at_drop` (bits A=1 .. E=16) must fail with OFFLINE_QUEUE_POLICY right away, and
 * the rest after a broker comes back on the same port: `fail_at_reconnect` with
 * OFFLINE_QUEUE_POLICY (a clean session), the others sent and acknowledged. */
static int s_offline_policy(enum aws_mqtt5_client_operation_queue_behavior_type policy, int fail_at_drop,
                            int fail_at_reconnect) {
    struct fx_broker b1, b2;
    CHECK_INT_EQ(fx_broker_start(&b1, FX_FRAGMENTS("--receive-maximum", "1", "--no-ack")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b1.port, "fx5-offline");
    cfg.options.offline_queue_behavior = policy;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    struct fx5_op *op[5];
    op[0] = fx5_publish(c, &ev, "fx5/offline/a", AWS_MQTT5_QOS_AT_LEAST_ONCE, "a");
    CHECK(op[0] != NULL);
    CHECK_INT_EQ(fx_log_wait_count(&b1, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic\":\"fx5/offline/a\""), 1, 5000), 1);
    op[1] = fx5_publish(c, &ev, "fx5/offline/b", AWS_MQTT5_QOS_AT_LEAST_ONCE, "b");
    op[2] = fx5_publish(c, &ev, "fx5/offline/c", AWS_MQTT5_QOS_AT_MOST_ONCE, "c");
    op[3] = fx5_subscribe_async(c, &ev, "fx5/offline/d", AWS_MQTT5_QOS_AT_LEAST_ONCE);
    op[4] = fx5_unsubscribe_async(c, &ev, "fx5/offline/e");
    CHECK(op[1] && op[2] && op[3] && op[4]);
    /* All five are incomplete, A alone unacknowledged (submission is asynchronous: poll). */
    struct aws_mqtt5_client_operation_statistics stats;
    fx5_wait_incomplete(c, &stats, 5, 5000);
    CHECK_INT_EQ(stats.incomplete_operation_count, 5);
    CHECK_INT_EQ(stats.unacked_operation_count, 1);

    int port = b1.port;
    fx_broker_stop(&b1);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) == 1, 10000);
    for (int i = 0; i < 5; ++i) {
        if (fail_at_drop & (1 << i)) {
            CHECK_WAIT(&ev, op[i]->completions == 1, 5000);
            CHECK_INT_EQ(op[i]->error_code, AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY);
            CHECK(!op[i]->has_view);
        }
    }
    /* No server now: the client tries and fails at least once; nothing else completed. */
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >= 1, 10000);
    for (int i = 0; i < 5; ++i) {
        if (!(fail_at_drop & (1 << i))) {
            int completions;
            FX_READ(&ev, op[i]->completions, completions);
            CHECK_INT_EQ(completions, 0);
        }
    }

    char port_text[16];
    snprintf(port_text, sizeof(port_text), "%d", port);
    CHECK_INT_EQ(fx_broker_start(&b2, FX_FRAGMENTS("--port", port_text)), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);
    CHECK(!fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 1).settings.rejoined_session);
    const char *names[5] = {"\"topic\":\"fx5/offline/a\"", "\"topic\":\"fx5/offline/b\"", "\"topic\":\"fx5/offline/c\"",
                            "\"type\":\"SUBSCRIBE\"", "\"type\":\"UNSUBSCRIBE\""};
    for (int i = 0; i < 5; ++i) {
        CHECK_WAIT(&ev, op[i]->completions == 1, 10000);
        bool fails = (fail_at_drop | fail_at_reconnect) & (1 << i);
        CHECK_INT_EQ(op[i]->error_code,
                     fails ? AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY : AWS_ERROR_SUCCESS);
        int expected = fails ? 0 : 1;
        CHECK_INT_EQ(fx_log_wait_count(&b2, FX_FRAGMENTS("\"dir\":\"in\"", names[i]), expected, fails ? 0 : 2000),
                     expected);
    }
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b2);
    return 0;
}

static int test_each_offline_queue_policy_fails_what_it_says_at_a_disconnection(void) {
    /* Default FAIL_QOS0_PUBLISH_ON_DISCONNECT: only C, the QoS 0 publish. */
    CHECK_INT_EQ(s_offline_policy(AWS_MQTT5_COQBT_DEFAULT, 1 << 2, 0), 0);
    CHECK_INT_EQ(s_offline_policy(AWS_MQTT5_COQBT_FAIL_QOS0_PUBLISH_ON_DISCONNECT, 1 << 2, 0), 0);
    /* FAIL_NON_QOS1: C, D and E; the QoS 1 publishes go out again. */
    CHECK_INT_EQ(s_offline_policy(AWS_MQTT5_COQBT_FAIL_NON_QOS1_PUBLISH_ON_DISCONNECT, (1 << 2) | (1 << 3) | (1 << 4), 0),
                 0);
    /* FAIL_ALL: the queued ones at once; the unacknowledged A when the new session is clean
     * (an unacked QoS 1 survives a drop in case the session resumes, spec 6.4). */
    CHECK_INT_EQ(s_offline_policy(AWS_MQTT5_COQBT_FAIL_ALL_ON_DISCONNECT, 0x1E, 1 << 0), 0);
    return 0;
}

static int test_missing_acks_time_out_with_mqtt_timeout(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--no-ack")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-ack-timeout");
    cfg.options.ack_timeout_seconds = 1;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    uint64_t start = fx_now_ns();
    struct fx5_op *pub = fx5_publish(c, &ev, "fx5/timeout/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "p");
    struct fx5_op *sub = fx5_subscribe_async(c, &ev, "fx5/timeout/#", AWS_MQTT5_QOS_AT_LEAST_ONCE);
    struct fx5_op *unsub = fx5_unsubscribe_async(c, &ev, "fx5/timeout/#");
    struct fx5_op *longer = fx5_op_new(&ev);
    CHECK(pub && sub && unsub && longer);
    /* A per-operation override replaces the client's timeout. */
    struct aws_mqtt5_packet_publish_view publish = {
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .topic = fx_cur("fx5/timeout/long"), .payload = fx_cur("l")};
    struct aws_mqtt5_publish_completion_options long_done = {
        .completion_callback = fx5_on_publish_complete, .completion_user_data = longer, .ack_timeout_seconds_override = 3};
    CHECK_INT_EQ(aws_mqtt5_client_publish(c, &publish, &long_done), AWS_OP_SUCCESS);

    CHECK_WAIT(&ev, pub->completions == 1 && sub->completions == 1 && unsub->completions == 1, 10000);
    struct fx5_op *short_ops[] = {pub, sub, unsub};
    for (int i = 0; i < 3; ++i) {
        CHECK_INT_EQ(short_ops[i]->error_code, AWS_ERROR_MQTT_TIMEOUT);
        CHECK(!short_ops[i]->has_view);
        CHECK(short_ops[i]->completed_at_ns - start >= 900000000ULL);
        CHECK(short_ops[i]->completed_at_ns - start < 2800000000ULL);
    }
    CHECK_WAIT(&ev, longer->completions == 1, 10000);
    CHECK_INT_EQ(longer->error_code, AWS_ERROR_MQTT_TIMEOUT);
    CHECK(longer->completed_at_ns - start >= 2900000000ULL);
    /* A timeout is no disconnection. */
    int disconnections = fx5_count(&ev, AWS_MQTT5_CLET_DISCONNECTION);
    CHECK_INT_EQ(disconnections, 0);
    struct aws_mqtt5_client_operation_statistics stats;
    aws_mqtt5_client_get_stats(c, &stats);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);
    CHECK_INT_EQ(stats.unacked_operation_count, 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_qos2_publish_completes_the_pubrec_pubrel_pubcomp_exchange(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, NULL), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-qos2");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0).settings.maximum_qos, AWS_MQTT5_QOS_EXACTLY_ONCE);
    struct fx5_op *op = fx5_publish(c, &ev, "fx5/qos2/t", AWS_MQTT5_QOS_EXACTLY_ONCE, "exactly");
    CHECK(op != NULL);
    CHECK_WAIT(&ev, op->completions == 1, 10000);
    /* This client has QoS 2 (upstream fails it at send time); the packet type is left open. */
    CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\"", "\"qos\":2,")), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"out\"", "\"type\":\"PUBREC\"")), 1);
    /* PUBREL answers the PUBREC, once (section 4.3.3), and the PUBCOMP ends it. */
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBREL\""), 1, 2000), 1);
    /* The broker logs a packet after writing it: the client may have its PUBCOMP first. */
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"out\"", "\"type\":\"PUBCOMP\""), 1, 2000), 1);
    CHECK_INT_EQ(fx5_finish(c, &ev), 0);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBREL\"")), 1);
    fx5_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_manually_acknowledged_publish_gets_its_puback_only_when_invoked(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, NULL), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-manual");
    ev.acquire_in_publish = true;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "fx5/manual/t", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    struct fx5_op *pub = fx5_publish(c, &ev, "fx5/manual/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "hold");
    CHECK(pub != NULL);
    CHECK_WAIT(&ev, ev.control_id_count == 1, 10000);
    uint64_t control_id = ev.control_ids[0];
    CHECK(control_id != 0);
    /* A fence: the client writes in order and an automatic PUBACK would go ahead of this
     * PUBLISH; once the broker has the fence, no PUBACK means none was sent. */
    struct fx5_op *fence = fx5_publish(c, &ev, "fx5/manual/fence", AWS_MQTT5_QOS_AT_LEAST_ONCE, "f");
    CHECK(fence != NULL);
    CHECK_WAIT(&ev, fence->completions == 1, 10000);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBACK\"")), 0);

    struct fx5_op *ack = fx5_op_new(&ev);
    struct aws_mqtt5_manual_publish_acknowledgement_completion_options done = {
        .completion_callback = fx5_on_manual_ack_complete, .completion_user_data = ack};
    CHECK_INT_EQ(aws_mqtt5_client_invoke_publish_acknowledgement(c, control_id, &done), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ack->completions == 1, 10000);
    CHECK_INT_EQ(ack->manual_ack_result, AWS_MQTT5_MPAR_SUCCESS);
    /* Exactly one PUBACK, for the packet id the broker used [MQTT-4.3.2-5]. */
    char line[2048];
    CHECK(fx_log_find(&b, FX_FRAGMENTS("\"dir\":\"out\"", "\"type\":\"PUBLISH\"", "\"topic\":\"fx5/manual/t\""), line,
                      sizeof(line)));
    char id_text[32];
    CHECK(fx_log_packet_id(line, id_text, sizeof(id_text)));
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBACK\"", id_text), 1, 2000), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBACK\"")), 1);
    /* The id is used up: invoking it again is invalid. */
    struct fx5_op *again = fx5_op_new(&ev);
    done.completion_user_data = again;
    CHECK_INT_EQ(aws_mqtt5_client_invoke_publish_acknowledgement(c, control_id, &done), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, again->completions == 1, 10000);
    CHECK_INT_EQ(again->manual_ack_result, AWS_MQTT5_MPAR_PUBACK_INVALID);
    CHECK_INT_EQ(fx5_finish(c, &ev), 0);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBACK\"")), 1);
    fx5_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);

    RUN(test_receive_maximum_one_and_two_are_respected);
    RUN(test_a_publish_over_the_maximum_packet_size_fails_and_is_not_sent);
    RUN(test_lru_topic_aliases_stay_within_the_server_maximum);
    RUN(test_a_resumed_session_resends_an_unacked_qos1_once_with_dup);
    RUN(test_each_offline_queue_policy_fails_what_it_says_at_a_disconnection);
    RUN(test_missing_acks_time_out_with_mqtt_timeout);
    RUN(test_a_qos2_publish_completes_the_pubrec_pubrel_pubcomp_exchange);
    RUN(test_a_manually_acknowledged_publish_gets_its_puback_only_when_invoked);

    return fx_suite_end(s_alloc, &s_io);
}

/* The MQTT 5 client against a real mosquitto (env MOSQUITTO) on 127.0.0.1: negotiated settings,
 * SUBACK/PUBACK/UNSUBACK views, QoS 0 and 1 round trips, every PUBLISH property carried end to
 * end, retained messages, shared subscriptions, a delayed will after an unclean drop, a
 * persistent session across a broker restart, stop with a DISCONNECT, and the lifecycle order. */
#include "mqtt5_fixture.h"

#include <stdatomic.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;

static int test_connection_success_carries_the_negotiated_settings(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_mosquitto.port, "fx5-settings");
    cfg.connect.keep_alive_interval_seconds = 45;
    cfg.session_expiry = 0;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    struct fx5_event success = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0);
    CHECK_INT_EQ(success.error_code, AWS_ERROR_SUCCESS);
    CHECK(success.has_connack);
    CHECK_INT_EQ(success.connack_reason_code, AWS_MQTT5_CRC_SUCCESS);
    CHECK(!success.connack_session_present); /* clean start [MQTT-3.2.2-2] */
    CHECK(success.has_settings);
    CHECK(strcmp(success.settings.client_id, "fx5-settings") == 0);
    /* mosquitto keeps the client's keep alive (no Server Keep Alive) [MQTT-3.1.2-21]. */
    CHECK_INT_EQ(success.settings.server_keep_alive, 45);
    /* mosquitto advertises its max_inflight_messages (default 20) as Receive Maximum. */
    CHECK(success.settings.receive_maximum_from_server >= 1);
    CHECK(success.settings.receive_maximum_from_server < 65535);
    /* No Maximum QoS property means QoS 2 [MQTT-3.2.2-9]: at least 1 (upstream caps at 1). */
    CHECK(success.settings.maximum_qos >= AWS_MQTT5_QOS_AT_LEAST_ONCE);
    CHECK(success.settings.retain_available);
    CHECK(success.settings.wildcard_subscriptions_available);
    CHECK(success.settings.subscription_identifiers_available);
    CHECK(success.settings.shared_subscriptions_available);
    CHECK(!success.settings.rejoined_session);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    return 0;
}

static int test_lifecycle_events_follow_attempt_success_disconnection_stopped(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_mosquitto.port, "fx5-order");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    CHECK_INT_EQ(fx5_stop_and_wait(c, &ev), 0);
    CHECK_INT_EQ(FX5_SEQUENCE(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT, AWS_MQTT5_CLET_CONNECTION_SUCCESS,
                              AWS_MQTT5_CLET_DISCONNECTION, AWS_MQTT5_CLET_STOPPED),
                 0);
    /* A stop without a DISCONNECT view: the connection ends with USER_REQUESTED_STOP. */
    struct fx5_event disconnection = fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0);
    CHECK_INT_EQ(disconnection.error_code, AWS_ERROR_MQTT5_USER_REQUESTED_STOP);
    CHECK(!disconnection.has_disconnect);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_STOPPED, 0).error_code, AWS_ERROR_SUCCESS);
    /* A stopped client starts again: the same order once more. */
    CHECK_INT_EQ(fx5_start_and_wait(c, &ev), 0);
    CHECK_INT_EQ(fx5_stop_and_wait(c, &ev), 0);
    CHECK_INT_EQ(FX5_SEQUENCE(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT, AWS_MQTT5_CLET_CONNECTION_SUCCESS,
                              AWS_MQTT5_CLET_DISCONNECTION, AWS_MQTT5_CLET_STOPPED, AWS_MQTT5_CLET_ATTEMPTING_CONNECT,
                              AWS_MQTT5_CLET_CONNECTION_SUCCESS, AWS_MQTT5_CLET_DISCONNECTION, AWS_MQTT5_CLET_STOPPED),
                 0);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    fx5_events_clean_up(&ev);
    return 0;
}

static int test_qos0_and_qos1_publishes_come_back_with_their_acks(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_mosquitto.port, "fx5-roundtrip");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    /* The SUBACK view grants QoS 1 [MQTT-3.9.3-1]. */
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "fx5/rt/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);

    struct fx5_op *q0 = fx5_publish(c, &ev, "fx5/rt/q0", AWS_MQTT5_QOS_AT_MOST_ONCE, "zero");
    struct fx5_op *q1 = fx5_publish(c, &ev, "fx5/rt/q1", AWS_MQTT5_QOS_AT_LEAST_ONCE, "one");
    CHECK(q0 != NULL && q1 != NULL);
    CHECK_WAIT(&ev, q0->completions == 1 && q1->completions == 1, 10000);
    /* QoS 0 completes when written: no packet. */
    CHECK_INT_EQ(q0->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(q0->packet_type, AWS_MQTT5_PT_NONE);
    CHECK(!q0->has_view);
    /* QoS 1 completes with the PUBACK view [MQTT-4.3.2-4]. */
    CHECK_INT_EQ(q1->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(q1->packet_type, AWS_MQTT5_PT_PUBACK);
    CHECK(q1->has_view);
    CHECK_INT_EQ(q1->reason_code, AWS_MQTT5_PARC_SUCCESS);

    CHECK_WAIT(&ev, fx5_received_locked(&ev, "fx5/rt/q0") == 1 && fx5_received_locked(&ev, "fx5/rt/q1") == 1, 10000);
    struct fx5_publish p;
    CHECK(fx5_find_publish(&ev, "fx5/rt/q0", &p));
    CHECK(strcmp(p.payload, "zero") == 0);
    CHECK_INT_EQ(p.qos, AWS_MQTT5_QOS_AT_MOST_ONCE);
    CHECK(!p.retain);
    CHECK(fx5_find_publish(&ev, "fx5/rt/q1", &p));
    CHECK(strcmp(p.payload, "one") == 0);
    CHECK_INT_EQ(p.qos, AWS_MQTT5_QOS_AT_LEAST_ONCE);
    CHECK(p.packet_id != 0); /* [MQTT-2.2.1-4] */
    CHECK(!p.dup);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    return 0;
}

static int test_publish_properties_reach_the_subscriber_unchanged(void) {
    struct fx5_events tx_ev, rx_ev;
    struct fx5_config tx_cfg, rx_cfg;
    fx5_setup(&tx_ev, &tx_cfg, s_io.bootstrap, s_mosquitto.port, "fx5-props-tx");
    fx5_setup(&rx_ev, &rx_cfg, s_io.bootstrap, s_mosquitto.port, "fx5-props-rx");
    struct aws_mqtt5_client *tx = NULL, *rx = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &tx_cfg, &tx_ev, &tx), 0);
    CHECK_INT_EQ(fx5_connect(s_alloc, &rx_cfg, &rx_ev, &rx), 0);

    /* The receiver subscribes with Subscription Identifier 42. */
    struct fx5_op *sub = fx5_op_new(&rx_ev);
    uint32_t sub_id = 42;
    struct aws_mqtt5_subscription_view subscription = {.topic_filter = fx_cur("fx5/props/+"),
                                                       .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE};
    struct aws_mqtt5_packet_subscribe_view subscribe = {
        .subscription_count = 1, .subscriptions = &subscription, .subscription_identifier = &sub_id};
    struct aws_mqtt5_subscribe_completion_options sub_done = {.completion_callback = fx5_on_subscribe_complete,
                                                              .completion_user_data = sub};
    CHECK_INT_EQ(aws_mqtt5_client_subscribe(rx, &subscribe, &sub_done), AWS_OP_SUCCESS);
    CHECK_WAIT(&rx_ev, sub->completions == 1, 10000);
    CHECK_INT_EQ(sub->reason_code, AWS_MQTT5_SARC_GRANTED_QOS_1);

    enum aws_mqtt5_payload_format_indicator format = AWS_MQTT5_PFI_UTF8;
    uint32_t expiry = 120;
    struct aws_byte_cursor content_type = fx_cur("text/plain");
    struct aws_byte_cursor response_topic = fx_cur("fx5/props/reply");
    struct aws_byte_cursor correlation = fx_cur("corr-7");
    struct aws_mqtt5_user_property props[2] = {{fx_cur("colour"), fx_cur("blue")}, {fx_cur("colour"), fx_cur("red")}};
    struct aws_mqtt5_packet_publish_view publish = {
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
        .topic = fx_cur("fx5/props/t"),
        .payload = fx_cur("h\xc3\xa9llo"),
        .payload_format = &format,
        .message_expiry_interval_seconds = &expiry,
        .content_type = &content_type,
        .response_topic = &response_topic,
        .correlation_data = &correlation,
        .user_property_count = 2,
        .user_properties = props,
    };
    struct fx5_op *pub = fx5_op_new(&tx_ev);
    struct aws_mqtt5_publish_completion_options pub_done = {.completion_callback = fx5_on_publish_complete,
                                                            .completion_user_data = pub};
    CHECK_INT_EQ(aws_mqtt5_client_publish(tx, &publish, &pub_done), AWS_OP_SUCCESS);
    CHECK_WAIT(&tx_ev, pub->completions == 1, 10000);
    CHECK_INT_EQ(pub->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(pub->reason_code, AWS_MQTT5_PARC_SUCCESS);

    CHECK_WAIT(&rx_ev, fx5_received_locked(&rx_ev, "fx5/props/t") == 1, 10000);
    struct fx5_publish p;
    CHECK(fx5_find_publish(&rx_ev, "fx5/props/t", &p));
    CHECK(strcmp(p.payload, "h\xc3\xa9llo") == 0);
    CHECK(p.has_payload_format); /* [MQTT-3.3.2-4] */
    CHECK_INT_EQ(p.payload_format, AWS_MQTT5_PFI_UTF8);
    CHECK(p.has_message_expiry); /* the remaining lifetime [MQTT-3.3.2-6] */
    CHECK(p.message_expiry <= 120 && p.message_expiry >= 110);
    CHECK(p.has_content_type); /* [MQTT-3.3.2-20] */
    CHECK(strcmp(p.content_type, "text/plain") == 0);
    CHECK(p.has_response_topic); /* [MQTT-3.3.2-15] */
    CHECK(strcmp(p.response_topic, "fx5/props/reply") == 0);
    CHECK(p.has_correlation_data); /* [MQTT-3.3.2-16] */
    CHECK(strcmp(p.correlation_data, "corr-7") == 0);
    /* User properties in order, duplicates kept [MQTT-3.3.2-17], [MQTT-3.3.2-18]. */
    CHECK_INT_EQ(p.user_property_count, 2);
    CHECK(strcmp(p.user_property_name[0], "colour") == 0 && strcmp(p.user_property_value[0], "blue") == 0);
    CHECK(strcmp(p.user_property_name[1], "colour") == 0 && strcmp(p.user_property_value[1], "red") == 0);
    /* The subscription's identifier comes with the message [MQTT-3.3.4-3]. */
    CHECK_INT_EQ(p.subscription_identifier_count, 1);
    CHECK_INT_EQ(p.subscription_identifiers[0], 42);
    CHECK_INT_EQ(fx5_finish(tx, &tx_ev), 0);
    CHECK_INT_EQ(fx5_finish(rx, &rx_ev), 0);
    fx5_events_clean_up(&tx_ev);
    fx5_events_clean_up(&rx_ev);
    return 0;
}

static int test_a_retained_message_reaches_a_later_subscriber(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_mosquitto.port, "fx5-retain");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    struct fx5_op *op = fx5_op_new(&ev);
    struct aws_mqtt5_packet_publish_view publish = {
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .retain = true, .topic = fx_cur("fx5/retain/t"), .payload = fx_cur("kept")};
    struct aws_mqtt5_publish_completion_options done = {.completion_callback = fx5_on_publish_complete,
                                                        .completion_user_data = op};
    CHECK_INT_EQ(aws_mqtt5_client_publish(c, &publish, &done), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, op->completions == 1, 10000);
    CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    /* Subscribing afterwards delivers it with RETAIN set [MQTT-3.3.1-9]. */
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "fx5/retain/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    CHECK_WAIT(&ev, fx5_received_locked(&ev, "fx5/retain/t") == 1, 10000);
    struct fx5_publish p;
    CHECK(fx5_find_publish(&ev, "fx5/retain/t", &p));
    CHECK(p.retain);
    CHECK(strcmp(p.payload, "kept") == 0);
    /* An empty retained message clears it [MQTT-3.3.1-6]. */
    struct fx5_op *clear = fx5_op_new(&ev);
    publish.payload = fx_cur("");
    done.completion_user_data = clear;
    CHECK_INT_EQ(aws_mqtt5_client_publish(c, &publish, &done), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, clear->completions == 1, 10000);
    CHECK_INT_EQ(clear->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    return 0;
}

static int test_a_shared_subscription_delivers_each_message_to_one_member(void) {
    enum { MESSAGES = 10 };
    struct fx5_events ev[3];
    struct fx5_config cfg[3];
    struct aws_mqtt5_client *c[3];
    const char *ids[3] = {"fx5-share-a", "fx5-share-b", "fx5-share-pub"};
    for (int i = 0; i < 3; ++i) {
        fx5_setup(&ev[i], &cfg[i], s_io.bootstrap, s_mosquitto.port, ids[i]);
        CHECK_INT_EQ(fx5_connect(s_alloc, &cfg[i], &ev[i], &c[i]), 0);
    }
    for (int i = 0; i < 2; ++i) {
        CHECK_INT_EQ(fx5_subscribe(c[i], &ev[i], "$share/grp/fx5/share/t", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
        CHECK_INT_EQ(fx5_subscribe(c[i], &ev[i], "fx5/share/fence", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    }
    for (int i = 0; i < MESSAGES; ++i) {
        struct fx5_op *op = fx5_publish(c[2], &ev[2], "fx5/share/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "m");
        CHECK(op != NULL);
        CHECK_WAIT(&ev[2], op->completions == 1, 10000);
        CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    }
    /* A fence on an ordinary subscription: once both members have it, every shared message
     * sent before it has been delivered (mosquitto forwards in order on each connection). */
    struct fx5_op *fence = fx5_publish(c[2], &ev[2], "fx5/share/fence", AWS_MQTT5_QOS_AT_LEAST_ONCE, "f");
    CHECK(fence != NULL);
    for (int i = 0; i < 2; ++i) {
        CHECK_WAIT(&ev[i], fx5_received_locked(&ev[i], "fx5/share/fence") == 1, 10000);
    }
    int a, b;
    FX_READ(&ev[0], fx5_received_locked(&ev[0], "fx5/share/t"), a);
    FX_READ(&ev[1], fx5_received_locked(&ev[1], "fx5/share/t"), b);
    /* Each message to exactly one member of the group (MQTT 5 section 4.8.2): none lost, none twice. */
    CHECK_INT_EQ(a + b, MESSAGES);
    for (int i = 0; i < 3; ++i) {
        CHECK_INT_EQ(fx5_finish_and_clean_up(c[i], &ev[i]), 0);
    }
    return 0;
}

static int test_a_delayed_will_is_published_after_an_unclean_drop(void) {
    struct fx_forwarder fwd;
    CHECK_INT_EQ(fx_forwarder_start(&fwd, s_mosquitto.port), 0);
    struct fx5_events obs_ev, ev;
    struct fx5_config obs_cfg, cfg;
    fx5_setup(&obs_ev, &obs_cfg, s_io.bootstrap, s_mosquitto.port, "fx5-will-observer");
    struct aws_mqtt5_client *obs = NULL, *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &obs_cfg, &obs_ev, &obs), 0);
    CHECK_INT_EQ(fx5_subscribe(obs, &obs_ev, "fx5/will/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);

    fx5_setup(&ev, &cfg, s_io.bootstrap, fwd.port, "fx5-will");
    cfg.will = (struct aws_mqtt5_packet_publish_view){
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .topic = fx_cur("fx5/will/gone"), .payload = fx_cur("bye")};
    cfg.will_delay = 1;
    /* The session outlives the will delay, so the delay decides (section 3.1.3.2.2). */
    cfg.session_expiry = 30;
    cfg.connect.will = &cfg.will;
    cfg.connect.will_delay_interval_seconds = &cfg.will_delay;
    cfg.connect.session_expiry_interval_seconds = &cfg.session_expiry;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);

    uint64_t cut_at = fx_now_ns();
    fx_forwarder_cut(&fwd);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) == 1, 10000);
    CHECK(fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code != AWS_ERROR_SUCCESS);
    CHECK_WAIT(&obs_ev, fx5_received_locked(&obs_ev, "fx5/will/gone") == 1, 10000);
    uint64_t elapsed_ms = (fx_now_ns() - cut_at) / 1000000ULL;
    /* Not before the will delay (a little slack for the clocks). */
    CHECK(elapsed_ms >= 900);
    struct fx5_publish p;
    CHECK(fx5_find_publish(&obs_ev, "fx5/will/gone", &p));
    CHECK(strcmp(p.payload, "bye") == 0);
    CHECK_INT_EQ(fx5_finish(c, &ev), 0);
    CHECK_INT_EQ(fx5_finish(obs, &obs_ev), 0);
    fx5_events_clean_up(&ev);
    fx5_events_clean_up(&obs_ev);
    return 0;
}

static int test_unsubscribe_gets_an_unsuback_and_ends_delivery(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_mosquitto.port, "fx5-unsub");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "fx5/unsub/t", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    struct aws_byte_cursor filter = fx_cur("fx5/unsub/t");
    struct aws_mqtt5_packet_unsubscribe_view unsubscribe = {.topic_filter_count = 1, .topic_filters = &filter};
    for (int round = 0; round < 2; ++round) {
        struct fx5_op *op = fx5_op_new(&ev);
        struct aws_mqtt5_unsubscribe_completion_options done = {.completion_callback = fx5_on_unsubscribe_complete,
                                                                .completion_user_data = op};
        CHECK_INT_EQ(aws_mqtt5_client_unsubscribe(c, &unsubscribe, &done), AWS_OP_SUCCESS);
        CHECK_WAIT(&ev, op->completions == 1, 10000);
        CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
        CHECK(op->has_view);
        CHECK_INT_EQ(op->reason_code_count, 1); /* one reason code per topic filter */
        /* The second time there is nothing left to remove. */
        CHECK_INT_EQ(op->reason_code, round == 0 ? AWS_MQTT5_UARC_SUCCESS : AWS_MQTT5_UARC_NO_SUBSCRIPTION_EXISTED);
    }
    /* Nobody subscribes any more: mosquitto says so in the PUBACK. */
    struct fx5_op *pub = fx5_publish(c, &ev, "fx5/unsub/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "x");
    CHECK(pub != NULL);
    CHECK_WAIT(&ev, pub->completions == 1, 10000);
    CHECK_INT_EQ(pub->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(pub->reason_code, AWS_MQTT5_PARC_NO_MATCHING_SUBSCRIBERS);
    int received;
    FX_READ(&ev, ev.publish_count, received);
    CHECK_INT_EQ(received, 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    return 0;
}

static int test_a_persistent_session_survives_a_broker_restart(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx5_mosquitto_start(&m, true), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, m.port, "fx5-persist");
    cfg.options.session_behavior = AWS_MQTT5_CSBT_REJOIN_ALWAYS;
    cfg.session_expiry = 3600;
    cfg.connect.session_expiry_interval_seconds = &cfg.session_expiry;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    CHECK(!fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0).settings.rejoined_session);
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "fx5/persist/t", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);

    /* mosquitto 2.0 writes to its persistence file only the sessions of clients that are not
     * connected, so the client leaves (its session expiry keeps the session), the broker
     * restarts, and the client comes back without clean start [MQTT-3.1.2-5], [MQTT-3.2.2-3]. */
    CHECK_INT_EQ(fx5_stop_and_wait(c, &ev), 0);
    CHECK_INT_EQ(fx5_mosquitto_restart(&m, true), 0);
    CHECK_INT_EQ(fx5_start_and_wait(c, &ev), 0);
    struct fx5_event second = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 1);
    CHECK(second.has_connack);
    CHECK(second.connack_session_present);
    CHECK(second.settings.rejoined_session);

    /* The subscription came back with the session: no new SUBSCRIBE. */
    struct fx5_events pub_ev;
    struct fx5_config pub_cfg;
    fx5_setup(&pub_ev, &pub_cfg, s_io.bootstrap, m.port, "fx5-persist-pub");
    struct aws_mqtt5_client *pub = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &pub_cfg, &pub_ev, &pub), 0);
    struct fx5_op *op = fx5_publish(pub, &pub_ev, "fx5/persist/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "again");
    CHECK(op != NULL);
    CHECK_WAIT(&ev, fx5_received_locked(&ev, "fx5/persist/t") == 1, 10000);
    CHECK_INT_EQ(fx5_finish(pub, &pub_ev), 0);
    CHECK_INT_EQ(fx5_finish(c, &ev), 0);
    fx5_events_clean_up(&pub_ev);
    fx5_events_clean_up(&ev);
    fx_mosquitto_stop(&m);
    return 0;
}

/* What a burst's publishes reported. */
struct burst_count {
    atomic_int succeeded;
    atomic_int failed;
    atomic_int last_error;
};

static void s_count_burst(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                          void *user_data) {
    (void)packet_type;
    (void)packet;
    struct burst_count *count = user_data;
    atomic_fetch_add(error_code == AWS_ERROR_SUCCESS ? &count->succeeded : &count->failed, 1);
    if (error_code != AWS_ERROR_SUCCESS) {
        atomic_store(&count->last_error, error_code);
    }
}

/* A stop queued right behind a burst (the publishes wait in the client's publish stream while
 * the loop sends) comes after every publish of it and loses none: each completes exactly once,
 * acknowledged before the stop or failed by it, and the DISCONNECT still goes out. */
static int test_a_stop_behind_a_burst_loses_no_publish(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_mosquitto.port, "fx5-burst-stop");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    struct burst_count count = {0};
    const int total = 5000;
    for (int i = 0; i < total; ++i) {
        struct aws_mqtt5_packet_publish_view publish = {
            .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .topic = fx_cur("fx5/burst"), .payload = fx_cur("b")};
        struct aws_mqtt5_publish_completion_options completion = {.completion_callback = s_count_burst,
                                                                  .completion_user_data = &count};
        CHECK_INT_EQ(aws_mqtt5_client_publish(c, &publish, &completion), AWS_OP_SUCCESS);
    }
    struct fx5_op *done = fx5_op_new(&ev);
    struct aws_mqtt5_packet_disconnect_view disconnect = {.reason_code = AWS_MQTT5_DRC_NORMAL_DISCONNECTION};
    struct aws_mqtt5_disconnect_completion_options completion = {.completion_callback = fx5_on_disconnect_complete,
                                                                 .completion_user_data = done};
    CHECK_INT_EQ(aws_mqtt5_client_stop(c, &disconnect, &completion), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_STOPPED) == 1, 10000);
    CHECK_WAIT(&ev, done->completions == 1, 5000);
    CHECK_INT_EQ(done->error_code, AWS_ERROR_SUCCESS);
    /* Every publish was taken before the stop: each is acknowledged or failed by the stop. */
    CHECK_WAIT(&ev, atomic_load(&count.succeeded) + atomic_load(&count.failed) == total, 10000);
    printf("a stop behind %d publishes: %d acknowledged, %d failed by the stop\n", total,
           atomic_load(&count.succeeded), atomic_load(&count.failed));
    if (atomic_load(&count.failed) > 0) {
        CHECK_INT_EQ(atomic_load(&count.last_error), AWS_ERROR_MQTT5_USER_REQUESTED_STOP);
    }
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    /* Nothing completes twice, nothing more at the release. */
    CHECK_INT_EQ(atomic_load(&count.succeeded) + atomic_load(&count.failed), total);
    fx5_events_clean_up(&ev);
    return 0;
}

static int test_stop_with_a_disconnect_sends_it_and_completes(void) {
    struct fx5_events obs_ev, ev;
    struct fx5_config obs_cfg, cfg;
    fx5_setup(&obs_ev, &obs_cfg, s_io.bootstrap, s_mosquitto.port, "fx5-stop-observer");
    struct aws_mqtt5_client *obs = NULL, *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &obs_cfg, &obs_ev, &obs), 0);
    CHECK_INT_EQ(fx5_subscribe(obs, &obs_ev, "fx5/stop/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_mosquitto.port, "fx5-stop");
    cfg.will = (struct aws_mqtt5_packet_publish_view){
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .topic = fx_cur("fx5/stop/will"), .payload = fx_cur("unexpected")};
    cfg.connect.will = &cfg.will;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);

    struct fx5_op *done = fx5_op_new(&ev);
    struct aws_byte_cursor reason = fx_cur("bye for now");
    struct aws_mqtt5_packet_disconnect_view disconnect = {.reason_code = AWS_MQTT5_DRC_NORMAL_DISCONNECTION,
                                                          .reason_string = &reason};
    struct aws_mqtt5_disconnect_completion_options completion = {.completion_callback = fx5_on_disconnect_complete,
                                                                 .completion_user_data = done};
    CHECK_INT_EQ(aws_mqtt5_client_stop(c, &disconnect, &completion), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_STOPPED) == 1, 10000);
    /* The DISCONNECT was written: its completion ran once, successfully. */
    CHECK_WAIT(&ev, done->completions == 1, 5000);
    CHECK_INT_EQ(done->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(FX5_SEQUENCE(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT, AWS_MQTT5_CLET_CONNECTION_SUCCESS,
                              AWS_MQTT5_CLET_DISCONNECTION, AWS_MQTT5_CLET_STOPPED),
                 0);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code, AWS_ERROR_MQTT5_USER_REQUESTED_STOP);
    /* A normal DISCONNECT discards the will [MQTT-3.14.4-3]: a fence published afterwards
     * arrives alone. */
    struct fx5_op *fence = fx5_publish(obs, &obs_ev, "fx5/stop/fence", AWS_MQTT5_QOS_AT_LEAST_ONCE, "f");
    CHECK(fence != NULL);
    CHECK_WAIT(&obs_ev, fx5_received_locked(&obs_ev, "fx5/stop/fence") == 1, 10000);
    aws_mutex_lock(&obs_ev.lock);
    int wills = fx5_received_locked(&obs_ev, "fx5/stop/will");
    aws_mutex_unlock(&obs_ev.lock);
    CHECK_INT_EQ(wills, 0);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    CHECK_INT_EQ(fx5_finish(obs, &obs_ev), 0);
    fx5_events_clean_up(&ev);
    fx5_events_clean_up(&obs_ev);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx5_mosquitto_start(&s_mosquitto, false), 0);

    RUN(test_connection_success_carries_the_negotiated_settings);
    RUN(test_lifecycle_events_follow_attempt_success_disconnection_stopped);
    RUN(test_qos0_and_qos1_publishes_come_back_with_their_acks);
    RUN(test_publish_properties_reach_the_subscriber_unchanged);
    RUN(test_a_retained_message_reaches_a_later_subscriber);
    RUN(test_a_shared_subscription_delivers_each_message_to_one_member);
    RUN(test_a_delayed_will_is_published_after_an_unclean_drop);
    RUN(test_unsubscribe_gets_an_unsuback_and_ends_delivery);
    RUN(test_a_persistent_session_survives_a_broker_restart);
    RUN(test_stop_with_a_disconnect_sends_it_and_completes);
    RUN(test_a_stop_behind_a_burst_loses_no_publish);

    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}

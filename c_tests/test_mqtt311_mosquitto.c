/* The MQTT 3.1.1 client (aws/mqtt/client.h) against a real mosquitto on 127.0.0.1: connect and
 * disconnect with every connection-level callback, + and # subscriptions, publish and receive
 * at QoS 0/1/2, retained messages, a will published when a connection drops without
 * DISCONNECT, a refused login, unsubscribe, the on_any_publish handler,
 * resubscribe_existing_topics and get_stats. Each test uses its own topics, so one mosquitto
 * serves them all (the login test starts its own, with a password file). Memory goes through a
 * tracing allocator, which must end empty. */
#include "mqtt_fixture.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;
static struct fx_mosquitto s_mosquitto;

static int test_connect_and_disconnect_call_every_handler(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, s_mosquitto.port, "fx-connect"), 0);
    CHECK(!ev.complete_session_present);
    /* The result handlers run on every accepted CONNACK, after on_connection_complete. */
    CHECK_WAIT(&ev, ev.success == 1, 5000);
    CHECK_INT_EQ(ev.success_return_code, AWS_MQTT_CONNECT_ACCEPTED);
    CHECK_INT_EQ(ev.failure, 0);

    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(c, fx_on_disconnect, &ev), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.disconnected == 1 && ev.closed == 1, 5000);
    /* A disconnect the user asked for is no interruption. */
    CHECK_INT_EQ(ev.interrupted, 0);
    CHECK_INT_EQ(ev.complete, 1);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_wildcard_subscriptions_receive_matching_publishes(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, s_mosquitto.port, "fx-wildcards"), 0);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "wild/+/temp", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "hash/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);

    const char *topics[] = {"wild/kitchen/temp", "hash/a", "hash/a/b/c", "wild/kitchen/humidity"};
    for (int i = 0; i < 4; ++i) {
        struct aws_byte_cursor topic = fx_cur(topics[i]);
        struct aws_byte_cursor payload = fx_cur(topics[i]);
        uint16_t id = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                                         fx_on_op_complete, &ev);
        CHECK(id != 0);
        CHECK_WAIT(&ev, fx_op_count_locked(&ev, id) == 1, 5000);
        CHECK_INT_EQ(fx_op_error_locked(&ev, id), AWS_ERROR_SUCCESS);
    }
    /* The three matching ones arrive; the last (no filter matches) never does. mosquitto
     * delivers in order, so once hash/a/b/c is in, the earlier ones are too. */
    CHECK_WAIT(&ev, fx_received_locked(&ev, "hash/a/b/c", false) == 1, 5000);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "wild/kitchen/temp", false) == 1, 5000);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "hash/a", false) == 1, 5000);
    aws_mutex_lock(&ev.lock);
    const struct fx_publish *p = fx_find_publish_locked(&ev, "wild/kitchen/temp");
    CHECK(p != NULL);
    CHECK(strcmp(p->payload, "wild/kitchen/temp") == 0);
    CHECK_INT_EQ(p->qos, AWS_MQTT_QOS_AT_LEAST_ONCE);
    CHECK(!p->retain);
    CHECK_INT_EQ(fx_received_locked(&ev, "wild/kitchen/humidity", false), 0);
    aws_mutex_unlock(&ev.lock);

    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_publish_and_receive_at_each_qos(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, s_mosquitto.port, "fx-qos"), 0);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "qos/#", AWS_MQTT_QOS_EXACTLY_ONCE), 0);

    const char *topics[] = {"qos/0", "qos/1", "qos/2"};
    for (int qos = 0; qos <= 2; ++qos) {
        struct aws_byte_cursor topic = fx_cur(topics[qos]);
        char text[32];
        snprintf(text, sizeof(text), "payload at qos %d", qos);
        struct aws_byte_cursor payload = fx_cur(text);
        uint16_t id = aws_mqtt_client_connection_publish(c, &topic, (enum aws_mqtt_qos)qos, false, &payload,
                                                         fx_on_op_complete, &ev);
        CHECK(id != 0);
        /* QoS 0: once written; QoS 1: on PUBACK; QoS 2: on PUBCOMP. */
        CHECK_WAIT(&ev, fx_op_count_locked(&ev, id) == 1, 5000);
        CHECK_INT_EQ(fx_op_error_locked(&ev, id), AWS_ERROR_SUCCESS);
        CHECK_WAIT(&ev, fx_received_locked(&ev, topics[qos], false) == 1, 5000);
        aws_mutex_lock(&ev.lock);
        const struct fx_publish *p = fx_find_publish_locked(&ev, topics[qos]);
        /* The subscription grants QoS 2, so each arrives at the QoS it was sent with. */
        CHECK_INT_EQ(p->qos, qos);
        CHECK(strcmp(p->payload, text) == 0);
        CHECK_INT_EQ(p->payload_len, strlen(text));
        CHECK(!p->dup);
        aws_mutex_unlock(&ev.lock);
    }
    /* A payload with NUL bytes and a NULL payload (an empty message) go through as they are. */
    struct aws_byte_cursor topic = fx_cur("qos/binary");
    uint8_t bytes[] = {0, 1, 2, 0, 255};
    struct aws_byte_cursor payload = aws_byte_cursor_from_array(bytes, sizeof(bytes));
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) != 0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "qos/binary", false) == 1, 5000);
    aws_mutex_lock(&ev.lock);
    CHECK_INT_EQ(fx_find_publish_locked(&ev, "qos/binary")->payload_len, sizeof(bytes));
    CHECK(memcmp(fx_find_publish_locked(&ev, "qos/binary")->payload, bytes, sizeof(bytes)) == 0);
    aws_mutex_unlock(&ev.lock);
    topic = fx_cur("qos/empty");
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, NULL, NULL, NULL) != 0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "qos/empty", false) == 1, 5000);
    aws_mutex_lock(&ev.lock);
    CHECK_INT_EQ(fx_find_publish_locked(&ev, "qos/empty")->payload_len, 0);
    aws_mutex_unlock(&ev.lock);

    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_a_retained_message_reaches_a_later_subscriber(void) {
    struct fx_events pub_ev, sub_ev;
    fx_events_init(&pub_ev);
    fx_events_init(&sub_ev);
    struct aws_mqtt_client_connection *publisher = NULL, *subscriber = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &publisher, &pub_ev, s_mosquitto.port, "fx-retain-pub"), 0);
    struct aws_byte_cursor topic = fx_cur("retained/state");
    struct aws_byte_cursor payload = fx_cur("on");
    uint16_t id = aws_mqtt_client_connection_publish(publisher, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, true, &payload,
                                                     fx_on_op_complete, &pub_ev);
    CHECK(id != 0);
    CHECK_WAIT(&pub_ev, fx_op_count_locked(&pub_ev, id) == 1, 5000);
    CHECK_INT_EQ(fx_op_error_locked(&pub_ev, id), AWS_ERROR_SUCCESS);

    /* Subscribing after the publish completed: only the retained copy can arrive. */
    CHECK_INT_EQ(fx_connect(s_client, &subscriber, &sub_ev, s_mosquitto.port, "fx-retain-sub"), 0);
    CHECK_INT_EQ(fx_subscribe(subscriber, &sub_ev, "retained/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    CHECK_WAIT(&sub_ev, fx_received_locked(&sub_ev, "retained/state", false) == 1, 5000);
    aws_mutex_lock(&sub_ev.lock);
    const struct fx_publish *p = fx_find_publish_locked(&sub_ev, "retained/state");
    CHECK(p->retain);
    CHECK(strcmp(p->payload, "on") == 0);
    aws_mutex_unlock(&sub_ev.lock);

    /* An empty retained publish clears it (and is delivered live, without the retain flag). */
    id = aws_mqtt_client_connection_publish(publisher, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, true, NULL,
                                            fx_on_op_complete, &pub_ev);
    CHECK(id != 0);
    CHECK_WAIT(&pub_ev, fx_op_count_locked(&pub_ev, id) == 1, 5000);
    CHECK_WAIT(&sub_ev, fx_received_locked(&sub_ev, "retained/state", false) == 2, 5000);
    aws_mutex_lock(&sub_ev.lock);
    CHECK(!sub_ev.publish[sub_ev.publishes - 1].retain);
    aws_mutex_unlock(&sub_ev.lock);

    CHECK_INT_EQ(fx_disconnect_and_release(subscriber, &sub_ev), 0);
    CHECK_INT_EQ(fx_disconnect_and_release(publisher, &pub_ev), 0);
    fx_events_clean_up(&sub_ev);
    fx_events_clean_up(&pub_ev);
    return 0;
}

/* The will owner connects through a forwarder; cutting it closes the TCP connection on both
 * sides without an MQTT DISCONNECT, so mosquitto publishes the will. */
static int test_a_will_is_published_when_a_connection_drops(void) {
    struct fx_events owner_ev, watcher_ev;
    fx_events_init(&owner_ev);
    fx_events_init(&watcher_ev);
    struct aws_mqtt_client_connection *watcher = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &watcher, &watcher_ev, s_mosquitto.port, "fx-will-watcher"), 0);
    CHECK_INT_EQ(fx_subscribe(watcher, &watcher_ev, "will/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);

    struct fx_forwarder forwarder;
    CHECK_INT_EQ(fx_forwarder_start(&forwarder, s_mosquitto.port), 0);
    struct aws_mqtt_client_connection *owner = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &owner, &owner_ev), 0);
    struct aws_byte_cursor will_topic = fx_cur("will/owner");
    struct aws_byte_cursor will_payload = fx_cur("owner went away");
    CHECK_INT_EQ(aws_mqtt_client_connection_set_will(owner, &will_topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false,
                                                     &will_payload),
                 AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, forwarder.port, "fx-will-owner", &owner_ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(owner, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&owner_ev, owner_ev.complete == 1, 5000);
    CHECK_INT_EQ(owner_ev.complete_error, AWS_ERROR_SUCCESS);
    /* Nothing yet: the owner is alive. */
    aws_mutex_lock(&watcher_ev.lock);
    CHECK_INT_EQ(fx_received_locked(&watcher_ev, "will/owner", false), 0);
    aws_mutex_unlock(&watcher_ev.lock);

    fx_forwarder_cut(&forwarder);
    CHECK_WAIT(&owner_ev, owner_ev.interrupted == 1, 5000);
    CHECK(owner_ev.interrupted_error != AWS_ERROR_SUCCESS);
    CHECK_WAIT(&watcher_ev, fx_received_locked(&watcher_ev, "will/owner", false) == 1, 5000);
    aws_mutex_lock(&watcher_ev.lock);
    const struct fx_publish *p = fx_find_publish_locked(&watcher_ev, "will/owner");
    CHECK(strcmp(p->payload, "owner went away") == 0);
    CHECK_INT_EQ(p->qos, AWS_MQTT_QOS_AT_LEAST_ONCE);
    aws_mutex_unlock(&watcher_ev.lock);

    /* The owner keeps trying to reconnect (refused: the forwarder no longer listens); a
     * disconnect while reconnecting ends that. */
    CHECK_INT_EQ(fx_disconnect_and_release(owner, &owner_ev), 0);
    CHECK_INT_EQ(owner_ev.resumed, 0);
    CHECK_INT_EQ(fx_disconnect_and_release(watcher, &watcher_ev), 0);
    fx_events_clean_up(&owner_ev);
    fx_events_clean_up(&watcher_ev);
    return 0;
}

/* Connects with the given login (NULL: none) to a mosquitto that requires a password; returns
 * the on_connection_complete record through `ev`. */
static int s_connect_with_login(int port, const char *user, const char *password, struct fx_events *ev) {
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, ev), 0);
    if (user) {
        struct aws_byte_cursor u = fx_cur(user);
        struct aws_byte_cursor p = fx_cur(password);
        CHECK_INT_EQ(aws_mqtt_client_connection_set_login(c, &u, password ? &p : NULL), AWS_OP_SUCCESS);
    }
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, port, "fx-login", ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, ev->complete == 1, 5000);
    if (ev->complete_error == AWS_ERROR_SUCCESS) {
        CHECK_INT_EQ(fx_disconnect_and_release(c, ev), 0);
    } else {
        /* A failed first connect ends in DISCONNECTED: no reconnect, the release destroys it. */
        aws_mqtt_client_connection_release(c);
        CHECK_WAIT(ev, ev->terminated == 1, 5000);
    }
    return 0;
}

static int test_a_refused_login_fails_the_connect(void) {
    struct fx_mosquitto secured;
    CHECK_INT_EQ(fx_mosquitto_start(&secured, FX_MOSQUITTO_PASSWORD), 0);

    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_connect_with_login(secured.port, FX_USER, "wrong", &ev), 0);
    /* mosquitto refuses with return code 5 (not authorized). As upstream the connect fails with
     * AWS_ERROR_MQTT_PROTOCOL_ERROR; unlike upstream (0), the broker's code is passed on. */
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_MQTT_PROTOCOL_ERROR);
    CHECK_INT_EQ(ev.complete_return_code, AWS_MQTT_CONNECT_NOT_AUTHORIZED);
    CHECK(!ev.complete_session_present);
    CHECK_INT_EQ(ev.failure, 1);
    CHECK_INT_EQ(ev.failure_error, AWS_ERROR_MQTT_PROTOCOL_ERROR);
    CHECK_INT_EQ(ev.success, 0);
    /* on_closed belongs to a user disconnect only. */
    CHECK_INT_EQ(ev.closed, 0);
    fx_events_clean_up(&ev);

    /* Anonymous: refused the same way. */
    fx_events_init(&ev);
    CHECK_INT_EQ(s_connect_with_login(secured.port, NULL, NULL, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_MQTT_PROTOCOL_ERROR);
    fx_events_clean_up(&ev);

    /* The right password is accepted. */
    fx_events_init(&ev);
    CHECK_INT_EQ(s_connect_with_login(secured.port, FX_USER, FX_PASSWORD, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev.complete_return_code, AWS_MQTT_CONNECT_ACCEPTED);
    CHECK_INT_EQ(ev.failure, 0);
    fx_events_clean_up(&ev);

    fx_mosquitto_stop(&secured);
    return 0;
}

static int test_unsubscribe_stops_delivery(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, s_mosquitto.port, "fx-unsub"), 0);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "unsub/topic", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "unsub/sentinel", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    struct aws_byte_cursor topic = fx_cur("unsub/topic");
    struct aws_byte_cursor sentinel = fx_cur("unsub/sentinel");
    struct aws_byte_cursor payload = fx_cur("x");
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) != 0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "unsub/topic", false) == 1, 5000);

    uint16_t id = aws_mqtt_client_connection_unsubscribe(c, &topic, fx_on_op_complete, &ev);
    CHECK(id != 0);
    CHECK_WAIT(&ev, fx_op_count_locked(&ev, id) == 1, 5000);
    CHECK_INT_EQ(fx_op_error_locked(&ev, id), AWS_ERROR_SUCCESS);

    /* Publish to the old topic, then to the sentinel: the broker keeps the order, so once the
     * sentinel is in, a delivery of the first would have been too. */
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) != 0);
    CHECK(aws_mqtt_client_connection_publish(c, &sentinel, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) !=
          0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "unsub/sentinel", false) == 1, 5000);
    aws_mutex_lock(&ev.lock);
    CHECK_INT_EQ(fx_received_locked(&ev, "unsub/topic", false), 1);
    aws_mutex_unlock(&ev.lock);

    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_on_any_publish_sees_every_message(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    /* Set before connecting: upstream refuses it while connected. */
    CHECK_INT_EQ(aws_mqtt_client_connection_set_on_any_publish_handler(c, fx_on_any_publish, &ev), AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_mosquitto.port, "fx-any", &ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    /* (Upstream's adapter takes it any time.) */
    CHECK_INT_EQ(aws_mqtt_client_connection_set_on_any_publish_handler(c, fx_on_any_publish, &ev),
                 FX_NATIVE_OR_ADAPTER(AWS_OP_ERR, AWS_OP_SUCCESS));

    /* A subscription without a publish callback: only the any-handler reports it. */
    struct aws_byte_cursor filter = fx_cur("any/#");
    uint16_t id = aws_mqtt_client_connection_subscribe(c, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, NULL, NULL, NULL,
                                                       fx_on_suback, &ev);
    CHECK(id != 0);
    CHECK_WAIT(&ev, ev.subacks == 1, 5000);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "any/with-callback", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);

    struct aws_byte_cursor t1 = fx_cur("any/one");
    struct aws_byte_cursor t2 = fx_cur("any/with-callback");
    struct aws_byte_cursor payload = fx_cur("p");
    CHECK(aws_mqtt_client_connection_publish(c, &t1, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) != 0);
    CHECK(aws_mqtt_client_connection_publish(c, &t2, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) != 0);
    /* any/with-callback matches both filters: mosquitto may send it once or twice (overlapping
     * subscriptions); each copy reaches the any-handler once. */
    CHECK_WAIT(&ev, fx_received_locked(&ev, "any/one", true) == 1 && fx_received_locked(&ev, "any/with-callback", true) >= 1 &&
                        fx_received_locked(&ev, "any/with-callback", false) >= 1,
               5000);
    aws_mutex_lock(&ev.lock);
    CHECK_INT_EQ(fx_received_locked(&ev, "any/one", false), 0);
    aws_mutex_unlock(&ev.lock);

    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_resubscribe_existing_topics_sends_every_filter(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, s_mosquitto.port, "fx-resub"), 0);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "resub/a", AWS_MQTT_QOS_AT_MOST_ONCE), 0);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "resub/b/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);

    int before;
    FX_READ(&ev, ev.subacks, before);
    uint16_t id = aws_mqtt_resubscribe_existing_topics(c, fx_on_suback_multi, &ev);
    CHECK(id != 0);
    CHECK_WAIT(&ev, ev.subacks == before + 1, 5000);
    aws_mutex_lock(&ev.lock);
    struct fx_suback s = ev.suback[before];
    aws_mutex_unlock(&ev.lock);
    CHECK_INT_EQ(s.packet_id, id);
    CHECK_INT_EQ(s.error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(s.count, 2);
    /* Each filter granted the QoS it was subscribed with, whatever the order. */
    CHECK_INT_EQ(s.qos[0] + s.qos[1], AWS_MQTT_QOS_AT_MOST_ONCE + AWS_MQTT_QOS_AT_LEAST_ONCE);

    /* The subscriptions still deliver to their callbacks. */
    struct aws_byte_cursor topic = fx_cur("resub/b/c");
    struct aws_byte_cursor payload = fx_cur("after");
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) != 0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "resub/b/c", false) == 1, 5000);

    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_subscribe_multiple_reports_each_grant(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, s_mosquitto.port, "fx-multi"), 0);
    struct aws_mqtt_topic_subscription subs[2] = {
        {.topic = fx_cur("multi/a"), .qos = AWS_MQTT_QOS_AT_LEAST_ONCE, .on_publish = fx_on_publish, .on_publish_ud = &ev},
        {.topic = fx_cur("multi/b/+"), .qos = AWS_MQTT_QOS_EXACTLY_ONCE, .on_publish = fx_on_publish, .on_publish_ud = &ev},
    };
    struct aws_array_list list;
    CHECK_INT_EQ(aws_array_list_init_dynamic(&list, s_alloc, 2, sizeof(subs[0])), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_push_back(&list, &subs[0]), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_push_back(&list, &subs[1]), AWS_OP_SUCCESS);
    uint16_t id = aws_mqtt_client_connection_subscribe_multiple(c, &list, fx_on_suback_multi, &ev);
    /* The list and its topics were copied. */
    aws_array_list_clean_up(&list);
    CHECK(id != 0);
    CHECK_WAIT(&ev, ev.subacks == 1, 5000);
    CHECK_INT_EQ(ev.suback[0].packet_id, id);
    CHECK_INT_EQ(ev.suback[0].error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev.suback[0].count, 2);
    /* In request order, each with the granted QoS. */
    CHECK(strcmp(ev.suback[0].topic, "multi/a") == 0);
    CHECK_INT_EQ(ev.suback[0].qos[0], AWS_MQTT_QOS_AT_LEAST_ONCE);
    CHECK_INT_EQ(ev.suback[0].qos[1], AWS_MQTT_QOS_EXACTLY_ONCE);

    struct aws_byte_cursor topic = fx_cur("multi/b/x");
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_EXACTLY_ONCE, false, NULL, NULL, NULL) != 0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "multi/b/x", false) == 1, 5000);

    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_get_stats_counts_nothing_once_everything_completed(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = fx_new_connection(s_client);
    CHECK(c != NULL);
    struct aws_mqtt_connection_operation_statistics stats;
    memset(&stats, 0xA5, sizeof(stats));
    CHECK_INT_EQ(aws_mqtt_client_connection_get_stats(c, &stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);
    CHECK_INT_EQ(stats.incomplete_operation_size, 0);
    CHECK_INT_EQ(stats.unacked_operation_count, 0);
    CHECK_INT_EQ(stats.unacked_operation_size, 0);
    aws_mqtt_client_connection_release(c);

    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, s_mosquitto.port, "fx-stats"), 0);
    struct aws_byte_cursor topic = fx_cur("stats/t");
    struct aws_byte_cursor payload = fx_cur("12345");
    uint16_t id = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_EXACTLY_ONCE, false, &payload,
                                                     fx_on_op_complete, &ev);
    CHECK(id != 0);
    CHECK_WAIT(&ev, fx_op_count_locked(&ev, id) == 1, 5000);
    CHECK_INT_EQ(aws_mqtt_client_connection_get_stats(c, &stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);
    CHECK_INT_EQ(stats.incomplete_operation_size, 0);
    CHECK_INT_EQ(stats.unacked_operation_count, 0);
    CHECK_INT_EQ(stats.unacked_operation_size, 0);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);
    CHECK_INT_EQ(fx_mosquitto_start(&s_mosquitto, FX_MOSQUITTO_ANONYMOUS), 0);

    RUN(test_connect_and_disconnect_call_every_handler);
    RUN(test_wildcard_subscriptions_receive_matching_publishes);
    RUN(test_publish_and_receive_at_each_qos);
    RUN(test_a_retained_message_reaches_a_later_subscriber);
    RUN(test_a_will_is_published_when_a_connection_drops);
    RUN(test_a_refused_login_fails_the_connect);
    RUN(test_unsubscribe_stops_delivery);
    RUN(test_on_any_publish_sees_every_message);
    RUN(test_resubscribe_existing_topics_sends_every_filter);
    RUN(test_subscribe_multiple_reports_each_grant);
    RUN(test_get_stats_counts_nothing_once_everything_completed);

    fx_mosquitto_stop(&s_mosquitto);
    aws_mqtt_client_release(s_client);
    return fx_suite_end(s_alloc, &s_io);
}

/* Misuse of the MQTT 3.1.1 client API: NULL and invalid arguments (upstream's error codes where
 * upstream raises one; AWS_ERROR_INVALID_ARGUMENT where upstream would crash, as README's
 * "where we differ" says), calls in the wrong state, operations queued before connect,
 * disconnect and release from inside callbacks, release while connected, and 1000
 * connect/disconnect cycles with flat memory. Servers: the project's test broker. */
#include "mqtt_fixture.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;
static struct fx_broker s_broker;

#define CHECK_ID_FAILS_WITH(call, code)                                                            \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        CHECK_INT_EQ((call), 0);                                                                   \
        CHECK_INT_EQ(aws_last_error(), (code));                                                    \
    } while (0)

static int test_null_and_invalid_arguments(void) {
    aws_reset_error();
    CHECK(aws_mqtt_client_new(s_alloc, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mqtt_client_connection_new(NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(aws_mqtt_client_acquire(NULL) == NULL);
    aws_mqtt_client_release(NULL);
    CHECK(aws_mqtt_client_connection_acquire(NULL) == NULL);
    aws_mqtt_client_connection_release(NULL);

    struct aws_mqtt_client_connection *c = fx_new_connection(s_client);
    CHECK(c != NULL);
    struct aws_byte_cursor good = fx_cur("a/b");
    struct aws_byte_cursor wildcard_topic = fx_cur("a/+");
    struct aws_byte_cursor hash_topic = fx_cur("a/#");
    struct aws_byte_cursor bad_filters[] = {fx_cur("a/#/b"), fx_cur("a+"), fx_cur("#a"), fx_cur("")};
    struct aws_byte_cursor payload = fx_cur("p");
    uint8_t bad_utf8_bytes[] = {'u', 0xC3, 0x28};
    struct aws_byte_cursor bad_utf8 = aws_byte_cursor_from_array(bad_utf8_bytes, sizeof(bad_utf8_bytes));

    /* set_will: a topic name, no wildcards; QoS 0-2. */
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_will(NULL, &good, AWS_MQTT_QOS_AT_MOST_ONCE, false, &payload),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_will(c, NULL, AWS_MQTT_QOS_AT_MOST_ONCE, false, &payload),
                     AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_will(c, &wildcard_topic, AWS_MQTT_QOS_AT_MOST_ONCE, false, &payload),
                     AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_will(c, &hash_topic, AWS_MQTT_QOS_AT_MOST_ONCE, false, &payload),
                     AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_will(c, &good, (enum aws_mqtt_qos)3, false, &payload),
                     AWS_ERROR_MQTT_INVALID_QOS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_will(c, &good, AWS_MQTT_QOS_AT_MOST_ONCE, false, &payload),
                 AWS_OP_SUCCESS);

    /* set_login: the username must be valid MQTT UTF-8; the password is optional. */
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_login(NULL, &good, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_login(c, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_login(c, &bad_utf8, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_login(c, &good, NULL), AWS_OP_SUCCESS);

    /* connect */
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_broker.port, "fx-args", &ev);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_connect(NULL, &options), AWS_ERROR_INVALID_ARGUMENT);
    /* Upstream's adapter checks the options with the MQTT 5 client's error code. */
    const int invalid_options =
        FX_NATIVE_OR_ADAPTER(AWS_ERROR_INVALID_ARGUMENT, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_connect(c, NULL), invalid_options);
    struct aws_mqtt_connection_options bad_id = options;
    bad_id.client_id = bad_utf8;
    CHECK_FAILS_WITH(aws_mqtt_client_connection_connect(c, &bad_id), invalid_options);

    /* Deprecated upstream: reconnect is always refused. */
    CHECK_FAILS_WITH(aws_mqtt_client_connection_reconnect(c, NULL, NULL), AWS_ERROR_UNSUPPORTED_OPERATION);
    /* Not connected yet (upstream's adapter completes such a disconnect at once). */
    if (!fx_via_adapter()) {
        CHECK_FAILS_WITH(aws_mqtt_client_connection_disconnect(c, NULL, NULL), AWS_ERROR_MQTT_NOT_CONNECTED);
    }
    CHECK_FAILS_WITH(aws_mqtt_client_connection_disconnect(NULL, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);

    /* publish: a topic name and QoS 0-2; QoS 0 needs a connection (it is never queued). */
    CHECK_ID_FAILS_WITH(
        aws_mqtt_client_connection_publish(NULL, &good, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL),
        AWS_ERROR_INVALID_ARGUMENT);
    CHECK_ID_FAILS_WITH(
        aws_mqtt_client_connection_publish(c, NULL, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL),
        AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK_ID_FAILS_WITH(
        aws_mqtt_client_connection_publish(c, &wildcard_topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL),
        AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK_ID_FAILS_WITH(
        aws_mqtt_client_connection_publish(c, &hash_topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL),
        AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_publish(c, &good, (enum aws_mqtt_qos)3, false, &payload, NULL, NULL),
                        AWS_ERROR_MQTT_INVALID_QOS);
    /* (Through upstream's adapter it is the MQTT 5 client's offline queue that fails it, later.) */
    if (!fx_via_adapter()) {
        CHECK_ID_FAILS_WITH(
            aws_mqtt_client_connection_publish(c, &good, AWS_MQTT_QOS_AT_MOST_ONCE, false, &payload, NULL, NULL),
            AWS_ERROR_MQTT_NOT_CONNECTED);
    }

    /* subscribe / unsubscribe: topic filters. */
    for (size_t i = 0; i < sizeof(bad_filters) / sizeof(bad_filters[0]); ++i) {
        CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_subscribe(c, &bad_filters[i], AWS_MQTT_QOS_AT_LEAST_ONCE,
                                                                 fx_on_publish, &ev, NULL, NULL, NULL),
                            AWS_ERROR_MQTT_INVALID_TOPIC);
        CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_unsubscribe(c, &bad_filters[i], NULL, NULL),
                            AWS_ERROR_MQTT_INVALID_TOPIC);
    }
    CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_subscribe(c, NULL, AWS_MQTT_QOS_AT_LEAST_ONCE, fx_on_publish, &ev,
                                                             NULL, NULL, NULL),
                        AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_unsubscribe(c, NULL, NULL, NULL), AWS_ERROR_MQTT_INVALID_TOPIC);
    CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_subscribe_multiple(c, NULL, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_array_list empty;
    CHECK_INT_EQ(aws_array_list_init_dynamic(&empty, s_alloc, 1, sizeof(struct aws_mqtt_topic_subscription)),
                 AWS_OP_SUCCESS);
    CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_subscribe_multiple(c, &empty, NULL, NULL),
                        AWS_ERROR_INVALID_ARGUMENT);
    struct aws_mqtt_topic_subscription bad_sub = {.topic = bad_filters[0], .qos = AWS_MQTT_QOS_AT_LEAST_ONCE};
    CHECK_INT_EQ(aws_array_list_push_back(&empty, &bad_sub), AWS_OP_SUCCESS);
    CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_subscribe_multiple(c, &empty, NULL, NULL),
                        AWS_ERROR_MQTT_INVALID_TOPIC);
    /* Each topic's QoS is read as an integer and must be 0-2: a value outside the enum, or
     * AWS_MQTT_QOS_FAILURE (a SUBACK's answer, not a request), is AWS_ERROR_MQTT_INVALID_QOS. */
    struct aws_mqtt_topic_subscription *item = NULL;
    CHECK_INT_EQ(aws_array_list_get_at_ptr(&empty, (void **)&item, 0), AWS_OP_SUCCESS);
    const int bad_qos[] = {3, AWS_MQTT_QOS_FAILURE, -1, 0x7fffffff, 0x100};
    for (size_t i = 0; i < sizeof(bad_qos) / sizeof(bad_qos[0]); ++i) {
        item->topic = good;
        item->qos = (enum aws_mqtt_qos)bad_qos[i];
        CHECK_ID_FAILS_WITH(aws_mqtt_client_connection_subscribe_multiple(c, &empty, NULL, NULL),
                            AWS_ERROR_MQTT_INVALID_QOS);
    }
    aws_array_list_clean_up(&empty);

    /* get_stats */
    struct aws_mqtt_connection_operation_statistics stats;
    CHECK_FAILS_WITH(aws_mqtt_client_connection_get_stats(NULL, &stats), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_get_stats(c, NULL), AWS_ERROR_INVALID_ARGUMENT);
    /* None of the refused calls queued anything. */
    CHECK_INT_EQ(aws_mqtt_client_connection_get_stats(c, &stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);

    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_connection_closed_handler(NULL, fx_on_closed, &ev),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_reconnect_timeout(NULL, 1, 2), AWS_ERROR_INVALID_ARGUMENT);

    aws_mqtt_client_connection_release(c);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_calls_in_the_wrong_state(void) {
    /* A broker that answers CONNECT late keeps the connection in CONNECTING for a while. */
    /* Upstream's adapter checks no state in its calls: connect and disconnect answer through
     * their callbacks (test_mqtt5_adapter.c), setters always apply. */
    if (fx_via_adapter()) {
        return 0;
    }
    struct fx_broker slow;
    CHECK_INT_EQ(fx_broker_start(&slow, FX_FRAGMENTS("--connack-delay-ms", "700")), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, slow.port, "fx-state", &ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    /* CONNECTING: a second connect, a disconnect and configuration are refused. */
    CHECK_FAILS_WITH(aws_mqtt_client_connection_connect(c, &options), AWS_ERROR_MQTT_ALREADY_CONNECTED);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_disconnect(c, NULL, NULL), AWS_ERROR_MQTT_NOT_CONNECTED);
    struct aws_byte_cursor user = fx_cur("u");
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_login(c, &user, NULL), AWS_ERROR_INVALID_STATE);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_connection_closed_handler(c, fx_on_closed, &ev),
                     AWS_ERROR_INVALID_STATE);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_reconnect_timeout(c, 1, 2), AWS_ERROR_INVALID_STATE);

    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    /* CONNECTED: connect is refused; will, login and handlers may change (used on the next
     * CONNECT), except on_any_publish. */
    CHECK_FAILS_WITH(aws_mqtt_client_connection_connect(c, &options), AWS_ERROR_MQTT_ALREADY_CONNECTED);
    struct aws_byte_cursor topic = fx_cur("state/will");
    CHECK_INT_EQ(aws_mqtt_client_connection_set_will(c, &topic, AWS_MQTT_QOS_AT_MOST_ONCE, false, &topic),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_login(c, &user, NULL), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_connection_closed_handler(c, fx_on_closed, &ev), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_set_on_any_publish_handler(c, fx_on_any_publish, &ev),
                     AWS_ERROR_INVALID_STATE);

    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(c, fx_on_disconnect, &ev), AWS_OP_SUCCESS);
    /* DISCONNECTING: new operations and a second disconnect are refused. */
    struct aws_byte_cursor payload = fx_cur("late");
    uint16_t id =
        aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL);
    int err = aws_last_error();
    int disconnected;
    FX_READ(&ev, ev.disconnected, disconnected);
    if (!disconnected) {
        /* Only meaningful while the disconnect is still under way. */
        CHECK_INT_EQ(id, 0);
        CHECK_INT_EQ(err, AWS_ERROR_MQTT_CONNECTION_DISCONNECTING);
    }
    CHECK_WAIT(&ev, ev.disconnected == 1 && ev.closed == 1, 5000);
    CHECK_FAILS_WITH(aws_mqtt_client_connection_disconnect(c, NULL, NULL), AWS_ERROR_MQTT_NOT_CONNECTED);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    fx_events_clean_up(&ev);
    fx_broker_stop(&slow);
    return 0;
}

static int test_operations_queued_before_connect(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    struct aws_byte_cursor topic = fx_cur("queued/t");
    struct aws_byte_cursor payload = fx_cur("early");
    /* QoS 1 is queued while disconnected... */
    uint16_t id = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                                     fx_on_op_complete, &ev);
    CHECK(id != 0);
    /* (Through upstream's adapter the statistics are the MQTT 5 client's, counted on its loop
     * and in MQTT 5 packet sizes.) */
    if (!fx_via_adapter()) {
        struct aws_mqtt_connection_operation_statistics stats;
        CHECK_INT_EQ(aws_mqtt_client_connection_get_stats(c, &stats), AWS_OP_SUCCESS);
        CHECK_INT_EQ(stats.incomplete_operation_count, 1);
        CHECK_INT_EQ(stats.incomplete_operation_size, 4 + 8 + 5);
        CHECK_INT_EQ(stats.unacked_operation_count, 0);
    }
    /* ...and sent once a connection with clean_session=false is accepted. */
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_broker.port, "fx-queued", &ev);
    options.clean_session = false;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_WAIT(&ev, fx_op_count_locked(&ev, id) == 1, 5000);
    CHECK_INT_EQ(fx_op_error_locked(&ev, id), AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx_log_wait_count(&s_broker,
                                   FX_FRAGMENTS("\"client_id\":\"fx-queued\"", "\"dir\":\"in\"",
                                                "\"type\":\"PUBLISH\"", "\"topic\":\"queued/t\""),
                                   1, 2000),
                 1);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);

    /* A clean-session connect discards what was queued for the old session (the MQTT 5 client
     * behind upstream's adapter sends it in the new one). */
    fx_events_init(&ev);
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    id = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, fx_on_op_complete,
                                            &ev);
    CHECK(id != 0);
    options = fx_connect_options(&socket, s_broker.port, "fx-queued-clean", &ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, fx_op_count_locked(&ev, id) == 1, 5000);
    CHECK_INT_EQ(fx_op_error_locked(&ev, id),
                 FX_NATIVE_OR_ADAPTER(AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION, AWS_ERROR_SUCCESS));
    CHECK_WAIT(&ev, ev.complete == 1, 5000);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    CHECK_INT_EQ(fx_log_count(&s_broker, FX_FRAGMENTS("\"client_id\":\"fx-queued-clean\"", "\"type\":\"PUBLISH\"")),
                 FX_NATIVE_OR_ADAPTER(0, 1));
    fx_events_clean_up(&ev);
    return 0;
}

static int test_disconnect_and_release_from_inside_callbacks(void) {
    /* Disconnect inside on_connection_complete, release inside on_disconnect. */
    struct fx_events ev;
    fx_events_init(&ev);
    ev.disconnect_in_complete = true;
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_broker.port, "fx-inside", &ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    /* That disconnect passed no on_disconnect: on_closed tells it finished. */
    CHECK_WAIT(&ev, ev.complete == 1 && ev.closed == 1, 5000);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    fx_events_clean_up(&ev);

    fx_events_init(&ev);
    ev.release_in_on_disconnect = true;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, s_broker.port, "fx-inside-2"), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(c, fx_on_disconnect, &ev), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.disconnected == 1, 5000);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    fx_events_clean_up(&ev);

    /* Disconnect inside on_interrupted: no reconnect; on_disconnect and on_closed follow. */
    struct fx_broker hangup;
    CHECK_INT_EQ(fx_broker_start(&hangup, FX_FRAGMENTS("--hangup-on", "subscribe")), 0);
    fx_events_init(&ev);
    ev.disconnect_in_interrupted = true;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, hangup.port, "fx-inside-3"), 0);
    struct aws_byte_cursor filter = fx_cur("inside/#");
    CHECK(aws_mqtt_client_connection_subscribe(c, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, fx_on_publish, &ev, NULL, NULL,
                                               NULL) != 0);
    CHECK_WAIT(&ev, ev.interrupted == 1 && ev.closed == 1, 5000);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    CHECK_INT_EQ(ev.resumed, 0);
    CHECK_INT_EQ(fx_log_count(&hangup, FX_FRAGMENTS("\"type\":\"CONNECT\"")), 1);
    fx_events_clean_up(&ev);
    fx_broker_stop(&hangup);
    return 0;
}

/* Releasing the last reference while connected disconnects (the broker sees a DISCONNECT),
 * fails what is left (a clean session's unacked publish: AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION,
 * as for any disconnect), then terminates. (Upstream's
 * connection would hold itself alive, connected, with no way left to disconnect it.) */
static int test_release_while_connected(void) {
    struct fx_broker quiet;
    CHECK_INT_EQ(fx_broker_start(&quiet, FX_FRAGMENTS("--no-ack")), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(s_client, &c, &ev, quiet.port, "fx-release"), 0);
    struct aws_byte_cursor topic = fx_cur("release/t");
    uint16_t id = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, NULL,
                                                     fx_on_op_complete, &ev);
    CHECK(id != 0);
    CHECK_INT_EQ(fx_log_wait_count(&quiet, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\""), 1, 5000), 1);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    CHECK_INT_EQ(fx_op_count_locked(&ev, id), 1);
    /* (Upstream's adapter fails what it has in flight as it goes, before its client stops.) */
    CHECK_INT_EQ(fx_op_error_locked(&ev, id),
                 FX_NATIVE_OR_ADAPTER(AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION, AWS_ERROR_MQTT_CONNECTION_DESTROYED));
    /* (The MQTT 5 client behind upstream's adapter, released with it, closes without one.) */
    if (!fx_via_adapter()) {
        CHECK_INT_EQ(fx_log_wait_count(&quiet, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"DISCONNECT\""), 1, 5000),
                     1);
    }
    fx_events_clean_up(&ev);
    fx_broker_stop(&quiet);
    return 0;
}

/* What each connect/disconnect cycle uses. */
struct cycle_ctx {
    struct aws_mqtt_client_connection *connection;
    struct aws_mqtt_connection_options *options;
    struct fx_events *ev;
};

/* One connect, its completion, one disconnect, on_disconnect: the `i`th of each. */
static int s_connect_disconnect_cycle(void *ctx, int i) {
    struct cycle_ctx *cc = ctx;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(cc->connection, cc->options), AWS_OP_SUCCESS);
    CHECK_WAIT(cc->ev, cc->ev->complete == i, 5000);
    CHECK_INT_EQ(cc->ev->complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(cc->connection, fx_on_disconnect, cc->ev), AWS_OP_SUCCESS);
    CHECK_WAIT(cc->ev, cc->ev->disconnected == i, 5000);
    return 0;
}

static int test_a_thousand_connect_disconnect_cycles_keep_memory_flat(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_broker.port, "fx-cycles", &ev);
    struct cycle_ctx cycle = {.connection = c, .options = &options, .ev = &ev};
    CHECK_INT_EQ(fx_check_memory_flat(s_alloc, s_connect_disconnect_cycle, &cycle), 0);
    CHECK_INT_EQ(ev.interrupted, 0);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    fx_events_clean_up(&ev);
    return 0;
}

/* The README's older entry points: aws_mqtt_client_init/clean_up on a caller-owned struct over an
 * event-loop group, subscribe_single, ping, and connection_destroy. */
static int test_the_readme_entry_points(void) {
    struct aws_mqtt_client client;
    CHECK_INT_EQ(aws_mqtt_client_init(&client, s_alloc, s_io.group), AWS_OP_SUCCESS);
    CHECK(client.bootstrap != NULL);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(&client, &c, &ev, s_broker.port, "fx-readme"), 0);
    struct aws_byte_cursor filter = fx_cur("readme/#");
    uint16_t id = aws_mqtt_client_connection_subscribe_single(c, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, fx_on_publish,
                                                              &ev, fx_on_suback, &ev);
    CHECK(id != 0);
    CHECK_WAIT(&ev, ev.subacks == 1, 5000);
    /* (Through the view of an MQTT 5 client, which pings on its own, ping is unsupported.) */
    CHECK_INT_EQ(aws_mqtt_client_connection_ping(c), FX_NATIVE_OR_ADAPTER(AWS_OP_SUCCESS, AWS_OP_ERR));
    if (!fx_via_adapter()) {
        CHECK_INT_EQ(fx_log_wait_count(&s_broker, FX_FRAGMENTS("\"dir\":\"out\"", "\"type\":\"PINGRESP\""), 1, 5000),
                     1);
    }
    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(c, fx_on_disconnect, &ev), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.disconnected == 1, 5000);
    aws_mqtt_client_connection_destroy(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    fx_events_clean_up(&ev);
    aws_mqtt_client_clean_up(&client);
    /* A ping needs a connection: QoS 0 rules. */
    CHECK_FAILS_WITH(aws_mqtt_client_connection_ping(NULL), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);
    CHECK_INT_EQ(fx_broker_start(&s_broker, NULL), 0);

    RUN(test_null_and_invalid_arguments);
    RUN(test_calls_in_the_wrong_state);
    RUN(test_operations_queued_before_connect);
    RUN(test_disconnect_and_release_from_inside_callbacks);
    RUN(test_release_while_connected);
    RUN(test_a_thousand_connect_disconnect_cycles_keep_memory_flat);
    RUN(test_the_readme_entry_points);

    fx_broker_stop(&s_broker);
    aws_mqtt_client_release(s_client);
    return fx_suite_end(s_alloc, &s_io);
}

/* Misuse and the corners of the MQTT 5 client API: NULL arguments (AWS_ERROR_INVALID_ARGUMENT
 * where upstream would crash, as the README's "where we differ" says), operations before start
 * (the offline queue), release and stop from inside lifecycle, publish and completion callbacks
 * (the termination callback fires once), 1000 start/stop cycles with flat memory, get_stats
 * through queue, send and ack, and listeners. Server: the project's mqtt-test-broker. */
#include "mqtt5_fixture.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_broker s_broker;

static int test_null_arguments_are_refused(void) {
    CHECK_FAILS_WITH(aws_mqtt5_client_start(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt5_client_stop(NULL, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(aws_mqtt5_client_acquire(NULL) == NULL);
    CHECK(aws_mqtt5_client_release(NULL) == NULL);
    aws_mqtt5_client_get_stats(NULL, NULL); /* nothing to do, nothing to crash */
    struct aws_mqtt5_packet_publish_view view = {.qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .topic = fx_cur("t")};
    CHECK_INT_EQ(aws_mqtt5_client_acquire_publish_acknowledgement(NULL, &view), 0);
    CHECK_FAILS_WITH(aws_mqtt5_client_invoke_publish_acknowledgement(NULL, 1, NULL), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mqtt5_listener_new(s_alloc, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_mqtt5_listener_config no_client = {0};
    aws_reset_error();
    CHECK(aws_mqtt5_listener_new(s_alloc, &no_client) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(aws_mqtt5_listener_acquire(NULL) == NULL);
    CHECK(aws_mqtt5_listener_release(NULL) == NULL);

    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_broker.port, "fx5-null");
    struct aws_mqtt5_client *c = fx5_client_new(s_alloc, &cfg, &ev);
    CHECK(c != NULL);
    aws_mqtt5_client_get_stats(c, NULL);
    CHECK_INT_EQ(aws_mqtt5_client_acquire_publish_acknowledgement(c, NULL), 0);
    /* acquire/release pair up: one release left for the test. */
    CHECK(aws_mqtt5_client_acquire(c) == c);
    CHECK(aws_mqtt5_client_release(c) == NULL);
    /* Stopping a stopped client changes nothing. */
    CHECK_INT_EQ(aws_mqtt5_client_stop(c, NULL, NULL), AWS_OP_SUCCESS);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    CHECK_INT_EQ(ev.event_count, 0);
    fx5_events_clean_up(&ev);
    return 0;
}

static int test_operations_before_start_follow_the_offline_queue_policy(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_broker.port, "fx5-early");
    struct aws_mqtt5_client *c = fx5_client_new(s_alloc, &cfg, &ev);
    CHECK(c != NULL);
    /* The default policy (FAIL_QOS0_PUBLISH_ON_DISCONNECT) keeps QoS 1 and fails QoS 0. */
    struct fx5_op *q0 = fx5_publish(c, &ev, "fx5/early/q0", AWS_MQTT5_QOS_AT_MOST_ONCE, "zero");
    struct fx5_op *q1 = fx5_publish(c, &ev, "fx5/early/q1", AWS_MQTT5_QOS_AT_LEAST_ONCE, "one");
    CHECK(q0 != NULL && q1 != NULL);
    CHECK_WAIT(&ev, q0->completions == 1, 5000);
    CHECK_INT_EQ(q0->error_code, AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY);
    struct aws_mqtt5_client_operation_statistics stats;
    fx5_wait_incomplete(c, &stats, 1, 5000);
    /* Queued, not sent: incomplete, sized as upstream (whole packet, packet id not counted):
     * 1 + 1 + (2 + 12 topic + 1 properties + 3 payload). */
    CHECK_INT_EQ(stats.incomplete_operation_count, 1);
    CHECK_INT_EQ(stats.incomplete_operation_size, 20);
    CHECK_INT_EQ(stats.unacked_operation_count, 0);
    CHECK_INT_EQ(q1->completions, 0);
    CHECK_INT_EQ(fx5_start_and_wait(c, &ev), 0);
    CHECK_WAIT(&ev, q1->completions == 1, 10000);
    CHECK_INT_EQ(q1->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(q1->packet_type, AWS_MQTT5_PT_PUBACK);
    CHECK_INT_EQ(fx_log_wait_count(&s_broker, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic\":\"fx5/early/q1\""), 1, 2000), 1);
    CHECK_INT_EQ(fx_log_count(&s_broker, FX_FRAGMENTS("\"topic\":\"fx5/early/q0\"")), 0);
    aws_mqtt5_client_get_stats(c, &stats);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);
    CHECK_INT_EQ(stats.incomplete_operation_size, 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    return 0;
}

static int test_release_inside_a_lifecycle_callback_terminates_once(void) {
    const enum aws_mqtt5_client_lifecycle_event_type when[] = {AWS_MQTT5_CLET_ATTEMPTING_CONNECT,
                                                               AWS_MQTT5_CLET_CONNECTION_SUCCESS};
    for (int i = 0; i < 2; ++i) {
        struct fx5_events ev;
        struct fx5_config cfg;
        fx5_setup(&ev, &cfg, s_io.bootstrap, s_broker.port, "fx5-release-in-event");
        ev.release_on_event = 1 + (int)when[i];
        struct aws_mqtt5_client *c = NULL;
        CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
        /* The callback dropped the only reference: the client winds down by itself. */
        CHECK_WAIT(&ev, ev.terminated == 1, 10000);
        /* Every attempt and connection was closed off before the end (spec 1.6, 2.1). */
        aws_mutex_lock(&ev.lock);
        int attempts = fx5_count_locked(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT);
        int ends = fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) +
                   fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE);
        int successes = fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS);
        int disconnections = fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION);
        aws_mutex_unlock(&ev.lock);
        CHECK_INT_EQ(attempts, 1);
        CHECK_INT_EQ(ends, 1);
        CHECK_INT_EQ(disconnections, successes);
        CHECK_INT_EQ(ev.terminated, 1);
        fx5_events_clean_up(&ev);
    }
    return 0;
}

static int test_release_inside_publish_and_completion_callbacks_terminates_once(void) {
    for (int in_completion = 0; in_completion < 2; ++in_completion) {
        struct fx5_events ev;
        struct fx5_config cfg;
        fx5_setup(&ev, &cfg, s_io.bootstrap, s_broker.port, "fx5-release-in-callback");
        struct aws_mqtt5_client *c = NULL;
        CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
        CHECK_INT_EQ(fx5_subscribe(c, &ev, "fx5/release/t", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
        aws_mutex_lock(&ev.lock);
        ev.release_in_completion = in_completion;
        ev.release_in_publish = !in_completion;
        aws_mutex_unlock(&ev.lock);
        struct fx5_op *op = fx5_publish(c, &ev, "fx5/release/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "bye");
        CHECK(op != NULL);
        CHECK_WAIT(&ev, ev.terminated == 1, 10000);
        /* Nothing lost silently: the publish completed exactly once before the end. */
        CHECK_INT_EQ(op->completions, 1);
        CHECK(op->error_code == AWS_ERROR_SUCCESS || op->error_code == AWS_ERROR_MQTT5_USER_REQUESTED_STOP);
        CHECK_INT_EQ(fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION), 1);
        CHECK_INT_EQ(ev.terminated, 1);
        fx5_events_clean_up(&ev);
    }
    return 0;
}

static int test_stop_inside_a_callback_stops_and_the_client_starts_again(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_broker.port, "fx5-stop-in-event");
    ev.stop_on_event = 1 + (int)AWS_MQTT5_CLET_CONNECTION_SUCCESS;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_STOPPED) == 1, 10000);
    CHECK_INT_EQ(FX5_SEQUENCE(&ev, AWS_MQTT5_CLET_ATTEMPTING_CONNECT, AWS_MQTT5_CLET_CONNECTION_SUCCESS,
                              AWS_MQTT5_CLET_DISCONNECTION, AWS_MQTT5_CLET_STOPPED),
                 0);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code, AWS_ERROR_MQTT5_USER_REQUESTED_STOP);
    CHECK_INT_EQ(fx5_start_and_wait(c, &ev), 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    return 0;
}

/* One start, CONNECTION_SUCCESS, stop, STOPPED: the `i`th of each. */
static int s_start_stop_cycle(void *ctx, int i) {
    struct fx5_events *ev = ctx;
    CHECK_INT_EQ(aws_mqtt5_client_start(ev->client), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == i, 5000);
    CHECK_INT_EQ(aws_mqtt5_client_stop(ev->client, NULL, NULL), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_STOPPED) == i, 5000);
    return 0;
}

static int test_a_thousand_start_stop_cycles_keep_memory_flat(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_broker.port, "fx5-cycles");
    struct aws_mqtt5_client *c = fx5_client_new(s_alloc, &cfg, &ev);
    CHECK(c != NULL);
    CHECK_INT_EQ(fx_check_memory_flat(s_alloc, s_start_stop_cycle, &ev), 0);
    CHECK_INT_EQ(fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE), 0);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    fx5_events_clean_up(&ev);
    return 0;
}

static int test_get_stats_follow_operations_from_queue_to_ack(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--ack-delay-ms", "1500")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-stats");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    struct aws_mqtt5_client_operation_statistics stats;
    aws_mqtt5_client_get_stats(c, &stats);
    CHECK_INT_EQ(stats.incomplete_operation_count + stats.unacked_operation_count, 0);

    /* PUBLISH 1 + 1 + (2 + 11 + 1 + 3) = 19 (no packet id, as upstream); SUBSCRIBE
     * 1 + 1 + (2 + 1 + 2 + 11 + 1) = 19; UNSUBSCRIBE 1 + 1 + (2 + 1 + 2 + 11) = 18. */
    struct fx5_op *pub = fx5_publish(c, &ev, "fx5/stats/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "abc");
    struct fx5_op *sub = fx5_subscribe_async(c, &ev, "fx5/stats/#", AWS_MQTT5_QOS_AT_LEAST_ONCE);
    struct fx5_op *unsub = fx5_unsubscribe_async(c, &ev, "fx5/stats/#");
    CHECK(pub && sub && unsub);
    /* All three sent and held by the broker for 1.5 s: incomplete and unacked. */
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"UNSUBSCRIBE\""), 1, 1000), 1);
    aws_mqtt5_client_get_stats(c, &stats);
    CHECK_INT_EQ(stats.incomplete_operation_count, 3);
    CHECK_INT_EQ(stats.incomplete_operation_size, 19 + 19 + 18);
    CHECK_INT_EQ(stats.unacked_operation_count, 3);
    CHECK_INT_EQ(stats.unacked_operation_size, 19 + 19 + 18);
    /* The acks arrive in order: as each completes, its share leaves both counters. */
    CHECK_WAIT(&ev, pub->completions == 1, 5000);
    aws_mqtt5_client_get_stats(c, &stats);
    CHECK(stats.unacked_operation_count <= 2);
    CHECK(stats.unacked_operation_size <= 19 + 18);
    CHECK(stats.unacked_operation_count <= stats.incomplete_operation_count);
    CHECK_WAIT(&ev, sub->completions == 1 && unsub->completions == 1, 5000);
    aws_mqtt5_client_get_stats(c, &stats);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);
    CHECK_INT_EQ(stats.incomplete_operation_size, 0);
    CHECK_INT_EQ(stats.unacked_operation_count, 0);
    CHECK_INT_EQ(stats.unacked_operation_size, 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

/* The listener's side: its own record, plus what the client's record held when it was asked. */
struct listener_ctx {
    struct fx5_events events;      /* the listener's lifecycle events and publishes */
    struct fx5_events *client_ev;  /* the client's own handler's record */
    int client_had_it_first;       /* publishes the client saw before the listener did */
    int terminated;
};

static bool s_listener_on_publish(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    struct listener_ctx *ctx = user_data;
    char topic[FX_TEXT];
    fx_copy_text(topic, &publish->topic);
    aws_mutex_lock(&ctx->client_ev->lock);
    int client_saw = fx5_received_locked(ctx->client_ev, topic);
    aws_mutex_unlock(&ctx->client_ev->lock);
    aws_mutex_lock(&ctx->events.lock);
    fx5_record_publish(&ctx->events, publish, 1);
    ctx->client_had_it_first += client_saw > 0;
    aws_condition_variable_notify_all(&ctx->events.signal);
    aws_mutex_unlock(&ctx->events.lock);
    /* Claim what is meant for the listener: the client's handler must not see it. */
    return strstr(topic, "/claimed") != NULL;
}

static void s_listener_on_termination(void *user_data) {
    struct listener_ctx *ctx = user_data;
    aws_mutex_lock(&ctx->events.lock);
    ctx->terminated += 1;
    aws_condition_variable_notify_all(&ctx->events.signal);
    aws_mutex_unlock(&ctx->events.lock);
}

static int test_a_listener_sees_publishes_first_claims_some_and_sees_lifecycle_events(void) {
    struct fx5_events ev;
    fx5_events_init(&ev);
    struct listener_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    fx5_events_init(&ctx.events);
    ctx.client_ev = &ev;
    struct fx5_config cfg;
    fx5_config_init(&cfg, s_io.bootstrap, s_broker.port, "fx5-listener", &ev);
    struct aws_mqtt5_client *c = fx5_client_new(s_alloc, &cfg, &ev);
    CHECK(c != NULL);
    struct aws_mqtt5_listener_config config = {
        .client = c,
        .listener_callbacks =
            {
                .listener_publish_received_handler = s_listener_on_publish,
                .listener_publish_received_handler_user_data = &ctx,
                .lifecycle_event_handler = fx5_on_lifecycle,
                .lifecycle_event_handler_user_data = &ctx.events,
            },
        .termination_callback = s_listener_on_termination,
        .termination_callback_user_data = &ctx,
    };
    struct aws_mqtt5_listener *listener = aws_mqtt5_listener_new(s_alloc, &config);
    CHECK(listener != NULL);
    CHECK_INT_EQ(fx5_start_and_wait(c, &ev), 0);
    /* Listeners get every lifecycle event too (spec 2.3). */
    CHECK_WAIT(&ctx.events, fx5_count_locked(&ctx.events, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 1, 5000);
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "fx5/listen/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    struct fx5_op *claimed = fx5_publish(c, &ev, "fx5/listen/claimed", AWS_MQTT5_QOS_AT_LEAST_ONCE, "mine");
    struct fx5_op *open = fx5_publish(c, &ev, "fx5/listen/open", AWS_MQTT5_QOS_AT_LEAST_ONCE, "shared");
    CHECK(claimed && open);
    CHECK_WAIT(&ev, fx5_received_locked(&ev, "fx5/listen/open") == 1, 10000);
    CHECK_WAIT(&ctx.events,
               fx5_received_locked(&ctx.events, "fx5/listen/claimed") == 1 &&
                   fx5_received_locked(&ctx.events, "fx5/listen/open") == 1,
               10000);
    aws_mutex_lock(&ev.lock);
    int client_claimed = fx5_received_locked(&ev, "fx5/listen/claimed");
    aws_mutex_unlock(&ev.lock);
    CHECK_INT_EQ(client_claimed, 0);
    CHECK_INT_EQ(ctx.client_had_it_first, 0);
    /* A claimed QoS 1 PUBLISH is still acknowledged. */
    CHECK_INT_EQ(fx_log_wait_count(&s_broker, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBACK\"", "fx5-listener"), 2,
                                   2000),
                 2);

    /* Releasing the listener removes it, then calls its termination callback once. */
    CHECK(aws_mqtt5_listener_release(listener) == NULL);
    CHECK_WAIT(&ctx.events, ctx.terminated == 1, 5000);
    struct fx5_op *again = fx5_publish(c, &ev, "fx5/listen/claimed", AWS_MQTT5_QOS_AT_LEAST_ONCE, "nobody claims");
    CHECK(again != NULL);
    CHECK_WAIT(&ev, fx5_received_locked(&ev, "fx5/listen/claimed") == 1, 10000);
    CHECK_INT_EQ(fx5_finish(c, &ev), 0);
    aws_mutex_lock(&ctx.events.lock);
    int listener_publishes = ctx.events.publish_count;
    int listener_stopped = fx5_count_locked(&ctx.events, AWS_MQTT5_CLET_STOPPED);
    aws_mutex_unlock(&ctx.events.lock);
    CHECK_INT_EQ(listener_publishes, 2);
    CHECK_INT_EQ(listener_stopped, 0);
    CHECK_INT_EQ(ctx.terminated, 1);
    fx5_events_clean_up(&ctx.events);
    fx5_events_clean_up(&ev);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx_broker_start(&s_broker, NULL), 0);

    RUN(test_null_arguments_are_refused);
    RUN(test_operations_before_start_follow_the_offline_queue_policy);
    RUN(test_release_inside_a_lifecycle_callback_terminates_once);
    RUN(test_release_inside_publish_and_completion_callbacks_terminates_once);
    RUN(test_stop_inside_a_callback_stops_and_the_client_starts_again);
    RUN(test_a_thousand_start_stop_cycles_keep_memory_flat);
    RUN(test_get_stats_follow_operations_from_queue_to_ack);
    RUN(test_a_listener_sees_publishes_first_claims_some_and_sees_lifecycle_events);

    fx_broker_stop(&s_broker);
    return fx_suite_end(s_alloc, &s_io);
}

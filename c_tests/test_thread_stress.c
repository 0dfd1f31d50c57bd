/* Threads against both clients at once (issue 20, item 4): for a bounded time (STRESS_SECONDS,
 * 3 by default; scripts/stress.sh runs it longer), four threads per client publish at QoS 0 and
 * 1, subscribe and unsubscribe, stop and start (MQTT 5) or disconnect and connect (3.1.1),
 * and take and drop references, while completion callbacks call back into the API (a QoS 1
 * completion publishes again, now and then). Against mosquitto on 127.0.0.1.
 *
 * Afterwards every operation that was accepted (a packet id, or AWS_OP_SUCCESS) must have
 * completed exactly once, whatever its outcome, and both clients must terminate: no deadlock
 * (every wait is bounded), no lost or doubled completion, and, under the sanitizer build, no
 * leak or data race the sanitizers see. */
#include "mqtt5_fixture.h"

#include <stdatomic.h>

#define THREADS 4
#define MAX_OPS 1000000

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;

/* One accepted operation: how often it completed. */
static atomic_int s_completions[MAX_OPS];
static atomic_int s_next_op;
static atomic_bool s_running;

struct stress {
    struct aws_mqtt5_client *client5;
    struct aws_mqtt_client_connection *connection;
    struct fx5_events *ev5;
    struct fx_events *ev311;
    int port;
    atomic_int accepted;
    atomic_int refused5;
    atomic_int refused311;
    unsigned seed;
};

static struct stress s_stress;

/* A slot for an operation about to be submitted, or -1 when the table is full (a long run
 * then goes on with stop/start and references only). */
static int s_new_op(void) {
    if (atomic_load(&s_next_op) >= MAX_OPS) {
        return -1;
    }
    int op = atomic_fetch_add(&s_next_op, 1);
    return op < MAX_OPS ? op : -1;
}

static void s_completed(void *user_data) {
    intptr_t op = (intptr_t)user_data;
    atomic_fetch_add(&s_completions[op], 1);
}

static void s_publish5(struct aws_mqtt5_client *client, enum aws_mqtt5_qos qos);

static void s_on_publish5_complete(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                                   void *user_data) {
    (void)packet_type;
    (void)packet;
    s_completed(user_data);
    /* Back into the API from the callback: a successful QoS 1 publish publishes again, now and
     * then, while the test runs. */
    if (error_code == AWS_ERROR_SUCCESS && atomic_load(&s_running) && ((intptr_t)user_data % 7) == 0) {
        s_publish5(s_stress.client5, AWS_MQTT5_QOS_AT_MOST_ONCE);
    }
}

static void s_on_subscribe5_complete(const struct aws_mqtt5_packet_suback_view *suback, int error_code,
                                     void *user_data) {
    (void)suback;
    (void)error_code;
    s_completed(user_data);
}

static void s_on_unsubscribe5_complete(const struct aws_mqtt5_packet_unsuback_view *unsuback, int error_code,
                                       void *user_data) {
    (void)unsuback;
    (void)error_code;
    s_completed(user_data);
}

static void s_publish5(struct aws_mqtt5_client *client, enum aws_mqtt5_qos qos) {
    int op = s_new_op();
    if (op < 0) {
        return;
    }
    char topic[64];
    snprintf(topic, sizeof(topic), "stress5/%d", op % 16);
    struct aws_mqtt5_packet_publish_view publish = {
        .topic = aws_byte_cursor_from_c_str(topic),
        .payload = aws_byte_cursor_from_c_str("payload"),
        .qos = qos,
    };
    struct aws_mqtt5_publish_completion_options completion = {
        .completion_callback = s_on_publish5_complete,
        .completion_user_data = (void *)(intptr_t)op,
    };
    if (aws_mqtt5_client_publish(client, &publish, &completion) == AWS_OP_SUCCESS) {
        atomic_fetch_add(&s_stress.accepted, 1);
    } else {
        atomic_fetch_add(&s_stress.refused5, 1);
        atomic_store(&s_completions[op], 1); /* refused at once: nothing will complete it */
    }
}

static void s_on_op311_complete(struct aws_mqtt_client_connection *connection, uint16_t packet_id, int error_code,
                                void *user_data) {
    (void)connection;
    (void)packet_id;
    (void)error_code;
    s_completed(user_data);
}

static void s_on_suback311(struct aws_mqtt_client_connection *connection, uint16_t packet_id,
                           const struct aws_byte_cursor *topic, enum aws_mqtt_qos qos, int error_code,
                           void *user_data) {
    (void)connection;
    (void)packet_id;
    (void)topic;
    (void)qos;
    (void)error_code;
    s_completed(user_data);
}

static void s_on_publish311(struct aws_mqtt_client_connection *connection, const struct aws_byte_cursor *topic,
                            const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                            void *user_data) {
    (void)connection;
    (void)topic;
    (void)payload;
    (void)dup;
    (void)qos;
    (void)retain;
    (void)user_data;
}

/* Accepted (a packet id): counted; refused: its slot is marked done. */
static void s_accepted311(int op, uint16_t id) {
    if (id != 0) {
        atomic_fetch_add(&s_stress.accepted, 1);
    } else {
        atomic_fetch_add(&s_stress.refused311, 1);
        atomic_store(&s_completions[op], 1);
    }
}

static void s_step311(struct aws_mqtt_client_connection *c, unsigned *seed, int port) {
    int op = s_new_op();
    if (op < 0) {
        return;
    }
    char topic[64];
    snprintf(topic, sizeof(topic), "stress311/%d", op % 16);
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str(topic);
    struct aws_byte_cursor payload = aws_byte_cursor_from_c_str("payload");
    void *ud = (void *)(intptr_t)op;
    switch (rand_r(seed) % 12) {
        case 0:
            s_accepted311(op, aws_mqtt_client_connection_subscribe(c, &cursor, AWS_MQTT_QOS_AT_LEAST_ONCE,
                                                                   s_on_publish311, NULL, NULL, s_on_suback311, ud));
            break;
        case 1:
            s_accepted311(op, aws_mqtt_client_connection_unsubscribe(c, &cursor, s_on_op311_complete, ud));
            break;
        case 2: {
            /* Disconnect (the operation slot is not used), then connect again. */
            atomic_store(&s_completions[op], 1);
            aws_mqtt_client_connection_disconnect(c, NULL, NULL);
            struct aws_socket_options socket;
            struct aws_mqtt_connection_options options = fx_connect_options(&socket, port, "stress311", NULL);
            options.on_connection_complete = NULL;
            options.clean_session = false;
            aws_mqtt_client_connection_connect(c, &options);
            break;
        }
        case 3:
            atomic_store(&s_completions[op], 1);
            aws_mqtt_client_connection_release(aws_mqtt_client_connection_acquire(c));
            break;
        default:
            s_accepted311(op, aws_mqtt_client_connection_publish(c, &cursor,
                                                                 (enum aws_mqtt_qos)(rand_r(seed) % 2), false,
                                                                 &payload, s_on_op311_complete, ud));
            break;
    }
}

static void s_step5(struct aws_mqtt5_client *c, unsigned *seed) {
    switch (rand_r(seed) % 12) {
        case 0:
        case 1: {
            int op = s_new_op();
            if (op < 0) {
                return;
            }
            char filter[64];
            snprintf(filter, sizeof(filter), "stress5/%d", op % 16);
            struct aws_mqtt5_subscription_view subscription = {
                .topic_filter = aws_byte_cursor_from_c_str(filter),
                .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
            };
            void *ud = (void *)(intptr_t)op;
            int result;
            if (rand_r(seed) % 2) {
                struct aws_mqtt5_packet_subscribe_view subscribe = {.subscriptions = &subscription,
                                                                    .subscription_count = 1};
                struct aws_mqtt5_subscribe_completion_options done = {.completion_callback = s_on_subscribe5_complete,
                                                                      .completion_user_data = ud};
                result = aws_mqtt5_client_subscribe(c, &subscribe, &done);
            } else {
                struct aws_mqtt5_packet_unsubscribe_view unsubscribe = {.topic_filters = &subscription.topic_filter,
                                                                        .topic_filter_count = 1};
                struct aws_mqtt5_unsubscribe_completion_options done = {
                    .completion_callback = s_on_unsubscribe5_complete, .completion_user_data = ud};
                result = aws_mqtt5_client_unsubscribe(c, &unsubscribe, &done);
            }
            if (result == AWS_OP_SUCCESS) {
                atomic_fetch_add(&s_stress.accepted, 1);
            } else {
                atomic_store(&s_completions[op], 1);
            }
            break;
        }
        case 2:
            aws_mqtt5_client_stop(c, NULL, NULL);
            aws_mqtt5_client_start(c);
            break;
        case 3:
            aws_mqtt5_client_release(aws_mqtt5_client_acquire(c));
            break;
        default:
            s_publish5(c, (enum aws_mqtt5_qos)(rand_r(seed) % 2));
            break;
    }
}

struct worker {
    pthread_t thread;
    unsigned seed;
    bool mqtt5;
};

static void *s_work(void *arg) {
    struct worker *w = arg;
    /* Each thread holds its own reference, dropped concurrently with the others at the end. */
    struct aws_mqtt5_client *c5 = w->mqtt5 ? aws_mqtt5_client_acquire(s_stress.client5) : NULL;
    struct aws_mqtt_client_connection *c311 = w->mqtt5 ? NULL : aws_mqtt_client_connection_acquire(s_stress.connection);
    while (atomic_load(&s_running)) {
        if (c5) {
            s_step5(c5, &w->seed);
        } else {
            s_step311(c311, &w->seed, s_stress.port);
        }
    }
    if (c5) {
        aws_mqtt5_client_release(c5);
    } else {
        aws_mqtt_client_connection_release(c311);
    }
    return NULL;
}

static int test_threads_against_both_clients(void) {
    int seconds = getenv("STRESS_SECONDS") ? atoi(getenv("STRESS_SECONDS")) : 3;
    struct fx5_events ev5;
    struct fx5_config cfg;
    fx5_setup(&ev5, &cfg, s_io.bootstrap, s_mosquitto.port, "stress5");
    cfg.options.offline_queue_behavior = AWS_MQTT5_COQBT_FAIL_QOS0_PUBLISH_ON_DISCONNECT;
    struct aws_mqtt5_client *client5 = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev5, &client5), 0);
    struct aws_mqtt_client *mqtt = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    struct fx_events ev311;
    fx_events_init(&ev311);
    struct aws_mqtt_client_connection *connection = NULL;
    CHECK_INT_EQ(fx_connect(mqtt, &connection, &ev311, s_mosquitto.port, "stress311"), 0);
    s_stress.client5 = client5;
    s_stress.connection = connection;
    s_stress.port = s_mosquitto.port;
    atomic_store(&s_running, true);

    struct worker workers[2 * THREADS];
    for (int i = 0; i < 2 * THREADS; ++i) {
        workers[i].seed = (unsigned)(1234 + i);
        workers[i].mqtt5 = i < THREADS;
        CHECK_INT_EQ(pthread_create(&workers[i].thread, NULL, s_work, &workers[i]), 0);
    }
    fx_sleep_ms(seconds * 1000);
    atomic_store(&s_running, false);
    for (int i = 0; i < 2 * THREADS; ++i) {
        CHECK_INT_EQ(pthread_join(workers[i].thread, NULL), 0);
    }

    /* The end: the clients stop and go; everything they still hold completes (with an error). */
    int terminated = ev311.terminated;
    aws_mqtt_client_connection_disconnect(connection, NULL, NULL);
    aws_mqtt_client_connection_release(connection);
    CHECK_WAIT(&ev311, ev311.terminated > terminated, 20000);
    CHECK_INT_EQ(fx5_finish(client5, &ev5), 0);
    aws_mqtt_client_release(mqtt);

    int ops = atomic_load(&s_next_op);
    if (ops > MAX_OPS) {
        ops = MAX_OPS;
    }
    int lost = 0, doubled = 0;
    for (int i = 0; i < ops; ++i) {
        int n = atomic_load(&s_completions[i]);
        lost += n == 0;
        doubled += n > 1;
    }
    printf("stress: %d s, %d operations submitted, %d accepted (refused: %d MQTT 5, %d 3.1.1), %d lost, %d "
           "completed twice\n",
           seconds, ops, atomic_load(&s_stress.accepted), atomic_load(&s_stress.refused5),
           atomic_load(&s_stress.refused311), lost, doubled);
    CHECK(ops > 1000);
    CHECK_INT_EQ(lost, 0);
    CHECK_INT_EQ(doubled, 0);
    fx5_events_clean_up(&ev5);
    fx_events_clean_up(&ev311);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx5_mosquitto_start(&s_mosquitto, false), 0);
    RUN(test_threads_against_both_clients);
    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}

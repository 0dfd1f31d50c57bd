/* Beyond upstream (aws/mqtt/ext/queue_limits.h): bounded queues for both clients. Offline, past
 * the limit, a new publish is refused, or the oldest queued ones are dropped, each completing
 * with AWS_ERROR_MQTT_QUEUE_FULL; what is left goes out once connected (mosquitto); statistics
 * count what went; and memory stays bounded however much is published while offline. */

#include "mqtt5_fixture.h"

#include <aws/mqtt/ext/queue_limits.h>

#include <stdatomic.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;
static struct aws_mqtt_client *s_client;

/* Publishes `count` QoS 1 messages through the (not yet started) MQTT 5 client under `limits`,
 * then starts it: the completions and the statistics are left in `ev` and `stats`. */
static int s_mqtt5_offline_burst(enum aws_mqtt_ext_queue_full_behavior when_full, struct fx5_events *ev,
                                 struct fx5_op **ops, int count, struct aws_mqtt_ext_queue_statistics *stats) {
    struct fx5_config c;
    fx5_setup(ev, &c, s_io.bootstrap, s_mosquitto.port, "ext-queue-5");
    struct aws_mqtt5_client *client = fx5_client_new(s_alloc, &c, ev);
    CHECK(client != NULL);
    struct aws_mqtt_ext_queue_limits limits = {.max_operations = 10, .when_full = when_full};
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_queue_limits(client, &limits), AWS_OP_SUCCESS);
    for (int i = 0; i < count; ++i) {
        ops[i] = fx5_publish(client, ev, "ext/queue", AWS_MQTT5_QOS_AT_LEAST_ONCE, "x");
        CHECK(ops[i] != NULL);
    }
    CHECK_INT_EQ(fx5_start_and_wait(client, ev), 0);
    for (int i = 0; i < count; ++i) {
        CHECK_WAIT(ev, ops[i]->completions == 1, 10000);
    }
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_get_queue_statistics(client, stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(fx5_finish_and_clean_up(client, ev), 0);
    return 0;
}

static int test_mqtt5_refuses_past_the_limit(void) {
    struct fx5_events ev;
    struct fx5_op *ops[25];
    struct aws_mqtt_ext_queue_statistics stats;
    CHECK_INT_EQ(s_mqtt5_offline_burst(AWS_MQTT_EXT_QFB_REFUSE, &ev, ops, 25, &stats), 0);
    for (int i = 0; i < 25; ++i) {
        CHECK_INT_EQ(ops[i]->error_code, i < 10 ? AWS_ERROR_SUCCESS : AWS_ERROR_MQTT_QUEUE_FULL);
    }
    CHECK_INT_EQ(stats.refused_operation_count, 15);
    CHECK_INT_EQ(stats.dropped_operation_count, 0);
    return 0;
}

static int test_mqtt5_drops_the_oldest(void) {
    struct fx5_events ev;
    struct fx5_op *ops[25];
    struct aws_mqtt_ext_queue_statistics stats;
    CHECK_INT_EQ(s_mqtt5_offline_burst(AWS_MQTT_EXT_QFB_DROP_OLDEST, &ev, ops, 25, &stats), 0);
    for (int i = 0; i < 25; ++i) {
        CHECK_INT_EQ(ops[i]->error_code, i < 15 ? AWS_ERROR_MQTT_QUEUE_FULL : AWS_ERROR_SUCCESS);
    }
    CHECK_INT_EQ(stats.dropped_operation_count, 15);
    CHECK_INT_EQ(stats.refused_operation_count, 0);
    return 0;
}

/* The 3.1.1 connection: 25 QoS 1 publishes offline under a limit of 10, dropping the oldest. */
static int test_mqtt311_drops_the_oldest_then_sends_the_rest(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    struct aws_mqtt_ext_queue_limits limits = {.max_operations = 10, .when_full = AWS_MQTT_EXT_QFB_DROP_OLDEST};
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_set_queue_limits(c, &limits), AWS_OP_SUCCESS);
    struct aws_byte_cursor topic = fx_cur("ext/queue311");
    struct aws_byte_cursor payload = fx_cur("x");
    uint16_t ids[25];
    for (int i = 0; i < 25; ++i) {
        ids[i] = aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                                    fx_on_op_complete, &ev);
        CHECK(ids[i] != 0);
    }
    CHECK_WAIT(&ev, ev.ops >= 15, 10000);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_mosquitto.port, "ext-queue-311", &ev);
    options.clean_session = false; /* a clean session would cancel what is queued */
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.ops == 25, 10000);
    for (int i = 0; i < 25; ++i) {
        CHECK_INT_EQ(fx_op_error_locked(&ev, ids[i]), i < 15 ? AWS_ERROR_MQTT_QUEUE_FULL : AWS_ERROR_SUCCESS);
    }
    struct aws_mqtt_ext_queue_statistics stats;
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_get_queue_statistics(c, &stats), AWS_OP_SUCCESS);
    CHECK_INT_EQ(stats.dropped_operation_count, 15);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

static void s_count_completion(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                               void *user_data) {
    (void)packet_type;
    (void)packet;
    (void)error_code;
    atomic_fetch_add((atomic_int *)user_data, 1);
}

/* 100,000 offline publishes of 1 KiB under a limit of 100 keep the heap within a few hundred
 * KiB (without the limit they would hold over 100 MB). */
static int test_memory_stays_bounded_at_the_limit(void) {
    struct fx5_events ev;
    struct fx5_config c;
    fx5_setup(&ev, &c, s_io.bootstrap, s_mosquitto.port, "ext-queue-memory");
    struct aws_mqtt5_client *client = fx5_client_new(s_alloc, &c, &ev);
    CHECK(client != NULL);
    struct aws_mqtt_ext_queue_limits limits = {.max_operations = 100, .when_full = AWS_MQTT_EXT_QFB_DROP_OLDEST};
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_queue_limits(client, &limits), AWS_OP_SUCCESS);
    static char kib[1024];
    memset(kib, 'm', sizeof(kib));
    atomic_int done = 0;
    size_t heap_before = mallinfo2().uordblks;
    size_t heap_peak = heap_before;
    const int total = 100000;
    for (int i = 0; i < total; ++i) {
        struct aws_mqtt5_packet_publish_view publish = {
            .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
            .topic = fx_cur("ext/memory"),
            .payload = aws_byte_cursor_from_array(kib, sizeof(kib)),
        };
        struct aws_mqtt5_publish_completion_options completion = {
            .completion_callback = s_count_completion,
            .completion_user_data = &done,
        };
        CHECK_INT_EQ(aws_mqtt5_client_publish(client, &publish, &completion), AWS_OP_SUCCESS);
        /* The API queues faster than the loop drops: let it keep up every 1,000. */
        if (i % 1000 == 999) {
            uint64_t deadline = fx_now_ns() + 10000000000ULL;
            while (atomic_load(&done) < i + 1 - 100) {
                CHECK(fx_now_ns() < deadline);
                fx_sleep_ms(1);
            }
            size_t heap = mallinfo2().uordblks;
            heap_peak = heap > heap_peak ? heap : heap_peak;
        }
    }
    size_t growth = heap_peak - heap_before;
    printf("heap growth over %d offline 1 KiB publishes under a limit of 100: %zu KiB\n", total, growth / 1024);
    CHECK(growth < 4 * 1024 * 1024);
    struct aws_mqtt_ext_queue_statistics stats;
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_get_queue_statistics(client, &stats), AWS_OP_SUCCESS);
    CHECK(stats.dropped_operation_count >= (uint64_t)(total - 200));
    CHECK_INT_EQ(fx5_release_and_wait(client, &ev), 0);
    CHECK_INT_EQ(atomic_load(&done), total);
    fx5_events_clean_up(&ev);
    return 0;
}

/* A client that keeps one publish in flight still delivers a burst, each completing once with
 * its PUBACK; the limit itself is pinned by the engine's tests. */
static int test_mqtt5_in_flight_limit(void) {
    struct fx5_events ev;
    struct fx5_config c;
    fx5_setup(&ev, &c, s_io.bootstrap, s_mosquitto.port, "ext-inflight-5");
    struct aws_mqtt5_client *client = fx5_client_new(s_alloc, &c, &ev);
    CHECK(client != NULL);
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_max_inflight(client, 1), AWS_OP_SUCCESS);
    CHECK_INT_EQ(fx5_start_and_wait(client, &ev), 0);
    struct fx5_op *ops[200];
    for (int i = 0; i < 200; ++i) {
        ops[i] = fx5_publish(client, &ev, "ext/inflight", AWS_MQTT5_QOS_AT_LEAST_ONCE, "x");
        CHECK(ops[i] != NULL);
    }
    for (int i = 0; i < 200; ++i) {
        CHECK_WAIT(&ev, ops[i]->completions == 1, 10000);
        CHECK_INT_EQ(ops[i]->error_code, AWS_ERROR_SUCCESS);
    }
    CHECK_INT_EQ(fx5_finish_and_clean_up(client, &ev), 0);
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_max_inflight(NULL, 1), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_bad_arguments(void) {
    struct aws_mqtt_ext_queue_limits bad = {.max_operations = 1, .when_full = (enum aws_mqtt_ext_queue_full_behavior)9};
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_queue_limits(NULL, &bad), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_mqtt_client_connection *c = aws_mqtt_client_connection_new(s_client);
    CHECK(c != NULL);
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_set_queue_limits(c, &bad), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_set_queue_limits(c, NULL), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_get_queue_statistics(c, NULL), AWS_OP_ERR);
    aws_mqtt_client_connection_release(c);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx5_mosquitto_start(&s_mosquitto, false), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);

    RUN(test_mqtt5_refuses_past_the_limit);
    RUN(test_mqtt5_drops_the_oldest);
    RUN(test_mqtt311_drops_the_oldest_then_sends_the_rest);
    RUN(test_memory_stays_bounded_at_the_limit);
    RUN(test_mqtt5_in_flight_limit);
    RUN(test_bad_arguments);

    aws_mqtt_client_release(s_client);
    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}

/* This project's MQTT 3.1.1 client (aws/mqtt/client.h) under the benchmark of bench_common.h.
 *
 * One event loop (aws_event_loop_group_new_default with one thread), a default host resolver and
 * a client bootstrap; plain TCP with TCP_NODELAY (aws_socket_options.tcp_nodelay, as libmosquitto
 * gets MOSQ_OPT_TCP_NODELAY), clean session. The main thread calls
 * aws_mqtt_client_connection_publish; its on_complete callback (on the event-loop thread) is the
 * completion: for QoS 0 the message written, for QoS 1 the PUBACK. The client keeps no inflight
 * limit of its own beyond the 65,535 packet identifiers, so the benchmark's window is 65535: a
 * publish refused with AWS_ERROR_MQTT_QUEUE_FULL (every identifier taken) waits for the next
 * completion and is tried again (counted on stderr).
 *
 * The topic and payload of a publish stay untouched until it completes: throughput publishes
 * one constant buffer, latency stamps the next slot of a ring of 64 buffers. */
#include "bench_common.h"

#include <aws/common/allocator.h>
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/socket.h>
#include <aws/mqtt/client.h>
#include <aws/mqtt/mqtt.h>

#define LIB "aws"
#define RING 64

static struct bench_window s_win;
static struct bench_latency s_lat;
static atomic_int s_connected;  /* 1 connected, -1 failed */
static atomic_int s_subscribed; /* 1 granted, -1 failed */
static atomic_int s_disconnected;
static atomic_long s_queue_full;

static void on_connection_complete(struct aws_mqtt_client_connection *c, int error_code,
                                   enum aws_mqtt_connect_return_code rc, bool session_present, void *ud) {
    (void)c;
    (void)session_present;
    (void)ud;
    if (error_code != 0 || rc != AWS_MQTT_CONNECT_ACCEPTED) {
        fprintf(stderr, "connect failed: %s, return code %d\n", aws_error_name(error_code), (int)rc);
    }
    atomic_store(&s_connected, error_code == 0 && rc == AWS_MQTT_CONNECT_ACCEPTED ? 1 : -1);
}

static void on_publish_complete(struct aws_mqtt_client_connection *c, uint16_t packet_id, int error_code,
                                void *ud) {
    (void)c;
    (void)packet_id;
    (void)ud;
    bench_window_complete(&s_win, error_code == 0);
}

static void on_suback(struct aws_mqtt_client_connection *c, uint16_t packet_id, const struct aws_byte_cursor *topic,
                      enum aws_mqtt_qos qos, int error_code, void *ud) {
    (void)c;
    (void)packet_id;
    (void)topic;
    (void)ud;
    atomic_store(&s_subscribed, error_code == 0 && qos != AWS_MQTT_QOS_FAILURE ? 1 : -1);
}

static void on_message(struct aws_mqtt_client_connection *c, const struct aws_byte_cursor *topic,
                       const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                       void *ud) {
    (void)c;
    (void)topic;
    (void)dup;
    (void)qos;
    (void)retain;
    (void)ud;
    bench_latency_received(&s_lat, payload->ptr, payload->len);
}

static void on_disconnect(struct aws_mqtt_client_connection *c, void *ud) {
    (void)c;
    (void)ud;
    atomic_store(&s_disconnected, 1);
}

static void wait_flag(atomic_int *flag, const char *what) {
    uint64_t deadline = bench_now_ns() + 10000000000ull;
    while (atomic_load(flag) == 0) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
        if (bench_now_ns() > deadline) {
            bench_fail(LIB, what);
        }
    }
    if (atomic_load(flag) < 0) {
        bench_fail(LIB, what);
    }
}

/* Publishes, waiting out AWS_ERROR_MQTT_QUEUE_FULL. */
static void publish(struct aws_mqtt_client_connection *conn, const struct aws_byte_cursor *topic,
                    enum aws_mqtt_qos qos, const struct aws_byte_cursor *payload, aws_mqtt_op_complete_fn *done) {
    uint64_t stuck = 0;
    for (;;) {
        uint16_t id = aws_mqtt_client_connection_publish(conn, topic, qos, false, payload, done, NULL);
        if (id != 0) {
            return;
        }
        int err = aws_last_error();
        if (err != AWS_ERROR_MQTT_QUEUE_FULL) {
            fprintf(stderr, "publish: %s\n", aws_error_name(err));
            bench_fail(LIB, "aws_mqtt_client_connection_publish");
        }
        atomic_fetch_add(&s_queue_full, 1);
        if (bench_window_backoff(&s_win, &stuck) != 0) {
            bench_fail(LIB, "publish refused with AWS_ERROR_MQTT_QUEUE_FULL for 30 s");
        }
    }
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);
    struct aws_allocator *alloc = aws_default_allocator();
    aws_mqtt_library_init(alloc);

    struct aws_event_loop_group *elg = aws_event_loop_group_new_default(alloc, 1, NULL);
    struct aws_host_resolver_default_options ro = {.max_entries = 8, .el_group = elg};
    struct aws_host_resolver *resolver = aws_host_resolver_new_default(alloc, &ro);
    struct aws_client_bootstrap_options bo = {.event_loop_group = elg, .host_resolver = resolver};
    struct aws_client_bootstrap *bootstrap = aws_client_bootstrap_new(alloc, &bo);
    if (!elg || !resolver || !bootstrap) {
        bench_fail(LIB, "event loop group / host resolver / bootstrap");
    }
    struct aws_mqtt_client *client = aws_mqtt_client_new(alloc, bootstrap);
    struct aws_mqtt_client_connection *conn = client ? aws_mqtt_client_connection_new(client) : NULL;
    if (!conn) {
        bench_fail(LIB, "aws_mqtt_client_new / aws_mqtt_client_connection_new");
    }
    if (o.mode == BENCH_LATENCY) {
        bench_latency_init(&s_lat, o.count);
    }

    char id[64];
    snprintf(id, sizeof(id), "bench-aws-%d", (int)getpid());
    struct aws_socket_options so = {
        .type = AWS_SOCKET_STREAM,
        .domain = AWS_SOCKET_IPV4,
        .connect_timeout_ms = 3000,
        .tcp_nodelay = AWS_SOCKET_TCP_NODELAY_ON, /* as MOSQ_OPT_TCP_NODELAY for libmosquitto */
    };
    struct aws_mqtt_connection_options co = {
        .host_name = aws_byte_cursor_from_c_str(o.host),
        .port = (uint32_t)o.port,
        .socket_options = &so,
        .client_id = aws_byte_cursor_from_c_str(id),
        .keep_alive_time_secs = 60,
        .ping_timeout_ms = 3000,
        .protocol_operation_timeout_ms = 0,
        .on_connection_complete = on_connection_complete,
        .clean_session = true,
    };
    if (aws_mqtt_client_connection_connect(conn, &co) != AWS_OP_SUCCESS) {
        fprintf(stderr, "connect: %s\n", aws_error_name(aws_last_error()));
        bench_fail(LIB, "aws_mqtt_client_connection_connect");
    }
    wait_flag(&s_connected, "connect");

    struct aws_byte_cursor topic = aws_byte_cursor_from_c_str(BENCH_TOPIC);
    enum aws_mqtt_qos qos = o.qos ? AWS_MQTT_QOS_AT_LEAST_ONCE : AWS_MQTT_QOS_AT_MOST_ONCE;
    bench_window_init(&s_win, o.window);

    if (o.mode == BENCH_THROUGHPUT) {
        uint8_t *payload = malloc(o.payload);
        memset(payload, 'x', o.payload);
        struct aws_byte_cursor pc = aws_byte_cursor_from_array(payload, o.payload);
        double cpu0 = bench_cpu_s();
        uint64_t t0 = bench_now_ns();
        for (long i = 0; i < o.count; i++) {
            if (bench_window_acquire(&s_win) != 0) {
                bench_fail(LIB, "no completion for 30 s");
            }
            publish(conn, &topic, qos, &pc, on_publish_complete);
            atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
        }
        if (bench_window_wait_done(&s_win, o.count, 60) != 0) {
            bench_fail(LIB, "completions missing after 60 s");
        }
        uint64_t t1 = bench_now_ns();
        double cpu = bench_cpu_s() - cpu0;
        if (atomic_load(&s_win.failed) != 0) {
            bench_fail(LIB, "some publishes failed");
        }
        bench_print_throughput(LIB, &o, (double)(t1 - t0) / 1e9, cpu);
        fprintf(stderr, "aws: %ld publishes refused with AWS_ERROR_MQTT_QUEUE_FULL, retried\n",
                (long)atomic_load(&s_queue_full));
        free(payload);
    } else {
        uint16_t sid = aws_mqtt_client_connection_subscribe(conn, &topic, qos, on_message, NULL, NULL, on_suback, NULL);
        if (sid == 0) {
            fprintf(stderr, "subscribe: %s\n", aws_error_name(aws_last_error()));
            bench_fail(LIB, "aws_mqtt_client_connection_subscribe");
        }
        wait_flag(&s_subscribed, "subscribe");
        uint8_t *ring = malloc((size_t)RING * o.payload);
        memset(ring, 'x', (size_t)RING * o.payload);
        double cpu0 = bench_cpu_s();
        bench_latency_begin(&s_lat, &o);
        for (long k = 1;; k++) {
            /* Keeps at most RING / 2 publishes outstanding, so the slot reused now has completed
             * (one message at a time means one or two are outstanding). */
            if (bench_window_wait_done(&s_win, k - RING / 2 > 0 ? k - RING / 2 : 0, 10) != 0) {
                bench_fail(LIB, "publish not completed within 10 s");
            }
            uint8_t *p = ring + (size_t)(k % RING) * o.payload;
            bench_stamp(p);
            struct aws_byte_cursor pc = aws_byte_cursor_from_array(p, o.payload);
            publish(conn, &topic, qos, &pc, on_publish_complete);
            atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
            if (bench_latency_wait(&s_lat, k, 10) != 0) {
                bench_fail(LIB, "message not received within 10 s");
            }
            bench_latency_keep(&s_lat, k, &o);
            if (bench_latency_stop(&s_lat, &o)) {
                break;
            }
        }
        double cpu = bench_cpu_s() - cpu0;
        bench_print_latency(LIB, &o, &s_lat, cpu);
        free(ring);
    }

    if (aws_mqtt_client_connection_disconnect(conn, on_disconnect, NULL) == AWS_OP_SUCCESS) {
        uint64_t deadline = bench_now_ns() + 2000000000ull;
        while (!atomic_load(&s_disconnected) && bench_now_ns() < deadline) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
    aws_mqtt_client_connection_release(conn);
    aws_mqtt_client_release(client);
    aws_client_bootstrap_release(bootstrap);
    aws_host_resolver_release(resolver);
    aws_event_loop_group_release(elg);
    /* The releases above finish on the loop's thread; the process exits without waiting for the
     * library's clean-up (aws_mqtt_library_clean_up would need every thread joined first). */
    return 0;
}

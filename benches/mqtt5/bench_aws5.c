/* This project's MQTT 5 client (aws/mqtt/v5/mqtt5_client.h) under the benchmark of
 * ../mqtt311/bench_common.h (the same command line, window, latency samples and RESULT line).
 *
 * One event loop (aws_event_loop_group_new_default with one thread), a default host resolver and
 * a client bootstrap; plain TCP with TCP_NODELAY (aws_socket_options.tcp_nodelay, as libmosquitto
 * gets MOSQ_OPT_TCP_NODELAY), a clean session, no topic aliases. The main thread calls
 * aws_mqtt5_client_publish; its completion callback (on the event-loop thread) is the completion:
 * for QoS 0 the message written, for QoS 1 the PUBACK. The client has no queue limit of its own
 * and keeps at most the server's Receive Maximum of QoS 1 publishes unacknowledged (65,535 from
 * the ack peer, which sends none; mosquitto's max_inflight_messages), so the benchmark's window
 * is 65535 outstanding publishes.
 *
 * The client copies the topic and payload of a publish during the call, so throughput publishes
 * one constant buffer and latency stamps one buffer before each publish. Latency subscribes at
 * the benchmark's QoS; the received PUBLISHes reach publish_received_handler on the loop thread. */
#include "../mqtt311/bench_common.h"

#include <aws/common/allocator.h>
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/socket.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_client.h>
#include <aws/mqtt/v5/mqtt5_types.h>

#undef BENCH_TOPIC
#define BENCH_TOPIC "bench/mqtt5/topic"
#define LIB "aws"

static struct bench_window s_win;
static struct bench_latency s_lat;
static atomic_int s_connected;  /* 1 connected, -1 failed */
static atomic_int s_subscribed; /* 1 granted, -1 failed */
static atomic_int s_stopping; /* the benchmark is over: a disconnection is expected */
static atomic_int s_stopped;
static atomic_int s_terminated;
static atomic_long s_failed_codes; /* publishes completed with an error or a failing reason code */

static void on_lifecycle(const struct aws_mqtt5_client_lifecycle_event *e) {
    switch (e->event_type) {
    case AWS_MQTT5_CLET_CONNECTION_SUCCESS:
        atomic_store(&s_connected, 1);
        break;
    case AWS_MQTT5_CLET_CONNECTION_FAILURE:
        fprintf(stderr, "connect failed: %s\n", aws_error_name(e->error_code));
        atomic_store(&s_connected, -1);
        break;
    case AWS_MQTT5_CLET_DISCONNECTION:
        if (atomic_load(&s_stopping) == 0) {
            fprintf(stderr, "disconnected: %s\n", aws_error_name(e->error_code));
        }
        break;
    case AWS_MQTT5_CLET_STOPPED:
        atomic_store(&s_stopped, 1);
        break;
    default:
        break;
    }
}

static void on_publish_complete(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                                void *ud) {
    (void)ud;
    int ok = error_code == 0;
    if (ok && packet_type == AWS_MQTT5_PT_PUBACK && packet != NULL) {
        const struct aws_mqtt5_packet_puback_view *puback = packet;
        ok = (int)puback->reason_code < 128;
    }
    if (!ok) {
        atomic_fetch_add(&s_failed_codes, 1);
    }
    bench_window_complete(&s_win, ok);
}

static void on_suback(const struct aws_mqtt5_packet_suback_view *suback, int error_code, void *ud) {
    (void)ud;
    int ok = error_code == 0 && suback != NULL && suback->reason_code_count == 1 &&
             (int)suback->reason_codes[0] < 128;
    atomic_store(&s_subscribed, ok ? 1 : -1);
}

static void on_publish_received(const struct aws_mqtt5_packet_publish_view *publish, void *ud) {
    (void)ud;
    bench_latency_received(&s_lat, publish->payload.ptr, publish->payload.len);
}

static void on_terminated(void *ud) {
    (void)ud;
    atomic_store(&s_terminated, 1);
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

/* Waits up to `ms` milliseconds for `*flag`; no failure if it never comes. */
static void wait_flag_quietly(atomic_int *flag, long ms) {
    uint64_t deadline = bench_now_ns() + (uint64_t)ms * 1000000ull;
    while (!atomic_load(flag) && bench_now_ns() < deadline) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

static void publish(struct aws_mqtt5_client *client, const struct aws_mqtt5_packet_publish_view *view,
                    const struct aws_mqtt5_publish_completion_options *done) {
    if (aws_mqtt5_client_publish(client, view, done) != AWS_OP_SUCCESS) {
        fprintf(stderr, "publish: %s\n", aws_error_name(aws_last_error()));
        bench_fail(LIB, "aws_mqtt5_client_publish");
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
    if (o.mode == BENCH_LATENCY) {
        bench_latency_init(&s_lat, o.count);
    }

    char id[64];
    snprintf(id, sizeof(id), "bench-aws5-%d", (int)getpid());
    struct aws_socket_options so = {
        .type = AWS_SOCKET_STREAM,
        .domain = AWS_SOCKET_IPV4,
        .connect_timeout_ms = 3000,
        .tcp_nodelay = AWS_SOCKET_TCP_NODELAY_ON, /* as MOSQ_OPT_TCP_NODELAY for libmosquitto */
    };
    struct aws_mqtt5_packet_connect_view cv = {
        .keep_alive_interval_seconds = 60,
        .client_id = aws_byte_cursor_from_c_str(id),
        .clean_start = true,
    };
    struct aws_mqtt5_client_options co = {
        .host_name = aws_byte_cursor_from_c_str(o.host),
        .port = (uint32_t)o.port,
        .bootstrap = bootstrap,
        .socket_options = &so,
        .connect_options = &cv,
        .session_behavior = AWS_MQTT5_CSBT_CLEAN,
        .ping_timeout_ms = 3000,
        .connack_timeout_ms = 3000,
        .publish_received_handler = on_publish_received,
        .lifecycle_event_handler = on_lifecycle,
        .client_termination_handler = on_terminated,
    };
    struct aws_mqtt5_client *client = aws_mqtt5_client_new(alloc, &co);
    if (!client) {
        fprintf(stderr, "new: %s\n", aws_error_name(aws_last_error()));
        bench_fail(LIB, "aws_mqtt5_client_new");
    }
    if (aws_mqtt5_client_start(client) != AWS_OP_SUCCESS) {
        fprintf(stderr, "start: %s\n", aws_error_name(aws_last_error()));
        bench_fail(LIB, "aws_mqtt5_client_start");
    }
    wait_flag(&s_connected, "connect");

    bench_window_init(&s_win, o.window);
    struct aws_mqtt5_publish_completion_options done = {.completion_callback = on_publish_complete};
    struct aws_mqtt5_packet_publish_view pv = {
        .topic = aws_byte_cursor_from_c_str(BENCH_TOPIC),
        .qos = o.qos ? AWS_MQTT5_QOS_AT_LEAST_ONCE : AWS_MQTT5_QOS_AT_MOST_ONCE,
    };
    uint8_t *payload = malloc(o.payload);
    memset(payload, 'x', o.payload);
    pv.payload = aws_byte_cursor_from_array(payload, o.payload);

    if (o.mode == BENCH_THROUGHPUT) {
        double cpu0 = bench_cpu_s();
        uint64_t t0 = bench_now_ns();
        for (long i = 0; i < o.count; i++) {
            if (bench_window_acquire(&s_win) != 0) {
                bench_fail(LIB, "no completion for 30 s");
            }
            atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
            publish(client, &pv, &done);
        }
        if (bench_window_wait_done(&s_win, o.count, 60) != 0) {
            bench_fail(LIB, "completions missing after 60 s");
        }
        uint64_t t1 = bench_now_ns();
        double cpu = bench_cpu_s() - cpu0;
        if (atomic_load(&s_win.failed) != 0) {
            fprintf(stderr, "%ld publishes failed\n", (long)atomic_load(&s_failed_codes));
            bench_fail(LIB, "some publishes failed");
        }
        bench_print_throughput(LIB, &o, (double)(t1 - t0) / 1e9, cpu);
    } else {
        struct aws_mqtt5_subscription_view sub = {
            .topic_filter = pv.topic,
            .qos = pv.qos,
        };
        struct aws_mqtt5_packet_subscribe_view sv = {.subscriptions = &sub, .subscription_count = 1};
        struct aws_mqtt5_subscribe_completion_options sco = {.completion_callback = on_suback};
        if (aws_mqtt5_client_subscribe(client, &sv, &sco) != AWS_OP_SUCCESS) {
            fprintf(stderr, "subscribe: %s\n", aws_error_name(aws_last_error()));
            bench_fail(LIB, "aws_mqtt5_client_subscribe");
        }
        wait_flag(&s_subscribed, "subscribe");
        double cpu0 = bench_cpu_s();
        bench_latency_begin(&s_lat, &o);
        for (long k = 1;; k++) {
            bench_stamp(payload);
            atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
            publish(client, &pv, &done);
            if (bench_latency_wait(&s_lat, k, 10) != 0) {
                bench_fail(LIB, "message not received within 10 s");
            }
            bench_latency_keep(&s_lat, k, &o);
            if (bench_latency_stop(&s_lat, &o)) {
                break;
            }
        }
        double cpu = bench_cpu_s() - cpu0;
        if (atomic_load(&s_win.failed) != 0) {
            bench_fail(LIB, "some publishes failed");
        }
        bench_print_latency(LIB, &o, &s_lat, cpu);
    }

    atomic_store(&s_stopping, 1);
    struct aws_mqtt5_packet_disconnect_view dv = {.reason_code = AWS_MQTT5_DRC_NORMAL_DISCONNECTION};
    if (aws_mqtt5_client_stop(client, &dv, NULL) == AWS_OP_SUCCESS) {
        wait_flag_quietly(&s_stopped, 2000);
    }
    aws_mqtt5_client_release(client);
    wait_flag_quietly(&s_terminated, 2000);
    aws_client_bootstrap_release(bootstrap);
    aws_host_resolver_release(resolver);
    aws_event_loop_group_release(elg);
    free(payload);
    /* As bench_aws.c: the process exits without aws_mqtt_library_clean_up (it would need every
     * thread of the library joined first). */
    return 0;
}

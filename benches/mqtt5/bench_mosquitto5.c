/* libmosquitto in MQTT 5 mode (MOSQ_OPT_PROTOCOL_VERSION = MQTT_PROTOCOL_V5) under the benchmark
 * of ../mqtt311/bench_common.h: mosquitto_connect_bind_v5, mosquitto_publish_v5 and
 * mosquitto_subscribe_v5 without properties, and the _v5 callbacks (on_publish_v5, whose reason
 * code is the PUBACK's, is the completion).
 *
 * --variant threaded (default): mosquitto_loop_start runs the network on libmosquitto's own
 *   thread; the main thread publishes and sleeps when the window is full.
 * --variant loop: one thread; the main thread publishes and calls mosquitto_loop itself
 *   (a publish is then written to the socket inside mosquitto_publish).
 * TCP_NODELAY is on (MOSQ_OPT_TCP_NODELAY), as the other two clients have it. The library's
 * inflight limit (mosquitto_max_inflight_messages_set) is set to the window, 65535 by default
 * (every packet identifier), so the library never holds back a publish the benchmark made; in
 * MQTT 5 the server's Receive Maximum bounds it too (65,535 from the ack peer, which sends none;
 * mosquitto's max_inflight_messages). */
#include "../mqtt311/bench_common.h"

#include <mosquitto.h>

#undef BENCH_TOPIC
#define BENCH_TOPIC "bench/mqtt5/topic"

#define LIB "mosquitto"

static struct bench_window s_win;
static struct bench_latency s_lat;
static atomic_int s_connected; /* 1 connected, -1 refused */
static atomic_int s_subscribed;

static void on_connect(struct mosquitto *m, void *ud, int rc, int flags, const mosquitto_property *props) {
    (void)m;
    (void)ud;
    (void)flags;
    (void)props;
    atomic_store(&s_connected, rc == 0 ? 1 : -1);
}

static void on_publish(struct mosquitto *m, void *ud, int mid, int reason_code, const mosquitto_property *props) {
    (void)m;
    (void)ud;
    (void)mid;
    (void)props;
    bench_window_complete(&s_win, reason_code < 128);
}

static void on_subscribe(struct mosquitto *m, void *ud, int mid, int n, const int *granted,
                         const mosquitto_property *props) {
    (void)m;
    (void)ud;
    (void)mid;
    (void)props;
    atomic_store(&s_subscribed, n == 1 && granted[0] < 128 ? 1 : -1);
}

static void on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg,
                       const mosquitto_property *props) {
    (void)m;
    (void)ud;
    (void)props;
    bench_latency_received(&s_lat, msg->payload, (size_t)msg->payloadlen);
}

static void check(int rc, const char *what) {
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "%s: %s\n", what, mosquitto_strerror(rc));
        bench_fail(LIB, what);
    }
}

/* Single-threaded variant: runs the loop until `*flag` != 0 or `done` reaches target. */
static void loop_until_flag(struct mosquitto *m, atomic_int *flag) {
    uint64_t deadline = bench_now_ns() + 10000000000ull;
    while (atomic_load(flag) == 0) {
        check(mosquitto_loop(m, 100, 1), "mosquitto_loop");
        if (bench_now_ns() > deadline) {
            bench_fail(LIB, "timed out");
        }
    }
}

static void spin_until_flag(atomic_int *flag) {
    uint64_t deadline = bench_now_ns() + 10000000000ull;
    while (atomic_load(flag) == 0) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
        if (bench_now_ns() > deadline) {
            bench_fail(LIB, "timed out");
        }
    }
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);
    int threaded = o.variant == NULL || strcmp(o.variant, "threaded") == 0;
    if (!threaded && strcmp(o.variant, "loop") != 0) {
        bench_usage(argv[0]);
    }

    mosquitto_lib_init();
    char id[64];
    snprintf(id, sizeof(id), "bench-mosq-%d", (int)getpid());
    struct mosquitto *m = mosquitto_new(id, true, NULL);
    if (!m) {
        bench_fail(LIB, "mosquitto_new");
    }
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    if (o.inflight >= 0) {
        mosquitto_max_inflight_messages_set(m, (unsigned)o.inflight);
    }
    mosquitto_connect_v5_callback_set(m, on_connect);
    mosquitto_publish_v5_callback_set(m, on_publish);
    mosquitto_subscribe_v5_callback_set(m, on_subscribe);
    mosquitto_message_v5_callback_set(m, on_message);

    check(mosquitto_connect_bind_v5(m, o.host, o.port, 60, NULL, NULL), "mosquitto_connect_bind_v5");
    if (threaded) {
        check(mosquitto_loop_start(m), "mosquitto_loop_start");
        spin_until_flag(&s_connected);
    } else {
        loop_until_flag(m, &s_connected);
    }
    if (atomic_load(&s_connected) < 0) {
        bench_fail(LIB, "connection refused");
    }

    uint8_t *payload = calloc(1, o.payload);
    memset(payload, 'x', o.payload);

    if (o.mode == BENCH_THROUGHPUT) {
        bench_window_init(&s_win, o.window);
        double cpu0 = bench_cpu_s();
        uint64_t t0 = bench_now_ns();
        if (threaded) {
            for (long i = 0; i < o.count; i++) {
                if (bench_window_acquire(&s_win) != 0) {
                    bench_fail(LIB, "no completion for 30 s");
                }
                atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
                check(mosquitto_publish_v5(m, NULL, BENCH_TOPIC, (int)o.payload, payload, o.qos, false, NULL),
                      "mosquitto_publish_v5");
            }
            if (bench_window_wait_done(&s_win, o.count, 60) != 0) {
                bench_fail(LIB, "completions missing after 60 s");
            }
        } else {
            long sent = 0;
            while (atomic_load(&s_win.done) < o.count) {
                while (sent < o.count && sent - atomic_load(&s_win.done) < o.window) {
                    atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
                    check(mosquitto_publish_v5(m, NULL, BENCH_TOPIC, (int)o.payload, payload, o.qos, false,
                                               NULL),
                          "mosquitto_publish_v5");
                    sent++;
                }
                /* Wait only when nothing more may be published. */
                int full = sent == o.count || sent - atomic_load(&s_win.done) >= o.window;
                check(mosquitto_loop(m, full ? 1000 : 0, 1), "mosquitto_loop");
            }
        }
        uint64_t t1 = bench_now_ns();
        double cpu = bench_cpu_s() - cpu0;
        if (atomic_load(&s_win.failed) != 0) {
            bench_fail(LIB, "some publishes failed");
        }
        bench_print_throughput(LIB, &o, (double)(t1 - t0) / 1e9, cpu);
    } else {
        bench_latency_init(&s_lat, o.count);
        check(mosquitto_subscribe_v5(m, NULL, BENCH_TOPIC, o.qos, 0, NULL), "mosquitto_subscribe_v5");
        if (threaded) {
            spin_until_flag(&s_subscribed);
        } else {
            loop_until_flag(m, &s_subscribed);
        }
        if (atomic_load(&s_subscribed) < 0) {
            bench_fail(LIB, "subscription refused");
        }
        double cpu0 = bench_cpu_s();
        bench_latency_begin(&s_lat, &o);
        for (long k = 1;; k++) {
            bench_stamp(payload);
            check(mosquitto_publish_v5(m, NULL, BENCH_TOPIC, (int)o.payload, payload, o.qos, false, NULL),
                  "mosquitto_publish_v5");
            if (threaded) {
                if (bench_latency_wait(&s_lat, k, 10) != 0) {
                    bench_fail(LIB, "message not received within 10 s");
                }
            } else {
                uint64_t deadline = bench_now_ns() + 10000000000ull;
                while (atomic_load(&s_lat.received) < k) {
                    check(mosquitto_loop(m, 1000, 1), "mosquitto_loop");
                    if (bench_now_ns() > deadline) {
                        bench_fail(LIB, "message not received within 10 s");
                    }
                }
            }
            bench_latency_keep(&s_lat, k, &o);
            if (bench_latency_stop(&s_lat, &o)) {
                break;
            }
        }
        double cpu = bench_cpu_s() - cpu0;
        bench_print_latency(LIB, &o, &s_lat, cpu);
    }

    mosquitto_disconnect(m);
    if (threaded) {
        mosquitto_loop_stop(m, false);
    } else {
        mosquitto_loop(m, 100, 1);
    }
    mosquitto_destroy(m);
    mosquitto_lib_cleanup();
    free(payload);
    return 0;
}

/* Shared by bench_mosquitto.c (MQTT 3.1.1) and ../mqtt5/bench_mosquitto5.c (MQTT 5) on top of
 * bench_common.h: everything about libmosquitto that does not depend on the protocol. Each
 * program sets its protocol's callbacks and connects, then bench_mosquitto_run does the rest.
 *
 * --variant threaded (default): mosquitto_loop_start runs the network on libmosquitto's own
 *   thread; the main thread publishes and sleeps when the window is full.
 * --variant loop: one thread; the main thread publishes and calls mosquitto_loop itself
 *   (a publish is then written to the socket inside mosquitto_publish).
 * TCP_NODELAY is on (MOSQ_OPT_TCP_NODELAY), as the other two clients have it. The library's
 * inflight limit (mosquitto_max_inflight_messages_set) is set to the window, 65535 by default
 * (every packet identifier), so the library never holds back a publish the benchmark made.
 * Include this header in one program only: it holds the program's state. */
#ifndef MQTT311_BENCH_MOSQUITTO_H
#define MQTT311_BENCH_MOSQUITTO_H

#include "bench_common.h"

#include <mosquitto.h>

#define LIB "mosquitto"

static struct bench_window s_win;
static struct bench_latency s_lat;
static atomic_int s_connected; /* 1 connected, -1 refused */
static atomic_int s_subscribed; /* 1 granted, -1 refused */

static inline void check(int rc, const char *what) {
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "%s: %s\n", what, mosquitto_strerror(rc));
        bench_fail(LIB, what);
    }
}

/* What a publish needs; `send` is the protocol's publish call (the payload is the benchmark's). */
struct bench_mosquitto {
    struct mosquitto *m;
    const struct bench_opts *o;
    uint8_t *payload;
    void (*send)(struct bench_mosquitto *p);
    void (*subscribe)(struct bench_mosquitto *p);
};

/* --variant: 1 for threaded (the default), 0 for loop; anything else is a usage error. */
static inline int bench_mosquitto_threaded(const struct bench_opts *o, const char *prog) {
    int threaded = o->variant == NULL || strcmp(o->variant, "threaded") == 0;
    if (!threaded && strcmp(o->variant, "loop") != 0) {
        bench_usage(prog);
    }
    return threaded;
}

/* mosquitto_lib_init and a client speaking `protocol_version`, with TCP_NODELAY and the inflight
 * limit of --inflight. */
static inline struct mosquitto *bench_mosquitto_new(const struct bench_opts *o, int protocol_version) {
    mosquitto_lib_init();
    char id[64];
    snprintf(id, sizeof(id), "bench-mosq-%d", (int)getpid());
    struct mosquitto *m = mosquitto_new(id, true, NULL);
    if (!m) {
        bench_fail(LIB, "mosquitto_new");
    }
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, protocol_version);
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    if (o->inflight >= 0) {
        mosquitto_max_inflight_messages_set(m, (unsigned)o->inflight);
    }
    return m;
}

/* Single-threaded variant: runs the loop until `*flag` != 0 (10 s at most); a refusal (-1)
 * fails the benchmark, naming `what`. */
static inline void loop_until_flag(struct mosquitto *m, atomic_int *flag, const char *what) {
    uint64_t deadline = bench_now_ns() + 10000000000ull;
    while (atomic_load(flag) == 0) {
        check(mosquitto_loop(m, 100, 1), "mosquitto_loop");
        if (bench_now_ns() > deadline) {
            bench_fail(LIB, "timed out");
        }
    }
    if (atomic_load(flag) < 0) {
        bench_fail(LIB, what);
    }
}

static inline void publish(void *ctx, long k) {
    struct bench_mosquitto *p = ctx;
    if (k) {
        bench_stamp(p->payload);
    }
    p->send(p);
}

/* Single-threaded variant, throughput: publishes while the window allows and runs the network
 * loop itself, waiting in it only when nothing more may be published. */
static inline void publish_all_in_loop(void *ctx, const struct bench_opts *o, struct bench_window *w) {
    struct bench_mosquitto *p = ctx;
    long sent = 0;
    while (atomic_load(&w->done) < o->count) {
        while (sent < o->count && sent - atomic_load(&w->done) < o->window) {
            atomic_fetch_add_explicit(&w->sent, 1, memory_order_relaxed);
            p->send(p);
            sent++;
        }
        int full = sent == o->count || sent - atomic_load(&w->done) >= o->window;
        check(mosquitto_loop(p->m, full ? 1000 : 0, 1), "mosquitto_loop");
    }
}

/* Single-threaded variant, latency: runs the network loop until message `k` has come back. */
static inline int wait_received_in_loop(void *ctx, long k) {
    struct bench_mosquitto *p = ctx;
    uint64_t deadline = bench_now_ns() + 10000000000ull;
    while (atomic_load(&s_lat.received) < k) {
        check(mosquitto_loop(p->m, 1000, 1), "mosquitto_loop");
        if (bench_now_ns() > deadline) {
            return -1;
        }
    }
    return 0;
}

/* Once the connect call is made: waits for the CONNACK, runs the benchmark (latency subscribes
 * first), disconnects and cleans up. */
static inline void bench_mosquitto_run(struct bench_mosquitto *p, int threaded) {
    const struct bench_opts *o = p->o;
    if (threaded) {
        check(mosquitto_loop_start(p->m), "mosquitto_loop_start");
        bench_wait_flag(LIB, &s_connected, "connection refused");
    } else {
        loop_until_flag(p->m, &s_connected, "connection refused");
    }

    p->payload = calloc(1, o->payload);
    memset(p->payload, 'x', o->payload);
    struct bench_client bc = {
        .ctx = p,
        .publish = publish,
        .publish_all = threaded ? NULL : publish_all_in_loop,
        .wait_received = threaded ? NULL : wait_received_in_loop,
    };
    if (o->mode == BENCH_THROUGHPUT) {
        bench_run_throughput(LIB, o, &s_win, &bc);
    } else {
        bench_latency_init(&s_lat, o->count);
        p->subscribe(p);
        if (threaded) {
            bench_wait_flag(LIB, &s_subscribed, "subscription refused");
        } else {
            loop_until_flag(p->m, &s_subscribed, "subscription refused");
        }
        bench_run_latency(LIB, o, &s_lat, NULL, &bc);
    }

    mosquitto_disconnect(p->m);
    if (threaded) {
        mosquitto_loop_stop(p->m, false);
    } else {
        mosquitto_loop(p->m, 100, 1);
    }
    mosquitto_destroy(p->m);
    mosquitto_lib_cleanup();
    free(p->payload);
}

#endif /* MQTT311_BENCH_MOSQUITTO_H */

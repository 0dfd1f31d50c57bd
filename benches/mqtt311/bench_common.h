/* Shared by bench_aws.c, bench_mosquitto.c and bench_paho.c (and their MQTT 5 twins in
 * ../mqtt5): command line, clocks, CPU and memory figures, the window of outstanding publishes,
 * latency samples, the two runs themselves (a library supplies its publish call through struct
 * bench_client) and the RESULT line.
 *
 *   bench_X throughput --qos 0|1 [--count N] [--payload BYTES] [--window W] [--host H] [--port P]
 *   bench_X latency    --qos 0|1 [--count N] [--payload BYTES] [--warmup N] [--max-secs S]
 *                      [--host H] [--port P]
 * and, for the libraries that have them: --inflight N (the library's own inflight limit),
 * --queue N (its own queue limit), --variant NAME (its style of use).
 *
 * throughput: publishes N messages of BYTES bytes to one topic with at most W outstanding
 *   (published but not completed); the time runs from the first publish call to the last
 *   completion. Completion is the library's own publish-complete callback: for QoS 1 the PUBACK,
 *   for QoS 0 the message handed to the socket.
 * latency: subscribes to the topic at the same QoS, then publishes one message at a time (the
 *   next goes out once the previous one has come back); the first 8 bytes of the payload hold
 *   the CLOCK_MONOTONIC time of the publish call, and the receive callback takes the difference.
 *   The first `warmup` messages (default count / 10, at most 1000; the warm-up ends after 2 s
 *   anyway) are not counted; measuring stops after `count` kept messages or `max_secs` seconds
 *   (default 20), whichever comes first, and the line gives the count kept.
 *
 * Every program prints one line:
 *   RESULT lib=L mode=throughput qos=Q count=N payload=B window=W secs=S msgs_per_s=R cpu_s=C
 *          cpu_us_per_msg=U peak_rss_kb=K
 *   RESULT lib=L mode=latency qos=Q count=N payload=B p50_us=.. p90_us=.. p99_us=.. max_us=..
 *          mean_us=.. cpu_s=C cpu_us_per_msg=U peak_rss_kb=K
 * cpu_s is user + system time of the whole process (every thread) over the measured part. */
#ifndef MQTT311_BENCH_COMMON_H
#define MQTT311_BENCH_COMMON_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* The one topic of every run; the MQTT 5 programs define their own before including this. */
#ifndef BENCH_TOPIC
#define BENCH_TOPIC "bench/mqtt311/topic"
#endif

enum bench_mode { BENCH_THROUGHPUT, BENCH_LATENCY };

struct bench_opts {
    enum bench_mode mode;
    int qos;
    long count;
    size_t payload;
    long window;
    long warmup;
    long inflight; /* the library's own inflight limit; -1: its default */
    long queue;    /* the library's own queue limit (paho maxBufferedMessages); -1: default */
    double max_secs; /* latency: stop measuring after this long, whatever the count */
    const char *host;
    int port;
    const char *variant; /* library-specific choice, e.g. the mosquitto loop style */
};

static inline void bench_usage(const char *prog) {
    fprintf(stderr,
            "usage: %s throughput|latency --qos 0|1 [--count N] [--payload BYTES] [--window W]\n"
            "          [--inflight N] [--queue N] [--warmup N] [--max-secs S] [--host 127.0.0.1] [--port 1883] [--variant NAME]\n",
            prog);
    exit(2);
}

static inline struct bench_opts bench_parse(int argc, char **argv, long default_window) {
    struct bench_opts o = {
        .mode = BENCH_THROUGHPUT,
        .qos = 1,
        .count = -1,
        .payload = 64,
        .window = default_window,
        .warmup = -1,
        .inflight = -1,
        .queue = -1,
        .max_secs = 20,
        .host = "127.0.0.1",
        .port = 1883,
        .variant = NULL,
    };
    if (argc < 2) {
        bench_usage(argv[0]);
    }
    if (strcmp(argv[1], "throughput") == 0) {
        o.mode = BENCH_THROUGHPUT;
    } else if (strcmp(argv[1], "latency") == 0) {
        o.mode = BENCH_LATENCY;
    } else {
        bench_usage(argv[0]);
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) {
            bench_usage(argv[0]);
        }
        const char *v = argv[++i];
        if (strcmp(a, "--qos") == 0) {
            o.qos = atoi(v);
        } else if (strcmp(a, "--count") == 0) {
            o.count = atol(v);
        } else if (strcmp(a, "--payload") == 0) {
            o.payload = (size_t)atol(v);
        } else if (strcmp(a, "--window") == 0) {
            o.window = atol(v);
        } else if (strcmp(a, "--inflight") == 0) {
            o.inflight = atol(v);
        } else if (strcmp(a, "--queue") == 0) {
            o.queue = atol(v);
        } else if (strcmp(a, "--max-secs") == 0) {
            o.max_secs = atof(v);
        } else if (strcmp(a, "--warmup") == 0) {
            o.warmup = atol(v);
        } else if (strcmp(a, "--host") == 0) {
            o.host = v;
        } else if (strcmp(a, "--port") == 0) {
            o.port = atoi(v);
        } else if (strcmp(a, "--variant") == 0) {
            o.variant = v;
        } else {
            bench_usage(argv[0]);
        }
    }
    if (o.qos < 0 || o.qos > 1 || o.window < 1) {
        bench_usage(argv[0]);
    }
    if (o.count < 0) {
        o.count = o.mode == BENCH_THROUGHPUT ? 1000000 : 10000;
    }
    if (o.warmup < 0) {
        o.warmup = o.mode == BENCH_LATENCY ? (o.count / 10 < 1000 ? o.count / 10 : 1000) : 0;
    }
    if (o.payload < 8) {
        o.payload = 8; /* room for the timestamp */
    }
    return o;
}

static inline uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline double bench_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static inline long bench_peak_rss_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static inline void bench_fail(const char *lib, const char *what) {
    fprintf(stderr, "bench %s: %s\n", lib, what);
    printf("RESULT lib=%s error=1\n", lib);
    fflush(stdout);
    exit(1);
}

/* Polls `flag` (set by a library callback: 1 done, -1 refused) for up to 10 s; a time-out or a
 * refusal fails the benchmark, naming `what`. */
static inline void bench_wait_flag(const char *lib, atomic_int *flag, const char *what) {
    uint64_t deadline = bench_now_ns() + 10000000000ull;
    while (atomic_load(flag) == 0) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
        if (bench_now_ns() > deadline) {
            fprintf(stderr, "%s: timed out\n", what);
            bench_fail(lib, what);
        }
    }
    if (atomic_load(flag) < 0) {
        fprintf(stderr, "%s: refused\n", what);
        bench_fail(lib, what);
    }
}

/* Polls `flag` for up to `ms` milliseconds; no failure if it never comes (the end of a run). */
static inline void bench_wait_flag_quietly(atomic_int *flag, long ms) {
    uint64_t deadline = bench_now_ns() + (uint64_t)ms * 1000000ull;
    while (!atomic_load(flag) && bench_now_ns() < deadline) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

/* ---- the window of outstanding publishes ------------------------------------------------- */

/* `sent` is written by the publishing thread only, `done` by the library's callbacks (any
 * thread). The publisher sleeps when the window is full, or at the end, until `done` reaches
 * `wake_at`; a callback takes the lock only when someone is asleep. */
struct bench_window {
    atomic_long sent;
    atomic_long done;
    atomic_long failed;
    atomic_long wake_at;  /* 0: nobody waits */
    long window;
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

static inline void bench_window_init(struct bench_window *w, long window) {
    atomic_init(&w->sent, 0);
    atomic_init(&w->done, 0);
    atomic_init(&w->failed, 0);
    atomic_init(&w->wake_at, 0);
    w->window = window;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
}

/* Called by the library's publish-complete callback. */
static inline void bench_window_complete(struct bench_window *w, int ok) {
    if (!ok) {
        atomic_fetch_add(&w->failed, 1);
    }
    long d = atomic_fetch_add(&w->done, 1) + 1;
    long at = atomic_load(&w->wake_at);
    if (at != 0 && d >= at) {
        pthread_mutex_lock(&w->lock);
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&w->lock);
    }
}

/* Sleeps until `done` >= target (at most timeout_ms). Returns 0, or -1 on time-out. */
static inline int bench_window_wait_done_ms(struct bench_window *w, long target, long timeout_ms) {
    if (atomic_load(&w->done) >= target) {
        return 0;
    }
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += timeout_ms / 1000;
    dl.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    int rc = 0;
    pthread_mutex_lock(&w->lock);
    atomic_store(&w->wake_at, target);
    while (atomic_load(&w->done) < target) {
        if (pthread_cond_timedwait(&w->cond, &w->lock, &dl) == ETIMEDOUT) {
            rc = atomic_load(&w->done) >= target ? 0 : -1;
            break;
        }
    }
    atomic_store(&w->wake_at, 0);
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/* The same, in seconds. */
static inline int bench_window_wait_done(struct bench_window *w, long target, int timeout_s) {
    return bench_window_wait_done_ms(w, target, (long)timeout_s * 1000);
}

/* After the library refused a publish for a full queue: waits up to 1 ms for the next
 * completion (a library may count a message as queued until a little after its completion
 * callback, so a refusal with nothing outstanding only needs a moment). `stuck_since` is 0
 * before the first refusal of a publish; returns -1 once one publish has been refused for 30 s. */
static inline int bench_window_backoff(struct bench_window *w, uint64_t *stuck_since) {
    uint64_t now = bench_now_ns();
    if (*stuck_since == 0) {
        *stuck_since = now;
    } else if (now - *stuck_since > 30000000000ull) {
        return -1;
    }
    long d = atomic_load(&w->done);
    if (atomic_load(&w->sent) > d) {
        bench_window_wait_done_ms(w, d + 1, 1);
    } else {
        sched_yield();
    }
    return 0;
}

/* Before each publish: when `window` are outstanding, sleeps until a quarter of them (at least
 * one) has completed, so the publisher wakes once per batch rather than once per message. */
static inline int bench_window_acquire(struct bench_window *w) {
    long s = atomic_load_explicit(&w->sent, memory_order_relaxed);
    if (s - atomic_load(&w->done) >= w->window) {
        long low = w->window - w->window / 4;
        if (low >= w->window) {
            low = w->window - 1;
        }
        return bench_window_wait_done(w, s - low, 30);
    }
    return 0;
}

/* ---- latency ---------------------------------------------------------------------------- */

struct bench_latency {
    uint64_t *samples; /* ns */
    long n;            /* kept so far; the message in flight writes samples[n] */
    long cap;
    long total;        /* messages so far, warm-up included */
    int warming;
    uint64_t t_start, t_kept;
    atomic_long received;
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

static inline void bench_latency_init(struct bench_latency *l, long count) {
    l->samples = calloc((size_t)count, sizeof(uint64_t));
    l->n = 0;
    l->cap = count;
    atomic_init(&l->received, 0);
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->cond, NULL);
}

/* Writes the time of the publish call into the first 8 bytes of the payload. */
static inline void bench_stamp(uint8_t *payload) {
    uint64_t t = bench_now_ns();
    memcpy(payload, &t, 8);
}

/* Called from the library's receive callback with the received payload. */
static inline void bench_latency_received(struct bench_latency *l, const void *payload, size_t len) {
    uint64_t now = bench_now_ns();
    if (len < 8) {
        return;
    }
    uint64_t t;
    memcpy(&t, payload, 8);
    pthread_mutex_lock(&l->lock);
    if (l->n < l->cap) {
        l->samples[l->n] = now - t;
    }
    atomic_fetch_add(&l->received, 1);
    pthread_cond_signal(&l->cond);
    pthread_mutex_unlock(&l->lock);
}

/* Waits for the `k`th receive (1-based). Returns 0, or -1 after timeout_s seconds. */
static inline int bench_latency_wait(struct bench_latency *l, long k, int timeout_s) {
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += timeout_s;
    int rc = 0;
    pthread_mutex_lock(&l->lock);
    while (atomic_load(&l->received) < k) {
        if (pthread_cond_timedwait(&l->cond, &l->lock, &dl) == ETIMEDOUT) {
            rc = atomic_load(&l->received) >= k ? 0 : -1;
            break;
        }
    }
    pthread_mutex_unlock(&l->lock);
    return rc;
}

/* Call once before the first latency message. */
static inline void bench_latency_begin(struct bench_latency *l, const struct bench_opts *o) {
    l->warming = o->warmup > 0;
    l->t_kept = bench_now_ns();
    l->t_start = l->t_kept;
}

/* After each received message: the warm-up (the first `warmup` messages, cut short after 2 s)
 * drops its samples, then every sample is kept. */
static inline void bench_latency_keep(struct bench_latency *l, long k, const struct bench_opts *o) {
    pthread_mutex_lock(&l->lock);
    l->total = k;
    if (l->warming) {
        uint64_t now = bench_now_ns();
        if (k >= o->warmup || now - l->t_start > 2000000000ull) {
            l->warming = 0;
            l->t_kept = now;
        }
    } else {
        l->n++;
    }
    pthread_mutex_unlock(&l->lock);
}

/* After bench_latency_keep: enough? (`count` kept, or `max_secs` since the warm-up ended) */
static inline int bench_latency_stop(struct bench_latency *l, const struct bench_opts *o) {
    return l->n >= o->count || (!l->warming && (double)(bench_now_ns() - l->t_kept) / 1e9 > o->max_secs);
}

static inline int bench_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static inline double bench_pct_us(const uint64_t *sorted, long n, double p) {
    if (n == 0) {
        return 0;
    }
    long i = (long)(p / 100.0 * (double)n + 0.5) - 1;
    if (i < 0) {
        i = 0;
    }
    if (i >= n) {
        i = n - 1;
    }
    return sorted[i] / 1000.0;
}

/* ---- results ---------------------------------------------------------------------------- */

static inline void bench_print_throughput(const char *lib, const struct bench_opts *o, double secs, double cpu) {
    printf("RESULT lib=%s mode=throughput qos=%d count=%ld payload=%zu window=%ld secs=%.3f "
           "msgs_per_s=%.0f cpu_s=%.3f cpu_us_per_msg=%.3f peak_rss_kb=%ld\n",
           lib, o->qos, o->count, o->payload, o->window, secs, (double)o->count / secs, cpu,
           cpu * 1e6 / (double)o->count, bench_peak_rss_kb());
    fflush(stdout);
}

static inline void bench_print_latency(const char *lib, const struct bench_opts *o, struct bench_latency *l,
                                double cpu) {
    qsort(l->samples, (size_t)l->n, sizeof(uint64_t), bench_cmp_u64);
    double sum = 0;
    for (long i = 0; i < l->n; i++) {
        sum += (double)l->samples[i];
    }
    printf("RESULT lib=%s mode=latency qos=%d count=%ld payload=%zu p50_us=%.1f p90_us=%.1f "
           "p99_us=%.1f max_us=%.1f mean_us=%.1f cpu_s=%.3f cpu_us_per_msg=%.3f peak_rss_kb=%ld\n",
           lib, o->qos, l->n, o->payload, bench_pct_us(l->samples, l->n, 50),
           bench_pct_us(l->samples, l->n, 90), bench_pct_us(l->samples, l->n, 99),
           l->n ? l->samples[l->n - 1] / 1000.0 : 0, l->n ? sum / (double)l->n / 1000.0 : 0, cpu,
           l->total ? cpu * 1e6 / (double)l->total : 0, bench_peak_rss_kb());
    fflush(stdout);
}

/* ---- the two runs ---------------------------------------------------------------------- */

/* A library's side of the runs. */
struct bench_client {
    void *ctx;
    /* Publishes one message: message `k` (1-based) of the latency run, whose payload it stamps
     * first (bench_stamp), or one of the throughput run (k == 0). Returns once the library has
     * taken it; a failure fails the benchmark there. */
    void (*publish)(void *ctx, long k);
    /* Optional: the throughput run's publishing for a library that must drive its own network
     * loop: every publish of `o->count` under the window and every completion. NULL: publish
     * under the window (bench_window_acquire), then wait up to 60 s for every completion. */
    void (*publish_all)(void *ctx, const struct bench_opts *o, struct bench_window *w);
    /* Optional: waits until message `k` of the latency run has come back; 0, or -1 after 10 s.
     * NULL: bench_latency_wait. */
    int (*wait_received)(void *ctx, long k);
};

/* The throughput run (see the top of this file): the window, the publishes, the completions, the
 * RESULT line. A publish that completed with a failure fails the benchmark. */
static inline void bench_run_throughput(const char *lib, const struct bench_opts *o, struct bench_window *w,
                                        const struct bench_client *c) {
    bench_window_init(w, o->window);
    double cpu0 = bench_cpu_s();
    uint64_t t0 = bench_now_ns();
    if (c->publish_all) {
        c->publish_all(c->ctx, o, w);
    } else {
        for (long i = 0; i < o->count; i++) {
            if (bench_window_acquire(w) != 0) {
                bench_fail(lib, "no completion for 30 s");
            }
            c->publish(c->ctx, 0);
            atomic_fetch_add_explicit(&w->sent, 1, memory_order_relaxed);
        }
        if (bench_window_wait_done(w, o->count, 60) != 0) {
            bench_fail(lib, "completions missing after 60 s");
        }
    }
    uint64_t t1 = bench_now_ns();
    double cpu = bench_cpu_s() - cpu0;
    if (atomic_load(&w->failed) != 0) {
        fprintf(stderr, "%ld publishes failed\n", (long)atomic_load(&w->failed));
        bench_fail(lib, "some publishes failed");
    }
    bench_print_throughput(lib, o, (double)(t1 - t0) / 1e9, cpu);
}

/* The latency run (see the top of this file), once the library has subscribed: one message at
 * a time, the samples, the RESULT line. `w`, when the library counts its publishes' completions
 * in it, must end with none failed. */
static inline void bench_run_latency(const char *lib, const struct bench_opts *o, struct bench_latency *l,
                                     struct bench_window *w, const struct bench_client *c) {
    double cpu0 = bench_cpu_s();
    bench_latency_begin(l, o);
    for (long k = 1;; k++) {
        c->publish(c->ctx, k);
        if ((c->wait_received ? c->wait_received(c->ctx, k) : bench_latency_wait(l, k, 10)) != 0) {
            bench_fail(lib, "message not received within 10 s");
        }
        bench_latency_keep(l, k, o);
        if (bench_latency_stop(l, o)) {
            break;
        }
    }
    double cpu = bench_cpu_s() - cpu0;
    if (w && atomic_load(&w->failed) != 0) {
        bench_fail(lib, "some publishes failed");
    }
    bench_print_latency(lib, o, l, cpu);
}

#endif /* MQTT311_BENCH_COMMON_H */

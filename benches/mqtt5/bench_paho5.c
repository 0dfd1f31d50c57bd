/* Eclipse Paho C, asynchronous API (MQTTAsync, libpaho-mqtt3a), in MQTT 5 mode
 * (MQTTAsync_createWithOptions with MQTTVERSION_5, MQTTAsync_connectOptions_initializer5, a
 * clean start), under the benchmark of ../mqtt311/bench_common.h. The library runs its own send
 * and receive threads; the main thread publishes with MQTTAsync_sendMessage (a message with an
 * empty MQTTProperties), and the onSuccess5 of the response options is the completion (for
 * QoS 0 the message written to the socket, for QoS 1 the PUBACK; a failing reason code reaches
 * onFailure5). The connect options keep their defaults (maxInflight 65535) unless --inflight is
 * given. */
#include "../mqtt311/bench_common.h"

#include <MQTTAsync.h>

#undef BENCH_TOPIC
#define BENCH_TOPIC "bench/mqtt5/topic"

#define LIB "paho"

static struct bench_window s_win;
static struct bench_latency s_lat;
static atomic_int s_connected; /* 1 connected, -1 failed */
static atomic_int s_subscribed;
static atomic_long s_queue_full; /* publishes refused with MQTTASYNC_MAX_BUFFERED_MESSAGES */

static void on_connect_ok(void *ctx, MQTTAsync_successData5 *r) {
    (void)ctx;
    (void)r;
    atomic_store(&s_connected, 1);
}

static void on_connect_fail(void *ctx, MQTTAsync_failureData5 *r) {
    (void)ctx;
    fprintf(stderr, "connect failed: %d, reason code %d\n", r ? r->code : 0, r ? (int)r->reasonCode : 0);
    atomic_store(&s_connected, -1);
}

static void on_sub_ok(void *ctx, MQTTAsync_successData5 *r) {
    (void)ctx;
    atomic_store(&s_subscribed, r && (int)r->reasonCode < 128 ? 1 : -1);
}

static void on_sub_fail(void *ctx, MQTTAsync_failureData5 *r) {
    (void)ctx;
    (void)r;
    atomic_store(&s_subscribed, -1);
}

static void on_pub_ok(void *ctx, MQTTAsync_successData5 *r) {
    (void)ctx;
    bench_window_complete(&s_win, !r || (int)r->reasonCode < 128);
}

static void on_pub_fail(void *ctx, MQTTAsync_failureData5 *r) {
    (void)ctx;
    (void)r;
    bench_window_complete(&s_win, 0);
}

static int on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *msg) {
    (void)ctx;
    (void)topic_len;
    bench_latency_received(&s_lat, msg->payload, (size_t)msg->payloadlen);
    MQTTAsync_freeMessage(&msg);
    MQTTAsync_free(topic);
    return 1;
}

static void on_lost(void *ctx, char *cause) {
    (void)ctx;
    fprintf(stderr, "connection lost: %s\n", cause ? cause : "?");
}

static void wait_flag(atomic_int *flag) {
    uint64_t deadline = bench_now_ns() + 10000000000ull;
    while (atomic_load(flag) == 0) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
        if (bench_now_ns() > deadline) {
            bench_fail(LIB, "timed out");
        }
    }
    if (atomic_load(flag) < 0) {
        bench_fail(LIB, "refused");
    }
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);

    char uri[256], id[64];
    snprintf(uri, sizeof(uri), "tcp://%s:%d", o.host, o.port);
    snprintf(id, sizeof(id), "bench-paho-%d", (int)getpid());

    MQTTAsync c;
    MQTTAsync_createOptions co = MQTTAsync_createOptions_initializer5;
    if (o.queue > 0) {
        co.maxBufferedMessages = (int)o.queue;
    }
    if (MQTTAsync_createWithOptions(&c, uri, id, MQTTCLIENT_PERSISTENCE_NONE, NULL, &co) != MQTTASYNC_SUCCESS) {
        bench_fail(LIB, "MQTTAsync_createWithOptions");
    }
    MQTTAsync_setCallbacks(c, NULL, on_lost, on_message, NULL);

    MQTTAsync_connectOptions cop = MQTTAsync_connectOptions_initializer5;
    cop.keepAliveInterval = 60;
    cop.cleanstart = 1;
    if (o.inflight > 0) {
        cop.maxInflight = (int)o.inflight;
    }
    cop.onSuccess5 = on_connect_ok;
    cop.onFailure5 = on_connect_fail;
    if (MQTTAsync_connect(c, &cop) != MQTTASYNC_SUCCESS) {
        bench_fail(LIB, "MQTTAsync_connect");
    }
    wait_flag(&s_connected);

    uint8_t *payload = calloc(1, o.payload);
    memset(payload, 'x', o.payload);
    MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
    ro.onSuccess5 = on_pub_ok;
    ro.onFailure5 = on_pub_fail;
    MQTTAsync_message msg = MQTTAsync_message_initializer; /* properties: none */
    msg.payload = payload;
    msg.payloadlen = (int)o.payload;
    msg.qos = o.qos;
    msg.retained = 0;

    if (o.mode == BENCH_THROUGHPUT) {
        bench_window_init(&s_win, o.window);
        double cpu0 = bench_cpu_s();
        uint64_t t0 = bench_now_ns();
        for (long i = 0; i < o.count; i++) {
            if (bench_window_acquire(&s_win) != 0) {
                bench_fail(LIB, "no completion for 30 s");
            }
            int rc;
            uint64_t stuck = 0;
            /* A full command queue (maxBufferedMessages) is the library's back-pressure: wait
             * for the next completion and try again. */
            while ((rc = MQTTAsync_sendMessage(c, BENCH_TOPIC, &msg, &ro)) ==
                   MQTTASYNC_MAX_BUFFERED_MESSAGES) {
                atomic_fetch_add(&s_queue_full, 1);
                if (bench_window_backoff(&s_win, &stuck) != 0) {
                    bench_fail(LIB, "publish refused for a full queue for 30 s");
                }
            }
            atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
            if (rc != MQTTASYNC_SUCCESS) {
                fprintf(stderr, "MQTTAsync_sendMessage: %d\n", rc);
                bench_fail(LIB, "MQTTAsync_sendMessage");
            }
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
        fprintf(stderr, "paho: %ld publishes refused for a full queue, retried\n",
                (long)atomic_load(&s_queue_full));
    } else {
        bench_latency_init(&s_lat, o.count);
        MQTTAsync_responseOptions so = MQTTAsync_responseOptions_initializer;
        so.onSuccess5 = on_sub_ok;
        so.onFailure5 = on_sub_fail;
        if (MQTTAsync_subscribe(c, BENCH_TOPIC, o.qos, &so) != MQTTASYNC_SUCCESS) {
            bench_fail(LIB, "MQTTAsync_subscribe");
        }
        wait_flag(&s_subscribed);
        MQTTAsync_responseOptions lo = MQTTAsync_responseOptions_initializer;
        double cpu0 = bench_cpu_s();
        bench_latency_begin(&s_lat, &o);
        for (long k = 1;; k++) {
            bench_stamp(payload);
            int rc = MQTTAsync_sendMessage(c, BENCH_TOPIC, &msg, &lo);
            if (rc != MQTTASYNC_SUCCESS) {
                fprintf(stderr, "MQTTAsync_sendMessage: %d\n", rc);
                bench_fail(LIB, "MQTTAsync_sendMessage");
            }
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
    }

    MQTTAsync_disconnectOptions dop = MQTTAsync_disconnectOptions_initializer5;
    dop.timeout = 1000;
    MQTTAsync_disconnect(c, &dop);
    for (int i = 0; i < 100 && MQTTAsync_isConnected(c); i++) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    MQTTAsync_destroy(&c);
    free(payload);
    return 0;
}

/* Shared by bench_paho.c (MQTT 3.1.1) and ../mqtt5/bench_paho5.c (MQTT 5) on top of
 * bench_common.h: everything about Eclipse Paho C's asynchronous API (MQTTAsync, libpaho-mqtt3a)
 * that does not depend on the protocol. The library runs its own send and receive threads; the
 * main thread publishes, and the onSuccess (onSuccess5) of the response options is the completion
 * (for QoS 0 the message written to the socket, for QoS 1 the PUBACK). A full command queue
 * (maxBufferedMessages, --queue) is the library's back-pressure: the throughput run waits for the
 * next completion and tries again (counted on stderr). The connect options keep their defaults
 * (maxInflight 65535) unless --inflight is given. Each program fills in its protocol's options
 * and callbacks; bench_paho_run does the rest.
 * Include this header in one program only: it holds the program's state. */
#ifndef MQTT311_BENCH_PAHO_H
#define MQTT311_BENCH_PAHO_H

#include "bench_common.h"

#include <MQTTAsync.h>

#define LIB "paho"

static struct bench_window s_win;
static struct bench_latency s_lat;
static atomic_int s_connected;   /* 1 connected, -1 failed */
static atomic_int s_subscribed;  /* 1 granted, -1 refused */
static atomic_long s_queue_full; /* publishes refused with MQTTASYNC_MAX_BUFFERED_MESSAGES */

static inline int on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *msg) {
    (void)ctx;
    (void)topic_len;
    bench_latency_received(&s_lat, msg->payload, (size_t)msg->payloadlen);
    MQTTAsync_freeMessage(&msg);
    MQTTAsync_free(topic);
    return 1;
}

static inline void on_lost(void *ctx, char *cause) {
    (void)ctx;
    fprintf(stderr, "connection lost: %s\n", cause ? cause : "?");
}

/* One client and what its calls need. */
struct bench_paho {
    MQTTAsync client;
    const struct bench_opts *o;
    uint8_t *payload;
    MQTTAsync_message msg; /* the payload as a message, no properties (for MQTTAsync_sendMessage) */
    /* The protocol's publish call, and its name for errors. */
    int (*send)(struct bench_paho *p, MQTTAsync_responseOptions *options);
    const char *send_name;
    MQTTAsync_responseOptions publish_options;   /* throughput: completions counted in s_win */
    MQTTAsync_responseOptions subscribe_options; /* sets s_subscribed */
};

/* MQTTAsync_createWithOptions for --host/--port (co: the protocol's, --queue applied here), with
 * the receive and connection-lost callbacks. */
static inline void bench_paho_create(struct bench_paho *p, const struct bench_opts *o, MQTTAsync_createOptions *co) {
    p->o = o;
    char uri[256], id[64];
    snprintf(uri, sizeof(uri), "tcp://%s:%d", o->host, o->port);
    snprintf(id, sizeof(id), "bench-paho-%d", (int)getpid());
    if (o->queue > 0) {
        co->maxBufferedMessages = (int)o->queue;
    }
    if (MQTTAsync_createWithOptions(&p->client, uri, id, MQTTCLIENT_PERSISTENCE_NONE, NULL, co) != MQTTASYNC_SUCCESS) {
        bench_fail(LIB, "MQTTAsync_createWithOptions");
    }
    MQTTAsync_setCallbacks(p->client, NULL, on_lost, on_message, NULL);
}

static inline void publish(void *ctx, long k) {
    struct bench_paho *p = ctx;
    MQTTAsync_responseOptions latency_options = MQTTAsync_responseOptions_initializer;
    if (k) {
        bench_stamp(p->payload);
    }
    int rc;
    uint64_t stuck = 0;
    while ((rc = p->send(p, k ? &latency_options : &p->publish_options)) == MQTTASYNC_MAX_BUFFERED_MESSAGES &&
           k == 0) {
        atomic_fetch_add(&s_queue_full, 1);
        if (bench_window_backoff(&s_win, &stuck) != 0) {
            bench_fail(LIB, "publish refused for a full queue for 30 s");
        }
    }
    if (rc != MQTTASYNC_SUCCESS) {
        fprintf(stderr, "%s: %d\n", p->send_name, rc);
        bench_fail(LIB, p->send_name);
    }
}

/* Connects with `cop` (the protocol's; --inflight applied here), runs the benchmark (latency
 * subscribes first), disconnects with `dop` and destroys the client. */
static inline void bench_paho_run(struct bench_paho *p, MQTTAsync_connectOptions *cop, MQTTAsync_disconnectOptions *dop) {
    const struct bench_opts *o = p->o;
    cop->keepAliveInterval = 60;
    if (o->inflight > 0) {
        cop->maxInflight = (int)o->inflight;
    }
    if (MQTTAsync_connect(p->client, cop) != MQTTASYNC_SUCCESS) {
        bench_fail(LIB, "MQTTAsync_connect");
    }
    bench_wait_flag(LIB, &s_connected, "connect");

    p->payload = calloc(1, o->payload);
    memset(p->payload, 'x', o->payload);
    p->msg.payload = p->payload;
    p->msg.payloadlen = (int)o->payload;
    p->msg.qos = o->qos;
    p->msg.retained = 0;
    struct bench_client bc = {.ctx = p, .publish = publish};
    if (o->mode == BENCH_THROUGHPUT) {
        bench_run_throughput(LIB, o, &s_win, &bc);
        fprintf(stderr, "paho: %ld publishes refused for a full queue, retried\n", (long)atomic_load(&s_queue_full));
    } else {
        bench_latency_init(&s_lat, o->count);
        if (MQTTAsync_subscribe(p->client, BENCH_TOPIC, o->qos, &p->subscribe_options) != MQTTASYNC_SUCCESS) {
            bench_fail(LIB, "MQTTAsync_subscribe");
        }
        bench_wait_flag(LIB, &s_subscribed, "subscribe");
        bench_run_latency(LIB, o, &s_lat, NULL, &bc);
    }

    dop->timeout = 1000;
    MQTTAsync_disconnect(p->client, dop);
    for (int i = 0; i < 100 && MQTTAsync_isConnected(p->client); i++) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    MQTTAsync_destroy(&p->client);
    free(p->payload);
}

#endif /* MQTT311_BENCH_PAHO_H */

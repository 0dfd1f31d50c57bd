/* libmosquitto in MQTT 5 mode (MOSQ_OPT_PROTOCOL_VERSION = MQTT_PROTOCOL_V5) under the benchmark
 * of ../mqtt311/bench_common.h, with the variants and settings of ../mqtt311/bench_mosquitto.h:
 * mosquitto_connect_bind_v5, mosquitto_publish_v5 and mosquitto_subscribe_v5 without properties,
 * and the _v5 callbacks (on_publish_v5, whose reason code is the PUBACK's, is the completion). In
 * MQTT 5 the server's Receive Maximum bounds the library's inflight messages too (65,535 from the
 * ack peer, which sends none; mosquitto's max_inflight_messages). */
#define BENCH_TOPIC "bench/mqtt5/topic"
#include "../mqtt311/bench_mosquitto.h"

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

static void send_publish(struct bench_mosquitto *p) {
    check(mosquitto_publish_v5(p->m, NULL, BENCH_TOPIC, (int)p->o->payload, p->payload, p->o->qos, false, NULL),
          "mosquitto_publish_v5");
}

static void subscribe(struct bench_mosquitto *p) {
    check(mosquitto_subscribe_v5(p->m, NULL, BENCH_TOPIC, p->o->qos, 0, NULL), "mosquitto_subscribe_v5");
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);
    int threaded = bench_mosquitto_threaded(&o, argv[0]);
    struct mosquitto *m = bench_mosquitto_new(&o, MQTT_PROTOCOL_V5);
    mosquitto_connect_v5_callback_set(m, on_connect);
    mosquitto_publish_v5_callback_set(m, on_publish);
    mosquitto_subscribe_v5_callback_set(m, on_subscribe);
    mosquitto_message_v5_callback_set(m, on_message);
    check(mosquitto_connect_bind_v5(m, o.host, o.port, 60, NULL, NULL), "mosquitto_connect_bind_v5");
    struct bench_mosquitto p = {.m = m, .o = &o, .send = send_publish, .subscribe = subscribe};
    bench_mosquitto_run(&p, threaded);
    return 0;
}

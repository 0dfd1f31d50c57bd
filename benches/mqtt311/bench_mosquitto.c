/* libmosquitto (MQTT 3.1.1) under the benchmark of bench_common.h, with the variants and
 * settings of bench_mosquitto.h. */
#include "bench_mosquitto.h"

static void on_connect(struct mosquitto *m, void *ud, int rc) {
    (void)m;
    (void)ud;
    atomic_store(&s_connected, rc == 0 ? 1 : -1);
}

static void on_publish(struct mosquitto *m, void *ud, int mid) {
    (void)m;
    (void)ud;
    (void)mid;
    bench_window_complete(&s_win, 1);
}

static void on_subscribe(struct mosquitto *m, void *ud, int mid, int n, const int *granted) {
    (void)m;
    (void)ud;
    (void)mid;
    (void)n;
    (void)granted;
    atomic_store(&s_subscribed, 1);
}

static void on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg) {
    (void)m;
    (void)ud;
    bench_latency_received(&s_lat, msg->payload, (size_t)msg->payloadlen);
}

static void send_publish(struct bench_mosquitto *p) {
    check(mosquitto_publish(p->m, NULL, BENCH_TOPIC, (int)p->o->payload, p->payload, p->o->qos, false),
          "mosquitto_publish");
}

static void subscribe(struct bench_mosquitto *p) {
    check(mosquitto_subscribe(p->m, NULL, BENCH_TOPIC, p->o->qos), "mosquitto_subscribe");
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);
    int threaded = bench_mosquitto_threaded(&o, argv[0]);
    struct mosquitto *m = bench_mosquitto_new(&o, MQTT_PROTOCOL_V311);
    mosquitto_connect_callback_set(m, on_connect);
    mosquitto_publish_callback_set(m, on_publish);
    mosquitto_subscribe_callback_set(m, on_subscribe);
    mosquitto_message_callback_set(m, on_message);
    check(mosquitto_connect(m, o.host, o.port, 60), "mosquitto_connect");
    struct bench_mosquitto p = {.m = m, .o = &o, .send = send_publish, .subscribe = subscribe};
    bench_mosquitto_run(&p, threaded);
    return 0;
}

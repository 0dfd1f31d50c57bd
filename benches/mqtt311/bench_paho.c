/* Eclipse Paho C, asynchronous API (MQTTAsync, libpaho-mqtt3a), in MQTT 3.1.1 mode under the
 * benchmark of bench_common.h, as bench_paho.h describes: MQTTAsync_send, and the onSuccess and
 * onFailure callbacks of the response options. */
#include "bench_paho.h"

static void on_connect_ok(void *ctx, MQTTAsync_successData *r) {
    (void)ctx;
    (void)r;
    atomic_store(&s_connected, 1);
}

static void on_connect_fail(void *ctx, MQTTAsync_failureData *r) {
    (void)ctx;
    fprintf(stderr, "connect failed: %d\n", r ? r->code : 0);
    atomic_store(&s_connected, -1);
}

static void on_sub_ok(void *ctx, MQTTAsync_successData *r) {
    (void)ctx;
    (void)r;
    atomic_store(&s_subscribed, 1);
}

static void on_sub_fail(void *ctx, MQTTAsync_failureData *r) {
    (void)ctx;
    (void)r;
    atomic_store(&s_subscribed, -1);
}

static void on_pub_ok(void *ctx, MQTTAsync_successData *r) {
    (void)ctx;
    (void)r;
    bench_window_complete(&s_win, 1);
}

static void on_pub_fail(void *ctx, MQTTAsync_failureData *r) {
    (void)ctx;
    (void)r;
    bench_window_complete(&s_win, 0);
}

static int send_publish(struct bench_paho *p, MQTTAsync_responseOptions *options) {
    return MQTTAsync_send(p->client, BENCH_TOPIC, (int)p->o->payload, p->payload, p->o->qos, 0, options);
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);
    struct bench_paho p = {
        .msg = MQTTAsync_message_initializer,
        .send = send_publish,
        .send_name = "MQTTAsync_send",
        .publish_options = MQTTAsync_responseOptions_initializer,
        .subscribe_options = MQTTAsync_responseOptions_initializer,
    };
    p.publish_options.onSuccess = on_pub_ok;
    p.publish_options.onFailure = on_pub_fail;
    p.subscribe_options.onSuccess = on_sub_ok;
    p.subscribe_options.onFailure = on_sub_fail;
    MQTTAsync_createOptions co = MQTTAsync_createOptions_initializer;
    co.MQTTVersion = MQTTVERSION_3_1_1;
    bench_paho_create(&p, &o, &co);

    MQTTAsync_connectOptions cop = MQTTAsync_connectOptions_initializer;
    cop.cleansession = 1;
    cop.MQTTVersion = MQTTVERSION_3_1_1;
    cop.onSuccess = on_connect_ok;
    cop.onFailure = on_connect_fail;
    MQTTAsync_disconnectOptions dop = MQTTAsync_disconnectOptions_initializer;
    bench_paho_run(&p, &cop, &dop);
    return 0;
}

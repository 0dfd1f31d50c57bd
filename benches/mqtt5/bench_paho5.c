/* Eclipse Paho C, asynchronous API (MQTTAsync, libpaho-mqtt3a), in MQTT 5 mode
 * (MQTTAsync_createOptions_initializer5, MQTTAsync_connectOptions_initializer5, a clean start)
 * under the benchmark of ../mqtt311/bench_common.h, as ../mqtt311/bench_paho.h describes:
 * MQTTAsync_sendMessage (a message with an empty MQTTProperties), and the onSuccess5 and
 * onFailure5 callbacks of the response options (a failing reason code reaches onFailure5). */
#define BENCH_TOPIC "bench/mqtt5/topic"
#include "../mqtt311/bench_paho.h"

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

static int send_publish(struct bench_paho *p, MQTTAsync_responseOptions *options) {
    return MQTTAsync_sendMessage(p->client, BENCH_TOPIC, &p->msg, options);
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);
    struct bench_paho p = {
        .msg = MQTTAsync_message_initializer, /* properties: none */
        .send = send_publish,
        .send_name = "MQTTAsync_sendMessage",
        .publish_options = MQTTAsync_responseOptions_initializer,
        .subscribe_options = MQTTAsync_responseOptions_initializer,
    };
    p.publish_options.onSuccess5 = on_pub_ok;
    p.publish_options.onFailure5 = on_pub_fail;
    p.subscribe_options.onSuccess5 = on_sub_ok;
    p.subscribe_options.onFailure5 = on_sub_fail;
    MQTTAsync_createOptions co = MQTTAsync_createOptions_initializer5;
    bench_paho_create(&p, &o, &co);

    MQTTAsync_connectOptions cop = MQTTAsync_connectOptions_initializer5;
    cop.cleanstart = 1;
    cop.onSuccess5 = on_connect_ok;
    cop.onFailure5 = on_connect_fail;
    MQTTAsync_disconnectOptions dop = MQTTAsync_disconnectOptions_initializer5;
    bench_paho_run(&p, &cop, &dop);
    return 0;
}

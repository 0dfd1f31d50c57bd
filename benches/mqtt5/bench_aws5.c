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
#define BENCH_TOPIC "bench/mqtt5/topic"
#include "../mqtt311/bench_aws_io.h"

#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_client.h>
#include <aws/mqtt/v5/mqtt5_types.h>

#define LIB "aws"

static struct bench_window s_win;
static struct bench_latency s_lat;
static atomic_int s_connected;  /* 1 connected, -1 failed */
static atomic_int s_subscribed; /* 1 granted, -1 failed */
static atomic_int s_stopping; /* the benchmark is over: a disconnection is expected */
static atomic_int s_stopped;
static atomic_int s_terminated;

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

/* What a publish needs: the client copies the topic and payload during the call. */
struct publisher {
    struct aws_mqtt5_client *client;
    struct aws_mqtt5_packet_publish_view view;
    struct aws_mqtt5_publish_completion_options done;
    uint8_t *payload;
};

static void publish(void *ctx, long k) {
    struct publisher *p = ctx;
    if (k) {
        bench_stamp(p->payload);
        /* The latency run counts its publishes too: their completions must not fail. */
        atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
    }
    if (aws_mqtt5_client_publish(p->client, &p->view, &p->done) != AWS_OP_SUCCESS) {
        fprintf(stderr, "publish: %s\n", aws_error_name(aws_last_error()));
        bench_fail(LIB, "aws_mqtt5_client_publish");
    }
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);
    struct bench_aws_io io;
    bench_aws_io_init(&io, LIB);
    if (o.mode == BENCH_LATENCY) {
        bench_latency_init(&s_lat, o.count);
    }

    char id[64];
    snprintf(id, sizeof(id), "bench-aws5-%d", (int)getpid());
    struct aws_mqtt5_packet_connect_view cv = {
        .keep_alive_interval_seconds = 60,
        .client_id = aws_byte_cursor_from_c_str(id),
        .clean_start = true,
    };
    struct aws_mqtt5_client_options co = {
        .host_name = aws_byte_cursor_from_c_str(o.host),
        .port = (uint32_t)o.port,
        .bootstrap = io.bootstrap,
        .socket_options = &io.socket,
        .connect_options = &cv,
        .session_behavior = AWS_MQTT5_CSBT_CLEAN,
        .ping_timeout_ms = 3000,
        .connack_timeout_ms = 3000,
        .publish_received_handler = on_publish_received,
        .lifecycle_event_handler = on_lifecycle,
        .client_termination_handler = on_terminated,
    };
    struct aws_mqtt5_client *client = aws_mqtt5_client_new(io.alloc, &co);
    if (!client) {
        fprintf(stderr, "new: %s\n", aws_error_name(aws_last_error()));
        bench_fail(LIB, "aws_mqtt5_client_new");
    }
    if (aws_mqtt5_client_start(client) != AWS_OP_SUCCESS) {
        fprintf(stderr, "start: %s\n", aws_error_name(aws_last_error()));
        bench_fail(LIB, "aws_mqtt5_client_start");
    }
    bench_wait_flag(LIB, &s_connected, "connect");

    struct publisher pub = {
        .client = client,
        .view =
            {
                .topic = aws_byte_cursor_from_c_str(BENCH_TOPIC),
                .qos = o.qos ? AWS_MQTT5_QOS_AT_LEAST_ONCE : AWS_MQTT5_QOS_AT_MOST_ONCE,
            },
        .done = {.completion_callback = on_publish_complete},
        .payload = malloc(o.payload),
    };
    memset(pub.payload, 'x', o.payload);
    pub.view.payload = aws_byte_cursor_from_array(pub.payload, o.payload);
    struct bench_client bc = {.ctx = &pub, .publish = publish};

    if (o.mode == BENCH_THROUGHPUT) {
        bench_run_throughput(LIB, &o, &s_win, &bc);
    } else {
        struct aws_mqtt5_subscription_view sub = {
            .topic_filter = pub.view.topic,
            .qos = pub.view.qos,
        };
        struct aws_mqtt5_packet_subscribe_view sv = {.subscriptions = &sub, .subscription_count = 1};
        struct aws_mqtt5_subscribe_completion_options sco = {.completion_callback = on_suback};
        if (aws_mqtt5_client_subscribe(client, &sv, &sco) != AWS_OP_SUCCESS) {
            fprintf(stderr, "subscribe: %s\n", aws_error_name(aws_last_error()));
            bench_fail(LIB, "aws_mqtt5_client_subscribe");
        }
        bench_wait_flag(LIB, &s_subscribed, "subscribe");
        bench_window_init(&s_win, o.window);
        bench_run_latency(LIB, &o, &s_lat, &s_win, &bc);
    }

    atomic_store(&s_stopping, 1);
    struct aws_mqtt5_packet_disconnect_view dv = {.reason_code = AWS_MQTT5_DRC_NORMAL_DISCONNECTION};
    if (aws_mqtt5_client_stop(client, &dv, NULL) == AWS_OP_SUCCESS) {
        bench_wait_flag_quietly(&s_stopped, 2000);
    }
    aws_mqtt5_client_release(client);
    bench_wait_flag_quietly(&s_terminated, 2000);
    bench_aws_io_release(&io);
    free(pub.payload);
    return 0;
}

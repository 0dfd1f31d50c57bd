/* This project's MQTT 3.1.1 client (aws/mqtt/client.h) under the benchmark of bench_common.h.
 *
 * One event loop (aws_event_loop_group_new_default with one thread), a default host resolver and
 * a client bootstrap; plain TCP with TCP_NODELAY (aws_socket_options.tcp_nodelay, as libmosquitto
 * gets MOSQ_OPT_TCP_NODELAY), clean session. The main thread calls
 * aws_mqtt_client_connection_publish; its on_complete callback (on the event-loop thread) is the
 * completion: for QoS 0 the message written, for QoS 1 the PUBACK. The client keeps no inflight
 * limit of its own beyond the 65,535 packet identifiers, so the benchmark's window is 65535: a
 * publish refused with AWS_ERROR_MQTT_QUEUE_FULL (every identifier taken) waits for the next
 * completion and is tried again (counted on stderr).
 *
 * The topic and payload of a publish stay untouched until it completes: throughput publishes
 * one constant buffer, latency stamps the next slot of a ring of 64 buffers. */
#include "bench_aws_io.h"

#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/mqtt/client.h>
#include <aws/mqtt/mqtt.h>

#define LIB "aws"
#define RING 64

static struct bench_window s_win;
static struct bench_latency s_lat;
static atomic_int s_connected;  /* 1 connected, -1 failed */
static atomic_int s_subscribed; /* 1 granted, -1 failed */
static atomic_int s_disconnected;
static atomic_long s_queue_full;

static void on_connection_complete(struct aws_mqtt_client_connection *c, int error_code,
                                   enum aws_mqtt_connect_return_code rc, bool session_present, void *ud) {
    (void)c;
    (void)session_present;
    (void)ud;
    if (error_code != 0 || rc != AWS_MQTT_CONNECT_ACCEPTED) {
        fprintf(stderr, "connect failed: %s, return code %d\n", aws_error_name(error_code), (int)rc);
    }
    atomic_store(&s_connected, error_code == 0 && rc == AWS_MQTT_CONNECT_ACCEPTED ? 1 : -1);
}

static void on_publish_complete(struct aws_mqtt_client_connection *c, uint16_t packet_id, int error_code,
                                void *ud) {
    (void)c;
    (void)packet_id;
    (void)ud;
    bench_window_complete(&s_win, error_code == 0);
}

static void on_suback(struct aws_mqtt_client_connection *c, uint16_t packet_id, const struct aws_byte_cursor *topic,
                      enum aws_mqtt_qos qos, int error_code, void *ud) {
    (void)c;
    (void)packet_id;
    (void)topic;
    (void)ud;
    atomic_store(&s_subscribed, error_code == 0 && qos != AWS_MQTT_QOS_FAILURE ? 1 : -1);
}

static void on_message(struct aws_mqtt_client_connection *c, const struct aws_byte_cursor *topic,
                       const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                       void *ud) {
    (void)c;
    (void)topic;
    (void)dup;
    (void)qos;
    (void)retain;
    (void)ud;
    bench_latency_received(&s_lat, payload->ptr, payload->len);
}

static void on_disconnect(struct aws_mqtt_client_connection *c, void *ud) {
    (void)c;
    (void)ud;
    atomic_store(&s_disconnected, 1);
}

/* What a publish needs. The topic and payload stay untouched until the publish completes. */
struct publisher {
    struct aws_mqtt_client_connection *conn;
    struct aws_byte_cursor topic;
    enum aws_mqtt_qos qos;
    struct aws_byte_cursor payload; /* throughput: one constant buffer */
    uint8_t *ring;                  /* RING buffers of payload.len bytes (throughput: one) */
};

/* Publishes, waiting out AWS_ERROR_MQTT_QUEUE_FULL. */
static void publish(void *ctx, long k) {
    struct publisher *p = ctx;
    struct aws_byte_cursor payload = p->payload;
    if (k) {
        /* Keeps at most RING / 2 publishes outstanding, so the slot reused now has completed
         * (one message at a time means one or two are outstanding). */
        if (bench_window_wait_done(&s_win, k - RING / 2 > 0 ? k - RING / 2 : 0, 10) != 0) {
            bench_fail(LIB, "publish not completed within 10 s");
        }
        uint8_t *slot = p->ring + (size_t)(k % RING) * p->payload.len;
        bench_stamp(slot);
        payload = aws_byte_cursor_from_array(slot, p->payload.len);
    }
    uint64_t stuck = 0;
    for (;;) {
        uint16_t id =
            aws_mqtt_client_connection_publish(p->conn, &p->topic, p->qos, false, &payload, on_publish_complete, NULL);
        if (id != 0) {
            break;
        }
        int err = aws_last_error();
        if (err != AWS_ERROR_MQTT_QUEUE_FULL) {
            fprintf(stderr, "publish: %s\n", aws_error_name(err));
            bench_fail(LIB, "aws_mqtt_client_connection_publish");
        }
        atomic_fetch_add(&s_queue_full, 1);
        if (bench_window_backoff(&s_win, &stuck) != 0) {
            bench_fail(LIB, "publish refused with AWS_ERROR_MQTT_QUEUE_FULL for 30 s");
        }
    }
    if (k) {
        /* The latency run counts its publishes too, for the ring's wait above. */
        atomic_fetch_add_explicit(&s_win.sent, 1, memory_order_relaxed);
    }
}

int main(int argc, char **argv) {
    struct bench_opts o = bench_parse(argc, argv, 65535);
    struct bench_aws_io io;
    bench_aws_io_init(&io, LIB);
    struct aws_mqtt_client *client = aws_mqtt_client_new(io.alloc, io.bootstrap);
    struct aws_mqtt_client_connection *conn = client ? aws_mqtt_client_connection_new(client) : NULL;
    if (!conn) {
        bench_fail(LIB, "aws_mqtt_client_new / aws_mqtt_client_connection_new");
    }
    if (o.mode == BENCH_LATENCY) {
        bench_latency_init(&s_lat, o.count);
    }

    char id[64];
    snprintf(id, sizeof(id), "bench-aws-%d", (int)getpid());
    struct aws_mqtt_connection_options co = {
        .host_name = aws_byte_cursor_from_c_str(o.host),
        .port = (uint32_t)o.port,
        .socket_options = &io.socket,
        .client_id = aws_byte_cursor_from_c_str(id),
        .keep_alive_time_secs = 60,
        .ping_timeout_ms = 3000,
        .protocol_operation_timeout_ms = 0,
        .on_connection_complete = on_connection_complete,
        .clean_session = true,
    };
    if (aws_mqtt_client_connection_connect(conn, &co) != AWS_OP_SUCCESS) {
        fprintf(stderr, "connect: %s\n", aws_error_name(aws_last_error()));
        bench_fail(LIB, "aws_mqtt_client_connection_connect");
    }
    bench_wait_flag(LIB, &s_connected, "connect");

    struct publisher pub = {
        .conn = conn,
        .topic = aws_byte_cursor_from_c_str(BENCH_TOPIC),
        .qos = o.qos ? AWS_MQTT_QOS_AT_LEAST_ONCE : AWS_MQTT_QOS_AT_MOST_ONCE,
    };
    size_t buffers = o.mode == BENCH_LATENCY ? RING : 1;
    pub.ring = malloc(buffers * o.payload);
    memset(pub.ring, 'x', buffers * o.payload);
    pub.payload = aws_byte_cursor_from_array(pub.ring, o.payload);
    struct bench_client bc = {.ctx = &pub, .publish = publish};

    if (o.mode == BENCH_THROUGHPUT) {
        bench_run_throughput(LIB, &o, &s_win, &bc);
        fprintf(stderr, "aws: %ld publishes refused with AWS_ERROR_MQTT_QUEUE_FULL, retried\n",
                (long)atomic_load(&s_queue_full));
    } else {
        uint16_t sid =
            aws_mqtt_client_connection_subscribe(conn, &pub.topic, pub.qos, on_message, NULL, NULL, on_suback, NULL);
        if (sid == 0) {
            fprintf(stderr, "subscribe: %s\n", aws_error_name(aws_last_error()));
            bench_fail(LIB, "aws_mqtt_client_connection_subscribe");
        }
        bench_wait_flag(LIB, &s_subscribed, "subscribe");
        bench_window_init(&s_win, o.window);
        bench_run_latency(LIB, &o, &s_lat, &s_win, &bc);
    }

    if (aws_mqtt_client_connection_disconnect(conn, on_disconnect, NULL) == AWS_OP_SUCCESS) {
        bench_wait_flag_quietly(&s_disconnected, 2000);
    }
    aws_mqtt_client_connection_release(conn);
    aws_mqtt_client_release(client);
    bench_aws_io_release(&io);
    free(pub.ring);
    return 0;
}

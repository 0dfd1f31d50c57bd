/* Mutual TLS round trips for the client-identity tests (PKCS#12, PKCS#11): with TLS context
 * options holding a client identity, each client connects to a mosquitto that requires client
 * certificates (trusting the fixture's CA for "localhost"), subscribes, publishes at QoS 1 and
 * receives its message. The options are consumed. */
#ifndef MTLS_FIXTURE_H
#define MTLS_FIXTURE_H

#include "mqtt5_fixture.h"

#include <aws/io/tls_channel_handler.h>

static inline int fx_mtls_311_round_trip(struct aws_allocator *alloc, struct fx_io *io, struct fx_mosquitto *m,
                                         struct aws_tls_ctx_options *ctx_options, const char *client_id) {
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    CHECK_INT_EQ(fx_tls_connection_options(alloc, ctx_options, fx_path(m->dir, "ca.pem"), &ctx, &tls), 0);
    struct aws_mqtt_client *client = aws_mqtt_client_new(alloc, io->bootstrap);
    CHECK(client != NULL);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(client, &c, &ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, m->port, client_id, &ev);
    options.tls_options = &tls;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    aws_tls_connection_options_clean_up(&tls);
    aws_tls_ctx_release(ctx);
    CHECK_WAIT(&ev, ev.complete == 1, 10000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "mtls/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    struct aws_byte_cursor topic = fx_cur("mtls/echo");
    struct aws_byte_cursor payload = fx_cur("signed by the client's key");
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) != 0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "mtls/echo", false) == 1, 5000);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(client);
    return 0;
}

static inline int fx_mtls_5_round_trip(struct aws_allocator *alloc, struct fx_io *io, struct fx_mosquitto *m,
                                       struct aws_tls_ctx_options *ctx_options, const char *client_id) {
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    CHECK_INT_EQ(fx_tls_connection_options(alloc, ctx_options, fx_path(m->dir, "ca.pem"), &ctx, &tls), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, io->bootstrap, m->port, client_id);
    cfg.options.tls_options = &tls;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(alloc, &cfg, &ev, &c), 0);
    aws_tls_connection_options_clean_up(&tls);
    aws_tls_ctx_release(ctx);
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "mtls5/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    struct fx5_op *op = fx5_publish(c, &ev, "mtls5/echo", AWS_MQTT5_QOS_AT_LEAST_ONCE, "signed by the client's key");
    CHECK(op != NULL);
    CHECK_WAIT(&ev, op->completions == 1 && fx5_received_locked(&ev, "mtls5/echo") == 1, 10000);
    return fx5_finish_and_clean_up(c, &ev);
}

#endif /* MTLS_FIXTURE_H */

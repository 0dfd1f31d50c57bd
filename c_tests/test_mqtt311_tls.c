/* The MQTT 3.1.1 client over TLS against mosquitto, with certificates the fixture makes with the
 * openssl CLI: server authentication (our CA as the trust store, server name "localhost"),
 * mutual TLS (a client certificate from the same CA), and the failures: a server the trust
 * store does not vouch for, and a mutual-TLS server reached without a client certificate, each
 * reported by on_connection_complete and on_connection_failure with a non-zero error. */
#include "mqtt_fixture.h"

#include <aws/common/thread.h>
#include <aws/io/tls_channel_handler.h>
#include <aws/mqtt/mqtt.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;

/* Connects with TLS (CA file `ca`; client cert/key when given) to `port`; on success publishes
 * and receives one message, then disconnects. Returns the connect result through `ev`. */
static int s_tls_round_trip(int port, const char *ca, const char *cert, const char *key, struct fx_events *ev) {
    struct aws_tls_ctx_options ctx_options;
    if (cert) {
        CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_from_path(&ctx_options, s_alloc, cert, key), AWS_OP_SUCCESS);
    } else {
        aws_tls_ctx_options_init_default_client(&ctx_options, s_alloc);
    }
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    CHECK_INT_EQ(fx_tls_connection_options(s_alloc, &ctx_options, ca, &ctx, &tls), 0);

    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, port, "fx-tls", ev);
    options.tls_options = &tls;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    /* The connection copied the TLS options: ours can go now. */
    aws_tls_connection_options_clean_up(&tls);
    aws_tls_ctx_release(ctx);
    CHECK_WAIT(ev, ev->complete == 1, 10000);

    if (ev->complete_error == AWS_ERROR_SUCCESS) {
        CHECK_INT_EQ(fx_subscribe(c, ev, "tls/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
        struct aws_byte_cursor topic = fx_cur("tls/echo");
        struct aws_byte_cursor payload = fx_cur("secret");
        CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) !=
              0);
        CHECK_WAIT(ev, fx_received_locked(ev, "tls/echo", false) == 1, 5000);
        CHECK_INT_EQ(fx_disconnect_and_release(c, ev), 0);
    } else {
        CHECK_WAIT(ev, ev->failure == 1, 5000);
        CHECK_INT_EQ(ev->failure_error, ev->complete_error);
        aws_mqtt_client_connection_release(c);
        CHECK_WAIT(ev, ev->terminated == 1, 5000);
    }
    return 0;
}

static int test_tls_with_our_ca(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_tls_round_trip(m.port, fx_path(m.dir, "ca.pem"), NULL, NULL, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev.complete_return_code, AWS_MQTT_CONNECT_ACCEPTED);
    fx_events_clean_up(&ev);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_mutual_tls(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_MTLS), 0);
    char ca[192], cert[192], key[192];
    snprintf(ca, sizeof(ca), "%s", fx_path(m.dir, "ca.pem"));
    snprintf(cert, sizeof(cert), "%s", fx_path(m.dir, "client.pem"));
    snprintf(key, sizeof(key), "%s", fx_path(m.dir, "client.key"));

    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_tls_round_trip(m.port, ca, cert, key, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    fx_events_clean_up(&ev);

    /* Without a client certificate the server ends the handshake (TLS 1.3 may only tell the
     * client after it finished its side: then the connection drops before the CONNACK). */
    fx_events_init(&ev);
    CHECK_INT_EQ(s_tls_round_trip(m.port, ca, NULL, NULL, &ev), 0);
    CHECK(ev.complete_error != AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev.success, 0);
    fx_events_clean_up(&ev);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_an_untrusted_server_fails_the_connect(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    /* other_ca.pem issued nothing mosquitto presents. */
    CHECK_INT_EQ(s_tls_round_trip(m.port, fx_path(m.dir, "other_ca.pem"), NULL, NULL, &ev), 0);
    CHECK(ev.complete_error != AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev.complete_return_code, 0);
    CHECK(!ev.complete_session_present);
    CHECK_INT_EQ(ev.success + ev.interrupted + ev.resumed + ev.closed, 0);
    fx_events_clean_up(&ev);
    fx_mosquitto_stop(&m);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);

    RUN(test_tls_with_our_ca);
    RUN(test_mutual_tls);
    RUN(test_an_untrusted_server_fails_the_connect);

    aws_mqtt_client_release(s_client);
    return fx_suite_end(s_alloc, &s_io);
}

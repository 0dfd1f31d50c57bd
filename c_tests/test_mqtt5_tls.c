/* The MQTT 5 client over TLS against mosquitto, with the certificates the fixture makes: server
 * authentication (our CA as the trust store, server name "localhost"), mutual TLS, and the
 * failures: an untrusted server, and a mutual-TLS server reached without a client certificate,
 * each a CONNECTION_FAILURE with a non-zero error and no CONNECTION_SUCCESS. */
#include "mqtt5_fixture.h"

#include <aws/io/tls_channel_handler.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;

/* Starts a client with TLS (CA file `ca`; client cert/key when given) to `port` and waits for
 * the first attempt's outcome; on success subscribes, publishes at QoS 1 and receives it. */
static int s_tls_attempt(int port, const char *ca, const char *cert, const char *key, struct fx5_events *ev) {
    struct aws_tls_ctx_options ctx_options;
    if (cert) {
        CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_from_path(&ctx_options, s_alloc, cert, key), AWS_OP_SUCCESS);
    } else {
        aws_tls_ctx_options_init_default_client(&ctx_options, s_alloc);
    }
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    CHECK_INT_EQ(fx_tls_connection_options(s_alloc, &ctx_options, ca, &ctx, &tls), 0);

    struct fx5_config cfg;
    fx5_config_init(&cfg, s_io.bootstrap, port, "fx5-tls", ev);
    cfg.options.tls_options = &tls;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, ev, &c), 0);
    /* The client copied the TLS options: ours can go now. */
    aws_tls_connection_options_clean_up(&tls);
    aws_tls_ctx_release(ctx);
    return fx5_outcome_and_round_trip(c, ev, "tls5");
}

static int test_tls_with_our_ca(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_tls_attempt(m.port, fx_path(m.dir, "ca.pem"), NULL, NULL, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_mutual_tls_and_its_missing_client_certificate(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_MTLS), 0);
    char ca[192], cert[192], key[192];
    snprintf(ca, sizeof(ca), "%s", fx_path(m.dir, "ca.pem"));
    snprintf(cert, sizeof(cert), "%s", fx_path(m.dir, "client.pem"));
    snprintf(key, sizeof(key), "%s", fx_path(m.dir, "client.key"));
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_tls_attempt(m.port, ca, cert, key, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);

    /* Without a client certificate the server ends the handshake (with TLS 1.3 the client may
     * learn it only once the connection drops before the CONNACK). */
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_tls_attempt(m.port, ca, NULL, NULL, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 0);
    CHECK(fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0).error_code != AWS_ERROR_SUCCESS);
    fx5_events_clean_up(&ev);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_an_untrusted_server_fails_the_attempt(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    struct fx5_events ev;
    fx5_events_init(&ev);
    /* other_ca.pem issued nothing mosquitto presents. */
    CHECK_INT_EQ(s_tls_attempt(m.port, fx_path(m.dir, "other_ca.pem"), NULL, NULL, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 0);
    struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK(failure.error_code != AWS_ERROR_SUCCESS);
    CHECK(!failure.has_connack);
    fx5_events_clean_up(&ev);
    fx_mosquitto_stop(&m);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    RUN(test_tls_with_our_ca);
    RUN(test_mutual_tls_and_its_missing_client_certificate);
    RUN(test_an_untrusted_server_fails_the_attempt);
    return fx_suite_end(s_alloc, &s_io);
}

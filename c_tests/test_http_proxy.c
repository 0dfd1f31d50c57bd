/* Both MQTT clients through a real HTTP CONNECT proxy on loopback: tinyproxy (env TINYPROXY,
 * default /usr/bin/tinyproxy), run as this program's child with a generated config on a free
 * port, allowing CONNECT to the broker's port only, with basic authentication when a case asks.
 * Behind it mosquitto, plain or with TLS (the TLS to the broker then runs inside the tunnel).
 * Cases: the 3.1.1 client and the MQTT 5 client, plain and TLS with basic authentication, each
 * a subscribe/publish round trip; wrong credentials (tinyproxy answers 407) and a forbidden port
 * (403) fail the attempt with AWS_ERROR_HTTP_PROXY_CONNECT_FAILED; the MQTT 5 client's
 * validation of the proxy options. */
#include "mqtt5_fixture.h"
#include "proxy_fixture.h"

#include <aws/http/http.h>
#include <aws/http/proxy.h>
#include <aws/io/tls_channel_handler.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;

/* TLS options trusting the broker's CA (for the name "localhost"); NULL when `m_dir` is NULL. */
static int s_broker_tls(const char *m_dir, struct aws_tls_ctx **ctx, struct aws_tls_connection_options *tls) {
    struct aws_tls_ctx_options ctx_options;
    aws_tls_ctx_options_init_default_client(&ctx_options, s_alloc);
    CHECK_INT_EQ(fx_tls_connection_options(s_alloc, &ctx_options, fx_path(m_dir, "ca.pem"), ctx, tls), 0);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* MQTT 3.1.1                                                                                 */

/* Connects through the proxy (TLS to the broker when `tls_dir` names the broker's
 * certificates); on success a QoS 1 round trip, then disconnect. The outcome is in `ev`. */
static int s_311_attempt(int broker_port, const char *tls_dir, struct aws_http_proxy_options *proxy,
                         struct fx_events *ev) {
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_http_proxy_options(c, proxy), AWS_OP_SUCCESS);
    /* The connection copied the proxy options. */
    memset(proxy, 0xA5, sizeof(*proxy));

    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, broker_port, "fx-proxy", ev);
    if (tls_dir) {
        CHECK_INT_EQ(s_broker_tls(tls_dir, &ctx, &tls), 0);
        options.tls_options = &tls;
    }
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    if (tls_dir) {
        aws_tls_connection_options_clean_up(&tls);
        aws_tls_ctx_release(ctx);
    }
    CHECK_WAIT(ev, ev->complete == 1, 10000);

    if (ev->complete_error == AWS_ERROR_SUCCESS) {
        CHECK_INT_EQ(fx_subscribe(c, ev, "proxy/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
        struct aws_byte_cursor topic = fx_cur("proxy/echo");
        struct aws_byte_cursor payload = fx_cur("tunnelled");
        CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) !=
              0);
        CHECK_WAIT(ev, fx_received_locked(ev, "proxy/echo", false) == 1, 5000);
        CHECK_INT_EQ(fx_disconnect_and_release(c, ev), 0);
    } else {
        CHECK_WAIT(ev, ev->failure == 1, 5000);
        CHECK_INT_EQ(ev->failure_error, ev->complete_error);
        aws_mqtt_client_connection_release(c);
        CHECK_WAIT(ev, ev->terminated == 1, 5000);
    }
    return 0;
}

static int test_311_through_the_proxy(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(fx_proxy_start(&p, m.port, false), 0);
    struct aws_http_proxy_options proxy = fx_proxy_options(p.port, NULL, NULL);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev.complete_return_code, AWS_MQTT_CONNECT_ACCEPTED);
    fx_events_clean_up(&ev);
    fx_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_311_tls_through_the_proxy_with_basic_auth(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(fx_proxy_start(&p, m.port, true), 0);
    struct aws_http_proxy_options proxy = fx_proxy_options(p.port, FX_PROXY_USER, FX_PROXY_PASSWORD);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, m.dir, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    fx_events_clean_up(&ev);
    fx_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

/* TLS to the proxy (socat terminating TLS in front of tinyproxy), basic authentication, and TLS
 * to the broker inside the tunnel: TLS within TLS. */
static int test_311_tls_to_the_proxy_and_to_the_broker(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(fx_proxy_start(&p, m.port, true), 0);
    char cert[192], key[192];
    snprintf(cert, sizeof(cert), "%s", fx_path(m.dir, "server.pem"));
    snprintf(key, sizeof(key), "%s", fx_path(m.dir, "server.key"));
    struct fx_tls_front front;
    CHECK_INT_EQ(fx_tls_front_start(&front, p.port, cert, key), 0);
    struct aws_tls_ctx *proxy_ctx = NULL;
    struct aws_tls_connection_options proxy_tls;
    CHECK_INT_EQ(s_broker_tls(m.dir, &proxy_ctx, &proxy_tls), 0);
    struct aws_http_proxy_options proxy = fx_proxy_options(front.port, FX_PROXY_USER, FX_PROXY_PASSWORD);
    proxy.tls_options = &proxy_tls;
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, m.dir, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    fx_events_clean_up(&ev);
    aws_tls_connection_options_clean_up(&proxy_tls);
    aws_tls_ctx_release(proxy_ctx);
    fx_tls_front_stop(&front);
    fx_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_311_refusals_fail_with_the_connect_failure(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_events ev;

    /* Wrong credentials: 407. */
    struct fx_proxy p;
    CHECK_INT_EQ(fx_proxy_start(&p, m.port, true), 0);
    struct aws_http_proxy_options proxy = fx_proxy_options(p.port, FX_PROXY_USER, "wrong");
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED);
    CHECK_INT_EQ(ev.success, 0);
    fx_events_clean_up(&ev);
    /* No credentials at all: 407 too. */
    proxy = fx_proxy_options(p.port, NULL, NULL);
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED);
    fx_events_clean_up(&ev);
    fx_proxy_stop(&p);

    /* A port the proxy does not CONNECT to: 403. */
    CHECK_INT_EQ(fx_proxy_start(&p, m.port + 1 > 65535 ? 1 : m.port + 1, false), 0);
    proxy = fx_proxy_options(p.port, NULL, NULL);
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED);
    fx_events_clean_up(&ev);
    fx_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_311_setter_arguments(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_http_proxy_options(c, NULL), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_http_proxy_options proxy = fx_proxy_options(1, NULL, NULL);
    proxy.auth_type = 7;
    CHECK_INT_EQ(aws_mqtt_client_connection_set_http_proxy_options(c, &proxy), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    fx_events_clean_up(&ev);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* MQTT 5                                                                                     */

/* Starts a client through the proxy and waits for the first attempt's outcome; on success a
 * QoS 1 round trip. Stops and releases it. */
static int s_5_attempt(int broker_port, const char *tls_dir, struct aws_http_proxy_options *proxy,
                       struct fx5_events *ev) {
    struct fx5_config cfg;
    fx5_config_init(&cfg, s_io.bootstrap, broker_port, "fx5-proxy", ev);
    cfg.options.http_proxy_options = proxy;
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    if (tls_dir) {
        CHECK_INT_EQ(s_broker_tls(tls_dir, &ctx, &tls), 0);
        cfg.options.tls_options = &tls;
    }
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, ev, &c), 0);
    /* The client copied the options. */
    if (tls_dir) {
        aws_tls_connection_options_clean_up(&tls);
        aws_tls_ctx_release(ctx);
    }
    memset(proxy, 0xA5, sizeof(*proxy));
    return fx5_outcome_and_round_trip(c, ev, "proxy5");
}

static int test_5_through_the_proxy_plain_and_tls_with_basic_auth(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(fx_proxy_start(&p, m.port, false), 0);
    struct aws_http_proxy_options proxy = fx_proxy_options(p.port, NULL, NULL);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);
    fx_proxy_stop(&p);
    fx_mosquitto_stop(&m);

    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    CHECK_INT_EQ(fx_proxy_start(&p, m.port, true), 0);
    proxy = fx_proxy_options(p.port, FX_PROXY_USER, FX_PROXY_PASSWORD);
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(m.port, m.dir, &proxy, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);
    fx_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_5_wrong_credentials_fail_with_the_connect_failure(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(fx_proxy_start(&p, m.port, true), 0);
    struct aws_http_proxy_options proxy = fx_proxy_options(p.port, "someone", FX_PROXY_PASSWORD);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 0);
    struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(failure.error_code, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED);
    CHECK(!failure.has_connack);
    fx5_events_clean_up(&ev);
    fx_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_5_proxy_options_validation(void) {
    struct fx5_events ev;
    fx5_events_init(&ev);
    struct fx5_config cfg;
    fx5_config_init(&cfg, s_io.bootstrap, 1883, "fx5-proxy-validation", &ev);
    struct aws_http_proxy_options proxy = fx_proxy_options(3128, NULL, NULL);
    cfg.options.http_proxy_options = &proxy;

    proxy.host.len = 0;
    CHECK(aws_mqtt5_client_new(s_alloc, &cfg.options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    proxy = fx_proxy_options(0, NULL, NULL);
    CHECK(aws_mqtt5_client_new(s_alloc, &cfg.options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    proxy = fx_proxy_options(65536, NULL, NULL);
    CHECK(aws_mqtt5_client_new(s_alloc, &cfg.options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);

    /* Valid options make a client (not started). */
    proxy = fx_proxy_options(3128, FX_PROXY_USER, FX_PROXY_PASSWORD);
    struct aws_mqtt5_client *c = fx5_client_new(s_alloc, &cfg, &ev);
    CHECK(c != NULL);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    fx5_events_clean_up(&ev);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);

    RUN(test_311_through_the_proxy);
    RUN(test_311_tls_through_the_proxy_with_basic_auth);
    RUN(test_311_tls_to_the_proxy_and_to_the_broker);
    RUN(test_311_refusals_fail_with_the_connect_failure);
    RUN(test_311_setter_arguments);
    RUN(test_5_through_the_proxy_plain_and_tls_with_basic_auth);
    RUN(test_5_wrong_credentials_fail_with_the_connect_failure);
    RUN(test_5_proxy_options_validation);

    aws_mqtt_client_release(s_client);
    return fx_suite_end(s_alloc, &s_io);
}

/* Both MQTT clients over WebSocket. Debian's mosquitto has no websockets listener, so the
 * project's mqtt-test-broker runs in front of it as a WebSocket bridge (--ws-forward): it
 * accepts the upgrade (plain or over TLS), logs the request whole, and forwards the MQTT bytes
 * to mosquitto, which does the MQTT. Cases: a transform (finishing on another thread) that adds
 * a header and a query parameter, seen by the server side; a validator that sees the answer;
 * the server's ping answered; wss://; WebSocket through an HTTP proxy; a transform that fails,
 * a validator that refuses and an upgrade the server refuses, each failing the attempt with its
 * error code; the MQTT 5 client's handshake transform, plain and wss through a proxy. */
#include "mqtt5_fixture.h"
#include "proxy_fixture.h"

#include <aws/http/request_response.h>
#include <aws/io/tls_channel_handler.h>
#include <pthread.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;
static char s_certs[64];

/* Starts the bridge to mosquitto on `mosquitto_port`: over TLS when `tls`, answering upgrades
 * with `status` when not NULL, pinging the client when `ping`. */
static int s_bridge_start(struct fx_broker *b, int mosquitto_port, bool tls, const char *status, bool ping) {
    char port[16], cert[192], key[192];
    snprintf(port, sizeof(port), "%d", mosquitto_port);
    snprintf(cert, sizeof(cert), "%s", fx_path(s_certs, "server.pem"));
    snprintf(key, sizeof(key), "%s", fx_path(s_certs, "server.key"));
    const char *args[12];
    int n = 0;
    args[n++] = "--ws-forward";
    args[n++] = port;
    if (tls) {
        args[n++] = "--tls-cert";
        args[n++] = cert;
        args[n++] = "--tls-key";
        args[n++] = key;
    }
    if (status) {
        args[n++] = "--ws-status";
        args[n++] = status;
    }
    if (ping) {
        args[n++] = "--ws-ping";
    }
    args[n] = NULL;
    return fx_broker_start(b, args);
}

static int s_tls_options(struct aws_tls_ctx **ctx, struct aws_tls_connection_options *tls) {
    struct aws_tls_ctx_options ctx_options;
    aws_tls_ctx_options_init_default_client(&ctx_options, s_alloc);
    CHECK_INT_EQ(fx_tls_connection_options(s_alloc, &ctx_options, fx_path(s_certs, "ca.pem"), ctx, tls), 0);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The user's callbacks                                                                       */

struct hooks {
    /* The transform's behaviour: the error it finishes with (0: success, after adding a
     * header and a query parameter), and whether it finishes on a thread of its own. */
    int transform_error;
    bool on_thread;
    /* The validator's verdict: the error it raises (0: accept). */
    int validator_error;
    /* What the callbacks saw. */
    int transforms;
    int validations;
    bool answer_had_upgrade;
    bool request_had_key;
};

struct completion {
    struct aws_http_message *request;
    int error;
    aws_mqtt_transform_websocket_handshake_complete_fn *complete_fn;
    void *complete_ctx;
};

static void *s_complete_later(void *arg) {
    struct completion *c = arg;
    fx_sleep_ms(20);
    c->complete_fn(c->request, c->error, c->complete_ctx);
    free(c);
    return NULL;
}

/* Adds `X-Test-Header: hello` and `?x-amz-test=1` as SigV4 presigning would, checks what the
 * request looks like, then finishes (now or on another thread). */
static void s_transform(struct aws_http_message *request, void *user_data,
                        aws_mqtt_transform_websocket_handshake_complete_fn *complete_fn, void *complete_ctx) {
    struct hooks *h = user_data;
    h->transforms++;
    int error = h->transform_error;
    if (!error) {
        struct aws_byte_cursor path, method;
        bool ok = aws_http_message_get_request_path(request, &path) == AWS_OP_SUCCESS &&
                  aws_byte_cursor_eq_c_str(&path, "/mqtt") &&
                  aws_http_message_get_request_method(request, &method) == AWS_OP_SUCCESS &&
                  aws_byte_cursor_eq_c_str(&method, "GET");
        struct aws_byte_cursor key;
        h->request_had_key =
            aws_http_headers_get(aws_http_message_get_headers(request), fx_cur("Sec-WebSocket-Key"), &key) ==
                AWS_OP_SUCCESS &&
            key.len == 24;
        struct aws_http_header header = {.name = fx_cur("X-Test-Header"), .value = fx_cur("hello")};
        ok = ok && aws_http_message_add_header(request, header) == AWS_OP_SUCCESS &&
             aws_http_message_set_request_path(request, fx_cur("/mqtt?x-amz-test=1")) == AWS_OP_SUCCESS;
        if (!ok) {
            error = AWS_ERROR_INVALID_STATE;
        }
    }
    if (h->on_thread) {
        struct completion *c = malloc(sizeof(*c));
        *c = (struct completion){request, error, complete_fn, complete_ctx};
        pthread_t t;
        pthread_create(&t, NULL, s_complete_later, c);
        pthread_detach(t);
    } else {
        complete_fn(request, error, complete_ctx);
    }
}

static int s_validator(struct aws_mqtt_client_connection *connection, const struct aws_http_header *header_array,
                       size_t num_headers, void *userdata) {
    (void)connection;
    struct hooks *h = userdata;
    h->validations++;
    for (size_t i = 0; i < num_headers; ++i) {
        if (aws_byte_cursor_eq_c_str_ignore_case(&header_array[i].name, "upgrade") &&
            aws_byte_cursor_eq_c_str_ignore_case(&header_array[i].value, "websocket")) {
            h->answer_had_upgrade = true;
        }
    }
    return h->validator_error ? aws_raise_error(h->validator_error) : AWS_OP_SUCCESS;
}

/* ------------------------------------------------------------------------------------------ */
/* MQTT 3.1.1                                                                                 */

/* Connects to `port` over WebSocket (TLS when `tls`, through `proxy` when set) with `h`'s
 * callbacks; on success a QoS 1 round trip and a disconnect. The outcome is in `ev`. */
static int s_311_attempt_with(int port, bool tls, struct aws_http_proxy_options *proxy, struct hooks *h,
                              struct fx_events *ev, size_t big_payload) {
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_use_websockets(c, s_transform, h, s_validator, h), AWS_OP_SUCCESS);
    if (proxy) {
        CHECK_INT_EQ(aws_mqtt_client_connection_set_http_proxy_options(c, proxy), AWS_OP_SUCCESS);
    }
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls_options;
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, port, "fx-ws", ev);
    if (tls) {
        CHECK_INT_EQ(s_tls_options(&ctx, &tls_options), 0);
        options.tls_options = &tls_options;
    }
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    if (tls) {
        aws_tls_connection_options_clean_up(&tls_options);
        aws_tls_ctx_release(ctx);
    }
    CHECK_WAIT(ev, ev->complete == 1, 10000);
    if (ev->complete_error == AWS_ERROR_SUCCESS) {
        CHECK_INT_EQ(fx_subscribe(c, ev, "ws/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
        struct aws_byte_cursor topic = fx_cur("ws/echo");
        struct aws_byte_cursor payload = fx_cur("framed");
        CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) !=
              0);
        CHECK_WAIT(ev, fx_received_locked(ev, "ws/echo", false) == 1, 5000);
        if (big_payload) {
            /* Many frames each way, more than the socket takes at once. */
            uint8_t *bytes = malloc(big_payload);
            CHECK(bytes != NULL);
            for (size_t i = 0; i < big_payload; ++i) {
                bytes[i] = (uint8_t)(i * 7);
            }
            struct aws_byte_cursor big = aws_byte_cursor_from_array(bytes, big_payload);
            struct aws_byte_cursor big_topic = fx_cur("ws/big");
            CHECK(aws_mqtt_client_connection_publish(c, &big_topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &big, NULL,
                                                     NULL) != 0);
            free(bytes);
            CHECK_WAIT(ev, fx_received_locked(ev, "ws/big", false) == 1, 10000);
            aws_mutex_lock(&ev->lock);
            size_t got = fx_find_publish_locked(ev, "ws/big")->payload_len;
            aws_mutex_unlock(&ev->lock);
            CHECK_INT_EQ(got, big_payload);
        }
        CHECK_INT_EQ(fx_disconnect_and_release(c, ev), 0);
    } else {
        aws_mqtt_client_connection_disconnect(c, NULL, NULL);
        aws_mqtt_client_connection_release(c);
        CHECK_WAIT(ev, ev->terminated == 1, 5000);
    }
    return 0;
}

static int s_311_attempt(int port, bool tls, struct aws_http_proxy_options *proxy, struct hooks *h,
                         struct fx_events *ev) {
    return s_311_attempt_with(port, tls, proxy, h, ev, 0);
}

static int test_311_transform_validator_and_ping(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_broker b;
    CHECK_INT_EQ(s_bridge_start(&b, m.port, false, NULL, true), 0);
    struct hooks h = {.on_thread = true};
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(b.port, false, NULL, &h, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(h.transforms, 1);
    CHECK(h.request_had_key);
    /* Upstream's adapter never calls the validator (MQTT 5 has none). */
    CHECK_INT_EQ(h.validations, FX_NATIVE_OR_ADAPTER(1, 0));
    CHECK(h.answer_had_upgrade || fx_via_adapter());
    /* The server side saw upstream's request with the transform's changes. */
    const char *upgrade[] = {"\"ws_upgrade\"", "GET /mqtt?x-amz-test=1 HTTP/1.1", "X-Test-Header: hello",
                             "Sec-WebSocket-Protocol: mqtt", "Sec-WebSocket-Version: 13", "Upgrade: websocket",
                             NULL};
    CHECK_INT_EQ(fx_log_count(&b, upgrade), 1);
    /* The bridge's ping was answered (RFC 6455 5.5.2). */
    const char *pong[] = {"\"ws_pong\"", "test-broker", NULL};
    CHECK_INT_EQ(fx_log_wait_count(&b, pong, 1, 5000), 1);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_311_wss_and_websocket_through_a_proxy(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_broker b;
    CHECK_INT_EQ(s_bridge_start(&b, m.port, true, NULL, false), 0);
    struct hooks h = {0};
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt_with(b.port, true, NULL, &h, &ev, 4 * 1024 * 1024), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    fx_events_clean_up(&ev);

    /* wss through tinyproxy with basic authentication. */
    struct fx_proxy p;
    CHECK_INT_EQ(fx_proxy_start(&p, b.port, true), 0);
    struct aws_http_proxy_options proxy = fx_proxy_options(p.port, FX_PROXY_USER, FX_PROXY_PASSWORD);
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(b.port, true, &proxy, &h, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    fx_events_clean_up(&ev);
    const char *upgrades[] = {"\"ws_upgrade\"", "X-Test-Header: hello", NULL};
    CHECK_INT_EQ(fx_log_count(&b, upgrades), 2);
    fx_proxy_stop(&p);
    fx_broker_stop(&b);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_311_failures_carry_their_error_codes(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_broker b;
    CHECK_INT_EQ(s_bridge_start(&b, m.port, false, NULL, false), 0);
    struct fx_events ev;

    /* The transform fails: the attempt fails with its code, nothing is sent. */
    struct hooks failing = {.transform_error = AWS_ERROR_UNSUPPORTED_OPERATION, .on_thread = true};
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(b.port, false, NULL, &failing, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_UNSUPPORTED_OPERATION);
    CHECK_INT_EQ(failing.validations, 0);
    fx_events_clean_up(&ev);
    const char *any_upgrade[] = {"\"ws_upgrade\"", NULL};
    CHECK_INT_EQ(fx_log_count(&b, any_upgrade), 0);

    /* The validator refuses: the attempt fails with the error it raised (upstream's adapter
     * never calls it). */
    if (!fx_via_adapter()) {
        struct hooks refusing = {.validator_error = AWS_ERROR_INVALID_STATE};
        fx_events_init(&ev);
        CHECK_INT_EQ(s_311_attempt(b.port, false, NULL, &refusing, &ev), 0);
        CHECK_INT_EQ(ev.complete_error, AWS_ERROR_INVALID_STATE);
        CHECK_INT_EQ(refusing.validations, 1);
        fx_events_clean_up(&ev);
    }
    fx_broker_stop(&b);

    /* The server refuses the upgrade. */
    CHECK_INT_EQ(s_bridge_start(&b, m.port, false, "403", false), 0);
    struct hooks plain = {0};
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(b.port, false, NULL, &plain, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE);
    CHECK_INT_EQ(plain.validations, 0);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    fx_mosquitto_stop(&m);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* MQTT 5                                                                                     */

static void s_transform5(struct aws_http_message *request, void *user_data,
                         aws_mqtt5_transform_websocket_handshake_complete_fn *complete_fn, void *complete_ctx) {
    s_transform(request, user_data, complete_fn, complete_ctx);
}

/* Starts a client over WebSocket (TLS when `tls`, through `proxy` when set) and waits for the
 * first attempt's outcome; on success a QoS 1 round trip. */
static int s_5_attempt(int port, bool tls, struct aws_http_proxy_options *proxy, struct hooks *h,
                       struct fx5_events *ev) {
    struct fx5_config cfg;
    fx5_config_init(&cfg, s_io.bootstrap, port, "fx5-ws", ev);
    cfg.options.websocket_handshake_transform = s_transform5;
    cfg.options.websocket_handshake_transform_user_data = h;
    cfg.options.http_proxy_options = proxy;
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls_options;
    if (tls) {
        CHECK_INT_EQ(s_tls_options(&ctx, &tls_options), 0);
        cfg.options.tls_options = &tls_options;
    }
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, ev, &c), 0);
    if (tls) {
        aws_tls_connection_options_clean_up(&tls_options);
        aws_tls_ctx_release(ctx);
    }
    return fx5_outcome_and_round_trip(c, ev, "ws5");
}

static int test_5_transform_plain_and_wss_through_tls_to_a_proxy(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_broker b;
    CHECK_INT_EQ(s_bridge_start(&b, m.port, false, NULL, true), 0);
    struct hooks h = {0};
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(b.port, false, NULL, &h, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    CHECK_INT_EQ(h.transforms, 1);
    fx5_events_clean_up(&ev);
    const char *upgrade[] = {"\"ws_upgrade\"", "GET /mqtt?x-amz-test=1 HTTP/1.1", "X-Test-Header: hello", NULL};
    CHECK_INT_EQ(fx_log_count(&b, upgrade), 1);
    fx_broker_stop(&b);

    /* wss, through TLS to the proxy (socat in front of tinyproxy) with basic authentication. */
    CHECK_INT_EQ(s_bridge_start(&b, m.port, true, NULL, false), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(fx_proxy_start(&p, b.port, true), 0);
    char cert[192], key[192];
    snprintf(cert, sizeof(cert), "%s", fx_path(s_certs, "server.pem"));
    snprintf(key, sizeof(key), "%s", fx_path(s_certs, "server.key"));
    struct fx_tls_front front;
    CHECK_INT_EQ(fx_tls_front_start(&front, p.port, cert, key), 0);
    struct aws_tls_ctx *proxy_ctx = NULL;
    struct aws_tls_connection_options proxy_tls;
    CHECK_INT_EQ(s_tls_options(&proxy_ctx, &proxy_tls), 0);
    struct aws_http_proxy_options proxy = fx_proxy_options(front.port, FX_PROXY_USER, FX_PROXY_PASSWORD);
    proxy.tls_options = &proxy_tls;
    struct hooks h2 = {.on_thread = true};
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(b.port, true, &proxy, &h2, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);
    aws_tls_connection_options_clean_up(&proxy_tls);
    aws_tls_ctx_release(proxy_ctx);
    fx_tls_front_stop(&front);
    fx_proxy_stop(&p);
    fx_broker_stop(&b);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_5_failing_transform_and_refused_upgrade(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_broker b;
    CHECK_INT_EQ(s_bridge_start(&b, m.port, false, "503", false), 0);
    struct hooks failing = {.transform_error = AWS_ERROR_UNSUPPORTED_OPERATION};
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(b.port, false, NULL, &failing, &ev), 0);
    struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(failure.error_code, AWS_ERROR_UNSUPPORTED_OPERATION);
    fx5_events_clean_up(&ev);

    struct hooks plain = {0};
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(b.port, false, NULL, &plain, &ev), 0);
    failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(failure.error_code, AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 0);
    fx5_events_clean_up(&ev);
    fx_broker_stop(&b);
    fx_mosquitto_stop(&m);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);
    snprintf(s_certs, sizeof(s_certs), "/tmp/ws-certs-XXXXXX");
    CHECK(mkdtemp(s_certs) != NULL);
    fx_track(0, s_certs);
    CHECK_INT_EQ(fx_make_certificates(s_certs), 0);

    RUN(test_311_transform_validator_and_ping);
    RUN(test_311_wss_and_websocket_through_a_proxy);
    RUN(test_311_failures_carry_their_error_codes);
    RUN(test_5_transform_plain_and_wss_through_tls_to_a_proxy);
    RUN(test_5_failing_transform_and_refused_upgrade);

    fx_remove_dir(s_certs);
    aws_mqtt_client_release(s_client);
    return fx_suite_end(s_alloc, &s_io);
}

/* What the AWS IoT builder tests (test_iot_builder_*.c) share: a directory with the test PKI
 * (fx_make_certificates) and an RSA key pair of a custom authorizer with a token signed by it,
 * and the test brokers each connection method connects to: mutual TLS, a custom authorizer
 * (signed or unsigned, over TLS or plain behind the WebSocket bridge), and the WebSocket
 * bridge (wss with the test PKI, optionally checking SigV4) in front of a broker. */
#ifndef IOT_BUILDER_FIXTURE_H
#define IOT_BUILDER_FIXTURE_H

#include "mqtt5_fixture.h"
#include "proxy_fixture.h"

#include <aws/auth/credentials.h>
#include <aws/iotdevice/iotdevice.h>
#include <aws/iotdevice/mqtt5_client_builder.h>
#include <aws/iotdevice/mqtt_connection_builder.h>

#define IB_AUTHORIZER "TestAuthorizer"
#define IB_TOKEN_KEY "x-token"
#define IB_TOKEN "token-value/42"
#define IB_PASSWORD "authorizer-password"
#define IB_ACCESS_KEY "AKIDBUILDERTEST"
#define IB_SECRET "builder/secret+key"
#define IB_SESSION_TOKEN "session/token+of=the-test"
#define IB_REGION "us-east-1"

struct ib_env {
    char dir[64];
    char signature[512];         /* base64 RSA-SHA256 signature of IB_TOKEN */
    char signature_encoded[1024]; /* the same, URL-encoded as the SDKs send it */
    char other_signature[512];   /* the signature of another token: a bad one */
};

/* `src` URL-encoded as a query parameter value (letters, digits and -_.~ kept). */
static inline void ib_url_encode(char *dst, size_t size, const char *src) {
    size_t n = 0;
    for (; *src && n + 4 < size; ++src) {
        unsigned char c = (unsigned char)*src;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~", c)) {
            dst[n++] = (char)c;
        } else {
            n += (size_t)snprintf(dst + n, size - n, "%%%02X", c);
        }
    }
    dst[n] = '\0';
}

/* The base64 signature of `token` by the authorizer's key, into `out`. */
static inline int ib_sign(const struct ib_env *e, const char *token, char *out, size_t size) {
    char command[512];
    snprintf(command, sizeof(command),
             "printf '%%s' '%s' | openssl dgst -sha256 -sign '%s/auth.key' | base64 -w0", token, e->dir);
    FILE *p = popen(command, "r");
    CHECK(p != NULL);
    size_t len = fread(out, 1, size - 1, p);
    out[len] = '\0';
    CHECK_INT_EQ(pclose(p), 0);
    CHECK(len > 300); /* a 2048-bit signature: 344 base64 characters */
    return 0;
}

static inline int ib_env_init(struct ib_env *e) {
    memset(e, 0, sizeof(*e));
    snprintf(e->dir, sizeof(e->dir), "/tmp/iot-builder-XXXXXX");
    CHECK(mkdtemp(e->dir) != NULL);
    fx_track(0, e->dir);
    CHECK_INT_EQ(fx_make_certificates(e->dir), 0);
    char command[512];
    snprintf(command, sizeof(command),
             "(set -e; cd '%s'; openssl genrsa -out auth.key 2048; openssl rsa -in auth.key -pubout -out auth.pub)"
             " >/dev/null 2>&1",
             e->dir);
    CHECK_INT_EQ(fx_sh(command), 0);
    CHECK_INT_EQ(ib_sign(e, IB_TOKEN, e->signature, sizeof(e->signature)), 0);
    CHECK_INT_EQ(ib_sign(e, "another token", e->other_signature, sizeof(e->other_signature)), 0);
    ib_url_encode(e->signature_encoded, sizeof(e->signature_encoded), e->signature);
    return 0;
}

/* A file of the environment's directory, as a string the caller keeps. */
static inline void ib_file(const struct ib_env *e, const char *name, char *out, size_t size) {
    snprintf(out, size, "%s/%s", e->dir, name);
}

/* A broker over TLS (the test PKI) that requires a client certificate of the CA. */
static inline int ib_broker_mtls(struct fx_broker *b, const struct ib_env *e) {
    char cert[128], key[128], ca[128];
    ib_file(e, "server.pem", cert, sizeof(cert));
    ib_file(e, "server.key", key, sizeof(key));
    ib_file(e, "ca.pem", ca, sizeof(ca));
    const char *args[] = {"--tls-cert", cert, "--tls-key", key, "--tls-client-ca", ca, NULL};
    return fx_broker_start(b, args);
}

/* A broker checking a custom authorizer: signed (the token under IB_TOKEN_KEY, the
 * environment's key) or unsigned (IB_PASSWORD); over TLS offering ALPN "mqtt", or plain (for
 * the WebSocket bridge to forward to). */
static inline int ib_broker_authorizer(struct fx_broker *b, const struct ib_env *e, bool tls, bool signed_token) {
    char cert[128], key[128], spec[256];
    ib_file(e, "server.pem", cert, sizeof(cert));
    ib_file(e, "server.key", key, sizeof(key));
    if (signed_token) {
        snprintf(spec, sizeof(spec), "%s:%s:%s/auth.pub", IB_AUTHORIZER, IB_TOKEN_KEY, e->dir);
    } else {
        snprintf(spec, sizeof(spec), "%s:%s", IB_AUTHORIZER, IB_PASSWORD);
    }
    const char *args[] = {signed_token ? "--custom-authorizer" : "--custom-authorizer-unsigned",
                          spec,
                          tls ? "--tls-cert" : NULL,
                          cert,
                          "--tls-key",
                          key,
                          "--alpn",
                          "mqtt",
                          NULL};
    return fx_broker_start(b, args);
}

/* The WebSocket bridge over TLS (the test PKI) forwarding to `port`, checking SigV4 presigning
 * for IB_ACCESS_KEY/IB_SECRET/IB_REGION with IB_SESSION_TOKEN when `sigv4`. */
static inline int ib_bridge(struct fx_broker *b, const struct ib_env *e, int port, bool sigv4) {
    char forward[16], cert[128], key[128];
    snprintf(forward, sizeof(forward), "%d", port);
    ib_file(e, "server.pem", cert, sizeof(cert));
    ib_file(e, "server.key", key, sizeof(key));
    const char *args[] = {"--ws-forward", forward, "--tls-cert", cert, "--tls-key", key,
                          sigv4 ? "--ws-sigv4" : NULL,
                          IB_ACCESS_KEY ":" IB_SECRET ":" IB_REGION ":" IB_SESSION_TOKEN, NULL};
    return fx_broker_start(b, args);
}

/* The signed authorizer's configuration for `signature` (user name "device"). */
static inline struct aws_iot_custom_authorizer_config ib_signed_config(const char *signature) {
    struct aws_iot_custom_authorizer_config c;
    memset(&c, 0, sizeof(c));
    c.username = fx_cur("device");
    c.authorizer_name = fx_cur(IB_AUTHORIZER);
    c.token_key_name = fx_cur(IB_TOKEN_KEY);
    c.token_value = fx_cur(IB_TOKEN);
    c.token_signature = fx_cur(signature);
    return c;
}

/* The unsigned authorizer's configuration with `password`. */
static inline struct aws_iot_custom_authorizer_config ib_unsigned_config(const char *password) {
    struct aws_iot_custom_authorizer_config c;
    memset(&c, 0, sizeof(c));
    c.username = fx_cur("device");
    c.authorizer_name = fx_cur(IB_AUTHORIZER);
    c.password = fx_cur(password);
    return c;
}

/* The CONNECT user name the broker logged, JSON-escaped as the log writes it ('/' is left as it
 * is), is exactly `expected`. */
static inline int ib_check_username(const struct fx_broker *b, const char *expected) {
    char fragment[1600];
    snprintf(fragment, sizeof(fragment), "\"username\":\"%s\"", expected);
    if (fx_log_wait_count(b, FX_FRAGMENTS("\"type\":\"CONNECT\"", fragment), 1, 5000) < 1) {
        fprintf(stderr, "no CONNECT with user name %s\n", expected);
        fx_broker_dump_log(b);
        return 1;
    }
    return 0;
}


/* The suite's allocator, event loop, and PKI, set up by the test's main. */
static struct aws_allocator *ib_alloc;
static struct fx_io ib_io;
static struct ib_env ib_pki;
/* Set while a test gives the CA in memory: ib5_common leaves the CA alone (the TLS options, as
 * upstream's, refuse a second trust store). */
static bool ib5_ca_in_memory;

#define METRICS "SDK=IoTDeviceSDK/C&Platform=Unix"

/* The test PKI's client certificate and key files. */
struct ib_identity {
    char cert[128];
    char key[128];
};

static inline struct ib_identity ib_identity(void) {
    struct ib_identity id;
    ib_file(&ib_pki, "client.pem", id.cert, sizeof(id.cert));
    ib_file(&ib_pki, "client.key", id.key, sizeof(id.key));
    return id;
}

/* What checks the CONNECT behind the WebSocket bridge of ib_ws_pair. */
enum ib_authorizer { IB_NO_AUTHORIZER, IB_UNSIGNED_AUTHORIZER, IB_SIGNED_AUTHORIZER };

/* A plain broker (checking `authorizer`) and the wss bridge in front of it (checking SigV4
 * when `sigv4`). */
static inline int ib_ws_pair(struct fx_broker *broker, struct fx_broker *bridge, enum ib_authorizer authorizer,
                             bool sigv4) {
    if (authorizer == IB_NO_AUTHORIZER) {
        CHECK_INT_EQ(fx_broker_start(broker, NULL), 0);
    } else {
        CHECK_INT_EQ(ib_broker_authorizer(broker, &ib_pki, false, authorizer == IB_SIGNED_AUTHORIZER), 0);
    }
    return ib_bridge(bridge, &ib_pki, broker->port, sigv4);
}

static inline void ib_ws_pair_stop(struct fx_broker *broker, struct fx_broker *bridge) {
    fx_broker_stop(bridge);
    fx_broker_stop(broker);
}

/* ---- MQTT 5 builders ---------------------------------------------------------------------- */

/* The test's handlers, a client id, keep alive 30 s, the fixture's bootstrap and `port`. */
static inline int ib5_common(struct aws_iot_mqtt5_client_builder *b, struct fx5_events *ev, int port, const char *client_id,
                    const char *username) {
    CHECK(b != NULL);
    struct aws_byte_cursor user = fx_cur(username ? username : "");
    struct aws_mqtt5_packet_connect_view connect = {
        .client_id = fx_cur(client_id),
        .keep_alive_interval_seconds = 30,
        .username = username ? &user : NULL,
    };
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_connect_options(b, &connect), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_port(b, (uint32_t)port), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_bootstrap(b, ib_io.bootstrap), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_lifecycle_event_handler(b, fx5_on_lifecycle, ev), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_publish_received_handler(b, fx5_on_publish_received, ev),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_client_termination_handler(b, fx5_on_termination, ev),
                 AWS_OP_SUCCESS);
    struct aws_socket_options socket = {.type = AWS_SOCKET_STREAM, .domain = AWS_SOCKET_IPV4, .connect_timeout_ms = 3000};
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_socket_options(b, &socket), AWS_OP_SUCCESS);
    if (!ib5_ca_in_memory) {
        char ca[128];
        ib_file(&ib_pki, "ca.pem", ca, sizeof(ca));
        CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(b, ca), AWS_OP_SUCCESS);
    }
    return 0;
}

/* Builds a client, starts it, and either round-trips a message or expects the first attempt
 * to fail with `failure` (then the CONNACK reason code `connack`, when not 0). */
static inline int ib5_run(struct aws_iot_mqtt5_client_builder *b, struct fx5_events *ev, const char *prefix, int failure,
                 int connack) {
    struct aws_mqtt5_client *c = aws_iot_mqtt5_client_builder_build(b);
    CHECK(c != NULL);
    ev->client = c;
    CHECK_INT_EQ(aws_mqtt5_client_start(c), AWS_OP_SUCCESS);
    if (failure == 0) {
        CHECK_INT_EQ(fx5_outcome_and_round_trip(c, ev, prefix), 0);
        CHECK_INT_EQ(fx5_count(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
        return 0;
    }
    CHECK_WAIT(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >= 1, 10000);
    struct fx5_event e = fx5_nth(ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(e.error_code, failure);
    if (connack) {
        CHECK(e.has_connack);
        CHECK_INT_EQ(e.connack_reason_code, connack);
    }
    CHECK_INT_EQ(fx5_count(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 0);
    return fx5_finish(c, ev);
}

/* A mutual-TLS builder (the test PKI's client identity) for the broker on `port`, with
 * ib5_common's settings; NULL when something failed. */
static inline struct aws_iot_mqtt5_client_builder *ib5_mtls_builder(struct fx5_events *ev, int port,
                                                                    const char *client_id) {
    struct ib_identity id = ib_identity();
    struct aws_iot_mqtt5_client_builder *b =
        aws_iot_mqtt5_client_builder_new_mtls_from_path(ib_alloc, fx_cur("localhost"), id.cert, id.key);
    if (b && ib5_common(b, ev, port, client_id, NULL)) {
        aws_iot_mqtt5_client_builder_destroy(b);
        return NULL;
    }
    return b;
}

/* ---- 3.1.1 builders ---------------------------------------------------------------------- */

/* The fixture's bootstrap and CA, `port`, the client id, and the test's termination handler. */
static inline int ib311_common(struct aws_iot_mqtt_connection_builder *b, struct fx_events *ev, int port, const char *client_id) {
    CHECK(b != NULL);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_port(b, (uint32_t)port), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_bootstrap(b, ib_io.bootstrap), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_client_id(b, fx_cur(client_id)), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_connect_settings(b, 30, 3000, 0, true), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_connection_termination_handler(b, fx_on_termination, ev),
                 AWS_OP_SUCCESS);
    char ca[128];
    ib_file(&ib_pki, "ca.pem", ca, sizeof(ca));
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_certificate_authority_from_path(b, ca), AWS_OP_SUCCESS);
    return 0;
}

/* Builds a connection and connects it with the filled options; waits for the outcome. */
static inline int ib311_connect(struct aws_iot_mqtt_connection_builder *b, struct fx_events *ev,
                     struct aws_mqtt_client_connection **out) {
    struct aws_mqtt_connection_options options;
    *out = aws_iot_mqtt_connection_builder_build(b, &options);
    CHECK(*out != NULL);
    ev->connection = *out;
    CHECK_INT_EQ(aws_mqtt_client_connection_set_connection_result_handlers(*out, fx_on_success, ev, fx_on_failure, ev),
                 AWS_OP_SUCCESS);
    CHECK(options.tls_options != NULL && options.socket_options != NULL);
    options.on_connection_complete = fx_on_connection_complete;
    options.user_data = ev;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(*out, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, ev->complete >= 1, 10000);
    return 0;
}

/* Connects, round-trips a message under `prefix`, disconnects and releases. */
static inline int ib311_round_trip(struct aws_iot_mqtt_connection_builder *b, const char *prefix) {
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_connection_termination_handler(b, fx_on_termination, &ev),
                 AWS_OP_SUCCESS);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(ib311_connect(b, &ev, &c), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    char filter[64], topic[64];
    snprintf(filter, sizeof(filter), "%s/#", prefix);
    snprintf(topic, sizeof(topic), "%s/echo", prefix);
    CHECK_INT_EQ(fx_subscribe(c, &ev, filter, AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    struct aws_byte_cursor topic_cur = fx_cur(topic), payload = fx_cur("round trip");
    CHECK(aws_mqtt_client_connection_publish(c, &topic_cur, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) !=
          0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, topic, false) == 1, 10000);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    return 0;
}

/* Connects and expects the attempt to fail with `error` (and `return_code`); releases. */
static inline int ib311_refused(struct aws_iot_mqtt_connection_builder *b, int error, int return_code) {
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_connection_termination_handler(b, fx_on_termination, &ev),
                 AWS_OP_SUCCESS);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(ib311_connect(b, &ev, &c), 0);
    CHECK_INT_EQ(ev.complete_error, error);
    CHECK_INT_EQ(ev.complete_return_code, return_code);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 10000);
    fx_events_clean_up(&ev);
    return 0;
}

/* A mutual-TLS 3.1.1 builder for the broker on `port`, with ib311_common's settings. */
static inline struct aws_iot_mqtt_connection_builder *ib311_mtls_builder(struct fx_events *ev, int port,
                                                                         const char *client_id) {
    struct ib_identity id = ib_identity();
    struct aws_iot_mqtt_connection_builder *b =
        aws_iot_mqtt_connection_builder_new_mtls_from_path(ib_alloc, fx_cur("localhost"), id.cert, id.key);
    if (b && ib311_common(b, ev, port, client_id)) {
        aws_iot_mqtt_connection_builder_destroy(b);
        return NULL;
    }
    return b;
}

static inline struct aws_credentials_provider *ib_static_provider(const char *secret) {
    struct aws_credentials_provider_static_options options = {
        .access_key_id = fx_cur(IB_ACCESS_KEY),
        .secret_access_key = fx_cur(secret),
        .session_token = fx_cur(IB_SESSION_TOKEN),
    };
    return aws_credentials_provider_new_static(ib_alloc, &options);
}

#endif /* IOT_BUILDER_FIXTURE_H */

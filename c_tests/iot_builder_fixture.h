/* What the AWS IoT builder tests (test_iot_builder_*.c) share: a directory with the test PKI
 * (fx_make_certificates) and an RSA key pair of a custom authorizer with a token signed by it,
 * and the test brokers each connection method connects to: mutual TLS, a custom authorizer
 * (signed or unsigned, over TLS or plain behind the WebSocket bridge), and the WebSocket
 * bridge (wss with the test PKI, optionally checking SigV4) in front of a broker. */
#ifndef IOT_BUILDER_FIXTURE_H
#define IOT_BUILDER_FIXTURE_H

#include "mqtt5_fixture.h"

#include <aws/iotdevice/iotdevice.h>

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

#endif /* IOT_BUILDER_FIXTURE_H */

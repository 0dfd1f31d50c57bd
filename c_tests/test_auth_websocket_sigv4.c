/* The AWS IoT WebSocket flow end to end (issue 16): both clients connect over wss:// with a
 * handshake transform that presigns the upgrade request with aws-c-auth exactly as the SDKs do
 * (aws_signable_new_http_request, aws_sign_request_aws with query-parameter signing for
 * iotdevicegateway and the session token left out of the signature, then
 * aws_apply_signing_result_to_http_request), through the test broker's WebSocket bridge, which
 * recomputes the signature from the known secret (--ws-sigv4) and refuses a wrong one. */

#include "mqtt5_fixture.h"

#include <aws/auth/credentials.h>
#include <aws/auth/signable.h>
#include <aws/auth/signing.h>
#include <aws/auth/signing_config.h>
#include <aws/auth/signing_result.h>
#include <aws/common/date_time.h>
#include <aws/http/request_response.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static char s_certs[64];

#define ACCESS_KEY "AKIDIOTTEST"
#define SECRET "iot/websocket+secret"
#define TOKEN "session-token/of+the:test"
#define REGION "us-east-1"

/* What one presigning needs until its completion. */
struct signing {
    struct aws_http_message *request;
    struct aws_signable *signable;
    aws_mqtt5_transform_websocket_handshake_complete_fn *complete_fn;
    void *complete_ctx;
};

static void s_on_signed(struct aws_signing_result *result, int error_code, void *user_data) {
    struct signing *s = user_data;
    if (error_code == AWS_ERROR_SUCCESS) {
        error_code = aws_apply_signing_result_to_http_request(s->request, s_alloc, result) ? aws_last_error() : 0;
    }
    aws_signable_destroy(s->signable);
    s->complete_fn(s->request, error_code, s->complete_ctx);
    aws_mem_release(s_alloc, s);
}

/* The transform of both clients (their completion types have the same shape): presigns the
 * upgrade request with the provider in `user_data`, as the SDKs' WebsocketConfig does. */
static void s_presign(struct aws_http_message *request, void *user_data,
                      aws_mqtt5_transform_websocket_handshake_complete_fn *complete_fn, void *complete_ctx) {
    struct aws_credentials_provider *provider = user_data;
    struct signing *s = aws_mem_calloc(s_alloc, 1, sizeof(*s));
    s->request = request;
    s->complete_fn = complete_fn;
    s->complete_ctx = complete_ctx;
    s->signable = aws_signable_new_http_request(s_alloc, request);
    struct aws_signing_config_aws config;
    memset(&config, 0, sizeof(config));
    config.config_type = AWS_SIGNING_CONFIG_AWS;
    config.algorithm = AWS_SIGNING_ALGORITHM_V4;
    config.signature_type = AWS_ST_HTTP_REQUEST_QUERY_PARAMS;
    config.region = fx_cur(REGION);
    config.service = fx_cur("iotdevicegateway");
    aws_date_time_init_now(&config.date);
    config.flags.use_double_uri_encode = 1;
    config.flags.should_normalize_uri_path = 1;
    config.flags.omit_session_token = 1;
    config.credentials_provider = provider;
    if (aws_sign_request_aws(s_alloc, s->signable, (struct aws_signing_config_base *)&config, s_on_signed, s)) {
        int error = aws_last_error();
        aws_signable_destroy(s->signable);
        aws_mem_release(s_alloc, s);
        complete_fn(request, error, complete_ctx);
    }
}

static void s_presign_311(struct aws_http_message *request, void *user_data,
                          aws_mqtt_transform_websocket_handshake_complete_fn *complete_fn, void *complete_ctx) {
    s_presign(request, user_data, (aws_mqtt5_transform_websocket_handshake_complete_fn *)complete_fn, complete_ctx);
}

static struct aws_credentials_provider *s_provider(const char *secret) {
    struct aws_credentials_provider_static_options options = {
        .access_key_id = fx_cur(ACCESS_KEY),
        .secret_access_key = fx_cur(secret),
        .session_token = fx_cur(TOKEN),
    };
    return aws_credentials_provider_new_static(s_alloc, &options);
}

/* The bridge: wss (the test PKI), forwarding to mosquitto, checking SigV4. */
static int s_bridge_start(struct fx_broker *b, int mosquitto_port) {
    char port[16], cert[192], key[192];
    snprintf(port, sizeof(port), "%d", mosquitto_port);
    snprintf(cert, sizeof(cert), "%s", fx_path(s_certs, "server.pem"));
    snprintf(key, sizeof(key), "%s", fx_path(s_certs, "server.key"));
    const char *args[] = {"--ws-forward", port, "--tls-cert", cert, "--tls-key", key,
                          "--ws-sigv4", ACCESS_KEY ":" SECRET ":" REGION ":" TOKEN, NULL};
    return fx_broker_start(b, args);
}

static int s_tls_options(struct aws_tls_ctx **ctx, struct aws_tls_connection_options *tls) {
    struct aws_tls_ctx_options ctx_options;
    aws_tls_ctx_options_init_default_client(&ctx_options, s_alloc);
    return fx_tls_connection_options(s_alloc, &ctx_options, fx_path(s_certs, "ca.pem"), ctx, tls);
}

/* An MQTT 5 client over wss presigning with `secret`; its first attempt's outcome in `ev`. */
static int s_mqtt5_attempt(int port, const char *secret, struct fx5_events *ev, bool round_trip) {
    struct aws_credentials_provider *provider = s_provider(secret);
    CHECK(provider != NULL);
    struct fx5_config cfg;
    fx5_events_init(ev);
    fx5_config_init(&cfg, s_io.bootstrap, port, "iot-ws5", ev);
    cfg.options.host_name = fx_cur("localhost");
    cfg.options.websocket_handshake_transform = s_presign;
    cfg.options.websocket_handshake_transform_user_data = provider;
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    CHECK_INT_EQ(s_tls_options(&ctx, &tls), 0);
    cfg.options.tls_options = &tls;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, ev, &c), 0);
    aws_tls_connection_options_clean_up(&tls);
    aws_tls_ctx_release(ctx);
    if (round_trip) {
        CHECK_INT_EQ(fx5_outcome_and_round_trip(c, ev, "iot/ws5"), 0);
    } else {
        CHECK_WAIT(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >= 1, 10000);
        CHECK_INT_EQ(fx5_finish(c, ev), 0);
    }
    aws_credentials_provider_release(provider);
    return 0;
}

static int test_mqtt5_over_wss_presigned_as_the_sdks_do(struct fx_mosquitto *m) {
    struct fx_broker b;
    CHECK_INT_EQ(s_bridge_start(&b, m->port), 0);
    struct fx5_events ev;
    CHECK_INT_EQ(s_mqtt5_attempt(b.port, SECRET, &ev, true), 0);
    if (fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) != 1) {
        fx_broker_dump_log(&b);
    }
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);
    /* The bridge recomputed the signature and found it right; the token came unsigned, last. */
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"ws_sigv4\"", "\"ok\":true")), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"ws_upgrade\"", "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                                               "X-Amz-Credential=" ACCESS_KEY "%2F", "%2F" REGION
                                               "%2Fiotdevicegateway%2Faws4_request",
                                               "X-Amz-Security-Token=")),
                 1);

    /* A wrong secret: the bridge answers 403 and the attempt fails as an upgrade failure. */
    CHECK_INT_EQ(s_mqtt5_attempt(b.port, "not-the-secret", &ev, false), 0);
    struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(failure.error_code, AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE);
    fx5_events_clean_up(&ev);
    CHECK(fx_log_count(&b, FX_FRAGMENTS("\"ws_sigv4\"", "\"ok\":false", "does not match")) >= 1);
    fx_broker_stop(&b);
    return 0;
}

static int test_mqtt311_over_wss_presigned_as_the_sdks_do(struct fx_mosquitto *m) {
    struct fx_broker b;
    CHECK_INT_EQ(s_bridge_start(&b, m->port), 0);
    struct aws_credentials_provider *provider = s_provider(SECRET);
    CHECK(provider != NULL);
    struct aws_mqtt_client *client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(client != NULL);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(client, &c, &ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_use_websockets(c, s_presign_311, provider, NULL, NULL), AWS_OP_SUCCESS);
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    CHECK_INT_EQ(s_tls_options(&ctx, &tls), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "iot-ws311", &ev);
    options.host_name = fx_cur("localhost");
    options.tls_options = &tls;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete >= 1, 10000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    aws_tls_connection_options_clean_up(&tls);
    aws_tls_ctx_release(ctx);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "iot/ws311/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(client);
    aws_credentials_provider_release(provider);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"ws_sigv4\"", "\"ok\":true")), 1);
    fx_broker_stop(&b);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    aws_auth_library_init(aws_default_allocator());
    snprintf(s_certs, sizeof(s_certs), "/tmp/iot-ws-certs-XXXXXX");
    CHECK(mkdtemp(s_certs) != NULL);
    fx_track(0, s_certs);
    CHECK_INT_EQ(fx_make_certificates(s_certs), 0);
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);

    CHECK_INT_EQ(test_mqtt5_over_wss_presigned_as_the_sdks_do(&m), 0);
    fprintf(stderr, "ok: test_mqtt5_over_wss_presigned_as_the_sdks_do\n");
    CHECK_INT_EQ(test_mqtt311_over_wss_presigned_as_the_sdks_do(&m), 0);
    fprintf(stderr, "ok: test_mqtt311_over_wss_presigned_as_the_sdks_do\n");

    fx_mosquitto_stop(&m);
    /* After the suite's clean-up: the auth library's joins its managed threads, which the
     * event loop group's are until the suite releases it. */
    int rc = fx_suite_end(s_alloc, &s_io);
    aws_auth_library_clean_up();
    return rc;
}

/* Connects the MQTT 5 client over a WebSocket whose upgrade request is presigned with SigV4, as
 * the AWS IoT SDKs do for their "WebSocket + SigV4" connection method: credentials from the
 * default chain (the environment first: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN), the upgrade request signed into its query string for the service
 * "iotdevicegateway" with the session token left out of the signature, then publishes one
 * message to a topic it subscribed to and waits for it to come back.
 *
 * usage: mqtt5_websocket_sigv4 HOST PORT REGION [CA_FILE]
 *
 * With CA_FILE the connection is wss:// (TLS, trusting that CA), as AWS IoT requires; without
 * it, ws://. The main job runs it against mqtt-test-broker's WebSocket bridge, which checks the
 * signature (--ws-sigv4) and forwards to mosquitto.
 *
 * Exit code: 0 when connected and the message came back, 1 otherwise. */
#include <aws/auth/auth.h>
#include <aws/auth/credentials.h>
#include <aws/auth/signable.h>
#include <aws/auth/signing.h>
#include <aws/auth/signing_config.h>
#include <aws/auth/signing_result.h>
#include <aws/common/condition_variable.h>
#include <aws/common/date_time.h>
#include <aws/common/mutex.h>
#include <aws/http/request_response.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/socket.h>
#include <aws/io/tls_channel_handler.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_client.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOPIC "aws-c-mqtt/example-sigv4"

/* What the callbacks report (on the client's loop); main() waits on `signal`. */
static struct {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    int connected;     /* 1 connected, -1 the attempt failed */
    int error;
    int subscribed;
    int received;
    int stopped;
} s;

static struct aws_allocator *s_alloc;
static const char *s_region;

static void s_note(int *field, int value) {
    aws_mutex_lock(&s.lock);
    *field = value;
    aws_condition_variable_notify_all(&s.signal);
    aws_mutex_unlock(&s.lock);
}

static bool s_wait(int *field, int seconds) {
    aws_mutex_lock(&s.lock);
    for (int i = 0; i < seconds * 10 && *field == 0; ++i) {
        aws_condition_variable_wait_for(&s.signal, &s.lock, 100000000);
    }
    bool done = *field > 0;
    aws_mutex_unlock(&s.lock);
    return done;
}

/* ---- the SDKs' WebSocket transform: presign the upgrade request ------------------------ */

struct signing {
    struct aws_http_message *request;
    struct aws_signable *signable;
    aws_mqtt5_transform_websocket_handshake_complete_fn *complete_fn;
    void *complete_ctx;
};

static void s_on_signed(struct aws_signing_result *result, int error_code, void *user_data) {
    struct signing *sg = user_data;
    if (error_code == AWS_ERROR_SUCCESS &&
        aws_apply_signing_result_to_http_request(sg->request, s_alloc, result) != AWS_OP_SUCCESS) {
        error_code = aws_last_error();
    }
    aws_signable_destroy(sg->signable);
    sg->complete_fn(sg->request, error_code, sg->complete_ctx);
    aws_mem_release(s_alloc, sg);
}

static void s_presign(struct aws_http_message *request, void *user_data,
                      aws_mqtt5_transform_websocket_handshake_complete_fn *complete_fn, void *complete_ctx) {
    struct signing *sg = aws_mem_calloc(s_alloc, 1, sizeof(*sg));
    sg->request = request;
    sg->complete_fn = complete_fn;
    sg->complete_ctx = complete_ctx;
    sg->signable = aws_signable_new_http_request(s_alloc, request);
    struct aws_signing_config_aws config;
    memset(&config, 0, sizeof(config));
    config.config_type = AWS_SIGNING_CONFIG_AWS;
    config.algorithm = AWS_SIGNING_ALGORITHM_V4;
    config.signature_type = AWS_ST_HTTP_REQUEST_QUERY_PARAMS;
    config.region = aws_byte_cursor_from_c_str(s_region);
    config.service = aws_byte_cursor_from_c_str("iotdevicegateway");
    aws_date_time_init_now(&config.date);
    config.flags.use_double_uri_encode = 1;
    config.flags.should_normalize_uri_path = 1;
    config.flags.omit_session_token = 1; /* the token is appended, not signed, as AWS IoT expects */
    config.credentials_provider = user_data;
    if (aws_sign_request_aws(s_alloc, sg->signable, (struct aws_signing_config_base *)&config, s_on_signed, sg)) {
        int error = aws_last_error();
        aws_signable_destroy(sg->signable);
        aws_mem_release(s_alloc, sg);
        complete_fn(request, error, complete_ctx);
    }
}

/* ---- the client's callbacks ------------------------------------------------------------- */

static void s_on_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    switch (event->event_type) {
        case AWS_MQTT5_CLET_CONNECTION_SUCCESS:
            printf("connected over the presigned WebSocket\n");
            s_note(&s.connected, 1);
            break;
        case AWS_MQTT5_CLET_CONNECTION_FAILURE:
            printf("connection failed: %s\n", aws_error_name(event->error_code));
            s.error = event->error_code;
            s_note(&s.connected, -1);
            break;
        case AWS_MQTT5_CLET_STOPPED:
            s_note(&s.stopped, 1);
            break;
        default:
            break;
    }
}

static void s_on_publish(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)user_data;
    printf("received on %.*s: %.*s\n", (int)publish->topic.len, (const char *)publish->topic.ptr,
           (int)publish->payload.len, (const char *)publish->payload.ptr);
    s_note(&s.received, 1);
}

static void s_on_suback(const struct aws_mqtt5_packet_suback_view *suback, int error_code, void *user_data) {
    (void)suback, (void)user_data;
    s_note(&s.subscribed, error_code == AWS_ERROR_SUCCESS ? 1 : -1);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s HOST PORT REGION [CA_FILE]\n", argv[0]);
        return 1;
    }
    s_alloc = aws_default_allocator();
    s_region = argv[3];
    aws_mqtt_library_init(s_alloc);
    aws_auth_library_init(s_alloc);
    aws_mutex_init(&s.lock);
    aws_condition_variable_init(&s.signal);

    struct aws_event_loop_group *group = aws_event_loop_group_new_default(s_alloc, 1, NULL);
    struct aws_host_resolver_default_options resolver_options = {.max_entries = 8, .el_group = group};
    struct aws_host_resolver *resolver = aws_host_resolver_new_default(s_alloc, &resolver_options);
    struct aws_client_bootstrap_options bootstrap_options = {.event_loop_group = group, .host_resolver = resolver};
    struct aws_client_bootstrap *bootstrap = aws_client_bootstrap_new(s_alloc, &bootstrap_options);

    /* Credentials as the SDKs find them when given none: the default chain. */
    struct aws_credentials_provider_chain_default_options chain = {.bootstrap = bootstrap};
    struct aws_credentials_provider *provider = aws_credentials_provider_new_chain_default(s_alloc, &chain);
    if (provider == NULL) {
        fprintf(stderr, "no credentials provider: %s\n", aws_error_name(aws_last_error()));
        return 1;
    }

    struct aws_tls_ctx *tls_ctx = NULL;
    struct aws_tls_connection_options tls;
    if (argc > 4) {
        struct aws_tls_ctx_options tls_ctx_options;
        aws_tls_ctx_options_init_default_client(&tls_ctx_options, s_alloc);
        aws_tls_ctx_options_override_default_trust_store_from_path(&tls_ctx_options, NULL, argv[4]);
        tls_ctx = aws_tls_client_ctx_new(s_alloc, &tls_ctx_options);
        aws_tls_ctx_options_clean_up(&tls_ctx_options);
        aws_tls_connection_options_init_from_ctx(&tls, tls_ctx);
    }

    struct aws_socket_options socket = {
        .type = AWS_SOCKET_STREAM,
        .domain = AWS_SOCKET_IPV4,
        .connect_timeout_ms = 5000,
    };
    struct aws_mqtt5_packet_connect_view connect = {
        .client_id = aws_byte_cursor_from_c_str("example-websocket-sigv4"),
        .keep_alive_interval_seconds = 30,
    };
    struct aws_mqtt5_client_options options = {
        .host_name = aws_byte_cursor_from_c_str(argv[1]),
        .port = (uint32_t)atoi(argv[2]),
        .bootstrap = bootstrap,
        .socket_options = &socket,
        .tls_options = tls_ctx ? &tls : NULL,
        .connect_options = &connect,
        .websocket_handshake_transform = s_presign,
        .websocket_handshake_transform_user_data = provider,
        .lifecycle_event_handler = s_on_lifecycle,
        .publish_received_handler = s_on_publish,
    };
    struct aws_mqtt5_client *client = aws_mqtt5_client_new(s_alloc, &options);
    int status = 1;
    if (client == NULL) {
        fprintf(stderr, "aws_mqtt5_client_new: %s\n", aws_error_name(aws_last_error()));
        return 1;
    }
    aws_mqtt5_client_start(client);
    if (s_wait(&s.connected, 20)) {
        struct aws_mqtt5_subscription_view subscription = {
            .topic_filter = aws_byte_cursor_from_c_str(TOPIC "/#"),
            .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
        };
        struct aws_mqtt5_packet_subscribe_view subscribe = {.subscriptions = &subscription, .subscription_count = 1};
        struct aws_mqtt5_subscribe_completion_options suback = {.completion_callback = s_on_suback};
        aws_mqtt5_client_subscribe(client, &subscribe, &suback);
        if (s_wait(&s.subscribed, 10)) {
            struct aws_mqtt5_packet_publish_view publish = {
                .topic = aws_byte_cursor_from_c_str(TOPIC "/hello"),
                .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
                .payload = aws_byte_cursor_from_c_str("hello over a presigned WebSocket"),
            };
            aws_mqtt5_client_publish(client, &publish, NULL);
            if (s_wait(&s.received, 10)) {
                status = 0;
            }
        }
    }
    aws_mqtt5_client_stop(client, NULL, NULL);
    s_wait(&s.stopped, 10);
    aws_mqtt5_client_release(client);
    if (tls_ctx) {
        aws_tls_connection_options_clean_up(&tls);
        aws_tls_ctx_release(tls_ctx);
    }
    aws_credentials_provider_release(provider);
    aws_client_bootstrap_release(bootstrap);
    aws_host_resolver_release(resolver);
    aws_event_loop_group_release(group);
    aws_thread_join_all_managed();
    aws_auth_library_clean_up();
    aws_mqtt_library_clean_up();
    printf(status == 0 ? "mqtt5_websocket_sigv4: ok\n" : "mqtt5_websocket_sigv4: FAILED\n");
    return status;
}

/* The AWS IoT MQTT 5 client builder (aws/iotdevice/mqtt5_client_builder.h), method by method
 * against the test broker: mutual TLS from files and from memory, a signed and an unsigned
 * custom authorizer (directly over TLS with ALPN "mqtt", and over a WebSocket), WebSocket +
 * SigV4 (a static provider, and the default chain with the builder's own bootstrap), an HTTP
 * proxy; the CONNECT user name and the upgrade request byte for byte as the SDKs make them; a bad
 * signature, a wrong password and a wrong secret refused; the setters reaching the client;
 * misuse refused with clear errors; a builder destroyed while its clients live. The PKCS#11 and
 * PKCS#12 methods are in test_iot_builder_pkcs.c. */
#include "iot_builder_fixture.h"

#include <aws/auth/auth.h>

static int test_mtls_from_path_sends_the_sdk_metrics_and_offers_no_alpn_off_443(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct fx5_events ev;
    fx5_events_init(&ev);
    struct aws_iot_mqtt5_client_builder *b = ib5_mtls_builder(&ev, broker.port, "iotb5-path");
    CHECK(b != NULL);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/path", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    /* No user name of its own: the metrics alone, as upstream appends them. */
    CHECK_INT_EQ(ib_check_username(&broker, "?" METRICS), 0);
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"tls_handshake\"", "\"client_certificate\":true")), 1);
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"tls_handshake\"", "\"alpn\"")), 0);
    fx5_events_clean_up(&ev);
    fx_broker_stop(&broker);
    return 0;
}

static int test_mtls_from_memory_builds_several_clients_with_and_without_metrics(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    char path[128];
    ib_file(&ib_pki, "client.pem", path, sizeof(path));
    char *cert = fx_read_file(path);
    ib_file(&ib_pki, "client.key", path, sizeof(path));
    char *key = fx_read_file(path);
    ib_file(&ib_pki, "ca.pem", path, sizeof(path));
    char *ca = fx_read_file(path);
    CHECK(cert && key && ca);
    struct aws_byte_cursor cert_cur = fx_cur(cert), key_cur = fx_cur(key), ca_cur = fx_cur(ca);
    struct aws_iot_mqtt5_client_builder *b =
        aws_iot_mqtt5_client_builder_new_mtls_from_memory(ib_alloc, fx_cur("localhost"), &cert_cur, &key_cur);
    struct fx5_events ev;
    fx5_events_init(&ev);
    ib5_ca_in_memory = true;
    CHECK_INT_EQ(ib5_common(b, &ev, broker.port, "iotb5-memory", "thing"), 0);
    ib5_ca_in_memory = false;
    /* The builder holds copies: the caller's memory may go. */
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_certificate_authority(b, &ca_cur), AWS_OP_SUCCESS);
    memset(cert, 0, strlen(cert));
    memset(key, 0, strlen(key));
    free(cert), free(key), free(ca);

    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_metrics_enabled(b, false), AWS_OP_SUCCESS);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/memory1", 0, 0), 0);
    CHECK_INT_EQ(ib_check_username(&broker, "thing"), 0);
    fx5_events_clean_up(&ev);

    fx5_events_init(&ev);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_metrics_enabled(b, true), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_sdk_metrics(b, fx_cur("MySDK/1.0"), fx_cur("2.5")), AWS_OP_SUCCESS);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/memory2", 0, 0), 0);
    CHECK_INT_EQ(ib_check_username(&broker, "thing?SDK=MySDK/1.0&Platform=Unix&Metadata=(IoTSDKVersion=2.5)"), 0);
    fx5_events_clean_up(&ev);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx_broker_stop(&broker);
    return 0;
}

static int test_a_signed_custom_authorizer_sends_the_sdks_user_name_and_a_bad_signature_is_refused(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_authorizer(&broker, &ib_pki, true, true), 0);
    struct aws_iot_custom_authorizer_config config = ib_signed_config(ib_pki.signature);
    struct aws_iot_mqtt5_client_builder *b =
        aws_iot_mqtt5_client_builder_new_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_common(b, &ev, broker.port, "iotb5-signed", NULL), 0);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/signed", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    char expected[1600];
    snprintf(expected, sizeof(expected),
             "device?x-amz-customauthorizer-name=" IB_AUTHORIZER "&" IB_TOKEN_KEY "=" IB_TOKEN
             "&x-amz-customauthorizer-signature=%s&" METRICS,
             ib_pki.signature_encoded);
    CHECK_INT_EQ(ib_check_username(&broker, expected), 0);
    /* Direct custom authorizers offer ALPN "mqtt" whatever the port. */
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"tls_handshake\"", "\"alpn\":\"mqtt\"")), 1);
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"custom_authorizer\"", "\"ok\":true")), 1);
    fx5_events_clean_up(&ev);

    /* A signature already URL-encoded is sent as it is. */
    config = ib_signed_config(ib_pki.signature_encoded);
    b = aws_iot_mqtt5_client_builder_new_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_common(b, &ev, broker.port, "iotb5-encoded", NULL), 0);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/encoded", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx5_events_clean_up(&ev);

    /* The signature of another token: AWS IoT's answer, not authorized. */
    config = ib_signed_config(ib_pki.other_signature);
    b = aws_iot_mqtt5_client_builder_new_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_common(b, &ev, broker.port, "iotb5-bad", NULL), 0);
    CHECK_INT_EQ(ib5_run(b, &ev, NULL, AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED, AWS_MQTT5_CRC_NOT_AUTHORIZED), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx5_events_clean_up(&ev);
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"custom_authorizer\"", "\"ok\":false")), 1);
    fx_broker_stop(&broker);
    return 0;
}

static int test_an_unsigned_custom_authorizer_sends_its_password_and_a_wrong_one_is_refused(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_authorizer(&broker, &ib_pki, true, false), 0);
    struct aws_iot_custom_authorizer_config config = ib_unsigned_config(IB_PASSWORD);
    /* No user name in the configuration: the CONNECT's, whose query is joined with '&'. */
    memset(&config.username, 0, sizeof(config.username));
    struct aws_iot_mqtt5_client_builder *b =
        aws_iot_mqtt5_client_builder_new_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_common(b, &ev, broker.port, "iotb5-unsigned", "me?tag=1"), 0);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_metrics_enabled(b, false), AWS_OP_SUCCESS);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/unsigned", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    CHECK_INT_EQ(ib_check_username(&broker, "me?tag=1&x-amz-customauthorizer-name=" IB_AUTHORIZER), 0);
    fx5_events_clean_up(&ev);

    config = ib_unsigned_config("not the password");
    b = aws_iot_mqtt5_client_builder_new_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_common(b, &ev, broker.port, "iotb5-wrong", NULL), 0);
    CHECK_INT_EQ(ib5_run(b, &ev, NULL, AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED, AWS_MQTT5_CRC_NOT_AUTHORIZED), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx5_events_clean_up(&ev);
    fx_broker_stop(&broker);
    return 0;
}

static int test_a_custom_authorizer_over_a_websocket_upgrades_unsigned(void) {
    struct fx_broker broker, bridge;
    CHECK_INT_EQ(ib_ws_pair(&broker, &bridge, IB_SIGNED_AUTHORIZER, false), 0);
    struct aws_iot_custom_authorizer_config config = ib_signed_config(ib_pki.signature);
    struct aws_iot_mqtt5_client_builder *b =
        aws_iot_mqtt5_client_builder_new_websocket_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_common(b, &ev, bridge.port, "iotb5-ws-auth", NULL), 0);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/wsauth", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"custom_authorizer\"", "\"ok\":true")), 1);
    /* The upgrade goes out as the client makes it: no signature in its query. */
    CHECK_INT_EQ(fx_log_count(&bridge, FX_FRAGMENTS("\"ws_upgrade\"", "GET /mqtt HTTP/1.1")), 1);
    CHECK_INT_EQ(fx_log_count(&bridge, FX_FRAGMENTS("\"ws_upgrade\"", "X-Amz")), 0);
    fx5_events_clean_up(&ev);
    ib_ws_pair_stop(&broker, &bridge);
    return 0;
}

static int test_websocket_sigv4_presigns_the_upgrade_as_the_sdks_and_a_wrong_secret_is_refused(void) {
    struct fx_broker broker, bridge;
    CHECK_INT_EQ(ib_ws_pair(&broker, &bridge, IB_NO_AUTHORIZER, true), 0);
    struct aws_credentials_provider *provider = ib_static_provider(IB_SECRET);
    struct aws_iot_mqtt5_client_builder *b =
        aws_iot_mqtt5_client_builder_new_websocket_sigv4(ib_alloc, fx_cur("localhost"), fx_cur(IB_REGION), provider);
    /* The builder holds its own reference. */
    aws_credentials_provider_release(provider);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_common(b, &ev, bridge.port, "iotb5-sigv4", NULL), 0);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/sigv4", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx5_events_clean_up(&ev);
    CHECK_INT_EQ(fx_log_count(&bridge, FX_FRAGMENTS("\"ws_sigv4\"", "\"ok\":true")), 1);
    /* The SDKs' query, in aws-c-auth's order: the algorithm, the credential scope for
     * iotdevicegateway, the date, the signed headers, the session token (added to the result
     * but left out of the signed query: omit_session_token), the signature. */
    char line[4096];
    CHECK(fx_log_find(&bridge, FX_FRAGMENTS("\"ws_upgrade\""), line, sizeof(line)));
    const char *order[] = {"GET /mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256",
                           "&X-Amz-Credential=" IB_ACCESS_KEY "%2F",
                           "%2F" IB_REGION "%2Fiotdevicegateway%2Faws4_request",
                           "&X-Amz-Date=",
                           "&X-Amz-SignedHeaders=host",
                           "&X-Amz-Security-Token=session%2Ftoken%2Bof%3Dthe-test",
                           "&X-Amz-Signature=",
                           " HTTP/1.1\\r\\nHost: localhost\\r\\n"};
    const char *at = line;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); ++i) {
        const char *found = strstr(at, order[i]);
        if (!found) {
            fprintf(stderr, "upgrade request without %s (in order): %s\n", order[i], line);
            return 1;
        }
        at = found + strlen(order[i]);
    }

    provider = ib_static_provider("a wrong secret");
    b = aws_iot_mqtt5_client_builder_new_websocket_sigv4(ib_alloc, fx_cur("localhost"), fx_cur(IB_REGION), provider);
    aws_credentials_provider_release(provider);
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_common(b, &ev, bridge.port, "iotb5-sigv4-bad", NULL), 0);
    CHECK_INT_EQ(ib5_run(b, &ev, NULL, AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx5_events_clean_up(&ev);
    ib_ws_pair_stop(&broker, &bridge);
    return 0;
}

static int test_websocket_sigv4_with_the_default_chain_and_the_builders_own_bootstrap(void) {
    struct fx_broker broker, bridge;
    CHECK_INT_EQ(ib_ws_pair(&broker, &bridge, IB_NO_AUTHORIZER, true), 0);
    setenv("AWS_ACCESS_KEY_ID", IB_ACCESS_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", IB_SECRET, 1);
    setenv("AWS_SESSION_TOKEN", IB_SESSION_TOKEN, 1);
    struct aws_iot_mqtt5_client_builder *b =
        aws_iot_mqtt5_client_builder_new_websocket_sigv4(ib_alloc, fx_cur("localhost"), fx_cur(IB_REGION), NULL);
    CHECK(b != NULL);
    char ca[128];
    ib_file(&ib_pki, "ca.pem", ca, sizeof(ca));
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(b, ca), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_port(b, (uint32_t)bridge.port), AWS_OP_SUCCESS);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_lifecycle_event_handler(b, fx5_on_lifecycle, &ev), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_publish_received_handler(b, fx5_on_publish_received, &ev),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_client_termination_handler(b, fx5_on_termination, &ev),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/chain", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx5_events_clean_up(&ev);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    CHECK_INT_EQ(fx_log_count(&bridge, FX_FRAGMENTS("\"ws_sigv4\"", "\"ok\":true")), 1);
    ib_ws_pair_stop(&broker, &bridge);
    return 0;
}

static int test_mtls_through_an_http_proxy(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct fx_proxy proxy;
    CHECK_INT_EQ(fx_proxy_start(&proxy, broker.port, true), 0);
    struct fx5_events ev;
    fx5_events_init(&ev);
    struct aws_iot_mqtt5_client_builder *b = ib5_mtls_builder(&ev, broker.port, "iotb5-proxy");
    CHECK(b != NULL);
    struct aws_http_proxy_options proxy_options = fx_proxy_options(proxy.port, FX_PROXY_USER, FX_PROXY_PASSWORD);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_http_proxy_options(b, &proxy_options), AWS_OP_SUCCESS);
    CHECK_INT_EQ(ib5_run(b, &ev, "iotb5/proxy", 0, 0), 0);
    fx5_events_clean_up(&ev);
    /* A wrong proxy password: the tunnel is refused. */
    proxy_options = fx_proxy_options(proxy.port, FX_PROXY_USER, "wrong");
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_http_proxy_options(b, &proxy_options), AWS_OP_SUCCESS);
    fx5_events_init(&ev);
    CHECK_INT_EQ(ib5_run(b, &ev, NULL, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED, 0), 0);
    fx5_events_clean_up(&ev);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx_proxy_stop(&proxy);
    fx_broker_stop(&broker);
    return 0;
}

static int test_the_setters_reach_the_client(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct fx5_events ev;
    fx5_events_init(&ev);
    struct aws_iot_mqtt5_client_builder *b = ib5_mtls_builder(&ev, broker.port, "iotb5-setters");
    CHECK(b != NULL);
    uint32_t expiry = 600;
    struct aws_mqtt5_packet_connect_view connect = {
        .client_id = fx_cur("iotb5-setters"),
        .keep_alive_interval_seconds = 45,
        .session_expiry_interval_seconds = &expiry,
    };
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_connect_options(b, &connect), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_session_behavior(b, AWS_MQTT5_CSBT_REJOIN_ALWAYS), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_offline_queue_behavior(b, AWS_MQTT5_COQBT_FAIL_ALL_ON_DISCONNECT),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_reconnect_options(b, AWS_EXPONENTIAL_BACKOFF_JITTER_NONE, 100, 500,
                                                                    1000),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_ping_timeout_ms(b, 5000), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_connack_timeout_ms(b, 5000), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_ack_timeout_seconds(b, 10), AWS_OP_SUCCESS);
    struct aws_mqtt5_client_topic_alias_options aliasing = {
        .outbound_topic_alias_behavior = AWS_MQTT5_COTABT_DISABLED,
        .inbound_topic_alias_behavior = AWS_MQTT5_CITABT_ENABLED,
        .inbound_alias_cache_size = 7,
    };
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_topic_aliasing_options(b, &aliasing), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_extended_validation_and_flow_control(
                     b, AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS),
                 AWS_OP_SUCCESS);
    struct aws_mqtt5_client *c = aws_iot_mqtt5_client_builder_build(b);
    CHECK(c != NULL);
    ev.client = c;
    CHECK_INT_EQ(fx5_start_and_wait(c, &ev), 0);
    /* The CONNECT: keep alive, no clean start (rejoin always), the session expiry, the inbound
     * alias maximum. */
    CHECK_INT_EQ(fx_log_wait_count(&broker,
                                   FX_FRAGMENTS("\"type\":\"CONNECT\"", "\"clean_start\":false",
                                                "\"keep_alive\":45", "\"session_expiry_interval\":600",
                                                "\"topic_alias_maximum\":7"),
                                   1, 5000),
                 1);
    /* AWS IoT Core's limits: a topic of nine levels is refused before it is sent. */
    struct aws_mqtt5_packet_publish_view publish = {.topic = fx_cur("a/b/c/d/e/f/g/h/i"), .qos = AWS_MQTT5_QOS_AT_MOST_ONCE};
    CHECK_FAILS_WITH(aws_mqtt5_client_publish(c, &publish, NULL), AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION);
    CHECK_INT_EQ(fx5_finish(c, &ev), 0);
    aws_iot_mqtt5_client_builder_destroy(b);
    fx5_events_clean_up(&ev);
    fx_broker_stop(&broker);
    return 0;
}

static int test_a_builder_destroyed_while_its_client_lives(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct fx5_events ev;
    fx5_events_init(&ev);
    struct aws_iot_mqtt5_client_builder *b = ib5_mtls_builder(&ev, broker.port, "iotb5-orphan");
    CHECK(b != NULL);
    struct aws_mqtt5_client *c = aws_iot_mqtt5_client_builder_build(b);
    CHECK(c != NULL);
    ev.client = c;
    aws_iot_mqtt5_client_builder_destroy(b);
    CHECK_INT_EQ(aws_mqtt5_client_start(c), AWS_OP_SUCCESS);
    CHECK_INT_EQ(fx5_outcome_and_round_trip(c, &ev, "iotb5/orphan"), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);
    fx_broker_stop(&broker);
    return 0;
}

static int test_misuse_gets_clear_errors(void) {
    struct ib_identity id = ib_identity();
    const char *cert = id.cert, *key = id.key;
    struct aws_byte_cursor host = fx_cur("localhost");

#define CHECK_NULL_WITH(call, code)                                                                \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        CHECK((call) == NULL);                                                                     \
        CHECK_INT_EQ(aws_last_error(), (code));                                                    \
    } while (0)

    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_mtls_from_path(NULL, host, cert, key), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_mtls_from_path(ib_alloc, fx_cur(""), cert, key),
                    AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_mtls_from_path(ib_alloc, host, NULL, key),
                    AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_mtls_from_path(ib_alloc, host, "/nonexistent/cert.pem", key),
                    AWS_ERROR_FILE_INVALID_PATH);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_mtls_from_memory(ib_alloc, host, NULL, NULL),
                    AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_mtls_pkcs11(ib_alloc, host, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_mtls_windows_cert_store_path(ib_alloc, host,
                                                                                  "CurrentUser\\MY\\A11F8A9B"),
                    AWS_ERROR_PLATFORM_NOT_SUPPORTED);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_websocket_sigv4(ib_alloc, host, fx_cur(""), NULL),
                    AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_custom_authorizer(ib_alloc, host, NULL), AWS_ERROR_INVALID_ARGUMENT);
    /* A signed token needs its key name, value and signature together, as the SDK requires. */
    struct aws_iot_custom_authorizer_config partial = ib_signed_config(ib_pki.signature);
    memset(&partial.token_key_name, 0, sizeof(partial.token_key_name));
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_custom_authorizer(ib_alloc, host, &partial),
                    AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_new_websocket_custom_authorizer(ib_alloc, host, &partial),
                    AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_build(NULL), AWS_ERROR_INVALID_ARGUMENT);

    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_port(NULL, 443), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_iot_mqtt5_client_builder *b = aws_iot_mqtt5_client_builder_new_mtls_from_path(ib_alloc, host, cert, key);
    CHECK(b != NULL);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_port(b, 70000), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_session_behavior(b, (enum aws_mqtt5_client_session_behavior_type)9),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_offline_queue_behavior(
                         b, (enum aws_mqtt5_client_operation_queue_behavior_type)-1),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_reconnect_options(b, (enum aws_exponential_backoff_jitter_mode)4,
                                                                        0, 0, 0),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_extended_validation_and_flow_control(
                         b, (enum aws_mqtt5_extended_validation_and_flow_control_options)2),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_connect_options(b, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_socket_options(b, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_bootstrap(b, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(b, NULL),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(b, "/nonexistent/ca.pem"),
                     AWS_ERROR_FILE_INVALID_PATH);
    struct aws_byte_cursor not_pem = fx_cur("not a certificate");
    aws_reset_error();
    /* Upstream accepts any bytes here and fails when the context is made. */
    if (aws_iot_mqtt5_client_builder_set_certificate_authority(b, &not_pem) == AWS_OP_SUCCESS) {
        CHECK(aws_iot_mqtt5_client_builder_build(b) == NULL);
        CHECK(aws_last_error() != 0);
    }
    struct aws_http_proxy_options bad_proxy = fx_proxy_options(1, NULL, NULL);
    bad_proxy.auth_type = (enum aws_http_proxy_authentication_type)5;
    CHECK_FAILS_WITH(aws_iot_mqtt5_client_builder_set_http_proxy_options(b, &bad_proxy), AWS_ERROR_INVALID_ARGUMENT);
    /* A CONNECT the client refuses fails the build with the client's error, and the builder
     * stays usable. */
    struct aws_iot_mqtt5_client_builder *b2 = aws_iot_mqtt5_client_builder_new_mtls_from_path(ib_alloc, host, cert, key);
    CHECK(b2 != NULL);
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_bootstrap(b2, ib_io.bootstrap), AWS_OP_SUCCESS);
    uint16_t receive_maximum = 0;
    struct aws_mqtt5_packet_connect_view connect = {.receive_maximum = &receive_maximum};
    CHECK_INT_EQ(aws_iot_mqtt5_client_builder_set_connect_options(b2, &connect), AWS_OP_SUCCESS);
    CHECK_NULL_WITH(aws_iot_mqtt5_client_builder_build(b2), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    aws_iot_mqtt5_client_builder_destroy(b2);
    aws_iot_mqtt5_client_builder_destroy(b);
    aws_iot_mqtt5_client_builder_destroy(NULL);
#undef CHECK_NULL_WITH
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&ib_alloc, &ib_io), 0);
    aws_auth_library_init(aws_default_allocator());
    CHECK_INT_EQ(ib_env_init(&ib_pki), 0);

    RUN(test_mtls_from_path_sends_the_sdk_metrics_and_offers_no_alpn_off_443);
    RUN(test_mtls_from_memory_builds_several_clients_with_and_without_metrics);
    RUN(test_a_signed_custom_authorizer_sends_the_sdks_user_name_and_a_bad_signature_is_refused);
    RUN(test_an_unsigned_custom_authorizer_sends_its_password_and_a_wrong_one_is_refused);
    RUN(test_a_custom_authorizer_over_a_websocket_upgrades_unsigned);
    RUN(test_websocket_sigv4_presigns_the_upgrade_as_the_sdks_and_a_wrong_secret_is_refused);
    RUN(test_websocket_sigv4_with_the_default_chain_and_the_builders_own_bootstrap);
    RUN(test_mtls_through_an_http_proxy);
    RUN(test_the_setters_reach_the_client);
    RUN(test_a_builder_destroyed_while_its_client_lives);
    RUN(test_misuse_gets_clear_errors);

    fx_remove_dir(ib_pki.dir);
    int rc = fx_suite_end(ib_alloc, &ib_io);
    /* After the fixture's loops are gone: it joins the library's threads. */
    aws_auth_library_clean_up();
    return rc;
}

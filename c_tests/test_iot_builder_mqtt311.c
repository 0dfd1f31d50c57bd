/* The AWS IoT builder of the MQTT 3.1.1 connection (aws/iotdevice/mqtt_connection_builder.h)
 * against the test broker: each method connects with the options the builder fills (mutual TLS,
 * a signed custom authorizer with the user name in the SDK's 3.1.1 order, an unsigned one over a
 * WebSocket, WebSocket + SigV4, an HTTP proxy); a bad signature and a wrong secret refused; a
 * builder destroyed while its connection lives; misuse refused. */
#include "iot_builder_fixture.h"

#include <aws/auth/auth.h>

static int test_mtls_fills_the_connect_options_and_sends_the_metrics(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_iot_mqtt_connection_builder *b = ib311_mtls_builder(&ev, broker.port, "iotb311-mtls");
    CHECK(b != NULL);
    /* The filled options: what the builder holds, for the caller's connect. */
    struct aws_mqtt_connection_options options;
    struct aws_mqtt_client_connection *c = aws_iot_mqtt_connection_builder_build(b, &options);
    CHECK(c != NULL);
    CHECK(aws_byte_cursor_eq_c_str(&options.host_name, "localhost"));
    CHECK_INT_EQ(options.port, broker.port);
    CHECK(aws_byte_cursor_eq_c_str(&options.client_id, "iotb311-mtls"));
    CHECK_INT_EQ(options.keep_alive_time_secs, 30);
    CHECK_INT_EQ(options.ping_timeout_ms, 3000);
    CHECK(options.clean_session);
    CHECK(options.on_connection_complete == NULL);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 10000);
    fx_events_clean_up(&ev);

    CHECK_INT_EQ(ib311_round_trip(b, "iotb311/mtls"), 0);
    aws_iot_mqtt_connection_builder_destroy(b);
    CHECK_INT_EQ(ib_check_username(&broker, "?" METRICS), 0);
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"tls_handshake\"", "\"client_certificate\":true")), 1);
    fx_broker_stop(&broker);
    return 0;
}

static int test_a_signed_custom_authorizer_in_the_sdks_311_order_and_a_bad_signature_refused(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_authorizer(&broker, &ib_pki, true, true), 0);
    struct aws_iot_custom_authorizer_config config = ib_signed_config(ib_pki.signature);
    memset(&config.username, 0, sizeof(config.username));
    struct aws_iot_mqtt_connection_builder *b =
        aws_iot_mqtt_connection_builder_new_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(ib311_common(b, &ev, broker.port, "iotb311-signed"), 0);
    /* No user name in the configuration: the builder's login. */
    struct aws_byte_cursor user = fx_cur("thing-311");
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_login(b, &user, NULL), AWS_OP_SUCCESS);
    CHECK_INT_EQ(ib311_round_trip(b, "iotb311/signed"), 0);
    aws_iot_mqtt_connection_builder_destroy(b);
    char expected[1600];
    snprintf(expected, sizeof(expected),
             "thing-311?x-amz-customauthorizer-name=" IB_AUTHORIZER "&x-amz-customauthorizer-signature=%s&" IB_TOKEN_KEY
             "=" IB_TOKEN "&" METRICS,
             ib_pki.signature_encoded);
    CHECK_INT_EQ(ib_check_username(&broker, expected), 0);
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"tls_handshake\"", "\"alpn\":\"mqtt\"")), 1);

    config = ib_signed_config(ib_pki.other_signature);
    b = aws_iot_mqtt_connection_builder_new_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    CHECK_INT_EQ(ib311_common(b, &ev, broker.port, "iotb311-bad"), 0);
    CHECK_INT_EQ(ib311_refused(b, AWS_ERROR_MQTT_PROTOCOL_ERROR, AWS_MQTT_CONNECT_NOT_AUTHORIZED), 0);
    aws_iot_mqtt_connection_builder_destroy(b);
    fx_events_clean_up(&ev);
    fx_broker_stop(&broker);
    return 0;
}

static int test_an_unsigned_custom_authorizer_over_a_websocket(void) {
    struct fx_broker broker, bridge;
    CHECK_INT_EQ(ib_ws_pair(&broker, &bridge, IB_UNSIGNED_AUTHORIZER, false), 0);
    struct aws_iot_custom_authorizer_config config = ib_unsigned_config(IB_PASSWORD);
    struct aws_iot_mqtt_connection_builder *b =
        aws_iot_mqtt_connection_builder_new_websocket_custom_authorizer(ib_alloc, fx_cur("localhost"), &config);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(ib311_common(b, &ev, bridge.port, "iotb311-ws-auth"), 0);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_metrics_enabled(b, false), AWS_OP_SUCCESS);
    CHECK_INT_EQ(ib311_round_trip(b, "iotb311/wsauth"), 0);
    aws_iot_mqtt_connection_builder_destroy(b);
    CHECK_INT_EQ(ib_check_username(&broker, "device?x-amz-customauthorizer-name=" IB_AUTHORIZER), 0);
    CHECK_INT_EQ(fx_log_count(&bridge, FX_FRAGMENTS("\"ws_upgrade\"", "GET /mqtt HTTP/1.1")), 1);
    fx_events_clean_up(&ev);
    ib_ws_pair_stop(&broker, &bridge);
    return 0;
}

static int test_websocket_sigv4_and_a_wrong_secret(void) {
    struct fx_broker broker, bridge;
    CHECK_INT_EQ(ib_ws_pair(&broker, &bridge, IB_NO_AUTHORIZER, true), 0);
    struct aws_credentials_provider *provider = ib_static_provider(IB_SECRET);
    struct aws_iot_mqtt_connection_builder *b =
        aws_iot_mqtt_connection_builder_new_websocket_sigv4(ib_alloc, fx_cur("localhost"), fx_cur(IB_REGION), provider);
    aws_credentials_provider_release(provider);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(ib311_common(b, &ev, bridge.port, "iotb311-sigv4"), 0);
    CHECK_INT_EQ(ib311_round_trip(b, "iotb311/sigv4"), 0);
    aws_iot_mqtt_connection_builder_destroy(b);
    CHECK_INT_EQ(fx_log_count(&bridge, FX_FRAGMENTS("\"ws_sigv4\"", "\"ok\":true")), 1);

    provider = ib_static_provider("a wrong secret");
    b = aws_iot_mqtt_connection_builder_new_websocket_sigv4(ib_alloc, fx_cur("localhost"), fx_cur(IB_REGION), provider);
    aws_credentials_provider_release(provider);
    CHECK_INT_EQ(ib311_common(b, &ev, bridge.port, "iotb311-sigv4-bad"), 0);
    CHECK_INT_EQ(ib311_refused(b, AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE, 0), 0);
    aws_iot_mqtt_connection_builder_destroy(b);
    fx_events_clean_up(&ev);
    ib_ws_pair_stop(&broker, &bridge);
    return 0;
}

static int test_mtls_from_memory_through_an_http_proxy(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct fx_proxy proxy;
    CHECK_INT_EQ(fx_proxy_start(&proxy, broker.port, false), 0);
    char path[128];
    ib_file(&ib_pki, "client.pem", path, sizeof(path));
    char *cert = fx_read_file(path);
    ib_file(&ib_pki, "client.key", path, sizeof(path));
    char *key = fx_read_file(path);
    CHECK(cert && key);
    struct aws_byte_cursor cert_cur = fx_cur(cert), key_cur = fx_cur(key);
    struct aws_iot_mqtt_connection_builder *b =
        aws_iot_mqtt_connection_builder_new_mtls_from_memory(ib_alloc, fx_cur("localhost"), &cert_cur, &key_cur);
    free(cert), free(key);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(ib311_common(b, &ev, broker.port, "iotb311-proxy"), 0);
    struct aws_http_proxy_options proxy_options = fx_proxy_options(proxy.port, NULL, NULL);
    CHECK_INT_EQ(aws_iot_mqtt_connection_builder_set_http_proxy_options(b, &proxy_options), AWS_OP_SUCCESS);
    CHECK_INT_EQ(ib311_round_trip(b, "iotb311/proxy"), 0);
    aws_iot_mqtt_connection_builder_destroy(b);
    fx_events_clean_up(&ev);
    fx_proxy_stop(&proxy);
    fx_broker_stop(&broker);
    return 0;
}

static int test_a_builder_destroyed_while_its_connection_lives(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_iot_mqtt_connection_builder *b = ib311_mtls_builder(&ev, broker.port, "iotb311-orphan");
    CHECK(b != NULL);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(ib311_connect(b, &ev, &c), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    /* connect copied the options: the builder may go. */
    aws_iot_mqtt_connection_builder_destroy(b);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "iotb311/orphan/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    fx_broker_stop(&broker);
    return 0;
}

static int test_misuse_gets_clear_errors(void) {
    struct ib_identity id = ib_identity();
    const char *cert = id.cert, *key = id.key;
    struct aws_byte_cursor host = fx_cur("localhost");
    struct aws_mqtt_connection_options options;
    aws_reset_error();
    CHECK(aws_iot_mqtt_connection_builder_new_mtls_windows_cert_store_path(ib_alloc, host, "CurrentUser\\MY\\A1") ==
          NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_PLATFORM_NOT_SUPPORTED);
    aws_reset_error();
    CHECK(aws_iot_mqtt_connection_builder_new_mtls_from_path(ib_alloc, host, cert, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_iot_mqtt_connection_builder_build(NULL, &options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_iot_mqtt_connection_builder *b =
        aws_iot_mqtt_connection_builder_new_mtls_from_path(ib_alloc, host, cert, key);
    CHECK(b != NULL);
    aws_reset_error();
    CHECK(aws_iot_mqtt_connection_builder_build(b, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_byte_cursor not_utf8 = aws_byte_cursor_from_array("\xff\xfe", 2);
    CHECK_FAILS_WITH(aws_iot_mqtt_connection_builder_set_login(b, &not_utf8, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt_connection_builder_set_port(b, 65536), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt_connection_builder_set_socket_options(b, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_iot_mqtt_connection_builder_set_client_id(NULL, host), AWS_ERROR_INVALID_ARGUMENT);
    aws_iot_mqtt_connection_builder_destroy(b);
    aws_iot_mqtt_connection_builder_destroy(NULL);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&ib_alloc, &ib_io), 0);
    aws_auth_library_init(aws_default_allocator());
    CHECK_INT_EQ(ib_env_init(&ib_pki), 0);

    RUN(test_mtls_fills_the_connect_options_and_sends_the_metrics);
    RUN(test_a_signed_custom_authorizer_in_the_sdks_311_order_and_a_bad_signature_refused);
    RUN(test_an_unsigned_custom_authorizer_over_a_websocket);
    RUN(test_websocket_sigv4_and_a_wrong_secret);
    RUN(test_mtls_from_memory_through_an_http_proxy);
    RUN(test_a_builder_destroyed_while_its_connection_lives);
    RUN(test_misuse_gets_clear_errors);

    fx_remove_dir(ib_pki.dir);
    int rc = fx_suite_end(ib_alloc, &ib_io);
    /* After the fixture's loops are gone: it joins the library's threads. */
    aws_auth_library_clean_up();
    return rc;
}

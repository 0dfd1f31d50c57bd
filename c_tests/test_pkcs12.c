/* Mutual TLS with a PKCS#12 client identity (upstream has it on Apple only): a .p12 made with
 * the openssl CLI from the fixture's client certificate and key, given by path or in memory,
 * lets both clients reach a mosquitto that requires client certificates; a wrong password is
 * refused when the options are made, with AWS_IO_FILE_VALIDATION_FAILURE. */
#include "mqtt5_fixture.h"

#include <aws/io/tls_channel_handler.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;
static char s_p12[192];

static int s_connection_options(struct aws_tls_ctx_options *ctx_options, struct aws_tls_ctx **ctx,
                                struct aws_tls_connection_options *tls) {
    return fx_tls_connection_options(s_alloc, ctx_options, fx_path(s_mosquitto.dir, "ca.pem"), ctx, tls);
}

/* The 3.1.1 client connects with `ctx_options`, and publishes and receives one message. */
static int s_mqtt311_round_trip(struct aws_tls_ctx_options *ctx_options) {
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    CHECK_INT_EQ(s_connection_options(ctx_options, &ctx, &tls), 0);
    struct aws_mqtt_client *client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(client != NULL);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(client, &c, &ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, s_mosquitto.port, "fx-p12", &ev);
    options.tls_options = &tls;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    aws_tls_connection_options_clean_up(&tls);
    aws_tls_ctx_release(ctx);
    CHECK_WAIT(&ev, ev.complete == 1, 10000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx_subscribe(c, &ev, "p12/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
    struct aws_byte_cursor topic = fx_cur("p12/echo");
    struct aws_byte_cursor payload = fx_cur("from a .p12");
    CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) != 0);
    CHECK_WAIT(&ev, fx_received_locked(&ev, "p12/echo", false) == 1, 5000);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(client);
    return 0;
}

static int test_a_p12_file_by_path_connects_the_311_client(void) {
    struct aws_tls_ctx_options ctx_options;
    struct aws_byte_cursor password = fx_cur("secret");
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(&ctx_options, s_alloc, s_p12, &password),
                 AWS_OP_SUCCESS);
    return s_mqtt311_round_trip(&ctx_options);
}

static int test_p12_bytes_in_memory_connect_the_311_client(void) {
    FILE *f = fopen(s_p12, "rb");
    CHECK(f != NULL);
    uint8_t der[16384];
    size_t len = fread(der, 1, sizeof(der), f);
    fclose(f);
    CHECK(len > 0 && len < sizeof(der));
    struct aws_byte_cursor bytes = aws_byte_cursor_from_array(der, len);
    struct aws_byte_cursor password = fx_cur("secret");
    struct aws_tls_ctx_options ctx_options;
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_pkcs12(&ctx_options, s_alloc, &bytes, &password),
                 AWS_OP_SUCCESS);
    /* The options hold their own copy. */
    memset(der, 0, sizeof(der));
    return s_mqtt311_round_trip(&ctx_options);
}

static int test_a_p12_file_connects_the_mqtt5_client(void) {
    struct aws_tls_ctx_options ctx_options;
    struct aws_byte_cursor password = fx_cur("secret");
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(&ctx_options, s_alloc, s_p12, &password),
                 AWS_OP_SUCCESS);
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    CHECK_INT_EQ(s_connection_options(&ctx_options, &ctx, &tls), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, s_mosquitto.port, "fx5-p12");
    cfg.options.tls_options = &tls;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    aws_tls_connection_options_clean_up(&tls);
    aws_tls_ctx_release(ctx);
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "p12v5/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    struct fx5_op *op = fx5_publish(c, &ev, "p12v5/echo", AWS_MQTT5_QOS_AT_LEAST_ONCE, "from a .p12");
    CHECK(op != NULL);
    CHECK_WAIT(&ev, op->completions == 1 && fx5_received_locked(&ev, "p12v5/echo") == 1, 10000);
    return fx5_finish_and_clean_up(c, &ev);
}

static int test_a_wrong_password_or_a_file_that_is_no_p12_is_refused(void) {
    struct aws_tls_ctx_options ctx_options;
    struct aws_byte_cursor wrong = fx_cur("not the password");
    aws_reset_error();
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(&ctx_options, s_alloc, s_p12, &wrong),
                 AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_IO_FILE_VALIDATION_FAILURE);
    aws_tls_ctx_options_clean_up(&ctx_options); /* safe on refused options */
    struct aws_byte_cursor password = fx_cur("secret");
    aws_reset_error();
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(&ctx_options, s_alloc,
                                                                       fx_path(s_mosquitto.dir, "client.pem"),
                                                                       &password),
                 AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_IO_FILE_VALIDATION_FAILURE);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx_mosquitto_start(&s_mosquitto, FX_MOSQUITTO_MTLS), 0);
    snprintf(s_p12, sizeof(s_p12), "%s", fx_path(s_mosquitto.dir, "client.p12"));
    char command[1024];
    snprintf(command, sizeof(command),
             "openssl pkcs12 -export -in '%s/client.pem' -inkey '%s/client.key' -out '%s' -passout pass:secret",
             s_mosquitto.dir, s_mosquitto.dir, s_p12);
    CHECK_INT_EQ(fx_sh(command), 0);

    RUN(test_a_p12_file_by_path_connects_the_311_client);
    RUN(test_p12_bytes_in_memory_connect_the_311_client);
    RUN(test_a_p12_file_connects_the_mqtt5_client);
    RUN(test_a_wrong_password_or_a_file_that_is_no_p12_is_refused);

    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}

/* Mutual TLS with a PKCS#12 client identity (upstream has it on Apple only): a .p12 made with
 * the openssl CLI from the fixture's client certificate and key, given by path or in memory,
 * lets both clients reach a mosquitto that requires client certificates; a wrong password is
 * refused when the options are made, with AWS_IO_FILE_VALIDATION_FAILURE. */
#include "mtls_fixture.h"

#include <aws/io/tls_channel_handler.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;
static char s_p12[192];

static int test_a_p12_file_by_path_connects_the_311_client(void) {
    struct aws_tls_ctx_options ctx_options;
    struct aws_byte_cursor password = fx_cur("secret");
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(&ctx_options, s_alloc, s_p12, &password),
                 AWS_OP_SUCCESS);
    return fx_mtls_311_round_trip(s_alloc, &s_io, &s_mosquitto, &ctx_options, "fx-p12");
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
    return fx_mtls_311_round_trip(s_alloc, &s_io, &s_mosquitto, &ctx_options, "fx-p12");
}

static int test_a_p12_file_connects_the_mqtt5_client(void) {
    struct aws_tls_ctx_options ctx_options;
    struct aws_byte_cursor password = fx_cur("secret");
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(&ctx_options, s_alloc, s_p12, &password),
                 AWS_OP_SUCCESS);
    return fx_mtls_5_round_trip(s_alloc, &s_io, &s_mosquitto, &ctx_options, "fx5-p12");
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

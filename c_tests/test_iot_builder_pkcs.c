/* The AWS IoT builders' PKCS#12 and PKCS#11 methods, both protocol versions, against the test
 * broker's mutual TLS: a .p12 made from the test PKI's client identity, and a SoftHSM2 token
 * (pkcs11_fixture.h) whose RSA key the test PKI's CA certified; a wrong PKCS#12 password, an
 * absent token and a wrong PIN refused by the constructor with upstream's codes. */
#include "iot_builder_fixture.h"
#include "pkcs11_fixture.h"

#include <aws/auth/auth.h>
#include <aws/io/pkcs11.h>

static struct fx_p11 s_token;
static char s_p12[128];

static int test_pkcs12_connects_both_clients_and_a_wrong_password_is_refused(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct aws_byte_cursor password = fx_cur("p12-secret");
    struct aws_iot_mqtt5_client_builder *b5 =
        aws_iot_mqtt5_client_builder_new_mtls_pkcs12(ib_alloc, fx_cur("localhost"), s_p12, &password);
    struct fx5_events ev5;
    fx5_events_init(&ev5);
    CHECK_INT_EQ(ib5_common(b5, &ev5, broker.port, "iotb-p12-5", NULL), 0);
    CHECK_INT_EQ(ib5_run(b5, &ev5, "iotb/p12/5", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b5);
    fx5_events_clean_up(&ev5);

    struct aws_iot_mqtt_connection_builder *b3 =
        aws_iot_mqtt_connection_builder_new_mtls_pkcs12(ib_alloc, fx_cur("localhost"), s_p12, &password);
    struct fx_events ev3;
    fx_events_init(&ev3);
    CHECK_INT_EQ(ib311_common(b3, &ev3, broker.port, "iotb-p12-3"), 0);
    CHECK_INT_EQ(ib311_round_trip(b3, "iotb/p12/3"), 0);
    aws_iot_mqtt_connection_builder_destroy(b3);
    fx_events_clean_up(&ev3);
    CHECK_INT_EQ(fx_log_count(&broker, FX_FRAGMENTS("\"tls_handshake\"", "\"client_certificate\":true")), 2);

    struct aws_byte_cursor wrong = fx_cur("not the password");
    aws_reset_error();
    CHECK(aws_iot_mqtt5_client_builder_new_mtls_pkcs12(ib_alloc, fx_cur("localhost"), s_p12, &wrong) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_IO_FILE_VALIDATION_FAILURE);
    aws_reset_error();
    CHECK(aws_iot_mqtt_connection_builder_new_mtls_pkcs12(ib_alloc, fx_cur("localhost"), s_p12, &wrong) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_IO_FILE_VALIDATION_FAILURE);
    fx_broker_stop(&broker);
    return 0;
}

/* Options for the token's RSA key with its certificate file. */
static struct aws_tls_ctx_pkcs11_options s_rsa_key(struct aws_pkcs11_lib *lib, char *cert, size_t size) {
    snprintf(cert, size, "%s/rsa.pem", s_token.dir);
    struct aws_tls_ctx_pkcs11_options o = {
        .pkcs11_lib = lib,
        .user_pin = fx_cur(FX_P11_PIN),
        .token_label = fx_cur(FX_P11_TOKEN),
        .private_key_object_label = fx_cur("rsa-key"),
        .cert_file_path = fx_cur(cert),
    };
    return o;
}

static int test_pkcs11_connects_both_clients_and_an_absent_token_or_wrong_pin_is_refused(void) {
    struct fx_broker broker;
    CHECK_INT_EQ(ib_broker_mtls(&broker, &ib_pki), 0);
    struct aws_pkcs11_lib_options lib_options = {.filename = fx_cur(s_token.module)};
    struct aws_pkcs11_lib *lib = aws_pkcs11_lib_new(ib_alloc, &lib_options);
    CHECK(lib != NULL);
    char cert[128];
    struct aws_tls_ctx_pkcs11_options o = s_rsa_key(lib, cert, sizeof(cert));

    struct aws_iot_mqtt5_client_builder *b5 =
        aws_iot_mqtt5_client_builder_new_mtls_pkcs11(ib_alloc, fx_cur("localhost"), &o);
    struct fx5_events ev5;
    fx5_events_init(&ev5);
    CHECK_INT_EQ(ib5_common(b5, &ev5, broker.port, "iotb-p11-5", NULL), 0);
    CHECK_INT_EQ(ib5_run(b5, &ev5, "iotb/p11/5", 0, 0), 0);
    aws_iot_mqtt5_client_builder_destroy(b5);
    fx5_events_clean_up(&ev5);

    struct aws_iot_mqtt_connection_builder *b3 =
        aws_iot_mqtt_connection_builder_new_mtls_pkcs11(ib_alloc, fx_cur("localhost"), &o);
    struct fx_events ev3;
    fx_events_init(&ev3);
    CHECK_INT_EQ(ib311_common(b3, &ev3, broker.port, "iotb-p11-3"), 0);
    CHECK_INT_EQ(ib311_round_trip(b3, "iotb/p11/3"), 0);
    aws_iot_mqtt_connection_builder_destroy(b3);
    fx_events_clean_up(&ev3);

    o.token_label = fx_cur("no such token");
    aws_reset_error();
    CHECK(aws_iot_mqtt5_client_builder_new_mtls_pkcs11(ib_alloc, fx_cur("localhost"), &o) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_PKCS11_TOKEN_NOT_FOUND);
    aws_reset_error();
    CHECK(aws_iot_mqtt_connection_builder_new_mtls_pkcs11(ib_alloc, fx_cur("localhost"), &o) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_PKCS11_TOKEN_NOT_FOUND);
    o = s_rsa_key(lib, cert, sizeof(cert));
    o.user_pin = fx_cur("0000");
    aws_reset_error();
    CHECK(aws_iot_mqtt5_client_builder_new_mtls_pkcs11(ib_alloc, fx_cur("localhost"), &o) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_PKCS11_CKR_PIN_INCORRECT);
    aws_pkcs11_lib_release(lib);
    fx_broker_stop(&broker);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&ib_alloc, &ib_io), 0);
    aws_auth_library_init(aws_default_allocator());
    CHECK_INT_EQ(ib_env_init(&ib_pki), 0);
    if (fx_p11_module(&s_token)) {
        return 1;
    }
    CHECK_INT_EQ(fx_p11_make_token(&s_token, ib_pki.dir), 0);
    ib_file(&ib_pki, "client.p12", s_p12, sizeof(s_p12));
    char command[512];
    snprintf(command, sizeof(command),
             "openssl pkcs12 -export -in '%s/client.pem' -inkey '%s/client.key' -out '%s' -passout pass:p12-secret",
             ib_pki.dir, ib_pki.dir, s_p12);
    CHECK_INT_EQ(fx_sh(command), 0);

    RUN(test_pkcs12_connects_both_clients_and_a_wrong_password_is_refused);
    RUN(test_pkcs11_connects_both_clients_and_an_absent_token_or_wrong_pin_is_refused);

    fx_remove_dir(s_token.dir);
    fx_remove_dir(ib_pki.dir);
    int rc = fx_suite_end(ib_alloc, &ib_io);
    /* After the fixture's loops are gone: it joins the library's threads. */
    aws_auth_library_clean_up();
    return rc;
}

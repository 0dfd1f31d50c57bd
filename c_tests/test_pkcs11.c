/* Mutual TLS with keys on a PKCS#11 token: the test makes a SoftHSM2 token of its own (env
 * SOFTHSM2_LIB, default /usr/lib/softhsm/libsofthsm2.so; its config and token directory in a
 * temporary directory), imports an RSA and an EC P-256 key whose certificates the fixture's CA
 * signs, and connects both clients to a mosquitto that requires client certificates, the
 * handshake signing on the token. Also: aws_pkcs11_lib_new's initialize/finalize behaviours,
 * and upstream's error codes for a bad module path, a wrong PIN, an unknown token or slot, an
 * ambiguous or unknown key, and a certificate given twice. */
#include "mtls_fixture.h"
#include "pkcs11_fixture.h"

#include <aws/io/pkcs11.h>

#define PIN FX_P11_PIN
#define TOKEN FX_P11_TOKEN

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;
static struct fx_p11 s_token;

static struct aws_pkcs11_lib *s_lib_new(enum aws_pkcs11_lib_behavior behavior) {
    struct aws_pkcs11_lib_options options = {
        .filename = fx_cur(s_token.module),
        .initialize_finalize_behavior = behavior,
    };
    return aws_pkcs11_lib_new(s_alloc, &options);
}

/* Options for the key `kind`-key of our token (found by label) with the certificate file. */
static struct aws_tls_ctx_pkcs11_options s_key_options(struct aws_pkcs11_lib *lib, const char *kind, char *cert,
                                                       size_t cert_size, char *label, size_t label_size) {
    snprintf(cert, cert_size, "%s/%s.pem", s_token.dir, kind);
    snprintf(label, label_size, "%s-key", kind);
    struct aws_tls_ctx_pkcs11_options o = {
        .pkcs11_lib = lib,
        .user_pin = fx_cur(PIN),
        .token_label = fx_cur(TOKEN),
        .private_key_object_label = fx_cur(label),
        .cert_file_path = fx_cur(cert),
    };
    return o;
}

static int test_behaviours_and_a_bad_module(void) {
    /* Upstream's old spelling of the enum still compiles. */
    enum aws_pcks11_lib_behavior old_spelling = AWS_PKCS11_LIB_DEFAULT_BEHAVIOR;
    CHECK_INT_EQ(old_spelling, 0);
    struct aws_pkcs11_lib_options bad = {.filename = fx_cur("/nonexistent/libpkcs11.so")};
    CHECK(aws_pkcs11_lib_new(s_alloc, &bad) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_IO_SHARED_LIBRARY_LOAD_FAILURE);
    CHECK(aws_pkcs11_lib_new(s_alloc, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(s_lib_new((enum aws_pkcs11_lib_behavior)7) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    /* Nothing initialised the module: OMIT leaves it so, and it cannot be used. */
    CHECK(s_lib_new(AWS_PKCS11_LIB_OMIT_INITIALIZE) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_PKCS11_CKR_CRYPTOKI_NOT_INITIALIZED);

    /* STRICT initialises; a second STRICT finds it initialised, which it must not be. */
    struct aws_pkcs11_lib *strict = s_lib_new(AWS_PKCS11_LIB_STRICT_INITIALIZE_FINALIZE);
    CHECK(strict != NULL);
    CHECK(s_lib_new(AWS_PKCS11_LIB_STRICT_INITIALIZE_FINALIZE) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_PKCS11_CKR_CRYPTOKI_ALREADY_INITIALIZED);
    /* DEFAULT tolerates it, OMIT relies on it. */
    struct aws_pkcs11_lib *tolerant = s_lib_new(AWS_PKCS11_LIB_DEFAULT_BEHAVIOR);
    CHECK(tolerant != NULL);
    struct aws_pkcs11_lib *omitting = s_lib_new(AWS_PKCS11_LIB_OMIT_INITIALIZE);
    CHECK(omitting != NULL);
    CHECK(aws_pkcs11_lib_acquire(omitting) == omitting);
    aws_pkcs11_lib_release(omitting);
    aws_pkcs11_lib_release(omitting);
    aws_pkcs11_lib_release(tolerant);
    /* The last STRICT release finalises: OMIT finds the module uninitialised again. */
    aws_pkcs11_lib_release(strict);
    CHECK(s_lib_new(AWS_PKCS11_LIB_OMIT_INITIALIZE) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_PKCS11_CKR_CRYPTOKI_NOT_INITIALIZED);
    aws_pkcs11_lib_release(NULL);
    CHECK(aws_pkcs11_lib_acquire(NULL) == NULL);
    return 0;
}

/* `o` is refused with `code`; the options stay safe to clean up. */
static int s_refused(struct aws_tls_ctx_pkcs11_options *o, int code) {
    struct aws_tls_ctx_options ctx_options;
    aws_reset_error();
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_with_pkcs11(&ctx_options, s_alloc, o), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), code);
    aws_tls_ctx_options_clean_up(&ctx_options);
    return 0;
}

static int test_refusals_carry_upstreams_codes(void) {
    struct aws_pkcs11_lib *lib = s_lib_new(AWS_PKCS11_LIB_STRICT_INITIALIZE_FINALIZE);
    CHECK(lib != NULL);
    char cert[192], label[32];
    struct aws_tls_ctx_pkcs11_options o = s_key_options(lib, "rsa", cert, sizeof(cert), label, sizeof(label));

    o.user_pin = fx_cur("0000");
    CHECK_INT_EQ(s_refused(&o, AWS_ERROR_PKCS11_CKR_PIN_INCORRECT), 0);
    o.user_pin = fx_cur(PIN);

    o.token_label = fx_cur("no such token");
    CHECK_INT_EQ(s_refused(&o, AWS_ERROR_PKCS11_TOKEN_NOT_FOUND), 0);
    o.token_label = fx_cur(TOKEN);
    uint64_t other_slot = s_token.slot + 1;
    o.slot_id = &other_slot;
    CHECK_INT_EQ(s_refused(&o, AWS_ERROR_PKCS11_TOKEN_NOT_FOUND), 0);
    o.slot_id = NULL;

    o.private_key_object_label = fx_cur("no such key");
    CHECK_INT_EQ(s_refused(&o, AWS_ERROR_PKCS11_KEY_NOT_FOUND), 0);
    /* Without a label, two private keys are one too many. */
    memset(&o.private_key_object_label, 0, sizeof(o.private_key_object_label));
    CHECK_INT_EQ(s_refused(&o, AWS_ERROR_PKCS11_KEY_NOT_FOUND), 0);
    o.private_key_object_label = fx_cur(label);

    o.cert_file_contents = fx_cur("-----BEGIN CERTIFICATE-----");
    CHECK_INT_EQ(s_refused(&o, AWS_ERROR_INVALID_ARGUMENT), 0);
    memset(&o.cert_file_contents, 0, sizeof(o.cert_file_contents));
    o.pkcs11_lib = NULL;
    CHECK_INT_EQ(s_refused(&o, AWS_ERROR_INVALID_ARGUMENT), 0);
    aws_pkcs11_lib_release(lib);
    return 0;
}

static int test_rsa_key_by_token_label_connects_both_clients(void) {
    struct aws_pkcs11_lib *lib = s_lib_new(AWS_PKCS11_LIB_DEFAULT_BEHAVIOR);
    CHECK(lib != NULL);
    char cert[192], label[32];
    struct aws_tls_ctx_pkcs11_options o = s_key_options(lib, "rsa", cert, sizeof(cert), label, sizeof(label));
    struct aws_tls_ctx_options ctx_options;
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_with_pkcs11(&ctx_options, s_alloc, &o), AWS_OP_SUCCESS);
    /* The options keep the library: the caller's reference may go now. */
    aws_pkcs11_lib_release(lib);
    CHECK_INT_EQ(fx_mtls_311_round_trip(s_alloc, &s_io, &s_mosquitto, &ctx_options, "fx-p11-rsa"), 0);

    lib = s_lib_new(AWS_PKCS11_LIB_DEFAULT_BEHAVIOR);
    CHECK(lib != NULL);
    o = s_key_options(lib, "rsa", cert, sizeof(cert), label, sizeof(label));
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_with_pkcs11(&ctx_options, s_alloc, &o), AWS_OP_SUCCESS);
    aws_pkcs11_lib_release(lib);
    return fx_mtls_5_round_trip(s_alloc, &s_io, &s_mosquitto, &ctx_options, "fx5-p11-rsa");
}

static int test_ec_key_by_slot_id_with_the_certificate_in_memory(void) {
    struct aws_pkcs11_lib *lib = s_lib_new(AWS_PKCS11_LIB_DEFAULT_BEHAVIOR);
    CHECK(lib != NULL);
    char cert[192], label[32];
    struct aws_tls_ctx_pkcs11_options o = s_key_options(lib, "ec", cert, sizeof(cert), label, sizeof(label));
    char *pem = fx_read_file(cert);
    CHECK(pem != NULL);
    memset(&o.cert_file_path, 0, sizeof(o.cert_file_path));
    memset(&o.token_label, 0, sizeof(o.token_label));
    o.cert_file_contents = fx_cur(pem);
    o.slot_id = &s_token.slot;
    struct aws_tls_ctx_options ctx_options;
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_with_pkcs11(&ctx_options, s_alloc, &o), AWS_OP_SUCCESS);
    free(pem);
    CHECK_INT_EQ(fx_mtls_311_round_trip(s_alloc, &s_io, &s_mosquitto, &ctx_options, "fx-p11-ec"), 0);

    o = s_key_options(lib, "ec", cert, sizeof(cert), label, sizeof(label));
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_with_pkcs11(&ctx_options, s_alloc, &o), AWS_OP_SUCCESS);
    aws_pkcs11_lib_release(lib);
    return fx_mtls_5_round_trip(s_alloc, &s_io, &s_mosquitto, &ctx_options, "fx5-p11-ec");
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    if (fx_p11_module(&s_token)) {
        return 1;
    }
    CHECK_INT_EQ(fx_mosquitto_start(&s_mosquitto, FX_MOSQUITTO_MTLS), 0);
    CHECK_INT_EQ(fx_p11_make_token(&s_token, s_mosquitto.dir), 0);

    RUN(test_behaviours_and_a_bad_module);
    RUN(test_refusals_carry_upstreams_codes);
    RUN(test_rsa_key_by_token_label_connects_both_clients);
    RUN(test_ec_key_by_slot_id_with_the_certificate_in_memory);

    fx_remove_dir(s_token.dir);
    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}

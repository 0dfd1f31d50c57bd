/* aws-c-auth as an AWS IoT WebSocket handshake transform uses it: a static credentials provider,
 * aws_signable_new_http_request on the upgrade GET, aws_sign_request_aws presigning it for
 * iotdevicegateway with the session token left out of the signature, then
 * aws_apply_signing_result_to_http_request. The signature is the one src/auth/sigv4_tests.rs
 * pins (the signer itself passes the AWS SigV4 suite in tests/sigv4_vectors.rs). Also header
 * signing, anonymous credentials, and the refusals with aws-c-auth's error codes. */
#include <aws/auth/auth.h>
#include <aws/auth/credentials.h>
#include <aws/auth/signable.h>
#include <aws/auth/signing.h>
#include <aws/auth/signing_config.h>
#include <aws/auth/signing_result.h>
#include <aws/common/date_time.h>
#include <aws/common/error.h>
#include <aws/common/string.h>
#include <aws/http/request_response.h>

#include "test_support.h"

#include <string.h>

#define SIGNATURE "026c20a61bae0c9e109ab3720b96164d965f64dfc0dd03bfc9f1152ab1d323f9"
#define PRESIGNED_PATH                                                                             \
    "/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2F" \
    "iotdevicegateway%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&"        \
    "X-Amz-Security-Token=tok%2Fen%2B&X-Amz-Signature=" SIGNATURE

static struct aws_byte_cursor s_cur(const char *s) {
    return aws_byte_cursor_from_c_str(s);
}

/* What the completion saw. */
struct outcome {
    int calls;
    int error_code;
    struct aws_http_message *request;
    char signature[80];
    size_t query_params;
    int apply_result;
};

static void s_on_signed(struct aws_signing_result *result, int error_code, void *userdata) {
    struct outcome *o = userdata;
    o->calls++;
    o->error_code = error_code;
    if (result == NULL) {
        return;
    }
    struct aws_string *signature = NULL;
    aws_signing_result_get_property(result, g_aws_signature_property_name, &signature);
    if (signature != NULL && signature->len < sizeof(o->signature)) {
        memcpy(o->signature, aws_string_bytes(signature), signature->len + 1);
    }
    struct aws_array_list *params = NULL;
    aws_signing_result_get_property_list(result, g_aws_http_query_params_property_list_name, &params);
    o->query_params = params ? aws_array_list_length(params) : 0;
    o->apply_result = aws_apply_signing_result_to_http_request(o->request, aws_default_allocator(), result);
}

static int s_shutdowns;
static void s_on_shutdown(void *user_data) {
    (void)user_data;
    s_shutdowns++;
}

static struct aws_http_message *s_handshake(void) {
    struct aws_http_message *m = aws_http_message_new_request(aws_default_allocator());
    aws_http_message_set_request_method(m, s_cur("GET"));
    aws_http_message_set_request_path(m, s_cur("/mqtt"));
    const char *fields[][2] = {
        {"Host", "example-ats.iot.us-east-1.amazonaws.com"},
        {"Upgrade", "websocket"},
        {"Connection", "Upgrade"},
        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
        {"Sec-WebSocket-Protocol", "mqtt"},
        {"Sec-WebSocket-Version", "13"},
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        struct aws_http_header h = {.name = s_cur(fields[i][0]), .value = s_cur(fields[i][1])};
        aws_http_message_add_header(m, h);
    }
    return m;
}

static struct aws_credentials_provider *s_static_provider(void) {
    struct aws_credentials_provider_static_options options = {
        .shutdown_options = {.shutdown_callback = s_on_shutdown},
        .access_key_id = s_cur("AKIDEXAMPLE"),
        .secret_access_key = s_cur("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        .session_token = s_cur("tok/en+"),
    };
    return aws_credentials_provider_new_static(aws_default_allocator(), &options);
}

/* As the SDKs configure the IoT WebSocket signer. */
static void s_iot_config(struct aws_signing_config_aws *config, struct aws_credentials_provider *provider) {
    memset(config, 0, sizeof(*config));
    config->config_type = AWS_SIGNING_CONFIG_AWS;
    config->algorithm = AWS_SIGNING_ALGORITHM_V4;
    config->signature_type = AWS_ST_HTTP_REQUEST_QUERY_PARAMS;
    config->region = s_cur("us-east-1");
    config->service = s_cur("iotdevicegateway");
    aws_date_time_init_epoch_secs(&config->date, 1440938160.0); /* 2015-08-30T12:36:00Z */
    config->flags.use_double_uri_encode = 1;
    config->flags.should_normalize_uri_path = 1;
    config->flags.omit_session_token = 1;
    config->signed_body_value = g_aws_signed_body_value_empty_sha256;
    config->credentials_provider = provider;
}

static int test_iot_websocket_presigning(void) {
    struct aws_credentials_provider *provider = s_static_provider();
    CHECK(provider != NULL);
    struct outcome o = {.request = s_handshake()};
    struct aws_signable *signable = aws_signable_new_http_request(aws_default_allocator(), o.request);
    CHECK(signable != NULL);
    struct aws_signing_config_aws config;
    s_iot_config(&config, provider);
    CHECK_INT_EQ(aws_validate_aws_signing_config_aws(&config), AWS_OP_SUCCESS);

    CHECK_INT_EQ(aws_sign_request_aws(aws_default_allocator(), signable, (struct aws_signing_config_base *)&config,
                                      s_on_signed, &o),
                 AWS_OP_SUCCESS);
    /* The static provider answers at once, so the completion has run (upstream does the same). */
    CHECK_INT_EQ(o.calls, 1);
    CHECK_INT_EQ(o.error_code, 0);
    CHECK_INT_EQ(o.apply_result, AWS_OP_SUCCESS);
    CHECK(strcmp(o.signature, SIGNATURE) == 0);
    /* Algorithm, credential, date, signed headers, token, signature (no expiry was asked). */
    CHECK_INT_EQ(o.query_params, 6);

    struct aws_byte_cursor path;
    CHECK_INT_EQ(aws_http_message_get_request_path(o.request, &path), AWS_OP_SUCCESS);
    if (!aws_byte_cursor_eq_c_str(&path, PRESIGNED_PATH)) {
        fprintf(stderr, "presigned path: %.*s\n", (int)path.len, (const char *)path.ptr);
        return 1;
    }
    /* Query signing adds no header. */
    CHECK_INT_EQ(aws_http_message_get_header_count(o.request), 6);

    aws_signable_destroy(signable);
    aws_http_message_release(o.request);
    CHECK_INT_EQ(s_shutdowns, 0);
    aws_credentials_provider_release(provider);
    CHECK_INT_EQ(s_shutdowns, 1);
    return 0;
}

static int test_header_signing_with_explicit_credentials(void) {
    struct aws_credentials *credentials = aws_credentials_new(aws_default_allocator(), s_cur("AKIDEXAMPLE"),
                                                              s_cur("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                                              s_cur(""), UINT64_MAX);
    CHECK(credentials != NULL);
    struct aws_byte_cursor token = aws_credentials_get_session_token(credentials);
    CHECK_INT_EQ(token.len, 0);
    struct outcome o = {.request = s_handshake()};
    struct aws_signable *signable = aws_signable_new_http_request(aws_default_allocator(), o.request);
    struct aws_signing_config_aws config;
    s_iot_config(&config, NULL);
    config.signature_type = AWS_ST_HTTP_REQUEST_HEADERS;
    config.credentials = credentials;
    CHECK_INT_EQ(aws_sign_request_aws(aws_default_allocator(), signable, (struct aws_signing_config_base *)&config,
                                      s_on_signed, &o),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(o.calls, 1);
    CHECK_INT_EQ(o.error_code, 0);
    CHECK_INT_EQ(o.query_params, 0);
    /* X-Amz-Date and Authorization were added, in that order. */
    CHECK_INT_EQ(aws_http_message_get_header_count(o.request), 8);
    struct aws_http_header h;
    CHECK_INT_EQ(aws_http_message_get_header(o.request, &h, 6), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&h.name, "X-Amz-Date"));
    CHECK(aws_byte_cursor_eq_c_str(&h.value, "20150830T123600Z"));
    CHECK_INT_EQ(aws_http_message_get_header(o.request, &h, 7), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&h.name, "Authorization"));
    struct aws_byte_cursor prefix = s_cur("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
                                          "iotdevicegateway/aws4_request, SignedHeaders=host;x-amz-date, Signature=");
    CHECK(aws_byte_cursor_starts_with(&h.value, &prefix));

    /* Signing again refuses the request: it now carries the headers signing adds. */
    o.calls = 0;
    CHECK_INT_EQ(aws_signable_get_property(signable, g_aws_http_method_property_name, &h.value), AWS_OP_SUCCESS);
    aws_signable_destroy(signable);
    signable = aws_signable_new_http_request(aws_default_allocator(), o.request);
    CHECK_INT_EQ(aws_sign_request_aws(aws_default_allocator(), signable, (struct aws_signing_config_base *)&config,
                                      s_on_signed, &o),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(o.calls, 1);
    CHECK_INT_EQ(o.error_code, AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER);

    aws_signable_destroy(signable);
    aws_http_message_release(o.request);
    aws_credentials_release(credentials);
    return 0;
}

static int test_anonymous_credentials_leave_the_request_unsigned(void) {
    struct aws_credentials_provider *provider = aws_credentials_provider_new_anonymous(aws_default_allocator(), NULL);
    CHECK(provider != NULL);
    struct outcome o = {.request = s_handshake()};
    struct aws_signable *signable = aws_signable_new_http_request(aws_default_allocator(), o.request);
    struct aws_signing_config_aws config;
    s_iot_config(&config, provider);
    CHECK_INT_EQ(aws_sign_request_aws(aws_default_allocator(), signable, (struct aws_signing_config_base *)&config,
                                      s_on_signed, &o),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(o.calls, 1);
    CHECK_INT_EQ(o.error_code, 0);
    CHECK_INT_EQ(o.query_params, 0);
    struct aws_byte_cursor path;
    aws_http_message_get_request_path(o.request, &path);
    CHECK(aws_byte_cursor_eq_c_str(&path, "/mqtt"));
    aws_signable_destroy(signable);
    aws_http_message_release(o.request);
    aws_credentials_provider_release(provider);
    return 0;
}

static int test_refusals(void) {
    struct aws_credentials_provider *provider = s_static_provider();
    struct outcome o = {.request = s_handshake()};
    struct aws_signable *signable = aws_signable_new_http_request(aws_default_allocator(), o.request);
    struct aws_signing_config_aws config;
    struct aws_signing_config_base *base = (struct aws_signing_config_base *)&config;

    CHECK_FAILS_WITH(aws_validate_aws_signing_config_aws(NULL), AWS_AUTH_SIGNING_INVALID_CONFIGURATION);
    s_iot_config(&config, provider);
    config.region = s_cur("");
    CHECK_FAILS_WITH(aws_validate_aws_signing_config_aws(&config), AWS_AUTH_SIGNING_INVALID_CONFIGURATION);
    CHECK_FAILS_WITH(aws_sign_request_aws(aws_default_allocator(), signable, base, s_on_signed, &o),
                     AWS_AUTH_SIGNING_INVALID_CONFIGURATION);
    s_iot_config(&config, NULL);
    CHECK_FAILS_WITH(aws_validate_aws_signing_config_aws(&config), AWS_AUTH_SIGNING_INVALID_CONFIGURATION);
    s_iot_config(&config, provider);
    config.config_type = 7;
    CHECK_FAILS_WITH(aws_sign_request_aws(aws_default_allocator(), signable, base, s_on_signed, &o),
                     AWS_AUTH_SIGNING_MISMATCHED_CONFIGURATION);
    s_iot_config(&config, provider);
    config.algorithm = AWS_SIGNING_ALGORITHM_V4_ASYMMETRIC;
    CHECK_FAILS_WITH(aws_sign_request_aws(aws_default_allocator(), signable, base, s_on_signed, &o),
                     AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM);
    CHECK(strcmp(aws_signing_algorithm_to_string(AWS_SIGNING_ALGORITHM_V4_ASYMMETRIC), "SigV4Asymmetric") == 0);
    CHECK(strcmp(aws_signing_algorithm_to_string((enum aws_signing_algorithm)42), "Unknown") == 0);
    CHECK_INT_EQ(o.calls, 0);

    /* A query parameter that signing adds is refused through the completion, as upstream. */
    aws_http_message_set_request_path(o.request, s_cur("/mqtt?X-Amz-Signature=forged"));
    s_iot_config(&config, provider);
    CHECK_INT_EQ(aws_sign_request_aws(aws_default_allocator(), signable, base, s_on_signed, &o), AWS_OP_SUCCESS);
    CHECK_INT_EQ(o.calls, 1);
    CHECK_INT_EQ(o.error_code, AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM);

    CHECK(aws_credentials_new(aws_default_allocator(), s_cur(""), s_cur("secret"), s_cur(""), 0) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(aws_ecc_key_pair_new_ecdsa_p256_key_from_aws_credentials(aws_default_allocator(), NULL) == NULL);
    CHECK(strcmp(aws_error_name(AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE),
                 "AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE") == 0);

    aws_signable_destroy(signable);
    aws_http_message_release(o.request);
    aws_credentials_provider_release(provider);
    return 0;
}

int main(void) {
    aws_auth_library_init(aws_default_allocator());
    RUN(test_iot_websocket_presigning);
    RUN(test_header_signing_with_explicit_credentials);
    RUN(test_anonymous_credentials_leave_the_request_unsigned);
    RUN(test_refusals);
    aws_auth_library_clean_up();
    return 0;
}

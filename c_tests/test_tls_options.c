/* Tests of the TLS options and context calls of aws/io/tls_channel_handler.h through the C API:
 * each way of initialising context options (from memory, from files, each key format), trust
 * store overrides, the errors of bad files, bad PEM and bad arguments, context reference
 * counting, and connection options (server name, ALPN, copy, clean-up). Every test checks with
 * a counting allocator that what the options own is freed.
 *
 * The certificates and keys below are test-only, made once with the openssl CLI (valid from
 * 2020 to 2120; the CA's key was discarded). The Rust TLS tests use the same files
 * (src/transport/tls_fixtures/). */
/* mkdtemp, unlink and rmdir are POSIX, outside C11. */
#define _POSIX_C_SOURCE 200809L

#include <aws/common/string.h>
#include <aws/io/tls_channel_handler.h>

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char s_ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBbzCCARSgAwIBAgICEAAwCgYIKoZIzj0EAwIwHTEbMBkGA1UEAwwSYXdzLWMt\n"
    "bXF0dCB0ZXN0IENBMCAXDTIwMDEwMTAwMDAwMFoYDzIxMjAwMTAxMDAwMDAwWjAd\n"
    "MRswGQYDVQQDDBJhd3MtYy1tcXR0IHRlc3QgQ0EwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAAQydDYsGClJ00ArgoTk6N2+RQFCJkPBqKQhIc7pcPlcs5mtp5DCEYxR\n"
    "P37bkSqpFvaytR/PU0Cy3yUAbooQn0mko0IwQDAPBgNVHRMBAf8EBTADAQH/MA4G\n"
    "A1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUgUsUnvi4MIOMVGT94l/477UkFz4wCgYI\n"
    "KoZIzj0EAwIDSQAwRgIhAK3XLkerndB2Bn+rHDKU5kGLMEOQAbM82kyeiFWvsF1Z\n"
    "AiEAwFJ9VQqBoqkqBps8lSWV2veN6u+7cxkAQ5ARta+xg2E=\n"
    "-----END CERTIFICATE-----\n";

static const char s_client_rsa_cert[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICZzCCAgygAwIBAgICEAIwCgYIKoZIzj0EAwIwHTEbMBkGA1UEAwwSYXdzLWMt\n"
    "bXF0dCB0ZXN0IENBMCAXDTIwMDEwMTAwMDAwMFoYDzIxMjAwMTAxMDAwMDAwWjAa\n"
    "MRgwFgYDVQQDDA90ZXN0IGNsaWVudCByc2EwggEiMA0GCSqGSIb3DQEBAQUAA4IB\n"
    "DwAwggEKAoIBAQDhRAN9P/jNQ+f/IUx07BBfKzIinxI75JS+VMxq1wuKqQ4appoe\n"
    "QoZrX1xjENrUD7aoQ2BYUKdtQWkXQhqLBeZBuiu1UW105qboduXaq8E6p5LL2dR8\n"
    "eHjkm0ViP6uiHFcTFOOnipuNA80O2Lwdsk37YUdKSJRZkyomNH6tPv5tsfAszRgN\n"
    "ITgjwHMeGJj4i3ybEj/1yapqN8+llAb4r+GgCBz+2ACSI7tvxQbX4pL95DbyeQ3A\n"
    "GSsLwSCbtqejTUityk45TY2DAe8FNgbQm8NQGag0fTfiy4+PNO2i2pSSRE2gT1yY\n"
    "htG8TNEEtK2fhLR/7NFD5S45bshYgnZK99M3AgMBAAGjcjBwMAkGA1UdEwQCMAAw\n"
    "DgYDVR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMCMB8GA1UdIwQYMBaA\n"
    "FIFLFJ74uDCDjFRk/eJf+O+1JBc+MB0GA1UdDgQWBBQVZZuM+GzT2L4sZuT+GI4A\n"
    "e6KSMzAKBggqhkjOPQQDAgNJADBGAiEA1uJ4aYiAxCN1AK1eXr1rIC/GIqqxRhll\n"
    "U+ilb1yCRxcCIQDb/cN+cyTFZdNStTuV0fy0V4TMyg6YOAl1mC0GTgxreQ==\n"
    "-----END CERTIFICATE-----\n";

/* PKCS#1 ("RSA PRIVATE KEY"). */
static const char s_client_rsa_key[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEpQIBAAKCAQEA4UQDfT/4zUPn/yFMdOwQXysyIp8SO+SUvlTMatcLiqkOGqaa\n"
    "HkKGa19cYxDa1A+2qENgWFCnbUFpF0IaiwXmQbortVFtdOam6Hbl2qvBOqeSy9nU\n"
    "fHh45JtFYj+rohxXExTjp4qbjQPNDti8HbJN+2FHSkiUWZMqJjR+rT7+bbHwLM0Y\n"
    "DSE4I8BzHhiY+It8mxI/9cmqajfPpZQG+K/hoAgc/tgAkiO7b8UG1+KS/eQ28nkN\n"
    "wBkrC8Egm7ano01IrcpOOU2NgwHvBTYG0JvDUBmoNH034suPjzTtotqUkkRNoE9c\n"
    "mIbRvEzRBLStn4S0f+zRQ+UuOW7IWIJ2SvfTNwIDAQABAoIBACUnURtYMO02DS5y\n"
    "Fl4AeLt28JLE7BPPIc358X87pFkvLzbWZ1FPWplHW1cG4XjGy13EQxXoiOdxuZIO\n"
    "9+QZydOUZP9yWdxv6x599xo9EtEy8KNznuLAAfx+iY/oqCJu4dkGrHz71P0J9Uka\n"
    "Fn4gDvxDm/z/VzcmQ8uVA+xcw/JhGU7QfcfDLSCSpaxc7zgdyJ6f8l0ub3Qx//S2\n"
    "PTFKU7FlaD+bHbMjjjN00wNtbHz/tN5qj+IHu65QVizG1DWSY+2/DPOCUa+hV6Ct\n"
    "LNaMsi9qVcbWoyM+h0pcEXjTI4fvoPom/LlR8sds2ufUEsOvCcv7U94AVUuqVs8K\n"
    "TcyxfMkCgYEA+mcMJS19toe1aBqFK3Kk3bCNttZh+LuX9eHPfK1gllvW3jihrNbf\n"
    "BuYUhXfQPmVa9/GkwUEQdfnCG/R2a791459rTbbRevN8CN5LJCfnUA+dmS7geY3n\n"
    "4OGj+bpdv2LTNs1muAInBATzqg1Ivfc0bHpl7AveqC5xf5CPPmAJJw8CgYEA5k0e\n"
    "PnxBZEWBMNQbggYht7UDz8ONjpd+mWdJWy3MrOaTnJOpq7rUALEzdesVgInlITje\n"
    "ypz4phXaK7NxpWsow4HOMyDHiiTwMl+QwtOtj4QAi00soDmC2uTb40HV2Ne4yA6w\n"
    "4wKVoExJjHlYruJ3KI61EfUQMPq3L3ZSZhK60VkCgYEA4/xq7Has3UJWgwCSe2qY\n"
    "fVhAz1YGQcfbpf4BQk1BgeUAj7gUTCAfVFKsIJFkQ0tZNiMHlQU+jYvnljhQke3y\n"
    "0lrWAh4QQNfr+M8cr0C9tQFixpQNwd7YXsJS4A81SAocsOr3OVaMW3Z+vDf4IS4w\n"
    "xwvyPKbaBVqz8CeYpHwgGTUCgYEAiGtkH/VwstntJiRuyv2g2XZTdK3M24tnxa0G\n"
    "KgmeNUk8ZUKe/gfkbyiIaDBCA2srnBtY9cI4FAHbw4k/J5KriewJXgXrzSwGUICF\n"
    "erLzG5FA1UN4zMxkdA+fJSYpa5KVdYQmScKNKXAnHRwAaU/i79Zg8estlSXefzHi\n"
    "q24q1bkCgYEAsqCKA0RqwUeHLnQxbqZtYqnIj0xeD6+Bi+5OVDHfigtDB0p6Xoai\n"
    "IZmnTIfntEm8Os8/KsRDdTPPfONsENkfVX33xpPT+mdY17wEdufElCQre6knAP8C\n"
    "aHIShVlD4xt/dW1yRXe97bO47HJRqhFCzQI3Lba/KyR+7295OCv/40g=\n"
    "-----END RSA PRIVATE KEY-----\n";

static const char s_client_ec_cert[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBmjCCAUCgAwIBAgICEAEwCgYIKoZIzj0EAwIwHTEbMBkGA1UEAwwSYXdzLWMt\n"
    "bXF0dCB0ZXN0IENBMCAXDTIwMDEwMTAwMDAwMFoYDzIxMjAwMTAxMDAwMDAwWjAZ\n"
    "MRcwFQYDVQQDDA50ZXN0IGNsaWVudCBlYzBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
    "A0IABAsZt6NTGr6RD1tMAZRHvkaqBmrX37tbaAOMW8kEcD3x4efr5y6MFPT+EVu+\n"
    "8TUkSv1kJWKzaHg5AAhK2GaG4ImjcjBwMAkGA1UdEwQCMAAwDgYDVR0PAQH/BAQD\n"
    "AgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMCMB8GA1UdIwQYMBaAFIFLFJ74uDCDjFRk\n"
    "/eJf+O+1JBc+MB0GA1UdDgQWBBTYPy1pNWNclsEMs+/mK+pUGghtWDAKBggqhkjO\n"
    "PQQDAgNIADBFAiAy9GB9VOpWhd56j3UmOL3cAKTzeWdOIQuEraRvApgodAIhAMgu\n"
    "Gf7ldINZgoDjxBhHCG27/ato8Kg2lp8RqH7GaY9C\n"
    "-----END CERTIFICATE-----\n";

/* SEC1 ("EC PRIVATE KEY"). */
static const char s_client_ec_key[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIGQDIU5XhI2Uac+Eo6d6cAMkaxrHFIsb5W80waOHj5YQoAoGCCqGSM49\n"
    "AwEHoUQDQgAECxm3o1MavpEPW0wBlEe+RqoGatffu1toA4xbyQRwPfHh5+vnLowU\n"
    "9P4RW77xNSRK/WQlYrNoeDkACErYZobgiQ==\n"
    "-----END EC PRIVATE KEY-----\n";

/* The same key as PKCS#8 ("PRIVATE KEY"). */
static const char s_client_ec_pkcs8_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZAMhTleEjZRpz4Sj\n"
    "p3pwAyRrGscUixvlbzTBo4ePlhChRANCAAQLGbejUxq+kQ9bTAGUR75GqgZq19+7\n"
    "W2gDjFvJBHA98eHn6+cujBT0/hFbvvE1JEr9ZCVis2h4OQAISthmhuCJ\n"
    "-----END PRIVATE KEY-----\n";

#include "counting_allocator.h"

static struct aws_byte_cursor s_cur(const char *text) {
    return aws_byte_cursor_from_c_str(text);
}

/* True when every byte of the options is zero, as a failed init or a clean-up leaves them. */
static int s_is_zeroed(const void *p, size_t size) {
    const unsigned char *bytes = p;
    for (size_t i = 0; i < size; ++i) {
        if (bytes[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* A scratch directory for the files the path tests read, removed at the end. */
static char s_dir[64];

static const char *s_path(const char *name) {
    static char path[128];
    snprintf(path, sizeof(path), "%s/%s", s_dir, name);
    return path;
}

static int s_write_file(const char *name, const char *text) {
    FILE *f = fopen(s_path(name), "wb");
    CHECK(f != NULL);
    CHECK_INT_EQ(fwrite(text, 1, strlen(text), f), strlen(text));
    CHECK_INT_EQ(fclose(f), 0);
    return 0;
}

static int test_layouts_match_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_tls_ctx_options), 168);
    CHECK_INT_EQ(offsetof(struct aws_tls_ctx_options, ca_file), 16);
    CHECK_INT_EQ(offsetof(struct aws_tls_ctx_options, private_key), 96);
    CHECK_INT_EQ(offsetof(struct aws_tls_ctx_options, no_certificate_revocation), 160);
    CHECK_INT_EQ(sizeof(struct aws_tls_connection_options), 64);
    CHECK_INT_EQ(offsetof(struct aws_tls_connection_options, timeout_ms), 60);
    CHECK_INT_EQ(sizeof(struct aws_tls_ctx_pkcs11_options), 96);
    CHECK_INT_EQ(AWS_IO_TLS_VER_SYS_DEFAULTS, 128);
    CHECK_INT_EQ(AWS_IO_TLS_CIPHER_PREF_NON_PQ_DEFAULT, 11);
    return 0;
}

static int test_default_client_options_are_upstreams(void) {
    struct aws_tls_ctx_options options;
    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    CHECK(options.allocator == &s_counting);
    CHECK_INT_EQ(options.minimum_tls_version, AWS_IO_TLS_VER_SYS_DEFAULTS);
    CHECK_INT_EQ(options.cipher_pref, AWS_IO_TLS_CIPHER_PREF_SYSTEM_DEFAULT);
    CHECK(options.verify_peer);
    CHECK_INT_EQ(options.max_fragment_size, 16 * 1024);
    CHECK(options.certificate.allocator == NULL && options.ca_path == NULL);
    CHECK(options.alpn_list == NULL && options.custom_key_op_handler == NULL);

    /* The system trust store (the distribution's CA bundle) makes a context. */
    struct aws_tls_ctx *ctx = aws_tls_client_ctx_new(&s_counting, &options);
    CHECK(ctx != NULL);
    CHECK(ctx->alloc == &s_counting);
    aws_tls_ctx_release(ctx);
    aws_tls_ctx_options_clean_up(&options);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

/* Mutual TLS options from memory with `cert` and `key` make a context. */
static int s_mtls_from_memory(const char *cert, const char *key) {
    struct aws_tls_ctx_options options;
    struct aws_byte_cursor cert_cur = s_cur(cert);
    struct aws_byte_cursor key_cur = s_cur(key);
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, &cert_cur, &key_cur), AWS_OP_SUCCESS);
    CHECK(options.certificate.allocator == &s_counting && options.private_key.allocator == &s_counting);
    CHECK_INT_EQ(options.certificate.len, strlen(cert));
    CHECK(memcmp(options.certificate.buffer, cert, strlen(cert)) == 0);
    CHECK_INT_EQ(options.private_key.len, strlen(key));
    CHECK(options.verify_peer);

    struct aws_byte_cursor ca = s_cur(s_ca_pem);
    CHECK_INT_EQ(aws_tls_ctx_options_override_default_trust_store(&options, &ca), AWS_OP_SUCCESS);
    CHECK_INT_EQ(options.ca_file.len, strlen(s_ca_pem));

    struct aws_tls_ctx *ctx = aws_tls_client_ctx_new(&s_counting, &options);
    CHECK(ctx != NULL);
    aws_tls_ctx_options_clean_up(&options);
    aws_tls_ctx_release(ctx);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_mtls_from_memory_with_pkcs1_sec1_and_pkcs8_keys(void) {
    CHECK_INT_EQ(s_mtls_from_memory(s_client_rsa_cert, s_client_rsa_key), 0);
    CHECK_INT_EQ(s_mtls_from_memory(s_client_ec_cert, s_client_ec_key), 0);
    CHECK_INT_EQ(s_mtls_from_memory(s_client_ec_cert, s_client_ec_pkcs8_key), 0);
    return 0;
}

static int test_text_around_pem_blocks_is_dropped(void) {
    char noisy[4096];
    snprintf(noisy, sizeof(noisy), "Bag Attributes: junk\n%strailing junk", s_client_ec_cert);
    struct aws_tls_ctx_options options;
    struct aws_byte_cursor cert = s_cur(noisy);
    struct aws_byte_cursor key = s_cur(s_client_ec_key);
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, &cert, &key), AWS_OP_SUCCESS);
    CHECK_INT_EQ(options.certificate.len, strlen(s_client_ec_cert));
    CHECK(memcmp(options.certificate.buffer, s_client_ec_cert, strlen(s_client_ec_cert)) == 0);
    aws_tls_ctx_options_clean_up(&options);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_text_without_pem_is_an_invalid_argument(void) {
    struct aws_tls_ctx_options options;
    struct aws_byte_cursor cert = s_cur("not a certificate");
    struct aws_byte_cursor key = s_cur(s_client_ec_key);
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, &cert, &key),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    cert = s_cur(s_client_ec_cert);
    key = s_cur("-----BEGIN EC PRIVATE KEY-----\nAAAA\n");
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, &cert, &key),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK(s_is_zeroed(&options, sizeof(options)));

    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    struct aws_byte_cursor empty = s_cur("");
    CHECK_FAILS_WITH(aws_tls_ctx_options_override_default_trust_store(&options, &empty), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(options.ca_file.allocator == NULL);
    aws_tls_ctx_options_clean_up(&options);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_mtls_from_files(void) {
    CHECK_INT_EQ(s_write_file("cert.pem", s_client_rsa_cert), 0);
    CHECK_INT_EQ(s_write_file("key.pem", s_client_rsa_key), 0);
    CHECK_INT_EQ(s_write_file("ca.pem", s_ca_pem), 0);
    char cert_path[128];
    char key_path[128];
    char ca_path[128];
    snprintf(cert_path, sizeof(cert_path), "%s", s_path("cert.pem"));
    snprintf(key_path, sizeof(key_path), "%s", s_path("key.pem"));
    snprintf(ca_path, sizeof(ca_path), "%s", s_path("ca.pem"));

    struct aws_tls_ctx_options options;
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls_from_path(&options, &s_counting, cert_path, key_path),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(options.certificate.len, strlen(s_client_rsa_cert));
    CHECK_INT_EQ(options.private_key.len, strlen(s_client_rsa_key));
    CHECK_INT_EQ(aws_tls_ctx_options_override_default_trust_store_from_path(&options, s_dir, ca_path), AWS_OP_SUCCESS);
    CHECK(aws_string_eq_c_str(options.ca_path, s_dir));
    CHECK_INT_EQ(options.ca_file.len, strlen(s_ca_pem));
    struct aws_tls_ctx *ctx = aws_tls_client_ctx_new(&s_counting, &options);
    CHECK(ctx != NULL);
    aws_tls_ctx_release(ctx);
    aws_tls_ctx_options_clean_up(&options);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_missing_and_unusable_files_raise_upstreams_file_codes(void) {
    CHECK_INT_EQ(s_write_file("cert.pem", s_client_ec_cert), 0);
    CHECK_INT_EQ(s_write_file("junk.txt", "no PEM in here\n"), 0);
    char cert_path[128];
    char junk_path[128];
    snprintf(cert_path, sizeof(cert_path), "%s", s_path("cert.pem"));
    snprintf(junk_path, sizeof(junk_path), "%s", s_path("junk.txt"));
    const char *missing = "/nonexistent/aws-c-mqtt/key.pem";
    struct aws_tls_ctx_options options;

    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_from_path(&options, &s_counting, missing, cert_path),
                     AWS_ERROR_FILE_INVALID_PATH);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_from_path(&options, &s_counting, cert_path, missing),
                     AWS_ERROR_FILE_INVALID_PATH);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_from_path(&options, &s_counting, cert_path, NULL),
                     AWS_ERROR_FILE_INVALID_PATH);
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_from_path(&options, &s_counting, cert_path, ""),
                     AWS_ERROR_FILE_INVALID_PATH);
    /* A directory is not a file. */
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_from_path(&options, &s_counting, cert_path, s_dir),
                     AWS_ERROR_FILE_INVALID_PATH);
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_from_path(&options, &s_counting, cert_path, junk_path),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    CHECK_INT_EQ(s_live_blocks, 0);

    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    CHECK_FAILS_WITH(aws_tls_ctx_options_override_default_trust_store_from_path(&options, NULL, missing),
                     AWS_ERROR_FILE_INVALID_PATH);
    CHECK(options.ca_file.allocator == NULL && options.ca_path == NULL);
    /* A CA directory is only read when a context is made. */
    CHECK_INT_EQ(aws_tls_ctx_options_override_default_trust_store_from_path(&options, "/nonexistent/ca/dir", NULL),
                 AWS_OP_SUCCESS);
    aws_reset_error();
    CHECK(aws_tls_client_ctx_new(&s_counting, &options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_IO_TLS_CTX_ERROR);
    aws_tls_ctx_options_clean_up(&options);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_the_trust_store_is_overridden_once(void) {
    struct aws_tls_ctx_options options;
    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    struct aws_byte_cursor ca = s_cur(s_ca_pem);
    CHECK_INT_EQ(aws_tls_ctx_options_override_default_trust_store(&options, &ca), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_tls_ctx_options_override_default_trust_store(&options, &ca), AWS_ERROR_INVALID_STATE);
    CHECK_INT_EQ(s_write_file("ca.pem", s_ca_pem), 0);
    CHECK_FAILS_WITH(aws_tls_ctx_options_override_default_trust_store_from_path(&options, NULL, s_path("ca.pem")),
                     AWS_ERROR_INVALID_STATE);
    CHECK_INT_EQ(aws_tls_ctx_options_override_default_trust_store_from_path(&options, s_dir, NULL), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_tls_ctx_options_override_default_trust_store_from_path(&options, s_dir, NULL),
                     AWS_ERROR_INVALID_STATE);
    /* Neither path: nothing to do. */
    CHECK_INT_EQ(aws_tls_ctx_options_override_default_trust_store_from_path(&options, NULL, NULL), AWS_OP_SUCCESS);
    struct aws_tls_ctx *ctx = aws_tls_client_ctx_new(&s_counting, &options);
    CHECK(ctx != NULL);
    aws_tls_ctx_release(ctx);
    aws_tls_ctx_options_clean_up(&options);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

/* The error aws_tls_client_ctx_new raises for options made by init_client_mtls and changed. */
static int s_ctx_new_fails(struct aws_tls_ctx_options *options, int expected) {
    aws_reset_error();
    CHECK(aws_tls_client_ctx_new(&s_counting, options) == NULL);
    CHECK_INT_EQ(aws_last_error(), expected);
    aws_tls_ctx_options_clean_up(options);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_a_context_refuses_what_it_cannot_use(void) {
    struct aws_tls_ctx_options options;
    struct aws_byte_cursor cert = s_cur(s_client_ec_cert);
    struct aws_byte_cursor key = s_cur(s_client_ec_key);
    struct aws_byte_cursor rsa_key = s_cur(s_client_rsa_key);
    struct aws_byte_cursor bad = s_cur("-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n");

    /* A PEM block that does not decode, a key that is not the certificate's. */
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, &bad, &key), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_ctx_new_fails(&options, AWS_IO_TLS_CTX_ERROR), 0);
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, &cert, &rsa_key), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_ctx_new_fails(&options, AWS_IO_TLS_CTX_ERROR), 0);
    /* A key that is not text. */
    CHECK_INT_EQ(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, &cert, &key), AWS_OP_SUCCESS);
    options.private_key.buffer[40] = 0xff;
    CHECK_INT_EQ(s_ctx_new_fails(&options, AWS_IO_FILE_VALIDATION_FAILURE), 0);
    /* A CA bundle that does not decode. */
    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    CHECK_INT_EQ(aws_tls_ctx_options_override_default_trust_store(&options, &bad), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_ctx_new_fails(&options, AWS_IO_TLS_CTX_ERROR), 0);
    /* More than four ALPN protocols, or an empty one. */
    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    aws_tls_ctx_options_set_verify_peer(&options, false);
    CHECK_INT_EQ(aws_tls_ctx_options_set_alpn_list(&options, "a;b;c;d;e"), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_ctx_new_fails(&options, AWS_IO_TLS_CTX_ERROR), 0);
    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    aws_tls_ctx_options_set_verify_peer(&options, false);
    CHECK_INT_EQ(aws_tls_ctx_options_set_alpn_list(&options, "mqtt;;h2"), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_ctx_new_fails(&options, AWS_IO_TLS_CTX_ERROR), 0);
    /* A post-quantum cipher preference (the ring provider has none). */
    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    aws_tls_ctx_options_set_tls_cipher_preference(&options, AWS_IO_TLS_CIPHER_PREF_PQ_DEFAULT);
    CHECK_INT_EQ(s_ctx_new_fails(&options, AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED), 0);
    /* A minimum version outside the enum, written directly. */
    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    options.minimum_tls_version = (enum aws_tls_versions)77;
    CHECK_INT_EQ(s_ctx_new_fails(&options, AWS_IO_TLS_VERSION_UNSUPPORTED), 0);
    return 0;
}

static int test_versions_verification_and_alpn_make_contexts(void) {
    const enum aws_tls_versions versions[] = {
        AWS_IO_SSLv3, AWS_IO_TLSv1, AWS_IO_TLSv1_1, AWS_IO_TLSv1_2, AWS_IO_TLSv1_3, AWS_IO_TLS_VER_SYS_DEFAULTS,
    };
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); ++i) {
        struct aws_tls_ctx_options options;
        aws_tls_ctx_options_init_default_client(&options, &s_counting);
        aws_tls_ctx_options_set_minimum_tls_version(&options, versions[i]);
        CHECK_INT_EQ(options.minimum_tls_version, versions[i]);
        aws_tls_ctx_options_set_verify_peer(&options, i % 2 == 0);
        CHECK_INT_EQ(options.verify_peer, i % 2 == 0);
        struct aws_byte_cursor ca = s_cur(s_ca_pem);
        CHECK_INT_EQ(aws_tls_ctx_options_override_default_trust_store(&options, &ca), AWS_OP_SUCCESS);
        CHECK_INT_EQ(aws_tls_ctx_options_set_alpn_list(&options, "x-amzn-mqtt-ca"), AWS_OP_SUCCESS);
        CHECK_INT_EQ(aws_tls_ctx_options_set_alpn_list(&options, "mqtt;x-amzn-mqtt-ca"), AWS_OP_SUCCESS);
        CHECK(aws_string_eq_c_str(options.alpn_list, "mqtt;x-amzn-mqtt-ca"));
        struct aws_tls_ctx *ctx = aws_tls_client_ctx_new(&s_counting, &options);
        CHECK(ctx != NULL);
        aws_tls_ctx_options_clean_up(&options);
        aws_tls_ctx_release(ctx);
        CHECK_INT_EQ(s_live_blocks, 0);
    }
    CHECK(aws_tls_is_alpn_available());
    CHECK(aws_tls_is_cipher_pref_supported(AWS_IO_TLS_CIPHER_PREF_SYSTEM_DEFAULT));
    CHECK(aws_tls_is_cipher_pref_supported(AWS_IO_TLS_CIPHER_PREF_NON_PQ_DEFAULT));
    CHECK(!aws_tls_is_cipher_pref_supported(AWS_IO_TLS_CIPHER_PREF_PQ_DEFAULT));
    CHECK(!aws_tls_is_cipher_pref_supported((enum aws_tls_cipher_pref)1234));
    return 0;
}

static int test_a_context_is_reference_counted(void) {
    struct aws_tls_ctx_options options;
    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    aws_tls_ctx_options_set_verify_peer(&options, false);
    struct aws_tls_ctx *ctx = aws_tls_client_ctx_new(&s_counting, &options);
    aws_tls_ctx_options_clean_up(&options);
    CHECK(ctx != NULL);
    int live = s_live_blocks;
    CHECK(live > 0);
    CHECK(aws_tls_ctx_acquire(ctx) == ctx);
    CHECK(aws_tls_ctx_acquire(ctx) == ctx);
    aws_tls_ctx_release(ctx);
    aws_tls_ctx_release(ctx);
    CHECK_INT_EQ(s_live_blocks, live);
    aws_tls_ctx_release(ctx);
    CHECK_INT_EQ(s_live_blocks, 0);
    CHECK(aws_tls_ctx_acquire(NULL) == NULL);
    aws_tls_ctx_release(NULL);
    return 0;
}

static int test_connection_options_hold_their_context_and_strings(void) {
    struct aws_tls_ctx_options ctx_options;
    aws_tls_ctx_options_init_default_client(&ctx_options, &s_counting);
    aws_tls_ctx_options_set_verify_peer(&ctx_options, false);
    struct aws_tls_ctx *ctx = aws_tls_client_ctx_new(&s_counting, &ctx_options);
    aws_tls_ctx_options_clean_up(&ctx_options);
    CHECK(ctx != NULL);

    struct aws_tls_connection_options conn;
    aws_tls_connection_options_init_from_ctx(&conn, ctx);
    CHECK(conn.ctx == ctx);
    CHECK_INT_EQ(conn.timeout_ms, 10000);
    CHECK(conn.server_name == NULL && conn.alpn_list == NULL && !conn.advertise_alpn_message);
    aws_tls_ctx_release(ctx); /* conn keeps it alive */

    struct aws_byte_cursor name = s_cur("broker.example.com");
    CHECK_INT_EQ(aws_tls_connection_options_set_server_name(&conn, &s_counting, &name), AWS_OP_SUCCESS);
    name = s_cur("localhost");
    CHECK_INT_EQ(aws_tls_connection_options_set_server_name(&conn, &s_counting, &name), AWS_OP_SUCCESS);
    CHECK(aws_string_eq_c_str(conn.server_name, "localhost"));
    CHECK_INT_EQ(aws_tls_connection_options_set_alpn_list(&conn, &s_counting, "mqtt"), AWS_OP_SUCCESS);
    CHECK(aws_string_eq_c_str(conn.alpn_list, "mqtt"));
    conn.timeout_ms = 3000;

    struct aws_tls_connection_options copy;
    aws_tls_connection_options_init_from_ctx(&copy, NULL);
    CHECK(copy.ctx == NULL);
    CHECK_INT_EQ(aws_tls_connection_options_copy(&copy, &conn), AWS_OP_SUCCESS);
    CHECK(copy.ctx == ctx);
    CHECK(copy.server_name != conn.server_name && aws_string_eq(copy.server_name, conn.server_name));
    CHECK(copy.alpn_list != conn.alpn_list && aws_string_eq(copy.alpn_list, conn.alpn_list));
    CHECK_INT_EQ(copy.timeout_ms, 3000);
    /* Copying over options that hold something releases it first. */
    CHECK_INT_EQ(aws_tls_connection_options_copy(&copy, &conn), AWS_OP_SUCCESS);

    aws_tls_connection_options_clean_up(&conn);
    CHECK(s_is_zeroed(&conn, sizeof(conn)));
    CHECK(s_live_blocks > 0); /* the copy still holds the context */
    aws_tls_connection_options_clean_up(&copy);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_null_and_invalid_arguments_raise_errors(void) {
    struct aws_tls_ctx_options options;
    struct aws_byte_cursor cert = s_cur(s_client_ec_cert);
    struct aws_byte_cursor key = s_cur(s_client_ec_key);

    aws_reset_error();
    aws_tls_ctx_options_init_default_client(NULL, &s_counting);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_tls_ctx_options_init_default_client(&options, NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls(NULL, &s_counting, &cert, &key), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, NULL, &key), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls(&options, &s_counting, &cert, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls(&options, NULL, &cert, &key), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    aws_reset_error();
    CHECK(aws_tls_client_ctx_new(&s_counting, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    aws_tls_ctx_options_init_default_client(&options, &s_counting);
    aws_reset_error();
    CHECK(aws_tls_client_ctx_new(NULL, &options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_ctx_options_set_alpn_list(NULL, "mqtt"), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_ctx_options_set_alpn_list(&options, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_ctx_options_override_default_trust_store(&options, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_ctx_options_override_default_trust_store(NULL, &cert), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_ctx_options_override_default_trust_store_from_path(NULL, NULL, NULL),
                     AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_tls_ctx_options_set_minimum_tls_version(&options, (enum aws_tls_versions)5);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(options.minimum_tls_version, AWS_IO_TLS_VER_SYS_DEFAULTS);
    aws_reset_error();
    aws_tls_ctx_options_set_tls_cipher_preference(&options, (enum aws_tls_cipher_pref)-1);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(options.cipher_pref, AWS_IO_TLS_CIPHER_PREF_SYSTEM_DEFAULT);
    aws_reset_error();
    aws_tls_ctx_options_set_verify_peer(NULL, false);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_tls_ctx_options_clean_up(NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_tls_ctx_options_clean_up(&options);

    struct aws_tls_connection_options conn;
    aws_tls_connection_options_init_from_ctx(&conn, NULL);
    CHECK_FAILS_WITH(aws_tls_connection_options_set_server_name(&conn, &s_counting, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_connection_options_set_server_name(&conn, NULL, &cert), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_connection_options_set_server_name(NULL, &s_counting, &cert), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_connection_options_set_alpn_list(&conn, &s_counting, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(conn.server_name == NULL && conn.alpn_list == NULL);
    CHECK_FAILS_WITH(aws_tls_connection_options_copy(&conn, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_tls_connection_options_copy(NULL, &conn), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_tls_connection_options_init_from_ctx(NULL, NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_tls_connection_options_clean_up(&conn);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_pkcs11_without_a_library_and_bad_pkcs12_input_are_refused(void) {
    struct aws_tls_ctx_options options;
    struct aws_tls_ctx_pkcs11_options pkcs11;
    memset(&pkcs11, 0, sizeof(pkcs11));
    struct aws_byte_cursor bytes = s_cur("pkcs12");
    struct aws_byte_cursor password = s_cur("secret");
    memset(&options, 0xab, sizeof(options));
    /* PKCS#11 works (test_pkcs11.c); options without a library are an invalid argument. */
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_with_pkcs11(&options, &s_counting, &pkcs11),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    /* PKCS#12 works (test_pkcs12.c); bytes that are no PKCS#12 file fail validation. */
    memset(&options, 0xab, sizeof(options));
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_pkcs12(&options, &s_counting, &bytes, &password),
                     AWS_IO_FILE_VALIDATION_FAILURE);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    CHECK_FAILS_WITH(
        aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(&options, &s_counting, "/nonexistent/x.p12", &password),
        AWS_ERROR_FILE_INVALID_PATH);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

/* Upstream exports aws_tls_ctx_options_init_client_mtls_from_system_path on every system; off
 * Windows it zeroes the options and fails with AWS_ERROR_PLATFORM_NOT_SUPPORTED. */
static int test_mtls_from_a_system_path_is_windows_only(void) {
    struct aws_tls_ctx_options options;
    memset(&options, 0xab, sizeof(options));
    CHECK_FAILS_WITH(
        aws_tls_ctx_options_init_client_mtls_from_system_path(&options, &s_counting, "CurrentUser\\MY\\0123abcd"),
        AWS_ERROR_PLATFORM_NOT_SUPPORTED);
    CHECK(s_is_zeroed(&options, sizeof(options)));
    aws_tls_ctx_options_clean_up(&options);
    CHECK_FAILS_WITH(aws_tls_ctx_options_init_client_mtls_from_system_path(NULL, &s_counting, "CurrentUser\\MY\\x"),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int s_run_all(void) {
    RUN(test_layouts_match_upstream);
    RUN(test_default_client_options_are_upstreams);
    RUN(test_mtls_from_memory_with_pkcs1_sec1_and_pkcs8_keys);
    RUN(test_text_around_pem_blocks_is_dropped);
    RUN(test_text_without_pem_is_an_invalid_argument);
    RUN(test_mtls_from_files);
    RUN(test_missing_and_unusable_files_raise_upstreams_file_codes);
    RUN(test_the_trust_store_is_overridden_once);
    RUN(test_a_context_refuses_what_it_cannot_use);
    RUN(test_versions_verification_and_alpn_make_contexts);
    RUN(test_a_context_is_reference_counted);
    RUN(test_connection_options_hold_their_context_and_strings);
    RUN(test_null_and_invalid_arguments_raise_errors);
    RUN(test_pkcs11_without_a_library_and_bad_pkcs12_input_are_refused);
    RUN(test_mtls_from_a_system_path_is_windows_only);
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    snprintf(s_dir, sizeof(s_dir), "/tmp/test_tls_options_XXXXXX");
    if (mkdtemp(s_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    int result = s_run_all();
    const char *names[] = {"cert.pem", "key.pem", "ca.pem", "junk.txt"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
        unlink(s_path(names[i]));
    }
    rmdir(s_dir);
    aws_io_library_clean_up();
    return result;
}

/* aws-c-auth's login provider from C, through the installed headers: a profile naming an
 * `aws login` session, its cache file (named by the session's SHA-256) in a temporary
 * directory, and a sign-in service this test serves on 127.0.0.1 behind a TLS front (socat,
 * with a certificate for localhost from a CA made here). A refresh POSTs /v1/token with a DPoP
 * proof, hands out the answer's keys on a loop thread and rewrites the cache with the new
 * refresh token; a missing or expired cache, a refusing service and a profile without a
 * session fail with upstream's codes; without an override the cache is found under $HOME or
 * in AWS_LOGIN_CACHE_DIRECTORY. */
#include <aws/auth/auth.h>
#include <aws/common/error.h>
#include <aws/io/tls_channel_handler.h>

#include "mqtt_fixture.h"
#include "proxy_fixture.h"
#include "scripted_http.h"
#include "test_support.h"

#include <string.h>

#define SESSION "arn:aws:sts::123456789012:assumed-role/Admin/someone"


/* The test's directory, cache file, TLS context and config. */
struct setup {
    char dir[64];
    char cache_dir[128];
    char cache_file[256];
    char config[128];
    char *key_pem_json; /* the session key's PEM, escaped for JSON */
    struct aws_tls_ctx *tls;
    struct fx_io *io;
};

/* Writes the session's cache, its keys expiring at `expires_at`. */
static int s_write_cache(struct setup *s, const char *expires_at) {
    char doc[4096];
    snprintf(doc, sizeof(doc),
             "{\"accessToken\":{\"accessKeyId\":\"OLDKEY\",\"secretAccessKey\":\"OLDSECRET\","
             "\"sessionToken\":\"OLDTOKEN\",\"accountId\":\"123456789012\",\"expiresAt\":\"%s\"},"
             "\"tokenType\":\"urn:aws:params:oauth:token-type:access_token_sigv4\","
             "\"clientId\":\"arn:aws:signin:::devtools/same-device\",\"refreshToken\":\"REFRESH-1\","
             "\"idToken\":\"ID\",\"dpopKey\":\"%s\"}",
             expires_at, s->key_pem_json);
    return fx_write_file(s->cache_file, doc);
}

/* A config whose profiles name the session, the region and the service at `port`. */
static int s_write_config(struct setup *s, int port) {
    char config[1024];
    snprintf(config, sizeof(config),
             "[profile login]\nlogin_session = " SESSION "\nregion = us-east-1\n"
             "endpoint_url = https://localhost:%d\n"
             "[profile no-session]\nregion = us-east-1\n",
             port);
    return fx_write_file(s->config, config);
}

/* The provider for `profile`, its cache in `cache_dir` (NULL: no override). */
static struct aws_credentials_provider *s_provider_in(struct setup *s, const char *profile, const char *cache_dir) {
    struct aws_credentials_provider_login_options options = {
        .login_cache_directory_override = aws_byte_cursor_from_c_str(cache_dir ? cache_dir : ""),
        .profile_name_override = aws_byte_cursor_from_c_str(profile),
        .config_file_name_override = aws_byte_cursor_from_c_str(s->config),
        .bootstrap = s->io->bootstrap,
        .tls_ctx = s->tls,
    };
    return aws_credentials_provider_new_login(aws_default_allocator(), &options);
}

static struct aws_credentials_provider *s_provider(struct setup *s, const char *profile) {
    return s_provider_in(s, profile, s->cache_dir);
}

static int s_setup(struct setup *s, struct fx_io *io) {
    memset(s, 0, sizeof(*s));
    s->io = io;
    snprintf(s->dir, sizeof(s->dir), "/tmp/auth-login-XXXXXX");
    CHECK(mkdtemp(s->dir) != NULL);
    fx_track(0, s->dir);
    CHECK_INT_EQ(fx_make_certificates(s->dir), 0);
    snprintf(s->cache_dir, sizeof(s->cache_dir), "%s/cache/", s->dir);
    snprintf(s->config, sizeof(s->config), "%s/config", s->dir);
    /* The session's key, and the cache file's name: the session's hex SHA-256. */
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "(set -e; cd '%s'; mkdir cache; openssl ecparam -name prime256v1 -genkey -noout -out dpop.pem;"
             " printf %%s '" SESSION "' | sha256sum | cut -c1-64 > name) >/dev/null 2>&1",
             s->dir);
    CHECK_INT_EQ(fx_sh(cmd), 0);
    char *name = fx_read_file(fx_path(s->dir, "name"));
    CHECK(name != NULL && strlen(name) >= 64);
    snprintf(s->cache_file, sizeof(s->cache_file), "%s%.64s.json", s->cache_dir, name);
    free(name);
    char *pem = fx_read_file(fx_path(s->dir, "dpop.pem"));
    CHECK(pem != NULL);
    s->key_pem_json = calloc(2 * strlen(pem) + 1, 1);
    CHECK(s->key_pem_json != NULL);
    for (char *from = pem, *to = s->key_pem_json; *from; from++) {
        if (*from == '\n') {
            *to++ = '\\';
            *to++ = 'n';
        } else {
            *to++ = *from;
        }
    }
    free(pem);

    struct aws_tls_ctx_options tls_options;
    aws_tls_ctx_options_init_default_client(&tls_options, aws_default_allocator());
    CHECK_INT_EQ(
        aws_tls_ctx_options_override_default_trust_store_from_path(&tls_options, NULL, fx_path(s->dir, "ca.pem")),
        AWS_OP_SUCCESS);
    s->tls = aws_tls_client_ctx_new(aws_default_allocator(), &tls_options);
    aws_tls_ctx_options_clean_up(&tls_options);
    CHECK(s->tls != NULL);
    return 0;
}

static void s_teardown(struct setup *s) {
    aws_tls_ctx_release(s->tls);
    free(s->key_pem_json);
    fx_remove_dir(s->dir);
}

static const char *s_answer =
    "HTTP/1.1 200 OK\r\nContent-Length: 204\r\n\r\n"
    "{\"accessToken\":{\"accessKeyId\":\"NEWKEY\",\"secretAccessKey\":\"NEWSECRET\",\"sessionToken\":\"NEWTOKEN\"},"
    "\"tokenType\":\"urn:aws:params:oauth:token-type:access_token_sigv4\",\"expiresIn\":900,"
    "\"refreshToken\":\"REFRESH-2\"}";

static int test_refresh_and_failures(struct setup *s) {
    struct scripted_http service = {
        .answers = {s_answer, "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}"},
        .answer_count = 2,
    };
    CHECK_INT_EQ(scripted_http_start(&service), 0);
    struct fx_tls_front front;
    CHECK_INT_EQ(fx_tls_front_start(&front, service.port, fx_path(s->dir, "server.pem"),
                                    fx_path(s->dir, "server.key")),
                 0);
    CHECK_INT_EQ(s_write_config(s, front.port), 0);
    CHECK_INT_EQ(s_write_cache(s, "2999-09-13T00:00:00Z"), 0);

    struct aws_credentials_provider *p = s_provider(s, "login");
    CHECK(p != NULL);
    struct credentials_answer a;
    CHECK_INT_EQ(credentials_ask(p, &a), 0);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "NEWKEY") == 0);
    CHECK(a.answer_thread != a.caller_thread);
    char *cached = fx_read_file(s->cache_file);
    CHECK(cached != NULL);
    bool rotated = strstr(cached, "\"refreshToken\":\t\"REFRESH-2\"") != NULL;
    free(cached);
    CHECK(rotated);

    /* The service refuses the next refresh. */
    CHECK_INT_EQ(credentials_ask(p, &a), 0);
    CHECK_INT_EQ(a.error_code, AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE);
    scripted_http_stop(&service);
    fx_tls_front_stop(&front);
    const char *r = service.requests[0];
    CHECK(strstr(r, "POST /v1/token HTTP/1.1\r\n") == r);
    CHECK(strstr(r, "\r\nContent-Type: application/json\r\n") != NULL);
    CHECK(strstr(r, "\r\nDPoP: ey") != NULL);
    CHECK(strstr(r, "\"refreshToken\":\"REFRESH-1\",\"grantType\":\"refresh_token\"}") != NULL);
    CHECK(strstr(service.requests[1], "\"refreshToken\":\"REFRESH-2\"") != NULL);

    /* An expired cache, then none at all: no request is made. */
    CHECK_INT_EQ(s_write_cache(s, "2000-09-13T00:00:00Z"), 0);
    CHECK_INT_EQ(credentials_ask(p, &a), 0);
    CHECK_INT_EQ(a.error_code, AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_TOKEN_EXPIRED);
    CHECK(a.answer_thread != a.caller_thread);
    CHECK_INT_EQ(unlink(s->cache_file), 0);
    CHECK_INT_EQ(credentials_ask(p, &a), 0);
    CHECK_INT_EQ(a.error_code, AWS_ERROR_FILE_INVALID_PATH);
    aws_credentials_provider_release(p);
    return 0;
}

static int test_profile_without_session(struct setup *s) {
    CHECK_INT_EQ(s_write_config(s, 1), 0);
    CHECK(s_provider(s, "no-session") == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING);
    CHECK(s_provider(s, "absent") == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING);
    return 0;
}

/* The error of one request to a provider whose cache is found by default: under $HOME, or in
 * AWS_LOGIN_CACHE_DIRECTORY (read when the provider is made). The cache there has expired, so
 * finding it is LOGIN_TOKEN_EXPIRED and missing it AWS_ERROR_FILE_INVALID_PATH. */
static int s_default_cache_error(struct setup *s, const char *home, const char *env_dir, int *error_code) {
    setenv("HOME", home, 1);
    if (env_dir) {
        setenv("AWS_LOGIN_CACHE_DIRECTORY", env_dir, 1);
    } else {
        unsetenv("AWS_LOGIN_CACHE_DIRECTORY");
    }
    struct aws_credentials_provider *p = s_provider_in(s, "login", NULL);
    CHECK(p != NULL);
    struct credentials_answer a;
    CHECK_INT_EQ(credentials_ask(p, &a), 0);
    *error_code = a.error_code;
    aws_credentials_provider_release(p);
    return 0;
}

static int test_default_cache_directories(struct setup *s) {
    CHECK_INT_EQ(s_write_config(s, 1), 0);
    CHECK_INT_EQ(s_write_cache(s, "2000-09-13T00:00:00Z"), 0);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s/home/.aws/login/cache' '%s/empty' && cp '%s' '%s/home/.aws/login/cache/'",
             s->dir, s->dir, s->cache_file, s->dir);
    CHECK_INT_EQ(fx_sh(cmd), 0);
    char *saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char home[128], empty[128], env_dir[128];
    snprintf(home, sizeof(home), "%s/home", s->dir);
    snprintf(empty, sizeof(empty), "%s/empty", s->dir);
    /* The cache directory without its final slash. */
    snprintf(env_dir, sizeof(env_dir), "%s/cache", s->dir);
    int under_home = 0, nowhere = 0, in_env_dir = 0;
    int rc = s_default_cache_error(s, home, NULL, &under_home) || s_default_cache_error(s, empty, NULL, &nowhere) ||
             s_default_cache_error(s, empty, env_dir, &in_env_dir);
    unsetenv("AWS_LOGIN_CACHE_DIRECTORY");
    if (saved_home) {
        setenv("HOME", saved_home, 1);
        free(saved_home);
    }
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(under_home, AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_TOKEN_EXPIRED);
    CHECK_INT_EQ(nowhere, AWS_ERROR_FILE_INVALID_PATH);
    CHECK_INT_EQ(in_env_dir, AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_TOKEN_EXPIRED);
    return 0;
}

int main(void) {
    aws_auth_library_init(aws_default_allocator());
    struct fx_io io;
    if (fx_io_init(&io, aws_default_allocator())) {
        return 1;
    }
    struct setup s;
    if (s_setup(&s, &io)) {
        return 1;
    }
    if (test_refresh_and_failures(&s)) {
        fprintf(stderr, "FAILED: test_refresh_and_failures\n");
        return 1;
    }
    printf("ok: test_refresh_and_failures\n");
    if (test_profile_without_session(&s)) {
        fprintf(stderr, "FAILED: test_profile_without_session\n");
        return 1;
    }
    printf("ok: test_profile_without_session\n");
    if (test_default_cache_directories(&s)) {
        fprintf(stderr, "FAILED: test_default_cache_directories\n");
        return 1;
    }
    printf("ok: test_default_cache_directories\n");
    s_teardown(&s);
    fx_io_clean_up(&io);
    aws_auth_library_clean_up();
    return 0;
}

/* aws-c-auth's credentials providers from C: environment (AWS_ACCESS_KEY_ID, ...), profile
 * files in a fresh temporary directory named by AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE and
 * AWS_PROFILE, credential_process, a program's own provider through the public vtable, and the
 * default chain choosing the environment over the profile, then the profile once the
 * environment is empty. Each answer arrives before the request returns, as upstream's do. */
#include <aws/auth/auth.h>
#include <aws/auth/credentials.h>
#include <aws/common/error.h>
#include <aws/sdkutils/aws_profile.h>

#include "test_support.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct answer {
    int calls;
    int error_code;
    char access_key[64];
};

static void s_on_credentials(struct aws_credentials *credentials, int error_code, void *user_data) {
    struct answer *a = user_data;
    a->calls++;
    a->error_code = error_code;
    a->access_key[0] = 0;
    if (credentials != NULL) {
        struct aws_byte_cursor key = aws_credentials_get_access_key_id(credentials);
        if (key.len < sizeof(a->access_key)) {
            memcpy(a->access_key, key.ptr, key.len);
            a->access_key[key.len] = 0;
        }
    }
}

static struct answer s_ask(struct aws_credentials_provider *provider) {
    struct answer a = {0};
    if (aws_credentials_provider_get_credentials(provider, s_on_credentials, &a) != AWS_OP_SUCCESS) {
        a.error_code = -1;
    }
    return a;
}

static char s_dir[] = "/tmp/auth-credentials-XXXXXX";

static int s_write(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", s_dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return 1;
    }
    fputs(text, f);
    fclose(f);
    return 0;
}

static int test_environment(void) {
    struct aws_credentials_provider_environment_options options = {0};
    struct aws_credentials_provider *p = aws_credentials_provider_new_environment(aws_default_allocator(), &options);
    CHECK(p != NULL);
    unsetenv("AWS_ACCESS_KEY_ID");
    struct answer a = s_ask(p);
    CHECK_INT_EQ(a.calls, 1);
    CHECK_INT_EQ(a.error_code, AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT);
    setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    a = s_ask(p);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "ENVKEY") == 0);
    aws_credentials_provider_release(p);
    return 0;
}

static int test_profile_files_and_process(void) {
    char config[256], credentials[256], script[256];
    snprintf(config, sizeof(config), "%s/config", s_dir);
    snprintf(credentials, sizeof(credentials), "%s/credentials", s_dir);
    snprintf(script, sizeof(script), "%s/creds.sh", s_dir);
    CHECK(s_write("creds.sh", "printf '{\"AccessKeyId\":\"PROCKEY\",\"SecretAccessKey\":\"s\"}'\n") == 0);
    char config_text[512];
    snprintf(config_text, sizeof(config_text),
             "[default]\nregion = us-east-1\n[profile proc]\ncredential_process = sh %s\n", script);
    CHECK(s_write("config", config_text) == 0);
    CHECK(s_write("credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n") == 0);
    setenv("AWS_CONFIG_FILE", config, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", credentials, 1);
    unsetenv("AWS_PROFILE");

    struct aws_string *path = aws_get_config_file_path(aws_default_allocator(), NULL);
    CHECK(path != NULL && strcmp(aws_string_c_str(path), config) == 0);
    aws_string_destroy(path);
    struct aws_string *name = aws_get_profile_name(aws_default_allocator(), NULL);
    CHECK(strcmp(aws_string_c_str(name), "default") == 0);
    aws_string_destroy(name);

    struct aws_credentials_provider_profile_options profile = {0};
    struct aws_credentials_provider *p = aws_credentials_provider_new_profile(aws_default_allocator(), &profile);
    CHECK(p != NULL);
    struct answer a = s_ask(p);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "FILEKEY") == 0);
    aws_credentials_provider_release(p);

    setenv("AWS_PROFILE", "proc", 1);
    struct aws_credentials_provider_process_options process = {0};
    p = aws_credentials_provider_new_process(aws_default_allocator(), &process);
    CHECK(p != NULL);
    a = s_ask(p);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "PROCKEY") == 0);
    aws_credentials_provider_release(p);
    unsetenv("AWS_PROFILE");

    /* A collection read by the program, merged as upstream merges. */
    struct aws_string *cfg = aws_string_new_from_c_str(aws_default_allocator(), config);
    struct aws_profile_collection *c = aws_profile_collection_new_from_file(aws_default_allocator(), cfg, AWS_PST_CONFIG);
    CHECK(c != NULL);
    struct aws_profile_collection *merged = aws_profile_collection_new_from_merge(aws_default_allocator(), c, NULL);
    CHECK(merged != NULL);
    CHECK(aws_profile_collection_acquire(merged) == merged);
    aws_profile_collection_release(merged);
    aws_profile_collection_release(merged);
    aws_profile_collection_release(c);
    aws_string_destroy(cfg);

    struct aws_string *missing = aws_string_new_from_c_str(aws_default_allocator(), "/nonexistent/auth/config");
    CHECK(aws_profile_collection_new_from_file(aws_default_allocator(), missing, AWS_PST_CONFIG) == NULL);
    CHECK(aws_last_error() != 0);
    aws_string_destroy(missing);
    return 0;
}

/* A program's own provider, through the public struct and vtable. */
static int s_own_get(struct aws_credentials_provider *provider, aws_on_get_credentials_callback_fn callback,
                     void *user_data) {
    struct aws_credentials *c = provider->impl;
    callback(c, AWS_ERROR_SUCCESS, user_data);
    return AWS_OP_SUCCESS;
}
static int s_own_destroyed;
static void s_own_destroy(struct aws_credentials_provider *provider) {
    aws_credentials_release(provider->impl);
    s_own_destroyed++;
}

static int test_a_programs_own_provider_in_a_chain(void) {
    static struct aws_credentials_provider_vtable vtable = {.get_credentials = s_own_get, .destroy = s_own_destroy};
    struct aws_credentials_provider own = {
        .vtable = &vtable,
        .allocator = aws_default_allocator(),
        .impl = aws_credentials_new(aws_default_allocator(), aws_byte_cursor_from_c_str("OWNKEY"),
                                    aws_byte_cursor_from_c_str("s"), aws_byte_cursor_from_c_str(""), UINT64_MAX),
    };
    aws_atomic_init_int(&own.ref_count, 1);
    struct aws_credentials_provider_environment_options env = {0};
    struct aws_credentials_provider *providers[2] = {
        aws_credentials_provider_new_environment(aws_default_allocator(), &env), &own};
    unsetenv("AWS_ACCESS_KEY_ID");
    struct aws_credentials_provider_chain_options options = {.providers = providers, .provider_count = 2};
    struct aws_credentials_provider *chain = aws_credentials_provider_new_chain(aws_default_allocator(), &options);
    CHECK(chain != NULL);
    struct answer a = s_ask(chain);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "OWNKEY") == 0);
    aws_credentials_provider_release(chain);
    aws_credentials_provider_release(providers[0]);
    CHECK_INT_EQ(s_own_destroyed, 0);
    aws_credentials_provider_release(&own);
    CHECK_INT_EQ(s_own_destroyed, 1);
    return 0;
}

static int s_shutdowns;
static void s_on_shutdown(void *user_data) {
    (void)user_data;
    s_shutdowns++;
}

static int test_default_chain_prefers_the_environment(void) {
    setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
    struct aws_credentials_provider_chain_default_options options = {
        .shutdown_options = {.shutdown_callback = s_on_shutdown},
    };
    struct aws_credentials_provider *p = aws_credentials_provider_new_chain_default(aws_default_allocator(), &options);
    CHECK(p != NULL);
    struct answer a = s_ask(p);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "ENVKEY") == 0);
    aws_credentials_provider_release(p);
    CHECK_INT_EQ(s_shutdowns, 1);

    unsetenv("AWS_ACCESS_KEY_ID");
    p = aws_credentials_provider_new_chain_default(aws_default_allocator(), &options);
    a = s_ask(p);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "FILEKEY") == 0);
    aws_credentials_provider_release(p);
    CHECK_INT_EQ(s_shutdowns, 2);
    return 0;
}

int main(void) {
    aws_auth_library_init(aws_default_allocator());
    if (mkdtemp(s_dir) == NULL) {
        return 1;
    }
    RUN(test_environment);
    RUN(test_profile_files_and_process);
    RUN(test_a_programs_own_provider_in_a_chain);
    RUN(test_default_chain_prefers_the_environment);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", s_dir);
    if (system(cmd) != 0) {
        return 1;
    }
    aws_auth_library_clean_up();
    return 0;
}

/* aws-c-auth's HTTP-based providers from C, against an endpoint this test serves on 127.0.0.1
 * (a free port, one scripted answer per connection, from a thread of its own): the ECS provider
 * with an authorization token, and the IMDS provider's IMDSv2 token flow. Each answer arrives
 * on an event-loop thread, after the request returned, as upstream's do; the test waits for it
 * on a condition variable. */
#include <aws/auth/auth.h>
#include <aws/auth/credentials.h>
#include <aws/common/condition_variable.h>
#include <aws/common/error.h>
#include <aws/common/mutex.h>
#include <aws/common/thread.h>

#include "mqtt_fixture.h"
#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ANSWERS 4

/* The scripted endpoint: a listening socket and the answers it gives, in order. */
struct endpoint {
    int listener;
    int port;
    const char *answers[MAX_ANSWERS];
    int answer_count;
    char requests[MAX_ANSWERS][2048];
    pthread_t thread;
};

static void *s_serve(void *arg) {
    struct endpoint *e = arg;
    for (int i = 0; i < e->answer_count; i++) {
        int client = accept(e->listener, NULL, NULL);
        if (client < 0) {
            return NULL;
        }
        size_t len = 0;
        while (len < sizeof(e->requests[i]) - 1 && !strstr(e->requests[i], "\r\n\r\n")) {
            ssize_t n = read(client, e->requests[i] + len, sizeof(e->requests[i]) - 1 - len);
            if (n <= 0) {
                break;
            }
            len += (size_t)n;
        }
        ssize_t written = write(client, e->answers[i], strlen(e->answers[i]));
        (void)written;
        close(client);
    }
    return NULL;
}

static int s_endpoint_start(struct endpoint *e) {
    e->listener = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(e->listener >= 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK_INT_EQ(bind(e->listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    CHECK_INT_EQ(listen(e->listener, 4), 0);
    socklen_t addr_len = sizeof(addr);
    CHECK_INT_EQ(getsockname(e->listener, (struct sockaddr *)&addr, &addr_len), 0);
    e->port = ntohs(addr.sin_port);
    CHECK_INT_EQ(pthread_create(&e->thread, NULL, s_serve, e), 0);
    return 0;
}

static void s_endpoint_stop(struct endpoint *e) {
    pthread_join(e->thread, NULL);
    close(e->listener);
}

/* One request's answer, handed over from the loop thread. */
struct answer {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    bool done;
    int error_code;
    char access_key[64];
    uint64_t caller_thread;
    uint64_t answer_thread;
};

static void s_on_credentials(struct aws_credentials *credentials, int error_code, void *user_data) {
    struct answer *a = user_data;
    aws_mutex_lock(&a->lock);
    a->error_code = error_code;
    a->answer_thread = aws_thread_current_thread_id();
    if (credentials) {
        struct aws_byte_cursor key = aws_credentials_get_access_key_id(credentials);
        if (key.len < sizeof(a->access_key)) {
            memcpy(a->access_key, key.ptr, key.len);
            a->access_key[key.len] = 0;
        }
    }
    a->done = true;
    aws_condition_variable_notify_all(&a->signal);
    aws_mutex_unlock(&a->lock);
}

static bool s_is_done(void *ctx) {
    return ((struct answer *)ctx)->done;
}

/* Asks `provider` and waits up to 10 s for the answer. */
static int s_ask(struct aws_credentials_provider *provider, struct answer *a) {
    memset(a, 0, sizeof(*a));
    aws_mutex_init(&a->lock);
    aws_condition_variable_init(&a->signal);
    a->caller_thread = aws_thread_current_thread_id();
    CHECK_INT_EQ(aws_credentials_provider_get_credentials(provider, s_on_credentials, a), AWS_OP_SUCCESS);
    aws_mutex_lock(&a->lock);
    aws_condition_variable_wait_for_pred(&a->signal, &a->lock, 10LL * 1000 * 1000 * 1000, s_is_done, a);
    bool done = a->done;
    aws_mutex_unlock(&a->lock);
    aws_condition_variable_clean_up(&a->signal);
    aws_mutex_clean_up(&a->lock);
    CHECK(done);
    return 0;
}

static const char *s_document =
    "HTTP/1.1 200 OK\r\nContent-Length: 95\r\n\r\n"
    "{\"AccessKeyId\":\"HTTPKEY\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\"2030-01-01T00:00:00Z\"}";

static int test_ecs(struct fx_io *io) {
    struct endpoint e = {.answers = {s_document}, .answer_count = 1};
    CHECK_INT_EQ(s_endpoint_start(&e), 0);
    struct aws_credentials_provider_ecs_options options = {
        .bootstrap = io->bootstrap,
        .host = aws_byte_cursor_from_c_str("127.0.0.1"),
        .path_and_query = aws_byte_cursor_from_c_str("/v2/credentials"),
        .auth_token = aws_byte_cursor_from_c_str("secret-token"),
        .port = (uint32_t)e.port,
    };
    struct aws_credentials_provider *p = aws_credentials_provider_new_ecs(aws_default_allocator(), &options);
    CHECK(p != NULL);
    struct answer a;
    CHECK_INT_EQ(s_ask(p, &a), 0);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "HTTPKEY") == 0);
    CHECK(a.answer_thread != a.caller_thread);
    aws_credentials_provider_release(p);
    s_endpoint_stop(&e);
    CHECK(strstr(e.requests[0], "GET /v2/credentials HTTP/1.1\r\n") == e.requests[0]);
    CHECK(strstr(e.requests[0], "Authorization: secret-token\r\n") != NULL);
    return 0;
}

static int test_imds(struct fx_io *io) {
    struct endpoint e = {
        .answers =
            {
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nTOKEN",
                "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nmy-role",
                s_document,
            },
        .answer_count = 3,
    };
    CHECK_INT_EQ(s_endpoint_start(&e), 0);
    char endpoint[64];
    snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", e.port);
    struct aws_credentials_provider_imds_options options = {
        .bootstrap = io->bootstrap,
        .imds_endpoint = aws_byte_cursor_from_c_str(endpoint),
    };
    struct aws_credentials_provider *p = aws_credentials_provider_new_imds(aws_default_allocator(), &options);
    CHECK(p != NULL);
    struct answer a;
    CHECK_INT_EQ(s_ask(p, &a), 0);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "HTTPKEY") == 0);
    aws_credentials_provider_release(p);
    s_endpoint_stop(&e);
    CHECK(strstr(e.requests[0], "PUT /latest/api/token HTTP/1.1\r\n") == e.requests[0]);
    CHECK(strstr(e.requests[2], "GET /latest/meta-data/iam/security-credentials/my-role HTTP/1.1\r\n") ==
          e.requests[2]);
    CHECK(strstr(e.requests[2], "x-aws-ec2-metadata-token: TOKEN\r\n") != NULL);
    return 0;
}

int main(void) {
    aws_auth_library_init(aws_default_allocator());
    struct fx_io io;
    if (fx_io_init(&io, aws_default_allocator())) {
        return 1;
    }
    if (test_ecs(&io)) {
        fprintf(stderr, "FAILED: test_ecs\n");
        return 1;
    }
    printf("ok: test_ecs\n");
    if (test_imds(&io)) {
        fprintf(stderr, "FAILED: test_imds\n");
        return 1;
    }
    printf("ok: test_imds\n");
    fx_io_clean_up(&io);
    aws_auth_library_clean_up();
    return 0;
}

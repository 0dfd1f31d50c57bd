/* An HTTP service scripted for the credentials providers' tests: one answer per connection from
 * a thread of its own, the requests kept for the test to check; and a credentials request asked
 * and waited for (the answer arrives on an event-loop thread). */
#ifndef SCRIPTED_HTTP_H
#define SCRIPTED_HTTP_H

#include <aws/auth/credentials.h>
#include <aws/common/condition_variable.h>
#include <aws/common/mutex.h>
#include <aws/common/thread.h>

#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SCRIPTED_HTTP_MAX_ANSWERS 4

/* The scripted service: a listening socket on 127.0.0.1 (a free port) and its answers, one per
 * connection, in order, from a thread of its own; the requests it read. */
struct scripted_http {
    int listener;
    int port;
    const char *answers[SCRIPTED_HTTP_MAX_ANSWERS];
    int answer_count;
    char requests[SCRIPTED_HTTP_MAX_ANSWERS][4096];
    pthread_t thread;
};

/* Whether `r` holds a whole request: its head and as much body as it declares. */
static inline bool scripted_http_request_complete(const char *r) {
    const char *end = strstr(r, "\r\n\r\n");
    if (!end) {
        return false;
    }
    const char *length = strstr(r, "Content-Length: ");
    size_t body = length && length < end ? (size_t)strtoul(length + 16, NULL, 10) : 0;
    return strlen(end + 4) >= body;
}

static inline void *scripted_http_serve(void *arg) {
    struct scripted_http *s = arg;
    for (int i = 0; i < s->answer_count; i++) {
        int client = accept(s->listener, NULL, NULL);
        if (client < 0) {
            return NULL;
        }
        size_t len = 0;
        while (len < sizeof(s->requests[i]) - 1 && !scripted_http_request_complete(s->requests[i])) {
            ssize_t n = read(client, s->requests[i] + len, sizeof(s->requests[i]) - 1 - len);
            if (n <= 0) {
                break;
            }
            len += (size_t)n;
        }
        ssize_t written = write(client, s->answers[i], strlen(s->answers[i]));
        (void)written;
        close(client);
    }
    return NULL;
}

static inline int scripted_http_start(struct scripted_http *s) {
    s->listener = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s->listener >= 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK_INT_EQ(bind(s->listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    CHECK_INT_EQ(listen(s->listener, 4), 0);
    socklen_t addr_len = sizeof(addr);
    CHECK_INT_EQ(getsockname(s->listener, (struct sockaddr *)&addr, &addr_len), 0);
    s->port = ntohs(addr.sin_port);
    CHECK_INT_EQ(pthread_create(&s->thread, NULL, scripted_http_serve, s), 0);
    return 0;
}

static inline void scripted_http_stop(struct scripted_http *s) {
    pthread_join(s->thread, NULL);
    close(s->listener);
}

/* One request's answer, handed over from the loop thread. */
struct credentials_answer {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    bool done;
    int error_code;
    char access_key[64];
    uint64_t caller_thread;
    uint64_t answer_thread;
};

static inline void credentials_answer_on_credentials(struct aws_credentials *credentials, int error_code, void *user_data) {
    struct credentials_answer *a = user_data;
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

static inline bool credentials_answer_done(void *ctx) {
    return ((struct credentials_answer *)ctx)->done;
}

/* Asks `provider` and waits up to 10 s for the answer. */
static inline int credentials_ask(struct aws_credentials_provider *provider, struct credentials_answer *a) {
    memset(a, 0, sizeof(*a));
    aws_mutex_init(&a->lock);
    aws_condition_variable_init(&a->signal);
    a->caller_thread = aws_thread_current_thread_id();
    CHECK_INT_EQ(aws_credentials_provider_get_credentials(provider, credentials_answer_on_credentials, a), AWS_OP_SUCCESS);
    aws_mutex_lock(&a->lock);
    aws_condition_variable_wait_for_pred(&a->signal, &a->lock, 10LL * 1000 * 1000 * 1000, credentials_answer_done, a);
    bool done = a->done;
    aws_mutex_unlock(&a->lock);
    aws_condition_variable_clean_up(&a->signal);
    aws_mutex_clean_up(&a->lock);
    CHECK(done);
    return 0;
}

#endif

/* The standard logger writes on a background thread (issue 20, "Logging"): logging to a FIFO
 * that nobody reads yet does not block the logging thread (the queue is bounded: what does not
 * fit is dropped), and once the reader drains it, clean-up writes every queued line and, last,
 * how many were dropped. Before, each AWS_LOGF call wrote on the caller's thread and blocked
 * once the pipe was full. */
#define _POSIX_C_SOURCE 200809L

#include <aws/common/condition_variable.h>
#include <aws/common/error.h>
#include <aws/common/logging.h>
#include <aws/common/mutex.h>
#include <aws/io/logging.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

#define LINES 20000

static struct aws_mutex s_lock = AWS_MUTEX_INIT;
static struct aws_condition_variable s_signal = AWS_CONDITION_VARIABLE_INIT;
static bool s_logged;

static void *s_log_lines(void *arg) {
    (void)arg;
    for (int i = 0; i < LINES; i++) {
        AWS_LOGF_INFO(AWS_LS_COMMON_GENERAL, "bg-line %d padding-padding-padding-padding-padding-padding", i);
    }
    aws_mutex_lock(&s_lock);
    s_logged = true;
    aws_condition_variable_notify_all(&s_signal);
    aws_mutex_unlock(&s_lock);
    return NULL;
}

static bool s_is_logged(void *arg) {
    (void)arg;
    return s_logged;
}

struct drained {
    int fd;
    char *text;
    size_t length;
};

static void *s_drain(void *arg) {
    struct drained *d = arg;
    size_t capacity = 1 << 20;
    d->text = malloc(capacity);
    ssize_t n;
    while (d->text != NULL && (n = read(d->fd, d->text + d->length, capacity - d->length - 1)) > 0) {
        d->length += (size_t)n;
        if (capacity - d->length < 4096) {
            capacity *= 2;
            d->text = realloc(d->text, capacity);
        }
    }
    if (d->text != NULL) {
        d->text[d->length] = '\0';
    }
    return NULL;
}

static int test_a_fifo_nobody_reads_does_not_block_logging(void) {
    char path[64];
    snprintf(path, sizeof(path), "/tmp/awsrs_bglog_%d", (int)getpid());
    unlink(path);
    CHECK_INT_EQ(mkfifo(path, 0600), 0);
    struct drained d = {.fd = open(path, O_RDONLY | O_NONBLOCK)};
    CHECK(d.fd >= 0);

    struct aws_logger logger;
    struct aws_logger_standard_options options = {.level = AWS_LL_INFO, .filename = path};
    CHECK_INT_EQ(aws_logger_init_standard(&logger, aws_default_allocator(), &options), AWS_OP_SUCCESS);
    aws_logger_set(&logger);

    pthread_t logging;
    CHECK_INT_EQ(pthread_create(&logging, NULL, s_log_lines, NULL), 0);
    aws_mutex_lock(&s_lock);
    int waited = aws_condition_variable_wait_for_pred(&s_signal, &s_lock, 20LL * 1000 * 1000 * 1000, s_is_logged, NULL);
    aws_mutex_unlock(&s_lock);

    /* Drain from here on whatever happened, so that nothing stays blocked. */
    fcntl(d.fd, F_SETFL, 0);
    pthread_t reader;
    CHECK_INT_EQ(pthread_create(&reader, NULL, s_drain, &d), 0);
    pthread_join(logging, NULL);
    CHECK_INT_EQ(waited, AWS_OP_SUCCESS); /* the logging thread finished while nobody read */

    aws_logger_set(NULL);
    aws_logger_clean_up(&logger);
    pthread_join(reader, NULL);
    close(d.fd);
    unlink(path);

    CHECK(d.text != NULL);
    int written = 0;
    for (char *p = strstr(d.text, "bg-line "); p != NULL; p = strstr(p + 1, "bg-line ")) {
        written++;
    }
    CHECK(written < LINES); /* some were dropped: the queue is bounded */
    char *last = strrchr(d.text, '[');
    while (last > d.text && last[-1] != '\n') {
        last--;
    }
    char expected[64];
    snprintf(expected, sizeof(expected), "%d lines dropped", LINES - written);
    CHECK(strncmp(last, "[WARN]", 6) == 0);
    CHECK(strstr(last, expected) != NULL);
    free(d.text);
    return 0;
}

int main(void) {
    RUN(test_a_fifo_nobody_reads_does_not_block_logging);
    return 0;
}

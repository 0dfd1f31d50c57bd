/* The C-variadic half of the loggers in src/ffi/file_logger.rs, which stable Rust cannot define.
 * A file logger's `log` expands the format here with vsnprintf and hands the finished message to
 * the Rust `write` function found at the head of the logger's state; the line layout, the level
 * and the file are Rust's business. Messages that fit 8 KiB are formatted on the stack; longer
 * ones get a heap buffer when the logger may allocate and are cut at 8 KiB otherwise. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The layout of `struct aws_logger`. */
struct awsrs_logger {
    void *vtable;
    void *allocator;
    void *p_impl;
};

/* Receives the formatted message, or NULL when the format could not be expanded. */
typedef int(awsrs_write_fn)(
    struct awsrs_logger *logger,
    int level,
    uint32_t subject,
    const char *message,
    size_t length);

/* The first fields of `FileLogger` in file_logger.rs: keep the two in step. */
struct awsrs_file_logger_head {
    awsrs_write_fn *write;
    bool may_allocate;
};

enum { AWSRS_STACK_MESSAGE = 8192 };

int awsrs_file_logger_log(struct awsrs_logger *logger, int level, uint32_t subject, const char *format, ...);
int awsrs_null_logger_log(struct awsrs_logger *logger, int level, uint32_t subject, const char *format, ...);
FILE *awsrs_stderr(void);

int awsrs_file_logger_log(struct awsrs_logger *logger, int level, uint32_t subject, const char *format, ...) {
    if (logger == NULL || logger->p_impl == NULL) {
        return -1;
    }
    const struct awsrs_file_logger_head *head = logger->p_impl;
    if (format == NULL) {
        return head->write(logger, level, subject, NULL, 0);
    }

    char stack[AWSRS_STACK_MESSAGE];
    va_list args;
    va_list second_pass;
    va_start(args, format);
    va_copy(second_pass, args);
    int full_length = vsnprintf(stack, sizeof(stack), format, args);
    va_end(args);

    const char *message = NULL;
    size_t length = 0;
    char *heap = NULL;
    if (full_length >= 0 && (size_t)full_length < sizeof(stack)) {
        message = stack;
        length = (size_t)full_length;
    } else if (full_length >= 0) {
        message = stack;
        length = sizeof(stack) - 1;
        if (head->may_allocate) {
            heap = malloc((size_t)full_length + 1);
            if (heap != NULL && vsnprintf(heap, (size_t)full_length + 1, format, second_pass) == full_length) {
                message = heap;
                length = (size_t)full_length;
            }
        }
    }
    va_end(second_pass);

    int result = head->write(logger, level, subject, message, length);
    free(heap);
    return result;
}

int awsrs_null_logger_log(struct awsrs_logger *logger, int level, uint32_t subject, const char *format, ...) {
    (void)logger;
    (void)level;
    (void)subject;
    (void)format;
    return 0;
}

FILE *awsrs_stderr(void) {
    return stderr;
}

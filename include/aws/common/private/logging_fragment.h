/* Hand-written fragment of aws/common/logging.h: the level and subject-range constants, and the
 * logging macros, which ask the process-wide logger for its level before evaluating any argument.
 * Define AWS_STATIC_LOG_LEVEL (0 to 6) to compile out the levels above it. */
#include <aws/common/atomics.h>
#include <aws/common/common.h>
#include <aws/common/package.h>
#include <aws/common/thread.h>
#include <stdio.h>

#define AWS_LOG_LEVEL_NONE 0
#define AWS_LOG_LEVEL_FATAL 1
#define AWS_LOG_LEVEL_ERROR 2
#define AWS_LOG_LEVEL_WARN 3
#define AWS_LOG_LEVEL_INFO 4
#define AWS_LOG_LEVEL_DEBUG 5
#define AWS_LOG_LEVEL_TRACE 6

/* Each library owns 2^10 subjects, from its package id times 2^10. */
enum {
    AWS_LOG_SUBJECT_STRIDE_BITS = 10,
};
#define AWS_LOG_SUBJECT_STRIDE (1U << AWS_LOG_SUBJECT_STRIDE_BITS)
#define AWS_LOG_SUBJECT_BEGIN_RANGE(x) ((x) * AWS_LOG_SUBJECT_STRIDE)
#define AWS_LOG_SUBJECT_END_RANGE(x) (((x) + 1) * AWS_LOG_SUBJECT_STRIDE - 1)

/* One entry of a struct aws_log_subject_info array. */
#define DEFINE_LOG_SUBJECT_INFO(id, name, desc)                                                    \
    { .subject_id = (id), .subject_name = (name), .subject_description = (desc) }

struct aws_logger;
struct aws_log_formatter;
struct aws_log_channel;
struct aws_log_writer;

/* Never called: lets the compiler check a log call's format against its arguments. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 1, 2)))
#endif
static inline void aws_logf_check_format_(const char *format, ...) {
    (void)format;
}

/* Logs through the process-wide logger when it lets `log_level` through for `subject`; the
 * format arguments are evaluated only then. */
#define AWS_LOGF(log_level, subject, ...)                                                          \
    do {                                                                                           \
        AWS_ASSERT((log_level) > 0);                                                               \
        struct aws_logger *aws_logf_logger_ = aws_logger_get();                                    \
        if (0) {                                                                                   \
            aws_logf_check_format_(__VA_ARGS__);                                                   \
        }                                                                                          \
        if (aws_logf_logger_ != NULL &&                                                            \
            aws_logf_logger_->vtable->get_log_level(aws_logf_logger_, (subject)) >= (log_level)) { \
            aws_logf_logger_->vtable->log(aws_logf_logger_, (log_level), (subject), __VA_ARGS__);  \
        }                                                                                          \
    } while (0)

/* Logs through `logger` without checking its level or NULL: for a run of messages after one
 * check of aws_logger_get_conditional(). */
#define AWS_LOGUF(logger, log_level, subject, ...)                                                 \
    {                                                                                              \
        (logger)->vtable->log((logger), (log_level), (subject), __VA_ARGS__);                      \
    }

#if !defined(AWS_STATIC_LOG_LEVEL) || (AWS_STATIC_LOG_LEVEL >= AWS_LOG_LEVEL_FATAL)
#    define AWS_LOGF_FATAL(subject, ...) AWS_LOGF(AWS_LL_FATAL, subject, __VA_ARGS__)
#else
#    define AWS_LOGF_FATAL(subject, ...)
#endif

#if !defined(AWS_STATIC_LOG_LEVEL) || (AWS_STATIC_LOG_LEVEL >= AWS_LOG_LEVEL_ERROR)
#    define AWS_LOGF_ERROR(subject, ...) AWS_LOGF(AWS_LL_ERROR, subject, __VA_ARGS__)
#else
#    define AWS_LOGF_ERROR(subject, ...)
#endif

#if !defined(AWS_STATIC_LOG_LEVEL) || (AWS_STATIC_LOG_LEVEL >= AWS_LOG_LEVEL_WARN)
#    define AWS_LOGF_WARN(subject, ...) AWS_LOGF(AWS_LL_WARN, subject, __VA_ARGS__)
#else
#    define AWS_LOGF_WARN(subject, ...)
#endif

#if !defined(AWS_STATIC_LOG_LEVEL) || (AWS_STATIC_LOG_LEVEL >= AWS_LOG_LEVEL_INFO)
#    define AWS_LOGF_INFO(subject, ...) AWS_LOGF(AWS_LL_INFO, subject, __VA_ARGS__)
#else
#    define AWS_LOGF_INFO(subject, ...)
#endif

#if !defined(AWS_STATIC_LOG_LEVEL) || (AWS_STATIC_LOG_LEVEL >= AWS_LOG_LEVEL_DEBUG)
#    define AWS_LOGF_DEBUG(subject, ...) AWS_LOGF(AWS_LL_DEBUG, subject, __VA_ARGS__)
#else
#    define AWS_LOGF_DEBUG(subject, ...)
#endif

#if !defined(AWS_STATIC_LOG_LEVEL) || (AWS_STATIC_LOG_LEVEL >= AWS_LOG_LEVEL_TRACE)
#    define AWS_LOGF_TRACE(subject, ...) AWS_LOGF(AWS_LL_TRACE, subject, __VA_ARGS__)
#else
#    define AWS_LOGF_TRACE(subject, ...)
#endif

/* The state of a logger built from a formatter, a channel and a writer. Written here rather
 * than generated: the generated struct would make this header include log_formatter.h, which
 * needs this header complete. */
struct aws_logger_pipeline {
    struct aws_log_formatter *formatter;
    struct aws_log_channel *channel;
    struct aws_log_writer *writer;
    struct aws_allocator *allocator;
    struct aws_atomic_var level;
};

/* The buffer size aws_thread_id_t_to_string requires. Upstream defines it in thread.h; it is
 * repeated here, guarded, so this header's function can be used while thread.h lacks it. */
#ifndef AWS_THREAD_ID_T_REPR_BUFSZ
#    define AWS_THREAD_ID_T_REPR_BUFSZ (sizeof(aws_thread_id_t) * 2 + 1)
#endif

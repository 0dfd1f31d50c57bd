/* The C-variadic and va_list halves of the logging pipeline (src/ffi/common/log_formatter.rs,
 * logging_pipeline.rs), which stable Rust cannot write: expanding a format from a va_list,
 * measuring it without consuming the caller's list, and the pipeline logger's variadic `log`,
 * which hands its va_list to Rust. A va_list crosses into Rust as the pointer C passes for it
 * (x86_64 and aarch64 Linux pass a va_list argument by reference). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int awsrs_vsnprintf(char *buffer, size_t size, const char *format, va_list args);
int awsrs_vformat_length(const char *format, va_list args);
int awsrs_pipeline_logger_log(void *logger, int level, uint32_t subject, const char *format, ...);
FILE *awsrs_stdout(void);

/* Rust: formats through the pipeline's formatter and sends the line down its channel. */
int awsrs_pipeline_log_v(void *logger, int level, uint32_t subject, const char *format, va_list args);

int awsrs_vsnprintf(char *buffer, size_t size, const char *format, va_list args) {
    return vsnprintf(buffer, size, format, args);
}

int awsrs_vformat_length(const char *format, va_list args) {
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    return length;
}

int awsrs_pipeline_logger_log(void *logger, int level, uint32_t subject, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int result = awsrs_pipeline_log_v(logger, level, subject, format, args);
    va_end(args);
    return result;
}

FILE *awsrs_stdout(void) {
    return stdout;
}

/* Hand-written fragment of aws/common/log_formatter.h: the formatter's function types, which
 * the generator cannot write (one takes a va_list), their headers, and the common macros. */
#include <aws/common/common.h>
#include <aws/common/date_time.h>
#include <aws/common/logging.h>

#include <stdarg.h>
#include <stdio.h>

struct aws_log_formatter;
struct aws_string;

/* Formats one message into a new line, stored in *formatted_output (the caller takes it). */
typedef int(aws_log_formatter_format_fn)(
    struct aws_log_formatter *formatter,
    struct aws_string **formatted_output,
    enum aws_log_level level,
    aws_log_subject_t subject,
    const char *format,
    va_list args);
/* Frees what the formatter holds (not the struct itself). */
typedef void(aws_log_formatter_clean_up_fn)(struct aws_log_formatter *logger);

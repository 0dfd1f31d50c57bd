/* Hand-written fragment of aws/common/log_writer.h: the writer's function types, which the
 * generator cannot write, FILE, and the common macros. */
#include <aws/common/common.h>

#include <stdio.h>

struct aws_log_writer;
struct aws_string;

/* Writes one formatted line; the writer does not take the string. */
typedef int(aws_log_writer_write_fn)(struct aws_log_writer *writer, const struct aws_string *output);
/* Frees what the writer holds (not the struct itself). */
typedef void(aws_log_writer_clean_up_fn)(struct aws_log_writer *writer);

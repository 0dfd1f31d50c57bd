/* Hand-written fragment of aws/io/logging.h: the headers upstream's logging.h gathers. */
#include <aws/common/logging.h>
#include <aws/io/io.h>

struct aws_log_channel;
struct aws_log_formatter;
struct aws_log_writer;

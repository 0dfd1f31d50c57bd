/* Hand-written fragment of aws/common/system_info.h: what its declarations need. */
#include <stdio.h>

/* How many frames aws_backtrace_print and aws_backtrace_log show at most. */
#define AWS_BACKTRACE_DEPTH 128

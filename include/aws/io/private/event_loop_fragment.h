/* Hand-written fragment of aws/io/event_loop.h: the clock function type (upstream declares it
 * in aws/io/io.h, which this header includes) and the task API it schedules. */
#include <aws/common/task_scheduler.h>
#include <aws/io/io.h>

typedef int(aws_io_clock_fn)(uint64_t *timestamp);

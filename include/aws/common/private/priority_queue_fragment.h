/* Hand-written fragment of aws/common/priority_queue.h: what upstream's header gathers, and the
 * comparator's function type. */
#include <aws/common/array_list.h>
#include <aws/common/common.h>

/* Ranks two items: positive when b has the higher priority (b pops first). */
typedef int(aws_priority_queue_compare_fn)(const void *a, const void *b);

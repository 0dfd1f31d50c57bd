/* Hand-written fragment of aws/common/array_list.h: what upstream's header gathers, and the
 * comparator's function type. */
#include <aws/common/common.h>
#include <aws/common/math.h>
#include <stdlib.h>

/* Orders two items for aws_array_list_sort, as a qsort comparator. */
typedef int(aws_array_list_comparator_fn)(const void *a, const void *b);

/* The byte upstream's debug builds fill unused list storage with. */
enum { AWS_ARRAY_LIST_DEBUG_FILL = 0xDD };

/* Hand-written fragment of aws/common/cache.h: what upstream's header gathers, and the forward
 * declaration the vtable's function pointers need. */
#include <aws/common/linked_hash_table.h>

struct aws_cache;

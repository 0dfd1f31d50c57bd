/* Hand-written fragment of aws/common/linked_hash_table.h: what upstream's header gathers. */
#include <aws/common/hash_table.h>
#include <aws/common/linked_list.h>

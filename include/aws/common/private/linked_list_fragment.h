/* Hand-written fragment of aws/common/linked_list.h: what upstream's header gathers
 * (AWS_CONTAINER_OF, which gets from a node back to the struct it is embedded in). */
#include <aws/common/common.h>

/* Hand-written fragment of aws/common/byte_order.h: what upstream's header gathers. */
#include <aws/common/common.h>

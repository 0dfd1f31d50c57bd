/* Hand-written fragment of aws/common/host_utils.h: what upstream's header gathers. */
#include <aws/common/common.h>

/* Hand-written fragment of aws/common/system_resource_util.h: the common macros upstream's
 * header brings in. */
#include <aws/common/common.h>

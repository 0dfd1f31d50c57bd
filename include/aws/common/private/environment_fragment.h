/* Hand-written fragment of aws/common/environment.h: the common macros, which upstream's
 * environment.h brings in. */
#include <aws/common/common.h>

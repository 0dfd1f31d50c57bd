/* Hand-written fragment of aws/common/time.h: the C library's struct tm and time_t, which the
 * generated prototypes name, and the common macros. */
#include <aws/common/common.h>

#include <time.h>

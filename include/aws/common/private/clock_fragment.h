/* Hand-written fragment of aws/common/clock.h. */
#include <aws/common/common.h>

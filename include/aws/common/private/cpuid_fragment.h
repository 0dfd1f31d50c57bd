/* Hand-written fragment of aws/common/cpuid.h: the common macros upstream's cpuid.h brings in. */
#include <aws/common/common.h>

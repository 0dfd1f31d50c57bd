/* Hand-written fragment of aws/common/cross_process_lock.h: the common macros upstream's
 * header brings in. */
#include <aws/common/byte_buf.h>
#include <aws/common/common.h>

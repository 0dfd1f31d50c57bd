/* Hand-written fragment of aws/common/encoding.h: the headers upstream's encoding.h brings in
 * (byte cursors and buffers, byte order, the common macros). */
#include <aws/common/byte_buf.h>
#include <aws/common/common.h>

#include <string.h>

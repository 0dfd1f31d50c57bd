/* Hand-written fragment of aws/common/ring_buffer.h: what upstream's header gathers. */
#include <aws/common/atomics.h>
#include <aws/common/byte_buf.h>
#include <aws/common/common.h>

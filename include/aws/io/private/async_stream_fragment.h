/* Hand-written fragment of aws/io/async_stream.h: the forward declarations its vtable's
 * function pointers need before the structs are defined. */
#include <aws/common/ref_count.h>
#include <aws/io/io.h>

struct aws_async_input_stream;
struct aws_byte_buf;
struct aws_future_bool;

/* Hand-written fragment of aws/io/stream.h: what upstream's header includes (FILE comes from
 * stdio.h, which the generator cannot name). */
#include <aws/common/ref_count.h>
#include <aws/io/io.h>

#include <stdio.h>

struct aws_input_stream;

/* Hand-written fragment of aws/io/pipe.h: the callback function types, which the generator
 * cannot write, and what upstream's header includes. */
#include <aws/common/byte_buf.h>
#include <aws/io/io.h>

struct aws_event_loop;
struct aws_pipe_read_end;
struct aws_pipe_write_end;

/* The read end became readable (error_code 0) or failed; on its loop thread. */
typedef void(aws_pipe_on_readable_fn)(struct aws_pipe_read_end *read_end, int error_code, void *user_data);

/* A write completed (error_code 0) or failed; write_end is NULL once the end is cleaned up. */
typedef void(aws_pipe_on_write_completed_fn)(
    struct aws_pipe_write_end *write_end,
    int error_code,
    struct aws_byte_cursor src_buffer,
    void *user_data);

/* aws/io/pipe.h through the installed headers: on one event loop, a write larger than the pipe
 * crosses to a subscribed reader and completes once drained; then the write end closes and
 * the reader hears AWS_IO_BROKEN_PIPE. The test thread waits on futures the loop completes. */
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/common/task_scheduler.h>
#include <aws/io/event_loop.h>
#include <aws/io/future.h>
#include <aws/io/io.h>
#include <aws/io/pipe.h>

#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define TOTAL (1024 * 1024)
#define GENEROUS_NS (10ULL * 1000 * 1000 * 1000)

struct state {
    struct aws_pipe_read_end read_end;
    struct aws_pipe_write_end write_end;
    uint8_t *source;
    size_t received;
    int write_error;
    int read_error;
    struct aws_future_void *all_read;
    struct aws_future_void *written;
    struct aws_future_void *broken;
};

static void on_written(struct aws_pipe_write_end *end, int error, struct aws_byte_cursor src, void *user_data) {
    struct state *s = user_data;
    (void)end;
    s->write_error = error;
    if (src.len == TOTAL) {
        aws_future_void_set_result(s->written);
    }
}

static void on_readable(struct aws_pipe_read_end *end, int error, void *user_data) {
    struct state *s = user_data;
    if (error) {
        s->read_error = error;
        aws_future_void_set_result(s->broken);
        return;
    }
    uint8_t chunk[4096];
    for (;;) {
        struct aws_byte_buf buf = aws_byte_buf_from_empty_array(chunk, sizeof(chunk));
        size_t n = 0;
        if (aws_pipe_read(end, &buf, &n) != AWS_OP_SUCCESS) {
            break; /* AWS_IO_READ_WOULD_BLOCK: wait for the next event */
        }
        if (n == 0) {
            break;
        }
        s->received += n;
    }
    if (s->received == TOTAL) {
        aws_future_void_set_result(s->all_read);
    }
}

static void start_task(struct aws_task *task, void *arg, enum aws_task_status status) {
    struct state *s = arg;
    (void)task;
    (void)status;
    aws_pipe_subscribe_to_readable_events(&s->read_end, on_readable, s);
    aws_pipe_write(&s->write_end, aws_byte_cursor_from_array(s->source, TOTAL), on_written, s);
}

static void close_task(struct aws_task *task, void *arg, enum aws_task_status status) {
    struct state *s = arg;
    (void)task;
    (void)status;
    aws_pipe_clean_up_write_end(&s->write_end);
}

static void end_task(struct aws_task *task, void *arg, enum aws_task_status status) {
    struct state *s = arg;
    (void)task;
    (void)status;
    aws_pipe_clean_up_read_end(&s->read_end);
    aws_future_void_set_result(s->all_read);
}

static int test_pipe(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(alloc, 1, NULL);
    struct aws_event_loop *loop = aws_event_loop_group_get_next_loop(group);
    struct state s;
    memset(&s, 0, sizeof(s));
    s.source = malloc(TOTAL);
    memset(s.source, 'p', TOTAL);
    s.all_read = aws_future_void_new(alloc);
    s.written = aws_future_void_new(alloc);
    s.broken = aws_future_void_new(alloc);
    CHECK_INT_EQ(aws_pipe_init(&s.read_end, loop, &s.write_end, loop, alloc), AWS_OP_SUCCESS);
    CHECK(aws_pipe_get_read_end_event_loop(&s.read_end) == loop);

    /* Off the loop thread, calls on an end are refused. */
    CHECK_FAILS_WITH(aws_pipe_write(&s.write_end, aws_byte_cursor_from_c_str("x"), NULL, NULL),
                     AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY);

    struct aws_task start;
    aws_task_init(&start, start_task, &s, "pipe_start");
    aws_event_loop_schedule_task_now(loop, &start);
    CHECK(aws_future_void_wait(s.all_read, GENEROUS_NS));
    CHECK(aws_future_void_wait(s.written, GENEROUS_NS));
    CHECK_INT_EQ(s.write_error, 0);
    CHECK_INT_EQ(s.received, TOTAL);

    struct aws_task close;
    aws_task_init(&close, close_task, &s, "pipe_close");
    aws_event_loop_schedule_task_now(loop, &close);
    CHECK(aws_future_void_wait(s.broken, GENEROUS_NS));
    CHECK_INT_EQ(s.read_error, AWS_IO_BROKEN_PIPE);

    aws_future_void_release(s.all_read);
    s.all_read = aws_future_void_new(alloc);
    struct aws_task end;
    aws_task_init(&end, end_task, &s, "pipe_end");
    aws_event_loop_schedule_task_now(loop, &end);
    CHECK(aws_future_void_wait(s.all_read, GENEROUS_NS));
    uint8_t byte;
    struct aws_byte_buf one = aws_byte_buf_from_empty_array(&byte, 1);
    CHECK_FAILS_WITH(aws_pipe_read(&s.read_end, &one, NULL), AWS_IO_BROKEN_PIPE); /* cleaned up */

    aws_future_void_release(s.all_read);
    aws_future_void_release(s.written);
    aws_future_void_release(s.broken);
    aws_event_loop_group_release(group);
    free(s.source);
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    RUN(test_pipe);
    aws_io_library_clean_up();
    return 0;
}

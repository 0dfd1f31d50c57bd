/* aws/io/async_stream.h through the installed headers: an asynchronous stream implemented in C
 * whose reads complete at once, one byte each, filled by read_to_fill without recursion; a
 * full buffer fails with AWS_ERROR_SHORT_BUFFER; the last release calls destroy. */
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/io/async_stream.h>
#include <aws/io/future.h>
#include <aws/io/io.h>

#include "test_support.h"

struct drip {
    struct aws_async_input_stream base;
    size_t remaining;
    int destroyed;
};

static void drip_destroy(struct aws_async_input_stream *stream) {
    struct drip *d = stream->impl;
    d->destroyed++;
}

static struct aws_future_bool *drip_read(struct aws_async_input_stream *stream, struct aws_byte_buf *dest) {
    struct drip *d = stream->impl;
    struct aws_future_bool *future = aws_future_bool_new(stream->alloc);
    if (d->remaining > 0) {
        aws_byte_buf_write_u8(dest, 'd');
        d->remaining--;
    }
    aws_future_bool_set_result(future, d->remaining == 0);
    return future;
}

static const struct aws_async_input_stream_vtable DRIP_VTABLE = {
    .destroy = drip_destroy,
    .read = drip_read,
};

static int test_read_to_fill(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct drip d = {.remaining = 300000};
    aws_async_input_stream_init_base(&d.base, alloc, &DRIP_VTABLE, &d);

    struct aws_byte_buf buf;
    aws_byte_buf_init(&buf, alloc, 200000);
    struct aws_future_bool *future = aws_async_input_stream_read_to_fill(&d.base, &buf);
    CHECK(aws_future_bool_is_done(future));
    CHECK_INT_EQ(aws_future_bool_get_error(future), 0);
    CHECK(!aws_future_bool_get_result(future));
    CHECK_INT_EQ(buf.len, 200000);
    aws_future_bool_release(future);

    future = aws_async_input_stream_read(&d.base, &buf);
    CHECK_INT_EQ(aws_future_bool_get_error(future), AWS_ERROR_SHORT_BUFFER);
    aws_future_bool_release(future);

    aws_byte_buf_reset(&buf, false);
    future = aws_async_input_stream_read_to_fill(&d.base, &buf);
    CHECK(aws_future_bool_get_result(future));
    CHECK_INT_EQ(buf.len, 100000);
    aws_future_bool_release(future);

    CHECK(aws_async_input_stream_acquire(&d.base) == &d.base);
    aws_async_input_stream_release(&d.base);
    CHECK_INT_EQ(d.destroyed, 0);
    CHECK(aws_async_input_stream_release(&d.base) == NULL);
    CHECK_INT_EQ(d.destroyed, 1);
    aws_byte_buf_clean_up(&buf);
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    RUN(test_read_to_fill);
    aws_io_library_clean_up();
    return 0;
}

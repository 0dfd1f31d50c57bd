/* aws/io/stream.h through the installed headers: cursor, file and open-FILE streams (read in
 * small chunks, seek from either end, length, status), errors at and past the ends, and a
 * stream implemented here in C with its own vtable and the header's reference count. */
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/common/ref_count.h>
#include <aws/io/io.h>
#include <aws/io/stream.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"

static const char TEXT[] = "a stream of bytes, read a few at a time";

/* Reads the stream to its end in chunks of `chunk` bytes into `out`. */
static int read_all(struct aws_input_stream *stream, size_t chunk, struct aws_byte_buf *out) {
    uint8_t storage[64];
    for (;;) {
        struct aws_byte_buf buf = aws_byte_buf_from_empty_array(storage, chunk);
        CHECK_INT_EQ(aws_input_stream_read(stream, &buf), AWS_OP_SUCCESS);
        struct aws_byte_cursor got = aws_byte_cursor_from_buf(&buf);
        CHECK_INT_EQ(aws_byte_buf_append_dynamic(out, &got), AWS_OP_SUCCESS);
        struct aws_stream_status status;
        CHECK_INT_EQ(aws_input_stream_get_status(stream, &status), AWS_OP_SUCCESS);
        CHECK(status.is_valid);
        if (status.is_end_of_stream) {
            return 0;
        }
    }
}

static int check_stream(struct aws_input_stream *stream) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_byte_buf out;
    aws_byte_buf_init(&out, alloc, 0);
    CHECK(read_all(stream, 3, &out) == 0);
    CHECK(aws_byte_buf_eq_c_str(&out, TEXT));
    int64_t length = 0;
    CHECK_INT_EQ(aws_input_stream_get_length(stream, &length), AWS_OP_SUCCESS);
    CHECK_INT_EQ(length, (long long)strlen(TEXT));

    CHECK_INT_EQ(aws_input_stream_seek(stream, -4, AWS_SSB_END), AWS_OP_SUCCESS);
    aws_byte_buf_reset(&out, false);
    CHECK(read_all(stream, 64, &out) == 0);
    CHECK(aws_byte_buf_eq_c_str(&out, "time"));
    CHECK_INT_EQ(aws_input_stream_seek(stream, 2, AWS_SSB_BEGIN), AWS_OP_SUCCESS);
    aws_byte_buf_reset(&out, false);
    CHECK(read_all(stream, 7, &out) == 0);
    CHECK(aws_byte_buf_eq_c_str(&out, TEXT + 2));
    aws_byte_buf_clean_up(&out);
    return 0;
}

static int test_cursor_stream(void) {
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str(TEXT);
    struct aws_input_stream *stream = aws_input_stream_new_from_cursor(aws_default_allocator(), &cursor);
    CHECK(stream != NULL);
    CHECK(check_stream(stream) == 0);
    CHECK_FAILS_WITH(aws_input_stream_seek(stream, (int64_t)strlen(TEXT) + 1, AWS_SSB_BEGIN),
                     AWS_IO_STREAM_INVALID_SEEK_POSITION);
    CHECK_FAILS_WITH(aws_input_stream_seek(stream, 1, AWS_SSB_END), AWS_IO_STREAM_INVALID_SEEK_POSITION);
    CHECK_FAILS_WITH(aws_input_stream_seek(stream, -1, AWS_SSB_BEGIN), AWS_IO_STREAM_INVALID_SEEK_POSITION);
    CHECK(aws_input_stream_acquire(stream) == stream);
    CHECK(aws_input_stream_release(stream) == NULL);
    aws_input_stream_destroy(stream);
    return 0;
}

static int test_file_streams(void) {
    char path[] = "/tmp/awsrs-io-stream-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_INT_EQ(write(fd, TEXT, strlen(TEXT)), (long long)strlen(TEXT));
    close(fd);

    struct aws_input_stream *stream = aws_input_stream_new_from_file(aws_default_allocator(), path);
    CHECK(stream != NULL);
    CHECK(check_stream(stream) == 0);
    aws_input_stream_release(stream);

    FILE *file = fopen(path, "rb");
    CHECK(file != NULL);
    stream = aws_input_stream_new_from_open_file(aws_default_allocator(), file);
    CHECK(check_stream(stream) == 0);
    aws_input_stream_release(stream);
    CHECK_INT_EQ(fseek(file, 0, SEEK_SET), 0); /* still open */
    fclose(file);
    unlink(path);

    aws_reset_error();
    CHECK(aws_input_stream_new_from_file(aws_default_allocator(), path) == NULL);
    CHECK(aws_last_error() != 0);
    return 0;
}

/* A stream implemented in C: it yields `remaining` copies of 'z', and counts its destruction. */
struct z_stream {
    struct aws_input_stream base;
    size_t remaining;
    int *destroyed;
};

static int z_seek(struct aws_input_stream *stream, int64_t offset, enum aws_stream_seek_basis basis) {
    (void)stream;
    (void)offset;
    (void)basis;
    return aws_raise_error(AWS_IO_STREAM_SEEK_UNSUPPORTED);
}

static int z_read(struct aws_input_stream *stream, struct aws_byte_buf *dest) {
    struct z_stream *z = stream->impl;
    while (z->remaining > 0 && dest->len < dest->capacity) {
        dest->buffer[dest->len++] = 'z';
        z->remaining--;
    }
    return AWS_OP_SUCCESS;
}

static int z_status(struct aws_input_stream *stream, struct aws_stream_status *status) {
    struct z_stream *z = stream->impl;
    status->is_end_of_stream = z->remaining == 0;
    status->is_valid = true;
    return AWS_OP_SUCCESS;
}

static int z_length(struct aws_input_stream *stream, int64_t *out_length) {
    (void)stream;
    (void)out_length;
    return aws_raise_error(AWS_IO_STREAM_GET_LENGTH_UNSUPPORTED);
}

static void z_destroy(void *object) {
    struct z_stream *z = object;
    (*z->destroyed)++;
}

static const struct aws_input_stream_vtable Z_VTABLE = {
    .seek = z_seek,
    .read = z_read,
    .get_status = z_status,
    .get_length = z_length,
};

static int test_stream_implemented_in_c(void) {
    int destroyed = 0;
    struct z_stream z = {.remaining = 5, .destroyed = &destroyed};
    z.base.impl = &z;
    z.base.vtable = &Z_VTABLE;
    aws_ref_count_init(&z.base.ref_count, &z, z_destroy);

    uint8_t storage[8] = "AB";
    struct aws_byte_buf buf = aws_byte_buf_from_empty_array(storage, 4);
    buf.len = 2;
    CHECK_INT_EQ(aws_input_stream_read(&z.base, &buf), AWS_OP_SUCCESS);
    CHECK_INT_EQ(buf.len, 4);
    CHECK(memcmp(storage, "ABzz", 4) == 0);
    CHECK_FAILS_WITH(aws_input_stream_seek(&z.base, 0, AWS_SSB_BEGIN), AWS_IO_STREAM_SEEK_UNSUPPORTED);
    int64_t length;
    CHECK_FAILS_WITH(aws_input_stream_get_length(&z.base, &length), AWS_IO_STREAM_GET_LENGTH_UNSUPPORTED);
    aws_input_stream_acquire(&z.base);
    aws_input_stream_release(&z.base);
    CHECK_INT_EQ(destroyed, 0);
    aws_input_stream_release(&z.base);
    CHECK_INT_EQ(destroyed, 1);
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    RUN(test_cursor_stream);
    RUN(test_file_streams);
    RUN(test_stream_implemented_in_c);
    aws_io_library_clean_up();
    return 0;
}

/* Tests of aws/common/ring_buffer.h through the C API: buffers lent in order, the ring full,
 * releases in order, and wrapping back to the start. */
#include <aws/common/ring_buffer.h>

#include "counting_allocator.h"
#include "test_support.h"

static int test_layout_matches_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_ring_buffer), 40);
    CHECK_INT_EQ(offsetof(struct aws_ring_buffer, allocation_end), 32);
    return 0;
}

static int test_lend_release_wrap(void) {
    struct aws_ring_buffer ring;
    CHECK_INT_EQ(aws_ring_buffer_init(&ring, &s_counting, 32), AWS_OP_SUCCESS);
    CHECK(aws_ring_buffer_is_empty(&ring));
    struct aws_byte_buf a, b, c;
    CHECK_INT_EQ(aws_ring_buffer_acquire(&ring, 20, &a), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_ring_buffer_acquire(&ring, 12, &b), AWS_OP_SUCCESS);
    CHECK(a.buffer == ring.allocation && b.buffer == ring.allocation + 20);
    CHECK_FAILS_WITH(aws_ring_buffer_acquire(&ring, 1, &c), AWS_ERROR_OOM);
    struct aws_byte_cursor hello = aws_byte_cursor_from_c_str("hello");
    CHECK_INT_EQ(aws_byte_buf_append(&a, &hello), AWS_OP_SUCCESS);
    aws_ring_buffer_release(&ring, &a);
    CHECK(a.buffer == NULL);
    CHECK_INT_EQ(aws_ring_buffer_acquire_up_to(&ring, 4, 64, &c), AWS_OP_SUCCESS);
    CHECK(c.buffer == ring.allocation);
    CHECK_INT_EQ(c.capacity, 19);
    CHECK(aws_ring_buffer_buf_belongs_to_pool(&ring, &c));
    aws_ring_buffer_release(&ring, &b);
    aws_ring_buffer_release(&ring, &c);
    CHECK(aws_ring_buffer_is_empty(&ring));
    CHECK(aws_ring_buffer_is_valid(&ring));
    aws_ring_buffer_clean_up(&ring);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

int main(void) {
    RUN(test_layout_matches_upstream);
    RUN(test_lend_release_wrap);
    return 0;
}

/* Tests of aws/common/priority_queue.h through the C API: a min-heap of ints popped in order,
 * back-pointers that let a pushed item be removed later, and a static queue's limits. */
#include <aws/common/priority_queue.h>

#include "counting_allocator.h"
#include "test_support.h"

static int s_min_first(const void *a, const void *b) {
    return *(const int *)a > *(const int *)b;
}

static int test_layout_matches_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_priority_queue), 88);
    CHECK_INT_EQ(offsetof(struct aws_priority_queue, backpointers), 48);
    CHECK_INT_EQ(sizeof(struct aws_priority_queue_node), sizeof(size_t));
    return 0;
}

static int test_dynamic_queue_with_backpointers(void) {
    struct aws_priority_queue q;
    CHECK_INT_EQ(aws_priority_queue_init_dynamic(&q, &s_counting, 1, sizeof(int), s_min_first), AWS_OP_SUCCESS);
    int values[6] = {5, 3, 9, 1, 7, 3};
    struct aws_priority_queue_node nodes[6];
    for (int i = 0; i < 6; ++i) {
        aws_priority_queue_node_init(&nodes[i]);
        CHECK(!aws_priority_queue_node_is_in_queue(&nodes[i]));
        CHECK_INT_EQ(aws_priority_queue_push_ref(&q, &values[i], &nodes[i]), AWS_OP_SUCCESS);
    }
    CHECK_INT_EQ(aws_priority_queue_size(&q), 6);
    CHECK(aws_priority_queue_is_valid(&q));
    int *top = NULL;
    CHECK_INT_EQ(aws_priority_queue_top(&q, (void **)&top), AWS_OP_SUCCESS);
    CHECK_INT_EQ(*top, 1);
    int out = 0;
    CHECK_INT_EQ(aws_priority_queue_remove(&q, &out, &nodes[2]), AWS_OP_SUCCESS);
    CHECK_INT_EQ(out, 9);
    CHECK_FAILS_WITH(aws_priority_queue_remove(&q, &out, &nodes[2]), AWS_ERROR_PRIORITY_QUEUE_BAD_NODE);
    int expected[5] = {1, 3, 3, 5, 7};
    for (int i = 0; i < 5; ++i) {
        CHECK_INT_EQ(aws_priority_queue_pop(&q, &out), AWS_OP_SUCCESS);
        CHECK_INT_EQ(out, expected[i]);
    }
    CHECK_FAILS_WITH(aws_priority_queue_pop(&q, &out), AWS_ERROR_PRIORITY_QUEUE_EMPTY);
    for (int i = 0; i < 6; ++i) {
        CHECK(!aws_priority_queue_node_is_in_queue(&nodes[i]));
    }
    aws_priority_queue_clean_up(&q);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_static_queue(void) {
    int heap[2];
    struct aws_priority_queue q;
    aws_priority_queue_init_static(&q, heap, 2, sizeof(int), s_min_first);
    CHECK_INT_EQ(aws_priority_queue_capacity(&q), 2);
    int a = 4, b = 2, c = 0;
    CHECK_INT_EQ(aws_priority_queue_push(&q, &a), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_priority_queue_push(&q, &b), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_priority_queue_push(&q, &c), AWS_ERROR_LIST_EXCEEDS_MAX_SIZE);
    aws_priority_queue_clear(&q);
    CHECK_INT_EQ(aws_priority_queue_size(&q), 0);
    aws_priority_queue_clean_up(&q);
    return 0;
}

int main(void) {
    RUN(test_layout_matches_upstream);
    RUN(test_dynamic_queue_with_backpointers);
    RUN(test_static_queue);
    return 0;
}

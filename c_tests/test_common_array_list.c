/* Tests of aws/common/array_list.h through the C API: growth of a dynamic list, the limits of a
 * static one, every edit, sorting with a qsort comparator, and the error each empty or
 * out-of-range case raises. Memory comes from a counting allocator, so leaks fail the test. */
#include <aws/common/array_list.h>

#include "counting_allocator.h"
#include "test_support.h"

static int s_compare_ints(const void *a, const void *b) {
    int x = *(const int *)a;
    int y = *(const int *)b;
    return (x > y) - (x < y);
}

static int test_layout_matches_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_array_list), 5 * sizeof(void *));
    CHECK_INT_EQ(offsetof(struct aws_array_list, data), 4 * sizeof(void *));
    return 0;
}

static int test_dynamic_list_grows_and_shrinks(void) {
    struct aws_array_list list;
    CHECK_INT_EQ(aws_array_list_init_dynamic(&list, &s_counting, 1, sizeof(int)), AWS_OP_SUCCESS);
    for (int i = 0; i < 5; ++i) {
        CHECK_INT_EQ(aws_array_list_push_back(&list, &i), AWS_OP_SUCCESS);
    }
    CHECK_INT_EQ(aws_array_list_length(&list), 5);
    CHECK_INT_EQ(aws_array_list_capacity(&list), 8);
    CHECK_INT_EQ(aws_array_list_ensure_capacity(&list, 31), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_capacity(&list), 32);
    CHECK_INT_EQ(aws_array_list_shrink_to_fit(&list), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_capacity(&list), 5);
    int v = -1;
    CHECK_INT_EQ(aws_array_list_get_at(&list, &v, 4), AWS_OP_SUCCESS);
    CHECK_INT_EQ(v, 4);
    CHECK_FAILS_WITH(aws_array_list_get_at(&list, &v, 5), AWS_ERROR_INVALID_INDEX);
    CHECK(aws_array_list_is_valid(&list));
    aws_array_list_clean_up(&list);
    CHECK_INT_EQ(s_live_blocks, 0);
    CHECK(list.data == NULL && list.length == 0);
    return 0;
}

static int test_static_list_is_bounded(void) {
    int backing[3];
    struct aws_array_list list;
    aws_array_list_init_static(&list, backing, 3, sizeof(int));
    for (int i = 0; i < 3; ++i) {
        CHECK_INT_EQ(aws_array_list_push_back(&list, &i), AWS_OP_SUCCESS);
    }
    int more = 3;
    CHECK_FAILS_WITH(aws_array_list_push_back(&list, &more), AWS_ERROR_LIST_EXCEEDS_MAX_SIZE);
    CHECK_FAILS_WITH(aws_array_list_push_front(&list, &more), AWS_ERROR_LIST_EXCEEDS_MAX_SIZE);
    CHECK_FAILS_WITH(aws_array_list_set_at(&list, &more, 3), AWS_ERROR_INVALID_INDEX);
    CHECK_FAILS_WITH(aws_array_list_shrink_to_fit(&list), AWS_ERROR_LIST_STATIC_MODE_CANT_SHRINK);

    struct aws_array_list full;
    aws_array_list_init_static_from_initialized(&full, backing, 3, sizeof(int));
    CHECK_INT_EQ(aws_array_list_length(&full), 3);
    aws_array_list_clean_up(&list);
    aws_array_list_clean_up(&full);
    CHECK_INT_EQ(backing[2], 2);
    return 0;
}

static int test_edits_keep_order(void) {
    struct aws_array_list list;
    CHECK_INT_EQ(aws_array_list_init_dynamic(&list, &s_counting, 0, sizeof(int)), AWS_OP_SUCCESS);
    int v = 0;
    CHECK_FAILS_WITH(aws_array_list_front(&list, &v), AWS_ERROR_LIST_EMPTY);
    CHECK_FAILS_WITH(aws_array_list_back(&list, &v), AWS_ERROR_LIST_EMPTY);
    CHECK_FAILS_WITH(aws_array_list_pop_front(&list), AWS_ERROR_LIST_EMPTY);
    CHECK_FAILS_WITH(aws_array_list_pop_back(&list), AWS_ERROR_LIST_EMPTY);
    for (int i = 1; i <= 5; ++i) {
        CHECK_INT_EQ(aws_array_list_push_front(&list, &i), AWS_OP_SUCCESS);
    }
    /* 5 4 3 2 1 */
    CHECK_INT_EQ(aws_array_list_front(&list, &v), AWS_OP_SUCCESS);
    CHECK_INT_EQ(v, 5);
    CHECK_INT_EQ(aws_array_list_back(&list, &v), AWS_OP_SUCCESS);
    CHECK_INT_EQ(v, 1);
    CHECK_INT_EQ(aws_array_list_erase(&list, 2), AWS_OP_SUCCESS); /* 5 4 2 1 */
    CHECK_FAILS_WITH(aws_array_list_erase(&list, 4), AWS_ERROR_INVALID_INDEX);
    aws_array_list_swap(&list, 0, 3); /* 1 4 2 5 */
    aws_array_list_sort(&list, s_compare_ints); /* 1 2 4 5 */
    int *p = NULL;
    CHECK_INT_EQ(aws_array_list_get_at_ptr(&list, (void **)&p, 2), AWS_OP_SUCCESS);
    CHECK_INT_EQ(*p, 4);
    aws_array_list_pop_front_n(&list, 2); /* 4 5 */
    CHECK_INT_EQ(aws_array_list_pop_back(&list), AWS_OP_SUCCESS); /* 4 */
    CHECK_INT_EQ(aws_array_list_length(&list), 1);

    struct aws_array_list copy;
    CHECK_INT_EQ(aws_array_list_init_dynamic(&copy, &s_counting, 0, sizeof(int)), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_copy(&list, &copy), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_get_at(&copy, &v, 0), AWS_OP_SUCCESS);
    CHECK_INT_EQ(v, 4);
    aws_array_list_clear(&copy);
    CHECK_INT_EQ(aws_array_list_length(&copy), 0);
    aws_array_list_swap_contents(&list, &copy);
    CHECK_INT_EQ(aws_array_list_length(&list), 0);
    CHECK_INT_EQ(aws_array_list_length(&copy), 1);
    aws_array_list_clean_up(&list);
    aws_array_list_clean_up_secure(&copy);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_null_is_an_invalid_argument(void) {
    int v = 0;
    CHECK(!aws_array_list_is_valid(NULL));
    CHECK_FAILS_WITH(aws_array_list_push_back(NULL, &v), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_array_list_init_dynamic(NULL, &s_counting, 1, 4), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_array_list_sort(NULL, s_compare_ints);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

int main(void) {
    RUN(test_layout_matches_upstream);
    RUN(test_dynamic_list_grows_and_shrinks);
    RUN(test_static_list_is_bounded);
    RUN(test_edits_keep_order);
    RUN(test_null_is_an_invalid_argument);
    return 0;
}

/* Tests of aws/common/linked_list.h through the C API: nodes embedded in the caller's structs
 * (reached back with AWS_CONTAINER_OF), iteration both ways, splicing, and the refusals that
 * replace upstream's assertions. */
#include <aws/common/linked_list.h>

#include "test_support.h"

struct s_item {
    int value;
    struct aws_linked_list_node node;
};

static int s_values(const struct aws_linked_list *list, int *out, int max) {
    int n = 0;
    for (struct aws_linked_list_node *it = aws_linked_list_begin(list); it != aws_linked_list_end(list);
         it = aws_linked_list_next(it)) {
        if (n < max) {
            out[n] = AWS_CONTAINER_OF(it, struct s_item, node)->value;
        }
        ++n;
    }
    return n;
}

static int test_layout_matches_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_linked_list_node), 2 * sizeof(void *));
    CHECK_INT_EQ(sizeof(struct aws_linked_list), 4 * sizeof(void *));
    CHECK_INT_EQ(offsetof(struct aws_linked_list, tail), 2 * sizeof(void *));
    return 0;
}

static int test_push_pop_iterate(void) {
    struct aws_linked_list list;
    aws_linked_list_init(&list);
    CHECK(aws_linked_list_empty(&list));
    struct s_item items[4] = {{1, {0}}, {2, {0}}, {3, {0}}, {4, {0}}};
    aws_linked_list_push_back(&list, &items[1].node);
    aws_linked_list_push_front(&list, &items[0].node);
    aws_linked_list_push_back(&list, &items[3].node);
    aws_linked_list_insert_before(&items[3].node, &items[2].node);
    int v[4] = {0};
    CHECK_INT_EQ(s_values(&list, v, 4), 4);
    CHECK(v[0] == 1 && v[1] == 2 && v[2] == 3 && v[3] == 4);
    int sum = 0;
    for (struct aws_linked_list_node *it = aws_linked_list_rbegin(&list); it != aws_linked_list_rend(&list);
         it = aws_linked_list_prev(it)) {
        sum = sum * 10 + AWS_CONTAINER_OF(it, struct s_item, node)->value;
    }
    CHECK_INT_EQ(sum, 4321);
    CHECK(aws_linked_list_is_valid_deep(&list));
    struct aws_linked_list_node *front = aws_linked_list_pop_front(&list);
    CHECK(front == &items[0].node && front->next == NULL && front->prev == NULL);
    CHECK(aws_linked_list_pop_back(&list) == &items[3].node);
    aws_linked_list_remove(&items[1].node);
    CHECK(!aws_linked_list_node_is_in_list(&items[1].node));
    CHECK(aws_linked_list_front(&list) == &items[2].node);
    CHECK(aws_linked_list_back(&list) == &items[2].node);
    return 0;
}

static int test_splice_and_swap(void) {
    struct aws_linked_list a, b;
    aws_linked_list_init(&a);
    aws_linked_list_init(&b);
    struct s_item items[3] = {{1, {0}}, {2, {0}}, {3, {0}}};
    aws_linked_list_push_back(&a, &items[0].node);
    aws_linked_list_push_back(&b, &items[1].node);
    aws_linked_list_push_back(&b, &items[2].node);
    aws_linked_list_move_all_front(&a, &b); /* 2 3 1 */
    CHECK(aws_linked_list_empty(&b));
    aws_linked_list_swap_nodes(&items[0].node, &items[1].node); /* 1 3 2 */
    aws_linked_list_swap_contents(&a, &b);
    CHECK(aws_linked_list_empty(&a));
    int v[3] = {0};
    CHECK_INT_EQ(s_values(&b, v, 3), 3);
    CHECK(v[0] == 1 && v[1] == 3 && v[2] == 2);
    aws_linked_list_move_all_back(&a, &b);
    CHECK_INT_EQ(s_values(&a, v, 3), 3);
    CHECK(aws_linked_list_is_valid_deep(&a) && aws_linked_list_is_valid(&b));
    return 0;
}

static int test_misuse_is_refused(void) {
    struct aws_linked_list list;
    aws_linked_list_init(&list);
    aws_reset_error();
    CHECK(aws_linked_list_pop_front(&list) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_linked_list_node loose;
    aws_linked_list_node_reset(&loose);
    aws_reset_error();
    aws_linked_list_remove(&loose);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(!aws_linked_list_is_valid(NULL));
    return 0;
}

int main(void) {
    RUN(test_layout_matches_upstream);
    RUN(test_push_pop_iterate);
    RUN(test_splice_and_swap);
    RUN(test_misuse_is_refused);
    return 0;
}

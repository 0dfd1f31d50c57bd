/* Tests of aws/common/hash_table.h through the C API: a table of aws_string keys with the
 * ready-made callbacks (the table destroys what it drops), a table of C strings iterated with
 * deletion, foreach's answers, and equality of two tables. */
#include <aws/common/hash_table.h>
#include <aws/common/string.h>

#include "counting_allocator.h"
#include "test_support.h"

#include <string.h>

static int test_layout_matches_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_hash_table), sizeof(void *));
    CHECK_INT_EQ(sizeof(struct aws_hash_element), 2 * sizeof(void *));
    CHECK_INT_EQ(sizeof(struct aws_hash_iter), 64);
    CHECK_INT_EQ(offsetof(struct aws_hash_iter, status), 40);
    CHECK_INT_EQ(AWS_COMMON_HASH_TABLE_ITER_DELETE, 2);
    CHECK_INT_EQ(AWS_HASH_ITER_STATUS_READY_FOR_USE, 2);
    return 0;
}

static int test_string_keys_are_destroyed_by_the_table(void) {
    struct aws_hash_table map;
    CHECK_INT_EQ(aws_hash_table_init(&map, &s_counting, 8, aws_hash_string, aws_hash_callback_string_eq,
                                     aws_hash_callback_string_destroy, aws_hash_callback_string_destroy),
                 AWS_OP_SUCCESS);
    int created = -1;
    struct aws_string *k = aws_string_new_from_c_str(&s_counting, "key");
    CHECK_INT_EQ(aws_hash_table_put(&map, k, aws_string_new_from_c_str(&s_counting, "v1"), &created), AWS_OP_SUCCESS);
    CHECK_INT_EQ(created, 1);
    /* An equal key: the old key and value are destroyed, the new ones kept. */
    struct aws_string *k2 = aws_string_new_from_c_str(&s_counting, "key");
    CHECK_INT_EQ(aws_hash_table_put(&map, k2, aws_string_new_from_c_str(&s_counting, "v2"), &created), AWS_OP_SUCCESS);
    CHECK_INT_EQ(created, 0);
    CHECK_INT_EQ(s_live_blocks, 2); /* k2 and v2 (the table keeps its own memory elsewhere) */
    struct aws_string *probe = aws_string_new_from_c_str(&s_counting, "key");
    struct aws_hash_element *elem = NULL;
    CHECK_INT_EQ(aws_hash_table_find(&map, probe, &elem), AWS_OP_SUCCESS);
    CHECK(elem != NULL && elem->key == k2);
    CHECK(aws_string_eq_c_str((const struct aws_string *)elem->value, "v2"));
    aws_string_destroy(probe);
    aws_hash_table_clean_up(&map);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_iterate_and_delete(void) {
    static const char *names[] = {"a", "bb", "ccc", "dddd", "eeeee", "ffffff"};
    struct aws_hash_table map;
    CHECK_INT_EQ(aws_hash_table_init(&map, &s_counting, 0, aws_hash_c_string, aws_hash_callback_c_str_eq, NULL, NULL),
                 AWS_OP_SUCCESS);
    for (size_t i = 0; i < 6; ++i) {
        CHECK_INT_EQ(aws_hash_table_put(&map, names[i], (void *)names[i], NULL), AWS_OP_SUCCESS);
    }
    size_t seen = 0;
    for (struct aws_hash_iter iter = aws_hash_iter_begin(&map); !aws_hash_iter_done(&iter); aws_hash_iter_next(&iter)) {
        CHECK(strcmp(iter.element.key, iter.element.value) == 0);
        ++seen;
        if (strlen(iter.element.key) % 2 == 0) {
            aws_hash_iter_delete(&iter, true);
        }
    }
    CHECK_INT_EQ(seen, 6);
    CHECK_INT_EQ(aws_hash_table_get_entry_count(&map), 3);
    struct aws_hash_element *elem = NULL;
    CHECK_INT_EQ(aws_hash_table_find(&map, "bb", &elem), AWS_OP_SUCCESS);
    CHECK(elem == NULL);
    char ccc[] = "ccc"; /* another address, equal bytes */
    CHECK_INT_EQ(aws_hash_table_find(&map, ccc, &elem), AWS_OP_SUCCESS);
    CHECK(elem != NULL && elem->value == names[2]);
    struct aws_hash_element removed;
    int present = 0;
    CHECK_INT_EQ(aws_hash_table_remove(&map, "a", &removed, &present), AWS_OP_SUCCESS);
    CHECK(present == 1 && removed.value == names[0]);
    aws_hash_table_clean_up(&map);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int s_count_and_stop(void *context, struct aws_hash_element *elem) {
    (void)elem;
    int *count = context;
    ++*count;
    return *count == 2 ? 0 : AWS_COMMON_HASH_TABLE_ITER_CONTINUE | AWS_COMMON_HASH_TABLE_ITER_DELETE;
}

static int s_fail(void *context, struct aws_hash_element *elem) {
    (void)context;
    (void)elem;
    aws_raise_error(AWS_ERROR_INVALID_STATE);
    return AWS_COMMON_HASH_TABLE_ITER_ERROR;
}

static int test_foreach_and_eq(void) {
    uint64_t keys[4] = {1, 2, 3, 4};
    struct aws_hash_table a, b;
    CHECK_INT_EQ(aws_hash_table_init(&a, &s_counting, 4, aws_hash_uint64_t_by_identity, aws_hash_compare_uint64_t_eq,
                                     NULL, NULL),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_hash_table_init(&b, &s_counting, 4, aws_hash_ptr, aws_ptr_eq, NULL, NULL), AWS_OP_SUCCESS);
    for (int i = 0; i < 4; ++i) {
        CHECK_INT_EQ(aws_hash_table_put(&a, &keys[i], NULL, NULL), AWS_OP_SUCCESS);
        CHECK_INT_EQ(aws_hash_table_put(&b, &keys[i], NULL, NULL), AWS_OP_SUCCESS);
    }
    CHECK(aws_hash_table_eq(&a, &b, aws_ptr_eq));
    int count = 0;
    CHECK_INT_EQ(aws_hash_table_foreach(&a, s_count_and_stop, &count), AWS_OP_SUCCESS);
    CHECK_INT_EQ(count, 2);
    CHECK_INT_EQ(aws_hash_table_get_entry_count(&a), 3);
    CHECK(!aws_hash_table_eq(&a, &b, aws_ptr_eq));
    CHECK_FAILS_WITH(aws_hash_table_foreach(&a, s_fail, NULL), AWS_ERROR_INVALID_STATE);
    aws_hash_table_clear(&b);
    CHECK_INT_EQ(aws_hash_table_get_entry_count(&b), 0);
    aws_hash_table_swap(&a, &b);
    CHECK_INT_EQ(aws_hash_table_get_entry_count(&b), 3);
    aws_hash_table_clean_up(&a);
    aws_hash_table_clean_up(&b);
    struct aws_hash_table zeroed = {0};
    CHECK_FAILS_WITH(aws_hash_table_put(&zeroed, "k", NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    aws_hash_table_clean_up(&zeroed);
    return 0;
}

int main(void) {
    RUN(test_layout_matches_upstream);
    RUN(test_string_keys_are_destroyed_by_the_table);
    RUN(test_iterate_and_delete);
    RUN(test_foreach_and_eq);
    return 0;
}

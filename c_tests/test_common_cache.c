/* Tests of aws/common/linked_hash_table.h and the caches through the C API: iterating a linked
 * hash table in insertion order with AWS_CONTAINER_OF, and which element the FIFO, LIFO and LRU
 * caches evict. Memory comes from a counting allocator, so leaks fail the test. */
#include <aws/common/fifo_cache.h>
#include <aws/common/lifo_cache.h>
#include <aws/common/linked_hash_table.h>
#include <aws/common/lru_cache.h>

#include "counting_allocator.h"
#include "test_support.h"

static uint64_t s_keys[8] = {0, 1, 2, 3, 4, 5, 6, 7};
static int s_destroyed[8];

static void s_destroy_value(void *value) {
    ++s_destroyed[(uintptr_t)value];
}

static int test_layout_matches_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_linked_hash_table), 64);
    CHECK_INT_EQ(sizeof(struct aws_linked_hash_table_node), 40);
    CHECK_INT_EQ(sizeof(struct aws_cache), 96);
    CHECK_INT_EQ(offsetof(struct aws_cache, impl), 88);
    CHECK_INT_EQ(sizeof(struct aws_cache_vtable), 48);
    return 0;
}

static int test_linked_hash_table_order(void) {
    struct aws_linked_hash_table table;
    CHECK_INT_EQ(aws_linked_hash_table_init(&table, &s_counting, aws_hash_uint64_t_by_identity,
                                            aws_hash_compare_uint64_t_eq, NULL, s_destroy_value, 4),
                 AWS_OP_SUCCESS);
    for (uintptr_t i = 1; i <= 3; ++i) {
        CHECK_INT_EQ(aws_linked_hash_table_put(&table, &s_keys[i], (void *)i), AWS_OP_SUCCESS);
    }
    void *value = NULL;
    CHECK_INT_EQ(aws_linked_hash_table_find_and_move_to_back(&table, &s_keys[1], &value), AWS_OP_SUCCESS);
    CHECK((uintptr_t)value == 1);
    const struct aws_linked_list *list = aws_linked_hash_table_get_iteration_list(&table);
    uintptr_t order[3];
    int n = 0;
    for (struct aws_linked_list_node *it = aws_linked_list_begin(list); it != aws_linked_list_end(list);
         it = aws_linked_list_next(it)) {
        struct aws_linked_hash_table_node *node = AWS_CONTAINER_OF(it, struct aws_linked_hash_table_node, node);
        CHECK(n < 3 && node->table == &table);
        order[n++] = (uintptr_t)node->value;
    }
    CHECK(n == 3 && order[0] == 2 && order[1] == 3 && order[2] == 1);
    CHECK_INT_EQ(aws_linked_hash_table_remove(&table, &s_keys[3]), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_destroyed[3], 1);
    CHECK_INT_EQ(aws_linked_hash_table_get_element_count(&table), 2);
    aws_linked_hash_table_clean_up(&table);
    CHECK(s_destroyed[1] == 1 && s_destroyed[2] == 1);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

/* Puts keys 1..4 in a cache of 3 and returns the one evicted (0 when none or several). */
static uintptr_t s_evicted_after_four(struct aws_cache *cache, int touch_first) {
    for (int i = 0; i < 8; ++i) {
        s_destroyed[i] = 0;
    }
    for (uintptr_t i = 1; i <= 3; ++i) {
        aws_cache_put(cache, &s_keys[i], (void *)i);
    }
    if (touch_first) {
        void *value = NULL;
        aws_cache_find(cache, &s_keys[1], &value);
    }
    aws_cache_put(cache, &s_keys[4], (void *)4);
    uintptr_t evicted = 0;
    for (uintptr_t i = 1; i <= 4; ++i) {
        if (s_destroyed[i]) {
            evicted = evicted ? 0 : i;
        }
    }
    return evicted;
}

static int test_each_cache_evicts_its_own_victim(void) {
    struct aws_cache *fifo = aws_cache_new_fifo(&s_counting, aws_hash_uint64_t_by_identity,
                                                aws_hash_compare_uint64_t_eq, NULL, s_destroy_value, 3);
    struct aws_cache *lifo = aws_cache_new_lifo(&s_counting, aws_hash_uint64_t_by_identity,
                                                aws_hash_compare_uint64_t_eq, NULL, s_destroy_value, 3);
    struct aws_cache *lru = aws_cache_new_lru(&s_counting, aws_hash_uint64_t_by_identity,
                                              aws_hash_compare_uint64_t_eq, NULL, s_destroy_value, 3);
    CHECK(fifo && lifo && lru);
    CHECK_INT_EQ(s_evicted_after_four(fifo, 1), 1);
    CHECK_INT_EQ(s_evicted_after_four(lifo, 1), 3);
    CHECK_INT_EQ(s_evicted_after_four(lru, 1), 2);
    CHECK_INT_EQ(aws_cache_get_element_count(lru), 3);
    CHECK((uintptr_t)aws_lru_cache_get_mru_element(lru) == 4);
    CHECK((uintptr_t)aws_lru_cache_use_lru_element(lru) == 3);
    CHECK_INT_EQ(aws_cache_remove(lru, &s_keys[3]), AWS_OP_SUCCESS);
    aws_cache_clear(fifo);
    CHECK_INT_EQ(aws_cache_get_element_count(fifo), 0);
    aws_cache_destroy(fifo);
    aws_cache_destroy(lifo);
    aws_cache_destroy(lru);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

int main(void) {
    RUN(test_layout_matches_upstream);
    RUN(test_linked_hash_table_order);
    RUN(test_each_cache_evicts_its_own_victim);
    return 0;
}

/* Tests of the aligned and small block allocators and aws_mem_acquire_many
 * (aws/common/allocator.h) through the C API. */
#include <aws/common/allocator.h>

#include "counting_allocator.h"
#include "test_support.h"

#include <string.h>

static int test_aligned_allocators(void) {
    struct aws_allocator *aligned = aws_aligned_allocator();
    CHECK(aws_allocator_is_valid(aligned));
    void *big = aws_mem_acquire(aligned, 4096);
    CHECK(big != NULL && ((uintptr_t)big % 64) == 0);
    void *small = aws_mem_calloc(aligned, 3, 5);
    CHECK(small != NULL && ((uintptr_t)small % 8) == 0 && ((unsigned char *)small)[14] == 0);
    CHECK_INT_EQ(aws_mem_realloc(aligned, &small, 15, 2000), AWS_OP_SUCCESS);
    aws_mem_release(aligned, big);
    aws_mem_release(aligned, small);

    CHECK(aws_explicit_aligned_allocator_new(24) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_allocator *page_aligned = aws_explicit_aligned_allocator_new(4096);
    CHECK(page_aligned != NULL);
    void *p = aws_mem_acquire(page_aligned, 10);
    CHECK(p != NULL && ((uintptr_t)p % 4096) == 0);
    aws_mem_release(page_aligned, p);
    aws_explicit_aligned_allocator_destroy(page_aligned);
    return 0;
}

static int test_acquire_many(void) {
    char *a = NULL;
    uint64_t *b = NULL;
    void *c = NULL;
    void *d = NULL;
    void *block = aws_mem_acquire_many(&s_counting, 4, (void **)&a, (size_t)3, (void **)&b, (size_t)(4 * sizeof(uint64_t)),
                                       &c, (size_t)1, &d, (size_t)100);
    CHECK(block != NULL);
    CHECK((void *)a == block);
    CHECK(((uintptr_t)b % 16) == 0 && (char *)b >= a + 3);
    CHECK((char *)c >= (char *)(b + 4) && (char *)d > (char *)c);
    memset(d, 0xab, 100); /* the last piece is writable to its end */
    CHECK_INT_EQ(s_live_blocks, 1);
    aws_mem_release(&s_counting, block);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_small_block_allocator(void) {
    struct aws_allocator *sba = aws_small_block_allocator_new(&s_counting, true);
    CHECK(sba != NULL);
    CHECK_INT_EQ(aws_small_block_allocator_page_size(sba), 4096);
    void *small[10];
    for (int i = 0; i < 10; ++i) {
        small[i] = aws_mem_acquire(sba, 20);
        CHECK(small[i] != NULL);
        memset(small[i], i, 20);
    }
    CHECK_INT_EQ(aws_small_block_allocator_bytes_active(sba), 10 * 32);
    CHECK_INT_EQ(aws_small_block_allocator_bytes_reserved(sba), 4096);
    void *large = aws_mem_acquire(sba, 10000);
    CHECK(large != NULL);
    for (int i = 0; i < 10; ++i) {
        aws_mem_release(sba, small[i]);
    }
    aws_mem_release(sba, large);
    CHECK_INT_EQ(aws_small_block_allocator_bytes_active(sba), 0);
    aws_small_block_allocator_destroy(sba);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

int main(void) {
    RUN(test_aligned_allocators);
    RUN(test_acquire_many);
    RUN(test_small_block_allocator);
    return 0;
}

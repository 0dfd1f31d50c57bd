/* aws/common/allocator.h: the default allocator, the aws_mem_* calls on it and on a caller's own
 * allocator (with and without the optional realloc and calloc), their refusal of misuse, and
 * the memory tracer. */
#include <aws/common/allocator.h>
#include <aws/common/error.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

static int test_default_allocator_is_valid(void) {
    struct aws_allocator *allocator = aws_default_allocator();
    CHECK(allocator != NULL);
    CHECK(allocator == aws_default_allocator());
    CHECK(aws_allocator_is_valid(allocator));
    return 0;
}

static int test_allocator_is_valid_needs_acquire_and_release(void) {
    CHECK(!aws_allocator_is_valid(NULL));
    struct aws_allocator incomplete = *aws_default_allocator();
    incomplete.mem_acquire = NULL;
    CHECK(!aws_allocator_is_valid(&incomplete));
    incomplete = *aws_default_allocator();
    incomplete.mem_release = NULL;
    CHECK(!aws_allocator_is_valid(&incomplete));
    return 0;
}

static int test_acquire_gives_writable_memory(void) {
    unsigned char *block = aws_mem_acquire(aws_default_allocator(), 100);
    CHECK(block != NULL);
    memset(block, 0xA5, 100);
    CHECK(block[99] == 0xA5);
    aws_mem_release(aws_default_allocator(), block);
    return 0;
}

static int test_calloc_gives_zeroed_memory(void) {
    uint64_t *block = aws_mem_calloc(aws_default_allocator(), 16, sizeof(uint64_t));
    CHECK(block != NULL);
    for (int i = 0; i < 16; ++i) {
        CHECK(block[i] == 0);
    }
    aws_mem_release(aws_default_allocator(), block);
    return 0;
}

static int test_realloc_keeps_the_contents(void) {
    struct aws_allocator *allocator = aws_default_allocator();
    void *block = aws_mem_acquire(allocator, 8);
    CHECK(block != NULL);
    memcpy(block, "abcdefgh", 8);
    CHECK_INT_EQ(aws_mem_realloc(allocator, &block, 8, 4096), AWS_OP_SUCCESS);
    CHECK(block != NULL);
    CHECK(memcmp(block, "abcdefgh", 8) == 0);
    CHECK_INT_EQ(aws_mem_realloc(allocator, &block, 4096, 4), AWS_OP_SUCCESS);
    CHECK(memcmp(block, "abcd", 4) == 0);
    aws_mem_release(allocator, block);
    return 0;
}

static int test_realloc_to_zero_frees_and_clears_the_pointer(void) {
    void *block = aws_mem_acquire(aws_default_allocator(), 32);
    CHECK(block != NULL);
    CHECK_INT_EQ(aws_mem_realloc(aws_default_allocator(), &block, 32, 0), AWS_OP_SUCCESS);
    CHECK(block == NULL);
    return 0;
}

static int test_realloc_of_null_allocates(void) {
    void *block = NULL;
    CHECK_INT_EQ(aws_mem_realloc(aws_default_allocator(), &block, 0, 16), AWS_OP_SUCCESS);
    CHECK(block != NULL);
    memset(block, 1, 16);
    aws_mem_release(aws_default_allocator(), block);
    return 0;
}

static int test_release_of_null_does_nothing(void) {
    aws_reset_error();
    aws_mem_release(aws_default_allocator(), NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    return 0;
}

static int test_acquire_and_calloc_refuse_bad_arguments(void) {
    struct aws_allocator incomplete = *aws_default_allocator();
    incomplete.mem_acquire = NULL;
    aws_reset_error();
    CHECK(aws_mem_acquire(NULL, 8) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mem_acquire(aws_default_allocator(), 0) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mem_acquire(&incomplete, 8) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mem_calloc(NULL, 1, 8) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mem_calloc(aws_default_allocator(), 0, 8) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mem_calloc(aws_default_allocator(), 8, 0) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_calloc_refuses_a_size_that_overflows(void) {
    aws_reset_error();
    CHECK(aws_mem_calloc(aws_default_allocator(), SIZE_MAX / 2, 3) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_OVERFLOW_DETECTED);
    return 0;
}

static int test_realloc_refuses_bad_arguments(void) {
    void *block = aws_mem_acquire(aws_default_allocator(), 8);
    CHECK(block != NULL);
    void *before = block;
    CHECK_FAILS_WITH(aws_mem_realloc(NULL, &block, 8, 16), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(block == before);
    CHECK_FAILS_WITH(aws_mem_realloc(aws_default_allocator(), NULL, 8, 16), AWS_ERROR_INVALID_ARGUMENT);
    aws_mem_release(aws_default_allocator(), block);
    return 0;
}

static int test_release_refuses_a_null_allocator_and_frees_nothing(void) {
    void *block = aws_mem_acquire(aws_default_allocator(), 8);
    CHECK(block != NULL);
    aws_reset_error();
    aws_mem_release(NULL, block);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    /* Still ours to free: valgrind and ASan would report a double free otherwise. */
    aws_mem_release(aws_default_allocator(), block);
    return 0;
}

/* A caller's allocator over malloc that counts its calls, fills new blocks with 0xAB so that
 * zeroing is visible, and can be told to fail. */
struct counting {
    struct aws_allocator base;
    int acquires;
    int releases;
    int reallocs;
    int callocs;
    int live;
    bool fail;
};

static void *s_counting_acquire(struct aws_allocator *allocator, size_t size) {
    struct counting *counting = allocator->impl;
    counting->acquires++;
    if (counting->fail) {
        return NULL;
    }
    void *block = malloc(size);
    if (block == NULL) {
        return NULL;
    }
    memset(block, 0xAB, size);
    counting->live++;
    return block;
}

static void s_counting_release(struct aws_allocator *allocator, void *ptr) {
    struct counting *counting = allocator->impl;
    counting->releases++;
    counting->live--;
    free(ptr);
}

static void *s_counting_realloc(struct aws_allocator *allocator, void *ptr, size_t oldsize, size_t newsize) {
    (void)oldsize;
    struct counting *counting = allocator->impl;
    counting->reallocs++;
    if (counting->fail) {
        return NULL;
    }
    if (ptr == NULL) {
        counting->live++;
    }
    return realloc(ptr, newsize);
}

static void *s_counting_calloc(struct aws_allocator *allocator, size_t num, size_t size) {
    struct counting *counting = allocator->impl;
    counting->callocs++;
    if (counting->fail) {
        return NULL;
    }
    counting->live++;
    return calloc(num, size);
}

static void s_counting_init(struct counting *counting, bool with_realloc, bool with_calloc) {
    memset(counting, 0, sizeof(*counting));
    counting->base.mem_acquire = s_counting_acquire;
    counting->base.mem_release = s_counting_release;
    counting->base.mem_realloc = with_realloc ? s_counting_realloc : NULL;
    counting->base.mem_calloc = with_calloc ? s_counting_calloc : NULL;
    counting->base.impl = counting;
}

static int test_a_callers_allocator_is_called_with_itself(void) {
    struct counting counting;
    s_counting_init(&counting, true, true);
    void *block = aws_mem_acquire(&counting.base, 10);
    CHECK(block != NULL);
    CHECK_INT_EQ(aws_mem_realloc(&counting.base, &block, 10, 20), AWS_OP_SUCCESS);
    void *zeroed = aws_mem_calloc(&counting.base, 2, 5);
    aws_mem_release(&counting.base, block);
    aws_mem_release(&counting.base, zeroed);
    CHECK_INT_EQ(counting.acquires, 1);
    CHECK_INT_EQ(counting.reallocs, 1);
    CHECK_INT_EQ(counting.callocs, 1);
    CHECK_INT_EQ(counting.releases, 2);
    CHECK_INT_EQ(counting.live, 0);
    return 0;
}

static int test_calloc_without_mem_calloc_zeroes_an_acquired_block(void) {
    struct counting counting;
    s_counting_init(&counting, true, false);
    unsigned char *block = aws_mem_calloc(&counting.base, 3, 7);
    CHECK(block != NULL);
    for (int i = 0; i < 21; ++i) {
        CHECK(block[i] == 0);
    }
    CHECK_INT_EQ(counting.acquires, 1);
    aws_mem_release(&counting.base, block);
    CHECK_INT_EQ(counting.live, 0);
    return 0;
}

static int test_realloc_without_mem_realloc_moves_and_zeroes_the_growth(void) {
    struct counting counting;
    s_counting_init(&counting, false, false);
    unsigned char *block = aws_mem_acquire(&counting.base, 4);
    CHECK(block != NULL);
    memcpy(block, "wxyz", 4);
    void *grown = block;
    CHECK_INT_EQ(aws_mem_realloc(&counting.base, &grown, 4, 12), AWS_OP_SUCCESS);
    unsigned char *bytes = grown;
    CHECK(memcmp(bytes, "wxyz", 4) == 0);
    for (int i = 4; i < 12; ++i) {
        CHECK(bytes[i] == 0);
    }
    CHECK_INT_EQ(counting.acquires, 2);
    CHECK_INT_EQ(counting.releases, 1);
    /* A shrink keeps the block, as upstream. */
    void *shrunk = grown;
    CHECK_INT_EQ(aws_mem_realloc(&counting.base, &shrunk, 12, 2), AWS_OP_SUCCESS);
    CHECK(shrunk == grown);
    aws_mem_release(&counting.base, shrunk);
    CHECK_INT_EQ(counting.live, 0);
    return 0;
}

static int test_an_allocator_out_of_memory_fails_with_oom(void) {
    struct counting counting;
    s_counting_init(&counting, true, true);
    void *block = aws_mem_acquire(&counting.base, 8);
    CHECK(block != NULL);
    counting.fail = true;
    aws_reset_error();
    CHECK(aws_mem_acquire(&counting.base, 8) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_OOM);
    aws_reset_error();
    CHECK(aws_mem_calloc(&counting.base, 1, 8) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_OOM);
    void *before = block;
    CHECK_FAILS_WITH(aws_mem_realloc(&counting.base, &block, 8, 64), AWS_ERROR_OOM);
    CHECK(block == before);
    counting.fail = false;
    aws_mem_release(&counting.base, block);
    CHECK_INT_EQ(counting.live, 0);
    return 0;
}

static int test_an_allocator_without_realloc_out_of_memory_keeps_the_block(void) {
    struct counting counting;
    s_counting_init(&counting, false, false);
    void *block = aws_mem_acquire(&counting.base, 8);
    CHECK(block != NULL);
    memcpy(block, "12345678", 8);
    counting.fail = true;
    void *before = block;
    CHECK_FAILS_WITH(aws_mem_realloc(&counting.base, &block, 8, 64), AWS_ERROR_OOM);
    CHECK(block == before);
    CHECK(memcmp(block, "12345678", 8) == 0);
    counting.fail = false;
    aws_mem_release(&counting.base, block);
    CHECK_INT_EQ(counting.live, 0);
    return 0;
}

static int test_tracer_counts_live_blocks_and_bytes(void) {
    struct aws_allocator *tracer = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_BYTES, 0);
    CHECK(tracer != NULL);
    CHECK(aws_allocator_is_valid(tracer));
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 0);
    CHECK_INT_EQ(aws_mem_tracer_bytes(tracer), 0);

    void *a = aws_mem_acquire(tracer, 100);
    void *b = aws_mem_calloc(tracer, 4, 10);
    CHECK(a != NULL && b != NULL);
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 2);
    CHECK_INT_EQ(aws_mem_tracer_bytes(tracer), 140);

    CHECK_INT_EQ(aws_mem_realloc(tracer, &b, 40, 1000), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 2);
    CHECK_INT_EQ(aws_mem_tracer_bytes(tracer), 1100);

    aws_mem_release(tracer, a);
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 1);
    CHECK_INT_EQ(aws_mem_tracer_bytes(tracer), 1000);
    CHECK_INT_EQ(aws_mem_realloc(tracer, &b, 1000, 0), AWS_OP_SUCCESS);
    CHECK(b == NULL);
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 0);
    CHECK_INT_EQ(aws_mem_tracer_bytes(tracer), 0);
    CHECK(aws_mem_tracer_destroy(tracer) == aws_default_allocator());
    return 0;
}

static int test_tracer_at_level_none_only_forwards(void) {
    struct aws_allocator *tracer = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_NONE, 0);
    CHECK(tracer != NULL);
    void *block = aws_mem_acquire(tracer, 64);
    CHECK(block != NULL);
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 0);
    CHECK_INT_EQ(aws_mem_tracer_bytes(tracer), 0);
    aws_mem_release(tracer, block);
    CHECK(aws_mem_tracer_destroy(tracer) == aws_default_allocator());
    return 0;
}

static int test_tracer_with_stacks_counts_and_dumps(void) {
    struct aws_allocator *tracer = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_STACKS, 4);
    CHECK(tracer != NULL);
    void *block = aws_mem_acquire(tracer, 24);
    CHECK(block != NULL);
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 1);
    CHECK_INT_EQ(aws_mem_tracer_bytes(tracer), 24);
    aws_reset_error();
    aws_mem_tracer_dump(tracer);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    aws_mem_release(tracer, block);
    aws_mem_tracer_dump(tracer);
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 0);
    aws_mem_tracer_destroy(tracer);
    return 0;
}

static int test_tracer_takes_nothing_from_the_traced_allocator_for_itself(void) {
    struct counting counting;
    s_counting_init(&counting, true, true);
    struct aws_allocator *tracer = aws_mem_tracer_new(&counting.base, NULL, AWS_MEMTRACE_BYTES, 0);
    CHECK(tracer != NULL);
    CHECK_INT_EQ(counting.live, 0);
    void *block = aws_mem_acquire(tracer, 16);
    CHECK_INT_EQ(counting.live, 1);
    aws_mem_release(tracer, block);
    CHECK(aws_mem_tracer_destroy(tracer) == &counting.base);
    CHECK_INT_EQ(counting.live, 0);
    return 0;
}

static int test_a_tracer_can_trace_a_tracer(void) {
    struct aws_allocator *outer = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_BYTES, 0);
    struct aws_allocator *inner = aws_mem_tracer_new(outer, NULL, AWS_MEMTRACE_BYTES, 0);
    CHECK(outer != NULL && inner != NULL);
    CHECK_INT_EQ(aws_mem_tracer_count(outer), 0);
    void *block = aws_mem_acquire(inner, 48);
    CHECK_INT_EQ(aws_mem_tracer_count(inner), 1);
    CHECK_INT_EQ(aws_mem_tracer_count(outer), 1);
    CHECK_INT_EQ(aws_mem_tracer_bytes(outer), 48);
    aws_mem_release(inner, block);
    CHECK(aws_mem_tracer_destroy(inner) == outer);
    CHECK_INT_EQ(aws_mem_tracer_count(outer), 0);
    CHECK(aws_mem_tracer_destroy(outer) == aws_default_allocator());
    return 0;
}

static int test_tracer_calls_refuse_bad_arguments(void) {
    aws_reset_error();
    CHECK(aws_mem_tracer_new(NULL, NULL, AWS_MEMTRACE_BYTES, 0) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mem_tracer_new(aws_default_allocator(), NULL, (enum aws_mem_trace_level)7, 0) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_mem_tracer_new(aws_default_allocator(), NULL, (enum aws_mem_trace_level)-1, 0) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    /* NULL, and an allocator that is not a tracer. */
    struct aws_allocator *not_tracers[] = {NULL, aws_default_allocator()};
    for (size_t i = 0; i < 2; ++i) {
        aws_reset_error();
        CHECK(aws_mem_tracer_destroy(not_tracers[i]) == NULL);
        CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
        aws_reset_error();
        CHECK_INT_EQ(aws_mem_tracer_bytes(not_tracers[i]), 0);
        CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
        aws_reset_error();
        CHECK_INT_EQ(aws_mem_tracer_count(not_tracers[i]), 0);
        CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
        aws_reset_error();
        aws_mem_tracer_dump(not_tracers[i]);
        CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    }
    return 0;
}

enum { THREADS = 4, BLOCKS = 500 };

static void *s_churn(void *arg) {
    struct aws_allocator *tracer = arg;
    for (int i = 0; i < BLOCKS; ++i) {
        void *block = aws_mem_acquire(tracer, (size_t)(i % 64) + 1);
        if (block != NULL && aws_mem_realloc(tracer, &block, (size_t)(i % 64) + 1, 128) == AWS_OP_SUCCESS) {
            aws_mem_release(tracer, block);
        }
    }
    return NULL;
}

static int test_tracer_keeps_count_across_threads(void) {
    struct aws_allocator *tracer = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_BYTES, 0);
    CHECK(tracer != NULL);
    void *kept = aws_mem_acquire(tracer, 10);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; ++i) {
        CHECK_INT_EQ(pthread_create(&threads[i], NULL, s_churn, tracer), 0);
    }
    for (int i = 0; i < THREADS; ++i) {
        CHECK_INT_EQ(pthread_join(threads[i], NULL), 0);
    }
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 1);
    CHECK_INT_EQ(aws_mem_tracer_bytes(tracer), 10);
    aws_mem_release(tracer, kept);
    aws_mem_tracer_destroy(tracer);
    return 0;
}

int main(void) {
    RUN(test_default_allocator_is_valid);
    RUN(test_allocator_is_valid_needs_acquire_and_release);
    RUN(test_acquire_gives_writable_memory);
    RUN(test_calloc_gives_zeroed_memory);
    RUN(test_realloc_keeps_the_contents);
    RUN(test_realloc_to_zero_frees_and_clears_the_pointer);
    RUN(test_realloc_of_null_allocates);
    RUN(test_release_of_null_does_nothing);
    RUN(test_acquire_and_calloc_refuse_bad_arguments);
    RUN(test_calloc_refuses_a_size_that_overflows);
    RUN(test_realloc_refuses_bad_arguments);
    RUN(test_release_refuses_a_null_allocator_and_frees_nothing);
    RUN(test_a_callers_allocator_is_called_with_itself);
    RUN(test_calloc_without_mem_calloc_zeroes_an_acquired_block);
    RUN(test_realloc_without_mem_realloc_moves_and_zeroes_the_growth);
    RUN(test_an_allocator_out_of_memory_fails_with_oom);
    RUN(test_an_allocator_without_realloc_out_of_memory_keeps_the_block);
    RUN(test_tracer_counts_live_blocks_and_bytes);
    RUN(test_tracer_at_level_none_only_forwards);
    RUN(test_tracer_with_stacks_counts_and_dumps);
    RUN(test_tracer_takes_nothing_from_the_traced_allocator_for_itself);
    RUN(test_a_tracer_can_trace_a_tracer);
    RUN(test_tracer_calls_refuse_bad_arguments);
    RUN(test_tracer_keeps_count_across_threads);
    return 0;
}

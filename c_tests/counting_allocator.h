/* An allocator for the C tests that counts live blocks (s_live_blocks), so a test can check that
 * everything the library allocated through it was given back. It has no realloc and no calloc,
 * so growth takes the library's acquire-copy-release path. Include it in one test program. */
#ifndef COUNTING_ALLOCATOR_H
#define COUNTING_ALLOCATOR_H

#include <aws/common/allocator.h>

#include <stdlib.h>

static int s_live_blocks;

static void *s_counting_acquire(struct aws_allocator *allocator, size_t size) {
    (void)allocator;
    void *p = malloc(size);
    if (p) {
        ++s_live_blocks;
    }
    return p;
}

static void s_counting_release(struct aws_allocator *allocator, void *ptr) {
    (void)allocator;
    if (ptr) {
        --s_live_blocks;
    }
    free(ptr);
}

static struct aws_allocator s_counting = {
    .mem_acquire = s_counting_acquire,
    .mem_release = s_counting_release,
};

#endif /* COUNTING_ALLOCATOR_H */

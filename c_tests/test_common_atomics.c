/* Tests of the rest of aws/common/atomics.h through the C API: explicit memory orders, the
 * bitwise operations, pointer exchange and compare-exchange, and the fence. */
#include <aws/common/atomics.h>

#include "test_support.h"

static int test_explicit_and_bitwise(void) {
    struct aws_atomic_var v;
    aws_atomic_init_int(&v, 0xf0);
    CHECK_INT_EQ(aws_atomic_fetch_or(&v, 0x0f), 0xf0);
    CHECK_INT_EQ(aws_atomic_fetch_and_explicit(&v, 0x3c, aws_memory_order_acq_rel), 0xff);
    CHECK_INT_EQ(aws_atomic_fetch_xor(&v, 0xff), 0x3c);
    CHECK_INT_EQ(aws_atomic_load_int_explicit(&v, aws_memory_order_acquire), 0xc3);
    aws_atomic_store_int_explicit(&v, 1, aws_memory_order_release);
    CHECK_INT_EQ(aws_atomic_fetch_add_explicit(&v, 2, aws_memory_order_relaxed), 1);
    CHECK_INT_EQ(aws_atomic_fetch_sub_explicit(&v, 3, aws_memory_order_seq_cst), 3);
    CHECK_INT_EQ(aws_atomic_exchange_int_explicit(&v, 7, aws_memory_order_relaxed), 0);
    size_t expected = 6;
    CHECK(!aws_atomic_compare_exchange_int_explicit(&v, &expected, 8, aws_memory_order_seq_cst, aws_memory_order_relaxed));
    CHECK_INT_EQ(expected, 7);
    aws_atomic_thread_fence(aws_memory_order_seq_cst);
    return 0;
}

static int test_pointers(void) {
    int a = 1, b = 2;
    struct aws_atomic_var v;
    aws_atomic_init_ptr(&v, &a);
    CHECK(aws_atomic_exchange_ptr(&v, &b) == &a);
    void *expected = &a;
    CHECK(!aws_atomic_compare_exchange_ptr(&v, &expected, NULL));
    CHECK(expected == &b);
    CHECK(aws_atomic_compare_exchange_ptr_explicit(&v, &expected, &a, aws_memory_order_acq_rel, aws_memory_order_acquire));
    aws_atomic_store_ptr_explicit(&v, &b, aws_memory_order_release);
    CHECK(aws_atomic_load_ptr_explicit(&v, aws_memory_order_acquire) == &b);
    CHECK(aws_atomic_exchange_ptr_explicit(&v, NULL, aws_memory_order_seq_cst) == &b);
    return 0;
}

int main(void) {
    RUN(test_explicit_and_bitwise);
    RUN(test_pointers);
    return 0;
}

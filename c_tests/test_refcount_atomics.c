/* aws/common/ref_count.h and aws/common/atomics.h: the reference count's life (one reference
 * at init, the destroy callback on the last release, exactly once, also under concurrency), its
 * refusal of misuse, and the atomic variable's operations. */
#include <aws/common/atomics.h>
#include <aws/common/error.h>
#include <aws/common/ref_count.h>

#include <pthread.h>
#include <stdint.h>

#include "test_support.h"

struct object {
    struct aws_ref_count ref_count;
    int destroyed;
    void *destroyed_with;
};

static void s_destroy(void *arg) {
    struct object *object = arg;
    object->destroyed++;
    object->destroyed_with = arg;
}

static int test_ref_count_starts_at_one_and_destroys_on_the_last_release(void) {
    struct object object = {.destroyed = 0};
    aws_ref_count_init(&object.ref_count, &object, s_destroy);
    CHECK_INT_EQ(aws_atomic_load_int(&object.ref_count.ref_count), 1);
    CHECK(object.ref_count.object == &object);

    CHECK(aws_ref_count_acquire(&object.ref_count) == &object);
    CHECK_INT_EQ(aws_atomic_load_int(&object.ref_count.ref_count), 2);
    CHECK_INT_EQ(aws_ref_count_release(&object.ref_count), 1);
    CHECK_INT_EQ(object.destroyed, 0);
    CHECK_INT_EQ(aws_ref_count_release(&object.ref_count), 0);
    CHECK_INT_EQ(object.destroyed, 1);
    CHECK(object.destroyed_with == &object);
    return 0;
}

static int test_ref_count_release_past_zero_fails_with_invalid_state(void) {
    struct object object = {.destroyed = 0};
    aws_ref_count_init(&object.ref_count, &object, s_destroy);
    CHECK_INT_EQ(aws_ref_count_release(&object.ref_count), 0);
    aws_reset_error();
    CHECK_INT_EQ(aws_ref_count_release(&object.ref_count), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_STATE);
    /* The count did not wrap and the object was not destroyed twice. */
    CHECK_INT_EQ(aws_atomic_load_int(&object.ref_count.ref_count), 0);
    CHECK_INT_EQ(object.destroyed, 1);
    return 0;
}

static int test_ref_count_acquire_after_zero_fails_with_invalid_state(void) {
    struct object object = {.destroyed = 0};
    aws_ref_count_init(&object.ref_count, &object, s_destroy);
    CHECK_INT_EQ(aws_ref_count_release(&object.ref_count), 0);
    aws_reset_error();
    CHECK(aws_ref_count_acquire(&object.ref_count) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_STATE);
    CHECK_INT_EQ(aws_atomic_load_int(&object.ref_count.ref_count), 0);
    return 0;
}

static int test_ref_count_without_a_callback_just_counts(void) {
    struct aws_ref_count ref_count;
    int payload = 7;
    aws_ref_count_init(&ref_count, &payload, NULL);
    CHECK(aws_ref_count_acquire(&ref_count) == &payload);
    CHECK_INT_EQ(aws_ref_count_release(&ref_count), 1);
    CHECK_INT_EQ(aws_ref_count_release(&ref_count), 0);
    return 0;
}

static int test_ref_count_calls_refuse_null(void) {
    aws_reset_error();
    aws_ref_count_init(NULL, NULL, s_destroy);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_ref_count_acquire(NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK_INT_EQ(aws_ref_count_release(NULL), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

enum { THREADS = 4, ROUNDS = 20000 };

static void *s_acquire_and_release(void *arg) {
    struct object *object = arg;
    for (int i = 0; i < ROUNDS; ++i) {
        aws_ref_count_acquire(&object->ref_count);
        aws_ref_count_release(&object->ref_count);
    }
    /* Each thread was handed one reference, and gives it back. */
    aws_ref_count_release(&object->ref_count);
    return NULL;
}

static int test_ref_count_destroys_exactly_once_when_threads_race(void) {
    struct object object = {.destroyed = 0};
    aws_ref_count_init(&object.ref_count, &object, s_destroy);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; ++i) {
        aws_ref_count_acquire(&object.ref_count);
        CHECK_INT_EQ(pthread_create(&threads[i], NULL, s_acquire_and_release, &object), 0);
    }
    /* The main thread lets go of its own reference while the threads are still at work. */
    aws_ref_count_release(&object.ref_count);
    for (int i = 0; i < THREADS; ++i) {
        CHECK_INT_EQ(pthread_join(threads[i], NULL), 0);
    }
    CHECK_INT_EQ(object.destroyed, 1);
    CHECK_INT_EQ(aws_atomic_load_int(&object.ref_count.ref_count), 0);
    return 0;
}

static int test_atomic_int_init_load_store(void) {
    struct aws_atomic_var var;
    aws_atomic_init_int(&var, 42);
    CHECK_INT_EQ(aws_atomic_load_int(&var), 42);
    aws_atomic_store_int(&var, SIZE_MAX);
    CHECK(aws_atomic_load_int(&var) == SIZE_MAX);
    CHECK(AWS_ATOMIC_VAR_INTVAL(&var) == SIZE_MAX);
    return 0;
}

static int test_atomic_ptr_init_load_store(void) {
    int a = 1;
    int b = 2;
    struct aws_atomic_var var;
    aws_atomic_init_ptr(&var, &a);
    CHECK(aws_atomic_load_ptr(&var) == &a);
    aws_atomic_store_ptr(&var, &b);
    CHECK(aws_atomic_load_ptr(&var) == &b);
    CHECK(AWS_ATOMIC_VAR_PTRVAL(&var) == &b);
    aws_atomic_store_ptr(&var, NULL);
    CHECK(aws_atomic_load_ptr(&var) == NULL);
    return 0;
}

static int test_atomic_static_initializers(void) {
    static int target;
    static struct aws_atomic_var count = AWS_ATOMIC_INIT_INT(5);
    static struct aws_atomic_var pointer = AWS_ATOMIC_INIT_PTR(&target);
    CHECK_INT_EQ(aws_atomic_load_int(&count), 5);
    CHECK(aws_atomic_load_ptr(&pointer) == &target);
    return 0;
}

static int test_atomic_fetch_add_and_sub_return_the_previous_value_and_wrap(void) {
    struct aws_atomic_var var;
    aws_atomic_init_int(&var, 10);
    CHECK_INT_EQ(aws_atomic_fetch_add(&var, 5), 10);
    CHECK_INT_EQ(aws_atomic_fetch_sub(&var, 3), 15);
    CHECK_INT_EQ(aws_atomic_load_int(&var), 12);
    aws_atomic_store_int(&var, 0);
    CHECK_INT_EQ(aws_atomic_fetch_sub(&var, 1), 0);
    CHECK(aws_atomic_load_int(&var) == SIZE_MAX);
    CHECK(aws_atomic_fetch_add(&var, 2) == SIZE_MAX);
    CHECK_INT_EQ(aws_atomic_load_int(&var), 1);
    return 0;
}

static int test_atomic_exchange_returns_the_previous_value(void) {
    struct aws_atomic_var var;
    aws_atomic_init_int(&var, 3);
    CHECK_INT_EQ(aws_atomic_exchange_int(&var, 9), 3);
    CHECK_INT_EQ(aws_atomic_load_int(&var), 9);
    return 0;
}

static int test_atomic_compare_exchange_writes_only_on_a_match(void) {
    struct aws_atomic_var var;
    aws_atomic_init_int(&var, 4);
    size_t expected = 5;
    CHECK(!aws_atomic_compare_exchange_int(&var, &expected, 6));
    CHECK_INT_EQ(expected, 4);
    CHECK_INT_EQ(aws_atomic_load_int(&var), 4);
    CHECK(aws_atomic_compare_exchange_int(&var, &expected, 6));
    CHECK_INT_EQ(expected, 4);
    CHECK_INT_EQ(aws_atomic_load_int(&var), 6);
    return 0;
}

/* Upstream declares every operation on a `volatile struct aws_atomic_var *` (a `const volatile`
 * one for loads): a program's volatile variable goes in without a cast (under -Werror, a header
 * without the qualifier fails to compile this: "discards 'volatile' qualifier"). */
static int test_atomic_calls_take_a_volatile_variable(void) {
    static volatile struct aws_atomic_var var;
    const volatile struct aws_atomic_var *read_only = &var;
    int target = 0;
    aws_atomic_init_int(&var, 1);
    CHECK_INT_EQ(aws_atomic_load_int(read_only), 1);
    aws_atomic_store_int(&var, 2);
    CHECK_INT_EQ(aws_atomic_fetch_add(&var, 3), 2);
    CHECK_INT_EQ(aws_atomic_fetch_sub(&var, 1), 5);
    CHECK_INT_EQ(aws_atomic_exchange_int(&var, 7), 4);
    size_t expected = 7;
    CHECK(aws_atomic_compare_exchange_int(&var, &expected, 8));
    CHECK_INT_EQ(aws_atomic_load_int(&var), 8);
    aws_atomic_init_ptr(&var, NULL);
    aws_atomic_store_ptr(&var, &target);
    CHECK(aws_atomic_load_ptr(read_only) == &target);
    return 0;
}

static void *s_add_many(void *arg) {
    for (int i = 0; i < ROUNDS; ++i) {
        aws_atomic_fetch_add(arg, 1);
    }
    return NULL;
}

static int test_atomic_fetch_add_loses_no_update_across_threads(void) {
    struct aws_atomic_var var;
    aws_atomic_init_int(&var, 0);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; ++i) {
        CHECK_INT_EQ(pthread_create(&threads[i], NULL, s_add_many, &var), 0);
    }
    for (int i = 0; i < THREADS; ++i) {
        CHECK_INT_EQ(pthread_join(threads[i], NULL), 0);
    }
    CHECK_INT_EQ(aws_atomic_load_int(&var), THREADS * ROUNDS);
    return 0;
}

/* Runs `call` and checks it raised AWS_ERROR_INVALID_ARGUMENT. */
#define CHECK_RAISES_INVALID_ARGUMENT(call)                                                                            \
    do {                                                                                                               \
        aws_reset_error();                                                                                             \
        call;                                                                                                          \
        CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);                                                    \
    } while (0)

static int test_atomic_calls_refuse_null(void) {
    struct aws_atomic_var var;
    aws_atomic_init_int(&var, 1);
    size_t expected = 1;
    CHECK_RAISES_INVALID_ARGUMENT(aws_atomic_init_int(NULL, 1));
    CHECK_RAISES_INVALID_ARGUMENT(aws_atomic_init_ptr(NULL, &var));
    CHECK_RAISES_INVALID_ARGUMENT(CHECK_INT_EQ(aws_atomic_load_int(NULL), 0));
    CHECK_RAISES_INVALID_ARGUMENT(CHECK(aws_atomic_load_ptr(NULL) == NULL));
    CHECK_RAISES_INVALID_ARGUMENT(aws_atomic_store_int(NULL, 1));
    CHECK_RAISES_INVALID_ARGUMENT(aws_atomic_store_ptr(NULL, &var));
    CHECK_RAISES_INVALID_ARGUMENT(CHECK_INT_EQ(aws_atomic_fetch_add(NULL, 1), 0));
    CHECK_RAISES_INVALID_ARGUMENT(CHECK_INT_EQ(aws_atomic_fetch_sub(NULL, 1), 0));
    CHECK_RAISES_INVALID_ARGUMENT(CHECK_INT_EQ(aws_atomic_exchange_int(NULL, 1), 0));
    CHECK_RAISES_INVALID_ARGUMENT(CHECK(!aws_atomic_compare_exchange_int(NULL, &expected, 2)));
    CHECK_RAISES_INVALID_ARGUMENT(CHECK(!aws_atomic_compare_exchange_int(&var, NULL, 2)));
    /* Nothing changed. */
    CHECK_INT_EQ(aws_atomic_load_int(&var), 1);
    CHECK_INT_EQ(expected, 1);
    return 0;
}

int main(void) {
    RUN(test_ref_count_starts_at_one_and_destroys_on_the_last_release);
    RUN(test_ref_count_release_past_zero_fails_with_invalid_state);
    RUN(test_ref_count_acquire_after_zero_fails_with_invalid_state);
    RUN(test_ref_count_without_a_callback_just_counts);
    RUN(test_ref_count_calls_refuse_null);
    RUN(test_ref_count_destroys_exactly_once_when_threads_race);
    RUN(test_atomic_int_init_load_store);
    RUN(test_atomic_ptr_init_load_store);
    RUN(test_atomic_static_initializers);
    RUN(test_atomic_fetch_add_and_sub_return_the_previous_value_and_wrap);
    RUN(test_atomic_exchange_returns_the_previous_value);
    RUN(test_atomic_compare_exchange_writes_only_on_a_match);
    RUN(test_atomic_calls_take_a_volatile_variable);
    RUN(test_atomic_fetch_add_loses_no_update_across_threads);
    RUN(test_atomic_calls_refuse_null);
    return 0;
}

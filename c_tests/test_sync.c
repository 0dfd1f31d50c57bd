/* aws/common/mutex.h and aws/common/condition_variable.h: locking, waiting with and without a
 * predicate or a timeout, the static initializers, and refusal of NULL or uninitialised objects.
 * Threads are synchronised only through the primitives under test and pthread_join. */
#include <aws/common/clock.h>
#include <aws/common/condition_variable.h>
#include <aws/common/error.h>
#include <aws/common/mutex.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test_support.h"

/* A wait that should end at once is given this long before the test calls it a hang. */
#define GENEROUS_NS (10LL * 1000 * 1000 * 1000)

static int test_mutex_init_lock_unlock_clean_up(void) {
    struct aws_mutex mutex;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK(mutex.initialized);
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    aws_mutex_clean_up(&mutex);
    CHECK(!mutex.initialized);
    return 0;
}

static int test_mutex_static_initializer_gives_a_usable_mutex(void) {
    static struct aws_mutex mutex = AWS_MUTEX_INIT;
    CHECK(mutex.initialized);
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_try_lock(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    return 0;
}

struct try_lock_args {
    struct aws_mutex *mutex;
    int result;
    int error;
};

static void *s_try_lock(void *arg) {
    struct try_lock_args *args = arg;
    aws_reset_error();
    args->result = aws_mutex_try_lock(args->mutex);
    args->error = aws_last_error();
    if (args->result == AWS_OP_SUCCESS) {
        aws_mutex_unlock(args->mutex);
    }
    return NULL;
}

static int test_mutex_try_lock_of_a_held_mutex_fails_with_mutex_timeout(void) {
    struct aws_mutex mutex;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);

    struct try_lock_args args = {.mutex = &mutex};
    pthread_t thread;
    CHECK_INT_EQ(pthread_create(&thread, NULL, s_try_lock, &args), 0);
    CHECK_INT_EQ(pthread_join(thread, NULL), 0);
    CHECK_INT_EQ(args.result, AWS_OP_ERR);
    CHECK_INT_EQ(args.error, AWS_ERROR_MUTEX_TIMEOUT);

    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(pthread_create(&thread, NULL, s_try_lock, &args), 0);
    CHECK_INT_EQ(pthread_join(thread, NULL), 0);
    CHECK_INT_EQ(args.result, AWS_OP_SUCCESS);
    aws_mutex_clean_up(&mutex);
    return 0;
}

enum { COUNTING_THREADS = 4, INCREMENTS = 20000 };

struct counter {
    struct aws_mutex mutex;
    /* Read-modify-written in two steps on purpose: only the mutex keeps increments apart. */
    volatile uint64_t value;
    int failures;
};

static void *s_count(void *arg) {
    struct counter *counter = arg;
    for (int i = 0; i < INCREMENTS; ++i) {
        if (aws_mutex_lock(&counter->mutex) != AWS_OP_SUCCESS) {
            return NULL;
        }
        uint64_t seen = counter->value;
        counter->value = seen + 1;
        aws_mutex_unlock(&counter->mutex);
    }
    return NULL;
}

static int test_mutex_keeps_other_threads_out(void) {
    struct counter counter;
    memset(&counter, 0, sizeof(counter));
    CHECK_INT_EQ(aws_mutex_init(&counter.mutex), AWS_OP_SUCCESS);
    pthread_t threads[COUNTING_THREADS];
    for (int i = 0; i < COUNTING_THREADS; ++i) {
        CHECK_INT_EQ(pthread_create(&threads[i], NULL, s_count, &counter), 0);
    }
    for (int i = 0; i < COUNTING_THREADS; ++i) {
        CHECK_INT_EQ(pthread_join(threads[i], NULL), 0);
    }
    CHECK_INT_EQ(counter.value, (uint64_t)COUNTING_THREADS * INCREMENTS);
    aws_mutex_clean_up(&counter.mutex);
    return 0;
}

static int test_mutex_calls_refuse_null(void) {
    CHECK_FAILS_WITH(aws_mutex_init(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mutex_lock(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mutex_try_lock(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mutex_unlock(NULL), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_mutex_clean_up(NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_mutex_calls_refuse_an_uninitialised_mutex(void) {
    struct aws_mutex mutex;
    memset(&mutex, 0, sizeof(mutex));
    CHECK_FAILS_WITH(aws_mutex_lock(&mutex), AWS_ERROR_MUTEX_NOT_INIT);
    CHECK_FAILS_WITH(aws_mutex_try_lock(&mutex), AWS_ERROR_MUTEX_NOT_INIT);
    CHECK_FAILS_WITH(aws_mutex_unlock(&mutex), AWS_ERROR_MUTEX_NOT_INIT);
    /* Cleaning up a zeroed mutex is allowed, as upstream: nothing to do, no error. */
    aws_reset_error();
    aws_mutex_clean_up(&mutex);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    return 0;
}

static int test_mutex_clean_up_twice_leaves_it_uninitialised(void) {
    struct aws_mutex mutex;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    aws_mutex_clean_up(&mutex);
    aws_mutex_clean_up(&mutex);
    CHECK_FAILS_WITH(aws_mutex_lock(&mutex), AWS_ERROR_MUTEX_NOT_INIT);
    return 0;
}

static int test_condition_variable_init_and_clean_up(void) {
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    CHECK(cv.initialized);
    /* Notifying with nobody waiting is not an error. */
    CHECK_INT_EQ(aws_condition_variable_notify_one(&cv), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_notify_all(&cv), AWS_OP_SUCCESS);
    aws_condition_variable_clean_up(&cv);
    CHECK(!cv.initialized);
    return 0;
}

static uint64_t s_now_ns(void) {
    uint64_t now = 0;
    aws_high_res_clock_get_ticks(&now);
    return now;
}

static int test_condition_variable_wait_for_times_out_with_cond_variable_timed_out(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);

    const int64_t wait_ns = 20 * 1000 * 1000;
    uint64_t before = s_now_ns();
    CHECK_FAILS_WITH(aws_condition_variable_wait_for(&cv, &mutex, wait_ns), AWS_ERROR_COND_VARIABLE_TIMED_OUT);
    uint64_t waited = s_now_ns() - before;
    /* The wall clock sets the deadline; allow a millisecond of skew between the two clocks. */
    CHECK(waited + 1000 * 1000 >= (uint64_t)wait_ns);

    /* The mutex is held again after the wait. */
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    aws_condition_variable_clean_up(&cv);
    aws_mutex_clean_up(&mutex);
    return 0;
}

static int test_condition_variable_wait_for_with_no_time_left_times_out_at_once(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for(&cv, &mutex, 0), AWS_ERROR_COND_VARIABLE_TIMED_OUT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for(&cv, &mutex, -5), AWS_ERROR_COND_VARIABLE_TIMED_OUT);
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    aws_condition_variable_clean_up(&cv);
    aws_mutex_clean_up(&mutex);
    return 0;
}

/* State shared by a waiting main thread and a signalling second thread. */
struct signal_state {
    struct aws_mutex *mutex;
    struct aws_condition_variable *cv;
    bool ready;
    int waiters;
    int woken;
    int failures;
};

static bool s_ready(void *arg) {
    return ((struct signal_state *)arg)->ready;
}

static void *s_make_ready(void *arg) {
    struct signal_state *state = arg;
    if (aws_mutex_lock(state->mutex) != AWS_OP_SUCCESS) {
        state->failures++;
        return NULL;
    }
    state->ready = true;
    if (aws_condition_variable_notify_one(state->cv) != AWS_OP_SUCCESS) {
        state->failures++;
    }
    aws_mutex_unlock(state->mutex);
    return NULL;
}

static int test_condition_variable_wait_pred_returns_once_another_thread_makes_it_true(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    struct signal_state state = {.mutex = &mutex, .cv = &cv};

    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);
    pthread_t thread;
    CHECK_INT_EQ(pthread_create(&thread, NULL, s_make_ready, &state), 0);
    CHECK_INT_EQ(aws_condition_variable_wait_pred(&cv, &mutex, s_ready, &state), AWS_OP_SUCCESS);
    CHECK(state.ready);
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);

    CHECK_INT_EQ(pthread_join(thread, NULL), 0);
    CHECK_INT_EQ(state.failures, 0);
    aws_condition_variable_clean_up(&cv);
    aws_mutex_clean_up(&mutex);
    return 0;
}

static int test_condition_variable_wait_returns_when_notified(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    struct signal_state state = {.mutex = &mutex, .cv = &cv};

    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);
    pthread_t thread;
    CHECK_INT_EQ(pthread_create(&thread, NULL, s_make_ready, &state), 0);
    /* A plain wait may wake spuriously, so it is looped on the flag like any caller would. */
    while (!state.ready) {
        CHECK_INT_EQ(aws_condition_variable_wait(&cv, &mutex), AWS_OP_SUCCESS);
    }
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(pthread_join(thread, NULL), 0);
    CHECK_INT_EQ(state.failures, 0);
    aws_condition_variable_clean_up(&cv);
    aws_mutex_clean_up(&mutex);
    return 0;
}

static int test_condition_variable_wait_for_pred_returns_at_once_when_already_true(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    struct signal_state state = {.mutex = &mutex, .cv = &cv, .ready = true};
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);
    /* A zero timeout would fail if the call waited at all. */
    CHECK_INT_EQ(aws_condition_variable_wait_for_pred(&cv, &mutex, 0, s_ready, &state), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_wait_pred(&cv, &mutex, s_ready, &state), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    aws_condition_variable_clean_up(&cv);
    aws_mutex_clean_up(&mutex);
    return 0;
}

static int test_condition_variable_wait_for_pred_times_out_while_false(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    struct signal_state state = {.mutex = &mutex, .cv = &cv};
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for_pred(&cv, &mutex, 5 * 1000 * 1000, s_ready, &state),
                     AWS_ERROR_COND_VARIABLE_TIMED_OUT);
    CHECK(!state.ready);
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    aws_condition_variable_clean_up(&cv);
    aws_mutex_clean_up(&mutex);
    return 0;
}

enum { WAITERS = 4 };

static bool s_all_waiting(void *arg) {
    return ((struct signal_state *)arg)->waiters == WAITERS;
}

/* Counts itself in as waiting, then waits for `ready` under the same lock hold, so once the
 * main thread sees every waiter counted, every waiter is blocked in the wait. */
static void *s_wait_for_ready(void *arg) {
    struct signal_state *state = arg;
    aws_mutex_lock(state->mutex);
    state->waiters++;
    aws_condition_variable_notify_all(state->cv);
    if (aws_condition_variable_wait_for_pred(state->cv, state->mutex, GENEROUS_NS, s_ready, state) ==
        AWS_OP_SUCCESS) {
        state->woken++;
    } else {
        state->failures++;
    }
    aws_mutex_unlock(state->mutex);
    return NULL;
}

static int test_condition_variable_notify_all_wakes_every_waiter(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    struct signal_state state = {.mutex = &mutex, .cv = &cv};

    pthread_t threads[WAITERS];
    for (int i = 0; i < WAITERS; ++i) {
        CHECK_INT_EQ(pthread_create(&threads[i], NULL, s_wait_for_ready, &state), 0);
    }
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_wait_for_pred(&cv, &mutex, GENEROUS_NS, s_all_waiting, &state),
                 AWS_OP_SUCCESS);
    state.ready = true;
    CHECK_INT_EQ(aws_condition_variable_notify_all(&cv), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);

    for (int i = 0; i < WAITERS; ++i) {
        CHECK_INT_EQ(pthread_join(threads[i], NULL), 0);
    }
    CHECK_INT_EQ(state.woken, WAITERS);
    CHECK_INT_EQ(state.failures, 0);
    aws_condition_variable_clean_up(&cv);
    aws_mutex_clean_up(&mutex);
    return 0;
}

static struct aws_mutex s_static_mutex = AWS_MUTEX_INIT;
static struct aws_condition_variable s_static_cv = AWS_CONDITION_VARIABLE_INIT;

static int test_condition_variable_static_initializer_gives_a_usable_condition_variable(void) {
    CHECK(s_static_cv.initialized);
    struct signal_state state = {.mutex = &s_static_mutex, .cv = &s_static_cv};
    CHECK_INT_EQ(aws_mutex_lock(&s_static_mutex), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for(&s_static_cv, &s_static_mutex, 1000), AWS_ERROR_COND_VARIABLE_TIMED_OUT);
    pthread_t thread;
    CHECK_INT_EQ(pthread_create(&thread, NULL, s_make_ready, &state), 0);
    CHECK_INT_EQ(aws_condition_variable_wait_pred(&s_static_cv, &s_static_mutex, s_ready, &state), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_unlock(&s_static_mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(pthread_join(thread, NULL), 0);
    CHECK_INT_EQ(state.failures, 0);
    return 0;
}

static int test_condition_variable_calls_refuse_null(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    struct signal_state state = {.mutex = &mutex, .cv = &cv};
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);

    CHECK_FAILS_WITH(aws_condition_variable_init(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_notify_one(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_notify_all(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait(NULL, &mutex), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait(&cv, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_pred(NULL, &mutex, s_ready, &state), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_pred(&cv, NULL, s_ready, &state), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_pred(&cv, &mutex, NULL, &state), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for(NULL, &mutex, 1), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for(&cv, NULL, 1), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for_pred(NULL, &mutex, 1, s_ready, &state),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for_pred(&cv, NULL, 1, s_ready, &state),
                     AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for_pred(&cv, &mutex, 1, NULL, &state),
                     AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_condition_variable_clean_up(NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    /* Nothing was disturbed: the mutex is still held by this thread. */
    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    aws_condition_variable_clean_up(&cv);
    aws_mutex_clean_up(&mutex);
    return 0;
}

static int test_condition_variable_calls_refuse_uninitialised_objects(void) {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    struct aws_condition_variable zeroed_cv;
    struct aws_mutex zeroed_mutex;
    memset(&zeroed_cv, 0, sizeof(zeroed_cv));
    memset(&zeroed_mutex, 0, sizeof(zeroed_mutex));
    CHECK_INT_EQ(aws_mutex_init(&mutex), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_condition_variable_init(&cv), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mutex_lock(&mutex), AWS_OP_SUCCESS);

    CHECK_FAILS_WITH(aws_condition_variable_notify_one(&zeroed_cv), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_notify_all(&zeroed_cv), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait(&zeroed_cv, &mutex), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for(&zeroed_cv, &mutex, 1), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_condition_variable_wait(&cv, &zeroed_mutex), AWS_ERROR_MUTEX_NOT_INIT);
    CHECK_FAILS_WITH(aws_condition_variable_wait_for(&cv, &zeroed_mutex, 1), AWS_ERROR_MUTEX_NOT_INIT);
    aws_reset_error();
    aws_condition_variable_clean_up(&zeroed_cv);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);

    CHECK_INT_EQ(aws_mutex_unlock(&mutex), AWS_OP_SUCCESS);
    aws_condition_variable_clean_up(&cv);
    aws_condition_variable_clean_up(&cv);
    CHECK_FAILS_WITH(aws_condition_variable_notify_one(&cv), AWS_ERROR_INVALID_ARGUMENT);
    aws_mutex_clean_up(&mutex);
    return 0;
}

int main(void) {
    RUN(test_mutex_init_lock_unlock_clean_up);
    RUN(test_mutex_static_initializer_gives_a_usable_mutex);
    RUN(test_mutex_try_lock_of_a_held_mutex_fails_with_mutex_timeout);
    RUN(test_mutex_keeps_other_threads_out);
    RUN(test_mutex_calls_refuse_null);
    RUN(test_mutex_calls_refuse_an_uninitialised_mutex);
    RUN(test_mutex_clean_up_twice_leaves_it_uninitialised);
    RUN(test_condition_variable_init_and_clean_up);
    RUN(test_condition_variable_wait_for_times_out_with_cond_variable_timed_out);
    RUN(test_condition_variable_wait_for_with_no_time_left_times_out_at_once);
    RUN(test_condition_variable_wait_pred_returns_once_another_thread_makes_it_true);
    RUN(test_condition_variable_wait_returns_when_notified);
    RUN(test_condition_variable_wait_for_pred_returns_at_once_when_already_true);
    RUN(test_condition_variable_wait_for_pred_times_out_while_false);
    RUN(test_condition_variable_notify_all_wakes_every_waiter);
    RUN(test_condition_variable_static_initializer_gives_a_usable_condition_variable);
    RUN(test_condition_variable_calls_refuse_null);
    RUN(test_condition_variable_calls_refuse_uninitialised_objects);
    return 0;
}

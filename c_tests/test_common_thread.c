/* Tests of the rest of aws/common/thread.h through the C API: launching and joining a thread
 * with options (name, stack size), at-exit callbacks in reverse order of registration, a
 * managed thread joined by aws_thread_join_all_managed, once-only calls, and the unjoined
 * count. */
#include <aws/common/atomics.h>
#include <aws/common/thread.h>

#include "counting_allocator.h"
#include "test_support.h"

#include <string.h>

struct s_run {
    struct aws_atomic_var ran;
    int exit_order[2];
    int exits;
    char name[32];
};

static void s_on_exit(void *user_data) {
    struct s_run *run = user_data;
    run->exit_order[run->exits] = 1;
    ++run->exits;
}

static void s_second_exit(void *user_data) {
    struct s_run *run = user_data;
    run->exit_order[run->exits++] = 100;
}

static void s_thread_main(void *arg) {
    struct s_run *run = arg;
    struct aws_string *name = NULL;
    if (aws_thread_current_name(&s_counting, &name) == AWS_OP_SUCCESS) {
        strncpy(run->name, aws_string_c_str(name), sizeof(run->name) - 1);
        aws_string_destroy(name);
    }
    aws_thread_current_at_exit(s_on_exit, run);
    aws_thread_current_at_exit(s_second_exit, run);
    aws_atomic_fetch_add(&run->ran, 1);
}

static int test_launch_and_join(void) {
    struct aws_thread thread;
    CHECK_INT_EQ(aws_thread_init(&thread, &s_counting), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_thread_get_detach_state(&thread), AWS_THREAD_NOT_CREATED);
    struct aws_thread_options options = *aws_default_thread_options();
    CHECK_INT_EQ(options.cpu_id, -1);
    CHECK_INT_EQ(options.join_strategy, AWS_TJS_MANUAL);
    options.name = aws_byte_cursor_from_c_str("worker-thread");
    options.stack_size = 1024 * 1024;
    struct s_run run;
    memset(&run, 0, sizeof(run));
    aws_atomic_init_int(&run.ran, 0);
    CHECK_INT_EQ(aws_thread_launch(&thread, s_thread_main, &run, &options), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_thread_get_detach_state(&thread), AWS_THREAD_JOINABLE);
    CHECK(!aws_thread_thread_id_equal(aws_thread_get_id(&thread), aws_thread_current_thread_id()));
    CHECK_INT_EQ(aws_thread_join(&thread), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_thread_get_detach_state(&thread), AWS_THREAD_JOIN_COMPLETED);
    aws_thread_clean_up(&thread);
    CHECK_INT_EQ(aws_atomic_load_int(&run.ran), 1);
    CHECK(strcmp(run.name, "worker-thread") == 0);
    /* The callback registered last runs first. */
    CHECK_INT_EQ(run.exits, 2);
    CHECK_INT_EQ(run.exit_order[0], 100);
    CHECK_FAILS_WITH(aws_thread_current_at_exit(s_on_exit, &run), AWS_ERROR_THREAD_NOT_JOINABLE);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_managed_thread(void) {
    struct aws_thread thread;
    CHECK_INT_EQ(aws_thread_init(&thread, &s_counting), AWS_OP_SUCCESS);
    struct aws_thread_options options = *aws_default_thread_options();
    options.join_strategy = AWS_TJS_MANAGED;
    struct s_run run;
    memset(&run, 0, sizeof(run));
    CHECK_INT_EQ(aws_thread_launch(&thread, s_thread_main, &run, &options), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_thread_get_detach_state(&thread), AWS_THREAD_MANAGED);
    CHECK_FAILS_WITH(aws_thread_join(&thread), AWS_ERROR_INVALID_STATE);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_atomic_load_int(&run.ran), 1);

    aws_thread_increment_unjoined_count();
    aws_thread_set_managed_join_timeout_ns(50 * 1000 * 1000);
    CHECK_FAILS_WITH(aws_thread_join_all_managed(), AWS_ERROR_COND_VARIABLE_TIMED_OUT);
    aws_thread_decrement_unjoined_count();
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    aws_thread_set_managed_join_timeout_ns(0);
    return 0;
}

static int s_once_calls;

static void s_once(void *user_data) {
    s_once_calls += *(int *)user_data;
}

static int test_call_once(void) {
    static aws_thread_once flag = AWS_THREAD_ONCE_STATIC_INIT;
    int step = 5;
    aws_thread_call_once(&flag, s_once, &step);
    aws_thread_call_once(&flag, s_once, &step);
    CHECK_INT_EQ(s_once_calls, 5);
    return 0;
}

int main(void) {
    RUN(test_launch_and_join);
    RUN(test_managed_thread);
    RUN(test_call_once);
    return 0;
}

/* aws/io/event_loop.h and aws/common/task_scheduler.h: event-loop groups start and join their
 * threads cleanly, scheduled tasks run on their loop's thread in order, cancelled tasks run once
 * with AWS_TASK_STATUS_CANCELED, releasing a group from one of its own tasks does not deadlock,
 * and every function refuses NULL or invalid arguments with an error code.
 * Threads are synchronised only through aws_mutex and aws_condition_variable. */
#include <aws/common/allocator.h>
#include <aws/common/condition_variable.h>
#include <aws/common/error.h>
#include <aws/common/mutex.h>
#include <aws/common/task_scheduler.h>
#include <aws/common/thread.h>
#include <aws/io/event_loop.h>
#include <aws/io/io.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "test_support.h"

/* A wait that should end at once is given this long before the test calls it a hang. */
#define GENEROUS_NS (10LL * 1000 * 1000 * 1000)
#define MS (1000ULL * 1000)

/* ---- a counter that threads bump and a waiter waits on ---- */

struct signal {
    struct aws_mutex mutex;
    struct aws_condition_variable cv;
    int count;
};

static void signal_init(struct signal *s) {
    aws_mutex_init(&s->mutex);
    aws_condition_variable_init(&s->cv);
    s->count = 0;
}

static void signal_clean_up(struct signal *s) {
    aws_condition_variable_clean_up(&s->cv);
    aws_mutex_clean_up(&s->mutex);
}

static void signal_bump(struct signal *s) {
    aws_mutex_lock(&s->mutex);
    s->count += 1;
    aws_condition_variable_notify_all(&s->cv);
    aws_mutex_unlock(&s->mutex);
}

struct wait_ctx {
    struct signal *s;
    int target;
};

static bool s_reached(void *arg) {
    struct wait_ctx *ctx = arg;
    return ctx->s->count >= ctx->target;
}

/* Waits until the count reaches `target`; false on a hang. */
static bool signal_wait(struct signal *s, int target) {
    struct wait_ctx ctx = {s, target};
    aws_mutex_lock(&s->mutex);
    int rc = aws_condition_variable_wait_for_pred(&s->cv, &s->mutex, GENEROUS_NS, s_reached, &ctx);
    aws_mutex_unlock(&s->mutex);
    return rc == AWS_OP_SUCCESS;
}

static int signal_count(struct signal *s) {
    aws_mutex_lock(&s->mutex);
    int count = s->count;
    aws_mutex_unlock(&s->mutex);
    return count;
}

/* Counts loop threads that have finished: a task sets a thread-specific value whose destructor
 * runs when the thread's function has returned, before the thread can be joined. */
static pthread_key_t s_exit_key;
static int s_threads_exited;

static void s_on_thread_exit(void *value) {
    (void)value;
    __atomic_add_fetch(&s_threads_exited, 1, __ATOMIC_SEQ_CST);
}

/* ---- shutdown callback bookkeeping ---- */

struct shutdown_probe {
    struct signal done;
    /* How many loop threads had finished when the callback ran, and on which thread it ran. */
    int threads_exited_in_callback;
    aws_thread_id_t callback_thread;
    bool on_a_loop_thread;
    struct aws_event_loop_group *group;
};

static void s_on_shutdown(void *user_data) {
    struct shutdown_probe *probe = user_data;
    probe->threads_exited_in_callback = __atomic_load_n(&s_threads_exited, __ATOMIC_SEQ_CST);
    probe->callback_thread = aws_thread_current_thread_id();
    signal_bump(&probe->done);
}

static struct aws_shutdown_callback_options shutdown_options(struct shutdown_probe *probe) {
    struct aws_shutdown_callback_options options = {s_on_shutdown, probe};
    return options;
}

/* ---- layouts ---- */

static int test_layouts_match_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_task), 64);
    CHECK_INT_EQ(offsetof(struct aws_task, fn), 0);
    CHECK_INT_EQ(offsetof(struct aws_task, arg), 8);
    CHECK_INT_EQ(offsetof(struct aws_task, timestamp), 16);
    CHECK_INT_EQ(offsetof(struct aws_task, node), 24);
    CHECK_INT_EQ(offsetof(struct aws_task, priority_queue_node), 40);
    CHECK_INT_EQ(offsetof(struct aws_task, type_tag), 48);
    CHECK_INT_EQ(offsetof(struct aws_task, abi_extension), 56);
    CHECK_INT_EQ(sizeof(struct aws_event_loop_group_options), 32);
    CHECK_INT_EQ(offsetof(struct aws_event_loop_group_options, type), 4);
    CHECK_INT_EQ(offsetof(struct aws_event_loop_group_options, clock_override), 24);
    CHECK_INT_EQ(AWS_TASK_STATUS_RUN_READY, 0);
    CHECK_INT_EQ(AWS_TASK_STATUS_CANCELED, 1);
    CHECK_INT_EQ(AWS_EVENT_LOOP_DISPATCH_QUEUE, 4);
    return 0;
}

/* ---- start and join ---- */

struct loop_probe {
    struct signal ran;
    struct aws_event_loop *loop;
    aws_thread_id_t thread;
    bool on_callers_thread;
};

static void s_record_thread(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    struct loop_probe *probe = arg;
    probe->thread = aws_thread_current_thread_id();
    pthread_setspecific(s_exit_key, probe);
    probe->on_callers_thread = status == AWS_TASK_STATUS_RUN_READY &&
                               aws_event_loop_thread_is_callers_thread(probe->loop);
    signal_bump(&probe->ran);
}

/* Starts a group of `n` loops, runs a task on each, releases it and checks that the callback
 * came after every loop thread had finished, on another thread. */
static int start_run_and_join(uint16_t n) {
    __atomic_store_n(&s_threads_exited, 0, __ATOMIC_SEQ_CST);
    struct shutdown_probe probe;
    signal_init(&probe.done);
    struct aws_shutdown_callback_options done = shutdown_options(&probe);
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), n, &done);
    CHECK(group != NULL);
    size_t count = aws_event_loop_group_get_loop_count(group);
    CHECK(count >= 1);
    if (n != 0) {
        CHECK_INT_EQ(count, n);
    }
    struct loop_probe loops[8];
    struct aws_task tasks[8];
    CHECK(count <= 8);
    for (size_t i = 0; i < count; ++i) {
        signal_init(&loops[i].ran);
        loops[i].loop = aws_event_loop_group_get_loop_at(group, i);
        CHECK(loops[i].loop != NULL);
        aws_task_init(&tasks[i], s_record_thread, &loops[i], "record_thread");
        aws_event_loop_schedule_task_now(loops[i].loop, &tasks[i]);
    }
    for (size_t i = 0; i < count; ++i) {
        CHECK(signal_wait(&loops[i].ran, 1));
        CHECK(loops[i].on_callers_thread);
        CHECK(!aws_thread_thread_id_equal(loops[i].thread, aws_thread_current_thread_id()));
        for (size_t j = 0; j < i; ++j) {
            CHECK(!aws_thread_thread_id_equal(loops[i].thread, loops[j].thread));
        }
    }
    CHECK_INT_EQ(__atomic_load_n(&s_threads_exited, __ATOMIC_SEQ_CST), 0);
    aws_event_loop_group_release(group);
    CHECK(signal_wait(&probe.done, 1));
    CHECK_INT_EQ(probe.threads_exited_in_callback, count);
    for (size_t i = 0; i < count; ++i) {
        CHECK(!aws_thread_thread_id_equal(probe.callback_thread, loops[i].thread));
    }
    /* Only the clean-up thread may still be running, and it ends right after the callback. */
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    for (size_t i = 0; i < count; ++i) {
        signal_clean_up(&loops[i].ran);
    }
    signal_clean_up(&probe.done);
    return 0;
}

static int test_groups_start_and_join_cleanly_1000_times(void) {
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    const uint16_t sizes[] = {1, 2, 4, 0};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); ++s) {
        for (int round = 0; round < 1000; ++round) {
            if (start_run_and_join(sizes[s])) {
                fprintf(stderr, "  (group of %u loops, round %d)\n", (unsigned)sizes[s], round);
                return 1;
            }
        }
    }
    return 0;
}

static int test_a_group_without_threads_gets_one_per_core_and_reports_epoll(void) {
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), 0, NULL);
    CHECK(group != NULL);
    CHECK(aws_event_loop_group_get_loop_count(group) >= 1);
    CHECK_INT_EQ(aws_event_loop_group_get_type(group), AWS_EVENT_LOOP_EPOLL);
    CHECK(aws_event_loop_group_acquire(group) == group);
    aws_event_loop_group_release(group);
    aws_event_loop_group_release(group);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    return 0;
}

static int test_a_pinned_group_starts_and_stops(void) {
    struct shutdown_probe probe;
    signal_init(&probe.done);
    struct aws_shutdown_callback_options done = shutdown_options(&probe);
    struct aws_event_loop_group *group =
        aws_event_loop_group_new_default_pinned_to_cpu_group(aws_default_allocator(), 2, 0, &done);
    CHECK(group != NULL);
    CHECK(aws_event_loop_group_get_loop_count(group) >= 1);
    aws_event_loop_group_release(group);
    CHECK(signal_wait(&probe.done, 1));
    signal_clean_up(&probe.done);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    return 0;
}

static int test_the_group_memory_comes_from_and_returns_to_the_callers_allocator(void) {
    struct aws_allocator *tracer = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_BYTES, 0);
    CHECK(tracer != NULL);
    struct shutdown_probe probe;
    signal_init(&probe.done);
    struct aws_shutdown_callback_options done = shutdown_options(&probe);
    struct aws_event_loop_group_options options = {.loop_count = 2, .shutdown_options = &done};
    struct aws_event_loop_group *group = aws_event_loop_group_new(tracer, &options);
    CHECK(group != NULL);
    CHECK(aws_mem_tracer_count(tracer) > 0);
    aws_event_loop_group_release(group);
    CHECK(signal_wait(&probe.done, 1));
    CHECK_INT_EQ(aws_mem_tracer_count(tracer), 0);
    signal_clean_up(&probe.done);
    aws_mem_tracer_destroy(tracer);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    return 0;
}

/* ---- where and when tasks run ---- */

static int test_a_task_runs_on_its_loops_thread_and_only_there(void) {
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), 2, NULL);
    CHECK(group != NULL);
    struct aws_event_loop *first = aws_event_loop_group_get_next_loop(group);
    struct aws_event_loop *second = aws_event_loop_group_get_next_loop(group);
    CHECK(first != NULL && second != NULL && first != second);
    CHECK(aws_event_loop_group_get_next_loop(group) == first);
    CHECK(!aws_event_loop_thread_is_callers_thread(first));

    struct loop_probe probe;
    signal_init(&probe.ran);
    probe.loop = first;
    struct aws_task task;
    aws_task_init(&task, s_record_thread, &probe, "record_thread");
    aws_event_loop_schedule_task_now(first, &task);
    CHECK(signal_wait(&probe.ran, 1));
    CHECK(probe.on_callers_thread);

    /* The same task, rescheduled, on the other loop: not the first loop's thread. */
    struct loop_probe other;
    signal_init(&other.ran);
    other.loop = first;
    aws_task_init(&task, s_record_thread, &other, "record_thread");
    aws_event_loop_schedule_task_now(second, &task);
    CHECK(signal_wait(&other.ran, 1));
    CHECK(!other.on_callers_thread);
    CHECK(!aws_thread_thread_id_equal(probe.thread, other.thread));

    CHECK(aws_event_loop_group_acquire_from_event_loop(first) == group);
    aws_event_loop_group_release_from_event_loop(first);
    aws_event_loop_group_release(group);
    signal_clean_up(&probe.ran);
    signal_clean_up(&other.ran);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    return 0;
}

#define ORDER_TASKS 7

struct order_probe {
    struct signal ran;
    int order[ORDER_TASKS];
    int statuses[ORDER_TASKS];
    struct aws_task tasks[ORDER_TASKS];
};

static void s_record_order(struct aws_task *task, void *arg, enum aws_task_status status) {
    struct order_probe *probe = arg;
    int index = (int)(task - probe->tasks);
    aws_mutex_lock(&probe->ran.mutex);
    probe->order[probe->ran.count] = index;
    probe->statuses[probe->ran.count] = (int)status;
    probe->ran.count += 1;
    aws_condition_variable_notify_all(&probe->ran.cv);
    aws_mutex_unlock(&probe->ran.mutex);
}

/* Task i is due at ORDER_OFFSETS_MS[i]: expected order 3, 1, 4, 5, 6, 2, 0 (4, 5, 6 tie). */
static const uint64_t ORDER_OFFSETS_MS[ORDER_TASKS] = {70, 30, 60, 10, 40, 40, 40};

struct future_setup {
    struct order_probe *probe;
    struct aws_event_loop *loop;
    uint64_t start;
};

/* Schedules every task from the loop thread, so none can run before all are scheduled. */
static void s_schedule_in_scrambled_order(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    (void)status;
    struct future_setup *setup = arg;
    aws_event_loop_current_clock_time(setup->loop, &setup->start);
    for (int i = 0; i < ORDER_TASKS; ++i) {
        aws_task_init(&setup->probe->tasks[i], s_record_order, setup->probe, "order");
        aws_event_loop_schedule_task_future(
            setup->loop, &setup->probe->tasks[i], setup->start + ORDER_OFFSETS_MS[i] * MS);
    }
}

static int test_future_tasks_fire_in_timestamp_order(void) {
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), 1, NULL);
    CHECK(group != NULL);
    struct aws_event_loop *loop = aws_event_loop_group_get_next_loop(group);
    struct order_probe probe;
    memset(&probe, 0, sizeof(probe));
    signal_init(&probe.ran);
    struct future_setup setup = {&probe, loop, 0};
    struct aws_task task;
    aws_task_init(&task, s_schedule_in_scrambled_order, &setup, "setup");
    aws_event_loop_schedule_task_now(loop, &task);
    CHECK(signal_wait(&probe.ran, ORDER_TASKS));
    const int expected[ORDER_TASKS] = {3, 1, 4, 5, 6, 2, 0};
    for (int i = 0; i < ORDER_TASKS; ++i) {
        CHECK_INT_EQ(probe.order[i], expected[i]);
        CHECK_INT_EQ(probe.statuses[i], AWS_TASK_STATUS_RUN_READY);
    }
    /* The last one did not fire before it was due. */
    uint64_t later = 0;
    CHECK_INT_EQ(aws_event_loop_current_clock_time(loop, &later), AWS_OP_SUCCESS);
    CHECK(later >= setup.start + 70 * MS);
    aws_event_loop_group_release(group);
    signal_clean_up(&probe.ran);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    return 0;
}

static int test_now_tasks_run_in_submission_order(void) {
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), 1, NULL);
    CHECK(group != NULL);
    struct aws_event_loop *loop = aws_event_loop_group_get_next_loop(group);
    struct order_probe probe;
    memset(&probe, 0, sizeof(probe));
    signal_init(&probe.ran);
    for (int i = 0; i < ORDER_TASKS; ++i) {
        aws_task_init(&probe.tasks[i], s_record_order, &probe, "order");
        if (i % 2) {
            aws_event_loop_schedule_task_now_serialized(loop, &probe.tasks[i]);
        } else {
            aws_event_loop_schedule_task_now(loop, &probe.tasks[i]);
        }
    }
    CHECK(signal_wait(&probe.ran, ORDER_TASKS));
    for (int i = 0; i < ORDER_TASKS; ++i) {
        CHECK_INT_EQ(probe.order[i], i);
    }
    aws_event_loop_group_release(group);
    signal_clean_up(&probe.ran);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    return 0;
}

/* ---- cancellation ---- */

struct cancel_probe {
    struct signal ran;
    struct aws_event_loop *loop;
    struct aws_task victim;
    struct aws_task canceller;
    int victim_runs;
    enum aws_task_status victim_status;
    bool victim_on_loop_thread;
    bool victim_ran_inside_cancel;
    bool inside_cancel;
};

static void s_victim(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    struct cancel_probe *probe = arg;
    aws_mutex_lock(&probe->ran.mutex);
    probe->victim_runs += 1;
    probe->victim_status = status;
    probe->victim_on_loop_thread = aws_event_loop_thread_is_callers_thread(probe->loop);
    probe->victim_ran_inside_cancel = probe->inside_cancel;
    probe->ran.count += 1;
    aws_condition_variable_notify_all(&probe->ran.cv);
    aws_mutex_unlock(&probe->ran.mutex);
}

static void s_cancel_victim(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    (void)status;
    struct cancel_probe *probe = arg;
    probe->inside_cancel = true;
    aws_event_loop_cancel_task(probe->loop, &probe->victim);
    probe->inside_cancel = false;
    /* Cancelling again, now that it ran, does nothing. */
    aws_event_loop_cancel_task(probe->loop, &probe->victim);
    signal_bump(&probe->ran);
}

static void s_schedule_canceller_then_victim(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    (void)status;
    struct cancel_probe *probe = arg;
    aws_event_loop_schedule_task_now(probe->loop, &probe->canceller);
    aws_event_loop_schedule_task_now(probe->loop, &probe->victim);
}

static void cancel_probe_init(struct cancel_probe *probe, struct aws_event_loop *loop) {
    memset(probe, 0, sizeof(*probe));
    signal_init(&probe->ran);
    probe->loop = loop;
    aws_task_init(&probe->victim, s_victim, probe, "victim");
    aws_task_init(&probe->canceller, s_cancel_victim, probe, "canceller");
}

static int test_a_cancelled_task_runs_once_with_canceled_inside_the_cancel_call(void) {
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), 1, NULL);
    CHECK(group != NULL);
    struct aws_event_loop *loop = aws_event_loop_group_get_next_loop(group);
    uint64_t now = 0;
    CHECK_INT_EQ(aws_event_loop_current_clock_time(loop, &now), AWS_OP_SUCCESS);

    /* A future task, then a now task (scheduled from another thread) that cancels it. */
    struct cancel_probe probe;
    cancel_probe_init(&probe, loop);
    aws_event_loop_schedule_task_future(loop, &probe.victim, now + 3600ULL * 1000 * MS);
    aws_event_loop_schedule_task_now(loop, &probe.canceller);
    CHECK(signal_wait(&probe.ran, 2));
    CHECK_INT_EQ(probe.victim_runs, 1);
    CHECK_INT_EQ(probe.victim_status, AWS_TASK_STATUS_CANCELED);
    CHECK(probe.victim_on_loop_thread);
    CHECK(probe.victim_ran_inside_cancel);

    /* A now task, cancelled by a task scheduled just before it (both from the loop thread, so
     * both are queued when the loop next runs its tasks). */
    struct cancel_probe second;
    cancel_probe_init(&second, loop);
    struct aws_task setup;
    aws_task_init(&setup, s_schedule_canceller_then_victim, &second, "setup");
    aws_event_loop_schedule_task_now(loop, &setup);
    CHECK(signal_wait(&second.ran, 2));
    CHECK_INT_EQ(second.victim_runs, 1);
    CHECK_INT_EQ(second.victim_status, AWS_TASK_STATUS_CANCELED);
    CHECK(second.victim_ran_inside_cancel);

    aws_event_loop_group_release(group);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    CHECK_INT_EQ(probe.victim_runs, 1);
    signal_clean_up(&probe.ran);
    signal_clean_up(&second.ran);
    return 0;
}

static int test_a_cancel_from_another_thread_runs_the_task_cancelled_on_the_loop(void) {
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), 1, NULL);
    CHECK(group != NULL);
    struct aws_event_loop *loop = aws_event_loop_group_get_next_loop(group);
    uint64_t now = 0;
    CHECK_INT_EQ(aws_event_loop_current_clock_time(loop, &now), AWS_OP_SUCCESS);
    struct cancel_probe probe;
    cancel_probe_init(&probe, loop);
    aws_event_loop_schedule_task_future(loop, &probe.victim, now + 3600ULL * 1000 * MS);
    aws_event_loop_cancel_task(loop, &probe.victim);
    CHECK(signal_wait(&probe.ran, 1));
    CHECK_INT_EQ(probe.victim_runs, 1);
    CHECK_INT_EQ(probe.victim_status, AWS_TASK_STATUS_CANCELED);
    CHECK(probe.victim_on_loop_thread);
    aws_event_loop_group_release(group);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    CHECK_INT_EQ(probe.victim_runs, 1);
    signal_clean_up(&probe.ran);
    return 0;
}

static int test_pending_tasks_run_cancelled_on_their_loop_when_the_group_shuts_down(void) {
    struct shutdown_probe done_probe;
    signal_init(&done_probe.done);
    struct aws_shutdown_callback_options done = shutdown_options(&done_probe);
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), 1, &done);
    CHECK(group != NULL);
    struct aws_event_loop *loop = aws_event_loop_group_get_next_loop(group);
    uint64_t now = 0;
    CHECK_INT_EQ(aws_event_loop_current_clock_time(loop, &now), AWS_OP_SUCCESS);
    struct cancel_probe probe;
    cancel_probe_init(&probe, loop);
    aws_event_loop_schedule_task_future(loop, &probe.victim, now + 3600ULL * 1000 * MS);
    aws_event_loop_group_release(group);
    CHECK(signal_wait(&done_probe.done, 1));
    /* It ran before the shutdown callback. */
    CHECK_INT_EQ(probe.victim_runs, 1);
    CHECK_INT_EQ(probe.victim_status, AWS_TASK_STATUS_CANCELED);
    CHECK(probe.victim_on_loop_thread);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    signal_clean_up(&probe.ran);
    signal_clean_up(&done_probe.done);
    return 0;
}

struct resurrect_probe {
    struct aws_event_loop *loop;
    struct aws_event_loop_group *acquired;
    int error;
    enum aws_task_status status;
};

static void s_try_to_acquire(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    struct resurrect_probe *probe = arg;
    aws_reset_error();
    probe->status = status;
    probe->acquired = aws_event_loop_group_acquire_from_event_loop(probe->loop);
    probe->error = aws_last_error();
}

static int test_a_group_shutting_down_cannot_be_acquired_again(void) {
    struct shutdown_probe done_probe;
    signal_init(&done_probe.done);
    struct aws_shutdown_callback_options done = shutdown_options(&done_probe);
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(aws_default_allocator(), 1, &done);
    CHECK(group != NULL);
    struct resurrect_probe probe = {aws_event_loop_group_get_loop_at(group, 0), group, 0, AWS_TASK_STATUS_RUN_READY};
    struct aws_task task;
    aws_task_init(&task, s_try_to_acquire, &probe, "try_to_acquire");
    aws_event_loop_schedule_task_future(probe.loop, &task, UINT64_MAX);
    aws_event_loop_group_release(group);
    CHECK(signal_wait(&done_probe.done, 1));
    CHECK_INT_EQ(probe.status, AWS_TASK_STATUS_CANCELED);
    CHECK(probe.acquired == NULL);
    CHECK_INT_EQ(probe.error, AWS_ERROR_INVALID_STATE);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    signal_clean_up(&done_probe.done);
    return 0;
}

/* ---- releasing from inside ---- */

static void s_release_group(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    (void)status;
    struct shutdown_probe *probe = arg;
    aws_event_loop_group_release(probe->group);
    /* The loop goes on to the end of this task: its thread is still the loop's. */
    probe->on_a_loop_thread = true;
}

static int test_releasing_the_group_inside_its_own_task_does_not_deadlock(void) {
    for (uint16_t n = 1; n <= 3; ++n) {
        struct shutdown_probe probe;
        memset(&probe, 0, sizeof(probe));
        signal_init(&probe.done);
        struct aws_shutdown_callback_options done = shutdown_options(&probe);
        probe.group = aws_event_loop_group_new_default(aws_default_allocator(), n, &done);
        CHECK(probe.group != NULL);
        struct aws_event_loop *loop = aws_event_loop_group_get_loop_at(probe.group, n - 1);
        struct aws_task task;
        aws_task_init(&task, s_release_group, &probe, "release_group");
        aws_event_loop_schedule_task_now(loop, &task);
        CHECK(signal_wait(&probe.done, 1));
        CHECK(probe.on_a_loop_thread);
        CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
        signal_clean_up(&probe.done);
    }
    return 0;
}

/* ---- the clock ---- */

static uint64_t s_fake_now = 5000;
static bool s_clock_fails = false;

static int s_fake_clock(uint64_t *timestamp) {
    if (__atomic_load_n(&s_clock_fails, __ATOMIC_SEQ_CST)) {
        return aws_raise_error(AWS_ERROR_CLOCK_FAILURE);
    }
    *timestamp = __atomic_load_n(&s_fake_now, __ATOMIC_SEQ_CST);
    return AWS_OP_SUCCESS;
}

static void s_bump(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    (void)status;
    signal_bump(arg);
}

static int test_the_clock_override_drives_the_loops_time(void) {
    struct aws_event_loop_group_options options = {.loop_count = 1, .clock_override = s_fake_clock};
    struct aws_event_loop_group *group = aws_event_loop_group_new(aws_default_allocator(), &options);
    CHECK(group != NULL);
    struct aws_event_loop *loop = aws_event_loop_group_get_next_loop(group);
    uint64_t now = 0;
    CHECK_INT_EQ(aws_event_loop_current_clock_time(loop, &now), AWS_OP_SUCCESS);
    CHECK_INT_EQ(now, 5000);

    struct signal ran;
    signal_init(&ran);
    struct aws_task task;
    aws_task_init(&task, s_bump, &ran, "bump");
    aws_event_loop_schedule_task_future(loop, &task, 6000);
    /* A task scheduled after it but due now runs first, and the timer is still pending. */
    struct aws_task marker;
    aws_task_init(&marker, s_bump, &ran, "bump");
    aws_event_loop_schedule_task_now(loop, &marker);
    CHECK(signal_wait(&ran, 1));
    CHECK_INT_EQ(signal_count(&ran), 1);
    __atomic_store_n(&s_fake_now, 6000, __ATOMIC_SEQ_CST);
    CHECK(signal_wait(&ran, 2));

    __atomic_store_n(&s_clock_fails, true, __ATOMIC_SEQ_CST);
    CHECK_FAILS_WITH(aws_event_loop_current_clock_time(loop, &now), AWS_ERROR_CLOCK_FAILURE);
    __atomic_store_n(&s_clock_fails, false, __ATOMIC_SEQ_CST);
    aws_event_loop_group_release(group);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    signal_clean_up(&ran);
    return 0;
}

/* ---- bad arguments ---- */

static void s_never(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    (void)status;
    *(int *)arg += 1;
}

#define CHECK_NULL_WITH(call, code)                                                                \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        CHECK((call) == NULL);                                                                     \
        CHECK_INT_EQ(aws_last_error(), (code));                                                    \
    } while (0)

#define CHECK_RAISES(call, code)                                                                   \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        call;                                                                                      \
        CHECK_INT_EQ(aws_last_error(), (code));                                                    \
    } while (0)

static int test_null_and_invalid_arguments_raise_errors(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_event_loop_group_options options = {.loop_count = 1};
    CHECK_NULL_WITH(aws_event_loop_group_new(NULL, &options), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_event_loop_group_new(alloc, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_event_loop_group_new_default(NULL, 1, NULL), AWS_ERROR_INVALID_ARGUMENT);
    options.type = AWS_EVENT_LOOP_IOCP;
    CHECK_NULL_WITH(aws_event_loop_group_new(alloc, &options), AWS_ERROR_PLATFORM_NOT_SUPPORTED);
    options.type = AWS_EVENT_LOOP_KQUEUE;
    CHECK_NULL_WITH(aws_event_loop_group_new(alloc, &options), AWS_ERROR_PLATFORM_NOT_SUPPORTED);
    options.type = AWS_EVENT_LOOP_DISPATCH_QUEUE;
    CHECK_NULL_WITH(aws_event_loop_group_new(alloc, &options), AWS_ERROR_PLATFORM_NOT_SUPPORTED);
    options.type = (enum aws_event_loop_type)99;
    CHECK_NULL_WITH(aws_event_loop_group_new(alloc, &options), AWS_ERROR_UNSUPPORTED_OPERATION);
    options.type = AWS_EVENT_LOOP_EPOLL;
    struct aws_event_loop_group *group = aws_event_loop_group_new(alloc, &options);
    CHECK(group != NULL);

    CHECK_NULL_WITH(aws_event_loop_group_acquire(NULL), AWS_ERROR_INVALID_ARGUMENT);
    aws_event_loop_group_release(NULL);
    aws_event_loop_group_release_from_event_loop(NULL);
    CHECK_NULL_WITH(aws_event_loop_group_acquire_from_event_loop(NULL), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK_INT_EQ(aws_event_loop_group_get_loop_count(NULL), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES((void)aws_event_loop_group_get_type(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_event_loop_group_get_next_loop(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_event_loop_group_get_loop_at(NULL, 0), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_NULL_WITH(aws_event_loop_group_get_loop_at(group, 1), AWS_ERROR_INVALID_INDEX);
    CHECK_NULL_WITH(aws_event_loop_group_get_loop_at(group, SIZE_MAX), AWS_ERROR_INVALID_INDEX);

    struct aws_event_loop *loop = aws_event_loop_group_get_loop_at(group, 0);
    CHECK(loop != NULL);
    aws_reset_error();
    CHECK(!aws_event_loop_thread_is_callers_thread(NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    uint64_t now = 0;
    CHECK_FAILS_WITH(aws_event_loop_current_clock_time(NULL, &now), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_event_loop_current_clock_time(loop, NULL), AWS_ERROR_INVALID_ARGUMENT);

    int runs = 0;
    struct aws_task task;
    aws_task_init(&task, s_never, &runs, "never");
    CHECK_RAISES(aws_event_loop_schedule_task_now(NULL, &task), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES(aws_event_loop_schedule_task_now(loop, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES(aws_event_loop_schedule_task_now_serialized(NULL, &task), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES(aws_event_loop_schedule_task_future(NULL, &task, 1), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES(aws_event_loop_schedule_task_future(loop, NULL, 1), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES(aws_event_loop_cancel_task(NULL, &task), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES(aws_event_loop_cancel_task(loop, NULL), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_task no_fn;
    aws_task_init(&no_fn, NULL, NULL, "no_fn");
    CHECK_RAISES(aws_event_loop_schedule_task_now(loop, &no_fn), AWS_ERROR_INVALID_ARGUMENT);
    /* Cancelling a task that was never scheduled does nothing. */
    aws_event_loop_cancel_task(loop, &task);
    CHECK_INT_EQ(runs, 0);

    CHECK_RAISES(aws_task_init(NULL, s_never, NULL, "x"), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES(aws_task_run(NULL, AWS_TASK_STATUS_RUN_READY), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_RAISES(aws_task_run(&task, (enum aws_task_status)7), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(runs, 0);
    aws_task_run(&task, AWS_TASK_STATUS_RUN_READY);
    CHECK_INT_EQ(runs, 1);
    CHECK(strcmp(aws_task_status_to_c_str(AWS_TASK_STATUS_RUN_READY), "<Running>") == 0);
    CHECK(strcmp(aws_task_status_to_c_str(AWS_TASK_STATUS_CANCELED), "<Canceled>") == 0);
    CHECK(strcmp(aws_task_status_to_c_str((enum aws_task_status)9), "<Unknown>") == 0);

    aws_event_loop_group_release(group);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    /* A join that hangs fails the test instead. */
    aws_thread_set_managed_join_timeout_ns((uint64_t)GENEROUS_NS);
    if (pthread_key_create(&s_exit_key, s_on_thread_exit) != 0) {
        return 1;
    }
    RUN(test_layouts_match_upstream);
    RUN(test_null_and_invalid_arguments_raise_errors);
    RUN(test_a_group_without_threads_gets_one_per_core_and_reports_epoll);
    RUN(test_a_pinned_group_starts_and_stops);
    RUN(test_the_group_memory_comes_from_and_returns_to_the_callers_allocator);
    RUN(test_a_task_runs_on_its_loops_thread_and_only_there);
    RUN(test_future_tasks_fire_in_timestamp_order);
    RUN(test_now_tasks_run_in_submission_order);
    RUN(test_a_cancelled_task_runs_once_with_canceled_inside_the_cancel_call);
    RUN(test_a_cancel_from_another_thread_runs_the_task_cancelled_on_the_loop);
    RUN(test_pending_tasks_run_cancelled_on_their_loop_when_the_group_shuts_down);
    RUN(test_a_group_shutting_down_cannot_be_acquired_again);
    RUN(test_releasing_the_group_inside_its_own_task_does_not_deadlock);
    RUN(test_the_clock_override_drives_the_loops_time);
    RUN(test_groups_start_and_join_cleanly_1000_times);
    aws_io_library_clean_up();
    return 0;
}

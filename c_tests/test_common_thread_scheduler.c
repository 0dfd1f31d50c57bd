/* Tests of aws/common/thread_scheduler.h through the C API: tasks run on the scheduler's own
 * thread, now and in the future; a cancelled task runs with AWS_TASK_STATUS_CANCELED; the last
 * release cancels what is left. */
#include <aws/common/atomics.h>
#include <aws/common/clock.h>
#include <aws/common/task_scheduler.h>
#include <aws/common/thread.h>
#include <aws/common/thread_scheduler.h>

#include "counting_allocator.h"
#include "test_support.h"

static struct aws_atomic_var s_ready;
static struct aws_atomic_var s_canceled;
static struct aws_atomic_var s_off_main;
static aws_thread_id_t s_main;

static void s_task(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    (void)arg;
    if (!aws_thread_thread_id_equal(aws_thread_current_thread_id(), s_main)) {
        aws_atomic_fetch_add(&s_off_main, 1);
    }
    aws_atomic_fetch_add(status == AWS_TASK_STATUS_RUN_READY ? &s_ready : &s_canceled, 1);
}

static int s_wait_for(struct aws_atomic_var *var, size_t value) {
    for (int i = 0; i < 500 && aws_atomic_load_int(var) < value; ++i) {
        aws_thread_current_sleep(2 * 1000 * 1000);
    }
    return aws_atomic_load_int(var) == value;
}

static int test_tasks_run_on_the_scheduler_thread(void) {
    s_main = aws_thread_current_thread_id();
    aws_atomic_init_int(&s_ready, 0);
    aws_atomic_init_int(&s_canceled, 0);
    aws_atomic_init_int(&s_off_main, 0);
    struct aws_thread_scheduler *scheduler = aws_thread_scheduler_new(&s_counting, NULL);
    CHECK(scheduler != NULL);
    aws_thread_scheduler_acquire(scheduler);
    aws_thread_scheduler_release(scheduler);

    struct aws_task now_task, soon_task, far_task, canceled_task;
    aws_task_init(&now_task, s_task, NULL, "now");
    aws_task_init(&soon_task, s_task, NULL, "soon");
    aws_task_init(&far_task, s_task, NULL, "far");
    aws_task_init(&canceled_task, s_task, NULL, "canceled");
    uint64_t t = 0;
    aws_high_res_clock_get_ticks(&t);
    aws_thread_scheduler_schedule_now(scheduler, &now_task);
    aws_thread_scheduler_schedule_future(scheduler, &soon_task, t + 20 * 1000 * 1000);
    aws_thread_scheduler_schedule_future(scheduler, &far_task, t + 3600ULL * 1000 * 1000 * 1000);
    aws_thread_scheduler_schedule_future(scheduler, &canceled_task, t + 3600ULL * 1000 * 1000 * 1000);
    CHECK(s_wait_for(&s_ready, 2));
    aws_thread_scheduler_cancel_task(scheduler, &canceled_task);
    CHECK(s_wait_for(&s_canceled, 1));
    aws_thread_scheduler_release(scheduler);
    CHECK_INT_EQ(aws_atomic_load_int(&s_canceled), 2); /* the far task, at the last release */
    CHECK_INT_EQ(aws_atomic_load_int(&s_off_main), 4);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

int main(void) {
    RUN(test_tasks_run_on_the_scheduler_thread);
    return 0;
}

/* Tests of the stand-alone aws_task_scheduler (aws/common/task_scheduler.h) through the C API:
 * tasks run now in order, timed tasks when due and soonest first, cancellation, tasks that
 * schedule tasks, and clean-up cancelling what is left. */
#include <aws/common/task_scheduler.h>

#include "counting_allocator.h"
#include "test_support.h"

struct s_log {
    int order[16];
    enum aws_task_status status[16];
    int count;
};

static struct s_log s_log;
static struct aws_task_scheduler *s_scheduler;
static struct aws_task s_child;

static void s_record(struct aws_task *task, void *arg, enum aws_task_status status) {
    (void)task;
    s_log.order[s_log.count] = (int)(intptr_t)arg;
    s_log.status[s_log.count] = status;
    ++s_log.count;
}

static void s_parent(struct aws_task *task, void *arg, enum aws_task_status status) {
    s_record(task, arg, status);
    if (status == AWS_TASK_STATUS_RUN_READY) {
        aws_task_scheduler_schedule_now(s_scheduler, &s_child);
    }
}

static int test_layout_matches_upstream(void) {
    CHECK_INT_EQ(sizeof(struct aws_task_scheduler), 160);
    CHECK_INT_EQ(offsetof(struct aws_task_scheduler, asap_list), 128);
    return 0;
}

static int test_run_order_and_cancel(void) {
    struct aws_task_scheduler scheduler;
    s_scheduler = &scheduler;
    CHECK_INT_EQ(aws_task_scheduler_init(&scheduler, &s_counting), AWS_OP_SUCCESS);
    CHECK(aws_task_scheduler_is_valid(&scheduler));
    uint64_t next = 0;
    CHECK(!aws_task_scheduler_has_tasks(&scheduler, &next));
    CHECK(next == UINT64_MAX);

    struct aws_task tasks[5];
    for (intptr_t i = 0; i < 5; ++i) {
        aws_task_init(&tasks[i], s_record, (void *)i, "test");
    }
    aws_task_init(&s_child, s_record, (void *)9, "child");
    struct aws_task parent;
    aws_task_init(&parent, s_parent, (void *)7, "parent");

    aws_task_scheduler_schedule_future(&scheduler, &tasks[0], 300);
    aws_task_scheduler_schedule_future(&scheduler, &tasks[1], 100);
    aws_task_scheduler_schedule_future(&scheduler, &tasks[2], 200);
    aws_task_scheduler_schedule_now(&scheduler, &parent);
    aws_task_scheduler_schedule_future(&scheduler, &tasks[3], 50);
    CHECK(aws_task_scheduler_has_tasks(&scheduler, &next));
    CHECK(next == 0);

    aws_task_scheduler_cancel_task(&scheduler, &tasks[2]);
    CHECK_INT_EQ(s_log.count, 1);
    CHECK(s_log.order[0] == 2 && s_log.status[0] == AWS_TASK_STATUS_CANCELED);

    aws_task_scheduler_run_all(&scheduler, 150);
    /* now: the parent; then due: 3 (50) and 1 (100). The child waits for the next run. */
    CHECK_INT_EQ(s_log.count, 4);
    CHECK(s_log.order[1] == 7 && s_log.order[2] == 3 && s_log.order[3] == 1);
    CHECK(s_log.status[2] == AWS_TASK_STATUS_RUN_READY);
    CHECK(aws_task_scheduler_has_tasks(&scheduler, &next));
    CHECK(next == 0);
    aws_task_scheduler_run_all(&scheduler, 150);
    CHECK_INT_EQ(s_log.count, 5);
    CHECK_INT_EQ(s_log.order[4], 9);
    CHECK(aws_task_scheduler_has_tasks(&scheduler, &next));
    CHECK(next == 300);

    aws_task_scheduler_schedule_future(&scheduler, &tasks[4], 1000);
    aws_task_scheduler_clean_up(&scheduler);
    CHECK_INT_EQ(s_log.count, 7);
    CHECK(s_log.order[5] == 0 && s_log.status[5] == AWS_TASK_STATUS_CANCELED);
    CHECK(s_log.order[6] == 4 && s_log.status[6] == AWS_TASK_STATUS_CANCELED);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

int main(void) {
    RUN(test_layout_matches_upstream);
    RUN(test_run_order_and_cancel);
    return 0;
}

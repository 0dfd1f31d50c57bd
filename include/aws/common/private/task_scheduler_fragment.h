/* Hand-written fragment of aws/common/task_scheduler.h: the task status and the task function
 * type. They are written here because the function type names the enum and the generated
 * struct aws_task names the function type. */
#include <aws/common/common.h>

struct aws_task;

typedef enum aws_task_status {
    AWS_TASK_STATUS_RUN_READY,
    AWS_TASK_STATUS_CANCELED,
} aws_task_status;

/* A task's function: called once, with AWS_TASK_STATUS_RUN_READY when due, or with
 * AWS_TASK_STATUS_CANCELED when cancelled or when its event loop shuts down. */
typedef void(aws_task_fn)(struct aws_task *task, void *arg, enum aws_task_status);

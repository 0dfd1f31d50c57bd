/* Tests of aws/common/rw_lock.h through the C API: the static initialiser, shared readers, an
 * exclusive writer, and a writer thread that waits for the readers. */
#include <aws/common/atomics.h>
#include <aws/common/rw_lock.h>
#include <aws/common/thread.h>

#include "test_support.h"

static struct aws_rw_lock s_lock = AWS_RW_LOCK_INIT;
static struct aws_atomic_var s_written;

static void s_writer(void *arg) {
    (void)arg;
    aws_rw_lock_wlock(&s_lock);
    aws_atomic_store_int(&s_written, 1);
    aws_rw_lock_wunlock(&s_lock);
}

static int test_readers_and_writer(void) {
    CHECK_INT_EQ(sizeof(struct aws_rw_lock), 56);
    CHECK_INT_EQ(aws_rw_lock_rlock(&s_lock), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_rw_lock_try_rlock(&s_lock), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_rw_lock_try_wlock(&s_lock), AWS_ERROR_MUTEX_TIMEOUT);
    aws_atomic_init_int(&s_written, 0);
    struct aws_thread writer;
    aws_thread_init(&writer, aws_default_allocator());
    CHECK_INT_EQ(aws_thread_launch(&writer, s_writer, NULL, NULL), AWS_OP_SUCCESS);
    aws_thread_current_sleep(20 * 1000 * 1000);
    CHECK_INT_EQ(aws_atomic_load_int(&s_written), 0); /* still waiting for the readers */
    CHECK_INT_EQ(aws_rw_lock_runlock(&s_lock), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_rw_lock_runlock(&s_lock), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_thread_join(&writer), AWS_OP_SUCCESS);
    aws_thread_clean_up(&writer);
    CHECK_INT_EQ(aws_atomic_load_int(&s_written), 1);
    struct aws_rw_lock dynamic;
    CHECK_INT_EQ(aws_rw_lock_init(&dynamic), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_rw_lock_wlock(&dynamic), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_rw_lock_try_rlock(&dynamic), AWS_ERROR_MUTEX_TIMEOUT);
    CHECK_INT_EQ(aws_rw_lock_wunlock(&dynamic), AWS_OP_SUCCESS);
    aws_rw_lock_clean_up(&dynamic);
    return 0;
}

int main(void) {
    RUN(test_readers_and_writer);
    return 0;
}

/* Tests of aws/common/cpuid.h, cross_process_lock.h, system_resource_util.h and statistics.h
 * through the C API. */
#include <aws/common/cpuid.h>
#include <aws/common/cross_process_lock.h>
#include <aws/common/statistics.h>
#include <aws/common/system_resource_util.h>

#include "test_support.h"

#include <stdio.h>
#include <unistd.h>

static int test_cpuid(void) {
    CHECK(!aws_cpu_has_feature(AWS_CPU_FEATURE_COUNT));
#if defined(__x86_64__)
    CHECK(!aws_cpu_has_feature(AWS_CPU_FEATURE_ARM_CRC));
#endif
    return 0;
}

static int test_cross_process_lock(void) {
    char nonce[64];
    snprintf(nonce, sizeof(nonce), "awsrs-c-%d", (int)getpid());
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str(nonce);
    struct aws_cross_process_lock *lock = aws_cross_process_lock_try_acquire(aws_default_allocator(), cursor);
    CHECK(lock != NULL);
    aws_reset_error();
    CHECK(aws_cross_process_lock_try_acquire(aws_default_allocator(), cursor) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MUTEX_CALLER_NOT_OWNER);
    aws_cross_process_lock_release(lock);
    lock = aws_cross_process_lock_try_acquire(aws_default_allocator(), cursor);
    CHECK(lock != NULL);
    aws_cross_process_lock_release(lock);
    char path[128];
    snprintf(path, sizeof(path), "/tmp/aws_crt_cross_process_lock/%s.lock", nonce);
    unlink(path);
    return 0;
}

static int test_memory_usage(void) {
    struct aws_memory_usage_stats stats;
    CHECK_INT_EQ(aws_init_memory_usage_for_current_process(&stats), AWS_OP_SUCCESS);
    CHECK(stats.maxrss > 0);
    return 0;
}

static uint64_t s_interval(struct aws_crt_statistics_handler *handler) {
    return (uint64_t)(uintptr_t)handler->impl;
}

static int s_destroyed;
static void s_destroy(struct aws_crt_statistics_handler *handler) {
    (void)handler;
    s_destroyed++;
}

static int test_statistics(void) {
    struct aws_crt_statistics_handler_vtable vtable = {
        .destroy = s_destroy,
        .get_report_interval_ms = s_interval,
    };
    struct aws_crt_statistics_handler handler = {.vtable = &vtable, .impl = (void *)(uintptr_t)250};
    CHECK_INT_EQ(aws_crt_statistics_handler_get_report_interval_ms(&handler), 250);
    aws_crt_statistics_handler_destroy(&handler);
    aws_crt_statistics_handler_destroy(NULL);
    CHECK_INT_EQ(s_destroyed, 1);
    CHECK_INT_EQ(AWS_CRT_STATISTICS_CATEGORY_BEGIN_RANGE(1), 256);
    CHECK_INT_EQ(AWSCRT_STAT_CAT_INVALID, 0);
    return 0;
}

int main(void) {
    RUN(test_cpuid);
    RUN(test_cross_process_lock);
    RUN(test_memory_usage);
    RUN(test_statistics);
    return 0;
}

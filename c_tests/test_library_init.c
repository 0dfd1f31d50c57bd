/* aws/mqtt/mqtt.h and aws/common/common.h: library init and clean-up, and the fatal asserts
 * that abort a program using the library before initialising it. Each abort is observed in a
 * forked child, which must die of SIGABRT. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, fork and friends under -std=c11 */

#include <aws/common/allocator.h>
#include <aws/common/common.h>
#include <aws/common/error.h>
#include <aws/mqtt/mqtt.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h"

/* Runs `assertion` in a forked child, its stderr discarded. Returns how the child ended:
 * the signal that killed it, or 0 if it returned (and exited normally). -1 on a fork error. */
static int s_signal_of_child(void (*assertion)(void)) {
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    if (child < 0) {
        return -1;
    }
    if (child == 0) {
        int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) {
            dup2(null_fd, STDERR_FILENO);
        }
        assertion();
        _exit(0);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) {
        return -1;
    }
    if (WIFSIGNALED(status)) {
        return WTERMSIG(status);
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int test_mqtt_fatal_assert_aborts_before_init(void) {
    CHECK_INT_EQ(s_signal_of_child(aws_mqtt_fatal_assert_library_initialized), SIGABRT);
    return 0;
}

static int test_common_fatal_assert_aborts_before_init(void) {
    CHECK_INT_EQ(s_signal_of_child(aws_common_fatal_assert_library_initialized), SIGABRT);
    return 0;
}

static int test_clean_up_without_init_does_nothing(void) {
    aws_reset_error();
    aws_mqtt_library_clean_up();
    aws_common_library_clean_up();
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(s_signal_of_child(aws_mqtt_fatal_assert_library_initialized), SIGABRT);
    return 0;
}

static int test_mqtt_fatal_assert_returns_after_init(void) {
    aws_mqtt_library_init(aws_default_allocator());
    aws_mqtt_fatal_assert_library_initialized();
    CHECK_INT_EQ(s_signal_of_child(aws_mqtt_fatal_assert_library_initialized), 0);
    aws_mqtt_library_clean_up();
    return 0;
}

static int test_mqtt_init_initialises_aws_c_common_too(void) {
    aws_mqtt_library_init(aws_default_allocator());
    aws_common_fatal_assert_library_initialized();
    aws_mqtt_library_clean_up();
    /* And clean-up undoes it. */
    CHECK_INT_EQ(s_signal_of_child(aws_common_fatal_assert_library_initialized), SIGABRT);
    return 0;
}

static int test_init_twice_and_clean_up_twice_is_fine(void) {
    aws_mqtt_library_init(aws_default_allocator());
    aws_mqtt_library_init(aws_default_allocator());
    aws_mqtt_fatal_assert_library_initialized();
    aws_mqtt_library_clean_up();
    aws_mqtt_library_clean_up();
    /* Not reference counted, as upstream: the first clean-up ends it. */
    CHECK_INT_EQ(s_signal_of_child(aws_mqtt_fatal_assert_library_initialized), SIGABRT);
    return 0;
}

static int test_init_again_after_clean_up_works(void) {
    aws_mqtt_library_init(aws_default_allocator());
    aws_mqtt_library_clean_up();
    aws_mqtt_library_init(aws_default_allocator());
    CHECK_INT_EQ(s_signal_of_child(aws_mqtt_fatal_assert_library_initialized), 0);
    aws_mqtt_library_clean_up();
    return 0;
}

static int test_init_with_a_null_allocator_is_accepted(void) {
    /* Upstream ignores the allocator here and so accepts NULL; so do we, raising nothing. */
    aws_reset_error();
    aws_mqtt_library_init(NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    aws_mqtt_fatal_assert_library_initialized();
    aws_mqtt_library_clean_up();
    aws_common_library_init(NULL);
    aws_common_fatal_assert_library_initialized();
    aws_common_library_clean_up();
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    return 0;
}

int main(void) {
    RUN(test_mqtt_fatal_assert_aborts_before_init);
    RUN(test_common_fatal_assert_aborts_before_init);
    RUN(test_clean_up_without_init_does_nothing);
    RUN(test_mqtt_fatal_assert_returns_after_init);
    RUN(test_mqtt_init_initialises_aws_c_common_too);
    RUN(test_init_twice_and_clean_up_twice_is_fine);
    RUN(test_init_again_after_clean_up_works);
    RUN(test_init_with_a_null_allocator_is_accepted);
    return 0;
}

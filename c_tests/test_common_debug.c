/* Tests of aws/common/zero.h, assert.h and the stack-trace calls of system_info.h through the C
 * API: the zeroing macros, a failed AWS_FATAL_ASSERT (in a child process: it must report the
 * condition, file and line on stderr and abort), and stack traces printed to a file. */
#define _POSIX_C_SOURCE 200809L
#include <aws/common/assert.h>
#include <aws/common/common.h>
#include <aws/common/system_info.h>
#include <aws/common/zero.h>

#include "test_support.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct s_pair {
    int a;
    char b[13];
};

static int test_zeroing_macros(void) {
    struct s_pair pair = {7, "secret"};
    CHECK(!AWS_IS_ZEROED(pair));
    AWS_ZERO_STRUCT(pair);
    CHECK(AWS_IS_ZEROED(pair));
    char arr[9] = "abcdefgh";
    AWS_ZERO_ARRAY(arr);
    CHECK(aws_is_mem_zeroed(arr, sizeof(arr)));
    char key[21];
    memset(key, 0x5a, sizeof(key));
    aws_secure_zero(key, sizeof(key));
    CHECK(aws_is_mem_zeroed(key, sizeof(key)));
    CHECK(aws_is_mem_zeroed(NULL, 0));
    return 0;
}

static int s_checked(int x) {
    AWS_ERROR_PRECONDITION(x > 0);
    AWS_PRECONDITION(x < 100, "explained");
    AWS_FATAL_ASSERT(x != 50);
    return AWS_OP_SUCCESS;
}

static int test_error_precondition_raises(void) {
    CHECK_FAILS_WITH(s_checked(0), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(s_checked(1), AWS_OP_SUCCESS);
    CHECK(AWS_IMPLIES(0, 0) && AWS_IMPLIES(0, 1) && !AWS_IMPLIES(1, 0));
    CHECK(AWS_IFF(2, 1) && !AWS_IFF(0, 3));
    return 0;
}

static int test_fatal_assert_reports_and_aborts(void) {
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        dup2(fds[1], STDERR_FILENO);
        s_checked(50);
        _exit(0); /* not reached */
    }
    close(fds[1]);
    char out[8192];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof(out) - 1 && (n = read(fds[0], out + got, sizeof(out) - 1 - got)) > 0) {
        got += (size_t)n;
    }
    out[got] = 0;
    close(fds[0]);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK(strstr(out, "x != 50") != NULL);
    CHECK(strstr(out, "test_common_debug.c") != NULL);
    CHECK(strstr(out, "Stack trace") != NULL);
    return 0;
}

static int test_backtrace_to_a_file(void) {
    void *frames[8] = {0};
    size_t n = aws_backtrace(frames, 8);
    CHECK(n > 0 && n <= 8);
    CHECK(frames[0] != NULL);
    FILE *f = tmpfile();
    CHECK(f != NULL);
    aws_backtrace_print(f, NULL);
    rewind(f);
    char text[4096];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    text[len] = 0;
    fclose(f);
    CHECK(strstr(text, "Stack trace:") != NULL);
    aws_backtrace_log(AWS_LL_ERROR); /* no logger installed: nothing to see, nothing to crash */
    aws_debug_break();               /* no debugger attached: returns */
    return 0;
}

int main(void) {
    RUN(test_zeroing_macros);
    RUN(test_error_precondition_raises);
    RUN(test_fatal_assert_reports_and_aborts);
    RUN(test_backtrace_to_a_file);
    return 0;
}

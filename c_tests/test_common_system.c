/* Tests of aws/common/process.h and aws/common/system_info.h through the C API: running a
 * command, the process id and file limits, processor counts and groups, the environment. */
#include <aws/common/process.h>
#include <aws/common/system_info.h>

#include "test_support.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int test_process(void) {
    CHECK_INT_EQ(aws_get_pid(), getpid());
    size_t soft = aws_get_soft_limit_io_handles();
    CHECK(soft > 0 && soft <= aws_get_hard_limit_io_handles());
    CHECK_INT_EQ(aws_set_soft_limit_io_handles(soft), AWS_OP_SUCCESS);

    struct aws_run_command_result result;
    CHECK_INT_EQ(aws_run_command_result_init(aws_default_allocator(), &result), AWS_OP_SUCCESS);
    struct aws_run_command_options options = {.command = "echo '  out  '; exit 2"};
    CHECK_INT_EQ(aws_run_command(aws_default_allocator(), &options, &result), AWS_OP_SUCCESS);
    CHECK(result.std_out != NULL && strcmp(aws_string_c_str(result.std_out), "out") == 0);
    CHECK_INT_EQ(WEXITSTATUS(result.ret_code), 2);
    aws_run_command_result_cleanup(&result);
    return 0;
}

static int test_system_info(void) {
    size_t cpus = aws_system_info_processor_count();
    CHECK(cpus >= 1);
    CHECK(aws_system_info_page_size() >= 4096);
    CHECK_INT_EQ(aws_get_cpu_group_count(), 1);
    CHECK_INT_EQ(aws_get_cpu_count_for_group(0), cpus);
    struct aws_cpu_info info[2];
    aws_get_cpu_ids_for_group(0, info, 2);
    CHECK(info[0].cpu_id == 0 && info[1].cpu_id == 1 && !info[0].suspected_hyper_thread);
    CHECK_INT_EQ(aws_get_platform_build_os(), AWS_PLATFORM_OS_UNIX);
    struct aws_byte_cursor os = aws_get_platform_build_os_string();
    CHECK(aws_byte_cursor_eq_c_str(&os, "Unix"));
    CHECK(!aws_is_debugger_present());

    struct aws_system_environment *env = aws_system_environment_load(aws_default_allocator());
    CHECK(env != NULL);
    CHECK(aws_system_environment_acquire(env) == env);
    aws_system_environment_release(env);
    CHECK_INT_EQ(aws_system_environment_get_processor_count(env), cpus);
    CHECK_INT_EQ(aws_system_environment_get_cpu_group_count(env), 1);
    (void)aws_system_environment_get_virtualization_vendor(env);
    (void)aws_system_environment_get_virtualization_product_name(env);
    aws_system_environment_release(env);
    return 0;
}

int main(void) {
    RUN(test_process);
    RUN(test_system_info);
    return 0;
}

/* Tests of aws/common/command_line_parser.h through the C API: upstream's getopt_long rules
 * (first character of a short option, argument in the next word, positional words, the stray
 * argument of an unknown option), the exported parser state, and subcommand dispatch. */
#include <aws/common/command_line_parser.h>

#include "test_support.h"

#include <string.h>

static const struct aws_cli_option s_options[] = {
    {"verbose", AWS_CLI_OPTIONS_NO_ARGUMENT, NULL, 'v'},
    {"port", AWS_CLI_OPTIONS_REQUIRED_ARGUMENT, NULL, 'p'},
    {NULL, AWS_CLI_OPTIONS_NO_ARGUMENT, NULL, 0},
};

static int test_options_positionals_and_end(void) {
    char *argv[] = {"prog", "--port", "1883", "-vx", "host", "--nope", "stray", NULL};
    int argc = 7;
    int index = -1;
    aws_cli_reset_state();
    CHECK_INT_EQ(aws_cli_optind, 1);

    CHECK_INT_EQ(aws_cli_getopt_long(argc, argv, "vp:", s_options, &index), 'p');
    CHECK_INT_EQ(index, 1);
    CHECK(aws_cli_optarg != NULL && strcmp(aws_cli_optarg, "1883") == 0);
    CHECK_INT_EQ(aws_cli_optind, 3);

    CHECK_INT_EQ(aws_cli_getopt_long(argc, argv, "vp:", s_options, &index), 'v');
    CHECK_INT_EQ(index, 0);
    CHECK(aws_cli_optarg == NULL);

    CHECK_INT_EQ(aws_cli_getopt_long(argc, argv, "vp:", s_options, NULL), 0x02);
    CHECK(aws_cli_positional_arg != NULL && strcmp(aws_cli_positional_arg, "host") == 0);

    CHECK_INT_EQ(aws_cli_getopt_long(argc, argv, "vp:", s_options, NULL), '?');
    CHECK_INT_EQ(aws_cli_getopt_long(argc, argv, "vp:", s_options, NULL), '?');
    CHECK_INT_EQ(aws_cli_getopt_long(argc, argv, "vp:", s_options, NULL), -1);
    CHECK_INT_EQ(aws_cli_optind, 7);

    aws_cli_reset_state();
    CHECK_INT_EQ(aws_cli_optind, 1);
    CHECK(aws_cli_positional_arg == NULL);
    return 0;
}

static int test_missing_argument_is_a_question_mark(void) {
    char *argv[] = {"prog", "-p", NULL};
    aws_cli_reset_state();
    CHECK_INT_EQ(aws_cli_getopt_long(2, argv, "vp:", s_options, NULL), '?');
    CHECK(aws_cli_optarg == NULL);
    CHECK_INT_EQ(aws_cli_getopt_long(2, argv, "vp:", s_options, NULL), -1);
    return 0;
}

static int s_calls;

static int s_on_publish(int argc, char *const argv[], const char *command_name, void *user_data) {
    s_calls++;
    *(int *)user_data = argc;
    return (strcmp(argv[0], "PUBLISH") == 0 && command_name == argv[0]) ? 7 : -5;
}

static int test_dispatch(void) {
    char *argv[] = {"prog", "PUBLISH", "-v", NULL};
    struct aws_cli_subcommand_dispatch table[] = {
        {s_on_publish, "subscribe"},
        {s_on_publish, "publish"},
    };
    int seen_argc = 0;
    CHECK_INT_EQ(aws_cli_dispatch_on_subcommand(3, argv, table, 2, &seen_argc), 7);
    CHECK_INT_EQ(seen_argc, 2);
    CHECK_INT_EQ(s_calls, 1);

    char *other[] = {"prog", "delete", NULL};
    CHECK_FAILS_WITH(aws_cli_dispatch_on_subcommand(2, other, table, 2, NULL), AWS_ERROR_UNIMPLEMENTED);
    CHECK_FAILS_WITH(aws_cli_dispatch_on_subcommand(1, argv, table, 2, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(s_calls, 1);
    return 0;
}

int main(void) {
    RUN(test_options_positionals_and_end);
    RUN(test_missing_argument_is_a_question_mark);
    RUN(test_dispatch);
    return 0;
}

/* Hand-written fragment of aws/common/command_line_parser.h: the subcommand handler's function
 * type, which the generator cannot write, and the common macros. */
#include <aws/common/common.h>

/* Handles a subcommand: argv[0] is the subcommand's word, which command_name also points to. */
typedef int(aws_cli_options_subcommand_fn)(int argc, char *const argv[], const char *command_name, void *user_data);

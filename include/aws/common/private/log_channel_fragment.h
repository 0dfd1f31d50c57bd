/* Hand-written fragment of aws/common/log_channel.h: the channel's function types, which the
 * generator cannot write, and the common macros. */
#include <aws/common/common.h>

struct aws_log_channel;
struct aws_string;

/* Takes one formatted line and sees it written (the channel takes the string). */
typedef int(aws_log_channel_send_fn)(struct aws_log_channel *channel, struct aws_string *output);
/* Frees what the channel holds (not the struct itself, nor its writer). */
typedef void(aws_log_channel_clean_up_fn)(struct aws_log_channel *channel);

/* Hand-written fragment of aws/common/file.h: the path delimiter macros, the directory walk's
 * callback type (which the generator cannot write), FILE, and the common macros. */
#include <aws/common/byte_buf.h>
#include <aws/common/common.h>
#include <aws/common/platform.h>

#include <stdio.h>

#define AWS_PATH_DELIM '/'
#define AWS_PATH_DELIM_STR "/"

struct aws_directory_entry;

/* Called for each entry of a walk; return false to stop it. */
typedef bool(aws_on_directory_entry)(const struct aws_directory_entry *entry, void *user_data);

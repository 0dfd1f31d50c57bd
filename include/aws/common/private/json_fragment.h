/* Hand-written fragment of aws/common/json.h: the iteration callbacks' function types, which
 * the generator cannot write, and the common macros. */
#include <aws/common/byte_buf.h>
#include <aws/common/common.h>

struct aws_json_value;

/* Called for each member of an object; clear *out_should_continue to stop, return AWS_OP_ERR
 * (with an error raised) to fail the walk. */
typedef int(aws_json_on_member_encountered_const_fn)(
    const struct aws_byte_cursor *key,
    const struct aws_json_value *value,
    bool *out_should_continue,
    void *user_data);

/* Called for each element of an array, as the member callback. */
typedef int(aws_json_on_value_encountered_const_fn)(
    size_t index,
    const struct aws_json_value *value,
    bool *out_should_continue,
    void *user_data);

/* Hand-written fragment of aws/auth/signable.h: its function-type typedefs. */
#include <aws/auth/auth.h>

struct aws_array_list;
struct aws_byte_cursor;
struct aws_input_stream;
struct aws_signable;
struct aws_string;

/* Reads a named property of a signable. */
typedef int(aws_signable_get_property_fn)(
    const struct aws_signable *signable,
    const struct aws_string *name,
    struct aws_byte_cursor *out_value);

/* Reads a named property list of a signable. */
typedef int(aws_signable_get_property_list_fn)(
    const struct aws_signable *signable,
    const struct aws_string *name,
    struct aws_array_list **out_list);

/* Reads a signable's payload stream. */
typedef int(aws_signable_get_payload_stream_fn)(
    const struct aws_signable *signable,
    struct aws_input_stream **out_input_stream);

/* Frees a signable. */
typedef void(aws_signable_destroy_fn)(struct aws_signable *signable);

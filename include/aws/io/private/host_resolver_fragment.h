/* Hand-written fragment of aws/io/host_resolver.h: its function-type typedefs, and the headers
 * upstream's host_resolver.h brings in. */
#include <aws/common/ref_count.h>
#include <aws/io/io.h>

struct aws_array_list;
struct aws_host_resolver;
struct aws_string;

/* Receives a resolution's result: err_code 0 and host_addresses (struct aws_host_address
 * items, in the order to try them), or an error code and NULL. The list and its addresses are
 * freed when the callback returns: copy an address with aws_host_address_copy() to keep it. */
typedef void(aws_on_host_resolved_result_fn)(
    struct aws_host_resolver *resolver,
    const struct aws_string *host_name,
    int err_code,
    const struct aws_array_list *host_addresses,
    void *user_data);

/* A blocking resolve function (aws_default_dns_resolve, or the caller's own): appends
 * struct aws_host_address items to output_addresses. Called on a resolver thread. */
typedef int(aws_resolve_host_implementation_fn)(
    struct aws_allocator *allocator,
    const struct aws_string *host_name,
    struct aws_array_list *output_addresses,
    void *user_data);

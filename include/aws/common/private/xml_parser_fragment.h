/* Hand-written fragment of aws/common/xml_parser.h: the node callback's function type, which
 * the generator cannot write, and the headers upstream's xml_parser.h brings in. */
#include <aws/common/array_list.h>
#include <aws/common/byte_buf.h>
#include <aws/common/exports.h>

struct aws_xml_node;

/* Called for each node: return AWS_OP_ERR (with an error raised) to stop the parse; read the
 * node's body or traverse its children, not both, or neither (it is then skipped). */
typedef int(aws_xml_parser_on_node_encountered_fn)(struct aws_xml_node *node, void *user_data);

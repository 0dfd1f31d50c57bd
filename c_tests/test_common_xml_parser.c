/* Tests of aws/common/xml_parser.h through the C API: walking a service-style response with
 * callbacks, attributes, bodies (raw and unescaped), and upstream's errors. */
#include <aws/common/xml_parser.h>

#include "test_support.h"

#include <string.h>

struct seen {
    int nodes;
    char key[32];
    char owner_id[16];
};

static int s_on_child(struct aws_xml_node *node, void *user_data) {
    struct seen *seen = user_data;
    seen->nodes++;
    struct aws_byte_cursor name = aws_xml_node_get_name(node);
    if (aws_byte_cursor_eq_c_str(&name, "Key")) {
        struct aws_byte_buf out = aws_byte_buf_from_empty_array(seen->key, sizeof(seen->key) - 1);
        return aws_xml_node_as_body_unescaped(aws_default_allocator(), node, &out);
    }
    if (aws_byte_cursor_eq_c_str(&name, "Owner")) {
        if (aws_xml_node_get_num_attributes(node) != 1) {
            return aws_raise_error(AWS_ERROR_INVALID_XML);
        }
        struct aws_xml_attribute id = aws_xml_node_get_attribute(node, 0);
        memcpy(seen->owner_id, id.value.ptr, id.value.len);
        struct aws_byte_cursor body;
        return aws_xml_node_as_body(node, &body);
    }
    return AWS_OP_SUCCESS;
}

static int s_on_root(struct aws_xml_node *node, void *user_data) {
    return aws_xml_node_traverse(node, s_on_child, user_data);
}

static int test_parse(void) {
    const char *doc = "<?xml version=\"1.0\"?>\n"
                      "<ListResult><Key>a&lt;b</Key><Owner id=\"42\">me</Owner><Other><x/></Other></ListResult>";
    struct seen seen = {0};
    struct aws_xml_parser_options options = {
        .doc = aws_byte_cursor_from_c_str(doc),
        .on_root_encountered = s_on_root,
        .user_data = &seen,
    };
    CHECK_INT_EQ(aws_xml_parse(aws_default_allocator(), &options), AWS_OP_SUCCESS);
    CHECK_INT_EQ(seen.nodes, 3);
    CHECK(strcmp(seen.key, "a<b") == 0);
    CHECK(strcmp(seen.owner_id, "42") == 0);

    struct seen again = {0};
    options.doc = aws_byte_cursor_from_c_str("<ListResult><Key>x</Key>");
    options.user_data = &again;
    CHECK_FAILS_WITH(aws_xml_parse(aws_default_allocator(), &options), AWS_ERROR_INVALID_XML);
    return 0;
}

static int test_unescape(void) {
    struct aws_byte_buf out;
    CHECK_INT_EQ(aws_byte_buf_init(&out, aws_default_allocator(), 1), AWS_OP_SUCCESS);
    CHECK_INT_EQ(
        aws_byte_buf_append_unescaped_xml(aws_default_allocator(), aws_byte_cursor_from_c_str("&quot;&#65;&apos;"), &out),
        AWS_OP_SUCCESS);
    CHECK(out.len == 3 && memcmp(out.buffer, "\"A'", 3) == 0);
    CHECK_FAILS_WITH(
        aws_byte_buf_append_unescaped_xml(aws_default_allocator(), aws_byte_cursor_from_c_str("&bogus;"), &out),
        AWS_ERROR_INVALID_XML);
    CHECK_INT_EQ(out.len, 3);
    aws_byte_buf_clean_up(&out);
    return 0;
}

int main(void) {
    RUN(test_parse);
    RUN(test_unescape);
    return 0;
}

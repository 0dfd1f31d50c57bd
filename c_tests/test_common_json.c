/* Tests of aws/common/json.h through the C API: building a tree, children that stay valid and
 * belong to their container, parsing, cJSON's text, upstream's quirks and errors. */
#include <aws/common/json.h>

#include "test_support.h"

#include <string.h>

static int test_build_and_print(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_json_value *root = aws_json_value_new_object(alloc);
    struct aws_json_value *list = aws_json_value_new_array(alloc);
    CHECK_INT_EQ(aws_json_value_add_to_object(root, aws_byte_cursor_from_c_str("list"), list), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_json_value_add_array_element(list, aws_json_value_new_number(alloc, 1)), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_json_value_add_array_element(list, aws_json_value_new_boolean(alloc, true)), AWS_OP_SUCCESS);
    CHECK_INT_EQ(
        aws_json_value_add_to_object_c_str(root, "name", aws_json_value_new_string_from_c_str(alloc, "a\"b")),
        AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_json_value_add_to_object_c_str(root, "none", aws_json_value_new_null(alloc)), AWS_OP_SUCCESS);

    struct aws_byte_buf text;
    CHECK_INT_EQ(aws_byte_buf_init(&text, alloc, 1), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_byte_buf_append_json_string(root, &text), AWS_OP_SUCCESS);
    const char *expected = "{\"list\":[1,true],\"name\":\"a\\\"b\",\"none\":null}";
    CHECK(text.len == strlen(expected) && memcmp(text.buffer, expected, text.len) == 0);
    text.len = 0;
    CHECK_INT_EQ(aws_byte_buf_append_json_string_formatted(root, &text), AWS_OP_SUCCESS);
    const char *formatted = "{\n\t\"list\":\t[1, true],\n\t\"name\":\t\"a\\\"b\",\n\t\"none\":\tnull\n}";
    CHECK(text.len == strlen(formatted) && memcmp(text.buffer, formatted, text.len) == 0);

    struct aws_json_value *back = aws_json_value_new_from_string(alloc, aws_byte_cursor_from_buf(&text));
    CHECK(back != NULL);
    CHECK(aws_json_value_compare(root, back, true));
    aws_json_value_destroy(back);
    aws_byte_buf_clean_up(&text);
    aws_json_value_destroy(root);
    return 0;
}

static int test_read(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_json_value *v =
        aws_json_value_new_from_string(alloc, aws_byte_cursor_from_c_str("{\"state\":{\"n\":2.5,\"s\":\"x\"},\"a\":[]}"));
    CHECK(v != NULL && aws_json_value_is_object(v));
    struct aws_json_value *state = aws_json_value_get_from_object_c_str(v, "state");
    CHECK(state != NULL && aws_json_value_has_key_c_str(state, "n"));
    double n = 0;
    CHECK_INT_EQ(aws_json_value_get_number(aws_json_value_get_from_object_c_str(state, "n"), &n), AWS_OP_SUCCESS);
    CHECK(n == 2.5);
    struct aws_byte_cursor s;
    CHECK_INT_EQ(aws_json_value_get_string(aws_json_value_get_from_object_c_str(state, "s"), &s), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&s, "x"));
    CHECK_FAILS_WITH(aws_json_value_get_string(state, &s), AWS_ERROR_INVALID_ARGUMENT);

    struct aws_json_value *array = aws_json_value_get_from_object_c_str(v, "a");
    CHECK_INT_EQ(aws_json_get_array_size(array), 0);
    CHECK(aws_json_get_array_element(array, 0) == NULL);
    aws_reset_error();
    CHECK(aws_json_get_array_element(array, 1) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_INDEX);

    struct aws_json_value *copy = aws_json_value_duplicate(state);
    CHECK_INT_EQ(aws_json_value_remove_from_object_c_str(copy, "n"), AWS_OP_SUCCESS);
    CHECK(!aws_json_value_compare(state, copy, true));
    aws_json_value_destroy(copy);

    CHECK(aws_json_value_new_from_string(alloc, aws_byte_cursor_from_c_str("{oops")) == NULL);
    aws_json_value_destroy(v);
    return 0;
}

static int s_sum(size_t index, const struct aws_json_value *value, bool *out_should_continue, void *user_data) {
    (void)index;
    (void)out_should_continue;
    double n = 0;
    if (aws_json_value_get_number(value, &n)) {
        return AWS_OP_ERR;
    }
    *(double *)user_data += n;
    return AWS_OP_SUCCESS;
}

static int test_iterate(void) {
    struct aws_json_value *v = aws_json_value_new_from_string(aws_default_allocator(), aws_byte_cursor_from_c_str("[1,2,3.5]"));
    double sum = 0;
    CHECK_INT_EQ(aws_json_const_iterate_array(v, s_sum, &sum), AWS_OP_SUCCESS);
    CHECK(sum == 6.5);
    CHECK_FAILS_WITH(aws_json_const_iterate_object(v, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    aws_json_value_destroy(v);
    return 0;
}

int main(void) {
    RUN(test_build_and_print);
    RUN(test_read);
    RUN(test_iterate);
    return 0;
}

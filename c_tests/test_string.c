/* Tests of aws/common/string.h through the C API: making strings from every source, literals
 * that are never freed, comparison, and the error every malformed argument raises. */
#include <aws/common/string.h>

#include "test_support.h"

#include <stdlib.h>
#include <string.h>

AWS_STATIC_STRING_FROM_LITERAL(s_hello_literal, "hello");
AWS_STATIC_STRING_FROM_LITERAL(s_empty_literal, "");
AWS_STRING_FROM_LITERAL(g_world_literal, "world");

#include "counting_allocator.h"

static int test_layout_matches_upstream(void) {
    CHECK_INT_EQ(offsetof(struct aws_string, allocator), 0);
    CHECK_INT_EQ(offsetof(struct aws_string, len), sizeof(void *));
    CHECK_INT_EQ(offsetof(struct aws_string, bytes), 2 * sizeof(void *));
    return 0;
}

static int test_new_from_each_source(void) {
    struct aws_string *a = aws_string_new_from_c_str(&s_counting, "hello");
    CHECK(a != NULL);
    CHECK(a->allocator == &s_counting);
    CHECK_INT_EQ(a->len, 5);
    CHECK(strcmp(aws_string_c_str(a), "hello") == 0);
    CHECK(aws_string_bytes(a) == a->bytes);
    CHECK_INT_EQ(a->bytes[5], 0);
    CHECK(aws_string_is_valid(a));

    const uint8_t raw[] = {'h', 'e', 'l', 'l', 'o'};
    struct aws_string *b = aws_string_new_from_array(&s_counting, raw, sizeof(raw));
    struct aws_byte_cursor cur = aws_byte_cursor_from_c_str("hello");
    struct aws_string *c = aws_string_new_from_cursor(&s_counting, &cur);
    struct aws_byte_buf buf = aws_byte_buf_from_c_str("hello");
    struct aws_string *d = aws_string_new_from_buf(&s_counting, &buf);
    struct aws_string *e = aws_string_new_from_string(&s_counting, a);
    CHECK(b && c && d && e);
    CHECK(aws_string_eq(a, b) && aws_string_eq(a, c) && aws_string_eq(a, d) && aws_string_eq(a, e));
    CHECK(aws_string_eq(a, s_hello_literal));
    CHECK_INT_EQ(s_live_blocks, 5);

    struct aws_string *empty = aws_string_new_from_array(&s_counting, NULL, 0);
    CHECK(empty != NULL);
    CHECK_INT_EQ(empty->len, 0);
    CHECK(strcmp(aws_string_c_str(empty), "") == 0);
    CHECK(aws_string_eq(empty, s_empty_literal));

    /* bytes after a NUL are kept: a string may hold binary data */
    const uint8_t binary[] = {'a', 0, 'b'};
    struct aws_string *bin = aws_string_new_from_array(&s_counting, binary, sizeof(binary));
    CHECK_INT_EQ(bin->len, 3);
    CHECK(memcmp(aws_string_bytes(bin), binary, 3) == 0);
    CHECK(!aws_string_eq_c_str(bin, "a"));

    aws_string_destroy(a);
    aws_string_destroy(b);
    aws_string_destroy(c);
    aws_string_destroy(d);
    aws_string_destroy_secure(e);
    aws_string_destroy(empty);
    aws_string_destroy_secure(bin);
    aws_string_destroy(NULL);
    aws_string_destroy_secure(NULL);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_bad_arguments_give_null_and_an_error(void) {
    aws_reset_error();
    CHECK(aws_string_new_from_c_str(NULL, "x") == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_string_new_from_c_str(&s_counting, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_string_new_from_array(&s_counting, NULL, 3) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_string_new_from_cursor(&s_counting, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    struct aws_byte_cursor broken = {.len = 2, .ptr = NULL};
    CHECK(aws_string_new_from_cursor(&s_counting, &broken) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_string_new_from_buf(&s_counting, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_string_new_from_string(&s_counting, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_string_c_str(NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_string_bytes(NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_string_clone_or_reuse(&s_counting, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(!aws_string_is_valid(NULL));
    CHECK(!aws_c_string_is_valid(NULL));
    CHECK(aws_c_string_is_valid(""));
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_literals_are_never_freed(void) {
    CHECK(s_hello_literal->allocator == NULL);
    CHECK_INT_EQ(s_hello_literal->len, 5);
    CHECK(aws_string_is_valid(s_hello_literal));
    CHECK(aws_string_eq_c_str(s_hello_literal, "hello"));
    CHECK(aws_string_eq_c_str(g_world_literal, "world"));
    CHECK_INT_EQ(s_empty_literal->len, 0);

    struct aws_string *same = aws_string_clone_or_reuse(&s_counting, s_hello_literal);
    CHECK(same == s_hello_literal);
    aws_string_destroy(same);
    aws_string_destroy_secure(same); /* read-only memory is left alone */
    CHECK(aws_string_eq_c_str(s_hello_literal, "hello"));

    struct aws_string *owned = aws_string_new_from_c_str(&s_counting, "owned");
    struct aws_string *copy = aws_string_clone_or_reuse(&s_counting, owned);
    CHECK(copy != owned);
    CHECK(aws_string_eq(copy, owned));
    aws_string_destroy(copy);
    aws_string_destroy(owned);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_comparisons(void) {
    struct aws_string *abc = aws_string_new_from_c_str(&s_counting, "abc");
    struct aws_string *ABC = aws_string_new_from_c_str(&s_counting, "ABC");
    struct aws_string *ab = aws_string_new_from_c_str(&s_counting, "ab");

    CHECK(aws_string_eq(abc, abc));
    CHECK(!aws_string_eq(abc, ABC));
    CHECK(aws_string_eq_ignore_case(abc, ABC));
    CHECK(aws_string_eq(NULL, NULL));
    CHECK(!aws_string_eq(abc, NULL));
    CHECK(!aws_string_eq_ignore_case(NULL, abc));

    struct aws_byte_cursor cur = aws_byte_cursor_from_c_str("abc");
    CHECK(aws_string_eq_byte_cursor(abc, &cur));
    CHECK(!aws_string_eq_byte_cursor(ABC, &cur));
    CHECK(aws_string_eq_byte_cursor_ignore_case(ABC, &cur));
    CHECK(aws_string_eq_byte_cursor(NULL, NULL));
    CHECK(!aws_string_eq_byte_cursor(abc, NULL));

    struct aws_byte_buf buf = aws_byte_buf_from_c_str("abc");
    CHECK(aws_string_eq_byte_buf(abc, &buf));
    CHECK(aws_string_eq_byte_buf_ignore_case(ABC, &buf));
    CHECK(!aws_string_eq_byte_buf(ab, &buf));
    CHECK(aws_string_eq_byte_buf(NULL, NULL));

    CHECK(aws_string_eq_c_str(abc, "abc"));
    CHECK(!aws_string_eq_c_str(abc, "abcd"));
    CHECK(aws_string_eq_c_str_ignore_case(ABC, "abc"));
    CHECK(aws_string_eq_c_str(NULL, NULL));
    CHECK(!aws_string_eq_c_str(NULL, "abc"));

    CHECK(aws_string_compare(ab, abc) < 0);
    CHECK(aws_string_compare(abc, ab) > 0);
    CHECK(aws_string_compare(ABC, abc) < 0);
    CHECK_INT_EQ(aws_string_compare(abc, abc), 0);
    CHECK(aws_string_compare(NULL, abc) < 0);
    CHECK(aws_string_compare(abc, NULL) > 0);
    CHECK_INT_EQ(aws_string_compare(NULL, NULL), 0);

    /* a malformed cursor or buffer is an error, not a NULL */
    struct aws_byte_cursor broken = {.len = 1, .ptr = NULL};
    aws_reset_error();
    CHECK(!aws_string_eq_byte_cursor(abc, &broken));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_byte_buf bad = buf;
    bad.len = bad.capacity + 1;
    aws_reset_error();
    CHECK(!aws_string_eq_byte_buf(abc, &bad));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    aws_string_destroy(abc);
    aws_string_destroy(ABC);
    aws_string_destroy(ab);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_cursor_from_string(void) {
    struct aws_byte_cursor c = aws_byte_cursor_from_string(s_hello_literal);
    CHECK_INT_EQ(c.len, 5);
    CHECK(c.ptr == s_hello_literal->bytes);
    CHECK(aws_byte_cursor_eq_c_str(&c, "hello"));

    aws_reset_error();
    c = aws_byte_cursor_from_string(NULL);
    CHECK(c.ptr == NULL && c.len == 0);
    CHECK_INT_EQ(aws_last_error(), 0);
    return 0;
}

static int test_space_and_lengths(void) {
    CHECK(aws_char_is_space(' ') && aws_char_is_space('\t') && aws_char_is_space('\n'));
    CHECK(aws_char_is_space('\r') && aws_char_is_space('\f') && aws_char_is_space('\v'));
    CHECK(!aws_char_is_space('a') && !aws_char_is_space(0) && !aws_char_is_space(0xA0));

    struct aws_byte_cursor padded = aws_byte_cursor_from_c_str("  text \n");
    struct aws_byte_cursor trimmed = aws_byte_cursor_trim_pred(&padded, aws_char_is_space);
    CHECK(aws_byte_cursor_eq_c_str(&trimmed, "text"));

    size_t len = 0;
    CHECK_INT_EQ(aws_secure_strlen("abc", 10, &len), AWS_OP_SUCCESS);
    CHECK_INT_EQ(len, 3);
    CHECK_FAILS_WITH(aws_secure_strlen("abc", 3, &len), AWS_ERROR_C_STRING_BUFFER_NOT_NULL_TERMINATED);
    CHECK_FAILS_WITH(aws_secure_strlen(NULL, 3, &len), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_secure_strlen("abc", 4, NULL), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

int main(void) {
    RUN(test_layout_matches_upstream);
    RUN(test_new_from_each_source);
    RUN(test_bad_arguments_give_null_and_an_error);
    RUN(test_literals_are_never_freed);
    RUN(test_comparisons);
    RUN(test_cursor_from_string);
    RUN(test_space_and_lengths);
    return 0;
}

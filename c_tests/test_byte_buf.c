/* Tests of aws/common/byte_buf.h through the C API: cursors, fixed and growing buffers,
 * comparison, splitting, trimming, and the error every malformed argument raises. */
#include <aws/common/byte_buf.h>

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counting_allocator.h"

/* An allocator that always fails, to see what an out-of-memory error leaves behind. */
static void *s_failing_acquire(struct aws_allocator *allocator, size_t size) {
    (void)allocator;
    (void)size;
    return NULL;
}

static struct aws_allocator s_failing = {
    .mem_acquire = s_failing_acquire,
    .mem_release = s_counting_release,
};

static bool s_is_dash(uint8_t value) {
    return value == '-';
}

static int test_cursors_from_c_strings_and_arrays(void) {
    struct aws_byte_cursor c = aws_byte_cursor_from_c_str("hello");
    CHECK_INT_EQ(c.len, 5);
    CHECK(memcmp(c.ptr, "hello", 5) == 0);

    aws_reset_error();
    c = aws_byte_cursor_from_c_str(NULL);
    CHECK(c.ptr == NULL);
    CHECK_INT_EQ(c.len, 0);
    CHECK_INT_EQ(aws_last_error(), 0);

    uint8_t bytes[] = {1, 2, 3};
    c = aws_byte_cursor_from_array(bytes, sizeof(bytes));
    CHECK(c.ptr == bytes);
    CHECK_INT_EQ(c.len, 3);
    c = aws_byte_cursor_from_array(NULL, 0);
    CHECK(c.ptr == NULL && c.len == 0);

    aws_reset_error();
    c = aws_byte_cursor_from_array(NULL, 4);
    CHECK(c.ptr == NULL && c.len == 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    struct aws_byte_cursor lit = AWS_BYTE_CUR_INIT_FROM_STRING_LITERAL("lit");
    CHECK_INT_EQ(lit.len, 3);
    CHECK(aws_byte_cursor_eq_c_str(&lit, "lit"));

    char printed[16];
    snprintf(printed, sizeof(printed), "[" PRInSTR "]", AWS_BYTE_CURSOR_PRI(lit));
    CHECK(strcmp(printed, "[lit]") == 0);
    return 0;
}

static int test_validity_checks(void) {
    struct aws_byte_cursor c = {.len = 2, .ptr = NULL};
    CHECK(!aws_byte_cursor_is_valid(&c));
    CHECK(!aws_byte_cursor_is_valid(NULL));
    c.len = 0;
    CHECK(aws_byte_cursor_is_valid(&c));

    struct aws_byte_buf b = {0};
    CHECK(aws_byte_buf_is_valid(&b));
    CHECK(!aws_byte_buf_is_valid(NULL));
    uint8_t storage[4] = {0};
    b = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK(aws_byte_buf_is_valid(&b));
    b.len = 5;
    CHECK(!aws_byte_buf_is_valid(&b));
    return 0;
}

static int test_buffers_over_caller_memory(void) {
    char text[] = "abc";
    struct aws_byte_buf b = aws_byte_buf_from_c_str(text);
    CHECK_INT_EQ(b.len, 3);
    CHECK_INT_EQ(b.capacity, 3);
    CHECK(b.buffer == (uint8_t *)text);
    CHECK(b.allocator == NULL);
    CHECK(aws_byte_buf_eq_c_str(&b, "abc"));

    char printed[16];
    snprintf(printed, sizeof(printed), PRInSTR, AWS_BYTE_BUF_PRI(b));
    CHECK(strcmp(printed, "abc") == 0);

    b = aws_byte_buf_from_c_str(NULL);
    CHECK(b.buffer == NULL && b.len == 0 && b.capacity == 0);
    b = aws_byte_buf_from_c_str("");
    CHECK(b.buffer == NULL && b.len == 0);

    uint8_t storage[8] = {0};
    b = aws_byte_buf_from_array(storage, sizeof(storage));
    CHECK_INT_EQ(b.len, 8);
    CHECK_INT_EQ(b.capacity, 8);
    b = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK_INT_EQ(b.len, 0);
    CHECK_INT_EQ(b.capacity, 8);

    aws_reset_error();
    b = aws_byte_buf_from_array(NULL, 3);
    CHECK(b.buffer == NULL && b.capacity == 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    b = aws_byte_buf_from_empty_array(NULL, 3);
    CHECK(b.buffer == NULL && b.capacity == 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_init_and_clean_up(void) {
    struct aws_byte_buf b;
    CHECK_INT_EQ(aws_byte_buf_init(&b, &s_counting, 16), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.len, 0);
    CHECK_INT_EQ(b.capacity, 16);
    CHECK(b.allocator == &s_counting);
    CHECK_INT_EQ(s_live_blocks, 1);
    aws_byte_buf_clean_up(&b);
    CHECK(b.buffer == NULL && b.allocator == NULL && b.capacity == 0);
    CHECK_INT_EQ(s_live_blocks, 0);
    aws_byte_buf_clean_up(&b); /* cleaning an empty buffer again is harmless */

    CHECK_INT_EQ(aws_byte_buf_init(&b, &s_counting, 0), AWS_OP_SUCCESS);
    CHECK(b.buffer == NULL && b.allocator == &s_counting);
    aws_byte_buf_clean_up(&b);

    CHECK_FAILS_WITH(aws_byte_buf_init(NULL, &s_counting, 4), AWS_ERROR_INVALID_ARGUMENT);
    memset(&b, 0xAB, sizeof(b));
    CHECK_FAILS_WITH(aws_byte_buf_init(&b, NULL, 4), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(b.buffer == NULL && b.len == 0 && b.capacity == 0 && b.allocator == NULL);
    CHECK_FAILS_WITH(aws_byte_buf_init(&b, &s_failing, 4), AWS_ERROR_OOM);
    CHECK(b.buffer == NULL && b.capacity == 0);

    aws_reset_error();
    aws_byte_buf_clean_up(NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_init_copies(void) {
    struct aws_byte_buf src;
    CHECK_INT_EQ(aws_byte_buf_init(&src, &s_counting, 10), AWS_OP_SUCCESS);
    struct aws_byte_cursor abc = aws_byte_cursor_from_c_str("abc");
    CHECK_INT_EQ(aws_byte_buf_append(&src, &abc), AWS_OP_SUCCESS);

    struct aws_byte_buf copy;
    CHECK_INT_EQ(aws_byte_buf_init_copy(&copy, aws_default_allocator(), &src), AWS_OP_SUCCESS);
    CHECK(copy.buffer != src.buffer);
    CHECK_INT_EQ(copy.len, 3);
    CHECK_INT_EQ(copy.capacity, 10);
    CHECK(copy.allocator == aws_default_allocator());
    CHECK(aws_byte_buf_eq(&copy, &src));
    aws_byte_buf_clean_up(&copy);

    struct aws_byte_buf empty = {0};
    CHECK_INT_EQ(aws_byte_buf_init_copy(&copy, aws_default_allocator(), &empty), AWS_OP_SUCCESS);
    CHECK(copy.buffer == NULL && copy.allocator == aws_default_allocator());
    aws_byte_buf_clean_up(&copy);

    CHECK_FAILS_WITH(aws_byte_buf_init_copy(&copy, aws_default_allocator(), NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_byte_buf_init_copy(NULL, aws_default_allocator(), &src), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_byte_buf_init_copy(&copy, NULL, &src), AWS_ERROR_INVALID_ARGUMENT);

    CHECK_INT_EQ(aws_byte_buf_init_copy_from_cursor(&copy, aws_default_allocator(), abc), AWS_OP_SUCCESS);
    CHECK_INT_EQ(copy.len, 3);
    CHECK_INT_EQ(copy.capacity, 3);
    CHECK(aws_byte_cursor_eq_byte_buf(&abc, &copy));
    aws_byte_buf_clean_up(&copy);

    struct aws_byte_cursor none = {0};
    CHECK_INT_EQ(aws_byte_buf_init_copy_from_cursor(&copy, aws_default_allocator(), none), AWS_OP_SUCCESS);
    CHECK(copy.buffer == NULL && copy.len == 0);
    aws_byte_buf_clean_up(&copy);

    struct aws_byte_cursor broken = {.len = 3, .ptr = NULL};
    CHECK_FAILS_WITH(
        aws_byte_buf_init_copy_from_cursor(&copy, aws_default_allocator(), broken), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(copy.buffer == NULL && copy.allocator == NULL);
    CHECK_FAILS_WITH(aws_byte_buf_init_copy_from_cursor(&copy, NULL, abc), AWS_ERROR_INVALID_ARGUMENT);

    aws_byte_buf_clean_up(&src);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_append_into_a_fixed_buffer(void) {
    uint8_t storage[5] = {0};
    struct aws_byte_buf b = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    struct aws_byte_cursor abc = aws_byte_cursor_from_c_str("abc");
    CHECK_INT_EQ(aws_byte_buf_append(&b, &abc), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_byte_buf_append(&b, &abc), AWS_ERROR_DEST_COPY_TOO_SMALL);
    CHECK_INT_EQ(b.len, 3);
    CHECK(aws_byte_buf_eq_c_str(&b, "abc"));

    /* a buffer may append a piece of itself */
    struct aws_byte_cursor head = {.len = 2, .ptr = b.buffer};
    CHECK_INT_EQ(aws_byte_buf_append(&b, &head), AWS_OP_SUCCESS);
    CHECK(aws_byte_buf_eq_c_str(&b, "abcab"));

    /* auto append picks the fixed path without an allocator */
    struct aws_byte_cursor one = aws_byte_cursor_from_c_str("x");
    CHECK_FAILS_WITH(aws_byte_buf_append_auto(&b, &one), AWS_ERROR_DEST_COPY_TOO_SMALL);

    CHECK_FAILS_WITH(aws_byte_buf_append(NULL, &abc), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_byte_buf_append(&b, NULL), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_byte_cursor broken = {.len = 1, .ptr = NULL};
    CHECK_FAILS_WITH(aws_byte_buf_append(&b, &broken), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_byte_buf bad = b;
    bad.len = bad.capacity + 1;
    CHECK_FAILS_WITH(aws_byte_buf_append(&bad, &one), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_append_grows_an_owned_buffer(void) {
    struct aws_byte_buf b;
    CHECK_INT_EQ(aws_byte_buf_init(&b, &s_counting, 4), AWS_OP_SUCCESS);
    struct aws_byte_cursor abc = aws_byte_cursor_from_c_str("abc");
    CHECK_INT_EQ(aws_byte_buf_append_dynamic(&b, &abc), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 4);
    CHECK_INT_EQ(aws_byte_buf_append_dynamic(&b, &abc), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 8); /* doubled */
    struct aws_byte_cursor long_text = aws_byte_cursor_from_c_str("0123456789012345678");
    CHECK_INT_EQ(aws_byte_buf_append_dynamic(&b, &long_text), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 25); /* exactly what is needed, more than double */
    CHECK(aws_byte_buf_eq_c_str(&b, "abcabc0123456789012345678"));

    /* appending the buffer to itself while it grows */
    struct aws_byte_cursor own = aws_byte_cursor_from_buf(&b);
    CHECK_INT_EQ(aws_byte_buf_append_dynamic_secure(&b, &own), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.len, 50);
    CHECK(memcmp(b.buffer, b.buffer + 25, 25) == 0);

    CHECK_INT_EQ(aws_byte_buf_append_byte_dynamic(&b, '!'), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_byte_buf_append_byte_dynamic_secure(&b, '?'), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_byte_buf_append_null_terminator(&b), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.len, 53);
    CHECK(strcmp((const char *)b.buffer + 50, "!?") == 0);
    CHECK_INT_EQ(aws_byte_buf_append_auto(&b, &abc), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_live_blocks, 1);
    aws_byte_buf_clean_up_secure(&b);
    CHECK_INT_EQ(s_live_blocks, 0);
    CHECK(b.buffer == NULL && b.capacity == 0);

    uint8_t storage[2] = {0};
    struct aws_byte_buf fixed = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK_FAILS_WITH(aws_byte_buf_append_dynamic(&fixed, &abc), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_byte_buf_append_byte_dynamic(&fixed, 1), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_byte_buf_append_null_terminator(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_byte_buf_append_dynamic(NULL, &abc), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_reserve(void) {
    struct aws_byte_buf b = {0};
    b.allocator = &s_counting;
    CHECK_INT_EQ(aws_byte_buf_reserve(&b, 8), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 8);
    CHECK(b.buffer != NULL);
    struct aws_byte_cursor abc = aws_byte_cursor_from_c_str("abc");
    CHECK_INT_EQ(aws_byte_buf_append(&b, &abc), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_byte_buf_reserve(&b, 4), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 8); /* never shrinks */
    CHECK_INT_EQ(aws_byte_buf_reserve(&b, 20), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 20);
    CHECK(aws_byte_buf_eq_c_str(&b, "abc"));
    CHECK_INT_EQ(aws_byte_buf_reserve_relative(&b, 30), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 33);
    CHECK_FAILS_WITH(aws_byte_buf_reserve_relative(&b, SIZE_MAX), AWS_ERROR_OVERFLOW_DETECTED);
    CHECK_INT_EQ(aws_byte_buf_reserve_smart(&b, 34), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 66);
    CHECK_INT_EQ(aws_byte_buf_reserve_smart_relative(&b, 63), AWS_OP_SUCCESS);
    CHECK_INT_EQ(b.capacity, 66);
    CHECK_INT_EQ(s_live_blocks, 1);

    aws_byte_buf_reset(&b, true);
    CHECK_INT_EQ(b.len, 0);
    CHECK_INT_EQ(b.buffer[0], 0);
    CHECK_INT_EQ(aws_byte_buf_append(&b, &abc), AWS_OP_SUCCESS);
    aws_byte_buf_reset(&b, false);
    CHECK_INT_EQ(b.len, 0);
    CHECK_INT_EQ(b.buffer[0], 'a');
    CHECK_INT_EQ(aws_byte_buf_append(&b, &abc), AWS_OP_SUCCESS);
    aws_byte_buf_secure_zero(&b);
    CHECK_INT_EQ(b.len, 0);
    CHECK_INT_EQ(b.buffer[2], 0);
    aws_byte_buf_clean_up(&b);
    CHECK_INT_EQ(s_live_blocks, 0);

    uint8_t storage[2] = {0};
    struct aws_byte_buf fixed = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK_FAILS_WITH(aws_byte_buf_reserve(&fixed, 10), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_byte_buf_reserve(NULL, 10), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_byte_buf_reserve_relative(NULL, 10), AWS_ERROR_INVALID_ARGUMENT);

    aws_reset_error();
    aws_byte_buf_reset(NULL, true);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_byte_buf_clean_up_secure(NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_comparisons(void) {
    struct aws_byte_cursor abc = aws_byte_cursor_from_c_str("abc");
    struct aws_byte_cursor ABC = aws_byte_cursor_from_c_str("ABC");
    struct aws_byte_cursor ab = aws_byte_cursor_from_c_str("ab");
    CHECK(aws_byte_cursor_eq(&abc, &abc));
    CHECK(!aws_byte_cursor_eq(&abc, &ABC));
    CHECK(aws_byte_cursor_eq_ignore_case(&abc, &ABC));
    CHECK(!aws_byte_cursor_eq_ignore_case(&abc, &ab));
    CHECK(aws_byte_cursor_eq_c_str(&abc, "abc"));
    CHECK(!aws_byte_cursor_eq_c_str(&abc, "abcd"));
    CHECK(!aws_byte_cursor_eq_c_str(&abc, "ab"));
    CHECK(aws_byte_cursor_eq_c_str_ignore_case(&abc, "aBc"));
    CHECK(aws_byte_cursor_starts_with(&abc, &ab));
    CHECK(!aws_byte_cursor_starts_with(&ab, &abc));
    CHECK(aws_byte_cursor_starts_with_ignore_case(&ABC, &ab));

    struct aws_byte_buf buf = aws_byte_buf_from_c_str("abc");
    struct aws_byte_buf BUF = aws_byte_buf_from_c_str("ABC");
    CHECK(aws_byte_cursor_eq_byte_buf(&abc, &buf));
    CHECK(!aws_byte_cursor_eq_byte_buf(&ABC, &buf));
    CHECK(aws_byte_cursor_eq_byte_buf_ignore_case(&ABC, &buf));
    CHECK(aws_byte_buf_eq_ignore_case(&buf, &BUF));
    CHECK(!aws_byte_buf_eq(&buf, &BUF));
    CHECK(aws_byte_buf_eq_c_str_ignore_case(&BUF, "abc"));

    struct aws_byte_cursor empty = {0};
    struct aws_byte_cursor empty_with_ptr = aws_byte_cursor_from_c_str("");
    CHECK(aws_byte_cursor_eq(&empty, &empty_with_ptr));
    CHECK(aws_byte_cursor_eq_c_str(&empty, ""));

    CHECK(aws_byte_cursor_compare_lexical(&ab, &abc) < 0);
    CHECK(aws_byte_cursor_compare_lexical(&abc, &ab) > 0);
    CHECK(aws_byte_cursor_compare_lexical(&ABC, &abc) < 0);
    CHECK_INT_EQ(aws_byte_cursor_compare_lexical(&abc, &abc), 0);
    uint8_t high[] = {0xFF};
    struct aws_byte_cursor h = aws_byte_cursor_from_array(high, 1);
    CHECK(aws_byte_cursor_compare_lexical(&abc, &h) < 0);

    CHECK(aws_array_eq("ab", 2, "ab", 2));
    CHECK(aws_array_eq(NULL, 0, NULL, 0));
    CHECK(aws_array_eq_ignore_case("Ab", 2, "aB", 2));
    CHECK(aws_array_eq_c_str("ab", 2, "ab"));
    CHECK(aws_array_eq_c_str_ignore_case("AB", 2, "ab"));

    /* every comparison answers false, with an error, for a NULL or malformed argument */
    struct aws_byte_cursor broken = {.len = 2, .ptr = NULL};
    aws_reset_error();
    CHECK(!aws_byte_cursor_eq(&abc, NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_cursor_eq(&broken, &abc));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_cursor_eq_ignore_case(NULL, &abc));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_cursor_eq_c_str(&abc, NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_cursor_eq_c_str_ignore_case(NULL, "abc"));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_cursor_eq_byte_buf(&abc, NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_buf_eq(NULL, &buf));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_buf_eq_c_str(&buf, NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_cursor_starts_with(&abc, NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK_INT_EQ(aws_byte_cursor_compare_lexical(NULL, &abc), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_array_eq(NULL, 3, "abc", 3));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_cursor_from_buf_and_advance(void) {
    struct aws_byte_buf buf = aws_byte_buf_from_c_str("hello world");
    struct aws_byte_cursor c = aws_byte_cursor_from_buf(&buf);
    CHECK(c.ptr == buf.buffer);
    CHECK_INT_EQ(c.len, 11);

    struct aws_byte_cursor hello = aws_byte_cursor_advance(&c, 5);
    CHECK(aws_byte_cursor_eq_c_str(&hello, "hello"));
    CHECK(aws_byte_cursor_eq_c_str(&c, " world"));

    struct aws_byte_cursor too_far = aws_byte_cursor_advance(&c, 7);
    CHECK(too_far.ptr == NULL && too_far.len == 0);
    CHECK(aws_byte_cursor_eq_c_str(&c, " world"));
    too_far = aws_byte_cursor_advance_nospec(&c, SIZE_MAX);
    CHECK(too_far.ptr == NULL && too_far.len == 0);

    struct aws_byte_cursor rest = aws_byte_cursor_advance_nospec(&c, 6);
    CHECK(aws_byte_cursor_eq_c_str(&rest, " world"));
    CHECK_INT_EQ(c.len, 0);

    aws_reset_error();
    struct aws_byte_cursor bad = aws_byte_cursor_advance(NULL, 1);
    CHECK(bad.ptr == NULL && bad.len == 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    bad = aws_byte_cursor_from_buf(NULL);
    CHECK(bad.ptr == NULL && bad.len == 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

/* Splits `input` on ';' and checks the pieces, given as one string joined by '|'. */
static int s_check_split(struct aws_byte_cursor input, const char *expected) {
    char joined[64] = "";
    struct aws_byte_cursor piece = {0};
    int count = 0;
    while (aws_byte_cursor_next_split(&input, ';', &piece)) {
        CHECK(count++ < 10);
        if (count > 1) {
            strcat(joined, "|");
        }
        strncat(joined, (const char *)piece.ptr, piece.len);
    }
    CHECK(piece.ptr == NULL && piece.len == 0);
    if (strcmp(joined, expected) != 0) {
        fprintf(stderr, "split gave \"%s\", expected \"%s\"\n", joined, expected);
        return 1;
    }
    return 0;
}

static int test_next_split(void) {
    CHECK(!s_check_split(aws_byte_cursor_from_c_str("a;b;c"), "a|b|c"));
    CHECK(!s_check_split(aws_byte_cursor_from_c_str(""), ""));
    CHECK(!s_check_split(aws_byte_cursor_from_c_str(";A"), "|A"));
    CHECK(!s_check_split(aws_byte_cursor_from_c_str("A;;B"), "A||B"));
    CHECK(!s_check_split(aws_byte_cursor_from_c_str("A;"), "A|"));
    struct aws_byte_cursor none = {0};
    CHECK(!s_check_split(none, ""));

    /* an empty input yields one empty piece */
    struct aws_byte_cursor piece = {0};
    CHECK(aws_byte_cursor_next_split(&none, ';', &piece));
    CHECK_INT_EQ(piece.len, 0);
    CHECK(!aws_byte_cursor_next_split(&none, ';', &piece));

    struct aws_byte_cursor input = aws_byte_cursor_from_c_str("x--y");
    struct aws_byte_cursor dashes = aws_byte_cursor_from_c_str("--");
    AWS_ZERO_STRUCT(piece);
    CHECK(aws_byte_cursor_next_split_on_cursor(&input, dashes, &piece));
    CHECK(aws_byte_cursor_eq_c_str(&piece, "x"));
    CHECK(aws_byte_cursor_next_split_on_cursor(&input, dashes, &piece));
    CHECK(aws_byte_cursor_eq_c_str(&piece, "y"));
    CHECK(!aws_byte_cursor_next_split_on_cursor(&input, dashes, &piece));

    aws_reset_error();
    CHECK(!aws_byte_cursor_next_split(&input, ';', NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_cursor_next_split(NULL, ';', &piece));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    struct aws_byte_cursor nothing = {0};
    AWS_ZERO_STRUCT(piece);
    CHECK(!aws_byte_cursor_next_split_on_cursor(&input, nothing, &piece));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    struct aws_byte_cursor found;
    struct aws_byte_cursor text = aws_byte_cursor_from_c_str("one--two");
    CHECK_INT_EQ(aws_byte_cursor_find_exact(&text, &dashes, &found), AWS_OP_SUCCESS);
    CHECK(aws_byte_cursor_eq_c_str(&found, "--two"));
    struct aws_byte_cursor missing = aws_byte_cursor_from_c_str("three");
    CHECK_FAILS_WITH(aws_byte_cursor_find_exact(&text, &missing, &found), AWS_ERROR_STRING_MATCH_NOT_FOUND);
    CHECK_FAILS_WITH(aws_byte_cursor_find_exact(&text, &nothing, &found), AWS_ERROR_SHORT_BUFFER);
    CHECK_FAILS_WITH(aws_byte_cursor_find_exact(&text, &dashes, NULL), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_trim(void) {
    struct aws_byte_cursor padded = aws_byte_cursor_from_c_str(" \t x y \r\n");
    struct aws_byte_cursor t = aws_byte_cursor_trim_pred(&padded, aws_isspace);
    CHECK(aws_byte_cursor_eq_c_str(&t, "x y"));
    t = aws_byte_cursor_left_trim_pred(&padded, aws_isspace);
    CHECK(aws_byte_cursor_eq_c_str(&t, "x y \r\n"));
    t = aws_byte_cursor_right_trim_pred(&padded, aws_isspace);
    CHECK(aws_byte_cursor_eq_c_str(&t, " \t x y"));

    aws_byte_predicate_fn *dash = s_is_dash;
    struct aws_byte_cursor dashes = aws_byte_cursor_from_c_str("---");
    t = aws_byte_cursor_trim_pred(&dashes, dash);
    CHECK_INT_EQ(t.len, 0);
    CHECK(aws_byte_cursor_satisfies_pred(&dashes, dash));
    CHECK(!aws_byte_cursor_satisfies_pred(&padded, dash));

    aws_reset_error();
    t = aws_byte_cursor_trim_pred(&padded, NULL);
    CHECK(t.ptr == NULL && t.len == 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    t = aws_byte_cursor_left_trim_pred(NULL, dash);
    CHECK(t.ptr == NULL && t.len == 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    t = aws_byte_cursor_right_trim_pred(NULL, dash);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_byte_cursor_satisfies_pred(&padded, NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    CHECK(aws_isspace(' ') && aws_isspace('\v') && !aws_isspace('x') && !aws_isspace(0));
    CHECK(aws_isalnum('z') && aws_isalnum('7') && !aws_isalnum('-'));
    CHECK(aws_isalpha('Q') && !aws_isalpha('1'));
    CHECK(aws_isdigit('0') && !aws_isdigit('a'));
    CHECK(aws_isxdigit('f') && aws_isxdigit('F') && !aws_isxdigit('g'));
    return 0;
}

int main(void) {
    RUN(test_cursors_from_c_strings_and_arrays);
    RUN(test_validity_checks);
    RUN(test_buffers_over_caller_memory);
    RUN(test_init_and_clean_up);
    RUN(test_init_copies);
    RUN(test_append_into_a_fixed_buffer);
    RUN(test_append_grows_an_owned_buffer);
    RUN(test_reserve);
    RUN(test_comparisons);
    RUN(test_cursor_from_buf_and_advance);
    RUN(test_next_split);
    RUN(test_trim);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

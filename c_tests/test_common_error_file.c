/* Tests of the aws/common/error.h extras through the C API: a program's own error table made
 * with AWS_DEFINE_ERROR_INFO, errno translation; and of aws_byte_buf_init_from_file and the
 * aws/common/string.h extras. */
#define _POSIX_C_SOURCE 200809L
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/common/string.h>

#include "counting_allocator.h"
#include "test_support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum my_errors {
    MY_ERROR_BAD_THING = AWS_ERROR_ENUM_BEGIN_RANGE(29),
    MY_ERROR_WORSE_THING,
};

static struct aws_error_info s_my_errors[] = {
    AWS_DEFINE_ERROR_INFO(MY_ERROR_BAD_THING, "A bad thing happened.", "my-lib"),
    AWS_DEFINE_ERROR_INFO(MY_ERROR_WORSE_THING, "A worse thing happened.", "my-lib"),
};

static struct aws_error_info_list s_my_error_list = {
    .error_list = s_my_errors,
    .count = sizeof(s_my_errors) / sizeof(s_my_errors[0]),
};

static int test_registered_errors(void) {
    CHECK_INT_EQ(sizeof(struct aws_error_info), 40);
    CHECK_INT_EQ(sizeof(struct aws_error_info_list), 16);
    aws_register_error_info(&s_my_error_list);
    CHECK_FAILS_WITH(aws_raise_error(MY_ERROR_WORSE_THING), MY_ERROR_WORSE_THING);
    CHECK(strcmp(aws_error_name(MY_ERROR_WORSE_THING), "MY_ERROR_WORSE_THING") == 0);
    CHECK(strcmp(aws_error_str(MY_ERROR_BAD_THING), "A bad thing happened.") == 0);
    CHECK(strcmp(aws_error_lib_name(MY_ERROR_BAD_THING), "my-lib") == 0);
    CHECK(strcmp(aws_error_debug_str(MY_ERROR_BAD_THING), "my-lib: MY_ERROR_BAD_THING, A bad thing happened.") == 0);
    aws_unregister_error_info(&s_my_error_list);
    CHECK(strcmp(aws_error_str(MY_ERROR_BAD_THING), "Unknown Error Code") == 0);
    CHECK_FAILS_WITH(aws_translate_and_raise_io_error(ENOENT), AWS_ERROR_FILE_INVALID_PATH);
    CHECK_FAILS_WITH(aws_translate_and_raise_io_error_or(EIO, AWS_ERROR_FILE_READ_FAILURE), AWS_ERROR_FILE_READ_FAILURE);
    return 0;
}

static int test_file_into_buffer(void) {
    char path[] = "/tmp/aws-c-mqtt-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CHECK(f != NULL);
    fputs("line one\nline two\n", f);
    fclose(f);
    struct aws_byte_buf buf;
    CHECK_INT_EQ(aws_byte_buf_init_from_file(&buf, &s_counting, path), AWS_OP_SUCCESS);
    CHECK(aws_byte_buf_eq_c_str(&buf, "line one\nline two\n"));
    CHECK(buf.capacity > buf.len); /* room for a NUL, as upstream leaves */
    aws_byte_buf_clean_up(&buf);
    remove(path);
    CHECK_FAILS_WITH(aws_byte_buf_init_from_file(&buf, &s_counting, path), AWS_ERROR_FILE_INVALID_PATH);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_sort_strings(void) {
    struct aws_string *words[3] = {
        aws_string_new_from_c_str(&s_counting, "pear"),
        aws_string_new_from_c_str(&s_counting, "apple"),
        aws_string_new_from_c_str(&s_counting, "fig"),
    };
    qsort(words, 3, sizeof(words[0]), aws_array_list_comparator_string);
    CHECK(aws_string_eq_c_str(words[0], "apple") && aws_string_eq_c_str(words[2], "pear"));
    uint8_t storage[4] = {0};
    struct aws_byte_buf buf = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK(aws_byte_buf_write_from_whole_string(&buf, words[1]));
    CHECK(!aws_byte_buf_write_from_whole_string(&buf, words[0]));
    for (int i = 0; i < 3; ++i) {
        aws_string_destroy(words[i]);
    }
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

int main(void) {
    RUN(test_registered_errors);
    RUN(test_file_into_buffer);
    RUN(test_sort_strings);
    return 0;
}

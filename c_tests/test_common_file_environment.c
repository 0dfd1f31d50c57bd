/* Tests of aws/common/file.h and aws/common/environment.h through the C API: a temporary
 * directory tree made, walked, read at an offset and deleted; environment variables set, read
 * and unset; upstream's errors. */
#include <aws/common/environment.h>
#include <aws/common/file.h>
#include <aws/common/string.h>

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct aws_string *s_str(const char *text) {
    return aws_string_new_from_c_str(aws_default_allocator(), text);
}

static bool s_count(const struct aws_directory_entry *entry, void *user_data) {
    if (entry->file_type & AWS_FILE_TYPE_FILE) {
        *(int64_t *)user_data += entry->file_size;
    }
    return true;
}

static int test_tree(void) {
    char root_path[128];
    snprintf(root_path, sizeof(root_path), "/tmp/awsrs-c-file-%d", (int)getpid());
    char sub_path[160];
    snprintf(sub_path, sizeof(sub_path), "%s%csub", root_path, AWS_PATH_DELIM);
    char file_path[192];
    snprintf(file_path, sizeof(file_path), "%s/data.txt", sub_path);

    struct aws_string *root = s_str(root_path);
    struct aws_string *sub = s_str(sub_path);
    struct aws_string *file = s_str(file_path);
    CHECK_INT_EQ(aws_directory_create(root), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_directory_create(sub), AWS_OP_SUCCESS);
    CHECK(aws_directory_exists(sub));

    struct aws_string *mode = s_str("wb");
    FILE *f = aws_fopen_safe(file, mode);
    aws_string_destroy(mode);
    CHECK(f != NULL);
    CHECK_INT_EQ(fwrite("hello world", 1, 11, f), 11);
    int64_t length = 0;
    fflush(f);
    CHECK_INT_EQ(aws_file_get_length(f, &length), AWS_OP_SUCCESS);
    CHECK_INT_EQ(length, 11);
    fclose(f);

    int64_t total = 0;
    CHECK_INT_EQ(aws_directory_traverse(aws_default_allocator(), root, true, s_count, &total), AWS_OP_SUCCESS);
    CHECK_INT_EQ(total, 11);

    uint8_t storage[8] = {0};
    struct aws_byte_buf out = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    size_t read = 0;
    CHECK_INT_EQ(aws_file_path_read_from_offset(file, 6, 100, &out, &read), AWS_OP_SUCCESS);
    CHECK(read == 5 && memcmp(storage, "world", 5) == 0);

    struct aws_directory_iterator *it = aws_directory_entry_iterator_new(aws_default_allocator(), root);
    CHECK(it != NULL);
    const struct aws_directory_entry *entry = aws_directory_entry_iterator_get_value(it);
    CHECK(entry != NULL && (entry->file_type & AWS_FILE_TYPE_DIRECTORY));
    CHECK_FAILS_WITH(aws_directory_entry_iterator_next(it), AWS_ERROR_LIST_EMPTY);
    aws_directory_entry_iterator_destroy(it);

    CHECK_FAILS_WITH(aws_directory_delete(root, false), AWS_ERROR_DIRECTORY_NOT_EMPTY);
    CHECK_INT_EQ(aws_directory_delete(root, true), AWS_OP_SUCCESS);
    CHECK(!aws_path_exists(root));
    CHECK(aws_fopen(file_path, "rb") == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH);

    aws_string_destroy(root);
    aws_string_destroy(sub);
    aws_string_destroy(file);
    return 0;
}

static int test_environment(void) {
    struct aws_string *name = s_str("AWSRS_C_ENV");
    struct aws_string *value = s_str("on");
    CHECK_INT_EQ(aws_set_environment_value(name, value), AWS_OP_SUCCESS);
    CHECK(strcmp(getenv("AWSRS_C_ENV"), "on") == 0);
    struct aws_string *got = aws_get_env(aws_default_allocator(), "AWSRS_C_ENV");
    CHECK(got != NULL && aws_string_eq(got, value));
    aws_string_destroy(got);
    CHECK_INT_EQ(aws_unset_environment_value(name), AWS_OP_SUCCESS);
    CHECK(aws_get_env(aws_default_allocator(), "AWSRS_C_ENV") == NULL);
    CHECK(aws_get_env_nonempty(aws_default_allocator(), "AWSRS_C_ENV") == NULL);
    struct aws_string *home = aws_get_home_directory(aws_default_allocator());
    CHECK(home != NULL);
    aws_string_destroy(home);
    aws_string_destroy(name);
    aws_string_destroy(value);
    return 0;
}

int main(void) {
    RUN(test_tree);
    RUN(test_environment);
    return 0;
}

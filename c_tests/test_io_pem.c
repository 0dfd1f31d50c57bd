/* aws/io/pem.h through the installed headers: the objects of a PEM text with their labels,
 * kinds and decoded bytes; a malformed text; a file; a DER certificate written as PEM and read
 * back. */
#include <aws/common/array_list.h>
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/common/string.h>
#include <aws/io/io.h>
#include <aws/io/pem.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"

static const char TWO_OBJECTS[] = "comment before\n"
                                  "-----BEGIN CERTIFICATE-----\n"
                                  "AQID\n"
                                  "BA==\n"
                                  "-----END CERTIFICATE-----\n"
                                  "-----BEGIN EC PRIVATE KEY-----\n"
                                  "aGVsbG8=\n"
                                  "-----END EC PRIVATE KEY-----\n";

static int check_two(struct aws_array_list *objects) {
    CHECK_INT_EQ(aws_array_list_length(objects), 2);
    struct aws_pem_object *cert = NULL;
    struct aws_pem_object *key = NULL;
    aws_array_list_get_at_ptr(objects, (void **)&cert, 0);
    aws_array_list_get_at_ptr(objects, (void **)&key, 1);
    CHECK_INT_EQ(cert->type, AWS_PEM_TYPE_X509);
    CHECK(aws_string_eq_c_str(cert->type_string, "CERTIFICATE"));
    CHECK_INT_EQ(cert->data.len, 4);
    CHECK(memcmp(cert->data.buffer, "\x01\x02\x03\x04", 4) == 0);
    CHECK_INT_EQ(key->type, AWS_PEM_TYPE_EC_PRIVATE);
    CHECK(aws_byte_buf_eq_c_str(&key->data, "hello"));
    return 0;
}

static int test_pem_text(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_array_list objects;
    CHECK_INT_EQ(aws_pem_objects_init_from_file_contents(&objects, alloc, aws_byte_cursor_from_c_str(TWO_OBJECTS)),
                 AWS_OP_SUCCESS);
    CHECK(check_two(&objects) == 0);
    aws_pem_objects_clean_up(&objects);

    CHECK_FAILS_WITH(aws_pem_objects_init_from_file_contents(&objects, alloc, aws_byte_cursor_from_c_str("nothing")),
                     AWS_ERROR_PEM_MALFORMED);
    CHECK_FAILS_WITH(
        aws_pem_objects_init_from_file_contents(
            &objects, alloc, aws_byte_cursor_from_c_str("-----BEGIN CERTIFICATE-----\nAQID\n")),
        AWS_ERROR_PEM_MALFORMED);
    return 0;
}

static int test_pem_file(void) {
    char path[] = "/tmp/awsrs-io-pem-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_INT_EQ(write(fd, TWO_OBJECTS, strlen(TWO_OBJECTS)), (long long)strlen(TWO_OBJECTS));
    close(fd);
    struct aws_array_list objects;
    CHECK_INT_EQ(aws_pem_objects_init_from_file_path(&objects, aws_default_allocator(), path), AWS_OP_SUCCESS);
    CHECK(check_two(&objects) == 0);
    aws_pem_objects_clean_up(&objects);
    unlink(path);
    aws_reset_error();
    CHECK_INT_EQ(aws_pem_objects_init_from_file_path(&objects, aws_default_allocator(), path), AWS_OP_ERR);
    CHECK(aws_last_error() != 0);
    return 0;
}

static int test_der_to_pem(void) {
    uint8_t der[100];
    for (size_t i = 0; i < sizeof(der); i++) {
        der[i] = (uint8_t)(i * 7);
    }
    struct aws_string *pem = aws_der_cert_to_pem(aws_default_allocator(), aws_byte_cursor_from_array(der, sizeof(der)));
    CHECK(pem != NULL);
    const char *text = aws_string_c_str(pem);
    CHECK(strncmp(text, "-----BEGIN CERTIFICATE-----\n", 28) == 0);
    CHECK(text[28 + 64] == '\n');
    struct aws_array_list objects;
    CHECK_INT_EQ(
        aws_pem_objects_init_from_file_contents(&objects, aws_default_allocator(), aws_byte_cursor_from_string(pem)),
        AWS_OP_SUCCESS);
    struct aws_pem_object *cert = NULL;
    aws_array_list_get_at_ptr(&objects, (void **)&cert, 0);
    CHECK_INT_EQ(cert->data.len, sizeof(der));
    CHECK(memcmp(cert->data.buffer, der, sizeof(der)) == 0);
    aws_pem_objects_clean_up(&objects);
    aws_string_destroy(pem);
    aws_reset_error();
    CHECK(aws_der_cert_to_pem(aws_default_allocator(), aws_byte_cursor_from_array(der, 0)) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    RUN(test_pem_text);
    RUN(test_pem_file);
    RUN(test_der_to_pem);
    aws_io_library_clean_up();
    return 0;
}

/* Hand-written fragment of aws/common/string.h: the macros that make a struct aws_string
 * from a literal at compile time, which the generator cannot write. */
#include <aws/common/exports.h>
#include <aws/common/macros.h>

/* Storage laid out as struct aws_string (allocator, len, then the bytes and their NUL), with
 * room for the whole literal. Its allocator is NULL, so aws_string_destroy leaves it alone. */
#define AWS_PRIVATE_STRING_STORAGE(name, literal)                                                  \
    static const struct {                                                                      \
        struct aws_allocator *allocator;                                                       \
        size_t len;                                                                            \
        uint8_t bytes[sizeof(literal)];                                                        \
    } name##_s = {NULL, sizeof(literal) - 1, {literal}}

/* Defines `static const struct aws_string *name` holding the bytes of `literal`. */
#define AWS_STATIC_STRING_FROM_LITERAL(name, literal)                                              \
    AWS_PRIVATE_STRING_STORAGE(name, literal);                                                     \
    static const struct aws_string *name = (const struct aws_string *)(const void *)&name##_s

/* As AWS_STATIC_STRING_FROM_LITERAL, but `name` itself has external linkage. */
#define AWS_STRING_FROM_LITERAL(name, literal)                                                     \
    AWS_PRIVATE_STRING_STORAGE(name, literal);                                                     \
    const struct aws_string *name = (const struct aws_string *)(const void *)&name##_s

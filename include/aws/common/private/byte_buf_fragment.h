/* Hand-written fragment of aws/common/byte_buf.h: the printf helpers, the literal initialiser
 * and the predicate function type, which the generator cannot write, and the basic headers
 * that upstream's byte_buf.h brings in through aws/common/common.h. */
#include <aws/common/assert.h>
#include <aws/common/common.h>
#include <aws/common/exports.h>
#include <aws/common/macros.h>
#include <aws/common/platform.h>
#include <aws/common/zero.h>

#include <limits.h>
#include <string.h>

/* The printf conversion that takes a length and a pointer, for the two helpers below. */
#ifndef PRInSTR
#    define PRInSTR "%.*s"
#endif

/* Expands to the (int length, const char *pointer) pair PRInSTR expects. A length beyond
 * INT_MAX prints the first INT_MAX bytes. Evaluates its argument more than once. */
#define AWS_BYTE_CURSOR_PRI(C)                                                                     \
    ((C).len > (size_t)INT_MAX ? INT_MAX : (int)(C).len), (const char *)(C).ptr
#define AWS_BYTE_BUF_PRI(B)                                                                        \
    ((B).len > (size_t)INT_MAX ? INT_MAX : (int)(B).len), (const char *)(B).buffer

/* Initialises a struct aws_byte_cursor over a string literal, its NUL excluded. The members
 * are given in declaration order (len, ptr) so the initialiser is valid C and C++. */
#define AWS_BYTE_CUR_INIT_FROM_STRING_LITERAL(literal)                                             \
    { sizeof(literal) - 1, (uint8_t *)(const char *)(literal) }

/* Says whether a byte belongs to a class; used by the trim calls. */
typedef bool(aws_byte_predicate_fn)(uint8_t value);

struct aws_allocator;
struct aws_byte_buf;

#ifdef __cplusplus
extern "C" {
#endif

/* Appends the bytes in use of each `struct aws_byte_buf *` argument (number_of_args of them) to
 * dest; AWS_ERROR_DEST_COPY_TOO_SMALL when one does not fit. C-variadic, so written here
 * (src/ffi/common/byte_buf_varargs.rs defines it). */
int aws_byte_buf_cat(struct aws_byte_buf *dest, size_t number_of_args, ...);

/* Makes dest one buffer from allocator holding the bytes of each `struct aws_byte_cursor *`
 * argument up to a NULL one, and points each cursor at its copy. C-variadic, as above. */
int aws_byte_buf_init_cache_and_update_cursors(struct aws_byte_buf *dest, struct aws_allocator *allocator, ...);

#ifdef __cplusplus
}
#endif

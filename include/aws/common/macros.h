#ifndef AWS_COMMON_MACROS_H
#define AWS_COMMON_MACROS_H
/* Hand-written: the general-purpose macros of upstream's aws/common/macros.h that programs use. */

#include <stddef.h>

#ifdef __cplusplus
#    define AWS_EXTERN_C_BEGIN extern "C" {
#    define AWS_EXTERN_C_END }
#else
#    define AWS_EXTERN_C_BEGIN
#    define AWS_EXTERN_C_END
#endif

/* Upstream raises the warning level of its own headers; ours compile clean under -Wall -Wextra. */
#define AWS_PUSH_SANE_WARNING_LEVEL
#define AWS_POP_SANE_WARNING_LEVEL

#define AWS_CONCAT(A, B) A##B
#define AWS_STATIC_ASSERT0(cond, msg) _Static_assert(cond, #msg)
#ifdef __cplusplus
#    define AWS_STATIC_ASSERT(cond) static_assert(cond, #cond)
#else
#    define AWS_STATIC_ASSERT(cond) _Static_assert(cond, #cond)
#endif

#define AWS_ARRAY_SIZE(array) (sizeof(array) / (sizeof(array[0])))
#define AWS_CONTAINER_OF(ptr, type, member) ((type *)((uint8_t *)(ptr) - offsetof(type, member)))
#define AWS_UNUSED_PARAM(x) (void)(x)

#define AWS_LIKELY(x) __builtin_expect(!!(x), 1)
#define AWS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define AWS_FORCE_INLINE __attribute__((always_inline))
#define AWS_NO_INLINE __attribute__((noinline))
#define AWS_ATTRIBUTE_NORETURN __attribute__((noreturn))
#define AWS_DECLSPEC_NORETURN
#define AWS_THREAD_LOCAL __thread
#define AWS_CACHE_LINE 64

/* printf format for a (length, pointer) pair, as AWS_BYTE_CURSOR_PRI produces. */
#define PRInSTR "%.*s"

/* The rest of upstream's macros.h. */
#define AWS_STATIC_ASSERT1(cond) AWS_STATIC_ASSERT(cond)

/* restrict, in C and (as the GNU extension) in C++. */
#if defined(__cplusplus)
#    define AWS_RESTRICT __restrict__
#else
#    define AWS_RESTRICT restrict
#endif

/* The type of an expression. */
#define AWS_TYPE_OF(a) __typeof__(a)

/* typedef `from` as `to`, aligned on `alignment` bytes. */
#define AWS_ALIGNED_TYPEDEF(from, to, alignment) typedef from to __attribute__((aligned(alignment)))

/* Declares an array whose length is known only at run time. */
#define AWS_VARIABLE_LENGTH_ARRAY(type, name, length) type name[length]

/* Keep a function out of a sanitizer's instrumentation. */
#define AWS_SUPPRESS_ASAN __attribute__((no_sanitize_address))
#define AWS_SUPPRESS_TSAN __attribute__((no_sanitize("thread")))
#define AWS_SUPPRESS_UBSAN __attribute__((no_sanitize("undefined")))

#endif /* AWS_COMMON_MACROS_H */

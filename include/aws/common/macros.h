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

#endif /* AWS_COMMON_MACROS_H */

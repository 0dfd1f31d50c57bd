/* Hand-written fragment of aws/common/math.h: what upstream's header gathers, its size macros,
 * and the one C-variadic function (defined in src/ffi/common/math_varargs.rs). */
#include <aws/common/common.h>
#include <limits.h>
#include <stdlib.h>

/* The number of bits in a size_t. */
#if SIZE_MAX == UINT32_MAX
#    define SIZE_BITS 32
#elif SIZE_MAX == UINT64_MAX
#    define SIZE_BITS 64
#else
#    error "Target not supported"
#endif

/* The largest power of two a size_t holds. */
#define SIZE_MAX_POWER_OF_TWO (((size_t)1) << (SIZE_BITS - 1))

#ifdef __cplusplus
extern "C" {
#endif

/* Adds the `num` size_t arguments that follow into *r; AWS_OP_ERR with
 * AWS_ERROR_OVERFLOW_DETECTED when the sum overflows. */
int aws_add_size_checked_varargs(size_t num, size_t *r, ...);

#ifdef __cplusplus
}
#endif

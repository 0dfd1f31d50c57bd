/* Hand-written fragment of aws/common/zero.h: upstream's zeroing macros. */
#include <string.h>

/* Sets every byte of an object to zero. */
#define AWS_ZERO_STRUCT(object)                                                                    \
    do {                                                                                           \
        memset(&(object), 0, sizeof(object));                                                      \
    } while (0)

/* Sets every byte of an array of known bound to zero. */
#define AWS_ZERO_ARRAY(array) memset((void *)(array), 0, sizeof(array))

/* Whether every byte of an object is zero. */
#define AWS_IS_ZEROED(object) aws_is_mem_zeroed(&(object), sizeof(object))

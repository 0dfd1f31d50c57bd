#ifndef AWS_COMMON_ZERO_H
#define AWS_COMMON_ZERO_H
/* Hand-written: upstream's zeroing macros. */

#include <string.h>

#define AWS_ZERO_STRUCT(object) memset(&(object), 0, sizeof(object))
#define AWS_ZERO_ARRAY(array) memset((void *)(array), 0, sizeof(array))

#endif /* AWS_COMMON_ZERO_H */

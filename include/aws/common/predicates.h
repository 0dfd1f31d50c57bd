#ifndef AWS_COMMON_PREDICATES_H
#define AWS_COMMON_PREDICATES_H
/* Hand-written: upstream's AWS_BYTES_EQ, which compares only in AWS_DEEP_CHECKS builds (it is
 * meant for contracts) and is otherwise true. */

#include <string.h>

#if defined(AWS_DEEP_CHECKS) && (AWS_DEEP_CHECKS == 1)
#    define AWS_BYTES_EQ(arr1, arr2, len) (memcmp(arr1, arr2, len) == 0)
#else
#    define AWS_BYTES_EQ(arr1, arr2, len) (1)
#endif

#endif /* AWS_COMMON_PREDICATES_H */

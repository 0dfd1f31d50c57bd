#ifndef AWS_COMMON_STDBOOL_H
#define AWS_COMMON_STDBOOL_H
/* Hand-written: upstream wraps the system's <stdbool.h>. */
#include <stdbool.h>
#endif /* AWS_COMMON_STDBOOL_H */

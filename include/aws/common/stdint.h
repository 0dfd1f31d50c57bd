#ifndef AWS_COMMON_STDINT_H
#define AWS_COMMON_STDINT_H
/* Hand-written: upstream wraps the system's <stdint.h> and <inttypes.h>. */
#include <inttypes.h>
#include <stdint.h>
#endif /* AWS_COMMON_STDINT_H */

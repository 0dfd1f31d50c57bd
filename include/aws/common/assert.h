#ifndef AWS_COMMON_ASSERT_H
#define AWS_COMMON_ASSERT_H
/* Hand-written: upstream's assertion macros. A failed fatal assertion prints where and aborts. */

#include <stdio.h>
#include <stdlib.h>

#define AWS_FATAL_ASSERT(cond)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "Fatal error condition occurred in %s:%d: %s\nExiting Application\n",  \
                    __FILE__, __LINE__, #cond);                                                    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#ifdef NDEBUG
#    define AWS_ASSERT(cond) ((void)0)
#else
#    define AWS_ASSERT(cond) AWS_FATAL_ASSERT(cond)
#endif

#define AWS_PRECONDITION(...) ((void)0)
#define AWS_POSTCONDITION(...) ((void)0)
#define AWS_FATAL_PRECONDITION(...) ((void)0)
#define AWS_FATAL_POSTCONDITION(...) ((void)0)

#endif /* AWS_COMMON_ASSERT_H */

/* Hand-written fragment of aws/common/rw_lock.h: pthread, and the static initialiser. */
#include <pthread.h>

#if defined(__GLIBC__) && !defined(__USE_XOPEN2K) && !defined(__USE_UNIX98)
/* Strict ISO C (-std=c11 without a POSIX feature macro) hides glibc's pthread_rwlock_t. Give
 * the same storage the same name, so this header compiles there too; glibc's all-zero
 * PTHREAD_RWLOCK_INITIALIZER is the zeroed union. */
typedef union {
    char __size[__SIZEOF_PTHREAD_RWLOCK_T];
    long int __align;
} pthread_rwlock_t;
#    define PTHREAD_RWLOCK_INITIALIZER {{0}}
#endif

/* Initialises a struct aws_rw_lock, unlocked (instead of aws_rw_lock_init). */
#define AWS_RW_LOCK_INIT {.lock_handle = PTHREAD_RWLOCK_INITIALIZER}

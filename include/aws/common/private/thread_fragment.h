/* Hand-written fragment of aws/common/thread.h: pthread, the once-flag initialiser, the name
 * and id-string sizes, and the at-exit callback's function type. */
#include <pthread.h>

/* Initialises an aws_thread_once. */
#define AWS_THREAD_ONCE_STATIC_INIT PTHREAD_ONCE_INIT

/* Linux shows at most this many bytes of a thread's name (its NUL excluded). */
#define AWS_THREAD_NAME_RECOMMENDED_STRLEN 15

/* The buffer size that holds an aws_thread_id_t in hex, with its NUL. */
#define AWS_THREAD_ID_T_REPR_BUFSZ (sizeof(pthread_t) * 2 + 1)

/* A callback aws_thread_current_at_exit registers. */
typedef void(aws_thread_atexit_fn)(void *user_data);

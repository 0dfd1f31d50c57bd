/* Hand-written fragment of aws/common/mutex.h: its static initializer. */
#include <pthread.h>

#define AWS_MUTEX_INIT {.mutex_handle = PTHREAD_MUTEX_INITIALIZER, .initialized = true}

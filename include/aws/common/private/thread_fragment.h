/* Hand-written fragment of aws/common/thread.h. */
#include <pthread.h>

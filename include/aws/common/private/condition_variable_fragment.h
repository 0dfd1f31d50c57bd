/* Hand-written fragment of aws/common/condition_variable.h: its typedef and static initializer. */
#include <pthread.h>
#include <stdbool.h>

typedef bool(aws_condition_predicate_fn)(void *);

#define AWS_CONDITION_VARIABLE_INIT {.condition_handle = PTHREAD_COND_INITIALIZER, .initialized = true}

/* Hand-written fragment of aws/common/atomics.h. */
#define AWS_ATOMIC_VAR_PTRVAL(var) ((var)->value)
#define AWS_ATOMIC_VAR_INTVAL(var) (*(size_t *)(&(var)->value))
#define AWS_ATOMIC_INIT_INT(x) {.value = (void *)(uintptr_t)(x)}
#define AWS_ATOMIC_INIT_PTR(x) {.value = (void *)(x)}

/* Hand-written fragment of aws/common/allocator.h: its one C-variadic function (defined in
 * src/ffi/common/allocator_aligned.rs), which the generator cannot declare. */
#include <stddef.h>

struct aws_allocator;

#ifdef __cplusplus
extern "C" {
#endif

/* Acquires one block from allocator and carves it into `count` pieces: the variadic arguments
 * are `count` pairs of (void **out, size_t size); each *out gets a piece of at least size
 * bytes. Returns the block (release it with aws_mem_release), or NULL. */
void *aws_mem_acquire_many(struct aws_allocator *allocator, size_t count, ...);

#ifdef __cplusplus
}
#endif

/* Hand-written fragment of aws/common/hash_table.h: what upstream's header gathers, the
 * answers of an aws_hash_table_foreach callback (an anonymous enum, as upstream's), and the
 * callbacks' function types. */
#include <aws/common/common.h>

enum {
    AWS_COMMON_HASH_TABLE_ITER_CONTINUE = (1 << 0),
    AWS_COMMON_HASH_TABLE_ITER_DELETE = (1 << 1),
    AWS_COMMON_HASH_TABLE_ITER_ERROR = (1 << 2),
};

/* Hashes a key; a key's hash must not change while it is in a table. */
typedef uint64_t(aws_hash_fn)(const void *key);

/* Compares two keys (or two values, for aws_hash_table_eq). */
typedef bool(aws_hash_callback_eq_fn)(const void *a, const void *b);

/* Destroys a key or a value leaving a table. */
typedef void(aws_hash_callback_destroy_fn)(void *key_or_value);

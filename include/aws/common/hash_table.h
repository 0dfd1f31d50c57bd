/* aws/common/hash_table.h: the hash table type upstream's public headers name. This library
 * exports no hash table functions; the type is here so headers that include this one (such as
 * aws/mqtt/client.h) compile as they do upstream. */
#ifndef AWS_COMMON_HASH_TABLE_H
#define AWS_COMMON_HASH_TABLE_H

#include <aws/common/common.h>

struct hash_table_state;

/* A hash table: a pointer to its state. */
struct aws_hash_table {
    struct hash_table_state *p_impl;
};

#endif /* AWS_COMMON_HASH_TABLE_H */

/* Hand-written fragment of aws/auth/signing_result.h: the headers upstream's signing_result.h
 * brings in. */
#include <aws/auth/auth.h>
#include <aws/common/hash_table.h>

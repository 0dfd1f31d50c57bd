/* Hand-written fragment of aws/common/cbor.h: the common tag numbers (RFC 8949 section 3.4),
 * which upstream defines as macros, and the common macros. */
#include <aws/common/byte_buf.h>
#include <aws/common/common.h>

#define AWS_CBOR_TAG_STANDARD_TIME 0
#define AWS_CBOR_TAG_EPOCH_TIME 1
#define AWS_CBOR_TAG_UNSIGNED_BIGNUM 2
#define AWS_CBOR_TAG_NEGATIVE_BIGNUM 3
#define AWS_CBOR_TAG_DECIMAL_FRACTION 4

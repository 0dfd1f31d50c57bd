/* Hand-written fragment of aws/common/uuid.h: the string lengths, which upstream declares as
 * unnamed enums (the generator writes only named ones), and the common macros. */
#include <aws/common/common.h>

/* 36 characters and the NUL. */
enum { AWS_UUID_STR_LEN = 37 };
/* 32 characters (no dashes) and the NUL. */
enum { AWS_UUID_STR_COMPACT_LEN = 33 };

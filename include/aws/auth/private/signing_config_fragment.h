/* Hand-written fragment of aws/auth/signing_config.h: the should-sign-header callback type and
 * the configuration's one-bit flags, which cbindgen cannot write as bit-fields. Upstream's
 * flags struct is anonymous; the name here only lets the generated header refer to it. */
#include <aws/auth/auth.h>
#include <aws/common/byte_buf.h>
#include <aws/common/date_time.h>

/* Whether a header takes part in the signature. */
typedef bool(aws_should_sign_header_fn)(const struct aws_byte_cursor *name, void *userdata);

typedef struct aws_signing_config_aws_flags {
    /* Encode the (already encoded) path once more: most services but S3 want it. */
    uint32_t use_double_uri_encode : 1;
    /* Resolve '.', '..' and repeated slashes in the path before signing. */
    uint32_t should_normalize_uri_path : 1;
    /* Add the session token after signing, outside the signature (AWS IoT wants it). */
    uint32_t omit_session_token : 1;
} aws_signing_config_aws_flags;

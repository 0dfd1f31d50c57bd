/* Hand-written fragment of aws/auth/signing.h: its function-type typedef. */
#include <aws/auth/auth.h>
#include <aws/auth/signing_config.h>

struct aws_signing_result;

/* Receives a signing's result (NULL on failure) and an error code. */
typedef void(aws_signing_complete_fn)(struct aws_signing_result *result, int error_code, void *userdata);

/* Hand-written fragment of aws/auth/credentials.h: its function-type typedefs, and the headers
 * upstream's credentials.h brings in. */
#include <aws/auth/auth.h>
#include <aws/common/array_list.h>
#include <aws/common/atomics.h>
#include <aws/common/linked_list.h>
#include <aws/http/proxy.h>
#include <aws/io/io.h>

struct aws_credentials;
struct aws_credentials_provider;
struct aws_cognito_identity_provider_token_pair;

/* Receives the outcome of a credentials request: credentials (NULL on failure; the provider
 * keeps its reference) and an error code. */
typedef void(aws_on_get_credentials_callback_fn)(struct aws_credentials *credentials, int error_code, void *user_data);

/* A provider's way of answering a credentials request. */
typedef int(aws_credentials_provider_get_credentials_fn)(
    struct aws_credentials_provider *provider,
    aws_on_get_credentials_callback_fn callback,
    void *user_data);

/* Frees a provider after its last release. */
typedef void(aws_credentials_provider_destroy_fn)(struct aws_credentials_provider *provider);

/* Tells the owner that a provider has finished shutting down. */
typedef void(aws_credentials_provider_shutdown_completed_fn)(void *user_data);

/* A delegate provider's way of answering. */
typedef int(aws_credentials_provider_delegate_get_credentials_fn)(
    void *delegate_user_data,
    aws_on_get_credentials_callback_fn callback,
    void *callback_user_data);

/* Completes a Cognito provider's request for login token pairs. */
typedef void(aws_credentials_provider_cognito_get_token_pairs_completion_fn)(
    struct aws_cognito_identity_provider_token_pair *logins,
    size_t login_count,
    int error_code,
    void *completion_user_data);

/* Asks for the login token pairs of a Cognito provider's next request. */
typedef int(aws_credentials_provider_cognito_get_token_pairs_async_fn)(
    void *get_token_pairs_user_data,
    aws_credentials_provider_cognito_get_token_pairs_completion_fn *completion_callback,
    void *completion_user_data);

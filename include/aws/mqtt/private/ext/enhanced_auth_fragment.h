/* Hand-written fragment of aws/mqtt/ext/enhanced_auth.h: its function-type typedefs. */
#include <aws/mqtt/v5/mqtt5_client.h>

struct aws_mqtt_ext_auth_view;

/* A challenge (AUTH, continue authentication) arrived, on the client's loop: answer it with
 * aws_mqtt_ext_mqtt5_client_continue_auth, now or later, from any thread. */
typedef void(aws_mqtt_ext_auth_challenge_fn)(
    struct aws_mqtt5_client *client,
    const struct aws_mqtt_ext_auth_view *challenge,
    void *user_data);

/* An exchange ended: error_code 0 and the server's success (the CONNACK's method and data as
 * an AUTH success, or a re-authentication's AUTH success), or an error code and NULL. */
typedef void(aws_mqtt_ext_auth_complete_fn)(
    struct aws_mqtt5_client *client,
    int error_code,
    const struct aws_mqtt_ext_auth_view *success,
    void *user_data);

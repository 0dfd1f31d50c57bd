/* Hand-written fragment of aws/io/channel_bootstrap.h: its function-type typedefs, and the
 * headers upstream's channel_bootstrap.h brings in. */
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/io.h>
#include <aws/io/socket.h>

/* Called once a client bootstrap has shut down, after its last release. */
typedef void(aws_client_bootstrap_shutdown_complete_fn)(void *user_data);

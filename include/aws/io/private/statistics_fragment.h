/* Hand-written fragment of aws/io/statistics.h: what upstream's header includes (the category
 * range macros, the TLS negotiation status). */
#include <aws/common/statistics.h>
#include <aws/io/io.h>
#include <aws/io/tls_channel_handler.h>

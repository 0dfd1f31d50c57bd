/* Hand-written fragment of aws/io/shared_library.h: what upstream's header includes. */
#include <aws/io/io.h>

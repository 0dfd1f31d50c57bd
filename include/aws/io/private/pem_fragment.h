/* Hand-written fragment of aws/io/pem.h: what upstream's header includes. */
#include <aws/common/array_list.h>
#include <aws/io/io.h>

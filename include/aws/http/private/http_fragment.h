/* Hand-written fragment of aws/http/http.h. */
#include <aws/common/common.h>
#include <aws/http/exports.h>

#define AWS_C_HTTP_PACKAGE_ID 2

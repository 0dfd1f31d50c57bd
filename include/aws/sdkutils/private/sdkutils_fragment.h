/* Hand-written fragment of aws/sdkutils/sdkutils.h: the package id and the headers upstream's
 * sdkutils.h brings in. */
#include <aws/common/common.h>
#include <aws/common/logging.h>
#include <aws/sdkutils/exports.h>

#define AWS_C_SDKUTILS_PACKAGE_ID 15

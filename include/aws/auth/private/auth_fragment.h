/* Hand-written fragment of aws/auth/auth.h: the package id and the headers upstream's auth.h
 * brings in. */
#include <aws/auth/exports.h>
#include <aws/io/logging.h>
#include <aws/sdkutils/sdkutils.h>

#define AWS_C_AUTH_PACKAGE_ID 6

/* Hand-written fragment of aws/io/io.h. */
#include <aws/common/common.h>
#include <aws/io/exports.h>

#define AWS_C_IO_PACKAGE_ID 1

#ifndef AWS_SDKUTILS_EXPORTS_H
#define AWS_SDKUTILS_EXPORTS_H
/* Hand-written: upstream's export macro for aws-c-sdkutils declarations. */
#include <aws/common/exports.h>
#ifndef AWS_SDKUTILS_API
#    define AWS_SDKUTILS_API AWS_COMMON_API
#endif
#endif /* AWS_SDKUTILS_EXPORTS_H */

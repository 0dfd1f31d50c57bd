#ifndef AWS_AUTH_EXPORTS_H
#define AWS_AUTH_EXPORTS_H
/* Hand-written: upstream's export macro for aws-c-auth declarations. */
#include <aws/common/exports.h>
#ifndef AWS_AUTH_API
#    define AWS_AUTH_API AWS_COMMON_API
#endif
#endif /* AWS_AUTH_EXPORTS_H */

#ifndef AWS_HTTP_EXPORTS_H
#define AWS_HTTP_EXPORTS_H
/* Hand-written: upstream's export macro for aws-c-http declarations. */
#include <aws/common/exports.h>
#endif /* AWS_HTTP_EXPORTS_H */

#ifndef AWS_IO_EXPORTS_H
#define AWS_IO_EXPORTS_H
/* Hand-written: upstream's export macro for aws-c-io declarations. */
#include <aws/common/exports.h>
#endif /* AWS_IO_EXPORTS_H */

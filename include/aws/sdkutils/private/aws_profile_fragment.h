/* Hand-written fragment of aws/sdkutils/aws_profile.h: the headers upstream's aws_profile.h
 * brings in. */
#include <aws/sdkutils/sdkutils.h>

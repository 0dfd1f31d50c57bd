/* Hand-written fragment of aws/io/pkcs11.h: the header upstream's pkcs11.h brings in, and the
 * old spelling of the behaviour enum, which upstream keeps for source compatibility. */
#include <aws/io/io.h>

#define aws_pcks11_lib_behavior aws_pkcs11_lib_behavior

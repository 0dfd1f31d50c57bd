/* Hand-written fragment of aws/io/uri.h: the whole header, as upstream's: aws/common/uri.h. */
#include <aws/common/uri.h>
#include <aws/io/io.h>

/* Hand-written fragment of aws/io/file_utils.h: the whole header, as upstream's: aws/common/file.h. */
#include <aws/common/file.h>

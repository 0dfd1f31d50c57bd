/* Hand-written fragment of aws/http/statistics.h: what upstream's header includes (the category
 * range macros and the package id). */
#include <aws/common/statistics.h>
#include <aws/http/http.h>

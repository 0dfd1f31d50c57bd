/* Hand-written fragment of aws/common/date_time.h: the text lengths, which upstream declares as
 * an unnamed enum (the generator writes only named ones), the C library's struct tm and time_t,
 * and the common macros. */
#include <aws/common/common.h>

#include <time.h>

enum {
    /* The longest date text the parsers accept, and a good size for output buffers. */
    AWS_DATE_TIME_STR_MAX_LEN = 100,
    /* The length of the longest basic ISO 8601 text. */
    AWS_DATE_TIME_STR_MAX_BASIC_LEN = 20,
};

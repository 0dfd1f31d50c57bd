/* Tests of aws/common/date_time.h and aws/common/time.h through the C API: parsing RFC 822 and
 * ISO 8601 as upstream does, writing each format, the field readers and upstream's errors. */
#include <aws/common/date_time.h>
#include <aws/common/time.h>

#include "test_support.h"

#include <string.h>

/* 1994-11-15T08:12:31Z */
static const time_t s_stamp = 784887151;

static int s_parse(const char *text, enum aws_date_format fmt, struct aws_date_time *dt) {
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str(text);
    return aws_date_time_init_from_str_cursor(dt, &cursor, fmt);
}

static int test_parse(void) {
    struct aws_date_time dt;
    CHECK_INT_EQ(s_parse("Tue, 15 Nov 1994 08:12:31 GMT", AWS_DATE_FORMAT_RFC822, &dt), AWS_OP_SUCCESS);
    CHECK_INT_EQ(dt.timestamp, s_stamp);
    CHECK(dt.utc_assumed);
    CHECK(strcmp(dt.tz, "GMT") == 0);
    CHECK_INT_EQ(s_parse("Tue, 15 Nov 1994 09:12:31 +0100", AWS_DATE_FORMAT_RFC822, &dt), AWS_OP_SUCCESS);
    CHECK_INT_EQ(dt.timestamp, s_stamp);
    CHECK_INT_EQ(s_parse("19941115T081231Z", AWS_DATE_FORMAT_ISO_8601, &dt), AWS_OP_SUCCESS);
    CHECK_INT_EQ(dt.timestamp, s_stamp);
    CHECK_INT_EQ(s_parse("1994-11-15T08:12:31.250Z", AWS_DATE_FORMAT_AUTO_DETECT, &dt), AWS_OP_SUCCESS);
    CHECK_INT_EQ(dt.timestamp, s_stamp);

    struct aws_byte_buf buf = aws_byte_buf_from_c_str("1994-11-15T08:12:31Z");
    CHECK_INT_EQ(aws_date_time_init_from_str(&dt, &buf, AWS_DATE_FORMAT_ISO_8601_BASIC), AWS_OP_SUCCESS);
    CHECK_INT_EQ(dt.timestamp, s_stamp);

    CHECK_FAILS_WITH(s_parse("Tue, 15 Nov 1994 08:12:31 PST", AWS_DATE_FORMAT_RFC822, &dt), AWS_ERROR_INVALID_DATE_STR);
    CHECK_FAILS_WITH(s_parse("1994-11-15T08:12:31", AWS_DATE_FORMAT_ISO_8601, &dt), AWS_ERROR_INVALID_DATE_STR);
    char long_text[AWS_DATE_TIME_STR_MAX_LEN + 2];
    memset(long_text, '1', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = 0;
    CHECK_FAILS_WITH(s_parse(long_text, AWS_DATE_FORMAT_ISO_8601, &dt), AWS_ERROR_OVERFLOW_DETECTED);
    return 0;
}

static int test_format_and_fields(void) {
    struct aws_date_time dt;
    aws_date_time_init_epoch_millis(&dt, (uint64_t)s_stamp * 1000 + 42);
    CHECK_INT_EQ(aws_date_time_as_millis(&dt), (uint64_t)s_stamp * 1000 + 42);
    CHECK_INT_EQ(aws_date_time_year(&dt, false), 1994);
    CHECK_INT_EQ(aws_date_time_month(&dt, false), AWS_DATE_MONTH_NOVEMBER);
    CHECK_INT_EQ(aws_date_time_month_day(&dt, false), 15);
    CHECK_INT_EQ(aws_date_time_day_of_week(&dt, false), AWS_DATE_DAY_OF_WEEK_TUESDAY);
    CHECK_INT_EQ(aws_date_time_hour(&dt, false), 8);
    CHECK_INT_EQ(aws_date_time_minute(&dt, false), 12);
    CHECK_INT_EQ(aws_date_time_second(&dt, false), 31);

    uint8_t storage[AWS_DATE_TIME_STR_MAX_LEN] = {0};
    struct aws_byte_buf out = aws_byte_buf_from_empty_array(storage, sizeof(storage));
    CHECK_INT_EQ(aws_date_time_to_utc_time_str(&dt, AWS_DATE_FORMAT_RFC822, &out), AWS_OP_SUCCESS);
    CHECK(out.len == strlen("Tue, 15 Nov 1994 08:12:31 GMT"));
    CHECK(memcmp(storage, "Tue, 15 Nov 1994 08:12:31 GMT", out.len) == 0);
    out.len = 0;
    CHECK_INT_EQ(aws_date_time_to_utc_time_short_str(&dt, AWS_DATE_FORMAT_ISO_8601, &out), AWS_OP_SUCCESS);
    CHECK(out.len == 10 && memcmp(storage, "1994-11-15", 10) == 0);
    CHECK_FAILS_WITH(aws_date_time_to_utc_time_str(&dt, AWS_DATE_FORMAT_AUTO_DETECT, &out), AWS_ERROR_INVALID_ARGUMENT);

    uint8_t tiny[5] = {0};
    struct aws_byte_buf small = aws_byte_buf_from_empty_array(tiny, sizeof(tiny));
    CHECK_FAILS_WITH(aws_date_time_to_local_time_str(&dt, AWS_DATE_FORMAT_ISO_8601, &small), AWS_ERROR_SHORT_BUFFER);

    struct aws_date_time later;
    aws_date_time_init_epoch_secs(&later, (double)s_stamp + 60.5);
    CHECK_INT_EQ(later.milliseconds, 500);
    CHECK_INT_EQ(aws_date_time_diff(&later, &dt), 60);

    struct aws_date_time now;
    aws_date_time_init_now(&now);
    CHECK(aws_date_time_year(&now, false) >= 2024);
    return 0;
}

static int test_time_h(void) {
    struct tm t;
    aws_gmtime(s_stamp, &t);
    CHECK_INT_EQ(t.tm_year, 94);
    CHECK_INT_EQ(aws_timegm(&t), s_stamp);
    struct tm local;
    aws_localtime(s_stamp, &local);
    CHECK_INT_EQ(local.tm_year, 94);
    return 0;
}

int main(void) {
    RUN(test_parse);
    RUN(test_format_and_fields);
    RUN(test_time_h);
    return 0;
}

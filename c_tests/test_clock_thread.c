/* aws/common/clock.h and aws/common/thread.h: the monotonic and wall clocks, timestamp
 * conversions (remainder, saturation, unknown units), sleeping, thread ids and joining the
 * library's managed threads. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, fork and friends under -std=c11 */

#include <aws/common/clock.h>
#include <aws/common/error.h>
#include <aws/common/thread.h>

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "test_support.h"

#define NS_PER_MS 1000000ULL
#define NS_PER_SEC 1000000000ULL

static int test_high_res_clock_never_goes_backwards(void) {
    uint64_t previous = 0;
    CHECK_INT_EQ(aws_high_res_clock_get_ticks(&previous), AWS_OP_SUCCESS);
    for (int i = 0; i < 10000; ++i) {
        uint64_t now = 0;
        CHECK_INT_EQ(aws_high_res_clock_get_ticks(&now), AWS_OP_SUCCESS);
        CHECK(now >= previous);
        previous = now;
    }
    return 0;
}

static int test_high_res_clock_matches_clock_monotonic(void) {
    struct timespec before;
    struct timespec after;
    uint64_t ours = 0;
    CHECK_INT_EQ(clock_gettime(CLOCK_MONOTONIC, &before), 0);
    CHECK_INT_EQ(aws_high_res_clock_get_ticks(&ours), AWS_OP_SUCCESS);
    CHECK_INT_EQ(clock_gettime(CLOCK_MONOTONIC, &after), 0);
    uint64_t low = (uint64_t)before.tv_sec * NS_PER_SEC + (uint64_t)before.tv_nsec;
    uint64_t high = (uint64_t)after.tv_sec * NS_PER_SEC + (uint64_t)after.tv_nsec;
    CHECK(ours >= low && ours <= high);
    return 0;
}

static int test_sys_clock_is_nanoseconds_since_the_epoch(void) {
    struct timespec before;
    struct timespec after;
    uint64_t ours = 0;
    CHECK_INT_EQ(clock_gettime(CLOCK_REALTIME, &before), 0);
    CHECK_INT_EQ(aws_sys_clock_get_ticks(&ours), AWS_OP_SUCCESS);
    CHECK_INT_EQ(clock_gettime(CLOCK_REALTIME, &after), 0);
    uint64_t low = (uint64_t)before.tv_sec * NS_PER_SEC + (uint64_t)before.tv_nsec;
    uint64_t high = (uint64_t)after.tv_sec * NS_PER_SEC + (uint64_t)after.tv_nsec;
    /* Unless the wall clock was set back in between, ours lies between the two readings. */
    CHECK(high < low || (ours >= low && ours <= high));
    /* Later than 2020-01-01T00:00:00Z. */
    CHECK(ours > 1577836800ULL * NS_PER_SEC);
    return 0;
}

static int test_clock_calls_refuse_null(void) {
    CHECK_FAILS_WITH(aws_high_res_clock_get_ticks(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_sys_clock_get_ticks(NULL), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_timestamp_convert_between_units(void) {
    CHECK_INT_EQ(aws_timestamp_convert(3, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_MILLIS, NULL), 3000);
    CHECK_INT_EQ(aws_timestamp_convert(3, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_NANOS, NULL), 3 * NS_PER_SEC);
    CHECK_INT_EQ(aws_timestamp_convert(7, AWS_TIMESTAMP_MILLIS, AWS_TIMESTAMP_MICROS, NULL), 7000);
    CHECK_INT_EQ(aws_timestamp_convert(2500, AWS_TIMESTAMP_MICROS, AWS_TIMESTAMP_MILLIS, NULL), 2);
    CHECK_INT_EQ(aws_timestamp_convert(1999999999, AWS_TIMESTAMP_NANOS, AWS_TIMESTAMP_SECS, NULL), 1);
    CHECK_INT_EQ(aws_timestamp_convert(12345, AWS_TIMESTAMP_MICROS, AWS_TIMESTAMP_MICROS, NULL), 12345);
    CHECK_INT_EQ(aws_timestamp_convert(0, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_NANOS, NULL), 0);
    return 0;
}

static int test_timestamp_convert_reports_what_a_coarser_unit_drops(void) {
    uint64_t remainder = 99;
    CHECK_INT_EQ(aws_timestamp_convert(1500000123, AWS_TIMESTAMP_NANOS, AWS_TIMESTAMP_SECS, &remainder), 1);
    CHECK_INT_EQ(remainder, 500000123);
    CHECK_INT_EQ(aws_timestamp_convert(4321, AWS_TIMESTAMP_MILLIS, AWS_TIMESTAMP_SECS, &remainder), 4);
    CHECK_INT_EQ(remainder, 321);
    CHECK_INT_EQ(aws_timestamp_convert(4000, AWS_TIMESTAMP_MICROS, AWS_TIMESTAMP_MILLIS, &remainder), 4);
    CHECK_INT_EQ(remainder, 0);
    return 0;
}

static int test_timestamp_convert_to_a_finer_or_the_same_unit_has_no_remainder(void) {
    uint64_t remainder = 99;
    CHECK_INT_EQ(aws_timestamp_convert(5, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_NANOS, &remainder), 5 * NS_PER_SEC);
    CHECK_INT_EQ(remainder, 0);
    remainder = 99;
    CHECK_INT_EQ(aws_timestamp_convert(5, AWS_TIMESTAMP_MILLIS, AWS_TIMESTAMP_MILLIS, &remainder), 5);
    CHECK_INT_EQ(remainder, 0);
    return 0;
}

static int test_timestamp_convert_saturates_instead_of_wrapping(void) {
    CHECK(aws_timestamp_convert(UINT64_MAX, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_NANOS, NULL) == UINT64_MAX);
    CHECK(aws_timestamp_convert(UINT64_MAX / 1000 + 1, AWS_TIMESTAMP_MILLIS, AWS_TIMESTAMP_NANOS, NULL) ==
          UINT64_MAX);
    CHECK(aws_timestamp_convert(UINT64_MAX / 1000, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_MILLIS, NULL) ==
          (UINT64_MAX / 1000) * 1000);
    /* The largest value converts exactly toward a coarser unit. */
    uint64_t remainder = 0;
    CHECK(aws_timestamp_convert(UINT64_MAX, AWS_TIMESTAMP_NANOS, AWS_TIMESTAMP_SECS, &remainder) ==
          UINT64_MAX / NS_PER_SEC);
    CHECK(remainder == UINT64_MAX % NS_PER_SEC);
    return 0;
}

static int test_timestamp_convert_u64_handles_any_pair_of_frequencies(void) {
    uint64_t remainder = 99;
    /* 90 ticks at 60 Hz: 1 s, 30 ticks left over (60 is a multiple of 1). */
    CHECK_INT_EQ(aws_timestamp_convert_u64(90, 60, 1, &remainder), 1);
    CHECK_INT_EQ(remainder, 30);
    /* 100 ticks at 3 Hz in milliseconds: 33333 ms; no remainder toward a finer frequency. */
    remainder = 99;
    CHECK_INT_EQ(aws_timestamp_convert_u64(100, 3, 1000, &remainder), 33333);
    CHECK_INT_EQ(remainder, 0);
    /* 1000 Hz to 7 Hz: 1000 is no multiple of 7, so no remainder is reported. */
    remainder = 99;
    CHECK_INT_EQ(aws_timestamp_convert_u64(2000, 1000, 7, &remainder), 14);
    CHECK_INT_EQ(remainder, 0);
    CHECK(aws_timestamp_convert_u64(UINT64_MAX, 1, 2, NULL) == UINT64_MAX);
    return 0;
}

static int test_timestamp_convert_refuses_an_unknown_unit(void) {
    uint64_t remainder = 0;
    aws_reset_error();
    CHECK_INT_EQ(aws_timestamp_convert(5, (enum aws_timestamp_unit)7, AWS_TIMESTAMP_SECS, &remainder), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK_INT_EQ(aws_timestamp_convert(5, AWS_TIMESTAMP_SECS, (enum aws_timestamp_unit)0, NULL), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK_INT_EQ(aws_timestamp_convert(5, (enum aws_timestamp_unit)-1000, AWS_TIMESTAMP_SECS, NULL), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_timestamp_convert_u64_refuses_a_zero_frequency(void) {
    uint64_t remainder = 0;
    aws_reset_error();
    CHECK_INT_EQ(aws_timestamp_convert_u64(5, 0, 1000, &remainder), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK_INT_EQ(aws_timestamp_convert_u64(5, 1000, 0, NULL), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_thread_current_sleep_sleeps_at_least_the_time(void) {
    const uint64_t nap_ns = 15 * NS_PER_MS;
    uint64_t before = 0;
    uint64_t after = 0;
    CHECK_INT_EQ(aws_high_res_clock_get_ticks(&before), AWS_OP_SUCCESS);
    aws_thread_current_sleep(nap_ns);
    CHECK_INT_EQ(aws_high_res_clock_get_ticks(&after), AWS_OP_SUCCESS);
    CHECK(after - before >= nap_ns);
    return 0;
}

static int test_thread_current_sleep_of_zero_returns(void) {
    aws_reset_error();
    aws_thread_current_sleep(0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    return 0;
}

static int test_thread_join_all_managed_succeeds_with_no_managed_threads(void) {
    aws_reset_error();
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    /* Also with a join timeout: nothing to wait for, so it cannot run out. */
    aws_thread_set_managed_join_timeout_ns(NS_PER_MS);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    aws_thread_set_managed_join_timeout_ns(0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_SUCCESS);
    return 0;
}

static int test_thread_id_of_the_current_thread_equals_itself(void) {
    aws_thread_id_t a = aws_thread_current_thread_id();
    aws_thread_id_t b = aws_thread_current_thread_id();
    CHECK(aws_thread_thread_id_equal(a, b));
    CHECK(aws_thread_thread_id_equal(a, pthread_self()));
    return 0;
}

static void *s_record_id(void *arg) {
    *(aws_thread_id_t *)arg = aws_thread_current_thread_id();
    return NULL;
}

static int test_thread_ids_of_two_threads_differ(void) {
    aws_thread_id_t other;
    pthread_t thread;
    CHECK_INT_EQ(pthread_create(&thread, NULL, s_record_id, &other), 0);
    CHECK_INT_EQ(pthread_join(thread, NULL), 0);
    CHECK(aws_thread_thread_id_equal(other, thread));
    CHECK(!aws_thread_thread_id_equal(other, aws_thread_current_thread_id()));
    return 0;
}

int main(void) {
    RUN(test_high_res_clock_never_goes_backwards);
    RUN(test_high_res_clock_matches_clock_monotonic);
    RUN(test_sys_clock_is_nanoseconds_since_the_epoch);
    RUN(test_clock_calls_refuse_null);
    RUN(test_timestamp_convert_between_units);
    RUN(test_timestamp_convert_reports_what_a_coarser_unit_drops);
    RUN(test_timestamp_convert_to_a_finer_or_the_same_unit_has_no_remainder);
    RUN(test_timestamp_convert_saturates_instead_of_wrapping);
    RUN(test_timestamp_convert_u64_handles_any_pair_of_frequencies);
    RUN(test_timestamp_convert_refuses_an_unknown_unit);
    RUN(test_timestamp_convert_u64_refuses_a_zero_frequency);
    RUN(test_thread_current_sleep_sleeps_at_least_the_time);
    RUN(test_thread_current_sleep_of_zero_returns);
    RUN(test_thread_join_all_managed_succeeds_with_no_managed_threads);
    RUN(test_thread_id_of_the_current_thread_equals_itself);
    RUN(test_thread_ids_of_two_threads_differ);
    return 0;
}

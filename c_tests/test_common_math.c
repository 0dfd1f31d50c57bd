/* Tests of aws/common/math.h, byte_order.h, host_utils.h and predicates.h through the C API:
 * checked and saturating arithmetic at the overflow boundary, the C-variadic sum, bit counts,
 * minimum and maximum, byte order, and address literals. */
#include <aws/common/byte_order.h>
#include <aws/common/host_utils.h>
#include <aws/common/math.h>
#include <aws/common/predicates.h>

#include "test_support.h"

static int test_checked_and_saturating(void) {
    uint64_t r64 = 0;
    CHECK_INT_EQ(aws_add_u64_checked(UINT64_MAX - 1, 1, &r64), AWS_OP_SUCCESS);
    CHECK(r64 == UINT64_MAX);
    CHECK_FAILS_WITH(aws_add_u64_checked(UINT64_MAX, 1, &r64), AWS_ERROR_OVERFLOW_DETECTED);
    CHECK_FAILS_WITH(aws_mul_u64_checked(1ull << 32, 1ull << 32, &r64), AWS_ERROR_OVERFLOW_DETECTED);
    uint32_t r32 = 0;
    CHECK_FAILS_WITH(aws_sub_u32_checked(1, 2, &r32), AWS_ERROR_OVERFLOW_DETECTED);
    size_t rs = 0;
    CHECK_INT_EQ(aws_mul_size_checked(3, 5, &rs), AWS_OP_SUCCESS);
    CHECK_INT_EQ(rs, 15);
    CHECK(aws_add_size_saturating(SIZE_MAX, 1) == SIZE_MAX);
    CHECK(aws_sub_u64_saturating(1, 2) == 0);
    CHECK(aws_mul_u32_saturating(UINT32_MAX, 2) == UINT32_MAX);
    CHECK(aws_is_power_of_two(64) && !aws_is_power_of_two(0));
    CHECK_INT_EQ(aws_round_up_to_power_of_two(33, &rs), AWS_OP_SUCCESS);
    CHECK_INT_EQ(rs, 64);
    CHECK_FAILS_WITH(aws_round_up_to_power_of_two(SIZE_MAX_POWER_OF_TWO + 1, &rs), AWS_ERROR_OVERFLOW_DETECTED);
    CHECK_INT_EQ(SIZE_BITS, sizeof(size_t) * 8);
    return 0;
}

static int test_variadic_sum(void) {
    size_t r = 0;
    /* More arguments than registers, so some come from the stack. */
    CHECK_INT_EQ(aws_add_size_checked_varargs(9, &r, (size_t)1, (size_t)2, (size_t)3, (size_t)4, (size_t)5, (size_t)6,
                                              (size_t)7, (size_t)8, (size_t)9),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(r, 45);
    CHECK_INT_EQ(aws_add_size_checked_varargs(0, &r), AWS_OP_SUCCESS);
    CHECK_INT_EQ(r, 0);
    CHECK_FAILS_WITH(aws_add_size_checked_varargs(2, &r, SIZE_MAX, (size_t)1), AWS_ERROR_OVERFLOW_DETECTED);
    return 0;
}

static int test_bits_min_max(void) {
    CHECK_INT_EQ(aws_clz_u32(0), 32);
    CHECK_INT_EQ(aws_ctz_u64(0), 64);
    CHECK_INT_EQ(aws_clz_size(1), SIZE_BITS - 1);
    CHECK_INT_EQ(aws_ctz_i32(8), 3);
    CHECK_INT_EQ(aws_min_i32(-4, 3), -4);
    CHECK_INT_EQ(aws_max_u64(4, 3), 4);
    CHECK(aws_min_double(0.5, 0.25) == 0.25);
    CHECK(aws_max_size(1, 2) == 2);
    return 0;
}

static int test_byte_order(void) {
    CHECK_INT_EQ(aws_is_big_endian(), 0);
    uint32_t net = aws_hton32(0x01020304);
    const uint8_t *bytes = (const uint8_t *)&net;
    CHECK(bytes[0] == 1 && bytes[3] == 4);
    CHECK(aws_ntoh32(net) == 0x01020304);
    CHECK(aws_ntoh16(aws_hton16(0xabcd)) == 0xabcd);
    CHECK(aws_ntoh64(aws_hton64(42)) == 42);
    CHECK(aws_ntohf64(aws_htonf64(1.5)) == 1.5);
    CHECK(aws_letoh16(0x1234) == 0x1234);
    return 0;
}

static int test_host_literals(void) {
    CHECK(aws_host_utils_is_ipv4(aws_byte_cursor_from_c_str("10.0.0.255")));
    CHECK(!aws_host_utils_is_ipv4(aws_byte_cursor_from_c_str("10.0.0.256")));
    CHECK(!aws_host_utils_is_ipv4(aws_byte_cursor_from_c_str("example.com")));
    CHECK(aws_host_utils_is_ipv6(aws_byte_cursor_from_c_str("::1"), false));
    CHECK(aws_host_utils_is_ipv6(aws_byte_cursor_from_c_str("fe80::1%25eth0"), true));
    CHECK(!aws_host_utils_is_ipv6(aws_byte_cursor_from_c_str("1::2::3"), false));
    CHECK(AWS_BYTES_EQ("a", "b", 1)); /* true unless AWS_DEEP_CHECKS */
    return 0;
}

int main(void) {
    RUN(test_checked_and_saturating);
    RUN(test_variadic_sum);
    RUN(test_bits_min_max);
    RUN(test_byte_order);
    RUN(test_host_literals);
    return 0;
}

//! Tests of `aws/common/math.h`, `byte_order.h` and `host_utils.h`, edge cases first: the
//! overflow boundaries, zero for the bit counts and powers of two, NaN for the float minimum,
//! and the address forms upstream accepts and refuses.

use super::byte_order::*;
use super::host_utils::{is_ipv4, is_ipv6};
use super::math::*;
use super::math_bits::*;
use super::math_min_max::*;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_OVERFLOW_DETECTED;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{OP_ERR, OP_SUCCESS};
use std::ffi::c_int;
use std::ptr;

#[test]
fn checked_arithmetic_fails_exactly_at_overflow() {
    let mut r = 7u64;
    unsafe {
        assert_eq!(aws_add_u64_checked(u64::MAX - 1, 1, &mut r), OP_SUCCESS);
        assert_eq!(r, u64::MAX);
        assert_eq!(aws_add_u64_checked(u64::MAX, 1, &mut r), OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_OVERFLOW_DETECTED as c_int);
        assert_eq!(r, u64::MAX, "left as it was");
        assert_eq!(aws_mul_u64_checked(1 << 32, 1 << 31, &mut r), OP_SUCCESS);
        assert_eq!(aws_mul_u64_checked(1 << 32, 1 << 32, &mut r), OP_ERR);
        assert_eq!(aws_sub_u64_checked(0, 1, &mut r), OP_ERR);
        let mut r32 = 0u32;
        assert_eq!(aws_sub_u32_checked(5, 5, &mut r32), OP_SUCCESS);
        assert_eq!(r32, 0);
        assert_eq!(aws_mul_u32_checked(65536, 65536, &mut r32), OP_ERR);
        let mut rs = 0usize;
        assert_eq!(aws_add_size_checked(usize::MAX, 0, &mut rs), OP_SUCCESS);
        assert_eq!(aws_sub_size_checked(3, 4, &mut rs), OP_ERR);
        assert_eq!(aws_add_size_checked(1, 1, ptr::null_mut()), OP_ERR);
    }
}

#[test]
fn saturating_arithmetic_clamps() {
    assert_eq!(aws_add_u32_saturating(u32::MAX, 1), u32::MAX);
    assert_eq!(aws_mul_u64_saturating(u64::MAX, 2), u64::MAX);
    assert_eq!(aws_sub_u64_saturating(1, 2), 0);
    assert_eq!(aws_sub_size_saturating(10, 3), 7);
    assert_eq!(aws_mul_size_saturating(usize::MAX / 2, 3), usize::MAX);
    assert_eq!(aws_add_u64_saturating(2, 3), 5);
}

#[test]
fn powers_of_two_round_up_and_overflow() {
    assert!(!aws_is_power_of_two(0));
    assert!(aws_is_power_of_two(1) && aws_is_power_of_two(1 << 40));
    assert!(!aws_is_power_of_two(6));
    let mut r = 0usize;
    unsafe {
        for (n, want) in [(0, 1), (1, 1), (3, 4), (4, 4), (5, 8), (1 << 63, 1 << 63)] {
            assert_eq!(aws_round_up_to_power_of_two(n, &mut r), OP_SUCCESS);
            assert_eq!(r, want, "{n}");
        }
        assert_eq!(aws_round_up_to_power_of_two((1 << 63) + 1, &mut r), OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_OVERFLOW_DETECTED as c_int);
    }
}

#[test]
fn bit_counts_of_zero_are_the_width() {
    assert_eq!((aws_clz_u32(0), aws_ctz_u32(0)), (32, 32));
    assert_eq!((aws_clz_i64(0), aws_ctz_i64(0)), (64, 64));
    assert_eq!((aws_clz_size(1), aws_ctz_size(8)), (63, 3));
    assert_eq!((aws_clz_i32(-1), aws_ctz_i32(i32::MIN)), (0, 31));
    assert_eq!((aws_clz_u64(1 << 40), aws_ctz_u64(1 << 40)), (23, 40));
}

#[test]
fn min_and_max_of_each_type() {
    assert_eq!((aws_min_u8(3, 200), aws_max_u8(3, 200)), (3, 200));
    assert_eq!((aws_min_i8(-3, 2), aws_max_i16(-3, 2)), (-3, 2));
    assert_eq!(
        (aws_min_i64(i64::MIN, 0), aws_max_size(1, usize::MAX)),
        (i64::MIN, usize::MAX)
    );
    assert_eq!((aws_min_int(-1, 1), aws_max_u32(0, 1)), (-1, 1));
    assert_eq!(
        (aws_min_double(0.5, 0.25), aws_max_float(-1.0, 2.0)),
        (0.25, 2.0)
    );
    // As upstream's `a < b ? a : b`: a NaN operand gives b.
    assert_eq!(aws_min_float(f32::NAN, 1.0), 1.0);
    assert!(aws_min_double(1.0, f64::NAN).is_nan());
}

#[test]
fn byte_order_swaps_on_this_little_endian_host() {
    assert_eq!(aws_is_big_endian(), 0);
    assert_eq!(aws_hton16(0x0102), 0x0201);
    assert_eq!(aws_hton32(0x0102_0304), 0x0403_0201);
    assert_eq!(
        aws_ntoh64(aws_hton64(0x0102_0304_0506_0708)),
        0x0102_0304_0506_0708
    );
    assert_eq!(aws_hton64(1).to_ne_bytes(), [0, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(aws_letoh32(0x0102_0304), 0x0102_0304);
    assert_eq!(aws_letoh16(7), 7);
    assert_eq!(aws_ntoh32(aws_hton32(9)), 9);
    assert_eq!(aws_htonf32(1.0).to_bits(), 1.0f32.to_bits().swap_bytes());
    assert_eq!(aws_ntohf64(aws_htonf64(-2.5)), -2.5);
    assert_eq!(aws_ntohf32(aws_htonf32(3.25)), 3.25);
}

#[test]
fn ipv4_literals_as_upstream_reads_them() {
    for ok in ["127.0.0.1", "0.0.0.0", "255.255.255.255", "001.02.3.4"] {
        assert!(is_ipv4(ok.as_bytes()), "{ok}");
    }
    for bad in [
        "",
        "1.2.3",
        "1.2.3.4.5",
        "256.0.0.1",
        "1.2.3.4a",
        "1..2.3",
        "0001.2.3.4",
        "a.b.c.d",
    ] {
        assert!(!is_ipv4(bad.as_bytes()), "{bad}");
    }
}

#[test]
fn ipv6_literals_as_upstream_reads_them() {
    for ok in [
        "::1",
        "::",
        "fe80::1",
        "2001:db8:0:0:0:0:2:1",
        "2001:DB8::2:1",
        "1:2:3:4:5:6:7::",
        "fe80::1%eth0",
    ] {
        assert!(is_ipv6(ok.as_bytes(), false), "{ok}");
    }
    assert!(is_ipv6(b"fe80::1%25en0", true));
    for bad in [
        ":1",
        "1:",
        "1:2:3:4:5:6:7",
        "1::2::3",
        "12345::",
        "1:2:3:4:5:6:7:8:9",
        "g::1",
        "fe80::1%",
        "::1%e-0",
    ] {
        assert!(!is_ipv6(bad.as_bytes(), false), "{bad}");
    }
    assert!(!is_ipv6(b"fe80::1%en0", true));
    assert!(!is_ipv6(b"fe80::1%25", true));
}

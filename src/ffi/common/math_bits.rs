//! `aws/common/math.h`, continued: counting leading and trailing zero bits. Zero has as many of
//! either as its type has bits; a signed value is counted as its two's-complement bits.

use crate::ffi::guard;

/// How many leading zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_clz_u32(n: u32) -> usize {
    guard::guard(0, || Ok((n).leading_zeros() as usize))
}

/// How many trailing zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ctz_u32(n: u32) -> usize {
    guard::guard(0, || Ok((n).trailing_zeros() as usize))
}

/// How many leading zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_clz_i32(n: i32) -> usize {
    guard::guard(0, || Ok((n as u32).leading_zeros() as usize))
}

/// How many trailing zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ctz_i32(n: i32) -> usize {
    guard::guard(0, || Ok((n as u32).trailing_zeros() as usize))
}

/// How many leading zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_clz_u64(n: u64) -> usize {
    guard::guard(0, || Ok((n).leading_zeros() as usize))
}

/// How many trailing zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ctz_u64(n: u64) -> usize {
    guard::guard(0, || Ok((n).trailing_zeros() as usize))
}

/// How many leading zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_clz_i64(n: i64) -> usize {
    guard::guard(0, || Ok((n as u64).leading_zeros() as usize))
}

/// How many trailing zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ctz_i64(n: i64) -> usize {
    guard::guard(0, || Ok((n as u64).trailing_zeros() as usize))
}

/// How many leading zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_clz_size(n: usize) -> usize {
    guard::guard(0, || Ok((n).leading_zeros() as usize))
}

/// How many trailing zero bits `n` has.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ctz_size(n: usize) -> usize {
    guard::guard(0, || Ok((n).trailing_zeros() as usize))
}

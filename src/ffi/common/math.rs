//! `aws/common/math.h`: upstream's overflow-checked and saturating arithmetic on `uint32_t`,
//! `uint64_t` and `size_t`, and powers of two. A checked call that overflows raises
//! `AWS_ERROR_OVERFLOW_DETECTED`, returns `AWS_OP_ERR` and leaves `*r` as it was. Upstream
//! inlines these (`math.inl` and its compiler-specific variants) and also exports them; here
//! they are exported functions. `math_bits.rs` has the bit counts, `math_min_max.rs` the
//! minimum and maximum; the header's fragment the `SIZE_BITS` macros and the C-variadic
//! `aws_add_size_checked_varargs`, which stable Rust cannot define (`math_varargs.c` does).
//!
//! # Safety
//! A non-NULL result pointer points to a writable value of its type.

use crate::ffi::common::error::aws_common_error::AWS_ERROR_OVERFLOW_DETECTED;
use crate::ffi::guard::{self, Result};
use std::ffi::c_int;

/// Stores a checked operation's result in `*r`, or fails with `AWS_ERROR_OVERFLOW_DETECTED`
/// when it overflowed.
///
/// # Safety
/// A non-NULL `r` points to a writable `T`.
unsafe fn store<T>(value: Option<T>, r: *mut T) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let r = unsafe { guard::mutable(r) }?;
    *r = value.ok_or(AWS_ERROR_OVERFLOW_DETECTED)?;
    Ok(())
}

/// `a * b`, or UINT64_MAX when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mul_u64_saturating(a: u64, b: u64) -> u64 {
    guard::guard(0, || Ok(a.saturating_mul(b)))
}

/// `*r = a * b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mul_u64_checked(a: u64, b: u64, r: *mut u64) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_mul(b), r) })
}

/// `a * b`, or UINT32_MAX when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mul_u32_saturating(a: u32, b: u32) -> u32 {
    guard::guard(0, || Ok(a.saturating_mul(b)))
}

/// `*r = a * b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mul_u32_checked(a: u32, b: u32, r: *mut u32) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_mul(b), r) })
}

/// `a * b`, or SIZE_MAX when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mul_size_saturating(a: usize, b: usize) -> usize {
    guard::guard(0, || Ok(a.saturating_mul(b)))
}

/// `*r = a * b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mul_size_checked(a: usize, b: usize, r: *mut usize) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_mul(b), r) })
}

/// `a + b`, or UINT64_MAX when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_add_u64_saturating(a: u64, b: u64) -> u64 {
    guard::guard(0, || Ok(a.saturating_add(b)))
}

/// `*r = a + b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_add_u64_checked(a: u64, b: u64, r: *mut u64) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_add(b), r) })
}

/// `a + b`, or UINT32_MAX when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_add_u32_saturating(a: u32, b: u32) -> u32 {
    guard::guard(0, || Ok(a.saturating_add(b)))
}

/// `*r = a + b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_add_u32_checked(a: u32, b: u32, r: *mut u32) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_add(b), r) })
}

/// `a + b`, or SIZE_MAX when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_add_size_saturating(a: usize, b: usize) -> usize {
    guard::guard(0, || Ok(a.saturating_add(b)))
}

/// `*r = a + b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_add_size_checked(a: usize, b: usize, r: *mut usize) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_add(b), r) })
}

/// `a - b`, or 0 when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_sub_u64_saturating(a: u64, b: u64) -> u64 {
    guard::guard(0, || Ok(a.saturating_sub(b)))
}

/// `*r = a - b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_sub_u64_checked(a: u64, b: u64, r: *mut u64) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_sub(b), r) })
}

/// `a - b`, or 0 when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_sub_u32_saturating(a: u32, b: u32) -> u32 {
    guard::guard(0, || Ok(a.saturating_sub(b)))
}

/// `*r = a - b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_sub_u32_checked(a: u32, b: u32, r: *mut u32) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_sub(b), r) })
}

/// `a - b`, or 0 when it overflows.
#[unsafe(no_mangle)]
pub extern "C" fn aws_sub_size_saturating(a: usize, b: usize) -> usize {
    guard::guard(0, || Ok(a.saturating_sub(b)))
}

/// `*r = a - b`; `AWS_ERROR_OVERFLOW_DETECTED` when it overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_sub_size_checked(a: usize, b: usize, r: *mut usize) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(a.checked_sub(b), r) })
}

/// Whether `x` is a power of two (0 is not).
#[unsafe(no_mangle)]
pub extern "C" fn aws_is_power_of_two(x: usize) -> bool {
    guard::guard(false, || Ok(x.is_power_of_two()))
}

/// `*result` = the smallest power of two not below `n` (1 for 0);
/// `AWS_ERROR_OVERFLOW_DETECTED` when that does not fit a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_round_up_to_power_of_two(n: usize, result: *mut usize) -> c_int {
    // SAFETY: the caller lends a result to set.
    guard::op(|| unsafe { store(n.checked_next_power_of_two(), result) })
}

//! `aws/common/math.h`, continued: the minimum and maximum of two values of each type. The
//! floating-point ones compare as upstream's do (`a < b ? a : b`), so a NaN operand gives `b`.

use crate::ffi::guard;
use std::ffi::c_int;

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_u8(a: u8, b: u8) -> u8 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_u8(a: u8, b: u8) -> u8 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_i8(a: i8, b: i8) -> i8 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_i8(a: i8, b: i8) -> i8 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_u16(a: u16, b: u16) -> u16 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_u16(a: u16, b: u16) -> u16 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_i16(a: i16, b: i16) -> i16 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_i16(a: i16, b: i16) -> i16 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_u32(a: u32, b: u32) -> u32 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_u32(a: u32, b: u32) -> u32 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_i32(a: i32, b: i32) -> i32 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_i32(a: i32, b: i32) -> i32 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_u64(a: u64, b: u64) -> u64 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_u64(a: u64, b: u64) -> u64 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_i64(a: i64, b: i64) -> i64 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_i64(a: i64, b: i64) -> i64 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_size(a: usize, b: usize) -> usize {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_size(a: usize, b: usize) -> usize {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_int(a: c_int, b: c_int) -> c_int {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_int(a: c_int, b: c_int) -> c_int {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_float(a: f32, b: f32) -> f32 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_float(a: f32, b: f32) -> f32 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

/// The smaller of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_min_double(a: f64, b: f64) -> f64 {
    guard::guard(b, || Ok(if a < b { a } else { b }))
}

/// The larger of `a` and `b`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_max_double(a: f64, b: f64) -> f64 {
    guard::guard(b, || Ok(if a > b { a } else { b }))
}

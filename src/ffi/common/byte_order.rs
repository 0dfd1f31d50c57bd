//! `aws/common/byte_order.h`: converting integers and floats between host and network (big
//! endian) byte order, and from little endian. Upstream inlines these (`byte_order.inl`) and
//! also exports them; here they are exported functions.

use crate::ffi::guard;
use std::ffi::c_int;

/// 1 on a big-endian host, 0 on a little-endian one.
#[unsafe(no_mangle)]
pub extern "C" fn aws_is_big_endian() -> c_int {
    guard::guard(0, || Ok(c_int::from(cfg!(target_endian = "big"))))
}

/// `x` in network byte order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_hton64(x: u64) -> u64 {
    guard::guard(0, || Ok(x.to_be()))
}

/// `x`, in network byte order, in host order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ntoh64(x: u64) -> u64 {
    guard::guard(0, || Ok(u64::from_be(x)))
}

/// `x` in network byte order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_hton32(x: u32) -> u32 {
    guard::guard(0, || Ok(x.to_be()))
}

/// `x`, in network byte order, in host order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ntoh32(x: u32) -> u32 {
    guard::guard(0, || Ok(u32::from_be(x)))
}

/// `x` in network byte order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_hton16(x: u16) -> u16 {
    guard::guard(0, || Ok(x.to_be()))
}

/// `x`, in network byte order, in host order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ntoh16(x: u16) -> u16 {
    guard::guard(0, || Ok(u16::from_be(x)))
}

/// `x`, in little-endian order, in host order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_letoh32(x: u32) -> u32 {
    guard::guard(0, || Ok(u32::from_le(x)))
}

/// `x`, in little-endian order, in host order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_letoh16(x: u16) -> u16 {
    guard::guard(0, || Ok(u16::from_le(x)))
}

/// The float whose bytes are `x`'s in network byte order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_htonf32(x: f32) -> f32 {
    guard::guard(0.0, || Ok(f32::from_bits(x.to_bits().to_be())))
}

/// The float whose bytes, read in network byte order, are `x`'s.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ntohf32(x: f32) -> f32 {
    guard::guard(0.0, || Ok(f32::from_bits(u32::from_be(x.to_bits()))))
}

/// The double whose bytes are `x`'s in network byte order.
#[unsafe(no_mangle)]
pub extern "C" fn aws_htonf64(x: f64) -> f64 {
    guard::guard(0.0, || Ok(f64::from_bits(x.to_bits().to_be())))
}

/// The double whose bytes, read in network byte order, are `x`'s.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ntohf64(x: f64) -> f64 {
    guard::guard(0.0, || Ok(f64::from_bits(u64::from_be(x.to_bits()))))
}

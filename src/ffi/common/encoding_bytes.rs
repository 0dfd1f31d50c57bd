//! `aws/common/encoding.h`: big-endian (network order) integers written to and read from raw
//! bytes. Upstream has these as inline functions and exports them too; here they are exported
//! functions. A NULL buffer raises `AWS_ERROR_INVALID_ARGUMENT` (and reads as 0).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: `buffer` is NULL or holds
//! the integer's size in bytes (3 for the 24-bit ones).

use crate::ffi::guard;

/// Copies the last `N` bytes of `value`'s big-endian form to `buffer`.
///
/// # Safety
/// `buffer` must be NULL or writable for `N` bytes.
unsafe fn write_be<const N: usize>(big_endian: &[u8], buffer: *mut u8) {
    guard::guard((), || {
        guard::require(!buffer.is_null())?;
        let from = &big_endian[big_endian.len() - N..];
        // SAFETY: forwarded caller contract.
        unsafe { std::ptr::copy_nonoverlapping(from.as_ptr(), buffer, N) };
        Ok(())
    })
}

/// The `N` big-endian bytes at `buffer` as a `T` (`N` is at most `T`'s size).
///
/// # Safety
/// `buffer` must be NULL or readable for `N` bytes.
unsafe fn read_be<T: TryFrom<u64> + Default, const N: usize>(buffer: *const u8) -> T {
    guard::guard(T::default(), || {
        // SAFETY: forwarded caller contract.
        let bytes = unsafe { guard::bytes(buffer, N) }?;
        let value = bytes.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b));
        T::try_from(value).map_err(|_| guard::INVALID_ARGUMENT)
    })
}

/// Writes `value` as 8 big-endian bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_write_u64(value: u64, buffer: *mut u8) {
    // SAFETY: forwarded caller contract.
    unsafe { write_be::<8>(&value.to_be_bytes(), buffer) }
}

/// Reads 8 big-endian bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_read_u64(buffer: *const u8) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { read_be::<u64, 8>(buffer) }
}

/// Writes `value` as 4 big-endian bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_write_u32(value: u32, buffer: *mut u8) {
    // SAFETY: forwarded caller contract.
    unsafe { write_be::<4>(&value.to_be_bytes(), buffer) }
}

/// Reads 4 big-endian bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_read_u32(buffer: *const u8) -> u32 {
    // SAFETY: forwarded caller contract.
    unsafe { read_be::<u32, 4>(buffer) }
}

/// Writes the low 24 bits of `value` as 3 big-endian bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_write_u24(value: u32, buffer: *mut u8) {
    // SAFETY: forwarded caller contract.
    unsafe { write_be::<3>(&value.to_be_bytes(), buffer) }
}

/// Reads 3 big-endian bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_read_u24(buffer: *const u8) -> u32 {
    // SAFETY: forwarded caller contract.
    unsafe { read_be::<u32, 3>(buffer) }
}

/// Writes `value` as 2 big-endian bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_write_u16(value: u16, buffer: *mut u8) {
    // SAFETY: forwarded caller contract.
    unsafe { write_be::<2>(&value.to_be_bytes(), buffer) }
}

/// Reads 2 big-endian bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_read_u16(buffer: *const u8) -> u16 {
    // SAFETY: forwarded caller contract.
    unsafe { read_be::<u16, 2>(buffer) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_and_read_big_endian() {
        let mut b = [0u8; 8];
        unsafe {
            aws_write_u64(0x0102_0304_0506_0708, b.as_mut_ptr());
            assert_eq!(b, [1, 2, 3, 4, 5, 6, 7, 8]);
            assert_eq!(aws_read_u64(b.as_ptr()), 0x0102_0304_0506_0708);
            aws_write_u32(0xA1B2_C3D4, b.as_mut_ptr());
            assert_eq!(b[..4], [0xA1, 0xB2, 0xC3, 0xD4]);
            assert_eq!(aws_read_u32(b.as_ptr()), 0xA1B2_C3D4);
            aws_write_u24(0xFF12_3456, b.as_mut_ptr());
            assert_eq!(b[..4], [0x12, 0x34, 0x56, 0xD4]);
            assert_eq!(aws_read_u24(b.as_ptr()), 0x12_3456);
            aws_write_u16(0xBEEF, b.as_mut_ptr());
            assert_eq!(b[..3], [0xBE, 0xEF, 0x56]);
            assert_eq!(aws_read_u16(b.as_ptr()), 0xBEEF);
        }
    }

    #[test]
    fn null_buffers_are_refused() {
        unsafe {
            aws_write_u16(1, std::ptr::null_mut());
            assert_eq!(aws_read_u32(std::ptr::null()), 0);
            assert_eq!(
                crate::ffi::common::error::aws_last_error(),
                guard::INVALID_ARGUMENT.0
            );
        }
    }
}

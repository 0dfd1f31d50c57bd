//! `aws/common/zero.h`: zeroing memory so that the compiler cannot drop it (for secrets), and
//! checking that memory is all zero. The `AWS_ZERO_*` and `AWS_IS_ZEROED` macros are in the
//! header's fragment.
//!
//! # Safety
//! A non-NULL buffer pointer must point to `bufsize` bytes (readable, or writable for
//! `aws_secure_zero`).

use crate::ffi::guard::{self, require};
use std::ffi::c_void;

/// Whether every one of the `bufsize` bytes at `buf` is zero; an empty buffer is. A NULL `buf`
/// with a non-zero size is not (with `AWS_ERROR_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_is_mem_zeroed(buf: *const c_void, bufsize: usize) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends `bufsize` readable bytes.
        let bytes = unsafe { guard::bytes(buf.cast(), bufsize) }?;
        Ok(is_zeroed(bytes))
    })
}

/// Whether `bytes` are all zero, a word at a time where the slice allows.
pub fn is_zeroed(bytes: &[u8]) -> bool {
    // SAFETY: every bit pattern is a valid u64.
    let (head, words, tail) = unsafe { bytes.align_to::<u64>() };
    head.iter().all(|&b| b == 0) && words.iter().all(|&w| w == 0) && tail.iter().all(|&b| b == 0)
}

/// Sets the `bufsize` bytes at `buf` to zero with `explicit_bzero`, which the compiler may not
/// leave out even when the memory is never read again (what secrets need before they are freed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_secure_zero(buf: *mut c_void, bufsize: usize) {
    guard::guard((), || {
        if bufsize == 0 {
            return Ok(());
        }
        require(!buf.is_null())?;
        // SAFETY: the caller lends `bufsize` writable bytes at `buf`, checked non-NULL.
        unsafe { secure_zero(buf, bufsize) };
        Ok(())
    })
}

/// `aws_secure_zero` for Rust callers (the array list's and byte buffer's secure clean-ups).
///
/// # Safety
/// `buf` must point to `len` writable bytes (or `len` be 0).
pub unsafe fn secure_zero(buf: *mut c_void, len: usize) {
    if len != 0 {
        // SAFETY: forwarded caller contract.
        unsafe { libc::explicit_bzero(buf, len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_last_error;
    use std::ptr;

    #[test]
    fn an_empty_buffer_is_zeroed_even_at_null() {
        unsafe {
            assert!(aws_is_mem_zeroed(ptr::null(), 0));
            aws_secure_zero(ptr::null_mut(), 0);
        }
    }

    #[test]
    fn one_set_byte_anywhere_is_seen() {
        // Odd lengths and offsets exercise the unaligned head and tail as well as the words.
        for len in [1usize, 7, 8, 9, 31, 64, 65] {
            for at in 0..len {
                let mut buf = vec![0u8; len + 1];
                let slice = &mut buf[1..];
                assert!(unsafe { aws_is_mem_zeroed(slice.as_ptr().cast(), len) });
                slice[at] = 0x80;
                assert!(!unsafe { aws_is_mem_zeroed(slice.as_ptr().cast(), len) });
            }
        }
    }

    #[test]
    fn secure_zero_clears_every_byte() {
        let mut buf = [0xAAu8; 37];
        unsafe { aws_secure_zero(buf.as_mut_ptr().cast(), buf.len()) };
        assert_eq!(buf, [0u8; 37]);
    }

    #[test]
    fn null_with_a_length_is_an_invalid_argument() {
        unsafe {
            assert!(!aws_is_mem_zeroed(ptr::null(), 4));
            assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
            crate::ffi::common::error::aws_reset_error();
            aws_secure_zero(ptr::null_mut(), 4);
            assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        }
    }
}

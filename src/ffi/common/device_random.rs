//! `aws/common/device_random.h`: random numbers and bytes from the kernel's generator, suitable
//! for cryptographic use.
//!
//! Upstream reads `/dev/urandom` through a descriptor it opens once (and aborts the process when
//! it cannot); this reads the same generator with `getrandom(2)`, which needs no descriptor and
//! cannot fail to open. A failed read is `AWS_ERROR_RANDOM_GEN_FAILED`, leaving the buffer as it
//! was, as upstream does.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid, writable object of its type (a buffer's storage writable up to its
//! capacity).

use crate::ffi::common::byte_buf::{aws_byte_buf, buf_mut};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_RANDOM_GEN_FAILED, AWS_ERROR_SHORT_BUFFER,
};
use crate::ffi::guard::{self, Result};
use std::ffi::c_int;

/// Fills `out` from the kernel's generator, in chunks (a single `getrandom` call returns at most
/// 32 MiB) and across interruptions by signals.
pub fn fill(out: &mut [u8]) -> Result<()> {
    let mut done = 0;
    while done < out.len() {
        let rest = &mut out[done..];
        // SAFETY: `rest` is writable for its whole length.
        let got = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if got > 0 {
            done += got as usize;
        } else if got < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        } else {
            return Err(AWS_ERROR_RANDOM_GEN_FAILED.into());
        }
    }
    Ok(())
}

/// Writes one random value of type `T` (an unsigned integer) to `output`.
///
/// # Safety
/// `output` must be NULL or writable.
unsafe fn random_value<T: Copy>(output: *mut T) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let slot = unsafe { guard::mutable(output) }?;
        let mut bytes = [0u8; 8];
        let bytes = &mut bytes[..size_of::<T>()];
        fill(bytes)?;
        // SAFETY: `bytes` holds size_of::<T>() bytes and every bit pattern is a valid integer.
        *slot = unsafe { bytes.as_ptr().cast::<T>().read_unaligned() };
        Ok(())
    })
}

/// Sets `*output` to a random 64-bit number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_device_random_u64(output: *mut u64) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { random_value(output) }
}

/// Sets `*output` to a random 32-bit number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_device_random_u32(output: *mut u32) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { random_value(output) }
}

/// Sets `*output` to a random 16-bit number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_device_random_u16(output: *mut u16) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { random_value(output) }
}

/// Sets `*output` to a random 8-bit number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_device_random_u8(output: *mut u8) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { random_value(output) }
}

/// Appends `n` random bytes to `output`; `AWS_ERROR_SHORT_BUFFER`, with the buffer unchanged,
/// when fewer than `n` bytes of room are left.
///
/// # Safety
/// `buf` must be a valid buffer whose storage is writable up to its capacity.
unsafe fn append_random(buf: &mut aws_byte_buf, n: usize) -> Result<()> {
    if buf.capacity - buf.len < n {
        return Err(AWS_ERROR_SHORT_BUFFER.into());
    }
    if n == 0 {
        return Ok(());
    }
    // SAFETY: forwarded caller contract; `n` bytes fit after `len`.
    let room = unsafe { std::slice::from_raw_parts_mut(buf.buffer.add(buf.len), n) };
    fill(room)?;
    buf.len += n;
    Ok(())
}

/// Fills the rest of `output`, up to its capacity, with random bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_device_random_buffer(output: *mut aws_byte_buf) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let buf = unsafe { buf_mut(output) }?;
        let n = buf.capacity - buf.len;
        unsafe { append_random(buf, n) }
    })
}

/// Appends `n` random bytes to `output`. `AWS_ERROR_SHORT_BUFFER`, with the buffer unchanged,
/// when fewer than `n` bytes of room are left.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_device_random_buffer_append(
    output: *mut aws_byte_buf,
    n: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let buf = unsafe { buf_mut(output) }?;
        unsafe { append_random(buf, n) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_last_error;
    use crate::ffi::guard::INVALID_ARGUMENT;

    fn fixed(storage: &mut [u8]) -> aws_byte_buf {
        aws_byte_buf {
            len: 0,
            buffer: storage.as_mut_ptr(),
            capacity: storage.len(),
            allocator: std::ptr::null_mut(),
        }
    }

    #[test]
    fn append_past_the_capacity_is_short_buffer_and_changes_nothing() {
        let mut storage = [0u8; 8];
        let mut buf = fixed(&mut storage);
        buf.len = 4;
        assert_eq!(
            unsafe { aws_device_random_buffer_append(&mut buf, 5) },
            guard::OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_SHORT_BUFFER as c_int);
        assert_eq!(buf.len, 4);
        assert_eq!(storage, [0u8; 8]);
    }

    #[test]
    fn append_zero_bytes_succeeds_even_when_full() {
        let mut storage = [0u8; 2];
        let mut buf = fixed(&mut storage);
        buf.len = 2;
        assert_eq!(unsafe { aws_device_random_buffer_append(&mut buf, 0) }, 0);
        assert_eq!(buf.len, 2);
    }

    #[test]
    fn buffer_fills_the_rest_up_to_the_capacity() {
        let mut storage = [0u8; 64];
        let mut buf = fixed(&mut storage);
        buf.len = 16;
        assert_eq!(unsafe { aws_device_random_buffer(&mut buf) }, 0);
        assert_eq!(buf.len, 64);
        assert_eq!(storage[..16], [0u8; 16]);
        // 48 random bytes all zero: probability 2^-384.
        assert!(storage[16..].iter().any(|&b| b != 0));
    }

    #[test]
    fn numbers_differ_between_calls() {
        let (mut a, mut b) = (0u64, 0u64);
        assert_eq!(unsafe { aws_device_random_u64(&mut a) }, 0);
        assert_eq!(unsafe { aws_device_random_u64(&mut b) }, 0);
        assert_ne!(a, b);
        let (mut x, mut y, mut z) = (0u32, 0u16, 0u8);
        assert_eq!(unsafe { aws_device_random_u32(&mut x) }, 0);
        assert_eq!(unsafe { aws_device_random_u16(&mut y) }, 0);
        assert_eq!(unsafe { aws_device_random_u8(&mut z) }, 0);
    }

    #[test]
    fn null_outputs_are_invalid_arguments() {
        assert_eq!(
            unsafe { aws_device_random_u8(std::ptr::null_mut()) },
            guard::OP_ERR
        );
        assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
        assert_eq!(
            unsafe { aws_device_random_buffer(std::ptr::null_mut()) },
            guard::OP_ERR
        );
    }
}

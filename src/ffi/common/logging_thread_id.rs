//! `aws/common/logging.h`: a thread id as log lines show it, `aws_thread_id_t_to_string`.
//!
//! The text is the id's bytes from the most significant, two lower-case hex digits each (16
//! digits for a 64-bit `pthread_t`), as upstream writes it on a little-endian machine.
//!
//! # Safety
//! `buffer` is NULL or writable for `bufsz` bytes.

use crate::ffi::common::error::aws_common_error::AWS_ERROR_SHORT_BUFFER;
use crate::ffi::common::thread::aws_thread_id_t;
use crate::ffi::guard::{self, require};
use std::ffi::{c_char, c_int};

/// The buffer size `aws_thread_id_t_to_string` requires: the digits and a NUL
/// (`AWS_THREAD_ID_T_REPR_BUFSZ`).
const REPR_SIZE: usize = size_of::<aws_thread_id_t>() * 2 + 1;

/// The text of `id`.
fn repr(id: aws_thread_id_t) -> String {
    format!("{:0width$x}", id, width = size_of::<aws_thread_id_t>() * 2)
}

thread_local! {
    /// The calling thread's text, made once per thread.
    static CURRENT: String = {
        // SAFETY: always safe to call.
        repr(unsafe { libc::pthread_self() })
    };
}

/// The calling thread's id as log lines show it.
pub fn current_thread_repr() -> String {
    CURRENT.with(Clone::clone)
}

/// Writes `thread_id` as hex digits and a NUL into `buffer`, whose size `bufsz` must be exactly
/// `AWS_THREAD_ID_T_REPR_BUFSZ` (`AWS_ERROR_INVALID_ARGUMENT` otherwise).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_id_t_to_string(
    thread_id: aws_thread_id_t,
    buffer: *mut c_char,
    bufsz: usize,
) -> c_int {
    guard::op(|| {
        require(bufsz == REPR_SIZE && !buffer.is_null())?;
        let text = repr(thread_id);
        if text.len() >= bufsz {
            return Err(AWS_ERROR_SHORT_BUFFER.into());
        }
        // SAFETY: the caller vouches for bufsz writable bytes; the text and its NUL fit.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buffer.cast::<u8>(), text.len());
            *buffer.add(text.len()) = 0;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_last_error;

    #[test]
    fn the_id_is_written_most_significant_byte_first() {
        let mut buffer = [1 as c_char; REPR_SIZE];
        let rc = unsafe {
            aws_thread_id_t_to_string(0x0102_0304_0506_a7b8, buffer.as_mut_ptr(), REPR_SIZE)
        };
        assert_eq!(rc, 0);
        let text = unsafe { std::ffi::CStr::from_ptr(buffer.as_ptr()) };
        assert_eq!(text.to_str().unwrap(), "010203040506a7b8");
    }

    #[test]
    fn a_buffer_of_any_other_size_is_refused() {
        let mut buffer = [0 as c_char; 64];
        let rc = unsafe { aws_thread_id_t_to_string(1, buffer.as_mut_ptr(), 64) };
        assert_eq!(rc, guard::OP_ERR);
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
    }
}

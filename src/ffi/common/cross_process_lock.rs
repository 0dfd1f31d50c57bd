//! `aws/common/cross_process_lock.h`: a lock several processes can contend for by name (a
//! nonce), held as an exclusive `flock` on `/tmp/aws_crt_cross_process_lock/<nonce>.lock`, as
//! upstream's POSIX implementation, so a program built on either library excludes the other.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: the allocator is NULL or
//! valid, the nonce's bytes readable, a lock pointer NULL or a lock from `_try_acquire` not yet
//! released.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_MUTEX_CALLER_NOT_OWNER, AWS_ERROR_MUTEX_FAILED, AWS_ERROR_NO_PERMISSION,
};
use crate::ffi::common::file::errno_error;
use crate::ffi::common::log_state::{place, unplace};
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result, require};
use std::ffi::{CString, c_int};

/// Where the lock files live: a directory open to every user, since `/tmp` itself is often
/// sticky and would keep another user's process from opening the file.
const LOCK_DIR: &str = "/tmp/aws_crt_cross_process_lock/";

/// A held lock (opaque to C): the locked file's descriptor.
pub struct aws_cross_process_lock {
    allocator: *mut aws_allocator,
    fd: c_int,
}

/// Opens `path` with `flags` (creating it 0666), the error for its `errno` on failure.
fn open(path: &CString, flags: c_int) -> Result<c_int> {
    // SAFETY: a NUL-terminated path.
    let fd = unsafe { libc::open(path.as_ptr(), flags, 0o666 as libc::c_uint) };
    if fd < 0 {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        return Err(errno_error(errno, AWS_ERROR_MUTEX_FAILED));
    }
    Ok(fd)
}

/// Takes the lock named `instance_nonce` if no other holder has it; NULL with
/// `AWS_ERROR_MUTEX_CALLER_NOT_OWNER` when another has it, `AWS_ERROR_INVALID_ARGUMENT` for a
/// nonce with a `/`, or the open's error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cross_process_lock_try_acquire(
    allocator: *mut aws_allocator,
    instance_nonce: aws_byte_cursor,
) -> *mut aws_cross_process_lock {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let nonce = unsafe { instance_nonce.as_bytes() }?;
        require(!nonce.contains(&b'/'))?;
        let dir = CString::new(LOCK_DIR).map_err(|_| INVALID_ARGUMENT)?;
        if !crate::ffi::common::file::is_directory(&dir) {
            // Failures show up when the file is opened below.
            // SAFETY: a NUL-terminated path.
            unsafe {
                libc::mkdir(dir.as_ptr(), 0o777);
                libc::chmod(dir.as_ptr(), 0o777);
            }
        }
        let path = CString::new([LOCK_DIR.as_bytes(), nonce, b".lock"].concat())
            .map_err(|_| INVALID_ARGUMENT)?;
        let fd = match open(&path, libc::O_CREAT | libc::O_RDWR) {
            // Another user's file: lock it read-only.
            Err(Error(code)) if code == AWS_ERROR_NO_PERMISSION as c_int => {
                open(&path, libc::O_RDONLY)?
            }
            other => other?,
        };
        // SAFETY: an open descriptor.
        if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } == -1 {
            unsafe { libc::close(fd) };
            return Err(AWS_ERROR_MUTEX_CALLER_NOT_OWNER.into());
        }
        let lock = aws_cross_process_lock { allocator, fd };
        match unsafe { place(allocator, lock) } {
            Ok(block) => Ok(block.cast()),
            Err(e) => {
                // SAFETY: still ours.
                unsafe { libc::close(fd) };
                Err(e)
            }
        }
    })
}

/// Releases the lock (closing its file); NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cross_process_lock_release(
    instance_lock: *mut aws_cross_process_lock,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        if let Some(lock) = unsafe { instance_lock.as_ref() } {
            unsafe {
                libc::close(lock.fd);
                unplace::<aws_cross_process_lock>(lock.allocator, instance_lock.cast());
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::error::aws_last_error;

    #[test]
    fn a_held_lock_excludes_a_second_holder_until_released() {
        let nonce = format!("awsrs-test-{}", std::process::id());
        let cursor = aws_byte_cursor::from_slice(nonce.as_bytes());
        unsafe {
            let first = aws_cross_process_lock_try_acquire(aws_default_allocator(), cursor);
            assert!(!first.is_null());
            // flock locks belong to open file descriptions: a second open conflicts even in
            // the same process.
            let second = aws_cross_process_lock_try_acquire(aws_default_allocator(), cursor);
            assert!(second.is_null());
            assert_eq!(aws_last_error(), AWS_ERROR_MUTEX_CALLER_NOT_OWNER as c_int);
            aws_cross_process_lock_release(first);
            let again = aws_cross_process_lock_try_acquire(aws_default_allocator(), cursor);
            assert!(!again.is_null());
            aws_cross_process_lock_release(again);
            let slash = aws_byte_cursor::from_slice(b"a/b");
            assert!(aws_cross_process_lock_try_acquire(aws_default_allocator(), slash).is_null());
            assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
        }
        let _ = std::fs::remove_file(format!("{LOCK_DIR}{nonce}.lock"));
    }
}

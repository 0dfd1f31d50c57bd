//! `aws/common/rw_lock.h`: a readers-writer lock over a POSIX `pthread_rwlock_t`, with upstream's
//! layout so C code can embed it and use the `AWS_RW_LOCK_INIT` initializer. pthread failures
//! map to upstream's codes as the mutex's do (`EBUSY` is `AWS_ERROR_MUTEX_TIMEOUT`, `EDEADLK`
//! `AWS_ERROR_THREAD_DEADLOCK_DETECTED`, ...).
//!
//! # Safety
//! A lock pointer is NULL or points to a lock set up with `aws_rw_lock_init` or
//! `AWS_RW_LOCK_INIT`, which stays in place while it is used.

use crate::ffi::common::mutex::check;
use crate::ffi::guard::{self, Result};
use std::ffi::c_int;

/// A readers-writer lock (upstream's `struct aws_rw_lock`).
#[repr(C)]
pub struct aws_rw_lock {
    /// The POSIX lock.
    pub lock_handle: libc::pthread_rwlock_t,
}

/// Runs one pthread call on the lock a caller lent.
///
/// # Safety
/// As for the exported functions.
unsafe fn with_lock(
    lock: *mut aws_rw_lock,
    call: unsafe extern "C" fn(*mut libc::pthread_rwlock_t) -> c_int,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { guard::mutable(lock) }?;
    check(unsafe { call(&mut l.lock_handle) })
}

/// Sets up the lock, unlocked.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_rw_lock_init(lock: *mut aws_rw_lock) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a lock to set up.
        let l = unsafe { guard::mutable(lock) }?;
        check(unsafe { libc::pthread_rwlock_init(&mut l.lock_handle, std::ptr::null()) })
    })
}

/// Destroys the lock (which nobody holds).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_rw_lock_clean_up(lock: *mut aws_rw_lock) {
    guard::guard((), || {
        // SAFETY: the caller lends a lock nobody holds.
        let l = unsafe { guard::mutable(lock) }?;
        unsafe { libc::pthread_rwlock_destroy(&mut l.lock_handle) };
        Ok(())
    })
}

/// Takes the lock for reading (shared with other readers), waiting for a writer to leave.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_rw_lock_rlock(lock: *mut aws_rw_lock) -> c_int {
    // SAFETY: the caller lends a set-up lock.
    guard::op(|| unsafe { with_lock(lock, libc::pthread_rwlock_rdlock) })
}

/// Takes the lock for writing (alone), waiting for the others to leave.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_rw_lock_wlock(lock: *mut aws_rw_lock) -> c_int {
    // SAFETY: the caller lends a set-up lock.
    guard::op(|| unsafe { with_lock(lock, libc::pthread_rwlock_wrlock) })
}

/// Takes the lock for reading if that needs no wait; `AWS_ERROR_MUTEX_TIMEOUT` otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_rw_lock_try_rlock(lock: *mut aws_rw_lock) -> c_int {
    // SAFETY: the caller lends a set-up lock.
    guard::op(|| unsafe { with_lock(lock, libc::pthread_rwlock_tryrdlock) })
}

/// Takes the lock for writing if that needs no wait; `AWS_ERROR_MUTEX_TIMEOUT` otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_rw_lock_try_wlock(lock: *mut aws_rw_lock) -> c_int {
    // SAFETY: the caller lends a set-up lock.
    guard::op(|| unsafe { with_lock(lock, libc::pthread_rwlock_trywrlock) })
}

/// Gives back a read hold.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_rw_lock_runlock(lock: *mut aws_rw_lock) -> c_int {
    // SAFETY: the caller lends a set-up lock.
    guard::op(|| unsafe { with_lock(lock, libc::pthread_rwlock_unlock) })
}

/// Gives back the write hold.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_rw_lock_wunlock(lock: *mut aws_rw_lock) -> c_int {
    // SAFETY: the caller lends a set-up lock.
    guard::op(|| unsafe { with_lock(lock, libc::pthread_rwlock_unlock) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_common_error::AWS_ERROR_MUTEX_TIMEOUT;
    use crate::ffi::common::error::aws_last_error;
    use crate::ffi::guard::{OP_ERR, OP_SUCCESS};

    #[test]
    fn readers_share_and_a_writer_excludes() {
        let mut lock = aws_rw_lock {
            lock_handle: libc::PTHREAD_RWLOCK_INITIALIZER,
        };
        unsafe {
            assert_eq!(aws_rw_lock_init(&mut lock), OP_SUCCESS);
            assert_eq!(aws_rw_lock_rlock(&mut lock), OP_SUCCESS);
            assert_eq!(aws_rw_lock_try_rlock(&mut lock), OP_SUCCESS);
            assert_eq!(aws_rw_lock_try_wlock(&mut lock), OP_ERR);
            assert_eq!(aws_last_error(), AWS_ERROR_MUTEX_TIMEOUT as c_int);
            assert_eq!(aws_rw_lock_runlock(&mut lock), OP_SUCCESS);
            assert_eq!(aws_rw_lock_runlock(&mut lock), OP_SUCCESS);
            assert_eq!(aws_rw_lock_wlock(&mut lock), OP_SUCCESS);
            assert_eq!(aws_rw_lock_try_rlock(&mut lock), OP_ERR);
            assert_eq!(aws_rw_lock_wunlock(&mut lock), OP_SUCCESS);
            assert_eq!(aws_rw_lock_try_wlock(&mut lock), OP_SUCCESS);
            assert_eq!(aws_rw_lock_wunlock(&mut lock), OP_SUCCESS);
            aws_rw_lock_clean_up(&mut lock);
            assert_eq!(aws_rw_lock_rlock(std::ptr::null_mut()), OP_ERR);
        }
    }
}

//! `aws/common/mutex.h`: a POSIX mutex with upstream's layout, so C code can embed it and use
//! the `AWS_MUTEX_INIT` initializer.

use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_MUTEX_CALLER_NOT_OWNER, AWS_ERROR_MUTEX_FAILED, AWS_ERROR_MUTEX_NOT_INIT,
    AWS_ERROR_MUTEX_TIMEOUT, AWS_ERROR_OOM, AWS_ERROR_THREAD_DEADLOCK_DETECTED,
};
use crate::ffi::guard::{self, Error, Result};
use std::ffi::c_int;

/// A mutex. Upstream's `struct aws_mutex`.
#[repr(C)]
pub struct aws_mutex {
    /// The POSIX mutex.
    pub mutex_handle: libc::pthread_mutex_t,
    /// Set by `aws_mutex_init` (or `AWS_MUTEX_INIT`), cleared by `aws_mutex_clean_up`.
    pub initialized: bool,
}

/// The aws error for a pthread mutex failure code.
fn mutex_error(code: c_int) -> Error {
    match code {
        libc::EINVAL => AWS_ERROR_MUTEX_NOT_INIT.into(),
        libc::EBUSY => AWS_ERROR_MUTEX_TIMEOUT.into(),
        libc::EPERM => AWS_ERROR_MUTEX_CALLER_NOT_OWNER.into(),
        libc::ENOMEM => AWS_ERROR_OOM.into(),
        libc::EDEADLK => AWS_ERROR_THREAD_DEADLOCK_DETECTED.into(),
        _ => AWS_ERROR_MUTEX_FAILED.into(),
    }
}

/// 0 from pthread is success; anything else is the matching aws error.
pub fn check(code: c_int) -> Result<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(mutex_error(code))
    }
}

/// The initialised mutex behind a caller's pointer: NULL is `AWS_ERROR_INVALID_ARGUMENT`, a
/// mutex not initialised (or cleaned up) `AWS_ERROR_MUTEX_NOT_INIT`.
///
/// # Safety
/// A non-NULL `mutex` must point to a valid `aws_mutex`.
pub unsafe fn initialized<'a>(mutex: *mut aws_mutex) -> Result<&'a mut aws_mutex> {
    // SAFETY: forwarded caller contract.
    let m = unsafe { guard::mutable(mutex) }?;
    if !m.initialized {
        return Err(AWS_ERROR_MUTEX_NOT_INIT.into());
    }
    Ok(m)
}

/// Initialises a (non-recursive) mutex.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mutex_init(mutex: *mut aws_mutex) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the struct to initialise.
        let m = unsafe { guard::mutable(mutex) }?;
        // SAFETY: initialising storage the caller owns, with default (normal) attributes.
        check(unsafe { libc::pthread_mutex_init(&mut m.mutex_handle, std::ptr::null()) })?;
        m.initialized = true;
        Ok(())
    })
}

/// Locks, waiting as long as it takes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mutex_lock(mutex: *mut aws_mutex) -> c_int {
    // SAFETY: forwarded caller contract; the handle is initialised.
    guard::op(|| check(unsafe { libc::pthread_mutex_lock(&mut initialized(mutex)?.mutex_handle) }))
}

/// Locks if free; otherwise fails with `AWS_ERROR_MUTEX_TIMEOUT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mutex_try_lock(mutex: *mut aws_mutex) -> c_int {
    // SAFETY: forwarded caller contract; the handle is initialised.
    guard::op(|| {
        check(unsafe { libc::pthread_mutex_trylock(&mut initialized(mutex)?.mutex_handle) })
    })
}

/// Unlocks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mutex_unlock(mutex: *mut aws_mutex) -> c_int {
    // SAFETY: forwarded caller contract; the handle is initialised.
    guard::op(|| {
        check(unsafe { libc::pthread_mutex_unlock(&mut initialized(mutex)?.mutex_handle) })
    })
}

/// Destroys an unlocked mutex; an uninitialised one is left alone, NULL raises
/// `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mutex_clean_up(mutex: *mut aws_mutex) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let m = unsafe { guard::mutable(mutex) }?;
        if m.initialized {
            // SAFETY: the handle is initialised and, by the caller's contract, unlocked.
            unsafe { libc::pthread_mutex_destroy(&mut m.mutex_handle) };
            m.initialized = false;
        }
        Ok(())
    })
}

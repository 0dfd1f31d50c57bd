//! `aws/common/condition_variable.h`: a POSIX condition variable with upstream's layout, waits
//! with an optional predicate and a relative timeout in nanoseconds.

use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_COND_VARIABLE_ERROR_UNKNOWN, AWS_ERROR_COND_VARIABLE_INIT_FAILED,
    AWS_ERROR_COND_VARIABLE_TIMED_OUT, AWS_ERROR_OOM,
};
use crate::ffi::common::mutex::{aws_mutex, initialized as initialized_mutex};
use crate::ffi::guard::{self, Error, Result, require};
use std::ffi::{c_int, c_void};

/// Tells a waiter whether what it waits for has happened (C typedef in the fragment).
pub type aws_condition_predicate_fn = unsafe extern "C" fn(arg: *mut c_void) -> bool;

/// A condition variable. Upstream's `struct aws_condition_variable`.
#[repr(C)]
pub struct aws_condition_variable {
    /// The POSIX condition variable.
    pub condition_handle: libc::pthread_cond_t,
    /// Set by `aws_condition_variable_init` (or the static initializer), cleared by clean-up.
    pub initialized: bool,
}

fn check(code: c_int) -> Result<()> {
    match code {
        0 => Ok(()),
        libc::ENOMEM => Err(AWS_ERROR_OOM.into()),
        libc::ETIMEDOUT => Err(AWS_ERROR_COND_VARIABLE_TIMED_OUT.into()),
        _ => Err(AWS_ERROR_COND_VARIABLE_ERROR_UNKNOWN.into()),
    }
}

unsafe fn initialized<'a>(
    cv: *mut aws_condition_variable,
) -> Result<&'a mut aws_condition_variable> {
    // SAFETY: forwarded caller contract.
    let c = unsafe { guard::mutable(cv) }?;
    require(c.initialized)?;
    Ok(c)
}

/// Initialises a condition variable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_condition_variable_init(
    condition_variable: *mut aws_condition_variable,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the struct to initialise.
        let c = unsafe { guard::mutable(condition_variable) }?;
        // SAFETY: initialising storage the caller owns, with default attributes.
        if unsafe { libc::pthread_cond_init(&mut c.condition_handle, std::ptr::null()) } != 0 {
            return Err(Error::from(AWS_ERROR_COND_VARIABLE_INIT_FAILED));
        }
        c.initialized = true;
        Ok(())
    })
}

/// Destroys a condition variable nobody waits on; an uninitialised one is left alone, NULL
/// raises `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_condition_variable_clean_up(
    condition_variable: *mut aws_condition_variable,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let c = unsafe { guard::mutable(condition_variable) }?;
        if c.initialized {
            // SAFETY: the handle is initialised and, by the caller's contract, has no waiter.
            unsafe { libc::pthread_cond_destroy(&mut c.condition_handle) };
            c.initialized = false;
        }
        Ok(())
    })
}

/// Wakes one waiter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_condition_variable_notify_one(
    condition_variable: *mut aws_condition_variable,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| {
        check(unsafe {
            libc::pthread_cond_signal(&mut initialized(condition_variable)?.condition_handle)
        })
    })
}

/// Wakes every waiter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_condition_variable_notify_all(
    condition_variable: *mut aws_condition_variable,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| {
        check(unsafe {
            libc::pthread_cond_broadcast(&mut initialized(condition_variable)?.condition_handle)
        })
    })
}

/// Waits once, with `mutex` locked by the caller, until notified (or woken spuriously), or
/// until `timeout_ns` nanoseconds have passed when it is `Some`.
unsafe fn wait_once(
    cv: *mut aws_condition_variable,
    mutex: *mut aws_mutex,
    timeout_ns: Option<i64>,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let (c, m) = unsafe { (initialized(cv)?, initialized_mutex(mutex)?) };
    let Some(timeout_ns) = timeout_ns else {
        return check(unsafe {
            libc::pthread_cond_wait(&mut c.condition_handle, &mut m.mutex_handle)
        });
    };
    // The condition variable uses the realtime clock (default attributes), as upstream's does.
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
    let deadline_ns =
        (now.tv_sec as i128) * 1_000_000_000 + now.tv_nsec as i128 + timeout_ns.max(0) as i128;
    let deadline = libc::timespec {
        tv_sec: (deadline_ns / 1_000_000_000) as libc::time_t,
        tv_nsec: (deadline_ns % 1_000_000_000) as libc::c_long,
    };
    check(unsafe {
        libc::pthread_cond_timedwait(&mut c.condition_handle, &mut m.mutex_handle, &deadline)
    })
}

/// Waits, with `mutex` locked by the caller, until `pred` holds; without `pred`, until notified.
unsafe fn wait(
    cv: *mut aws_condition_variable,
    mutex: *mut aws_mutex,
    timeout_ns: Option<i64>,
    pred: Option<aws_condition_predicate_fn>,
    pred_ctx: *mut c_void,
) -> Result<()> {
    let Some(pred) = pred else {
        // SAFETY: forwarded caller contract.
        return unsafe { wait_once(cv, mutex, timeout_ns) };
    };
    // SAFETY: the caller's predicate, called under the caller's mutex as the API promises.
    while !unsafe { pred(pred_ctx) } {
        unsafe { wait_once(cv, mutex, timeout_ns) }?;
    }
    Ok(())
}

/// Waits until notified, with `mutex` locked by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_condition_variable_wait(
    condition_variable: *mut aws_condition_variable,
    mutex: *mut aws_mutex,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| unsafe { wait(condition_variable, mutex, None, None, std::ptr::null_mut()) })
}

/// Waits until `pred(pred_ctx)` holds, with `mutex` locked by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_condition_variable_wait_pred(
    condition_variable: *mut aws_condition_variable,
    mutex: *mut aws_mutex,
    pred: Option<aws_condition_predicate_fn>,
    pred_ctx: *mut c_void,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| {
        require(pred.is_some())?;
        unsafe { wait(condition_variable, mutex, None, pred, pred_ctx) }
    })
}

/// Waits until notified or `time_to_wait` nanoseconds have passed
/// (`AWS_ERROR_COND_VARIABLE_TIMED_OUT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_condition_variable_wait_for(
    condition_variable: *mut aws_condition_variable,
    mutex: *mut aws_mutex,
    time_to_wait: i64,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| unsafe {
        wait(
            condition_variable,
            mutex,
            Some(time_to_wait),
            None,
            std::ptr::null_mut(),
        )
    })
}

/// Waits until `pred(pred_ctx)` holds, each wait lasting at most `time_to_wait` nanoseconds
/// (`AWS_ERROR_COND_VARIABLE_TIMED_OUT` when one runs out first).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_condition_variable_wait_for_pred(
    condition_variable: *mut aws_condition_variable,
    mutex: *mut aws_mutex,
    time_to_wait: i64,
    pred: Option<aws_condition_predicate_fn>,
    pred_ctx: *mut c_void,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| {
        require(pred.is_some())?;
        unsafe {
            wait(
                condition_variable,
                mutex,
                Some(time_to_wait),
                pred,
                pred_ctx,
            )
        }
    })
}

//! `aws/common/ref_count.h`: the atomic reference count upstream's objects embed; the last
//! release calls the object's destroy callback.

use crate::ffi::common::atomics::aws_atomic_var;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_STATE;
use crate::ffi::common::shutdown_types::aws_simple_completion_callback;
use crate::ffi::guard;
use std::ffi::c_void;
use std::sync::atomic::Ordering::{AcqRel, Relaxed};

/// A reference count, the object it counts, and what to call when it reaches zero.
#[repr(C)]
pub struct aws_ref_count {
    /// The count.
    pub ref_count: aws_atomic_var,
    /// Handed to `on_zero_fn`, and returned by `aws_ref_count_acquire`.
    pub object: *mut c_void,
    /// Called with `object` by the release that takes the count to zero.
    pub on_zero_fn: Option<aws_simple_completion_callback>,
}

/// Starts the count at one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ref_count_init(
    ref_count: *mut aws_ref_count,
    object: *mut c_void,
    on_zero_fn: Option<aws_simple_completion_callback>,
) {
    guard::guard((), || {
        // SAFETY: the caller lends the struct to initialise.
        let rc = unsafe { guard::mutable(ref_count) }?;
        rc.ref_count.as_int().store(1, Relaxed);
        rc.object = object;
        rc.on_zero_fn = on_zero_fn;
        Ok(())
    })
}

/// Adds a reference and returns the object. A count already at zero (its object destroyed)
/// stays at zero: NULL with `AWS_ERROR_INVALID_STATE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ref_count_acquire(ref_count: *mut aws_ref_count) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: the caller lends an initialised count.
        let rc = unsafe { guard::reference(ref_count) }?;
        rc.ref_count
            .as_int()
            .fetch_update(Relaxed, Relaxed, |n| {
                if n == 0 { None } else { n.checked_add(1) }
            })
            .map_err(|_| guard::Error::from(AWS_ERROR_INVALID_STATE))?;
        Ok(rc.object)
    })
}

/// Drops a reference and returns how many remain; the release that leaves none calls
/// `on_zero_fn`. Releasing a count that is already zero changes nothing and raises
/// `AWS_ERROR_INVALID_STATE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ref_count_release(ref_count: *mut aws_ref_count) -> usize {
    guard::guard(0, || {
        // SAFETY: the caller lends an initialised count.
        let rc = unsafe { guard::reference(ref_count) }?;
        let count = rc.ref_count.as_int();
        let before = count
            .fetch_update(AcqRel, Relaxed, |n| n.checked_sub(1))
            .map_err(|_| guard::Error::from(AWS_ERROR_INVALID_STATE))?;
        if before == 1 {
            if let Some(on_zero) = rc.on_zero_fn {
                // SAFETY: the callback the owner registered for this moment.
                unsafe { on_zero(rc.object) };
            }
        }
        Ok(before - 1)
    })
}

//! `aws/common/statistics.h`: the statistics handler interface (a vtable a program implements
//! to receive the library's periodic statistics) and the category numbering.
//!
//! The exported functions only dispatch through the handler's vtable, as upstream's do.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a handler is NULL or a
//! valid handler whose vtable functions are set; the other pointers are what those functions
//! expect.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::aws_array_list;
use crate::ffi::guard::{self, INVALID_ARGUMENT};
use std::ffi::c_void;

/// A statistics category: each library owns 256 values from its package id times 256.
pub type aws_crt_statistics_category_t = u32;

/// aws-c-common's statistics categories.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_crt_common_statistics_category {
    /// No category (aws-c-common's range starts here and has no statistics).
    AWSCRT_STAT_CAT_INVALID = 0,
}

/// The head of every statistics struct: its category.
#[repr(C)]
pub struct aws_crt_statistics_base {
    /// What the statistics are about.
    pub category: aws_crt_statistics_category_t,
}

/// The time a sample covers, in milliseconds.
#[repr(C)]
pub struct aws_crt_statistics_sample_interval {
    /// When the sample began.
    pub begin_time_ms: u64,
    /// When it ended.
    pub end_time_ms: u64,
}

/// Receives one sample: a list of pointers to statistics structs, and the context of what
/// they were gathered on.
pub type aws_crt_statistics_handler_process_statistics_fn = unsafe extern "C" fn(
    handler: *mut aws_crt_statistics_handler,
    interval: *mut aws_crt_statistics_sample_interval,
    stats: *mut aws_array_list,
    context: *mut c_void,
);

/// Frees the handler.
pub type aws_crt_statistics_handler_destroy_fn =
    unsafe extern "C" fn(handler: *mut aws_crt_statistics_handler);

/// How often the handler wants samples, in milliseconds.
pub type aws_crt_statistics_handler_get_report_interval_ms_fn =
    unsafe extern "C" fn(handler: *mut aws_crt_statistics_handler) -> u64;

/// What a statistics handler does.
#[repr(C)]
pub struct aws_crt_statistics_handler_vtable {
    /// Receives a sample.
    pub process_statistics: Option<aws_crt_statistics_handler_process_statistics_fn>,
    /// Frees the handler.
    pub destroy: Option<aws_crt_statistics_handler_destroy_fn>,
    /// Its reporting interval.
    pub get_report_interval_ms: Option<aws_crt_statistics_handler_get_report_interval_ms_fn>,
}

/// A statistics handler: its functions, allocator and state.
#[repr(C)]
pub struct aws_crt_statistics_handler {
    /// What the handler does.
    pub vtable: *mut aws_crt_statistics_handler_vtable,
    /// Where its state came from.
    pub allocator: *mut aws_allocator,
    /// Its state.
    pub r#impl: *mut c_void,
}

/// The handler's vtable.
///
/// # Safety
/// As the module's contract.
unsafe fn vtable<'a>(
    handler: *mut aws_crt_statistics_handler,
) -> guard::Result<&'a aws_crt_statistics_handler_vtable> {
    // SAFETY: forwarded caller contract.
    unsafe { guard::reference(guard::reference(handler)?.vtable) }
}

/// Hands a sample to `handler`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_handler_process_statistics(
    handler: *mut aws_crt_statistics_handler,
    interval: *mut aws_crt_statistics_sample_interval,
    stats: *mut aws_array_list,
    context: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract; the handler's own function.
        let process = unsafe { vtable(handler) }?
            .process_statistics
            .ok_or(INVALID_ARGUMENT)?;
        unsafe { process(handler, interval, stats, context) };
        Ok(())
    })
}

/// How often `handler` wants samples, in milliseconds; 0 for a NULL handler.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_handler_get_report_interval_ms(
    handler: *mut aws_crt_statistics_handler,
) -> u64 {
    guard::guard(0, || {
        // SAFETY: forwarded caller contract; the handler's own function.
        let interval = unsafe { vtable(handler) }?
            .get_report_interval_ms
            .ok_or(INVALID_ARGUMENT)?;
        Ok(unsafe { interval(handler) })
    })
}

/// Destroys `handler` through its vtable; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_handler_destroy(
    handler: *mut aws_crt_statistics_handler,
) {
    guard::guard((), || {
        if handler.is_null() {
            return Ok(());
        }
        // SAFETY: forwarded caller contract; the handler's own function.
        let destroy = unsafe { vtable(handler) }?
            .destroy
            .ok_or(INVALID_ARGUMENT)?;
        unsafe { destroy(handler) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" fn interval(handler: *mut aws_crt_statistics_handler) -> u64 {
        guard::guard(0, || Ok(unsafe { (*handler).r#impl } as u64))
    }

    unsafe extern "C" fn destroy(handler: *mut aws_crt_statistics_handler) {
        guard::guard((), || {
            unsafe { (*handler).r#impl = std::ptr::null_mut() };
            Ok(())
        })
    }

    #[test]
    fn calls_go_through_the_vtable() {
        let mut table = aws_crt_statistics_handler_vtable {
            process_statistics: None,
            destroy: Some(destroy),
            get_report_interval_ms: Some(interval),
        };
        let mut handler = aws_crt_statistics_handler {
            vtable: &mut table,
            allocator: std::ptr::null_mut(),
            r#impl: 1000 as *mut c_void,
        };
        unsafe {
            assert_eq!(
                aws_crt_statistics_handler_get_report_interval_ms(&mut handler),
                1000
            );
            aws_crt_statistics_handler_destroy(&mut handler);
            assert!(handler.r#impl.is_null());
            aws_crt_statistics_handler_destroy(std::ptr::null_mut());
            assert_eq!(
                aws_crt_statistics_handler_get_report_interval_ms(std::ptr::null_mut()),
                0
            );
        }
    }
}

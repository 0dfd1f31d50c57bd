//! `aws/common/common.h`: aws-c-common's library init; the header also gathers the basic
//! headers (allocator, errors, macros) as upstream's does.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard;
use std::sync::atomic::{AtomicBool, Ordering};

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Initialises aws-c-common. Calls after the first do nothing. The allocator is not kept: every
/// call that allocates takes its own.
#[unsafe(no_mangle)]
pub extern "C" fn aws_common_library_init(allocator: *mut aws_allocator) {
    guard::guard((), || {
        let _ = allocator;
        INITIALIZED.store(true, Ordering::Release);
        Ok(())
    })
}

/// Undoes [`aws_common_library_init`].
#[unsafe(no_mangle)]
pub extern "C" fn aws_common_library_clean_up() {
    guard::guard((), || {
        INITIALIZED.store(false, Ordering::Release);
        Ok(())
    })
}

/// Aborts the process, after saying why on stderr, unless [`aws_common_library_init`] was called.
#[unsafe(no_mangle)]
pub extern "C" fn aws_common_fatal_assert_library_initialized() {
    guard::guard((), || {
        if !INITIALIZED.load(Ordering::Acquire) {
            eprintln!(
                "aws_common_library_init() must be called before using any functionality in aws-c-common."
            );
            std::process::abort();
        }
        Ok(())
    })
}

//! `aws/sdkutils/sdkutils.h`: the error codes and log subjects of aws-c-sdkutils, and its
//! library init.

pub use crate::error::aws_sdkutils_errors;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::common::{aws_common_library_clean_up, aws_common_library_init};
use crate::ffi::guard;
pub use crate::log::sdkutils::aws_sdkutils_log_subject;
use std::sync::atomic::{AtomicBool, Ordering};

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Initialises aws-c-sdkutils and aws-c-common. Calls after the first do nothing.
#[unsafe(no_mangle)]
pub extern "C" fn aws_sdkutils_library_init(allocator: *mut aws_allocator) {
    guard::guard((), || {
        if !INITIALIZED.swap(true, Ordering::AcqRel) {
            aws_common_library_init(allocator);
        }
        Ok(())
    })
}

/// Undoes [`aws_sdkutils_library_init`].
#[unsafe(no_mangle)]
pub extern "C" fn aws_sdkutils_library_clean_up() {
    guard::guard((), || {
        if INITIALIZED.swap(false, Ordering::AcqRel) {
            aws_common_library_clean_up();
        }
        Ok(())
    })
}

//! `aws/auth/auth.h`: the error codes and log subjects of aws-c-auth, and its library init.

pub use crate::error::aws_auth_errors;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard;
use crate::ffi::http::http::{aws_http_library_clean_up, aws_http_library_init};
use crate::ffi::sdkutils::sdkutils::{aws_sdkutils_library_clean_up, aws_sdkutils_library_init};
pub use crate::log::auth::aws_auth_log_subject;
use std::sync::atomic::{AtomicBool, Ordering};

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Initialises aws-c-auth and the libraries beneath it (aws-c-sdkutils, aws-c-http). Calls
/// after the first do nothing.
#[unsafe(no_mangle)]
pub extern "C" fn aws_auth_library_init(allocator: *mut aws_allocator) {
    guard::guard((), || {
        if !INITIALIZED.swap(true, Ordering::AcqRel) {
            aws_sdkutils_library_init(allocator);
            aws_http_library_init(allocator);
        }
        Ok(())
    })
}

/// Undoes [`aws_auth_library_init`].
#[unsafe(no_mangle)]
pub extern "C" fn aws_auth_library_clean_up() {
    guard::guard((), || {
        if INITIALIZED.swap(false, Ordering::AcqRel) {
            aws_http_library_clean_up();
            aws_sdkutils_library_clean_up();
        }
        Ok(())
    })
}

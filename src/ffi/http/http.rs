//! `aws/http/http.h`: the error codes of aws-c-http and its library init.

pub use crate::error::aws_http_errors;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard;
use crate::ffi::io::io::{aws_io_library_clean_up, aws_io_library_init};
pub use crate::log::http::aws_http_log_subject;
use std::sync::atomic::{AtomicBool, Ordering};

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Initialises aws-c-http and the libraries beneath it. Calls after the first do nothing.
#[unsafe(no_mangle)]
pub extern "C" fn aws_http_library_init(allocator: *mut aws_allocator) {
    guard::guard((), || {
        if !INITIALIZED.swap(true, Ordering::AcqRel) {
            aws_io_library_init(allocator);
        }
        Ok(())
    })
}

/// Undoes [`aws_http_library_init`].
#[unsafe(no_mangle)]
pub extern "C" fn aws_http_library_clean_up() {
    guard::guard((), || {
        if INITIALIZED.swap(false, Ordering::AcqRel) {
            aws_io_library_clean_up();
        }
        Ok(())
    })
}

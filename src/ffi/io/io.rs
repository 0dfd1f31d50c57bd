//! `aws/io/io.h`: the error codes of aws-c-io and its library init.

pub use crate::error::aws_io_errors;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::common::{aws_common_library_clean_up, aws_common_library_init};
use crate::ffi::common::thread::aws_thread_join_all_managed;
use crate::ffi::guard;
use std::sync::atomic::{AtomicBool, Ordering};

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Initialises aws-c-io and the libraries beneath it. Calls after the first do nothing.
#[unsafe(no_mangle)]
pub extern "C" fn aws_io_library_init(allocator: *mut aws_allocator) {
    guard::guard((), || {
        if !INITIALIZED.swap(true, Ordering::AcqRel) {
            aws_common_library_init(allocator);
        }
        Ok(())
    })
}

/// Undoes [`aws_io_library_init`]. As upstream's, it first waits for every managed thread
/// (event-loop threads, host-resolver threads, threads a program launched with
/// `AWS_TJS_MANAGED`) to finish, within `aws_thread_set_managed_join_timeout_ns` when set, so a
/// leak check after it sees what those threads freed.
#[unsafe(no_mangle)]
pub extern "C" fn aws_io_library_clean_up() {
    guard::guard((), || {
        if INITIALIZED.swap(false, Ordering::AcqRel) {
            aws_thread_join_all_managed();
            aws_common_library_clean_up();
        }
        Ok(())
    })
}

//! `aws/common/assert.h`: the function a failed `AWS_FATAL_ASSERT` calls. The assertion and
//! contract macros themselves are in the header's fragment.
//!
//! # Safety
//! `aws_fatal_assert`'s strings are NULL or NUL-terminated.

use crate::ffi::common::system_info_backtrace::{debug_break, print_backtrace};
use crate::ffi::guard;
use std::ffi::{c_char, c_int};
use std::io::Write;

/// Reports a failed fatal assertion on stderr (the condition, file and line, then a stack
/// trace) and aborts the process. It never returns. NULL strings are printed as `(null)`
/// rather than refused: the process is going down either way.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_fatal_assert(
    cond_str: *const c_char,
    file: *const c_char,
    line: c_int,
) {
    guard::guard((), || {
        debug_break();
        // SAFETY: the caller lends NUL-terminated strings (or NULL).
        let (cond, file) = unsafe { (text(cond_str), text(file)) };
        let mut err = std::io::stderr().lock();
        // Nothing is left to do about a failed write to stderr: the report is best effort.
        let _ = writeln!(
            err,
            "Fatal error condition occurred in {file}:{line}: {cond}\nExiting Application"
        );
        let _ = err.flush();
        drop(err);
        print_backtrace(&mut std::io::stderr());
        std::process::abort()
    })
}

/// A C string for a report, `(null)` for NULL, invalid UTF-8 replaced.
///
/// # Safety
/// A non-NULL `p` must be a NUL-terminated string.
unsafe fn text(p: *const c_char) -> String {
    // SAFETY: forwarded caller contract.
    match unsafe { guard::c_str(p) } {
        Ok(s) => s.to_string_lossy().into_owned(),
        Err(_) => "(null)".to_owned(),
    }
}

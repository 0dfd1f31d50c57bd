//! `aws/common/error.h`: the thread-local last error, error handlers, and the error codes of
//! aws-c-common. The codes themselves live in `crate::error`.

pub use crate::error::aws_common_error;
use crate::error::table as error_table;
use crate::ffi::common::error_info::{self, aws_error_info};
use crate::ffi::guard;
use crate::runtime::lock::lock;
use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::Mutex;

/// Called with the error code and the registered context each time an error is raised
/// (upstream's `aws_error_handler_fn`; the C typedef lives in the header's fragment).
pub type aws_error_handler_fn = unsafe extern "C" fn(err: c_int, ctx: *mut c_void);

/// A handler and the context it is called with.
#[derive(Clone, Copy)]
struct Handler {
    handler: Option<aws_error_handler_fn>,
    ctx: *mut c_void,
}

// SAFETY: the context is the caller's opaque pointer; we only hand it back to their handler.
unsafe impl Send for Handler {}

const NO_HANDLER: Handler = Handler {
    handler: None,
    ctx: std::ptr::null_mut(),
};

thread_local! {
    static LAST_ERROR: Cell<c_int> = const { Cell::new(0) };
    static THREAD_HANDLER: Cell<Handler> = const { Cell::new(NO_HANDLER) };
}

static GLOBAL_HANDLER: Mutex<Handler> = Mutex::new(NO_HANDLER);

/// Makes `err` this thread's last error and tells the thread's handler, or else the global one.
pub fn raise(err: c_int) {
    LAST_ERROR.with(|e| e.set(err));
    let local = THREAD_HANDLER.with(Cell::get);
    let chosen = if local.handler.is_some() {
        local
    } else {
        *lock(&GLOBAL_HANDLER)
    };
    if let Some(handler) = chosen.handler {
        // SAFETY: the caller registered this handler for exactly this call.
        unsafe { handler(err, chosen.ctx) };
    }
}

/// The last error raised on the calling thread (0 when none since the last reset).
#[unsafe(no_mangle)]
pub extern "C" fn aws_last_error() -> c_int {
    guard::guard(0, || Ok(LAST_ERROR.with(Cell::get)))
}

/// Raises `err` on the calling thread. C code calls it through the inline `aws_raise_error`,
/// which returns `AWS_OP_ERR`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_raise_error_private(err: c_int) {
    guard::guard((), || {
        raise(err);
        Ok(())
    })
}

/// Sets the calling thread's last error back to 0 (`AWS_ERROR_SUCCESS`).
#[unsafe(no_mangle)]
pub extern "C" fn aws_reset_error() {
    guard::guard((), || {
        LAST_ERROR.with(|e| e.set(0));
        Ok(())
    })
}

/// Sets the calling thread's last error to `err` without calling any handler.
#[unsafe(no_mangle)]
pub extern "C" fn aws_restore_error(err: c_int) {
    guard::guard((), || {
        LAST_ERROR.with(|e| e.set(err));
        Ok(())
    })
}

/// The description of `err`, or "Unknown Error Code".
#[unsafe(no_mangle)]
pub extern "C" fn aws_error_str(err: c_int) -> *const c_char {
    describe(err, |r| r.error_str, |e| e.description.as_ptr())
}

/// The enumerator's name of `err` (such as "AWS_ERROR_OOM"), or "Unknown Error Code".
#[unsafe(no_mangle)]
pub extern "C" fn aws_error_name(err: c_int) -> *const c_char {
    describe(err, |r| r.literal_name, |e| e.name.as_ptr())
}

/// The library `err` belongs to (such as "aws-c-common"), or "Unknown Error Code".
#[unsafe(no_mangle)]
pub extern "C" fn aws_error_lib_name(err: c_int) -> *const c_char {
    describe(err, |r| r.lib_name, |e| e.lib_name.as_ptr())
}

/// "library: NAME, description" for `err`, or "Unknown Error Code".
#[unsafe(no_mangle)]
pub extern "C" fn aws_error_debug_str(err: c_int) -> *const c_char {
    describe(err, |r| r.formatted_name, |e| e.debug.as_ptr())
}

/// One text of `err`'s entry: in a table the program registered (`error_info.rs`), else in
/// the library's own; "Unknown Error Code" for a code without one.
fn describe(
    err: c_int,
    registered: impl FnOnce(&aws_error_info) -> *const c_char,
    text: impl FnOnce(&'static error_table::Entry) -> *const c_char,
) -> *const c_char {
    guard::guard(error_table::UNKNOWN.as_ptr(), || {
        if let Some(entry) = error_info::registered(err) {
            return Ok(registered(entry));
        }
        Ok(error_table::lookup(err).map_or(error_table::UNKNOWN.as_ptr(), text))
    })
}

/// Installs the handler called for every error raised on any thread without a thread-local
/// handler; returns the previous one. NULL removes it.
#[unsafe(no_mangle)]
pub extern "C" fn aws_set_global_error_handler_fn(
    handler: Option<aws_error_handler_fn>,
    ctx: *mut c_void,
) -> Option<aws_error_handler_fn> {
    guard::guard(None, || {
        let mut global = lock(&GLOBAL_HANDLER);
        Ok(std::mem::replace(&mut *global, Handler { handler, ctx }).handler)
    })
}

/// Installs the handler called for every error raised on the calling thread; returns the
/// previous one. NULL removes it.
#[unsafe(no_mangle)]
pub extern "C" fn aws_set_thread_local_error_handler_fn(
    handler: Option<aws_error_handler_fn>,
    ctx: *mut c_void,
) -> Option<aws_error_handler_fn> {
    guard::guard(None, || {
        Ok(THREAD_HANDLER.with(|h| h.replace(Handler { handler, ctx }).handler))
    })
}

//! `aws/common/error.h`: the thread-local last error, error handlers, and the error codes of
//! aws-c-common. Every library's codes are looked up by number in `ffi::error_table`.

use crate::ffi::error_table;
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

const NO_HANDLER: Handler = Handler { handler: None, ctx: std::ptr::null_mut() };

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
        *GLOBAL_HANDLER.lock().unwrap_or_else(|p| p.into_inner())
    };
    if let Some(handler) = chosen.handler {
        // SAFETY: the caller registered this handler for exactly this call.
        unsafe { handler(err, chosen.ctx) };
    }
}

/// The last error raised on the calling thread (0 when none since the last reset).
#[unsafe(no_mangle)]
pub extern "C" fn aws_last_error() -> c_int {
    LAST_ERROR.with(Cell::get)
}

/// Raises `err` on the calling thread. C code calls it through the inline `aws_raise_error`,
/// which returns `AWS_OP_ERR`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_raise_error_private(err: c_int) {
    raise(err);
}

/// Sets the calling thread's last error back to 0 (`AWS_ERROR_SUCCESS`).
#[unsafe(no_mangle)]
pub extern "C" fn aws_reset_error() {
    LAST_ERROR.with(|e| e.set(0));
}

/// Sets the calling thread's last error to `err` without calling any handler.
#[unsafe(no_mangle)]
pub extern "C" fn aws_restore_error(err: c_int) {
    LAST_ERROR.with(|e| e.set(err));
}

/// The description of `err`, or "Unknown Error Code".
#[unsafe(no_mangle)]
pub extern "C" fn aws_error_str(err: c_int) -> *const c_char {
    error_table::lookup(err).map_or(error_table::UNKNOWN.as_ptr(), |e| e.description.as_ptr())
}

/// The enumerator's name of `err` (such as "AWS_ERROR_OOM"), or "Unknown Error Code".
#[unsafe(no_mangle)]
pub extern "C" fn aws_error_name(err: c_int) -> *const c_char {
    error_table::lookup(err).map_or(error_table::UNKNOWN.as_ptr(), |e| e.name.as_ptr())
}

/// The library `err` belongs to (such as "aws-c-common"), or "Unknown Error Code".
#[unsafe(no_mangle)]
pub extern "C" fn aws_error_lib_name(err: c_int) -> *const c_char {
    error_table::lookup(err).map_or(error_table::UNKNOWN.as_ptr(), |e| e.lib_name.as_ptr())
}

/// "library: NAME, description" for `err`, or "Unknown Error Code".
#[unsafe(no_mangle)]
pub extern "C" fn aws_error_debug_str(err: c_int) -> *const c_char {
    error_table::lookup(err).map_or(error_table::UNKNOWN.as_ptr(), |e| e.debug.as_ptr())
}

/// Installs the handler called for every error raised on any thread without a thread-local
/// handler; returns the previous one. NULL removes it.
#[unsafe(no_mangle)]
pub extern "C" fn aws_set_global_error_handler_fn(
    handler: Option<aws_error_handler_fn>,
    ctx: *mut c_void,
) -> Option<aws_error_handler_fn> {
    let mut global = GLOBAL_HANDLER.lock().unwrap_or_else(|p| p.into_inner());
    std::mem::replace(&mut *global, Handler { handler, ctx }).handler
}

/// Installs the handler called for every error raised on the calling thread; returns the
/// previous one. NULL removes it.
#[unsafe(no_mangle)]
pub extern "C" fn aws_set_thread_local_error_handler_fn(
    handler: Option<aws_error_handler_fn>,
    ctx: *mut c_void,
) -> Option<aws_error_handler_fn> {
    THREAD_HANDLER.with(|h| h.replace(Handler { handler, ctx }).handler)
}

/// The error codes of aws-c-common (0 to 1023).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage)]
pub enum aws_common_error {
    /// Success.
    AWS_ERROR_SUCCESS = 0,
    /// Oom.
    AWS_ERROR_OOM = 1,
    /// No space.
    AWS_ERROR_NO_SPACE = 2,
    /// Unknown.
    AWS_ERROR_UNKNOWN = 3,
    /// Short buffer.
    AWS_ERROR_SHORT_BUFFER = 4,
    /// Overflow detected.
    AWS_ERROR_OVERFLOW_DETECTED = 5,
    /// Unsupported operation.
    AWS_ERROR_UNSUPPORTED_OPERATION = 6,
    /// Invalid buffer size.
    AWS_ERROR_INVALID_BUFFER_SIZE = 7,
    /// Invalid hex str.
    AWS_ERROR_INVALID_HEX_STR = 8,
    /// Invalid base64 str.
    AWS_ERROR_INVALID_BASE64_STR = 9,
    /// Invalid index.
    AWS_ERROR_INVALID_INDEX = 10,
    /// Thread invalid settings.
    AWS_ERROR_THREAD_INVALID_SETTINGS = 11,
    /// Thread insufficient resource.
    AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE = 12,
    /// Thread no permissions.
    AWS_ERROR_THREAD_NO_PERMISSIONS = 13,
    /// Thread not joinable.
    AWS_ERROR_THREAD_NOT_JOINABLE = 14,
    /// Thread no such thread ID.
    AWS_ERROR_THREAD_NO_SUCH_THREAD_ID = 15,
    /// Thread deadlock detected.
    AWS_ERROR_THREAD_DEADLOCK_DETECTED = 16,
    /// Mutex not init.
    AWS_ERROR_MUTEX_NOT_INIT = 17,
    /// Mutex timeout.
    AWS_ERROR_MUTEX_TIMEOUT = 18,
    /// Mutex caller not owner.
    AWS_ERROR_MUTEX_CALLER_NOT_OWNER = 19,
    /// Mutex failed.
    AWS_ERROR_MUTEX_FAILED = 20,
    /// Cond variable init failed.
    AWS_ERROR_COND_VARIABLE_INIT_FAILED = 21,
    /// Cond variable timed out.
    AWS_ERROR_COND_VARIABLE_TIMED_OUT = 22,
    /// Cond variable error unknown.
    AWS_ERROR_COND_VARIABLE_ERROR_UNKNOWN = 23,
    /// Clock failure.
    AWS_ERROR_CLOCK_FAILURE = 24,
    /// List empty.
    AWS_ERROR_LIST_EMPTY = 25,
    /// Dest copy too small.
    AWS_ERROR_DEST_COPY_TOO_SMALL = 26,
    /// List exceeds max size.
    AWS_ERROR_LIST_EXCEEDS_MAX_SIZE = 27,
    /// List static mode cant shrink.
    AWS_ERROR_LIST_STATIC_MODE_CANT_SHRINK = 28,
    /// Priority queue full.
    AWS_ERROR_PRIORITY_QUEUE_FULL = 29,
    /// Priority queue empty.
    AWS_ERROR_PRIORITY_QUEUE_EMPTY = 30,
    /// Priority queue bad node.
    AWS_ERROR_PRIORITY_QUEUE_BAD_NODE = 31,
    /// Hashtbl item not found.
    AWS_ERROR_HASHTBL_ITEM_NOT_FOUND = 32,
    /// Invalid date str.
    AWS_ERROR_INVALID_DATE_STR = 33,
    /// Invalid argument.
    AWS_ERROR_INVALID_ARGUMENT = 34,
    /// Random gen failed.
    AWS_ERROR_RANDOM_GEN_FAILED = 35,
    /// Malformed input string.
    AWS_ERROR_MALFORMED_INPUT_STRING = 36,
    /// Unimplemented.
    AWS_ERROR_UNIMPLEMENTED = 37,
    /// Invalid state.
    AWS_ERROR_INVALID_STATE = 38,
    /// Environment get.
    AWS_ERROR_ENVIRONMENT_GET = 39,
    /// Environment set.
    AWS_ERROR_ENVIRONMENT_SET = 40,
    /// Environment unset.
    AWS_ERROR_ENVIRONMENT_UNSET = 41,
    /// Stream unseekable.
    AWS_ERROR_STREAM_UNSEEKABLE = 42,
    /// No permission.
    AWS_ERROR_NO_PERMISSION = 43,
    /// File invalid path.
    AWS_ERROR_FILE_INVALID_PATH = 44,
    /// Max FDs exceeded.
    AWS_ERROR_MAX_FDS_EXCEEDED = 45,
    /// Sys call failure.
    AWS_ERROR_SYS_CALL_FAILURE = 46,
    /// C string buffer not null terminated.
    AWS_ERROR_C_STRING_BUFFER_NOT_NULL_TERMINATED = 47,
    /// String match not found.
    AWS_ERROR_STRING_MATCH_NOT_FOUND = 48,
    /// Divide by zero.
    AWS_ERROR_DIVIDE_BY_ZERO = 49,
    /// Invalid file handle.
    AWS_ERROR_INVALID_FILE_HANDLE = 50,
    /// Operation interupted.
    AWS_ERROR_OPERATION_INTERUPTED = 51,
    /// Directory not empty.
    AWS_ERROR_DIRECTORY_NOT_EMPTY = 52,
    /// Platform not supported.
    AWS_ERROR_PLATFORM_NOT_SUPPORTED = 53,
    /// Invalid UTF-8.
    AWS_ERROR_INVALID_UTF8 = 54,
    /// Get home directory failed.
    AWS_ERROR_GET_HOME_DIRECTORY_FAILED = 55,
    /// Invalid XML.
    AWS_ERROR_INVALID_XML = 56,
    /// File open failure.
    AWS_ERROR_FILE_OPEN_FAILURE = 57,
    /// File read failure.
    AWS_ERROR_FILE_READ_FAILURE = 58,
    /// File write failure.
    AWS_ERROR_FILE_WRITE_FAILURE = 59,
    /// Invalid CBOR.
    AWS_ERROR_INVALID_CBOR = 60,
    /// CBOR unexpected type.
    AWS_ERROR_CBOR_UNEXPECTED_TYPE = 61,
    /// CBOR resource limit exceeded.
    AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED = 62,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_ERROR_END_COMMON_RANGE = 1023,
}
crate::c_enum!(aws_common_error);

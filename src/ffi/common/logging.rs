//! `aws/common/logging.h`: log levels and subjects, the `aws_logger` interface, the process-wide
//! logger, and the standard and no-allocation loggers that write one line per message to a file.
//!
//! The rest of the crate logs through whatever logger a C program set, with [`crate::aws_log!`]
//! (`crate::log`, which the first `aws_logger_set` points at [`enabled`] and [`log`]), so a
//! program sees our lines where it sees upstream's. The levels and subjects live in `crate::log`.
//!
//! The loggers themselves live in `ffi::file_logger`, the subject names in `ffi::log_subjects`.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNIMPLEMENTED;
use crate::ffi::file_logger::{self, Destination};
use crate::ffi::guard::{self, Result, require};
use crate::ffi::log_subjects;
pub use crate::log::common::{
    aws_common_log_subject, aws_log_level, aws_log_level_raw, aws_log_subject_t,
};
use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// The name and description of one log subject.
#[repr(C)]
pub struct aws_log_subject_info {
    /// The subject's value.
    pub subject_id: aws_log_subject_t,
    /// The name log lines show.
    pub subject_name: *const c_char,
    /// What the subject covers.
    pub subject_description: *const c_char,
}

/// One library's subjects, in order: entry `i` describes the range's first subject plus `i`.
#[repr(C)]
pub struct aws_log_subject_info_list {
    /// The entries.
    pub subject_list: *mut aws_log_subject_info,
    /// How many entries there are.
    pub count: usize,
}

/// What a logger does. C programs may implement their own; `set_log_level` is optional.
#[repr(C)]
pub struct aws_logger_vtable {
    /// Formats a message printf-style and writes it, whatever the logger's level.
    pub log: Option<
        unsafe extern "C" fn(
            logger: *mut aws_logger,
            log_level: aws_log_level_raw,
            subject: aws_log_subject_t,
            format: *const c_char,
            ...
        ) -> c_int,
    >,
    /// The most detailed level the logger lets through for `subject`.
    pub get_log_level: Option<
        unsafe extern "C" fn(
            logger: *mut aws_logger,
            subject: aws_log_subject_t,
        ) -> aws_log_level_raw,
    >,
    /// Frees what the logger holds.
    pub clean_up: Option<unsafe extern "C" fn(logger: *mut aws_logger)>,
    /// Changes the logger's level (optional).
    pub set_log_level:
        Option<unsafe extern "C" fn(logger: *mut aws_logger, level: aws_log_level_raw) -> c_int>,
}

/// A logger: its functions, the allocator it was made with, and its state.
#[repr(C)]
pub struct aws_logger {
    /// What the logger does.
    pub vtable: *mut aws_logger_vtable,
    /// The allocator its state came from.
    pub allocator: *mut aws_allocator,
    /// The logger's own state.
    pub p_impl: *mut std::ffi::c_void,
}

/// Where [`aws_logger_init_standard`] and [`aws_logger_init_noalloc`] write, and their level.
/// Set `filename` to open (and later close) a file, or `file` to use one already open.
#[repr(C)]
pub struct aws_logger_standard_options {
    /// The most detailed level let through.
    pub level: aws_log_level_raw,
    /// A file to open; the logger closes it when cleaned up.
    pub filename: *const c_char,
    /// An open file, such as `stderr`; it stays open after the logger is cleaned up.
    pub file: *mut libc::FILE,
}

/// The logger `aws_logger_get` returns while none is set: it lets nothing through.
struct NullLogger(UnsafeCell<aws_logger_vtable>, UnsafeCell<aws_logger>);

// SAFETY: nothing ever writes the null logger or its vtable; C only reads them.
unsafe impl Sync for NullLogger {}

/// `AWS_LL_NONE`, as C receives it.
const LEVEL_NONE: aws_log_level_raw = aws_log_level::AWS_LL_NONE as aws_log_level_raw;

unsafe extern "C" fn null_get_log_level(
    _: *mut aws_logger,
    _: aws_log_subject_t,
) -> aws_log_level_raw {
    guard::guard(LEVEL_NONE, || Ok(LEVEL_NONE))
}

unsafe extern "C" fn null_clean_up(_: *mut aws_logger) {
    guard::guard((), || Ok(()))
}

static NULL_LOGGER: NullLogger = NullLogger(
    UnsafeCell::new(aws_logger_vtable {
        log: Some(file_logger::awsrs_null_logger_log),
        get_log_level: Some(null_get_log_level),
        clean_up: Some(null_clean_up),
        set_log_level: None,
    }),
    UnsafeCell::new(aws_logger {
        vtable: NULL_LOGGER.0.get(),
        allocator: ptr::null_mut(),
        p_impl: ptr::null_mut(),
    }),
);

/// The process-wide logger; NULL while none is set.
static ROOT: AtomicPtr<aws_logger> = AtomicPtr::new(ptr::null_mut());

/// Makes `logger` the process-wide logger, for every thread. NULL goes back to logging nothing.
/// The logger must stay valid until another is set.
#[unsafe(no_mangle)]
pub extern "C" fn aws_logger_set(logger: *mut aws_logger) {
    guard::guard((), || {
        let logger = if logger == NULL_LOGGER.1.get() {
            ptr::null_mut()
        } else {
            logger
        };
        ROOT.store(logger, Ordering::Release);
        // The rest of the crate logs through `crate::log`, which reaches this logger from here on.
        crate::log::install(crate::log::Sink { enabled, log });
        Ok(())
    })
}

/// The process-wide logger; while none is set, a logger that lets nothing through (never NULL).
#[unsafe(no_mangle)]
pub extern "C" fn aws_logger_get() -> *mut aws_logger {
    guard::guard(NULL_LOGGER.1.get(), || {
        let logger = ROOT.load(Ordering::Acquire);
        Ok(if logger.is_null() {
            NULL_LOGGER.1.get()
        } else {
            logger
        })
    })
}

/// The process-wide logger if it lets `level` through for `subject`, otherwise NULL.
#[unsafe(no_mangle)]
pub extern "C" fn aws_logger_get_conditional(
    subject: aws_log_subject_t,
    level: aws_log_level_raw,
) -> *mut aws_logger {
    guard::ptr(|| {
        let logger = aws_logger_get();
        // SAFETY: a set logger stays valid while it is set (the contract of `aws_logger_set`).
        Ok(match unsafe { level_of(logger, subject) } {
            Some(current) if current >= level => logger,
            _ => ptr::null_mut(),
        })
    })
}

/// Cleans up `logger` through its vtable; NULL does nothing. A logger cleaned up while it is the
/// process-wide one stops being it first.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_logger_clean_up(logger: *mut aws_logger) {
    guard::guard((), || {
        let _ = ROOT.compare_exchange(logger, ptr::null_mut(), Ordering::AcqRel, Ordering::Acquire);
        // SAFETY: the caller lends an initialised logger or NULL.
        let vtable = unsafe { guard::reference(logger) }?.vtable;
        // SAFETY: a logger's vtable pointer is NULL or valid.
        if let Some(clean_up) = unsafe { vtable.as_ref() }.and_then(|v| v.clean_up) {
            unsafe { clean_up(logger) };
        }
        Ok(())
    })
}

/// Changes what `logger` lets through. `AWS_ERROR_INVALID_ARGUMENT` for a NULL logger or a level
/// outside `AWS_LL_NONE..=AWS_LL_TRACE`, `AWS_ERROR_UNIMPLEMENTED` when the logger cannot.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_logger_set_log_level(
    logger: *mut aws_logger,
    level: aws_log_level_raw,
) -> c_int {
    guard::guard(guard::OP_ERR, || {
        level_from_raw(level)?;
        // SAFETY: the caller lends an initialised logger or NULL.
        let vtable = unsafe { guard::reference(logger) }?.vtable;
        let vtable = unsafe { guard::reference(vtable) }?;
        let set = vtable
            .set_log_level
            .ok_or(guard::Error::from(AWS_ERROR_UNIMPLEMENTED))?;
        // SAFETY: the logger's own function; it raises its own error when it fails.
        Ok(unsafe { set(logger, level) })
    })
}

/// Sets `*level_string` (when not NULL) to the level's name, "NONE" to "TRACE".
/// `AWS_ERROR_INVALID_ARGUMENT` for any other value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_level_to_string(
    log_level: aws_log_level_raw,
    level_string: *mut *const c_char,
) -> c_int {
    guard::op(|| {
        let name = level_name(level_from_raw(log_level)?);
        // SAFETY: the caller lends a writable slot or NULL.
        if let Some(slot) = unsafe { level_string.as_mut() } {
            *slot = name.as_ptr();
        }
        Ok(())
    })
}

/// Sets `*log_level` to the level named `level_string`, ignoring case ("debug" is `AWS_LL_DEBUG`).
/// `AWS_ERROR_INVALID_ARGUMENT` for NULL arguments or an unknown name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_to_log_level(
    level_string: *const c_char,
    log_level: *mut aws_log_level_raw,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a C string and a writable slot, or NULLs.
        let text = unsafe { guard::c_str(level_string) }?.to_bytes();
        let slot = unsafe { guard::mutable(log_level) }?;
        let level = LEVELS
            .into_iter()
            .find(|l| level_name(*l).to_bytes().eq_ignore_ascii_case(text))
            .ok_or(guard::INVALID_ARGUMENT)?;
        *slot = level as aws_log_level_raw;
        Ok(())
    })
}

/// The name of `subject` in log lines ("mqtt-client"), or "Unknown".
#[unsafe(no_mangle)]
pub extern "C" fn aws_log_subject_name(subject: aws_log_subject_t) -> *const c_char {
    guard::guard(c"Unknown".as_ptr(), || Ok(log_subjects::name(subject)))
}

/// Makes the names in `log_subject_list` the ones used for its library's subjects (the library
/// is the one its first entry's id falls in). The list must stay valid while registered.
/// A NULL or empty list, or an id beyond the 32 libraries, is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_register_log_subject_info_list(
    log_subject_list: *mut aws_log_subject_info_list,
) {
    // SAFETY: forwarded caller contract.
    guard::guard((), || unsafe { log_subjects::register(log_subject_list) })
}

/// Undoes [`aws_register_log_subject_info_list`] for that list; the library's built-in names (if
/// it is one of ours) apply again. A list not registered is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_unregister_log_subject_info_list(
    log_subject_list: *mut aws_log_subject_info_list,
) {
    // SAFETY: forwarded caller contract.
    guard::guard((), || unsafe { log_subjects::unregister(log_subject_list) })
}

/// Initialises `logger` to write one line per message, in upstream's format, to `options->file`
/// or to `options->filename` (opened for appending, closed at clean-up). Exactly one of the two
/// must be set. Opening the file fails with upstream's codes (`AWS_ERROR_FILE_INVALID_PATH`,
/// `AWS_ERROR_NO_PERMISSION`, ...).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_logger_init_standard(
    logger: *mut aws_logger,
    allocator: *mut aws_allocator,
    options: *mut aws_logger_standard_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends valid options or NULL.
        let options = unsafe { guard::reference(options) }?;
        require(options.filename.is_null() != options.file.is_null())?;
        let destination = if options.file.is_null() {
            // SAFETY: the caller lends a C string.
            Destination::Open(unsafe { guard::c_str(options.filename) }?, c"a+")
        } else {
            Destination::Borrowed(options.file)
        };
        // SAFETY: forwarded caller contract.
        unsafe {
            file_logger::init(
                logger,
                allocator,
                level_from_raw(options.level)?,
                destination,
                true,
            )
        }
    })
}

/// Initialises `logger` like [`aws_logger_init_standard`], but it allocates nothing per message:
/// lines longer than 8 KiB are cut short. Writes to `options->file` if set, else to
/// `options->filename` (truncated, as upstream does), else to `stderr`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_logger_init_noalloc(
    logger: *mut aws_logger,
    allocator: *mut aws_allocator,
    options: *mut aws_logger_standard_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends valid options or NULL.
        let options = unsafe { guard::reference(options) }?;
        let destination = if !options.file.is_null() {
            Destination::Borrowed(options.file)
        } else if !options.filename.is_null() {
            // SAFETY: the caller lends a C string.
            Destination::Open(unsafe { guard::c_str(options.filename) }?, c"w")
        } else {
            Destination::Stderr
        };
        // SAFETY: forwarded caller contract.
        unsafe {
            file_logger::init(
                logger,
                allocator,
                level_from_raw(options.level)?,
                destination,
                false,
            )
        }
    })
}

/// The levels a message or a logger can have, `AWS_LL_NONE` to `AWS_LL_TRACE`.
const LEVELS: [aws_log_level; 7] = {
    use aws_log_level::*;
    [
        AWS_LL_NONE,
        AWS_LL_FATAL,
        AWS_LL_ERROR,
        AWS_LL_WARN,
        AWS_LL_INFO,
        AWS_LL_DEBUG,
        AWS_LL_TRACE,
    ]
};

/// A level received from C; `AWS_LL_COUNT` and anything outside the enum are refused.
pub fn level_from_raw(raw: aws_log_level_raw) -> Result<aws_log_level> {
    usize::try_from(raw)
        .ok()
        .and_then(|i| LEVELS.get(i).copied())
        .ok_or(guard::INVALID_ARGUMENT)
}

/// The name a level has in log lines and in [`aws_log_level_to_string`].
pub fn level_name(level: aws_log_level) -> &'static std::ffi::CStr {
    use aws_log_level::*;
    match level {
        AWS_LL_NONE | AWS_LL_COUNT => c"NONE",
        AWS_LL_FATAL => c"FATAL",
        AWS_LL_ERROR => c"ERROR",
        AWS_LL_WARN => c"WARN",
        AWS_LL_INFO => c"INFO",
        AWS_LL_DEBUG => c"DEBUG",
        AWS_LL_TRACE => c"TRACE",
    }
}

/// The level `logger` lets through for `subject`; None for a logger without one.
///
/// # Safety
/// `logger` must be NULL or an initialised logger.
unsafe fn level_of(
    logger: *mut aws_logger,
    subject: aws_log_subject_t,
) -> Option<aws_log_level_raw> {
    // SAFETY: forwarded caller contract; a logger's vtable pointer is NULL or valid.
    let vtable = unsafe { logger.as_ref()?.vtable.as_ref()? };
    if ptr::eq(vtable, file_logger::vtable()) {
        // SAFETY: our vtable means our state behind p_impl.
        return Some(unsafe { file_logger::level(logger) });
    }
    // SAFETY: the logger's own function.
    Some(unsafe { (vtable.get_log_level?)(logger, subject) })
}

/// True when the process-wide logger lets `level` through for `subject`. With no logger set this
/// is one atomic load.
#[inline]
pub fn enabled(level: aws_log_level, subject: aws_log_subject_t) -> bool {
    let logger = ROOT.load(Ordering::Acquire);
    if logger.is_null()
        || level == aws_log_level::AWS_LL_NONE
        || level == aws_log_level::AWS_LL_COUNT
    {
        return false;
    }
    // SAFETY: a set logger stays valid while it is set (the contract of `aws_logger_set`).
    unsafe { level_of(logger, subject) }
        .is_some_and(|current| current >= level as aws_log_level_raw)
}

/// Writes one message through the process-wide logger, whatever its level (check [`enabled`]
/// first, or use [`crate::aws_log!`], which does). A C logger receives it as `"%.*s"`.
pub fn log(level: aws_log_level, subject: aws_log_subject_t, message: std::fmt::Arguments<'_>) {
    let logger = ROOT.load(Ordering::Acquire);
    if logger.is_null() {
        return;
    }
    // SAFETY: a set logger stays valid while it is set.
    unsafe { file_logger::log_arguments(logger, level, subject, message) };
}

//! The pipeline logger of `aws/common/logging.h`: a logger made of a formatter, a channel and a
//! writer (`struct aws_logger_pipeline`, `aws_logger_init_from_external`, and the vtable
//! `g_pipeline_logger_owned_vtable` for pipelines that own their parts).
//!
//! Its C declarations are hand-written (`private/logging_fragment.h` and `logging.inl`):
//! generated ones would make `logging.h` include `log_formatter.h`, which needs `logging.h`
//! complete first. Upstream's `logging.h` only forward-declares the three parts, as these do.
//!
//! A message goes through the formatter's `format` (which makes the line), then the channel's
//! `send` (which takes the line and has the writer write it).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type, and the three parts outlive the logger.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::atomics::aws_atomic_var;
use crate::ffi::common::log_channel::aws_log_channel;
use crate::ffi::common::log_formatter::aws_log_formatter;
use crate::ffi::common::log_state::{place, state, unplace};
use crate::ffi::common::log_writer::aws_log_writer;
use crate::ffi::common::logging::{
    aws_log_level_raw, aws_log_subject_t, aws_logger, aws_logger_vtable, level_from_raw,
};
use crate::ffi::common::string::{aws_string, aws_string_destroy};
use crate::ffi::common::va_list::{awsrs_pipeline_logger_log, va_list};
use crate::ffi::guard::{self, Result, require};
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::Ordering;

/// A pipeline logger's state (upstream's `struct aws_logger_pipeline`, same layout).
#[repr(C)]
pub struct aws_logger_pipeline {
    /// Turns messages into lines.
    pub formatter: *mut aws_log_formatter,
    /// Takes lines to the writer.
    pub channel: *mut aws_log_channel,
    /// Writes lines.
    pub writer: *mut aws_log_writer,
    /// Where the state (and, when owned, the parts) came from.
    pub allocator: *mut aws_allocator,
    /// The most detailed level let through, an `aws_log_level`.
    pub level: aws_atomic_var,
}

/// The vtable of a pipeline that owns its parts: cleaning the logger up cleans them up and
/// frees them. Exported under upstream's name; C may build such a logger itself.
#[unsafe(no_mangle)]
pub static mut g_pipeline_logger_owned_vtable: aws_logger_vtable = aws_logger_vtable {
    log: Some(awsrs_pipeline_logger_log),
    get_log_level: Some(get_log_level),
    clean_up: Some(owned_clean_up),
    set_log_level: Some(set_log_level),
};

/// The vtable of a pipeline over parts the caller keeps (`aws_logger_init_from_external`).
struct SharedVtable(std::cell::UnsafeCell<aws_logger_vtable>);

// SAFETY: nothing writes the vtable.
unsafe impl Sync for SharedVtable {}

static UNOWNED: SharedVtable = SharedVtable(std::cell::UnsafeCell::new(aws_logger_vtable {
    log: Some(awsrs_pipeline_logger_log),
    get_log_level: Some(get_log_level),
    clean_up: Some(unowned_clean_up),
    set_log_level: Some(set_log_level),
}));

/// The pipeline behind a pipeline logger.
///
/// # Safety
/// `logger` must be NULL or a pipeline logger.
unsafe fn pipeline<'a>(logger: *mut aws_logger) -> Result<&'a aws_logger_pipeline> {
    // SAFETY: forwarded caller contract.
    unsafe { state::<aws_logger_pipeline>(guard::reference(logger)?.p_impl) }
}

/// The variadic `log` of both vtables, after `log_pipeline_shim.c` made its `va_list`: formats
/// the message and sends the line down the channel. A line the channel refuses is destroyed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn awsrs_pipeline_log_v(
    logger: *mut aws_logger,
    level: aws_log_level_raw,
    subject: aws_log_subject_t,
    format: *const c_char,
    args: va_list,
) -> c_int {
    guard::op(|| {
        // SAFETY: C passes the logger whose vtable this is; its parts are valid.
        let p = unsafe { pipeline(logger) }?;
        let formatter_vtable = unsafe { guard::reference(guard::reference(p.formatter)?.vtable) }?;
        let format_fn = formatter_vtable.format.ok_or(guard::INVALID_ARGUMENT)?;
        let mut line: *mut aws_string = std::ptr::null_mut();
        // SAFETY: the formatter's own function, given the caller's format and arguments.
        let formatted = unsafe { format_fn(p.formatter, &mut line, level, subject, format, args) };
        require(formatted == guard::OP_SUCCESS && !line.is_null()).map_err(|_| unknown())?;
        let channel_vtable = unsafe { guard::reference(guard::reference(p.channel)?.vtable) }?;
        let send = channel_vtable.send.ok_or(guard::INVALID_ARGUMENT)?;
        // SAFETY: the channel's own function; it takes the line on success.
        if unsafe { send(p.channel, line) } != guard::OP_SUCCESS {
            unsafe { aws_string_destroy(line) };
            return Err(unknown());
        }
        Ok(())
    })
}

/// The error a failing part left raised (upstream returns `AWS_OP_ERR` and leaves it).
fn unknown() -> guard::Error {
    guard::Error(crate::ffi::common::error::aws_last_error())
}

unsafe extern "C" fn get_log_level(
    logger: *mut aws_logger,
    _: aws_log_subject_t,
) -> aws_log_level_raw {
    guard::guard(0, || {
        // SAFETY: C passes the logger whose vtable this is.
        let level = unsafe { pipeline(logger) }?
            .level
            .as_int()
            .load(Ordering::Relaxed);
        Ok(level as aws_log_level_raw)
    })
}

unsafe extern "C" fn set_log_level(logger: *mut aws_logger, level: aws_log_level_raw) -> c_int {
    guard::op(|| {
        level_from_raw(level)?;
        // SAFETY: C passes the logger whose vtable this is.
        let p = unsafe { pipeline(logger) }?;
        p.level.as_int().store(level as usize, Ordering::Relaxed);
        Ok(())
    })
}

/// Cleans up the logger's state; with `parts`, first the channel, formatter and writer, which
/// it then frees, as upstream's owned pipeline does.
///
/// # Safety
/// `logger` must be NULL or a pipeline logger.
unsafe fn clean_up(logger: *mut aws_logger, parts: bool) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let p = unsafe { pipeline(logger) }?;
    let (formatter, channel, writer, alloc) = (p.formatter, p.channel, p.writer, p.allocator);
    if parts {
        unsafe {
            crate::ffi::common::log_channel::aws_log_channel_clean_up(channel);
            crate::ffi::common::log_formatter::aws_log_formatter_clean_up(formatter);
            crate::ffi::common::log_writer::aws_log_writer_clean_up(writer);
            for part in [channel.cast::<c_void>(), formatter.cast(), writer.cast()] {
                allocator::release(alloc, part);
            }
        }
    }
    let logger = unsafe { &mut *logger };
    unsafe { unplace::<aws_logger_pipeline>(alloc, logger.p_impl) };
    logger.p_impl = std::ptr::null_mut();
    Ok(())
}

unsafe extern "C" fn owned_clean_up(logger: *mut aws_logger) {
    // SAFETY: C passes the logger whose vtable this is.
    guard::guard((), || unsafe { clean_up(logger, true) })
}

unsafe extern "C" fn unowned_clean_up(logger: *mut aws_logger) {
    // SAFETY: C passes the logger whose vtable this is.
    guard::guard((), || unsafe { clean_up(logger, false) })
}

/// Sets `logger` up as a pipeline over the caller's `formatter`, `channel` and `writer`, letting
/// `level` through. Cleaning the logger up leaves the three to the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_logger_init_from_external(
    logger: *mut aws_logger,
    allocator: *mut aws_allocator,
    formatter: *mut aws_log_formatter,
    channel: *mut aws_log_channel,
    writer: *mut aws_log_writer,
    level: aws_log_level_raw,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let logger = unsafe { guard::mutable(logger) }?;
        unsafe { allocator::checked(allocator) }?;
        require(!formatter.is_null() && !channel.is_null() && !writer.is_null())?;
        level_from_raw(level)?;
        let state = aws_logger_pipeline {
            formatter,
            channel,
            writer,
            allocator,
            level: aws_atomic_var {
                value: level as usize as *mut c_void,
            },
        };
        let block = unsafe { place(allocator, state) }?;
        *logger = aws_logger {
            vtable: UNOWNED.0.get(),
            allocator,
            p_impl: block,
        };
        Ok(())
    })
}

#[cfg(test)]
#[path = "logging_pipeline_tests.rs"]
mod tests;

//! `aws/common/log_formatter.h`: the first stage of a logging pipeline, which turns a message
//! into a line, and the standard line `[LEVEL] [timestamp] [thread id] [subject] - message\n`
//! with the timestamp in the formatter's date format (UTC).
//!
//! `aws_format_standard_log_line` writes into the caller's buffer and cuts the line short when
//! it does not fit, always keeping its newline. Upstream's cut can leave a NUL before the newline
//! and, when the message fills the buffer, drop the newline; here the cut line is the text that
//! fits, then the newline.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a formatting buffer writable for `total_length`
//! bytes, a format string whose conversions match the arguments in `args`).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_buf;
use crate::ffi::common::date_time::{
    aws_date_format, aws_date_format_raw, aws_date_time, aws_date_time_init_now,
    aws_date_time_to_utc_time_str,
};
use crate::ffi::common::log_state::{place, state, unplace};
use crate::ffi::common::logging::{
    aws_log_level_raw, aws_log_subject_name, aws_log_subject_t, level_from_raw, level_name,
};
use crate::ffi::common::logging_thread_id::current_thread_repr;
use crate::ffi::common::string::{aws_string, new_string};
use crate::ffi::common::va_list::{awsrs_vformat_length, awsrs_vsnprintf, va_list};
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result, enum_value, require};
use std::cell::UnsafeCell;
use std::ffi::{CStr, c_char, c_int, c_void};

/// Formats one message into a new line in `*formatted_output`, which the caller then owns.
pub type aws_log_formatter_format_fn = unsafe extern "C" fn(
    formatter: *mut aws_log_formatter,
    formatted_output: *mut *mut aws_string,
    level: aws_log_level_raw,
    subject: aws_log_subject_t,
    format: *const c_char,
    args: va_list,
) -> c_int;

/// Frees what the formatter holds (not the struct itself).
pub type aws_log_formatter_clean_up_fn = unsafe extern "C" fn(logger: *mut aws_log_formatter);

/// What a formatter does.
#[repr(C)]
pub struct aws_log_formatter_vtable {
    /// Formats a message.
    pub format: Option<aws_log_formatter_format_fn>,
    /// Frees the formatter's state.
    pub clean_up: Option<aws_log_formatter_clean_up_fn>,
}

/// A log formatter: its functions, allocator and state.
#[repr(C)]
pub struct aws_log_formatter {
    /// What the formatter does.
    pub vtable: *mut aws_log_formatter_vtable,
    /// Where its state and its lines come from.
    pub allocator: *mut aws_allocator,
    /// Its state.
    pub r#impl: *mut c_void,
}

/// The standard formatter's options.
#[repr(C)]
pub struct aws_log_formatter_standard_options {
    /// How timestamps are written.
    pub date_format: aws_date_format_raw,
}

/// One call of [`aws_format_standard_log_line`]: where to write, what, and (on return) how much
/// was written.
#[repr(C)]
pub struct aws_logging_standard_formatting_data {
    /// Where the line goes.
    pub log_line_buffer: *mut c_char,
    /// How many bytes `log_line_buffer` holds.
    pub total_length: usize,
    /// The message's level.
    pub level: aws_log_level_raw,
    /// The subject's name, or NULL to leave the subject out.
    pub subject_name: *const c_char,
    /// The message's printf format.
    pub format: *const c_char,
    /// How the timestamp is written.
    pub date_format: aws_date_format_raw,
    /// Unused (upstream keeps it to make byte buffers over the line valid).
    pub allocator: *mut aws_allocator,
    /// Set to the line's length, its newline included.
    pub amount_written: usize,
}

/// Room upstream reserves for everything in a line but the subject name and the message.
const PREFIX_ROOM: usize = 7 + 22 + 15 + 100;

/// A line being written into a fixed buffer, cut at `limit` bytes.
struct Line<'a> {
    buffer: &'a mut [u8],
    at: usize,
    limit: usize,
}

impl Line<'_> {
    /// Appends what fits of `bytes`.
    fn push(&mut self, bytes: &[u8]) {
        let taken = bytes.len().min(self.limit - self.at);
        self.buffer[self.at..self.at + taken].copy_from_slice(&bytes[..taken]);
        self.at += taken;
    }

    fn full(&self) -> bool {
        self.at >= self.limit
    }
}

/// Writes the standard line for `data` and `args` into `data->log_line_buffer`.
///
/// # Safety
/// As the module's contract.
unsafe fn standard_line(
    data: &mut aws_logging_standard_formatting_data,
    args: va_list,
) -> Result<()> {
    let level = level_from_raw(data.level)?;
    require(data.total_length > 0 && !data.log_line_buffer.is_null())?;
    let date_format: aws_date_format = enum_value(data.date_format)?;
    // SAFETY: forwarded caller contract: the buffer holds total_length bytes.
    let buffer = unsafe {
        std::slice::from_raw_parts_mut(data.log_line_buffer.cast::<u8>(), data.total_length)
    };
    // Everything but the newline stops one byte short, so the newline always fits.
    let mut line = Line {
        buffer,
        at: 0,
        limit: data.total_length - 1,
    };
    line.push(b"[");
    line.push(level_name(level).to_bytes());
    line.push(b"] [");
    if !line.full() {
        let stamp = timestamp(date_format)?;
        line.push(&stamp);
    }
    line.push(b"] [");
    line.push(current_thread_repr().as_bytes());
    line.push(b"] ");
    if !data.subject_name.is_null() {
        // SAFETY: a NUL-terminated name.
        let name = unsafe { CStr::from_ptr(data.subject_name) }.to_bytes();
        line.push(b"[");
        line.push(name);
        line.push(b"]");
    }
    line.push(b" - ");
    if !line.full() {
        require(!data.format.is_null())?;
        let room = line.limit - line.at;
        // SAFETY: `room + 1` bytes from `at` lie within the buffer (limit < total_length); the
        // caller vouches for the format and its arguments.
        let expanded = unsafe {
            awsrs_vsnprintf(
                line.buffer[line.at..].as_mut_ptr().cast(),
                room + 1,
                data.format,
                args,
            )
        };
        let expanded = usize::try_from(expanded).map_err(|_| INVALID_ARGUMENT)?;
        line.at += expanded.min(room);
    }
    let end = line.at;
    line.buffer[end] = b'\n';
    if end + 1 < line.buffer.len() {
        line.buffer[end + 1] = 0;
    }
    data.amount_written = end + 1;
    Ok(())
}

/// The current UTC time as `format` writes it.
fn timestamp(format: aws_date_format) -> Result<Vec<u8>> {
    let mut now = std::mem::MaybeUninit::<aws_date_time>::uninit();
    let mut storage = [0u8; 100];
    let mut out = aws_byte_buf {
        len: 0,
        buffer: storage.as_mut_ptr(),
        capacity: storage.len(),
        allocator: std::ptr::null_mut(),
    };
    // SAFETY: init_now fills the whole struct; the buffer is ours.
    unsafe {
        aws_date_time_init_now(now.as_mut_ptr());
        if aws_date_time_to_utc_time_str(now.as_ptr(), format as c_int, &mut out) != 0 {
            return Err(INVALID_ARGUMENT);
        }
    }
    Ok(storage[..out.len].to_vec())
}

/// Writes the standard line for `formatting_data` and `args` into its buffer (see the module
/// comment for lines that do not fit) and sets its `amount_written`.
/// `AWS_ERROR_INVALID_ARGUMENT` for a bad level, date format or an empty buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_format_standard_log_line(
    formatting_data: *mut aws_logging_standard_formatting_data,
    args: va_list,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let data = unsafe { guard::mutable(formatting_data) }?;
        unsafe { standard_line(data, args) }
    })
}

/// The standard formatter's state.
struct Standard {
    date_format: aws_date_format,
}

/// The standard formatter's vtable, in a static C may read through a mutable pointer.
struct SharedVtable(UnsafeCell<aws_log_formatter_vtable>);

// SAFETY: nothing writes the vtable.
unsafe impl Sync for SharedVtable {}

static VTABLE: SharedVtable = SharedVtable(UnsafeCell::new(aws_log_formatter_vtable {
    format: Some(standard_format),
    clean_up: Some(standard_clean_up),
}));

/// The standard formatter's state behind `formatter`.
///
/// # Safety
/// `formatter` must be NULL or a valid formatter.
unsafe fn standard_state<'a>(
    formatter: *mut aws_log_formatter,
) -> Result<(&'a mut aws_log_formatter, &'a Standard)> {
    // SAFETY: forwarded caller contract; our vtable means our state.
    let formatter = unsafe { guard::mutable(formatter) }?;
    require(std::ptr::eq(formatter.vtable, VTABLE.0.get()))?;
    let state = unsafe { state::<Standard>(formatter.r#impl) }?;
    Ok((formatter, state))
}

unsafe extern "C" fn standard_format(
    formatter: *mut aws_log_formatter,
    formatted_output: *mut *mut aws_string,
    level: aws_log_level_raw,
    subject: aws_log_subject_t,
    format: *const c_char,
    args: va_list,
) -> c_int {
    guard::op(|| {
        // SAFETY: C passes the formatter whose vtable this is, and a printf call's pieces.
        let (formatter, state) = unsafe { standard_state(formatter) }?;
        let output = unsafe { guard::mutable(formatted_output) }?;
        require(!format.is_null())?;
        let message = unsafe { awsrs_vformat_length(format, args) };
        let message = usize::try_from(message).map_err(|_| INVALID_ARGUMENT)?;
        let name = aws_log_subject_name(subject);
        // SAFETY: subject names are NUL-terminated.
        let name_len = unsafe { CStr::from_ptr(name) }.count_bytes();
        let mut buffer = vec![0u8; message + 1 + PREFIX_ROOM + name_len];
        let mut data = aws_logging_standard_formatting_data {
            log_line_buffer: buffer.as_mut_ptr().cast(),
            total_length: buffer.len(),
            level,
            subject_name: name,
            format,
            date_format: state.date_format as c_int,
            allocator: formatter.allocator,
            amount_written: 0,
        };
        unsafe { standard_line(&mut data, args) }?;
        let line = unsafe { new_string(formatter.allocator, &buffer[..data.amount_written]) }?;
        *output = line.as_ptr();
        Ok(())
    })
}

unsafe extern "C" fn standard_clean_up(formatter: *mut aws_log_formatter) {
    guard::guard((), || {
        // SAFETY: C passes the formatter whose vtable this is.
        let (formatter, _) = unsafe { standard_state(formatter) }?;
        unsafe { unplace::<Standard>(formatter.allocator, formatter.r#impl) };
        formatter.r#impl = std::ptr::null_mut();
        Ok(())
    })
}

/// Sets `formatter` up to write standard lines with `options->date_format` timestamps.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_formatter_init_default(
    formatter: *mut aws_log_formatter,
    allocator: *mut aws_allocator,
    options: *mut aws_log_formatter_standard_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let formatter = unsafe { guard::mutable(formatter) }?;
        let options = unsafe { guard::reference(options) }?;
        unsafe { allocator::checked(allocator) }?;
        let date_format: aws_date_format = enum_value(options.date_format)?;
        require(date_format != aws_date_format::AWS_DATE_FORMAT_AUTO_DETECT)?;
        let block = unsafe { place(allocator, Standard { date_format }) }?;
        *formatter = aws_log_formatter {
            vtable: VTABLE.0.get(),
            allocator,
            r#impl: block,
        };
        Ok(())
    })
}

/// Frees what `formatter` holds through its vtable (the struct itself is the caller's).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_formatter_clean_up(formatter: *mut aws_log_formatter) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract; a formatter's vtable pointer is valid.
        let vtable = unsafe { guard::reference(guard::reference(formatter)?.vtable) }?;
        let clean_up = vtable.clean_up.ok_or(INVALID_ARGUMENT)?;
        unsafe { clean_up(formatter) };
        Ok(())
    })
}

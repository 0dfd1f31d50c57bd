//! The loggers `aws_logger_init_standard` and `aws_logger_init_noalloc` make: each message becomes
//! one line, `[LEVEL] [YYYY-MM-DDTHH:MM:SSZ] [thread id] [subject name] - message`, built on the
//! thread that logs.
//!
//! - The standard logger hands each line to a background log channel (`log_channel.rs`) whose
//!   thread writes it through a file log writer and flushes after each batch, as upstream's
//!   standard logger does: a slow disk never stalls a loop thread. The channel's queue is
//!   bounded: when the writer falls behind by more than `BACKGROUND_QUEUE_LINES` lines, new lines
//!   are dropped and counted, and the count is written as the last line at clean-up, which
//!   first writes every line still queued.
//! - The no-allocation logger writes each line on the calling thread with a single `fwrite`
//!   under the file's lock and flushes it, so lines from different threads never interleave.
//!
//! The vtable's `log` is C-variadic, which stable Rust cannot define: `logger_shim.c` expands the
//! format with `vsnprintf` and hands the message back through the `write` pointer at the head of
//! [`FileLogger`]. Both loggers share one vtable; they differ only in `may_allocate`: the
//! no-allocation logger cuts messages at 8 KiB instead of allocating room for them.

use crate::ffi::common::allocator::{self, aws_allocator, aws_default_allocator};
use crate::ffi::common::error::aws_common_error::{self, *};
use crate::ffi::common::log_channel::{self, aws_log_channel, aws_log_channel_clean_up};
use crate::ffi::common::log_writer::{
    aws_log_writer, aws_log_writer_clean_up, aws_log_writer_file_options, aws_log_writer_init_file,
};
use crate::ffi::common::logging::{
    aws_log_level, aws_log_level_raw, aws_log_subject_t, aws_logger, aws_logger_vtable,
    level_from_raw, level_name,
};
use crate::ffi::common::logging_thread_id::current_thread_repr;
use crate::ffi::common::string::new_string;
use crate::ffi::guard::{self, Error, Result, require};
use crate::ffi::log_subjects;
use std::cell::UnsafeCell;
use std::ffi::{CStr, c_char, c_int};
use std::fmt::{self, Write as _};
use std::ptr;
use std::sync::atomic::{AtomicI32, Ordering};

unsafe extern "C" {
    /// The null logger's `log`: does nothing (in `logger_shim.c`).
    pub fn awsrs_null_logger_log(
        logger: *mut aws_logger,
        log_level: aws_log_level_raw,
        subject: aws_log_subject_t,
        format: *const c_char,
        ...
    ) -> c_int;
    /// The file loggers' `log`: formats, then calls [`FileLogger::write`] (in `logger_shim.c`).
    fn awsrs_file_logger_log(
        logger: *mut aws_logger,
        log_level: aws_log_level_raw,
        subject: aws_log_subject_t,
        format: *const c_char,
        ...
    ) -> c_int;
    /// The C library's `stderr`.
    pub(crate) fn awsrs_stderr() -> *mut libc::FILE;
    /// POSIX: takes a `FILE`'s lock (the `libc` crate does not declare it).
    fn flockfile(file: *mut libc::FILE);
    /// POSIX: releases a `FILE`'s lock.
    fn funlockfile(file: *mut libc::FILE);
}

/// Receives a formatted message (NULL when formatting failed) and writes its line.
type WriteFn = unsafe extern "C" fn(
    logger: *mut aws_logger,
    level: aws_log_level_raw,
    subject: aws_log_subject_t,
    message: *const c_char,
    length: usize,
) -> c_int;

/// A file logger's state, behind `aws_logger::p_impl`. The first two fields are read by
/// `logger_shim.c` and must stay first, in this order.
#[repr(C)]
struct FileLogger {
    /// Where the shim hands formatted messages.
    write: WriteFn,
    /// False for the no-allocation logger: long messages are cut instead.
    may_allocate: bool,
    /// The most detailed level let through, an `aws_log_level`.
    level: AtomicI32,
    /// Where lines go.
    file: *mut libc::FILE,
    /// Whether clean-up closes `file` (the logger opened it).
    owns_file: bool,
    /// The standard logger's background channel and writer; NULL for the no-allocation logger.
    background: *mut Background,
}

/// The standard logger's pipeline pieces: a file writer over the logger's file, and a background
/// channel into it. Boxed, so that the channel's pointer to the writer stays valid.
struct Background {
    writer: aws_log_writer,
    channel: aws_log_channel,
}

impl Background {
    /// A background channel writing to `file` (which outlives it), its thread flushing `file`.
    fn start(allocator: *mut aws_allocator, file: *mut libc::FILE) -> Result<*mut Background> {
        // SAFETY: all-zero writers and channels are valid empty values (NULL pointers).
        let mut sink: Box<Background> = Box::new(unsafe { std::mem::zeroed() });
        let mut options = aws_log_writer_file_options {
            filename: ptr::null(),
            file,
        };
        // SAFETY: the boxed writer is initialised first, then the channel that points to it.
        unsafe {
            if aws_log_writer_init_file(&mut sink.writer, allocator, &mut options) != 0 {
                return Err(Error(crate::ffi::common::error::aws_last_error()));
            }
            if let Err(e) =
                log_channel::init_background(&mut sink.channel, allocator, &mut sink.writer, file)
            {
                aws_log_writer_clean_up(&mut sink.writer);
                return Err(e);
            }
        }
        Ok(Box::into_raw(sink))
    }

    /// Writes what is queued, stops the thread and frees the pieces.
    ///
    /// # Safety
    /// `sink` came from [`Background::start`] and is stopped once.
    unsafe fn stop(sink: *mut Background) {
        // SAFETY: forwarded contract; the channel goes first, as it writes through the writer.
        unsafe {
            let mut sink = Box::from_raw(sink);
            aws_log_channel_clean_up(&mut sink.channel);
            aws_log_writer_clean_up(&mut sink.writer);
        }
    }
}

/// Where a new logger writes.
pub enum Destination<'a> {
    /// Open this path with this `fopen` mode; the logger closes it.
    Open(&'a CStr, &'static CStr),
    /// The caller's open file, left open.
    Borrowed(*mut libc::FILE),
    /// The process's standard error.
    Stderr,
}

/// The one vtable of both file loggers, in a static C may read through a mutable pointer.
struct SharedVtable(UnsafeCell<aws_logger_vtable>);

// SAFETY: nothing writes the vtable after initialisation.
unsafe impl Sync for SharedVtable {}

static VTABLE: SharedVtable = SharedVtable(UnsafeCell::new(aws_logger_vtable {
    log: Some(awsrs_file_logger_log),
    get_log_level: Some(get_log_level),
    clean_up: Some(clean_up),
    set_log_level: Some(set_log_level),
}));

/// The file loggers' vtable, to recognise them.
pub fn vtable() -> *const aws_logger_vtable {
    VTABLE.0.get()
}

/// Lines (and messages) up to this many bytes are built on the stack; the no-allocation logger
/// cuts longer ones to this size, newline included.
const STACK_LINE: usize = 8192;

/// Room for everything in a line but the subject name and the message.
const PREFIX_ROOM: usize = 96;

/// Initialises `logger` as a file logger writing to `destination`.
///
/// # Safety
/// `logger` must be NULL or writable; `allocator` NULL or valid; a borrowed file open.
pub unsafe fn init(
    logger: *mut aws_logger,
    allocator: *mut aws_allocator,
    level: aws_log_level,
    destination: Destination<'_>,
    may_allocate: bool,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let logger = unsafe { guard::mutable(logger) }?;
    unsafe { allocator::checked(allocator) }?;
    let (file, owns_file) = match destination {
        Destination::Borrowed(file) => (file, false),
        // SAFETY: returns the C library's stderr.
        Destination::Stderr => (unsafe { awsrs_stderr() }, false),
        Destination::Open(path, mode) => (open(path, mode)?, true),
    };
    // SAFETY: forwarded caller contract.
    let block = match unsafe { allocator::acquire(allocator, size_of::<FileLogger>()) } {
        Ok(block) => block.cast::<FileLogger>(),
        Err(e) => {
            if owns_file {
                // SAFETY: the file was opened just above and nothing else holds it.
                unsafe { libc::fclose(file) };
            }
            return Err(e);
        }
    };
    let background = if may_allocate {
        match Background::start(allocator, file) {
            Ok(sink) => sink,
            Err(e) => {
                // SAFETY: the block came from the allocator just above; the file as before.
                unsafe {
                    allocator::release(allocator, block.as_ptr().cast());
                    if owns_file {
                        libc::fclose(file);
                    }
                }
                return Err(e);
            }
        }
    } else {
        ptr::null_mut()
    };
    let state = FileLogger {
        write,
        may_allocate,
        level: AtomicI32::new(level as c_int),
        file,
        owns_file,
        background,
    };
    // SAFETY: a fresh block, big and aligned enough for a FileLogger.
    unsafe { block.as_ptr().write(state) };
    *logger = aws_logger {
        vtable: VTABLE.0.get(),
        allocator,
        p_impl: block.as_ptr().cast(),
    };
    Ok(())
}

/// Opens a log file, failing with upstream's error for the `errno`.
pub(crate) fn open(path: &CStr, mode: &CStr) -> Result<*mut libc::FILE> {
    // SAFETY: two NUL-terminated strings.
    let file = unsafe { libc::fopen(path.as_ptr(), mode.as_ptr()) };
    if !file.is_null() {
        return Ok(file);
    }
    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    let code = io_error(errno, AWS_ERROR_FILE_OPEN_FAILURE);
    crate::aws_log!(
        AWS_LL_ERROR,
        AWS_LS_COMMON_IO,
        "static: Failed to open file. path:'{}' mode:'{}' errno:{} aws-error:{}",
        path.to_string_lossy(),
        mode.to_string_lossy(),
        errno,
        code
    );
    Err(Error(code))
}

/// Upstream's error code for a failed file operation's `errno`, `fallback` when none fits.
pub(crate) fn io_error(errno: c_int, fallback: aws_common_error) -> c_int {
    let code = match errno {
        libc::EPERM | libc::EACCES => AWS_ERROR_NO_PERMISSION,
        libc::EISDIR | libc::ENAMETOOLONG | libc::ENOENT | libc::ENOTDIR => {
            AWS_ERROR_FILE_INVALID_PATH
        }
        libc::EMFILE | libc::ENFILE => AWS_ERROR_MAX_FDS_EXCEEDED,
        libc::ENOMEM => AWS_ERROR_OOM,
        libc::ENOSPC => AWS_ERROR_NO_SPACE,
        libc::ENOTEMPTY => AWS_ERROR_DIRECTORY_NOT_EMPTY,
        _ => fallback,
    };
    code as c_int
}

/// The state of a logger using [`VTABLE`].
///
/// # Safety
/// `logger` must be NULL or an initialised logger.
unsafe fn state<'a>(logger: *mut aws_logger) -> Result<&'a FileLogger> {
    // SAFETY: forwarded caller contract; our vtable means our state.
    let logger = unsafe { guard::reference(logger) }?;
    require(ptr::eq(logger.vtable, VTABLE.0.get()))?;
    unsafe { guard::reference(logger.p_impl.cast::<FileLogger>()) }
}

/// The level of a logger using [`VTABLE`].
///
/// # Safety
/// `logger` must be an initialised file logger.
pub unsafe fn level(logger: *mut aws_logger) -> aws_log_level_raw {
    // SAFETY: forwarded caller contract.
    unsafe { state(logger) }.map_or(0, |s| s.level.load(Ordering::Relaxed))
}

unsafe extern "C" fn get_log_level(
    logger: *mut aws_logger,
    _subject: aws_log_subject_t,
) -> aws_log_level_raw {
    // SAFETY: C passes the logger whose vtable this is.
    guard::guard(0, || {
        Ok(unsafe { state(logger) }?.level.load(Ordering::Relaxed))
    })
}

unsafe extern "C" fn set_log_level(logger: *mut aws_logger, level: aws_log_level_raw) -> c_int {
    guard::op(|| {
        level_from_raw(level)?;
        // SAFETY: C passes the logger whose vtable this is.
        unsafe { state(logger) }?
            .level
            .store(level, Ordering::Relaxed);
        Ok(())
    })
}

/// Writes every queued line (the standard logger), closes the file if the logger opened it
/// (flushes it otherwise), frees the state and zeroes the logger, so that a second clean-up does
/// nothing.
unsafe extern "C" fn clean_up(logger: *mut aws_logger) {
    guard::guard((), || {
        // SAFETY: C passes the logger whose vtable this is.
        let state = unsafe { state(logger) }?;
        if !state.background.is_null() {
            // SAFETY: started by `init`, stopped only here (the logger is zeroed below).
            unsafe { Background::stop(state.background) };
        }
        // SAFETY: the logger opened the file and is its only user, or the file is the caller's.
        unsafe {
            if state.owns_file {
                libc::fclose(state.file);
            } else {
                libc::fflush(state.file);
            }
        }
        // SAFETY: checked non-NULL by `state`; the state block came from the logger's allocator.
        let logger = unsafe { &mut *logger };
        unsafe { allocator::release(logger.allocator, logger.p_impl) };
        *logger = aws_logger {
            vtable: ptr::null_mut(),
            allocator: ptr::null_mut(),
            p_impl: ptr::null_mut(),
        };
        Ok(())
    })
}

/// [`FileLogger::write`]: called by the shim with the formatted message.
unsafe extern "C" fn write(
    logger: *mut aws_logger,
    level: aws_log_level_raw,
    subject: aws_log_subject_t,
    message: *const c_char,
    length: usize,
) -> c_int {
    guard::op(|| {
        require(!message.is_null())?;
        let level = level_from_raw(level)?;
        // SAFETY: C passes the logger whose vtable this is and the shim's message buffer.
        let state = unsafe { state(logger) }?;
        let message = unsafe { guard::bytes(message.cast(), length) }?;
        // SAFETY: the state's file is open while the logger lives.
        unsafe { state.emit(level, subject, message) }.map_err(Error)
    })
}

impl FileLogger {
    /// Builds the line for `message` and writes it; the error is upstream's code.
    ///
    /// # Safety
    /// `self.file` must be open.
    unsafe fn emit(
        &self,
        level: aws_log_level,
        subject: aws_log_subject_t,
        message: &[u8],
    ) -> std::result::Result<(), c_int> {
        // SAFETY: subject names are NUL-terminated and stay valid while registered.
        let name = unsafe { CStr::from_ptr(log_subjects::name(subject)) }.to_bytes();
        let needed = PREFIX_ROOM + name.len() + message.len() + 1;
        let mut stack = [0u8; STACK_LINE];
        let mut heap = Vec::new();
        let buffer: &mut [u8] = if needed <= STACK_LINE || !self.may_allocate {
            &mut stack
        } else {
            heap.resize(needed, 0);
            &mut heap
        };
        let line = compose(buffer, level, name, message);
        if self.background.is_null() {
            // SAFETY: forwarded caller contract.
            return unsafe { write_line(self.file, line) };
        }
        // SAFETY: the default allocator; the channel lives while the logger does and takes the
        // string.
        let string = unsafe { new_string(aws_default_allocator(), line) }.map_err(|e| e.0)?;
        match unsafe { log_channel::send(&raw mut (*self.background).channel, string.as_ptr()) } {
            0 => Ok(()),
            _ => Err(crate::ffi::common::error::aws_last_error()),
        }
    }
}

/// How many lines the standard logger `logger` has dropped because its writer fell behind (0 for
/// any other logger): what its clean-up will report, read by the tests before it.
///
/// # Safety
/// `logger` must be NULL or an initialised logger.
#[cfg(test)]
pub unsafe fn dropped_lines(logger: *mut aws_logger) -> u64 {
    // SAFETY: forwarded caller contract; the channel lives while the logger does.
    match unsafe { state(logger) } {
        Ok(s) if !s.background.is_null() => unsafe {
            log_channel::dropped_lines(&raw mut (*s.background).channel)
        },
        _ => 0,
    }
}

/// One line in the standard format, made now on this thread (for notes the library writes).
pub(crate) fn standard_line(
    level: aws_log_level,
    subject: aws_log_subject_t,
    message: &[u8],
) -> Vec<u8> {
    // SAFETY: subject names are NUL-terminated and stay valid while registered.
    let name = unsafe { CStr::from_ptr(log_subjects::name(subject)) }.to_bytes();
    let mut buffer = vec![0u8; PREFIX_ROOM + name.len() + message.len() + 1];
    let length = compose(&mut buffer, level, name, message).len();
    buffer.truncate(length);
    buffer
}

/// Fills `buffer` with the line (cut short if it does not fit) and returns it, newline included.
fn compose<'b>(
    buffer: &'b mut [u8],
    level: aws_log_level,
    subject_name: &[u8],
    message: &[u8],
) -> &'b [u8] {
    let room = buffer.len() - 1;
    let mut line = Truncating::new(&mut buffer[..room]);
    let _ = write!(line, "[{}] [", level_name(level).to_str().unwrap_or("NONE"));
    write_timestamp(&mut line);
    line.push(b"] [");
    line.push(current_thread_repr().as_bytes());
    line.push(b"] [");
    line.push(subject_name);
    line.push(b"] - ");
    line.push(message);
    let length = line.len;
    buffer[length] = b'\n';
    &buffer[..=length]
}

/// Appends the current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
fn write_timestamp(line: &mut Truncating<'_>) {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as libc::time_t;
    // SAFETY: an all-zero tm is valid; gmtime_r only writes into it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::gmtime_r(&seconds, &mut tm) }.is_null() {
        return;
    }
    let _ = write!(
        line,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    );
}

/// Writes a whole line with one `fwrite` under the file's lock, then flushes it.
///
/// # Safety
/// `file` must be open.
unsafe fn write_line(file: *mut libc::FILE, line: &[u8]) -> std::result::Result<(), c_int> {
    // SAFETY: forwarded caller contract; the lock is released on every path.
    unsafe {
        flockfile(file);
        let written = libc::fwrite(line.as_ptr().cast(), 1, line.len(), file);
        let ok = written == line.len() && libc::fflush(file) == 0;
        let errno = if !ok && libc::ferror(file) != 0 {
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
        } else {
            0
        };
        funlockfile(file);
        if ok {
            Ok(())
        } else {
            Err(io_error(errno, AWS_ERROR_FILE_WRITE_FAILURE))
        }
    }
}

/// Sends a Rust-formatted message through `logger`: straight to the line writer for our loggers,
/// through the vtable's `log` with `"%.*s"` for any other. Write errors are not raised: logging
/// must not replace the error a failing call is reporting.
///
/// # Safety
/// `logger` must be an initialised logger.
pub unsafe fn log_arguments(
    logger: *mut aws_logger,
    level: aws_log_level,
    subject: aws_log_subject_t,
    args: fmt::Arguments<'_>,
) {
    // SAFETY: forwarded caller contract; a logger's vtable pointer is NULL or valid.
    let Some(vtable) = (unsafe { logger.as_ref() }).and_then(|l| unsafe { l.vtable.as_ref() })
    else {
        return;
    };
    let ours = unsafe { state(logger) }.ok();
    let mut stack = [0u8; STACK_LINE];
    let mut text = Truncating::new(&mut stack);
    let _ = text.write_fmt(args);
    let owned: String;
    let message = if text.overflowed && ours.is_none_or(|s| s.may_allocate) {
        owned = fmt::format(args);
        owned.as_bytes()
    } else {
        text.written()
    };
    if let Some(state) = ours {
        // SAFETY: the state's file is open while the logger lives.
        let _ = unsafe { state.emit(level, subject, message) };
    } else if let Some(log) = vtable.log {
        let length = message.len().min(c_int::MAX as usize) as c_int;
        // SAFETY: the logger's own function, given a format and the arguments it consumes.
        unsafe {
            log(
                logger,
                level as c_int,
                subject,
                c"%.*s".as_ptr(),
                length,
                message.as_ptr().cast::<c_char>(),
            )
        };
    }
}

/// A fixed buffer text is appended to, cut short (and marked overflowed) when full.
struct Truncating<'a> {
    buffer: &'a mut [u8],
    len: usize,
    overflowed: bool,
}

impl<'a> Truncating<'a> {
    fn new(buffer: &'a mut [u8]) -> Self {
        Truncating {
            buffer,
            len: 0,
            overflowed: false,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        let taken = bytes.len().min(self.buffer.len() - self.len);
        self.buffer[self.len..self.len + taken].copy_from_slice(&bytes[..taken]);
        self.len += taken;
        self.overflowed |= taken < bytes.len();
    }

    fn written(&self) -> &[u8] {
        &self.buffer[..self.len]
    }
}

impl fmt::Write for Truncating<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_log_level::*;

    #[test]
    fn a_line_has_upstreams_layout() {
        let mut buffer = [0u8; 256];
        let line = compose(&mut buffer, AWS_LL_INFO, b"mqtt-client", b"hello 42");
        let line = std::str::from_utf8(line).unwrap();
        assert!(line.starts_with("[INFO] ["), "{line}");
        assert!(line.ends_with("] [mqtt-client] - hello 42\n"), "{line}");
        let stamp = &line[8..28];
        assert_eq!(stamp.len(), 20);
        assert_eq!(
            (&stamp[4..5], &stamp[10..11], &stamp[19..20]),
            ("-", "T", "Z"),
            "{stamp}"
        );
        let thread = &line[31..47];
        assert!(thread.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
        assert_eq!(&line[47..49], "] ");
    }

    #[test]
    fn a_line_too_long_for_its_buffer_is_cut_but_keeps_its_newline() {
        let mut buffer = [0u8; 64];
        let line = compose(&mut buffer, AWS_LL_ERROR, b"x", &[b'a'; 200]);
        assert_eq!(line.len(), 64);
        assert_eq!(line.last(), Some(&b'\n'));
    }

    #[test]
    fn file_errors_map_to_upstreams_codes() {
        assert_eq!(
            io_error(libc::EISDIR, AWS_ERROR_FILE_OPEN_FAILURE),
            AWS_ERROR_FILE_INVALID_PATH as c_int
        );
        assert_eq!(
            io_error(libc::EACCES, AWS_ERROR_FILE_OPEN_FAILURE),
            AWS_ERROR_NO_PERMISSION as c_int
        );
        assert_eq!(
            io_error(libc::EIO, AWS_ERROR_FILE_WRITE_FAILURE),
            AWS_ERROR_FILE_WRITE_FAILURE as c_int
        );
    }
}

//! `aws/common/log_writer.h`: the sink at the end of a logging pipeline, which writes formatted
//! lines somewhere, and its standard implementations over a C `FILE`: standard output, standard
//! error, a file opened by name (for appending, closed at clean-up) or one already open.
//!
//! As upstream, each line is one `fwrite` and nothing is flushed; a failed write raises
//! upstream's code for the `errno` (`AWS_ERROR_FILE_WRITE_FAILURE` when none fits).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a writer initialised by one of these functions
//! before `aws_log_writer_clean_up`, an open `FILE`, NUL-terminated names).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_FILE_WRITE_FAILURE;
use crate::ffi::common::log_state::{place, state, unplace};
use crate::ffi::common::string::{aws_string, string_bytes};
use crate::ffi::common::va_list::awsrs_stdout;
use crate::ffi::file_logger::{awsrs_stderr, io_error, open};
use crate::ffi::guard::{self, Error, Result, require};
use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, c_void};

/// Writes one formatted line; the writer does not take ownership of it.
pub type aws_log_writer_write_fn =
    unsafe extern "C" fn(writer: *mut aws_log_writer, output: *const aws_string) -> c_int;

/// Frees what the writer holds (not the struct itself).
pub type aws_log_writer_clean_up_fn = unsafe extern "C" fn(writer: *mut aws_log_writer);

/// What a writer does.
#[repr(C)]
pub struct aws_log_writer_vtable {
    /// Writes one line.
    pub write: Option<aws_log_writer_write_fn>,
    /// Frees the writer's state.
    pub clean_up: Option<aws_log_writer_clean_up_fn>,
}

/// A log writer: its functions, the allocator its state came from, and the state.
#[repr(C)]
pub struct aws_log_writer {
    /// What the writer does.
    pub vtable: *mut aws_log_writer_vtable,
    /// Where its state came from.
    pub allocator: *mut aws_allocator,
    /// Its state.
    pub r#impl: *mut c_void,
}

/// Where [`aws_log_writer_init_file`] writes: exactly one of the two is set.
#[repr(C)]
pub struct aws_log_writer_file_options {
    /// A file to open for appending; the writer closes it at clean-up.
    pub filename: *const c_char,
    /// An open file, left open at clean-up.
    pub file: *mut libc::FILE,
}

/// The state of the file writers.
struct FileWriter {
    /// Where lines go.
    file: *mut libc::FILE,
    /// Whether clean-up closes `file` (the writer opened it).
    owns_file: bool,
}

/// The file writers' vtable, in a static C may read through a mutable pointer.
struct SharedVtable(UnsafeCell<aws_log_writer_vtable>);

// SAFETY: nothing writes the vtable.
unsafe impl Sync for SharedVtable {}

static VTABLE: SharedVtable = SharedVtable(UnsafeCell::new(aws_log_writer_vtable {
    write: Some(file_write),
    clean_up: Some(file_clean_up),
}));

/// The file writer state of a writer using [`VTABLE`].
///
/// # Safety
/// `writer` must be NULL or a valid writer.
unsafe fn file_state<'a>(writer: *mut aws_log_writer) -> Result<&'a FileWriter> {
    // SAFETY: forwarded caller contract; our vtable means our state.
    let writer = unsafe { guard::reference(writer) }?;
    require(std::ptr::eq(writer.vtable, VTABLE.0.get()))?;
    unsafe { state(writer.r#impl) }
}

unsafe extern "C" fn file_write(writer: *mut aws_log_writer, output: *const aws_string) -> c_int {
    guard::op(|| {
        // SAFETY: C passes the writer whose vtable this is and a valid string.
        let state = unsafe { file_state(writer) }?;
        let line = unsafe { string_bytes(output) }?;
        // SAFETY: the writer's file is open while it lives.
        let written = unsafe { libc::fwrite(line.as_ptr().cast(), 1, line.len(), state.file) };
        if written < line.len() {
            let errno = if unsafe { libc::ferror(state.file) } != 0 {
                std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
            } else {
                0
            };
            return Err(Error(io_error(errno, AWS_ERROR_FILE_WRITE_FAILURE)));
        }
        Ok(())
    })
}

unsafe extern "C" fn file_clean_up(writer: *mut aws_log_writer) {
    guard::guard((), || {
        // SAFETY: C passes the writer whose vtable this is.
        let state = unsafe { file_state(writer) }?;
        if state.owns_file {
            // SAFETY: the writer opened the file and is its only user.
            unsafe { libc::fclose(state.file) };
        }
        let writer = unsafe { &mut *writer };
        unsafe { unplace::<FileWriter>(writer.allocator, writer.r#impl) };
        writer.r#impl = std::ptr::null_mut();
        Ok(())
    })
}

/// Sets `writer` up over `file`, or over `name` opened for appending.
///
/// # Safety
/// As the module's contract.
unsafe fn init_file_writer(
    writer: *mut aws_log_writer,
    allocator: *mut aws_allocator,
    name: *const c_char,
    file: *mut libc::FILE,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let writer = unsafe { guard::mutable(writer) }?;
    unsafe { allocator::checked(allocator) }?;
    require(name.is_null() != file.is_null())?;
    let state = if file.is_null() {
        // SAFETY: a NUL-terminated name.
        let name = unsafe { guard::c_str(name) }?;
        FileWriter {
            file: open(name, c"a+")?,
            owns_file: true,
        }
    } else {
        FileWriter {
            file,
            owns_file: false,
        }
    };
    let (opened, owns) = (state.file, state.owns_file);
    // SAFETY: the allocator was checked.
    let block = unsafe { place(allocator, state) }.inspect_err(|_| {
        if owns {
            // SAFETY: opened just above; nothing else holds it.
            unsafe { libc::fclose(opened) };
        }
    })?;
    *writer = aws_log_writer {
        vtable: VTABLE.0.get(),
        allocator,
        r#impl: block,
    };
    Ok(())
}

/// Sets `writer` up to write lines to standard output.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_writer_init_stdout(
    writer: *mut aws_log_writer,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: forwarded caller contract; the C library's stdout.
    guard::op(|| unsafe { init_file_writer(writer, allocator, std::ptr::null(), awsrs_stdout()) })
}

/// Sets `writer` up to write lines to standard error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_writer_init_stderr(
    writer: *mut aws_log_writer,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: forwarded caller contract; the C library's stderr.
    guard::op(|| unsafe { init_file_writer(writer, allocator, std::ptr::null(), awsrs_stderr()) })
}

/// Sets `writer` up to write lines to `options->file`, or to `options->filename` opened for
/// appending. `AWS_ERROR_INVALID_ARGUMENT` unless exactly one is set; opening fails with
/// upstream's codes (`AWS_ERROR_FILE_INVALID_PATH`, `AWS_ERROR_NO_PERMISSION`, ...).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_writer_init_file(
    writer: *mut aws_log_writer,
    allocator: *mut aws_allocator,
    options: *mut aws_log_writer_file_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let options = unsafe { guard::reference(options) }?;
        unsafe { init_file_writer(writer, allocator, options.filename, options.file) }
    })
}

/// Frees what `writer` holds through its vtable (the struct itself is the caller's).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_writer_clean_up(writer: *mut aws_log_writer) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract; a writer's vtable pointer is valid.
        let vtable = unsafe { guard::reference(guard::reference(writer)?.vtable) }?;
        let clean_up = vtable.clean_up.ok_or(guard::INVALID_ARGUMENT)?;
        unsafe { clean_up(writer) };
        Ok(())
    })
}

/// Writes `line` through `writer`'s vtable; what channels call.
///
/// # Safety
/// `writer` must be a valid writer and `line` a valid string.
pub unsafe fn write(writer: *mut aws_log_writer, line: *const aws_string) -> c_int {
    // SAFETY: forwarded caller contract.
    let write = unsafe {
        writer
            .as_ref()
            .and_then(|w| w.vtable.as_ref())
            .and_then(|v| v.write)
    };
    match write {
        // SAFETY: the writer's own function.
        Some(write) => unsafe { write(writer, line) },
        None => guard::OP_ERR,
    }
}

//! `aws/common/byte_buf.h`, continued: reading a whole file into a new buffer
//! (`aws_byte_buf_init_from_file*`). As upstream's, the buffer gets one spare byte past the
//! contents (room for a NUL) when the file's size is known; a file that cannot be opened or
//! read raises upstream's code for the `errno` (`AWS_ERROR_FILE_INVALID_PATH`,
//! `AWS_ERROR_NO_PERMISSION`, ...), falling back to `AWS_ERROR_FILE_OPEN_FAILURE` or
//! `AWS_ERROR_FILE_READ_FAILURE`; on failure the buffer is left zeroed.
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; `filename` is a
//! NUL-terminated path.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf, init};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_FILE_OPEN_FAILURE, AWS_ERROR_FILE_READ_FAILURE, AWS_ERROR_OVERFLOW_DETECTED,
};
use crate::ffi::common::error_info::translate_errno;
use crate::ffi::guard::{self, Error, Result};
use std::ffi::{OsStr, c_char, c_int};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;

/// Reads `filename` whole into a new buffer from `alloc`, sized from the file's length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_init_from_file(
    out_buf: *mut aws_byte_buf,
    alloc: *mut aws_allocator,
    filename: *const c_char,
) -> c_int {
    // SAFETY: the caller lends a buffer to set up, an allocator and a path.
    guard::op(|| unsafe { read_file(out_buf, alloc, filename, None) })
}

/// Reads `filename` whole into a new buffer from `alloc`, starting at `size_hint` bytes and
/// growing as needed (for files whose length is not known ahead, such as pipes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_init_from_file_with_size_hint(
    out_buf: *mut aws_byte_buf,
    alloc: *mut aws_allocator,
    filename: *const c_char,
    size_hint: usize,
) -> c_int {
    // SAFETY: as above.
    guard::op(|| unsafe { read_file(out_buf, alloc, filename, Some(size_hint)) })
}

/// The error for a failed open or read: upstream's code for the `errno`, else `fallback`.
fn io_error(e: &std::io::Error, fallback: c_int) -> Error {
    Error(translate_errno(e.raw_os_error().unwrap_or(0), fallback))
}

/// `path` opened for reading, with upstream's codes when it cannot be.
fn open(path: &OsStr) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| io_error(&e, AWS_ERROR_FILE_OPEN_FAILURE as c_int))
}

/// What is left of `file`, with upstream's codes when it cannot be read.
fn read_rest(file: &mut std::fs::File) -> Result<Vec<u8>> {
    let mut contents = Vec::new();
    file.read_to_end(&mut contents)
        .map_err(|e| io_error(&e, AWS_ERROR_FILE_READ_FAILURE as c_int))?;
    Ok(contents)
}

/// The whole file at `path`, failing as `aws_byte_buf_init_from_file` does: for Rust callers
/// that want upstream's error codes without a C buffer.
pub(crate) fn read_all(path: &OsStr) -> Result<Vec<u8>> {
    read_rest(&mut open(path)?)
}

/// Both reads.
///
/// # Safety
/// As for the exported functions.
unsafe fn read_file(
    out_buf: *mut aws_byte_buf,
    alloc: *mut aws_allocator,
    filename: *const c_char,
    size_hint: Option<usize>,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let out = unsafe { guard::mutable(out_buf) }?;
    *out = aws_byte_buf::EMPTY;
    let path = OsStr::from_bytes(unsafe { guard::c_str(filename) }?.to_bytes());
    let mut file = open(path)?;
    let capacity = match size_hint {
        Some(hint) => hint,
        None => {
            let len = file
                .metadata()
                .map_err(|e| io_error(&e, AWS_ERROR_FILE_READ_FAILURE as c_int))?
                .len();
            usize::try_from(len)
                .ok()
                .and_then(|l| l.checked_add(1))
                .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?
        }
    };
    let contents = read_rest(&mut file)?;
    let mut buf = aws_byte_buf::EMPTY;
    unsafe { init(&mut buf, alloc, capacity.max(contents.len())) }?;
    if !contents.is_empty() {
        // SAFETY: the buffer was made with room for the contents.
        unsafe { std::ptr::copy_nonoverlapping(contents.as_ptr(), buf.buffer, contents.len()) };
        buf.len = contents.len();
    }
    *out = buf;
    Ok(())
}

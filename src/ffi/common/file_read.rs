//! `aws/common/file.h`: reading a file at an offset into a buffer's free room, buffered or
//! with `O_DIRECT` (bypassing the page cache), and writing with `O_DIRECT`.
//!
//! As upstream on Linux: direct I/O needs the offset and the buffer position (and, to write,
//! the length) aligned to the page size, else `AWS_ERROR_INVALID_ARGUMENT`; reads go in chunks
//! of at most 0x7ffff000 bytes and stop at the end of the file; nothing to read is success.
//!
//! # Safety
//! The safety contract of every exported function is the one stated in [`file`](super::file).

use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_SYS_CALL_FAILURE;
use crate::ffi::common::file::{aws_fseek, last_errno_error, path_arg};
use crate::ffi::common::string::aws_string;
use crate::ffi::file_logger::open;
use crate::ffi::guard::{self, Result, require};
use std::ffi::c_int;

/// The most one `read(2)` transfers on Linux.
const MAX_CHUNK: usize = 0x7fff_f000;

/// The page size direct I/O aligns to.
fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096)
}

/// The free room of `out`, at most `max` bytes.
///
/// # Safety
/// `out` must be a valid buffer whose storage outlives `'a` and is not otherwise borrowed.
unsafe fn room<'a>(out: &aws_byte_buf, max: usize) -> &'a mut [u8] {
    let length = (out.capacity - out.len).min(max);
    if length == 0 {
        return &mut [];
    }
    // SAFETY: a valid buffer's storage is writable up to its capacity.
    unsafe { std::slice::from_raw_parts_mut(out.buffer.add(out.len), length) }
}

/// Reads up to `max_read_length` bytes of `file_path` from `offset` into the free room of
/// `output_buf`, adding them to its length and to `*out_actual_read` (fewer at the end of the
/// file). With no room or nothing asked for, nothing is opened.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_file_path_read_from_offset(
    file_path: *const aws_string,
    offset: u64,
    max_read_length: usize,
    output_buf: *mut aws_byte_buf,
    out_actual_read: *mut usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let out = unsafe { buf_mut(output_buf) }?;
        let target = unsafe { room(out, max_read_length) };
        if target.is_empty() {
            return Ok(());
        }
        let path = unsafe { path_arg(file_path) }?;
        let actual = unsafe { guard::mutable(out_actual_read) }?;
        let file = open(&path, c"rb")?;
        let read = (|| {
            // SAFETY: an open file; `target` is writable.
            if unsafe { aws_fseek(file, offset as i64, libc::SEEK_SET) } != 0 {
                return Err(guard::Error(crate::ffi::common::error::aws_last_error()));
            }
            let n = unsafe { libc::fread(target.as_mut_ptr().cast(), 1, target.len(), file) };
            if n == 0 && unsafe { libc::ferror(file) } != 0 {
                return Err(last_errno_error(AWS_ERROR_SYS_CALL_FAILURE));
            }
            Ok(n)
        })();
        // SAFETY: opened above.
        unsafe { libc::fclose(file) };
        let n = read?;
        *actual = n;
        out.len += n;
        Ok(())
    })
}

/// Opens `path` with `flags | O_DIRECT` at `offset`, runs `io` on the descriptor, closes it.
fn with_direct_fd<T>(
    path: &std::ffi::CStr,
    flags: c_int,
    offset: u64,
    io: impl FnOnce(c_int) -> Result<T>,
) -> Result<T> {
    // SAFETY: a NUL-terminated path.
    let fd = unsafe { libc::open(path.as_ptr(), flags | libc::O_DIRECT) };
    if fd == -1 {
        return Err(last_errno_error(AWS_ERROR_SYS_CALL_FAILURE));
    }
    // SAFETY: an open descriptor.
    let result = if unsafe { libc::lseek(fd, offset as libc::off_t, libc::SEEK_SET) } == -1 {
        Err(last_errno_error(AWS_ERROR_SYS_CALL_FAILURE))
    } else {
        io(fd)
    };
    // SAFETY: opened above.
    unsafe { libc::close(fd) };
    result
}

/// As [`aws_file_path_read_from_offset`] with `O_DIRECT`, in chunks of at most
/// `max_chunk_size` bytes (capped at 0x7ffff000). The offset and the buffer position must be
/// page-aligned (`AWS_ERROR_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_file_path_read_from_offset_direct_io_with_chunk_size(
    file_path: *const aws_string,
    offset: u64,
    max_read_length: usize,
    max_chunk_size: usize,
    output_buf: *mut aws_byte_buf,
    out_actual_read: *mut usize,
) -> c_int {
    guard::op(|| {
        let chunk = max_chunk_size.min(MAX_CHUNK);
        // SAFETY: forwarded caller contract.
        let out = unsafe { buf_mut(output_buf) }?;
        let target = unsafe { room(out, max_read_length) };
        if target.is_empty() {
            return Ok(());
        }
        let page = page_size();
        require(offset % page as u64 == 0 && target.as_ptr() as usize % page == 0)?;
        require(chunk > 0)?;
        let path = unsafe { path_arg(file_path) }?;
        let actual = unsafe { guard::mutable(out_actual_read) }?;
        let total = with_direct_fd(&path, libc::O_RDONLY, offset, |fd| {
            let mut total = 0;
            while total < target.len() {
                let want = (target.len() - total).min(chunk);
                // SAFETY: `want` writable bytes from `total` in `target`.
                let got = unsafe { libc::read(fd, target[total..].as_mut_ptr().cast(), want) };
                if got < 0 {
                    return Err(last_errno_error(AWS_ERROR_SYS_CALL_FAILURE));
                }
                total += got as usize;
                if (got as usize) < want {
                    break;
                }
            }
            Ok(total)
        })?;
        *actual = total;
        out.len += total;
        Ok(())
    })
}

/// As [`aws_file_path_read_from_offset`] with `O_DIRECT` (see the `_with_chunk_size` variant).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_file_path_read_from_offset_direct_io(
    file_path: *const aws_string,
    offset: u64,
    max_read_length: usize,
    output_buf: *mut aws_byte_buf,
    out_actual_read: *mut usize,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        aws_file_path_read_from_offset_direct_io_with_chunk_size(
            file_path,
            offset,
            max_read_length,
            MAX_CHUNK,
            output_buf,
            out_actual_read,
        )
    }
}

/// Writes `data` to the existing file `file_path` at `offset` with `O_DIRECT`. The offset, the
/// data's address and its length must be page-aligned (`AWS_ERROR_INVALID_ARGUMENT`); empty
/// data is success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_file_path_write_to_offset_direct_io(
    file_path: *const aws_string,
    offset: u64,
    data: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let bytes = unsafe { data.as_bytes() }?;
        if bytes.is_empty() {
            return Ok(());
        }
        let page = page_size();
        require(
            offset % page as u64 == 0
                && bytes.as_ptr() as usize % page == 0
                && bytes.len() % page == 0,
        )?;
        let path = unsafe { path_arg(file_path) }?;
        with_direct_fd(&path, libc::O_WRONLY, offset, |fd| {
            let mut done = 0;
            while done < bytes.len() {
                let want = (bytes.len() - done).min(MAX_CHUNK);
                // SAFETY: `want` readable bytes from `done`.
                let wrote = unsafe { libc::write(fd, bytes[done..].as_ptr().cast(), want) };
                if wrote <= 0 {
                    return Err(last_errno_error(AWS_ERROR_SYS_CALL_FAILURE));
                }
                done += wrote as usize;
            }
            Ok(())
        })
    })
}

/// True: Linux has `O_DIRECT`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_file_direct_io_is_supported() -> bool {
    guard::guard(false, || Ok(libc::O_DIRECT != 0))
}

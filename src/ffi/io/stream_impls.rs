//! `aws/io/stream.h`: the two input streams the library makes, over a byte cursor (the caller's
//! bytes, which must outlive the stream) and over a `FILE *` (opened here and closed with the
//! stream, or the caller's, left open).
//!
//! Each is a Rust value whose first field is the `struct aws_input_stream` C sees, so the
//! vtable functions find their state from the stream pointer; the last reference drops it.
//! The allocator argument is checked but the memory is Rust's.

use crate::error::aws_io_errors::{AWS_IO_STREAM_INVALID_SEEK_POSITION, AWS_IO_STREAM_READ_FAILED};
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, cursor_arg};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_OVERFLOW_DETECTED;
use crate::ffi::common::file::{aws_file_get_length, aws_fopen, aws_fseek};
use crate::ffi::common::ref_count::aws_ref_count_init;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use crate::ffi::io::stream::{
    aws_input_stream, aws_input_stream_vtable, aws_stream_seek_basis, aws_stream_seek_basis_raw,
    aws_stream_status, forwarded,
};
use std::ffi::{c_char, c_int, c_void};
use std::ptr;

/// A stream over borrowed bytes: the whole of them, and what is left to read.
#[repr(C)]
struct CursorStream {
    base: aws_input_stream,
    original: aws_byte_cursor,
    current: aws_byte_cursor,
}

/// A stream over a `FILE *`, closed with the stream when this library opened it.
#[repr(C)]
struct FileStream {
    base: aws_input_stream,
    file: *mut libc::FILE,
    close_on_clean_up: bool,
}

/// Boxes `state` (whose first field is the stream), points its head at `vtable` and starts its
/// count at one, with `destroy` for the last release.
fn new_stream<T>(
    state: T,
    vtable: &'static aws_input_stream_vtable,
    destroy: unsafe extern "C" fn(*mut c_void),
) -> *mut aws_input_stream {
    let raw = Box::into_raw(Box::new(state));
    let stream = raw.cast::<aws_input_stream>();
    // SAFETY: `T` is repr(C) with the stream first, freshly boxed here.
    unsafe {
        (*stream).vtable = vtable;
        aws_ref_count_init(&raw mut (*stream).ref_count, raw.cast(), Some(destroy));
    }
    stream
}

/// An empty stream head, filled by [`new_stream`].
fn blank_head() -> aws_input_stream {
    // SAFETY: every field is a pointer or an optional function: all zero is valid (NULL).
    unsafe { std::mem::zeroed() }
}

/// The implementation state behind one of our streams.
///
/// # Safety
/// `stream` must be NULL or the head of a live `T` made by [`new_stream`].
unsafe fn state<'a, T>(stream: *mut aws_input_stream) -> Result<&'a mut T> {
    // SAFETY: forwarded caller contract: the head is the first field of `T`.
    unsafe { guard::mutable(stream.cast::<T>()) }
}

/// The position `offset` from `basis` in `len` bytes, if it lies within them.
fn cursor_position(len: usize, offset: i64, basis: aws_stream_seek_basis_raw) -> Result<usize> {
    let basis = guard::enum_value::<aws_stream_seek_basis>(basis)?;
    let len = len as u64;
    let position = match basis {
        aws_stream_seek_basis::AWS_SSB_BEGIN => u64::try_from(offset).ok().filter(|&o| o <= len),
        aws_stream_seek_basis::AWS_SSB_END => (offset <= 0)
            .then(|| offset.unsigned_abs())
            .filter(|&back| back <= len)
            .map(|back| len - back),
    };
    position
        .map(|p| p as usize)
        .ok_or(AWS_IO_STREAM_INVALID_SEEK_POSITION.into())
}

unsafe extern "C" fn cursor_seek(
    stream: *mut aws_input_stream,
    offset: i64,
    basis: aws_stream_seek_basis_raw,
) -> c_int {
    guard::op(|| {
        // SAFETY: the vtable is only reached through a cursor stream's head.
        let s = unsafe { state::<CursorStream>(stream) }?;
        let position = cursor_position(s.original.len, offset, basis)?;
        s.current = aws_byte_cursor {
            len: s.original.len - position,
            ptr: s.original.ptr.wrapping_add(position),
        };
        Ok(())
    })
}

unsafe extern "C" fn cursor_read(stream: *mut aws_input_stream, dest: *mut aws_byte_buf) -> c_int {
    guard::op(|| {
        // SAFETY: as in `cursor_seek`; `dest` is the free space the dispatcher hands over.
        let s = unsafe { state::<CursorStream>(stream) }?;
        let dest = unsafe { guard::mutable(dest) }?;
        guard::require(dest.len <= dest.capacity)?;
        let n = (dest.capacity - dest.len).min(s.current.len);
        if n == 0 {
            return Ok(());
        }
        guard::require(!dest.buffer.is_null()).map_err(|_| AWS_IO_STREAM_READ_FAILED)?;
        // SAFETY: `n` bytes remain in the cursor and fit after `dest.len`.
        unsafe { ptr::copy(s.current.ptr, dest.buffer.add(dest.len), n) };
        dest.len += n;
        s.current.ptr = s.current.ptr.wrapping_add(n);
        s.current.len -= n;
        Ok(())
    })
}

unsafe extern "C" fn cursor_get_status(
    stream: *mut aws_input_stream,
    status: *mut aws_stream_status,
) -> c_int {
    guard::op(|| {
        // SAFETY: as in `cursor_seek`.
        let s = unsafe { state::<CursorStream>(stream) }?;
        let status = unsafe { guard::mutable(status) }?;
        *status = aws_stream_status {
            is_end_of_stream: s.current.len == 0,
            is_valid: true,
        };
        Ok(())
    })
}

unsafe extern "C" fn cursor_get_length(
    stream: *mut aws_input_stream,
    out_length: *mut i64,
) -> c_int {
    guard::op(|| {
        // SAFETY: as in `cursor_seek`.
        let s = unsafe { state::<CursorStream>(stream) }?;
        let out = unsafe { guard::mutable(out_length) }?;
        *out = i64::try_from(s.original.len).map_err(|_| AWS_ERROR_OVERFLOW_DETECTED)?;
        Ok(())
    })
}

unsafe extern "C" fn cursor_destroy(object: *mut c_void) {
    guard::guard((), || {
        // SAFETY: the object is the box `new_stream` made, released once.
        drop(unsafe { Box::from_raw(object.cast::<CursorStream>()) });
        Ok(())
    })
}

static CURSOR_VTABLE: aws_input_stream_vtable = aws_input_stream_vtable {
    seek: Some(cursor_seek),
    read: Some(cursor_read),
    get_status: Some(cursor_get_status),
    get_length: Some(cursor_get_length),
    acquire: None,
    release: None,
};

unsafe extern "C" fn file_seek(
    stream: *mut aws_input_stream,
    offset: i64,
    basis: aws_stream_seek_basis_raw,
) -> c_int {
    guard::op(|| {
        // SAFETY: the vtable is only reached through a file stream's head.
        let s = unsafe { state::<FileStream>(stream) }?;
        let whence = match guard::enum_value::<aws_stream_seek_basis>(basis)? {
            aws_stream_seek_basis::AWS_SSB_BEGIN => libc::SEEK_SET,
            aws_stream_seek_basis::AWS_SSB_END => libc::SEEK_END,
        };
        forwarded(unsafe { aws_fseek(s.file, offset, whence) })
    })
}

unsafe extern "C" fn file_read(stream: *mut aws_input_stream, dest: *mut aws_byte_buf) -> c_int {
    guard::op(|| {
        // SAFETY: as in `file_seek`; `dest` is the free space the dispatcher hands over.
        let s = unsafe { state::<FileStream>(stream) }?;
        let dest = unsafe { guard::mutable(dest) }?;
        guard::require(dest.len <= dest.capacity)?;
        let room = dest.capacity - dest.len;
        if room == 0 {
            return Ok(());
        }
        guard::require(!dest.buffer.is_null())?;
        // SAFETY: `room` writable bytes follow `dest.len`; the FILE is open.
        let n = unsafe { libc::fread(dest.buffer.add(dest.len).cast(), 1, room, s.file) };
        if n == 0 && unsafe { libc::ferror(s.file) } != 0 {
            return Err(AWS_IO_STREAM_READ_FAILED.into());
        }
        dest.len += n;
        Ok(())
    })
}

unsafe extern "C" fn file_get_status(
    stream: *mut aws_input_stream,
    status: *mut aws_stream_status,
) -> c_int {
    guard::op(|| {
        // SAFETY: as in `file_seek`.
        let s = unsafe { state::<FileStream>(stream) }?;
        let status = unsafe { guard::mutable(status) }?;
        *status = aws_stream_status {
            is_end_of_stream: unsafe { libc::feof(s.file) } != 0,
            is_valid: unsafe { libc::ferror(s.file) } == 0,
        };
        Ok(())
    })
}

unsafe extern "C" fn file_get_length(stream: *mut aws_input_stream, out_length: *mut i64) -> c_int {
    guard::op(|| {
        // SAFETY: as in `file_seek`.
        let s = unsafe { state::<FileStream>(stream) }?;
        forwarded(unsafe { aws_file_get_length(s.file, out_length) })
    })
}

unsafe extern "C" fn file_destroy(object: *mut c_void) {
    guard::guard((), || {
        // SAFETY: the object is the box `new_stream` made, released once.
        let s = unsafe { Box::from_raw(object.cast::<FileStream>()) };
        if s.close_on_clean_up && !s.file.is_null() {
            unsafe { libc::fclose(s.file) };
        }
        Ok(())
    })
}

static FILE_VTABLE: aws_input_stream_vtable = aws_input_stream_vtable {
    seek: Some(file_seek),
    read: Some(file_read),
    get_status: Some(file_get_status),
    get_length: Some(file_get_length),
    acquire: None,
    release: None,
};

/// A new stream over the bytes of `cursor`, which must outlive it; one reference.
///
/// # Safety
/// `allocator` NULL or valid; `cursor` NULL or a valid cursor over live bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_new_from_cursor(
    allocator: *mut aws_allocator,
    cursor: *const aws_byte_cursor,
) -> *mut aws_input_stream {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let cursor = unsafe { cursor_arg(cursor) }?;
        let state = CursorStream {
            base: blank_head(),
            original: cursor,
            current: cursor,
        };
        Ok(new_stream(state, &CURSOR_VTABLE, cursor_destroy))
    })
}

/// Opens `file_name` for reading and returns a stream over it, closed with the stream. NULL
/// with `aws_fopen`'s error (`AWS_ERROR_FILE_INVALID_PATH`, `AWS_ERROR_NO_PERMISSION`, ...)
/// when it cannot be opened.
///
/// # Safety
/// `allocator` NULL or valid; `file_name` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_new_from_file(
    allocator: *mut aws_allocator,
    file_name: *const c_char,
) -> *mut aws_input_stream {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let file = unsafe { aws_fopen(file_name, c"rb".as_ptr()) };
        if file.is_null() {
            return Err(guard::Error(crate::ffi::common::error::aws_last_error()));
        }
        let state = FileStream {
            base: blank_head(),
            file,
            close_on_clean_up: true,
        };
        Ok(new_stream(state, &FILE_VTABLE, file_destroy))
    })
}

/// A stream over the caller's open `file`, read from its current position and left open when
/// the stream goes.
///
/// # Safety
/// `allocator` NULL or valid; `file` NULL or an open `FILE *` that outlives the stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_new_from_open_file(
    allocator: *mut aws_allocator,
    file: *mut libc::FILE,
) -> *mut aws_input_stream {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        if file.is_null() {
            return Err(INVALID_ARGUMENT);
        }
        let state = FileStream {
            base: blank_head(),
            file,
            close_on_clean_up: false,
        };
        Ok(new_stream(state, &FILE_VTABLE, file_destroy))
    })
}

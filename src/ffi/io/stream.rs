//! `aws/io/stream.h`: input streams, the synchronous pull interface aws-c-io hands bodies
//! through. A stream is a `struct aws_input_stream` at the head of its implementation, whose
//! vtable C may fill itself; the dispatchers here call through that vtable, and the two
//! implementations the library offers (over a cursor, over a `FILE *`) live in
//! `stream_impls.rs`.
//!
//! Where upstream asserts (a NULL stream, a vtable without the function, a buffer whose length
//! exceeds its capacity, an unknown seek basis) these raise `AWS_ERROR_INVALID_ARGUMENT`; an
//! implementation whose `read` moves or resizes the buffer it was handed (upstream aborts) fails
//! the read with `AWS_ERROR_INVALID_STATE` and leaves the caller's buffer as it was.

use crate::ffi::common::byte_buf::aws_byte_buf;
use crate::ffi::common::error::aws_common_error::{AWS_ERROR_INVALID_STATE, AWS_ERROR_UNKNOWN};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::ref_count::{aws_ref_count, aws_ref_count_acquire, aws_ref_count_release};
use crate::ffi::guard::{self, INVALID_ARGUMENT, OP_SUCCESS, Result};
use std::ffi::{c_int, c_void};

/// Where a seek's offset counts from.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_stream_seek_basis {
    /// From the first byte (the offset is 0 or positive).
    AWS_SSB_BEGIN = 0,
    /// From the end (the offset is 0 or negative).
    AWS_SSB_END = 2,
}

/// A C `enum aws_stream_seek_basis` received from the caller.
pub type aws_stream_seek_basis_raw = c_int;

crate::c_enum!(aws_stream_seek_basis);

/// What `get_status` reports.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct aws_stream_status {
    /// Every byte has been read.
    pub is_end_of_stream: bool,
    /// The stream can still be read (no error so far).
    pub is_valid: bool,
}

/// What a stream does: the four operations, and optionally its own reference counting (for
/// bindings that keep the stream alive from another runtime; without them `ref_count` is used).
#[repr(C)]
pub struct aws_input_stream_vtable {
    /// Moves the read position.
    pub seek: Option<
        unsafe extern "C" fn(
            stream: *mut aws_input_stream,
            offset: i64,
            basis: aws_stream_seek_basis_raw,
        ) -> c_int,
    >,
    /// Reads as much as fits into `dest` (never growing it); nothing when nothing is available.
    pub read: Option<
        unsafe extern "C" fn(stream: *mut aws_input_stream, dest: *mut aws_byte_buf) -> c_int,
    >,
    /// Reports end of stream and validity.
    pub get_status: Option<
        unsafe extern "C" fn(
            stream: *mut aws_input_stream,
            status: *mut aws_stream_status,
        ) -> c_int,
    >,
    /// Reports the stream's total length.
    pub get_length:
        Option<unsafe extern "C" fn(stream: *mut aws_input_stream, out_length: *mut i64) -> c_int>,
    /// Optional: adds a reference instead of `ref_count`.
    pub acquire: Option<unsafe extern "C" fn(stream: *mut aws_input_stream)>,
    /// Optional: drops a reference instead of `ref_count`.
    pub release: Option<unsafe extern "C" fn(stream: *mut aws_input_stream)>,
}

/// The head of every input stream.
#[repr(C)]
pub struct aws_input_stream {
    /// The implementation's state, when it keeps it apart.
    pub r#impl: *mut c_void,
    /// What the stream does.
    pub vtable: *const aws_input_stream_vtable,
    /// The references, unless the vtable counts them itself.
    pub ref_count: aws_ref_count,
}

/// The vtable of a caller's stream.
///
/// # Safety
/// A non-NULL `stream` must point to a valid stream whose vtable is NULL or valid.
unsafe fn vtable_of<'a>(stream: *mut aws_input_stream) -> Result<&'a aws_input_stream_vtable> {
    // SAFETY: forwarded caller contract.
    unsafe { guard::reference(guard::reference(stream)?.vtable) }
}

/// The result of a C function that returns `AWS_OP_SUCCESS` or `AWS_OP_ERR`: its raised error
/// (`AWS_ERROR_UNKNOWN` if it raised none), so the guard raises it again for our caller.
pub(crate) fn forwarded(result: c_int) -> Result<()> {
    if result == OP_SUCCESS {
        return Ok(());
    }
    match aws_last_error() {
        0 => Err(AWS_ERROR_UNKNOWN.into()),
        code => Err(guard::Error(code)),
    }
}

/// Adds a reference (through the vtable's `acquire` when it has one) and returns `stream`;
/// NULL does nothing.
///
/// # Safety
/// `stream` must be NULL or a valid stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_acquire(
    stream: *mut aws_input_stream,
) -> *mut aws_input_stream {
    guard::guard(stream, || {
        if stream.is_null() {
            return Ok(stream);
        }
        // SAFETY: forwarded caller contract.
        let vtable = unsafe { vtable_of(stream) }?;
        match vtable.acquire {
            Some(acquire) => unsafe { acquire(stream) },
            None => {
                unsafe { aws_ref_count_acquire(&raw mut (*stream).ref_count) };
            }
        }
        Ok(stream)
    })
}

/// Drops a reference (through the vtable's `release` when it has one); the last one destroys
/// the stream. NULL does nothing. Always returns NULL.
///
/// # Safety
/// `stream` must be NULL or a valid stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_release(
    stream: *mut aws_input_stream,
) -> *mut aws_input_stream {
    guard::ptr(|| {
        if stream.is_null() {
            return Ok(stream);
        }
        // SAFETY: forwarded caller contract.
        let vtable = unsafe { vtable_of(stream) }?;
        match vtable.release {
            Some(release) => unsafe { release(stream) },
            None => {
                unsafe { aws_ref_count_release(&raw mut (*stream).ref_count) };
            }
        }
        Ok(std::ptr::null_mut())
    })
}

/// Deprecated: [`aws_input_stream_release`].
///
/// # Safety
/// `stream` must be NULL or a valid stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_destroy(stream: *mut aws_input_stream) {
    // SAFETY: forwarded caller contract.
    guard::guard((), || {
        unsafe { aws_input_stream_release(stream) };
        Ok(())
    })
}

/// Moves the read position to `offset` from `basis`. The implementation's errors, e.g.
/// `AWS_IO_STREAM_INVALID_SEEK_POSITION` past either end of a cursor stream.
///
/// # Safety
/// `stream` must be NULL or a valid stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_seek(
    stream: *mut aws_input_stream,
    offset: i64,
    basis: aws_stream_seek_basis_raw,
) -> c_int {
    guard::op(|| {
        guard::enum_value::<aws_stream_seek_basis>(basis)?;
        // SAFETY: forwarded caller contract.
        let seek = unsafe { vtable_of(stream) }?.seek.ok_or(INVALID_ARGUMENT)?;
        forwarded(unsafe { seek(stream, offset, basis) })
    })
}

/// Reads what fits between `dest->len` and `dest->capacity`, appending it: the implementation
/// sees only that free space, so it cannot overwrite what `dest` holds. A full `dest` reads
/// nothing and succeeds.
///
/// # Safety
/// `stream` must be NULL or a valid stream; `dest` NULL or a valid buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_read(
    stream: *mut aws_input_stream,
    dest: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let read = unsafe { vtable_of(stream) }?.read.ok_or(INVALID_ARGUMENT)?;
        let dest = unsafe { guard::mutable(dest) }?;
        guard::require(
            dest.len <= dest.capacity && (dest.capacity == 0 || !dest.buffer.is_null()),
        )?;
        if dest.len == dest.capacity {
            return Ok(());
        }
        let start = dest.buffer.wrapping_add(dest.len);
        let room = dest.capacity - dest.len;
        let mut free = aws_byte_buf {
            len: 0,
            buffer: start,
            capacity: room,
            allocator: std::ptr::null_mut(),
        };
        // SAFETY: the implementation's own function, given the free space of `dest`.
        forwarded(unsafe { read(stream, &mut free) })?;
        if free.buffer != start || free.capacity != room || free.len > room {
            return Err(AWS_ERROR_INVALID_STATE.into());
        }
        dest.len += free.len;
        Ok(())
    })
}

/// Writes the stream's end-of-stream and validity flags to `status`.
///
/// # Safety
/// `stream` must be NULL or a valid stream; `status` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_get_status(
    stream: *mut aws_input_stream,
    status: *mut aws_stream_status,
) -> c_int {
    guard::op(|| {
        guard::require(!status.is_null())?;
        // SAFETY: forwarded caller contract.
        let get_status = unsafe { vtable_of(stream) }?
            .get_status
            .ok_or(INVALID_ARGUMENT)?;
        forwarded(unsafe { get_status(stream, status) })
    })
}

/// Writes the stream's total length to `out_length`.
///
/// # Safety
/// `stream` must be NULL or a valid stream; `out_length` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_input_stream_get_length(
    stream: *mut aws_input_stream,
    out_length: *mut i64,
) -> c_int {
    guard::op(|| {
        guard::require(!out_length.is_null())?;
        // SAFETY: forwarded caller contract.
        let get_length = unsafe { vtable_of(stream) }?
            .get_length
            .ok_or(INVALID_ARGUMENT)?;
        forwarded(unsafe { get_length(stream, out_length) })
    })
}

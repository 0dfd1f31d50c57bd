//! `aws/common/byte_buf.h`, continued: writing into a buffer's spare capacity without growing
//! it (`aws_byte_buf_write*`, big-endian integers and floats, `_advance`, `_write_to_capacity`),
//! and the appends that update a cursor or map bytes through a table. The `write` calls answer
//! false, leaving the buffer unchanged, when the bytes do not fit, as upstream's do; they raise
//! no error then (a NULL or malformed buffer raises `AWS_ERROR_INVALID_ARGUMENT`).
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; a cursor covers `len`
//! readable bytes; a lookup table has 256 entries.

use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut, cursor_arg};
use crate::ffi::common::byte_buf_append::append;
use crate::ffi::common::byte_cursor::advance;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_DEST_COPY_TOO_SMALL;
use crate::ffi::guard::{self, Result};
use std::ffi::c_int;
use std::ptr;

/// Copies `bytes` after the buffer's bytes in use when they fit its capacity; whether they did.
///
/// # Safety
/// A non-NULL `buf` points to a valid buffer with writable storage.
unsafe fn write(buf: *mut aws_byte_buf, bytes: &[u8]) -> Result<bool> {
    // SAFETY: forwarded caller contract.
    let b = unsafe { buf_mut(buf) }?;
    if b.capacity - b.len < bytes.len() {
        return Ok(false);
    }
    if !bytes.is_empty() {
        // SAFETY: the bytes fit after `len`; `copy` allows them to lie within the buffer.
        unsafe { ptr::copy(bytes.as_ptr(), b.buffer.add(b.len), bytes.len()) };
        b.len += bytes.len();
    }
    Ok(true)
}

/// Copies `len` bytes from `src` into the buffer's spare capacity; false (nothing written)
/// when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write(
    buf: *mut aws_byte_buf,
    src: *const u8,
    len: usize,
) -> bool {
    // SAFETY: the caller lends a buffer and `len` readable bytes at `src`.
    guard::guard(false, || unsafe { write(buf, guard::bytes(src, len)?) })
}

/// Copies the bytes in use of `src` into the buffer's spare capacity; false when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_from_whole_buffer(
    buf: *mut aws_byte_buf,
    src: aws_byte_buf,
) -> bool {
    // SAFETY: the caller lends a buffer and a valid source buffer.
    guard::guard(false, || unsafe { write(buf, src.cursor().as_bytes()?) })
}

/// Copies the bytes `src` covers into the buffer's spare capacity; false when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_from_whole_cursor(
    buf: *mut aws_byte_buf,
    src: aws_byte_cursor,
) -> bool {
    // SAFETY: the caller lends a buffer and a valid cursor.
    guard::guard(false, || unsafe { write(buf, src.as_bytes()?) })
}

/// Copies as much of `*advancing_cursor` as fits, advances the cursor past it, and returns a
/// cursor over what was copied (from the source).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_to_capacity(
    buf: *mut aws_byte_buf,
    advancing_cursor: *mut aws_byte_cursor,
) -> aws_byte_cursor {
    guard::guard(aws_byte_cursor::EMPTY, || {
        // SAFETY: the caller lends a buffer and a cursor to advance.
        let b = unsafe { buf_mut(buf) }?;
        let room = b.capacity - b.len;
        unsafe { cursor_arg(advancing_cursor) }?;
        let cur = unsafe { guard::mutable(advancing_cursor) }?;
        let piece = advance(cur, room.min(cur.len));
        unsafe { write(buf, piece.as_bytes()?) }?;
        Ok(piece)
    })
}

/// Writes one byte; false when the buffer is full.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_u8(buf: *mut aws_byte_buf, c: u8) -> bool {
    // SAFETY: the caller lends a buffer.
    guard::guard(false, || unsafe { write(buf, &[c]) })
}

/// Writes `count` copies of `c`; false (nothing written) when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_u8_n(
    buf: *mut aws_byte_buf,
    c: u8,
    count: usize,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a buffer.
        let b = unsafe { buf_mut(buf) }?;
        if b.capacity - b.len < count {
            return Ok(false);
        }
        // SAFETY: `count` bytes fit after `len`.
        unsafe { ptr::write_bytes(b.buffer.add(b.len), c, count) };
        b.len += count;
        Ok(true)
    })
}

/// Writes `x` as 2 big-endian bytes; false when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_be16(buf: *mut aws_byte_buf, x: u16) -> bool {
    // SAFETY: the caller lends a buffer.
    guard::guard(false, || unsafe { write(buf, &x.to_be_bytes()) })
}

/// Writes the low 24 bits of `x` as 3 big-endian bytes; false when they do not fit or `x`
/// does not fit 24 bits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_be24(buf: *mut aws_byte_buf, x: u32) -> bool {
    guard::guard(false, || {
        if x > 0x00FF_FFFF {
            return Ok(false);
        }
        // SAFETY: the caller lends a buffer.
        unsafe { write(buf, &x.to_be_bytes()[1..]) }
    })
}

/// Writes `x` as 4 big-endian bytes; false when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_be32(buf: *mut aws_byte_buf, x: u32) -> bool {
    // SAFETY: the caller lends a buffer.
    guard::guard(false, || unsafe { write(buf, &x.to_be_bytes()) })
}

/// Writes `x` as 8 big-endian bytes; false when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_be64(buf: *mut aws_byte_buf, x: u64) -> bool {
    // SAFETY: the caller lends a buffer.
    guard::guard(false, || unsafe { write(buf, &x.to_be_bytes()) })
}

/// Writes `x`'s IEEE 754 bits as 4 big-endian bytes; false when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_float_be32(buf: *mut aws_byte_buf, x: f32) -> bool {
    // SAFETY: the caller lends a buffer.
    guard::guard(false, || unsafe { write(buf, &x.to_be_bytes()) })
}

/// Writes `x`'s IEEE 754 bits as 8 big-endian bytes; false when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_float_be64(buf: *mut aws_byte_buf, x: f64) -> bool {
    // SAFETY: the caller lends a buffer.
    guard::guard(false, || unsafe { write(buf, &x.to_be_bytes()) })
}

/// Reserves the next `len` bytes of the buffer's spare capacity: `*output` becomes an empty
/// buffer over them (not owning them) and the buffer counts them as used. False, with
/// `*output` zeroed, when they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_advance(
    buffer: *mut aws_byte_buf,
    output: *mut aws_byte_buf,
    len: usize,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a buffer and one to set.
        let b = unsafe { buf_mut(buffer) }?;
        let out = unsafe { guard::mutable(output) }?;
        *out = aws_byte_buf::EMPTY;
        if b.capacity - b.len < len {
            return Ok(false);
        }
        *out = aws_byte_buf {
            len: 0,
            buffer: if len == 0 {
                ptr::null_mut()
            } else {
                b.buffer.wrapping_add(b.len)
            },
            capacity: len,
            allocator: ptr::null_mut(),
        };
        b.len += len;
        Ok(true)
    })
}

/// Appends `*from_and_update` (failing with `AWS_ERROR_DEST_COPY_TOO_SMALL` when it does not
/// fit), then points the cursor at the copy inside `to`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_and_update(
    to: *mut aws_byte_buf,
    from_and_update: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a buffer and a cursor to update.
        let b = unsafe { buf_mut(to) }?;
        let from = unsafe { cursor_arg(from_and_update) }?;
        unsafe { append(b, from) }?;
        let cur = unsafe { guard::mutable(from_and_update) }?;
        cur.ptr = if b.buffer.is_null() {
            ptr::null_mut()
        } else {
            b.buffer.wrapping_add(b.len - from.len)
        };
        Ok(())
    })
}

/// Appends `from` with each byte mapped through the 256-entry `lookup_table` (for example
/// `aws_lookup_table_to_lower_get()`); `AWS_ERROR_DEST_COPY_TOO_SMALL` when it does not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_with_lookup(
    to: *mut aws_byte_buf,
    from: *const aws_byte_cursor,
    lookup_table: *const u8,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a buffer, a cursor and a 256-byte table.
        let b = unsafe { buf_mut(to) }?;
        let src = unsafe { crate::ffi::common::byte_buf::cursor_bytes(from) }?;
        let table = unsafe { guard::bytes(lookup_table, 256) }?;
        if b.capacity - b.len < src.len() {
            return Err(AWS_ERROR_DEST_COPY_TOO_SMALL.into());
        }
        for (i, &c) in src.iter().enumerate() {
            // SAFETY: `src.len()` bytes fit after `len`.
            unsafe { *b.buffer.add(b.len + i) = table[usize::from(c)] };
        }
        b.len += src.len();
        Ok(())
    })
}

//! `aws/common/byte_buf.h`, continued: reading from the front of a cursor (`aws_byte_cursor_read*`):
//! raw bytes, big- and little-endian integers, floats, and a two-digit hex byte. Each read
//! advances the cursor past what it read and answers true, or answers false and leaves the
//! cursor (and the destination) alone when the cursor is too short, as upstream's do.
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; a cursor covers `len`
//! readable bytes; a destination has room for what is read into it.

use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut, cursor_arg};
use crate::ffi::common::byte_cursor::advance;
use crate::ffi::common::byte_cursor_parse::hex_value;
use crate::ffi::guard::{self, Result};
use std::ffi::c_void;

/// Takes the first `N` bytes off the cursor, or None (the cursor untouched) when it is shorter.
///
/// # Safety
/// A non-NULL `cur` points to a valid cursor.
unsafe fn take<const N: usize>(cur: *mut aws_byte_cursor) -> Result<Option<[u8; N]>> {
    // SAFETY: forwarded caller contract.
    unsafe { cursor_arg(cur) }?;
    let c = unsafe { guard::mutable(cur) }?;
    if c.len < N {
        return Ok(None);
    }
    let head = advance(c, N);
    // SAFETY: `head` covers N readable bytes of the caller's.
    Ok(Some(
        unsafe { head.as_bytes() }?
            .try_into()
            .map_err(|_| guard::INVALID_ARGUMENT)?,
    ))
}

/// Reads `N` bytes, converts them with `from`, and stores the value in `*out`.
///
/// # Safety
/// As for the exported functions.
unsafe fn read_into<const N: usize, T>(
    cur: *mut aws_byte_cursor,
    out: *mut T,
    from: impl FnOnce([u8; N]) -> T,
) -> Result<bool> {
    // SAFETY: forwarded caller contract.
    let out = unsafe { guard::mutable(out) }?;
    Ok(match unsafe { take::<N>(cur) }? {
        Some(bytes) => {
            *out = from(bytes);
            true
        }
        None => false,
    })
}

/// Copies the first `len` bytes of the cursor to `dest` and advances past them; false when the
/// cursor is shorter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read(
    cur: *mut aws_byte_cursor,
    dest: *mut c_void,
    len: usize,
) -> bool {
    guard::guard(false, || {
        if len == 0 {
            return Ok(true);
        }
        // SAFETY: the caller lends a cursor and `len` writable bytes at `dest`.
        unsafe { cursor_arg(cur) }?;
        let c = unsafe { guard::mutable(cur) }?;
        guard::require(!dest.is_null())?;
        if c.len < len {
            return Ok(false);
        }
        let head = advance(c, len);
        unsafe { std::ptr::copy_nonoverlapping(head.ptr, dest.cast::<u8>(), len) };
        Ok(true)
    })
}

/// Fills `dest` to its capacity from the cursor (its `len` becomes its capacity); false when
/// the cursor is shorter than that.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_and_fill_buffer(
    cur: *mut aws_byte_cursor,
    dest: *mut aws_byte_buf,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a cursor and a buffer.
        let d = unsafe { buf_mut(dest) }?;
        if !unsafe { aws_byte_cursor_read(cur, d.buffer.cast(), d.capacity) } {
            return Ok(false);
        }
        d.len = d.capacity;
        Ok(true)
    })
}

/// Reads one byte.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_u8(cur: *mut aws_byte_cursor, var: *mut u8) -> bool {
    // SAFETY: the caller lends a cursor and a value to set.
    guard::guard(false, || unsafe { read_into(cur, var, |[b]: [u8; 1]| b) })
}

/// Reads a big-endian 16-bit integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_be16(
    cur: *mut aws_byte_cursor,
    var: *mut u16,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, u16::from_be_bytes) })
}

/// Reads a big-endian 24-bit integer into a 32-bit one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_be24(
    cur: *mut aws_byte_cursor,
    var: *mut u32,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe {
        read_into(cur, var, |[a, b, c]: [u8; 3]| {
            u32::from_be_bytes([0, a, b, c])
        })
    })
}

/// Reads a big-endian 32-bit integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_be32(
    cur: *mut aws_byte_cursor,
    var: *mut u32,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, u32::from_be_bytes) })
}

/// Reads a big-endian 64-bit integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_be64(
    cur: *mut aws_byte_cursor,
    var: *mut u64,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, u64::from_be_bytes) })
}

/// Reads a big-endian signed 32-bit integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_be_i32(
    cur: *mut aws_byte_cursor,
    var: *mut i32,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, i32::from_be_bytes) })
}

/// Reads a little-endian 16-bit integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_le16(
    cur: *mut aws_byte_cursor,
    var: *mut u16,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, u16::from_le_bytes) })
}

/// Reads a little-endian 32-bit integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_le32(
    cur: *mut aws_byte_cursor,
    var: *mut u32,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, u32::from_le_bytes) })
}

/// Reads a little-endian signed 32-bit integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_le_i32(
    cur: *mut aws_byte_cursor,
    var: *mut i32,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, i32::from_le_bytes) })
}

/// Reads a big-endian IEEE 754 single.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_float_be32(
    cur: *mut aws_byte_cursor,
    var: *mut f32,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, f32::from_be_bytes) })
}

/// Reads a big-endian IEEE 754 double.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_float_be64(
    cur: *mut aws_byte_cursor,
    var: *mut f64,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe { read_into(cur, var, f64::from_be_bytes) })
}

/// Reads two hex digits (either case) as one byte; false, the cursor untouched, when there are
/// fewer than two or either is not a hex digit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_read_hex_u8(
    cur: *mut aws_byte_cursor,
    var: *mut u8,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a cursor and a value to set.
        let c = unsafe { cursor_arg(cur) }?;
        let out = unsafe { guard::mutable(var) }?;
        let bytes = unsafe { c.as_bytes() }?;
        let (Some(&hi), Some(&lo)) = (bytes.first(), bytes.get(1)) else {
            return Ok(false);
        };
        let (Some(hi), Some(lo)) = (hex_value(hi), hex_value(lo)) else {
            return Ok(false);
        };
        *out = (hi << 4) | lo;
        advance(unsafe { guard::mutable(cur) }?, 2);
        Ok(true)
    })
}

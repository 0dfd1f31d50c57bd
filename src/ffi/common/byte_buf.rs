//! `aws/common/byte_buf.h`: the byte cursor and byte buffer structs, the argument checks the
//! header's other files share, and a buffer's life: made over the caller's bytes or with storage
//! of its own, copied, reset and cleaned up.
//!
//! Both structs keep upstream's layout, so C code reads and writes their fields directly. A
//! buffer with an allocator owns its storage and may grow; without one it is a fixed view of
//! the caller's memory. Where upstream asserts (NULL, a cursor with bytes but no pointer, a
//! buffer whose length exceeds its capacity), these calls raise `AWS_ERROR_INVALID_ARGUMENT`
//! and return their failure value without touching anything.
//!
//! The rest of the header lives beside this file: [`byte_buf_append`](super::byte_buf_append)
//! (appending and growing), [`byte_cursor`](super::byte_cursor) (making, advancing, splitting
//! and searching cursors), [`byte_cursor_trim`](super::byte_cursor_trim) (trimming by a
//! predicate), [`byte_buf_compare`](super::byte_buf_compare) (equality and order) and
//! [`chars`](super::chars) (the locale-free character classes).
//!
//! # Safety
//! Every exported function of the header, in this file and the ones beside it, has the same
//! contract, so it is stated once here rather than on each: a pointer argument is NULL or
//! points to a valid object of its type (a cursor's or buffer's bytes readable, a C string
//! NUL-terminated) that nothing else mutates during the call.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf_append::append;
use crate::ffi::guard::{self, Result, require};
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;

// Re-exported for the callers that import it from here (`string`); it lives in `chars`.
pub use crate::ffi::common::chars::aws_isspace;

/// A borrowed run of `len` bytes at `ptr` (upstream's `struct aws_byte_cursor`). The cursor
/// owns nothing; `ptr` may be NULL only when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_byte_cursor {
    /// How many bytes the cursor covers.
    pub len: usize,
    /// The first byte.
    pub ptr: *mut u8,
}

/// Storage of `capacity` bytes at `buffer`, of which the first `len` are in use (upstream's
/// `struct aws_byte_buf`). With an `allocator` the buffer owns its storage and may grow;
/// without one the storage belongs to someone else and its size is fixed.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_byte_buf {
    /// How many bytes are in use.
    pub len: usize,
    /// The storage, NULL when `capacity` is 0.
    pub buffer: *mut u8,
    /// How many bytes the storage holds.
    pub capacity: usize,
    /// Where the storage came from, or NULL when the buffer does not own it.
    pub allocator: *mut aws_allocator,
}

impl aws_byte_cursor {
    /// The cursor covering nothing, with a NULL pointer.
    pub const EMPTY: Self = Self {
        len: 0,
        ptr: ptr::null_mut(),
    };

    /// A cursor over `bytes`. It borrows them: the caller keeps them alive while it is used.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Self {
            len: bytes.len(),
            ptr: bytes.as_ptr().cast_mut(),
        }
    }

    /// True when the pointer is set or nothing is covered.
    pub fn is_valid(&self) -> bool {
        self.len == 0 || !self.ptr.is_null()
    }

    /// The bytes the cursor covers; a NULL pointer with a length is an invalid argument.
    ///
    /// # Safety
    /// A non-NULL `ptr` must point to `len` readable bytes that outlive `'a`.
    pub unsafe fn as_bytes<'a>(&self) -> Result<&'a [u8]> {
        // SAFETY: forwarded caller contract.
        unsafe { guard::bytes(self.ptr, self.len) }
    }

    /// The cursor over `n` bytes from `offset`, keeping this cursor's pointer provenance.
    pub(super) fn sub(&self, offset: usize, n: usize) -> Self {
        Self {
            len: n,
            ptr: self.ptr.wrapping_add(offset),
        }
    }
}

impl aws_byte_buf {
    /// The empty buffer: no storage, no allocator.
    pub const EMPTY: Self = Self {
        len: 0,
        buffer: ptr::null_mut(),
        capacity: 0,
        allocator: ptr::null_mut(),
    };

    /// Upstream's shape rule: either no storage at all, or storage with `len <= capacity`.
    pub fn is_valid(&self) -> bool {
        let empty = self.capacity == 0 && self.len == 0 && self.buffer.is_null();
        let used = self.capacity > 0 && self.len <= self.capacity && !self.buffer.is_null();
        empty || used
    }

    /// The cursor over the bytes in use.
    pub fn cursor(&self) -> aws_byte_cursor {
        aws_byte_cursor {
            len: self.len,
            ptr: self.buffer,
        }
    }
}

/// A copy of the cursor a caller lent, checked to be valid.
///
/// # Safety
/// A non-NULL `cursor` must point to a valid `aws_byte_cursor`.
pub unsafe fn cursor_arg(cursor: *const aws_byte_cursor) -> Result<aws_byte_cursor> {
    // SAFETY: forwarded caller contract.
    let c = *unsafe { guard::reference(cursor) }?;
    require(c.is_valid())?;
    Ok(c)
}

/// The bytes covered by a cursor the caller lent; NULL or a malformed cursor is an invalid
/// argument.
///
/// # Safety
/// A non-NULL `cursor` must point to a valid cursor over readable bytes that outlive `'a`.
pub unsafe fn cursor_bytes<'a>(cursor: *const aws_byte_cursor) -> Result<&'a [u8]> {
    // SAFETY: forwarded caller contract.
    unsafe { cursor_arg(cursor)?.as_bytes() }
}

/// A copy of the buffer a caller lent, checked to have a valid shape.
///
/// # Safety
/// A non-NULL `buf` must point to a valid `aws_byte_buf`.
pub unsafe fn buf_arg(buf: *const aws_byte_buf) -> Result<aws_byte_buf> {
    // SAFETY: forwarded caller contract.
    let b = *unsafe { guard::reference(buf) }?;
    require(b.is_valid())?;
    Ok(b)
}

/// The bytes in use in a buffer the caller lent; NULL or a malformed buffer is an invalid
/// argument.
///
/// # Safety
/// A non-NULL `buf` must point to a valid buffer whose bytes in use outlive `'a`.
pub unsafe fn buf_bytes<'a>(buf: *const aws_byte_buf) -> Result<&'a [u8]> {
    // SAFETY: forwarded caller contract.
    unsafe { buf_arg(buf)?.cursor().as_bytes() }
}

/// The buffer a caller lent for writing, checked to have a valid shape.
///
/// # Safety
/// A non-NULL `buf` must point to a valid `aws_byte_buf`, not aliased elsewhere.
pub unsafe fn buf_mut<'a>(buf: *mut aws_byte_buf) -> Result<&'a mut aws_byte_buf> {
    // SAFETY: forwarded caller contract.
    let b = unsafe { guard::mutable(buf) }?;
    require(b.is_valid())?;
    Ok(b)
}

/// Overwrites `len` bytes at `p` with zeros in a way the compiler may not drop.
///
/// # Safety
/// `p` must point to `len` writable bytes (or `len` must be 0).
pub unsafe fn secure_zero(p: *mut u8, len: usize) {
    for i in 0..len {
        // SAFETY: within the caller's `len` writable bytes.
        unsafe { ptr::write_volatile(p.add(i), 0) };
    }
}

/// The length of the NUL-terminated `c_str`, the NUL excluded; 0 for NULL.
///
/// # Safety
/// A non-NULL `c_str` must be NUL-terminated.
pub unsafe fn c_str_len(c_str: *const c_char) -> usize {
    if c_str.is_null() {
        0
    } else {
        // SAFETY: forwarded caller contract.
        unsafe { CStr::from_ptr(c_str) }.count_bytes()
    }
}

/// Gives `buf` fresh storage of `capacity` bytes from `allocator` (none for 0).
///
/// # Safety
/// A non-NULL `allocator` must point to a valid allocator.
pub unsafe fn init(
    buf: &mut aws_byte_buf,
    allocator: *mut aws_allocator,
    capacity: usize,
) -> Result<()> {
    *buf = aws_byte_buf::EMPTY;
    // SAFETY: forwarded caller contract.
    unsafe { allocator::checked(allocator) }?;
    let buffer = if capacity == 0 {
        ptr::null_mut()
    } else {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::acquire(allocator, capacity) }?
            .as_ptr()
            .cast()
    };
    *buf = aws_byte_buf {
        len: 0,
        buffer,
        capacity,
        allocator,
    };
    Ok(())
}

/// Gives an owned buffer's storage back and leaves it empty.
///
/// # Safety
/// `buf` must be valid; its storage, when it has an allocator, must have come from it.
pub unsafe fn clean_up(buf: &mut aws_byte_buf) {
    if !buf.allocator.is_null() && !buf.buffer.is_null() {
        // SAFETY: the buffer owns its storage, which came from its allocator.
        unsafe { allocator::release(buf.allocator, buf.buffer.cast()) };
    }
    *buf = aws_byte_buf::EMPTY;
}

/// Gives `buf` `capacity` bytes of storage from `allocator` (none for 0), with nothing in use.
/// On failure `buf` is left empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_init(
    buf: *mut aws_byte_buf,
    allocator: *mut aws_allocator,
    capacity: usize,
) -> c_int {
    // SAFETY: the caller lends a buffer to fill and an allocator.
    guard::op(|| unsafe { init(guard::mutable(buf)?, allocator, capacity) })
}

/// Makes `dest` an owned copy of `src`, with the same length and capacity and storage from
/// `allocator`. A source without storage gives an empty `dest` that keeps the allocator.
/// On failure `dest` is left empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_init_copy(
    dest: *mut aws_byte_buf,
    allocator: *mut aws_allocator,
    src: *const aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the source, the buffer to fill and an allocator.
        let source = unsafe { buf_arg(src) }?;
        let dest = unsafe { guard::mutable(dest) }?;
        unsafe { init(dest, allocator, source.capacity) }?;
        // SAFETY: `dest` has `capacity >= len` fresh bytes; the source's `len` are readable.
        unsafe { append(dest, source.cursor()) }
    })
}

/// Makes `dest` an owned copy of the bytes `src` covers, length and capacity both `src.len`.
/// On failure `dest` is left empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_init_copy_from_cursor(
    dest: *mut aws_byte_buf,
    allocator: *mut aws_allocator,
    src: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the buffer to fill, an allocator and the source bytes.
        let dest = unsafe { guard::mutable(dest) }?;
        *dest = aws_byte_buf::EMPTY;
        require(src.is_valid())?;
        unsafe { init(dest, allocator, src.len) }?;
        unsafe { append(dest, src) }
    })
}

/// True when `buf` is non-NULL and has a valid shape: no storage and nothing in use, or storage
/// with no more in use than its capacity.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_is_valid(buf: *const aws_byte_buf) -> bool {
    // SAFETY: the caller lends a buffer or NULL.
    guard::guard(false, || {
        Ok(unsafe { buf.as_ref() }.is_some_and(aws_byte_buf::is_valid))
    })
}

/// Gives an owned buffer's storage back to its allocator and empties it. A buffer without an
/// allocator just forgets its storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_clean_up(buf: *mut aws_byte_buf) {
    // SAFETY: the caller lends a valid buffer.
    guard::guard((), || {
        unsafe { clean_up(buf_mut(buf)?) };
        Ok(())
    })
}

/// Zeroes all of a buffer's storage, then cleans it up as [`aws_byte_buf_clean_up`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_clean_up_secure(buf: *mut aws_byte_buf) {
    guard::guard((), || {
        // SAFETY: the caller lends a valid buffer, whose storage is writable.
        let b = unsafe { buf_mut(buf) }?;
        unsafe {
            secure_zero(b.buffer, b.capacity);
            clean_up(b);
        }
        Ok(())
    })
}

/// Sets the length to 0, keeping the storage; with `zero_contents`, zeroes the storage too.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_reset(buf: *mut aws_byte_buf, zero_contents: bool) {
    guard::guard((), || {
        // SAFETY: the caller lends a valid buffer, whose storage is writable.
        let b = unsafe { buf_mut(buf) }?;
        if zero_contents {
            unsafe { secure_zero(b.buffer, b.capacity) };
        }
        b.len = 0;
        Ok(())
    })
}

/// Zeroes all of a buffer's storage and sets its length to 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_secure_zero(buf: *mut aws_byte_buf) {
    // SAFETY: forwarded caller contract.
    unsafe { aws_byte_buf_reset(buf, true) }
}

/// A buffer without an allocator over the NUL-terminated `c_str` (its length and capacity are
/// the string's length, the NUL excluded). NULL gives the empty buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_from_c_str(c_str: *const c_char) -> aws_byte_buf {
    guard::guard(aws_byte_buf::EMPTY, || {
        // SAFETY: the caller lends a NUL-terminated string or NULL, whose bytes are readable.
        Ok(unsafe { aws_byte_buf_from_array(c_str.cast(), c_str_len(c_str)) })
    })
}

/// A buffer without an allocator over `len` bytes of the caller's, all in use.
/// NULL with a non-zero length gives the empty buffer and `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_from_array(bytes: *const c_void, len: usize) -> aws_byte_buf {
    guard::guard(aws_byte_buf::EMPTY, || {
        // SAFETY: forwarded caller contract.
        let mut buf = unsafe { aws_byte_buf_from_empty_array(bytes, len) };
        buf.len = buf.capacity;
        Ok(buf)
    })
}

/// A buffer without an allocator over `capacity` bytes of the caller's, none in use.
/// NULL with a non-zero capacity gives the empty buffer and `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_from_empty_array(
    bytes: *const c_void,
    capacity: usize,
) -> aws_byte_buf {
    guard::guard(aws_byte_buf::EMPTY, || {
        require(capacity == 0 || !bytes.is_null())?;
        let buffer = if capacity == 0 {
            ptr::null_mut()
        } else {
            bytes.cast_mut().cast()
        };
        Ok(aws_byte_buf {
            len: 0,
            buffer,
            capacity,
            allocator: ptr::null_mut(),
        })
    })
}

/// Helpers the tests of the header's files share.
#[cfg(test)]
pub(crate) mod test_support {
    use super::aws_byte_cursor;

    /// A cursor over the bytes of `s`.
    pub(crate) fn cur(s: &str) -> aws_byte_cursor {
        aws_byte_cursor::from_slice(s.as_bytes())
    }

    /// The text a cursor covers, which must be UTF-8.
    pub(crate) fn text(c: aws_byte_cursor) -> String {
        String::from_utf8(unsafe { c.as_bytes() }.unwrap().to_vec()).unwrap()
    }
}

//! `aws/common/byte_buf.h`: appending to byte buffers, into the room they have or growing
//! them, and reserving room ahead.
//!
//! The safety contract of every exported function is the one stated in
//! [`byte_buf`](super::byte_buf).

use crate::ffi::common::allocator;
use crate::ffi::common::byte_buf::{
    aws_byte_buf, aws_byte_cursor, buf_mut, cursor_arg, init, secure_zero,
};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_DEST_COPY_TOO_SMALL, AWS_ERROR_OVERFLOW_DETECTED,
};
use crate::ffi::guard::{self, Error, Result, require};
use std::ffi::c_int;
use std::ptr;

impl aws_byte_buf {
    /// How many more bytes fit without growing.
    fn room(&self) -> usize {
        self.capacity - self.len
    }
}

/// Copies `from` after the bytes in use, failing with `AWS_ERROR_DEST_COPY_TOO_SMALL` when it
/// does not fit. `from` may lie within `to`'s own storage.
///
/// # Safety
/// `to` must be valid with writable storage; `from` must be valid over readable bytes.
pub unsafe fn append(to: &mut aws_byte_buf, from: aws_byte_cursor) -> Result<()> {
    if to.room() < from.len {
        return Err(AWS_ERROR_DEST_COPY_TOO_SMALL.into());
    }
    if from.len > 0 {
        // SAFETY: `from.len` bytes fit after `to.len`; `copy` allows the two to overlap.
        unsafe { ptr::copy(from.ptr, to.buffer.add(to.len), from.len) };
        to.len += from.len;
    }
    Ok(())
}

/// Copies `from` after the bytes in use, growing the storage when it does not fit: to twice
/// the capacity, or to exactly what is needed when that is more or when doubling finds no
/// memory. `from` may lie within `to`'s own storage. With `secure`, storage given back is
/// zeroed first. A buffer without an allocator cannot grow: an invalid argument.
///
/// # Safety
/// `to` must be valid and own its storage; `from` must be valid over readable bytes.
pub unsafe fn append_dynamic(
    to: &mut aws_byte_buf,
    from: aws_byte_cursor,
    secure: bool,
) -> Result<()> {
    require(!to.allocator.is_null())?;
    if to.room() >= from.len {
        // SAFETY: forwarded caller contract; it fits.
        return unsafe { append(to, from) };
    }
    let missing = from.len - to.room();
    let needed = to
        .capacity
        .checked_add(missing)
        .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
    let wanted = needed.max(to.capacity.saturating_mul(2));
    // SAFETY: the buffer's own allocator; when doubling finds no memory, ask for the minimum.
    let (block, capacity) = match unsafe { allocator::acquire(to.allocator, wanted) } {
        Ok(block) => (block, wanted),
        Err(_) if wanted > needed => (unsafe { allocator::acquire(to.allocator, needed) }?, needed),
        Err(e) => return Err(e),
    };
    let block = block.as_ptr().cast::<u8>();
    // SAFETY: the new block holds `capacity >= to.len + from.len` bytes and overlaps neither
    // source; `from` is read before the old storage (which it may lie in) is released.
    unsafe {
        if to.len > 0 {
            ptr::copy_nonoverlapping(to.buffer, block, to.len);
        }
        ptr::copy_nonoverlapping(from.ptr, block.add(to.len), from.len);
        if secure && !to.buffer.is_null() {
            secure_zero(to.buffer, to.capacity);
        }
        allocator::release(to.allocator, to.buffer.cast());
    }
    to.buffer = block;
    to.capacity = capacity;
    to.len += from.len;
    Ok(())
}

/// Grows an owned buffer's storage to at least `requested` bytes, keeping its contents. Never
/// shrinks. A buffer without an allocator is an invalid argument.
///
/// # Safety
/// `buf` must be valid and own its storage.
pub unsafe fn reserve(buf: &mut aws_byte_buf, requested: usize) -> Result<()> {
    require(!buf.allocator.is_null())?;
    if requested <= buf.capacity {
        return Ok(());
    }
    if buf.buffer.is_null() {
        // SAFETY: the buffer's own allocator.
        return unsafe { init(buf, buf.allocator, requested) };
    }
    // SAFETY: the storage came from this allocator with `capacity` bytes.
    let moved = unsafe {
        allocator::reallocate(buf.allocator, buf.buffer.cast(), buf.capacity, requested)
    }?;
    buf.buffer = moved.cast();
    buf.capacity = requested;
    Ok(())
}

/// As [`reserve`], but when it must grow it grows to at least twice the capacity.
///
/// # Safety
/// `buf` must be valid and own its storage.
pub unsafe fn reserve_smart(buf: &mut aws_byte_buf, requested: usize) -> Result<()> {
    if requested <= buf.capacity {
        return Ok(());
    }
    // SAFETY: forwarded caller contract.
    unsafe { reserve(buf, requested.max(buf.capacity.saturating_mul(2))) }
}

/// The body of the exported dynamic appends: checks the caller's buffer and cursor, then
/// [`append_dynamic`]s.
///
/// # Safety
/// Pointers that are NULL or point to a valid buffer and a valid cursor.
unsafe fn append_dynamic_checked(
    to: *mut aws_byte_buf,
    from: *const aws_byte_cursor,
    secure: bool,
) -> c_int {
    // SAFETY: the caller lends a valid owning buffer and a valid cursor.
    guard::op(|| unsafe {
        let from = cursor_arg(from)?;
        append_dynamic(buf_mut(to)?, from, secure)
    })
}

/// The capacity that holds `additional` bytes more than `buf` has in use;
/// `AWS_ERROR_OVERFLOW_DETECTED` when that sum overflows.
fn len_plus(buf: &aws_byte_buf, additional: usize) -> Result<usize> {
    buf.len
        .checked_add(additional)
        .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))
}

/// Copies the bytes of `from` after those in use in `to`. Fails with
/// `AWS_ERROR_DEST_COPY_TOO_SMALL` (changing nothing) when they do not fit. `from` may cover
/// bytes of `to` itself.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append(
    to: *mut aws_byte_buf,
    from: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: the caller lends a valid buffer and a valid cursor.
    guard::op(|| unsafe {
        let from = cursor_arg(from)?;
        append(buf_mut(to)?, from)
    })
}

/// Copies the bytes of `from` after those in use in `to`, growing `to` when they do not fit:
/// to twice its capacity, or more when that is not enough. `to` must have an allocator.
/// `from` may cover bytes of `to` itself.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_dynamic(
    to: *mut aws_byte_buf,
    from: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { append_dynamic_checked(to, from, false) }
}

/// As [`aws_byte_buf_append_dynamic`], zeroing the old storage before giving it back.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_dynamic_secure(
    to: *mut aws_byte_buf,
    from: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { append_dynamic_checked(to, from, true) }
}

/// [`aws_byte_buf_append_dynamic`] when `to` has an allocator, else [`aws_byte_buf_append`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_auto(
    to: *mut aws_byte_buf,
    from: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: the caller lends a valid buffer and a valid cursor.
    guard::op(|| unsafe {
        let from = cursor_arg(from)?;
        let to = buf_mut(to)?;
        if to.allocator.is_null() {
            append(to, from)
        } else {
            append_dynamic(to, from, false)
        }
    })
}

/// Appends one byte, growing the buffer as [`aws_byte_buf_append_dynamic`] does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_byte_dynamic(
    buffer: *mut aws_byte_buf,
    value: u8,
) -> c_int {
    guard::op(|| {
        let byte = [value];
        // SAFETY: the caller lends a valid owning buffer; the cursor covers `byte`.
        unsafe { append_dynamic(buf_mut(buffer)?, aws_byte_cursor::from_slice(&byte), false) }
    })
}

/// As [`aws_byte_buf_append_byte_dynamic`], zeroing the old storage before giving it back.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_byte_dynamic_secure(
    buffer: *mut aws_byte_buf,
    value: u8,
) -> c_int {
    guard::op(|| {
        let byte = [value];
        // SAFETY: the caller lends a valid owning buffer; the cursor covers `byte`.
        unsafe { append_dynamic(buf_mut(buffer)?, aws_byte_cursor::from_slice(&byte), true) }
    })
}

/// Appends a NUL byte (counted in the length), growing the buffer if needed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_null_terminator(buf: *mut aws_byte_buf) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { aws_byte_buf_append_byte_dynamic(buf, 0) }
}

/// Grows an owned buffer's storage to at least `requested_capacity` bytes, keeping its
/// contents; never shrinks. A buffer without an allocator is an invalid argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_reserve(
    buffer: *mut aws_byte_buf,
    requested_capacity: usize,
) -> c_int {
    // SAFETY: the caller lends a valid owning buffer.
    guard::op(|| unsafe { reserve(buf_mut(buffer)?, requested_capacity) })
}

/// [`aws_byte_buf_reserve`] for `len + additional_length` bytes;
/// `AWS_ERROR_OVERFLOW_DETECTED` when that sum overflows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_reserve_relative(
    buffer: *mut aws_byte_buf,
    additional_length: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid owning buffer.
        let b = unsafe { buf_mut(buffer) }?;
        require(!b.allocator.is_null())?;
        let requested = len_plus(b, additional_length)?;
        unsafe { reserve(b, requested) }
    })
}

/// As [`aws_byte_buf_reserve`], but when it must grow it grows to at least twice the capacity.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_reserve_smart(
    buffer: *mut aws_byte_buf,
    requested_capacity: usize,
) -> c_int {
    // SAFETY: the caller lends a valid owning buffer.
    guard::op(|| unsafe { reserve_smart(buf_mut(buffer)?, requested_capacity) })
}

/// [`aws_byte_buf_reserve_smart`] for `len + additional_length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_reserve_smart_relative(
    buffer: *mut aws_byte_buf,
    additional_length: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid owning buffer.
        let b = unsafe { buf_mut(buffer) }?;
        let requested = len_plus(b, additional_length)?;
        unsafe { reserve_smart(b, requested) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::byte_buf::test_support::cur;
    use crate::ffi::common::byte_buf::{
        aws_byte_buf_clean_up, aws_byte_buf_from_empty_array, aws_byte_buf_init,
        aws_byte_buf_init_copy_from_cursor,
    };
    use crate::ffi::common::byte_buf_compare::aws_byte_buf_eq_c_str;
    use crate::ffi::common::error::aws_last_error;
    use crate::ffi::guard::INVALID_ARGUMENT;

    fn owned(bytes: &[u8]) -> aws_byte_buf {
        let mut b = aws_byte_buf::EMPTY;
        assert_eq!(
            unsafe {
                aws_byte_buf_init_copy_from_cursor(
                    &mut b,
                    aws_default_allocator(),
                    aws_byte_cursor::from_slice(bytes),
                )
            },
            0
        );
        b
    }

    #[test]
    fn append_into_a_full_fixed_buffer_fails_with_dest_copy_too_small() {
        let mut storage = [0u8; 4];
        let mut b = unsafe { aws_byte_buf_from_empty_array(storage.as_mut_ptr().cast(), 4) };
        assert_eq!(unsafe { aws_byte_buf_append(&mut b, &cur("abc")) }, 0);
        assert_eq!(
            unsafe { aws_byte_buf_append(&mut b, &cur("de")) },
            guard::OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_DEST_COPY_TOO_SMALL as c_int);
        assert_eq!(b.len, 3);
    }

    #[test]
    fn dynamic_append_doubles_or_takes_what_is_needed() {
        let mut b = owned(b"abcd");
        assert_eq!(unsafe { aws_byte_buf_append_dynamic(&mut b, &cur("e")) }, 0);
        assert_eq!((b.len, b.capacity), (5, 8));
        assert_eq!(
            unsafe { aws_byte_buf_append_dynamic(&mut b, &cur("0123456789abcdef")) },
            0
        );
        assert_eq!((b.len, b.capacity), (21, 21));
        unsafe { aws_byte_buf_clean_up(&mut b) };
    }

    #[test]
    fn dynamic_append_of_a_buffer_onto_itself_copies_the_old_bytes() {
        let mut b = owned(b"xyz");
        let own = b.cursor();
        assert_eq!(unsafe { aws_byte_buf_append_dynamic(&mut b, &own) }, 0);
        assert!(unsafe { aws_byte_buf_eq_c_str(&b, c"xyzxyz".as_ptr()) });
        unsafe { aws_byte_buf_clean_up(&mut b) };
    }

    #[test]
    fn a_buffer_without_allocator_cannot_grow() {
        let mut storage = [0u8; 2];
        let mut b = unsafe { aws_byte_buf_from_empty_array(storage.as_mut_ptr().cast(), 2) };
        assert_eq!(
            unsafe { aws_byte_buf_append_dynamic(&mut b, &cur("abc")) },
            guard::OP_ERR
        );
        assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
        assert_eq!(unsafe { aws_byte_buf_reserve(&mut b, 10) }, guard::OP_ERR);
        assert_eq!(b.capacity, 2);
    }

    #[test]
    fn reserve_grows_an_empty_buffer_and_never_shrinks() {
        let mut b = aws_byte_buf::EMPTY;
        assert_eq!(
            unsafe { aws_byte_buf_init(&mut b, aws_default_allocator(), 0) },
            0
        );
        assert_eq!(unsafe { aws_byte_buf_reserve(&mut b, 16) }, 0);
        assert_eq!(b.capacity, 16);
        assert_eq!(unsafe { aws_byte_buf_reserve(&mut b, 4) }, 0);
        assert_eq!(b.capacity, 16);
        assert_eq!(unsafe { aws_byte_buf_append(&mut b, &cur("ab")) }, 0);
        assert_eq!(
            unsafe { aws_byte_buf_reserve_relative(&mut b, usize::MAX) },
            guard::OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_OVERFLOW_DETECTED as c_int);
        unsafe { aws_byte_buf_clean_up(&mut b) };
    }
}

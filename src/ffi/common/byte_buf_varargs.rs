//! `aws/common/byte_buf.h`, continued: upstream's two C-variadic buffer calls,
//! `aws_byte_buf_cat` and `aws_byte_buf_init_cache_and_update_cursors`: naked entries (see
//! `varargs.rs`) that hand the arguments to guarded helpers. Their prototypes are in the
//! header's fragment.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut, cursor_arg, init};
use crate::ffi::common::byte_buf_append::append;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_OVERFLOW_DETECTED;
use crate::ffi::guard::{self, Error};
use std::ffi::c_int;

/// Appends the `count` buffers whose pointers are at `args` to `dest`
/// (`AWS_ERROR_DEST_COPY_TOO_SMALL` when one does not fit; those before it stay appended).
///
/// # Safety
/// `args` holds `count` pointers to valid buffers.
unsafe extern "C" fn cat(
    dest: *mut aws_byte_buf,
    count: usize,
    args: *const *const aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a buffer; the entry laid the buffer pointers out at `args`.
        let d = unsafe { buf_mut(dest) }?;
        for i in 0..count {
            let from = unsafe { crate::ffi::common::byte_buf::buf_arg(args.add(i).read()) }?;
            unsafe { append(d, from.cursor()) }?;
        }
        Ok(())
    })
}

/// `int aws_byte_buf_cat(struct aws_byte_buf *dest, size_t number_of_args, ...)`: appends the
/// bytes in use of each `struct aws_byte_buf *` argument to `dest`.
/// cbindgen:ignore
#[unsafe(no_mangle)]
#[unsafe(naked)]
pub unsafe extern "C" fn aws_byte_buf_cat() -> c_int {
    crate::naked_varargs_entry!(cat)
}

/// Makes `dest` one buffer from `allocator` holding the bytes of every cursor whose pointer is
/// at `args` (up to a NULL one), and points each cursor at its copy.
///
/// # Safety
/// `args` holds cursor pointers ending with NULL.
unsafe extern "C" fn cache(
    dest: *mut aws_byte_buf,
    allocator: *mut aws_allocator,
    args: *const *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a buffer to set up; the entry laid the cursors out at `args`.
        let d = unsafe { guard::mutable(dest) }?;
        *d = aws_byte_buf::EMPTY;
        let cursors: Vec<*mut aws_byte_cursor> = (0..)
            .map(|i| unsafe { args.add(i).read() })
            .take_while(|c| !c.is_null())
            .collect();
        let mut total = 0usize;
        for &c in &cursors {
            let len = unsafe { cursor_arg(c) }?.len;
            total = total
                .checked_add(len)
                .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
        }
        unsafe { init(d, allocator, total) }?;
        for c in cursors {
            let at = d.len;
            // SAFETY: the buffer was sized for all of them.
            unsafe { append(d, *c) }?;
            unsafe { (*c).ptr = d.buffer.wrapping_add(at) };
        }
        Ok(())
    })
}

/// `int aws_byte_buf_init_cache_and_update_cursors(struct aws_byte_buf *dest, struct
/// aws_allocator *allocator, ...)`: copies the bytes of each `struct aws_byte_cursor *`
/// argument, up to a NULL one, into one new buffer and points the cursors at the copies.
/// cbindgen:ignore
#[unsafe(no_mangle)]
#[unsafe(naked)]
pub unsafe extern "C" fn aws_byte_buf_init_cache_and_update_cursors() -> c_int {
    crate::naked_varargs_entry!(cache)
}

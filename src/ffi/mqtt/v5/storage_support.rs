//! What the packet storage functions share: reading the caller's arrays, copying strings into a
//! storage buffer sized up front, filling array lists, and the init discipline (start from zero,
//! and on failure give back whatever was taken so the struct is zero again).

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::{
    aws_array_list, aws_array_list_clean_up, aws_array_list_init_dynamic, aws_array_list_push_back,
};
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor};
use crate::ffi::common::byte_buf_append;
use crate::ffi::common::error::{aws_common_error::AWS_ERROR_OVERFLOW_DETECTED, aws_last_error};
use crate::ffi::guard::{Error, OP_SUCCESS, Result, require};
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_user_property;
use std::ffi::c_int;
use std::ptr;

/// The `count` items at `items`; NULL is allowed only with a count of 0.
///
/// # Safety
/// A non-NULL `items` must point to `count` valid items that outlive `'a`.
pub unsafe fn slice<'a, T>(items: *const T, count: usize) -> Result<&'a [T]> {
    if count == 0 {
        return Ok(&[]);
    }
    require(!items.is_null())?;
    require(
        count
            .checked_mul(size_of::<T>())
            .is_some_and(|n| n <= isize::MAX as usize),
    )?;
    // SAFETY: checked non-NULL and in range; the caller vouches for the items.
    Ok(unsafe { std::slice::from_raw_parts(items, count) })
}

/// The value an optional property points to, if any.
///
/// # Safety
/// A non-NULL `p` must point to a valid `T`.
pub unsafe fn optional<T: Copy>(p: *const T) -> Option<T> {
    // SAFETY: forwarded caller contract.
    unsafe { p.as_ref() }.copied()
}

/// Adds byte counts, refusing a total that does not fit in memory.
pub fn total(sizes: impl IntoIterator<Item = usize>) -> Result<usize> {
    sizes.into_iter().try_fold(0usize, |sum, n| {
        sum.checked_add(n)
            .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))
    })
}

/// The bytes the names and values of `properties` take.
pub fn user_properties_size(properties: &[aws_mqtt5_user_property]) -> Result<usize> {
    total(properties.iter().flat_map(|p| [p.name.len, p.value.len]))
}

/// The length of an optional string property (0 when absent).
///
/// # Safety
/// A non-NULL `c` must point to a valid cursor.
pub unsafe fn optional_len(c: *const aws_byte_cursor) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { optional(c) }.map_or(0, |c| c.len)
}

/// Appends `c`'s bytes to `storage` (which must have room) and returns the cursor over the copy.
/// As upstream, the copy of an empty string into a buffer without storage has a NULL pointer.
///
/// # Safety
/// `c` must cover readable bytes; `storage` must be a valid buffer.
pub unsafe fn copy_into(storage: &mut aws_byte_buf, c: aws_byte_cursor) -> Result<aws_byte_cursor> {
    // SAFETY: forwarded caller contract; checks a cursor with a length but no pointer.
    unsafe { c.as_bytes() }?;
    // SAFETY: as above; `append` fails rather than overrun.
    unsafe { byte_buf_append::append(storage, c) }?;
    let ptr = if storage.buffer.is_null() {
        ptr::null_mut()
    } else {
        storage.buffer.wrapping_add(storage.len - c.len)
    };
    Ok(aws_byte_cursor { len: c.len, ptr })
}

/// Turns a C-style status from one of the library's own exported calls into a `Result`, with
/// the error that call raised.
pub fn status(rc: c_int) -> Result<()> {
    if rc == OP_SUCCESS {
        Ok(())
    } else {
        Err(Error(aws_last_error()))
    }
}

/// Makes `list` an owning list holding a copy of `items` (no storage when there are none).
///
/// # Safety
/// `allocator` must be NULL or a valid allocator.
pub unsafe fn list_of<T: Copy>(
    list: &mut aws_array_list,
    allocator: *mut aws_allocator,
    items: &[T],
) -> Result<()> {
    // SAFETY: `list` is a valid place to initialise; the allocator is the caller's.
    status(unsafe { aws_array_list_init_dynamic(list, allocator, items.len(), size_of::<T>()) })?;
    for item in items {
        // SAFETY: the list's items are `T`-sized; `item` is a valid `T`.
        let pushed = status(unsafe { aws_array_list_push_back(list, ptr::from_ref(item).cast()) });
        if let Err(e) = pushed {
            // SAFETY: the list was initialised above.
            unsafe { aws_array_list_clean_up(list) };
            return Err(e);
        }
    }
    Ok(())
}

/// Makes `list` an empty owning list of `T`.
///
/// # Safety
/// `allocator` must be NULL or a valid allocator.
pub unsafe fn empty_list<T>(
    list: &mut aws_array_list,
    allocator: *mut aws_allocator,
) -> Result<()> {
    // SAFETY: `list` is a valid place to initialise; the allocator is the caller's.
    status(unsafe { aws_array_list_init_dynamic(list, allocator, 0, size_of::<T>()) })
}

/// Starts `target` from all zeroes and fills it; if filling fails, `clean_up` gives back what
/// it took, so the caller is left with a zeroed struct that is safe to clean up again.
///
/// # Safety
/// All zeroes must be a valid `S`; `clean_up` must accept a partly filled `S`.
pub unsafe fn init_or_zero<S>(
    target: &mut S,
    fill: impl FnOnce(&mut S) -> Result<()>,
    clean_up: unsafe fn(&mut S),
) -> Result<()> {
    // SAFETY: the caller vouches that all zeroes is a valid `S`.
    *target = unsafe { std::mem::zeroed() };
    let filled = fill(target);
    if filled.is_err() {
        // SAFETY: `clean_up` accepts a partly filled struct.
        unsafe { clean_up(target) };
        // SAFETY: as above.
        *target = unsafe { std::mem::zeroed() };
    }
    filled
}

/// Copies a present string property of `$view` into the storage buffer, keeps the copy's cursor
/// in the storage struct's field of the same name, and points `storage_view` at it.
macro_rules! copy_optional_string {
    ($s:ident, $view:ident, $field:ident) => {
        // SAFETY: the view's pointer is NULL or valid.
        if let Some(c) = unsafe { $crate::ffi::mqtt::v5::storage_support::optional($view.$field) } {
            // SAFETY: the cursor covers readable bytes; the buffer was sized for it.
            $s.$field =
                unsafe { $crate::ffi::mqtt::v5::storage_support::copy_into(&mut $s.storage, c) }?;
            $s.storage_view.$field = &raw const $s.$field;
        }
    };
}

/// Copies a present scalar property of `$view` into the storage struct's field of the same name
/// and points `storage_view` at it.
macro_rules! copy_optional_value {
    ($s:ident, $view:ident, $field:ident) => {
        // SAFETY: the view's pointer is NULL or valid.
        if let Some(v) = unsafe { $crate::ffi::mqtt::v5::storage_support::optional($view.$field) } {
            $s.$field = v;
            $s.storage_view.$field = &raw const $s.$field;
        }
    };
}
pub(crate) use {copy_optional_string, copy_optional_value};

//! `aws/common/array_list.h`: upstream's list of fixed-size items, as far as the host resolver's
//! API needs it: a resolution callback reads the addresses it is given (`length`, `get_at`,
//! `get_at_ptr`) and a custom resolve function fills a list it is lent (`push_back`); the
//! library makes and frees such lists (`init_dynamic`, `clean_up`).
//!
//! A list with an allocator owns its storage and grows; one without (`alloc` NULL, made over
//! someone's array) has a fixed capacity, and pushing past it fails with
//! `AWS_ERROR_LIST_EXCEEDS_MAX_SIZE`. Upstream asserts on a NULL or malformed list; these calls
//! raise `AWS_ERROR_INVALID_ARGUMENT` and return their failure value instead.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a list's `data` holds `current_size` bytes, and an
//! item pointer has `item_size` bytes to read or write.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_INDEX, AWS_ERROR_LIST_EXCEEDS_MAX_SIZE, AWS_ERROR_OVERFLOW_DETECTED,
};
use crate::ffi::guard::{self, Error, Result, require};
use std::ffi::{c_int, c_void};
use std::ptr;

/// A list of `length` items of `item_size` bytes each, in `current_size` bytes at `data`
/// (upstream's `struct aws_array_list`).
#[repr(C)]
pub struct aws_array_list {
    /// Where `data` came from; NULL for a list over someone else's array, which cannot grow.
    pub alloc: *mut aws_allocator,
    /// How many bytes `data` holds.
    pub current_size: usize,
    /// How many items are in the list.
    pub length: usize,
    /// The size of one item.
    pub item_size: usize,
    /// The items; NULL when `current_size` is 0.
    pub data: *mut c_void,
}

impl aws_array_list {
    /// The zeroed list, which `aws_array_list_clean_up` leaves behind.
    pub const ZERO: Self = Self {
        alloc: ptr::null_mut(),
        current_size: 0,
        length: 0,
        item_size: 0,
        data: ptr::null_mut(),
    };

    /// A fixed list over `items`, all of them in use: what the library lends a callback. The
    /// list borrows the items; the caller keeps them alive and unmoved while it is used.
    pub fn over<T>(items: &mut [T]) -> Self {
        let bytes = std::mem::size_of_val(items);
        Self {
            alloc: ptr::null_mut(),
            current_size: bytes,
            length: items.len(),
            item_size: size_of::<T>(),
            data: if bytes == 0 {
                ptr::null_mut()
            } else {
                items.as_mut_ptr().cast()
            },
        }
    }

    /// Upstream's shape rule: items of a non-zero size, storage for all of them, and no
    /// storage pointer without storage.
    pub fn is_valid(&self) -> bool {
        let needed = self.length.checked_mul(self.item_size);
        self.item_size != 0
            && needed.is_some_and(|n| n <= self.current_size)
            && (self.current_size == 0) == self.data.is_null()
    }

    /// The address of item `index`, which must be in the list.
    fn item(&self, index: usize) -> Result<*mut u8> {
        if index >= self.length {
            return Err(AWS_ERROR_INVALID_INDEX.into());
        }
        Ok(self.data.cast::<u8>().wrapping_add(index * self.item_size))
    }
}

/// The list a caller lent, checked to have a valid shape.
///
/// # Safety
/// A non-NULL `list` must point to a valid `aws_array_list`.
unsafe fn list_arg<'a>(list: *const aws_array_list) -> Result<&'a aws_array_list> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { guard::reference(list) }?;
    require(l.is_valid())?;
    Ok(l)
}

/// Makes `list` an empty list of `item_size`-byte items with room for
/// `initial_item_allocation` of them from `alloc`. On failure `list` is left zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_init_dynamic(
    list: *mut aws_array_list,
    alloc: *mut aws_allocator,
    initial_item_allocation: usize,
    item_size: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the list to set up and an allocator.
        let list = unsafe { guard::mutable(list) }?;
        *list = aws_array_list::ZERO;
        unsafe { allocator::checked(alloc) }?;
        require(item_size > 0)?;
        let size = initial_item_allocation
            .checked_mul(item_size)
            .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
        let data = if size == 0 {
            ptr::null_mut()
        } else {
            // SAFETY: the allocator was checked.
            unsafe { allocator::acquire(alloc, size) }?.as_ptr()
        };
        *list = aws_array_list {
            alloc,
            current_size: size,
            length: 0,
            item_size,
            data,
        };
        Ok(())
    })
}

/// Gives an owning list's storage back and zeroes it. A list without an allocator just forgets
/// its storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_clean_up(list: *mut aws_array_list) {
    guard::guard((), || {
        // SAFETY: the caller lends a valid list.
        let l = unsafe { guard::mutable(list) }?;
        if !l.alloc.is_null() && !l.data.is_null() {
            // SAFETY: an owning list's storage came from its allocator.
            unsafe { allocator::release(l.alloc, l.data) };
        }
        *l = aws_array_list::ZERO;
        Ok(())
    })
}

/// Copies `item_size` bytes from `val` to the end of the list, growing an owning list (to
/// twice its size) when it is full. A full list without an allocator fails with
/// `AWS_ERROR_LIST_EXCEEDS_MAX_SIZE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_push_back(
    list: *mut aws_array_list,
    val: *const c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list and an item of `item_size` readable bytes.
        let l = unsafe { guard::mutable(list) }?;
        require(l.is_valid() && !val.is_null())?;
        let needed = (l.length + 1)
            .checked_mul(l.item_size)
            .ok_or(Error::from(AWS_ERROR_LIST_EXCEEDS_MAX_SIZE))?;
        if needed > l.current_size {
            if l.alloc.is_null() {
                return Err(AWS_ERROR_LIST_EXCEEDS_MAX_SIZE.into());
            }
            let size = needed.max(l.current_size.saturating_mul(2));
            // SAFETY: the list owns its storage, from its allocator; `size` covers the items.
            let data = unsafe { allocator::acquire(l.alloc, size) }?.as_ptr();
            unsafe {
                if !l.data.is_null() {
                    ptr::copy_nonoverlapping(
                        l.data.cast::<u8>(),
                        data.cast(),
                        l.length * l.item_size,
                    );
                    allocator::release(l.alloc, l.data);
                }
            }
            l.data = data;
            l.current_size = size;
        }
        l.length += 1;
        let slot = l.item(l.length - 1)?;
        // SAFETY: the slot is within the storage; `val` has `item_size` readable bytes.
        unsafe { ptr::copy_nonoverlapping(val.cast::<u8>(), slot, l.item_size) };
        Ok(())
    })
}

/// How many items the list holds; 0 for NULL or a malformed list (with
/// `AWS_ERROR_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_length(list: *const aws_array_list) -> usize {
    // SAFETY: the caller lends a valid list.
    guard::guard(0, || Ok(unsafe { list_arg(list) }?.length))
}

/// Copies item `index` into `val`; `AWS_ERROR_INVALID_INDEX` when the list is shorter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_get_at(
    list: *const aws_array_list,
    val: *mut c_void,
    index: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list and `item_size` writable bytes at `val`.
        let l = unsafe { list_arg(list) }?;
        require(!val.is_null())?;
        let item = l.item(index)?;
        unsafe { ptr::copy_nonoverlapping(item, val.cast::<u8>(), l.item_size) };
        Ok(())
    })
}

/// Points `*val` at item `index`, in the list's own storage; `AWS_ERROR_INVALID_INDEX` when
/// the list is shorter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_get_at_ptr(
    list: *const aws_array_list,
    val: *mut *mut c_void,
    index: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list and a pointer to set.
        let l = unsafe { list_arg(list) }?;
        let out = unsafe { guard::mutable(val) }?;
        *out = l.item(index)?.cast();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::error::aws_last_error;
    use crate::ffi::guard::{OP_ERR, OP_SUCCESS};

    #[test]
    fn a_dynamic_list_grows_and_gives_its_items_back() {
        let mut list = aws_array_list::ZERO;
        unsafe {
            assert_eq!(
                aws_array_list_init_dynamic(&mut list, aws_default_allocator(), 1, 8),
                OP_SUCCESS
            );
            for i in 0u64..10 {
                assert_eq!(
                    aws_array_list_push_back(&mut list, ptr::from_ref(&i).cast()),
                    OP_SUCCESS
                );
            }
            assert_eq!(aws_array_list_length(&list), 10);
            let mut out = 0u64;
            assert_eq!(
                aws_array_list_get_at(&list, ptr::from_mut(&mut out).cast(), 7),
                OP_SUCCESS
            );
            assert_eq!(out, 7);
            let mut p: *mut c_void = ptr::null_mut();
            assert_eq!(aws_array_list_get_at_ptr(&list, &mut p, 9), OP_SUCCESS);
            assert_eq!(*p.cast::<u64>(), 9);
            assert_eq!(aws_array_list_get_at_ptr(&list, &mut p, 10), OP_ERR);
            assert_eq!(aws_last_error(), AWS_ERROR_INVALID_INDEX as c_int);
            aws_array_list_clean_up(&mut list);
            assert!(list.data.is_null() && list.length == 0);
        }
    }

    #[test]
    fn a_list_over_an_array_cannot_grow() {
        let mut items = [1u32, 2];
        let mut list = aws_array_list::over(&mut items);
        list.length = 1;
        let three = 3u32;
        unsafe {
            assert_eq!(
                aws_array_list_push_back(&mut list, ptr::from_ref(&three).cast()),
                OP_SUCCESS
            );
            assert_eq!(
                aws_array_list_push_back(&mut list, ptr::from_ref(&three).cast()),
                OP_ERR
            );
        }
        assert_eq!(aws_last_error(), AWS_ERROR_LIST_EXCEEDS_MAX_SIZE as c_int);
        assert_eq!(items, [1, 3]);
    }

    #[test]
    fn null_and_malformed_lists_are_invalid_arguments() {
        let invalid = guard::INVALID_ARGUMENT.0;
        unsafe {
            assert_eq!(aws_array_list_length(ptr::null()), 0);
            assert_eq!(aws_last_error(), invalid);
            let mut bad = aws_array_list::ZERO;
            bad.item_size = 1;
            bad.length = 3;
            assert_eq!(aws_array_list_length(&bad), 0);
            assert_eq!(aws_array_list_push_back(&mut bad, ptr::null()), OP_ERR);
            assert_eq!(
                aws_array_list_init_dynamic(&mut bad, aws_default_allocator(), 1, 0),
                OP_ERR
            );
            assert_eq!(aws_last_error(), invalid);
        }
    }
}

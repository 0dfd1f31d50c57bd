//! `aws/common/array_list.h`, continued: the calls that add, remove and reorder items, and the
//! whole-list ones (copy, swap, sort). The list type and the contract are in `array_list.rs`.

use crate::ffi::common::array_list::{
    aws_array_list, aws_array_list_comparator_fn, full_if_fixed, list_arg, list_mut,
};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_DEST_COPY_TOO_SMALL, AWS_ERROR_INVALID_INDEX, AWS_ERROR_LIST_EMPTY,
};
use crate::ffi::guard::{self, Result, require};
use std::ffi::{c_int, c_void};
use std::ptr;

/// Copies `val` in front of the first item, moving the others back one place. A full list
/// without an allocator fails with `AWS_ERROR_LIST_EXCEEDS_MAX_SIZE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_push_front(
    list: *mut aws_array_list,
    val: *const c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list and an item of `item_size` readable bytes.
        let l = unsafe { list_mut(list) }?;
        require(!val.is_null())?;
        let len = l.length;
        l.ensure_capacity(len).map_err(|e| full_if_fixed(l, e))?;
        // SAFETY: the storage has room for `len + 1` items; `val` is the caller's item.
        unsafe {
            ptr::copy(l.slot(0), l.slot(1), len * l.item_size);
            ptr::copy_nonoverlapping(val.cast::<u8>(), l.slot(0), l.item_size);
        }
        l.length += 1;
        Ok(())
    })
}

/// Copies the first item into `val`; `AWS_ERROR_LIST_EMPTY` when there is none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_front(
    list: *const aws_array_list,
    val: *mut c_void,
) -> c_int {
    // SAFETY: the caller lends a valid list and `item_size` writable bytes at `val`.
    guard::op(|| unsafe { copy_out(list, val, |_| 0) })
}

/// Copies the last item into `val`; `AWS_ERROR_LIST_EMPTY` when there is none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_back(
    list: *const aws_array_list,
    val: *mut c_void,
) -> c_int {
    // SAFETY: as for aws_array_list_front.
    guard::op(|| unsafe { copy_out(list, val, |len| len - 1) })
}

/// Copies item `which(length)` of a non-empty list into `val`.
///
/// # Safety
/// As for the exported functions.
unsafe fn copy_out(
    list: *const aws_array_list,
    val: *mut c_void,
    which: impl FnOnce(usize) -> usize,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { list_arg(list) }?;
    require(!val.is_null())?;
    if l.length == 0 {
        return Err(AWS_ERROR_LIST_EMPTY.into());
    }
    let item = l.item(which(l.length))?;
    // SAFETY: `val` has `item_size` writable bytes.
    unsafe { ptr::copy_nonoverlapping(item, val.cast::<u8>(), l.item_size) };
    Ok(())
}

/// Removes the first item, moving the others forward; `AWS_ERROR_LIST_EMPTY` when there is
/// none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_pop_front(list: *mut aws_array_list) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list.
        let l = unsafe { list_mut(list) }?;
        if l.length == 0 {
            return Err(AWS_ERROR_LIST_EMPTY.into());
        }
        pop_front_n(l, 1);
        Ok(())
    })
}

/// Removes the first `n` items (all of them when `n` is at least the length).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_pop_front_n(list: *mut aws_array_list, n: usize) {
    guard::guard((), || {
        // SAFETY: the caller lends a valid list.
        pop_front_n(unsafe { list_mut(list) }?, n);
        Ok(())
    })
}

/// Removes the first `n` items of `l`.
fn pop_front_n(l: &mut aws_array_list, n: usize) {
    if n >= l.length {
        l.length = 0;
        return;
    }
    let rest = l.length - n;
    // SAFETY: both ranges are within the list's items.
    unsafe { ptr::copy(l.slot(n), l.slot(0), rest * l.item_size) };
    l.length = rest;
}

/// Removes the last item, zeroing its slot; `AWS_ERROR_LIST_EMPTY` when there is none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_pop_back(list: *mut aws_array_list) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list.
        let l = unsafe { list_mut(list) }?;
        if l.length == 0 {
            return Err(AWS_ERROR_LIST_EMPTY.into());
        }
        pop_back(l);
        Ok(())
    })
}

/// Removes the last item of a non-empty `l`, zeroing its slot as upstream does.
pub(crate) fn pop_back(l: &mut aws_array_list) {
    l.length -= 1;
    // SAFETY: the slot was the last item's, within the storage.
    unsafe { ptr::write_bytes(l.slot(l.length), 0, l.item_size) };
}

/// Removes item `index`, moving those after it forward; `AWS_ERROR_INVALID_INDEX` when the
/// list is shorter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_erase(list: *mut aws_array_list, index: usize) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list.
        let l = unsafe { list_mut(list) }?;
        if index >= l.length {
            return Err(AWS_ERROR_INVALID_INDEX.into());
        }
        if index == 0 {
            pop_front_n(l, 1);
        } else {
            let after = l.length - index - 1;
            // SAFETY: both ranges are within the list's items.
            unsafe { ptr::copy(l.slot(index + 1), l.slot(index), after * l.item_size) };
            pop_back(l);
        }
        Ok(())
    })
}

/// Empties the list, keeping its storage. A list without storage is left as it is.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_clear(list: *mut aws_array_list) {
    guard::guard((), || {
        // SAFETY: the caller lends a valid list.
        let l = unsafe { list_mut(list) }?;
        if !l.data.is_null() {
            l.length = 0;
        }
        Ok(())
    })
}

/// Exchanges items `a` and `b`, both of which must be in the list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_swap(list: *mut aws_array_list, a: usize, b: usize) {
    guard::guard((), || {
        // SAFETY: the caller lends a valid list.
        let l = unsafe { list_mut(list) }?;
        let (pa, pb) = (
            l.item(a).map_err(|_| guard::INVALID_ARGUMENT)?,
            l.item(b).map_err(|_| guard::INVALID_ARGUMENT)?,
        );
        if a != b {
            // SAFETY: two distinct items of `item_size` bytes each.
            unsafe { ptr::swap_nonoverlapping(pa, pb, l.item_size) };
        }
        Ok(())
    })
}

/// Exchanges the whole of two lists, which must be distinct, owning, from the same allocator
/// and of the same item size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_swap_contents(
    list_a: *mut aws_array_list,
    list_b: *mut aws_array_list,
) {
    guard::guard((), || {
        require(list_a != list_b)?;
        // SAFETY: the caller lends two valid, distinct lists.
        let (a, b) = unsafe { (list_mut(list_a)?, list_mut(list_b)?) };
        require(!a.alloc.is_null() && a.alloc == b.alloc && a.item_size == b.item_size)?;
        std::mem::swap(a, b);
        Ok(())
    })
}

/// Copies `from`'s items over `to`'s (same item size). `to` grows if it owns its storage; a
/// fixed `to` too small fails with `AWS_ERROR_DEST_COPY_TOO_SMALL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_copy(
    from: *const aws_array_list,
    to: *mut aws_array_list,
) -> c_int {
    guard::op(|| {
        require(!ptr::eq(from, to))?;
        // SAFETY: the caller lends two valid, distinct lists.
        let (from, to) = unsafe { (list_arg(from)?, list_mut(to)?) };
        require(from.item_size == to.item_size)?;
        let size = from.length * from.item_size;
        if to.current_size < size {
            if to.alloc.is_null() {
                return Err(AWS_ERROR_DEST_COPY_TOO_SMALL.into());
            }
            to.reallocate(size)?;
        }
        if size > 0 {
            // SAFETY: `to` has room for `size` bytes; distinct lists have distinct storage.
            unsafe { ptr::copy_nonoverlapping(from.slot(0), to.slot(0), size) };
        }
        to.length = from.length;
        Ok(())
    })
}

/// Sorts the items in place with `qsort` and `compare_fn` (not a stable sort).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_sort(
    list: *mut aws_array_list,
    compare_fn: Option<aws_array_list_comparator_fn>,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a valid list.
        let l = unsafe { list_mut(list) }?;
        let compare = compare_fn.ok_or(guard::INVALID_ARGUMENT)?;
        if !l.data.is_null() {
            // SAFETY: `length` items of `item_size` bytes at `data`; the comparator is the caller's.
            unsafe { libc::qsort(l.data, l.length, l.item_size, Some(compare)) };
        }
        Ok(())
    })
}

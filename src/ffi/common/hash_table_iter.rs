//! `aws/common/hash_table.h`, continued: iterating a table (`aws_hash_iter_*`,
//! `aws_hash_table_foreach`) and comparing two (`aws_hash_table_eq`). The table and the contract
//! are in `hash_table.rs`.
//!
//! An iterator's `slot` is a position in the table's dense element array and `limit` the number
//! of elements it will visit. Deleting through the iterator moves the last element into the
//! current slot, so the iterator steps back one (`slot` may wrap to `SIZE_MAX`, as upstream's
//! does) and the next step visits the moved element; `limit` shrinks by one.
//!
//! The `AWS_COMMON_HASH_TABLE_ITER_*` flags are upstream's anonymous enum, in the header's
//! fragment (cbindgen cannot write an anonymous enum); Rust has them as constants.

use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNKNOWN;
use crate::ffi::common::error::{aws_last_error, raise};
use crate::ffi::common::hash_table::{
    aws_hash_callback_eq_fn, aws_hash_element, aws_hash_table, hash_table_state, state, state_mut,
};
use crate::ffi::guard::{self, require};
use std::ffi::{c_int, c_void};
use std::ptr;

/// `aws_hash_table_foreach`'s callback asks to go on to the next element.
pub(crate) const AWS_COMMON_HASH_TABLE_ITER_CONTINUE: c_int = 1 << 0;
/// `aws_hash_table_foreach`'s callback asks to delete the element it was given.
pub(crate) const AWS_COMMON_HASH_TABLE_ITER_DELETE: c_int = 1 << 1;
/// `aws_hash_table_foreach`'s callback asks to stop with an error.
pub(crate) const AWS_COMMON_HASH_TABLE_ITER_ERROR: c_int = 1 << 2;

/// Where an iterator stands (upstream's `enum aws_hash_iter_status`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_hash_iter_status {
    /// Past the last element.
    AWS_HASH_ITER_STATUS_DONE,
    /// The current element was deleted; `aws_hash_iter_next` moves on.
    AWS_HASH_ITER_STATUS_DELETE_CALLED,
    /// `element` is the current element.
    AWS_HASH_ITER_STATUS_READY_FOR_USE,
}

/// A position in a table (upstream's `struct aws_hash_iter`, with its reserved fields).
#[repr(C)]
pub struct aws_hash_iter {
    /// The table iterated.
    pub map: *const aws_hash_table,
    /// A copy of the current element (changing it does not change the table).
    pub element: aws_hash_element,
    /// The current position.
    pub slot: usize,
    /// How many positions the iteration covers.
    pub limit: usize,
    /// Where the iterator stands.
    pub status: aws_hash_iter_status,
    /// Reserved.
    pub unused_0: c_int,
    /// Reserved.
    pub unused_1: *mut c_void,
    /// Reserved.
    pub unused_2: *mut c_void,
}

impl aws_hash_iter {
    /// A finished iterator over `map`.
    fn done(map: *const aws_hash_table) -> Self {
        Self {
            map,
            element: aws_hash_element::NONE,
            slot: 0,
            limit: 0,
            status: aws_hash_iter_status::AWS_HASH_ITER_STATUS_DONE,
            unused_0: 0,
            unused_1: ptr::null_mut(),
            unused_2: ptr::null_mut(),
        }
    }

    /// Moves to position `slot`, or to done when it is past the limit.
    fn seek(&mut self, state: &hash_table_state, slot: usize) {
        let limit = self.limit.min(state.elements.len());
        if slot < limit {
            self.element = state.elements[slot];
            self.slot = slot;
            self.status = aws_hash_iter_status::AWS_HASH_ITER_STATUS_READY_FOR_USE;
        } else {
            self.element = aws_hash_element::NONE;
            self.slot = self.limit;
            self.status = aws_hash_iter_status::AWS_HASH_ITER_STATUS_DONE;
        }
    }
}

/// An iterator at the table's first element (done at once when the table is empty). A NULL or
/// uninitialised table gives a done iterator, with `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_iter_begin(map: *const aws_hash_table) -> aws_hash_iter {
    guard::guard(aws_hash_iter::done(map), || {
        // SAFETY: the caller lends a table.
        let state = unsafe { state(map) }?;
        let mut iter = aws_hash_iter::done(map);
        iter.limit = state.elements.len();
        iter.seek(state, 0);
        Ok(iter)
    })
}

/// Whether the iterator is past the last element.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_iter_done(iter: *const aws_hash_iter) -> bool {
    // SAFETY: the caller lends an iterator. A NULL one is done.
    guard::guard(true, || {
        let iter = unsafe { guard::reference(iter) }?;
        Ok(iter.slot == iter.limit)
    })
}

/// Moves to the next element (after a delete: to the element now in the deleted one's place).
/// On a done iterator it stays done.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_iter_next(iter: *mut aws_hash_iter) {
    guard::guard((), || {
        // SAFETY: the caller lends an iterator over a live table.
        let iter = unsafe { guard::mutable(iter) }?;
        let state = unsafe { state(iter.map) }?;
        let next = iter.slot.wrapping_add(1);
        iter.seek(state, next);
        Ok(())
    })
}

/// Deletes the current element, running the destroy callbacks on it when `destroy_contents`.
/// `element` must not be read again before `aws_hash_iter_next`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_iter_delete(iter: *mut aws_hash_iter, destroy_contents: bool) {
    guard::guard((), || {
        // SAFETY: the caller lends an iterator over a live table.
        let iter = unsafe { guard::mutable(iter) }?;
        require(iter.status == aws_hash_iter_status::AWS_HASH_ITER_STATUS_READY_FOR_USE)?;
        let state = unsafe { state_mut(iter.map.cast_mut()) }?;
        require(iter.slot < state.elements.len())?;
        let element = state.remove_at(iter.slot);
        if destroy_contents {
            state.destroy(element);
        }
        iter.limit = iter.limit.saturating_sub(1).min(state.elements.len());
        iter.slot = iter.slot.wrapping_sub(1);
        iter.status = aws_hash_iter_status::AWS_HASH_ITER_STATUS_DELETE_CALLED;
        Ok(())
    })
}

/// Whether the iterator is consistent with its table, as upstream checks it. Nothing is raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_iter_is_valid(iter: *const aws_hash_iter) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends NULL or an iterator.
        let Some(iter) = (unsafe { iter.as_ref() }) else {
            return Ok(false);
        };
        let Ok(state) = (unsafe { state(iter.map) }) else {
            return Ok(false);
        };
        let len = state.elements.len();
        Ok(iter.limit <= len
            && match iter.status {
                aws_hash_iter_status::AWS_HASH_ITER_STATUS_DONE => iter.slot == iter.limit,
                aws_hash_iter_status::AWS_HASH_ITER_STATUS_DELETE_CALLED => {
                    iter.slot <= iter.limit || iter.slot == usize::MAX
                }
                aws_hash_iter_status::AWS_HASH_ITER_STATUS_READY_FOR_USE => iter.slot < iter.limit,
            })
    })
}

/// Calls `callback(context, element)` on each element, in no set order. The callback answers
/// with `AWS_COMMON_HASH_TABLE_ITER_*` flags: CONTINUE to go on, DELETE to delete the element
/// (its destroy callbacks are not run), ERROR to stop and fail (with the callback's error, or
/// `AWS_ERROR_UNKNOWN` when it raised none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_foreach(
    map: *mut aws_hash_table,
    callback: Option<
        unsafe extern "C" fn(context: *mut c_void, p_element: *mut aws_hash_element) -> c_int,
    >,
    context: *mut c_void,
) -> c_int {
    guard::op(|| {
        let callback = callback.ok_or(guard::INVALID_ARGUMENT)?;
        // SAFETY: the caller lends a table.
        unsafe { state(map) }?;
        let mut iter = unsafe { aws_hash_iter_begin(map) };
        while !unsafe { aws_hash_iter_done(&iter) } {
            // SAFETY: the program's callback, on a copy of the current element.
            let answer = unsafe { callback(context, &mut iter.element) };
            if answer & AWS_COMMON_HASH_TABLE_ITER_ERROR != 0 {
                if aws_last_error() == 0 {
                    raise(AWS_ERROR_UNKNOWN as c_int);
                }
                return Err(guard::Error(aws_last_error()));
            }
            if answer & AWS_COMMON_HASH_TABLE_ITER_DELETE != 0 {
                unsafe { aws_hash_iter_delete(&mut iter, false) };
            }
            if answer & AWS_COMMON_HASH_TABLE_ITER_CONTINUE == 0 {
                break;
            }
            unsafe { aws_hash_iter_next(&mut iter) };
        }
        Ok(())
    })
}

/// Whether two tables hold the same keys (by `a`'s key equality) with equal values (by
/// `value_eq`; the same pointer is equal, NULL equals only NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_eq(
    a: *const aws_hash_table,
    b: *const aws_hash_table,
    value_eq: Option<aws_hash_callback_eq_fn>,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends two tables.
        let (a, b) = unsafe { (state(a)?, state(b)?) };
        let value_eq = value_eq.ok_or(guard::INVALID_ARGUMENT)?;
        Ok(a.elements.len() == b.elements.len()
            && a.elements.iter().all(|e| values_match(b, e, value_eq)))
    })
}

/// Whether `b` has `e`'s key with an equal value.
fn values_match(
    b: &hash_table_state,
    e: &aws_hash_element,
    value_eq: aws_hash_callback_eq_fn,
) -> bool {
    let Some(at) = b.find(e.key) else {
        return false;
    };
    let other = b.elements[at].value;
    if other == e.value {
        return true;
    }
    if other.is_null() || e.value.is_null() {
        return false;
    }
    // SAFETY: the program's equality function, on values it put in the tables.
    unsafe { value_eq(e.value, other) }
}

//! `aws/common/array_list.h`: upstream's list of fixed-size items. This file has the list
//! itself, its set-up and clean-up, and indexed access; `array_list_edit.rs` the calls that add,
//! remove and reorder items.
//!
//! A list with an allocator owns its storage and grows (to twice its size, or to what an index
//! needs when that is more); one without (`alloc` NULL, made over someone's array) has a fixed
//! capacity, and writing past it fails with `AWS_ERROR_INVALID_INDEX` (`set_at`) or
//! `AWS_ERROR_LIST_EXCEEDS_MAX_SIZE` (the pushes). Upstream inlines most of these calls from
//! `array_list.inl` and asserts on a NULL or malformed list; here they are exported functions
//! that raise `AWS_ERROR_INVALID_ARGUMENT` and return their failure value instead.
//!
//! # Safety
//! Every exported function of both files has the same contract, stated once here: a pointer
//! argument is NULL or points to a valid object of its type; a list's `data` holds
//! `current_size` bytes, and an item pointer has `item_size` bytes to read or write.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_INDEX, AWS_ERROR_LIST_EXCEEDS_MAX_SIZE,
    AWS_ERROR_LIST_STATIC_MODE_CANT_SHRINK, AWS_ERROR_OVERFLOW_DETECTED,
};
use crate::ffi::common::zero::secure_zero;
use crate::ffi::guard::{self, Error, Result, require};
use std::ffi::{c_int, c_void};
use std::ptr;

/// Orders two items for `aws_array_list_sort`: negative, zero or positive as `a` sorts
/// before, with or after `b` (upstream's `aws_array_list_comparator_fn`, a `qsort` comparator).
pub type aws_array_list_comparator_fn =
    unsafe extern "C" fn(a: *const c_void, b: *const c_void) -> c_int;

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

    /// An empty owning list of `item_size`-byte items with room for `initial` of them.
    ///
    /// # Safety
    /// A non-NULL `alloc` must point to a valid allocator.
    pub(crate) unsafe fn new_dynamic(
        alloc: *mut aws_allocator,
        initial: usize,
        item_size: usize,
    ) -> Result<Self> {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(alloc) }?;
        require(item_size > 0)?;
        let size = initial
            .checked_mul(item_size)
            .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
        let mut made = Self {
            alloc,
            item_size,
            ..Self::ZERO
        };
        made.reallocate(size)?;
        Ok(made)
    }

    /// A fixed list over `raw_array`'s `item_count` items of `item_size` bytes, the first
    /// `length` of them in use.
    pub(crate) fn new_static(
        raw_array: *mut c_void,
        item_count: usize,
        item_size: usize,
        length: usize,
    ) -> Result<Self> {
        require(!raw_array.is_null() && item_count > 0 && item_size > 0)?;
        let size = item_count
            .checked_mul(item_size)
            .ok_or(guard::INVALID_ARGUMENT)?;
        Ok(Self {
            alloc: ptr::null_mut(),
            current_size: size,
            length,
            item_size,
            data: raw_array,
        })
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
    pub(crate) fn item(&self, index: usize) -> Result<*mut u8> {
        if index >= self.length {
            return Err(AWS_ERROR_INVALID_INDEX.into());
        }
        Ok(self.slot(index))
    }

    /// The address of slot `index`, which must be within the storage.
    pub(crate) fn slot(&self, index: usize) -> *mut u8 {
        self.data.cast::<u8>().wrapping_add(index * self.item_size)
    }

    /// Makes room for an item at `index`: an owning list grows to twice its size, or to
    /// exactly what `index` needs when that is more; a fixed list that is too small fails with
    /// `AWS_ERROR_INVALID_INDEX`.
    pub(crate) fn ensure_capacity(&mut self, index: usize) -> Result<()> {
        let needed = index
            .checked_add(1)
            .and_then(|n| n.checked_mul(self.item_size))
            .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
        if needed <= self.current_size {
            return Ok(());
        }
        if self.alloc.is_null() {
            return Err(AWS_ERROR_INVALID_INDEX.into());
        }
        let doubled = self
            .current_size
            .checked_mul(2)
            .ok_or(Error::from(AWS_ERROR_LIST_EXCEEDS_MAX_SIZE))?;
        self.reallocate(doubled.max(needed))
    }

    /// Moves the storage of an owning list to a new block of `size` bytes (at least the
    /// items'), keeping the items; `size` 0 frees it.
    pub(crate) fn reallocate(&mut self, size: usize) -> Result<()> {
        let data = if size == 0 {
            ptr::null_mut()
        } else {
            // SAFETY: only owning lists (non-NULL `alloc`, checked by the callers) reallocate.
            unsafe { allocator::acquire(self.alloc, size) }?.as_ptr()
        };
        if !self.data.is_null() {
            let keep = self.current_size.min(size);
            // SAFETY: both blocks hold at least `keep` bytes and are distinct.
            unsafe {
                ptr::copy_nonoverlapping(self.data.cast::<u8>(), data.cast::<u8>(), keep);
                allocator::release(self.alloc, self.data);
            }
        }
        self.data = data;
        self.current_size = size;
        Ok(())
    }

    /// Copies an item from `val` into slot `index`, growing the list to cover it.
    ///
    /// # Safety
    /// `val` points to `item_size` readable bytes.
    pub(crate) unsafe fn set_at(&mut self, val: *const c_void, index: usize) -> Result<()> {
        self.ensure_capacity(index)?;
        // SAFETY: the slot is within the storage; the caller lends the item.
        unsafe { ptr::copy_nonoverlapping(val.cast::<u8>(), self.slot(index), self.item_size) };
        if index >= self.length {
            self.length = index + 1;
        }
        Ok(())
    }
}

/// The list a caller lent for reading, checked to have a valid shape.
///
/// # Safety
/// A non-NULL `list` must point to a valid `aws_array_list`.
pub(crate) unsafe fn list_arg<'a>(list: *const aws_array_list) -> Result<&'a aws_array_list> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { guard::reference(list) }?;
    require(l.is_valid())?;
    Ok(l)
}

/// The list a caller lent for changing, checked to have a valid shape.
///
/// # Safety
/// A non-NULL `list` must point to a valid `aws_array_list`, not aliased elsewhere.
pub(crate) unsafe fn list_mut<'a>(list: *mut aws_array_list) -> Result<&'a mut aws_array_list> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { guard::mutable(list) }?;
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
        *list = unsafe { aws_array_list::new_dynamic(alloc, initial_item_allocation, item_size) }?;
        Ok(())
    })
}

/// Makes `list` a fixed-capacity list over the caller's `raw_array` of `item_count` items of
/// `item_size` bytes, none of them in use yet. The list never frees the array. A NULL array,
/// a zero count or size, or a byte size that overflows is `AWS_ERROR_INVALID_ARGUMENT` (the
/// list is then left zeroed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_init_static(
    list: *mut aws_array_list,
    raw_array: *mut c_void,
    item_count: usize,
    item_size: usize,
) {
    // SAFETY: the caller lends the list and `item_count * item_size` bytes at `raw_array`.
    guard::guard((), || unsafe {
        init_static(list, raw_array, item_count, item_size, 0)
    })
}

/// [`aws_array_list_init_static`] over an array whose `item_count` items are all in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_init_static_from_initialized(
    list: *mut aws_array_list,
    raw_array: *mut c_void,
    item_count: usize,
    item_size: usize,
) {
    // SAFETY: as for aws_array_list_init_static.
    guard::guard((), || unsafe {
        init_static(list, raw_array, item_count, item_size, item_count)
    })
}

/// Both static set-ups: `length` of the items are in use.
///
/// # Safety
/// As for the exported functions.
unsafe fn init_static(
    list: *mut aws_array_list,
    raw_array: *mut c_void,
    item_count: usize,
    item_size: usize,
    length: usize,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let list = unsafe { guard::mutable(list) }?;
    *list = aws_array_list::ZERO;
    *list = aws_array_list::new_static(raw_array, item_count, item_size, length)?;
    Ok(())
}

/// Whether `list` is a well-formed list (non-zero item size, storage for its items, a storage
/// pointer exactly when it has storage). NULL is not; nothing is raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_is_valid(list: *const aws_array_list) -> bool {
    // SAFETY: the caller lends NULL or a list.
    guard::guard(false, || {
        Ok(unsafe { list.as_ref() }.is_some_and(aws_array_list::is_valid))
    })
}

/// Gives an owning list's storage back and zeroes it. A list without an allocator just forgets
/// its storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_clean_up(list: *mut aws_array_list) {
    // SAFETY: the caller lends a list.
    guard::guard((), || unsafe { clean_up(list, false) })
}

/// [`aws_array_list_clean_up`], zeroing an owning list's storage (with `aws_secure_zero`)
/// before giving it back: for lists that held secrets.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_clean_up_secure(list: *mut aws_array_list) {
    // SAFETY: the caller lends a list.
    guard::guard((), || unsafe { clean_up(list, true) })
}

/// Both clean-ups.
///
/// # Safety
/// As for the exported functions.
unsafe fn clean_up(list: *mut aws_array_list, secure: bool) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { guard::mutable(list) }?;
    if !l.alloc.is_null() && !l.data.is_null() {
        // SAFETY: an owning list's storage came from its allocator and holds `current_size` bytes.
        unsafe {
            if secure {
                secure_zero(l.data, l.current_size);
            }
            allocator::release(l.alloc, l.data);
        }
    }
    *l = aws_array_list::ZERO;
    Ok(())
}

/// How many items the list holds; 0 for NULL or a malformed list (with
/// `AWS_ERROR_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_length(list: *const aws_array_list) -> usize {
    // SAFETY: the caller lends a valid list.
    guard::guard(0, || Ok(unsafe { list_arg(list) }?.length))
}

/// How many items the storage can hold without growing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_capacity(list: *const aws_array_list) -> usize {
    // SAFETY: the caller lends a valid list.
    guard::guard(0, || {
        let l = unsafe { list_arg(list) }?;
        Ok(l.current_size / l.item_size)
    })
}

/// Makes sure the storage has room for an item at `index` (so for `index + 1` items): an
/// owning list grows; a fixed one that is too small fails with `AWS_ERROR_INVALID_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_ensure_capacity(
    list: *mut aws_array_list,
    index: usize,
) -> c_int {
    // SAFETY: the caller lends a valid list.
    guard::op(|| unsafe { list_mut(list) }?.ensure_capacity(index))
}

/// Shrinks an owning list's storage to exactly its items (freeing it when there are none).
/// A fixed list cannot: `AWS_ERROR_LIST_STATIC_MODE_CANT_SHRINK`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_shrink_to_fit(list: *mut aws_array_list) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list.
        let l = unsafe { list_mut(list) }?;
        if l.alloc.is_null() {
            return Err(AWS_ERROR_LIST_STATIC_MODE_CANT_SHRINK.into());
        }
        let ideal = l.length * l.item_size;
        if ideal < l.current_size {
            l.reallocate(ideal)?;
        }
        Ok(())
    })
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

/// Copies `val` into item `index`. An index at or past the end extends the list to
/// `index + 1` items (those skipped over are left as the storage had them), growing an owning
/// list; a fixed list too small for it fails with `AWS_ERROR_INVALID_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_set_at(
    list: *mut aws_array_list,
    val: *const c_void,
    index: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid list and `item_size` readable bytes at `val`.
        let l = unsafe { list_mut(list) }?;
        require(!val.is_null())?;
        unsafe { l.set_at(val, index) }
    })
}

/// A fixed list that cannot take one more item: upstream reports this as
/// `AWS_ERROR_LIST_EXCEEDS_MAX_SIZE` rather than the `AWS_ERROR_INVALID_INDEX` of `set_at`.
pub(crate) fn full_if_fixed(list: &aws_array_list, err: Error) -> Error {
    if list.alloc.is_null() && err == Error::from(AWS_ERROR_INVALID_INDEX) {
        AWS_ERROR_LIST_EXCEEDS_MAX_SIZE.into()
    } else {
        err
    }
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
        let l = unsafe { list_mut(list) }?;
        require(!val.is_null())?;
        let end = l.length;
        unsafe { l.set_at(val, end) }.map_err(|e| full_if_fixed(l, e))
    })
}

//! What the packet storage functions share: reading the caller's arrays, copying strings into a
//! storage buffer sized up front, filling array lists, the init discipline (start from zero, and
//! on failure give back whatever was taken so the struct is zero again), and the bodies of the
//! exported `_init`, `_init_from_external_storage` and `_clean_up` of every packet storage, which
//! leave to [`PacketStorage`] only what differs per packet.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::{
    aws_array_list, aws_array_list_clean_up, aws_array_list_init_dynamic, aws_array_list_push_back,
};
use crate::ffi::common::byte_buf::{self, aws_byte_buf, aws_byte_cursor};
use crate::ffi::common::byte_buf_append;
use crate::ffi::common::error::{aws_common_error::AWS_ERROR_OVERFLOW_DETECTED, aws_last_error};
use crate::ffi::guard::{self, Error, OP_SUCCESS, Result, require};
use crate::ffi::mqtt::v5::mqtt5_packet_storage::aws_mqtt5_user_property_set;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_user_property;
use crate::ffi::mqtt::v5::user_property_set::{clean_up_set, init_set};
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

/// Makes `list` an owning list holding a copy of `items` (no storage when there are none), and
/// returns the count and the pointer with which a storage's view shows the list.
///
/// # Safety
/// `allocator` must be NULL or a valid allocator.
pub unsafe fn list_of<T: Copy>(
    list: &mut aws_array_list,
    allocator: *mut aws_allocator,
    items: &[T],
) -> Result<(usize, *const T)> {
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
    Ok((items.len(), list.data.cast_const().cast()))
}

/// Makes `list` an empty owning list of items of `item_size` bytes.
///
/// # Safety
/// `allocator` must be NULL or a valid allocator.
unsafe fn empty_list(
    list: &mut aws_array_list,
    allocator: *mut aws_allocator,
    item_size: usize,
) -> Result<()> {
    // SAFETY: `list` is a valid place to initialise; the allocator is the caller's.
    status(unsafe { aws_array_list_init_dynamic(list, allocator, 0, item_size) })
}

/// Takes the `count` user properties at `properties` and sizes `storage` for their names and
/// values plus `other` bytes; see [`start_fill!`].
///
/// # Safety
/// `properties` must point to `count` valid properties (or be NULL with 0), which outlive `'a`;
/// `storage` must be zeroed; `allocator` NULL or valid.
pub unsafe fn take_properties_and_size<'a>(
    storage: &mut aws_byte_buf,
    allocator: *mut aws_allocator,
    properties: *const aws_mqtt5_user_property,
    count: usize,
    other: impl IntoIterator<Item = usize>,
) -> Result<&'a [aws_mqtt5_user_property]> {
    // SAFETY: forwarded caller contract.
    let properties = unsafe { slice(properties, count) }?;
    let capacity = total(std::iter::once(user_properties_size(properties)?).chain(other))?;
    // SAFETY: forwarded caller contract; the allocator is checked by `init`.
    unsafe { byte_buf::init(storage, allocator, capacity) }?;
    Ok(properties)
}

/// What a packet storage owns besides plain values: the one buffer its strings are copied into,
/// its user property set and, for some packets, one more list.
pub struct Owned<'a> {
    storage: &'a mut aws_byte_buf,
    user_properties: &'a mut aws_mqtt5_user_property_set,
    /// The other list, with the size of its items (for making it empty).
    list: Option<(&'a mut aws_array_list, usize)>,
}

impl<'a> Owned<'a> {
    /// The buffer and the user property set, which every packet storage has.
    pub fn new(
        storage: &'a mut aws_byte_buf,
        user_properties: &'a mut aws_mqtt5_user_property_set,
    ) -> Self {
        Owned {
            storage,
            user_properties,
            list: None,
        }
    }

    /// The same, with a list of `T`.
    pub fn with_list<T>(self, list: &'a mut aws_array_list) -> Self {
        Owned {
            list: Some((list, size_of::<T>())),
            ..self
        }
    }
}

/// One packet's storage struct: what sets it apart from the others. The exported functions of
/// every packet storage are [`init`], [`init_from_external_storage`] and [`clean_up`] around it.
///
/// # Safety
/// All zeroes must be a valid value of the implementing type (a storage that holds nothing):
/// [`init`] starts from it and leaves it after a failure.
pub unsafe trait PacketStorage: Sized {
    /// The view `_init` copies.
    type View: Copy;

    /// Fills a zeroed storage from `view`: its strings into the buffer, its present optional
    /// values into the struct, its arrays into owned lists, and `storage_view` over the copies.
    ///
    /// # Safety
    /// `allocator` must be NULL or valid; the view's pointers and counts describe valid values.
    unsafe fn fill(s: &mut Self, allocator: *mut aws_allocator, view: &Self::View) -> Result<()>;

    /// What the storage owns, for the defaults below.
    fn owned(&mut self) -> Owned<'_>;

    /// Gives back what the storage holds.
    ///
    /// # Safety
    /// The storage must be zeroed, or filled (even partly) by `fill` or `init_empty`.
    unsafe fn clean_up(&mut self) {
        let owned = self.owned();
        if let Some((list, _)) = owned.list {
            // SAFETY: the list is zeroed or owned.
            unsafe { aws_array_list_clean_up(list) };
        }
        clean_up_set(owned.user_properties);
        // SAFETY: the buffer is empty or owned.
        unsafe { byte_buf::clean_up(owned.storage) };
    }

    /// Gives a zeroed storage the empty user property set and list, from `allocator`, that
    /// `_init_from_external_storage` promises to code that fills the struct itself.
    ///
    /// # Safety
    /// `allocator` must be NULL or valid.
    unsafe fn init_empty(&mut self, allocator: *mut aws_allocator) -> Result<()> {
        let owned = self.owned();
        // SAFETY: forwarded caller contract; no property is copied into the buffer.
        unsafe { init_set(owned.user_properties, allocator, owned.storage, &[]) }?;
        match owned.list {
            // SAFETY: as above.
            Some((list, item_size)) => unsafe { empty_list(list, allocator, item_size) },
            None => Ok(()),
        }
    }
}

/// The exported `_init` of every packet storage: copies `*view` into `*storage`. On failure
/// the storage is left zeroed.
///
/// # Safety
/// The exported function's contract: pointers NULL or valid, the view describing valid values.
pub unsafe fn init<S: PacketStorage>(
    storage: *mut S,
    allocator: *mut aws_allocator,
    view: *const S::View,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(storage) }?;
        let view = *unsafe { guard::reference(view) }?;
        // SAFETY: `PacketStorage` vouches that all zeroes is a valid storage; `clean_up` takes a
        // partly filled one.
        unsafe { init_or_zero(s, |s| S::fill(s, allocator, &view), S::clean_up) }
    })
}

/// The exported `_init_from_external_storage` of every packet storage: zeroes `*storage` and
/// gives it an empty user property set (and list) from `allocator`.
///
/// # Safety
/// As [`init`].
pub unsafe fn init_from_external_storage<S: PacketStorage>(
    storage: *mut S,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(storage) }?;
        // SAFETY: as in `init`.
        unsafe { init_or_zero(s, |s| s.init_empty(allocator), S::clean_up) }
    })
}

/// The exported `_clean_up` of every packet storage: gives back everything `*storage` holds.
/// NULL does nothing.
///
/// # Safety
/// `storage` must be NULL, zeroed, or initialised by [`init`] or [`init_from_external_storage`].
pub unsafe fn clean_up<S: PacketStorage>(storage: *mut S) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage filled (or zeroed) by the functions above.
        if let Some(s) = unsafe { storage.as_mut() } {
            unsafe { s.clean_up() };
        }
        Ok(())
    })
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
/// How every packet's `fill` starts: takes `$view`'s user properties and sizes the storage
/// buffer for their names and values and the `$other` bytes (the view's other strings), so that
/// one allocation holds all the storage copies. Gives the properties, for
/// [`copy_user_properties!`].
macro_rules! start_fill {
    ($s:ident, $allocator:ident, $view:ident, $other:expr) => {
        // SAFETY: the view's pointers and counts describe valid values.
        unsafe {
            $crate::ffi::mqtt::v5::storage_support::take_properties_and_size(
                &mut $s.storage,
                $allocator,
                $view.user_properties,
                $view.user_property_count,
                $other,
            )
        }?
    };
}

/// Copies `$properties` into the storage's user property set, their names and values into its
/// buffer (sized for them by [`start_fill!`]), and points `storage_view` at them.
macro_rules! copy_user_properties {
    ($s:ident, $allocator:ident, $properties:ident) => {
        // SAFETY: the buffer was sized for the properties, whose cursors cover readable bytes.
        (
            $s.storage_view.user_property_count,
            $s.storage_view.user_properties,
        ) = unsafe {
            $crate::ffi::mqtt::v5::user_property_set::init_set(
                &mut $s.user_properties,
                $allocator,
                &mut $s.storage,
                $properties,
            )
        }?;
    };
}
pub(crate) use {copy_optional_string, copy_optional_value, copy_user_properties, start_fill};

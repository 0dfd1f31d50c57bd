//! `aws/common/hash_table.h`: upstream's hash table of `void *` keys and values, hashed and
//! compared by the C program's functions. This file has the table and its element calls;
//! `hash_table_iter.rs` the iterators, `foreach` and `eq`; `hash_functions.rs` the ready-made
//! hash and equality callbacks.
//!
//! Upstream stores the elements in a Robin Hood table. Here they are kept dense, in insertion
//! order, with a hashbrown index of their positions: lookups cost the same, an element pointer
//! (`struct aws_hash_element *`) stays valid until the table next changes (as upstream
//! documents), and an iterator's `slot` is a position in the dense array. Removing an element
//! moves the last one into its place, which is how `aws_hash_iter_delete` keeps visiting each
//! element exactly once. The table's memory comes from the Rust heap, not from `alloc`, which
//! is only kept for upstream's validity rule.
//!
//! Keys follow upstream's NULL rules: a NULL key hashes to 42, equals only NULL, and never
//! reaches the program's functions. Misuse upstream asserts on (a NULL or uninitialised table,
//! NULL callbacks) raises `AWS_ERROR_INVALID_ARGUMENT`.
//!
//! # Safety
//! Every exported function of the three files has the same contract, stated once here: a
//! pointer argument is NULL or points to a valid object of its type; a table was set up by
//! `aws_hash_table_init` (or zeroed, where noted); keys are valid for the table's functions.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_OOM;
use crate::ffi::guard::{self, Result, require};
use hashbrown::HashTable;
use std::ffi::{c_int, c_void};
use std::ptr;

/// Hashes a key (upstream's `aws_hash_fn`). A key's hash must not change while it is in a table.
pub type aws_hash_fn = unsafe extern "C" fn(key: *const c_void) -> u64;

/// Compares two keys, or two values for `aws_hash_table_eq` (upstream's
/// `aws_hash_callback_eq_fn`): reflexive, symmetric, transitive and consistent with the hash.
pub type aws_hash_callback_eq_fn = unsafe extern "C" fn(a: *const c_void, b: *const c_void) -> bool;

/// Destroys a key or a value leaving a table (upstream's `aws_hash_callback_destroy_fn`).
pub type aws_hash_callback_destroy_fn = unsafe extern "C" fn(key_or_value: *mut c_void);

/// A table: a pointer to its state, NULL before `aws_hash_table_init` and after
/// `aws_hash_table_clean_up` (upstream's `struct aws_hash_table`).
#[repr(C)]
pub struct aws_hash_table {
    /// The table's state; opaque to C.
    pub p_impl: *mut hash_table_state,
}

/// One key and its value (upstream's `struct aws_hash_element`). The program may change
/// `value` through a pointer the table gave it, never `key`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_hash_element {
    /// The key.
    pub key: *const c_void,
    /// The value.
    pub value: *mut c_void,
}

impl aws_hash_element {
    /// No element: what a done iterator shows.
    pub const NONE: Self = Self {
        key: ptr::null(),
        value: ptr::null_mut(),
    };
}

/// The state behind an `aws_hash_table` (opaque to C).
pub struct hash_table_state {
    /// Kept for upstream's validity rule (a table has an allocator).
    alloc: *mut aws_allocator,
    hash_fn: aws_hash_fn,
    equals_fn: aws_hash_callback_eq_fn,
    pub(crate) destroy_key_fn: Option<aws_hash_callback_destroy_fn>,
    pub(crate) destroy_value_fn: Option<aws_hash_callback_destroy_fn>,
    /// The elements, dense; the program holds pointers into this array.
    pub(crate) elements: Vec<aws_hash_element>,
    /// Each element's hash, at the element's position.
    hashes: Vec<u64>,
    /// Positions in `elements`, found by hash.
    index: HashTable<usize>,
}

impl hash_table_state {
    /// The key's hash, with upstream's answer for NULL.
    fn hash(&self, key: *const c_void) -> u64 {
        if key.is_null() {
            return 42;
        }
        // SAFETY: the program's hash function, on a key it lent.
        unsafe { (self.hash_fn)(key) }
    }

    /// Whether two keys are equal: the same pointer is, NULL equals only NULL, and otherwise
    /// the program's function decides.
    pub(crate) fn keys_eq(&self, a: *const c_void, b: *const c_void) -> bool {
        if a == b {
            return true;
        }
        if a.is_null() || b.is_null() {
            return false;
        }
        // SAFETY: the program's equality function, on keys it lent.
        unsafe { (self.equals_fn)(a, b) }
    }

    /// The position of `key`'s element.
    pub(crate) fn find(&self, key: *const c_void) -> Option<usize> {
        let hash = self.hash(key);
        self.index
            .find(hash, |&i| {
                self.hashes[i] == hash && self.keys_eq(self.elements[i].key, key)
            })
            .copied()
    }

    /// The position of `key`'s element, made (with a NULL value) when there was none; and
    /// whether it was made.
    pub(crate) fn find_or_create(&mut self, key: *const c_void) -> Result<(usize, bool)> {
        let hash = self.hash(key);
        if let Some(&i) = self.index.find(hash, |&i| {
            self.hashes[i] == hash && self.keys_eq(self.elements[i].key, key)
        }) {
            return Ok((i, false));
        }
        self.elements.try_reserve(1).map_err(|_| AWS_ERROR_OOM)?;
        self.hashes.try_reserve(1).map_err(|_| AWS_ERROR_OOM)?;
        let at = self.elements.len();
        let hashes = &self.hashes;
        self.index.insert_unique(hash, at, |&i| hashes[i]);
        self.elements.push(aws_hash_element {
            key,
            value: ptr::null_mut(),
        });
        self.hashes.push(hash);
        Ok((at, true))
    }

    /// Takes the element at `at` out (no destroy callbacks) and moves the last one into its
    /// place.
    pub(crate) fn remove_at(&mut self, at: usize) -> aws_hash_element {
        let hash = self.hashes[at];
        if let Ok(entry) = self.index.find_entry(hash, |&i| i == at) {
            entry.remove();
        }
        let last = self.elements.len() - 1;
        if at != last {
            let moved_hash = self.hashes[last];
            if let Some(slot) = self.index.find_mut(moved_hash, |&i| i == last) {
                *slot = at;
            }
        }
        self.hashes.swap_remove(at);
        self.elements.swap_remove(at)
    }

    /// Runs the destroy callbacks on an element that left the table.
    pub(crate) fn destroy(&self, element: aws_hash_element) {
        // SAFETY: the program's destroy functions, on what it put in the table.
        unsafe {
            if let Some(destroy) = self.destroy_key_fn {
                destroy(element.key.cast_mut());
            }
            if let Some(destroy) = self.destroy_value_fn {
                destroy(element.value);
            }
        }
    }

    /// Empties the table, destroying every element.
    fn clear(&mut self) {
        let elements = std::mem::take(&mut self.elements);
        self.hashes.clear();
        self.index.clear();
        for element in elements {
            self.destroy(element);
        }
    }
}

/// The state of a table the caller lent for reading; NULL, a NULL table or one never set up is
/// an invalid argument.
///
/// # Safety
/// A non-NULL `map` must point to a valid table.
pub(crate) unsafe fn state<'a>(map: *const aws_hash_table) -> Result<&'a hash_table_state> {
    // SAFETY: forwarded caller contract; `p_impl` is NULL or came from `aws_hash_table_init`.
    let map = unsafe { guard::reference(map) }?;
    unsafe { map.p_impl.as_ref() }.ok_or(guard::INVALID_ARGUMENT)
}

/// [`state`] for changing the table.
///
/// # Safety
/// As for [`state`]; nothing else uses the table meanwhile.
pub(crate) unsafe fn state_mut<'a>(map: *mut aws_hash_table) -> Result<&'a mut hash_table_state> {
    // SAFETY: forwarded caller contract.
    let map = unsafe { guard::reference(map) }?;
    unsafe { map.p_impl.as_mut() }.ok_or(guard::INVALID_ARGUMENT)
}

/// Sets up an empty table with room for `size` elements before it grows, hashing keys with
/// `hash_fn` and comparing them with `equals_fn`; `destroy_key_fn` and `destroy_value_fn` (each
/// may be NULL) run on what the table drops. On failure `map->p_impl` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_init(
    map: *mut aws_hash_table,
    alloc: *mut aws_allocator,
    size: usize,
    hash_fn: Option<aws_hash_fn>,
    equals_fn: Option<aws_hash_callback_eq_fn>,
    destroy_key_fn: Option<aws_hash_callback_destroy_fn>,
    destroy_value_fn: Option<aws_hash_callback_destroy_fn>,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table to set up and an allocator.
        let map = unsafe { guard::mutable(map) }?;
        map.p_impl = ptr::null_mut();
        unsafe { allocator::checked(alloc) }?;
        let (Some(hash_fn), Some(equals_fn)) = (hash_fn, equals_fn) else {
            return Err(guard::INVALID_ARGUMENT);
        };
        let mut state = hash_table_state {
            alloc,
            hash_fn,
            equals_fn,
            destroy_key_fn,
            destroy_value_fn,
            elements: Vec::new(),
            hashes: Vec::new(),
            index: HashTable::new(),
        };
        state
            .elements
            .try_reserve(size)
            .map_err(|_| AWS_ERROR_OOM)?;
        state.hashes.try_reserve(size).map_err(|_| AWS_ERROR_OOM)?;
        let hashes = &state.hashes;
        state
            .index
            .try_reserve(size, |&i| hashes[i])
            .map_err(|_| AWS_ERROR_OOM)?;
        map.p_impl = Box::into_raw(Box::new(state));
        Ok(())
    })
}

/// Destroys every element and frees the table, leaving `p_impl` NULL. Calling it again, or on
/// a zeroed table, does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_clean_up(map: *mut aws_hash_table) {
    guard::guard((), || {
        // SAFETY: the caller lends a table, set up or zeroed.
        let map = unsafe { guard::mutable(map) }?;
        if map.p_impl.is_null() {
            return Ok(());
        }
        // SAFETY: `p_impl` came from Box::into_raw in aws_hash_table_init.
        let mut state = unsafe { Box::from_raw(map.p_impl) };
        map.p_impl = ptr::null_mut();
        state.clear();
        Ok(())
    })
}

/// Exchanges two tables (set up or not), allocators and all.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_swap(a: *mut aws_hash_table, b: *mut aws_hash_table) {
    guard::guard((), || {
        require(!a.is_null() && !b.is_null())?;
        // SAFETY: the caller lends two tables (possibly the same one).
        unsafe { ptr::swap(a, b) };
        Ok(())
    })
}

/// Moves the table in `from` to `to` and zeroes `from`. Whatever `to` held is not cleaned up.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_move(to: *mut aws_hash_table, from: *mut aws_hash_table) {
    guard::guard((), || {
        // SAFETY: the caller lends two tables.
        let from = unsafe { guard::mutable(from) }?;
        let to = unsafe { guard::mutable(to) }?;
        to.p_impl = std::mem::replace(&mut from.p_impl, ptr::null_mut());
        Ok(())
    })
}

/// How many elements the table holds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_get_entry_count(map: *const aws_hash_table) -> usize {
    // SAFETY: the caller lends a table.
    guard::guard(0, || Ok(unsafe { state(map) }?.elements.len()))
}

/// Points `*p_elem` at `key`'s element, or sets it to NULL when there is none; succeeds either
/// way. The pointer is good until the table next changes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_find(
    map: *const aws_hash_table,
    key: *const c_void,
    p_elem: *mut *mut aws_hash_element,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table and a pointer to set.
        let state = unsafe { state(map) }?;
        let out = unsafe { guard::mutable(p_elem) }?;
        *out = match state.find(key) {
            Some(i) => ptr::from_ref(&state.elements[i]).cast_mut(),
            None => ptr::null_mut(),
        };
        Ok(())
    })
}

/// Points `*p_elem` (when not NULL) at `key`'s element, made with a NULL value when there was
/// none; `*was_created` (when not NULL) says which.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_create(
    map: *mut aws_hash_table,
    key: *const c_void,
    p_elem: *mut *mut aws_hash_element,
    was_created: *mut c_int,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table and two optional pointers to set.
        let state = unsafe { state_mut(map) }?;
        let (at, created) = state.find_or_create(key)?;
        unsafe {
            if let Some(out) = p_elem.as_mut() {
                *out = &mut state.elements[at];
            }
            if let Some(out) = was_created.as_mut() {
                *out = c_int::from(created);
            }
        }
        Ok(())
    })
}

/// Sets `key`'s value. A replaced element's value is destroyed, and its old key too when it is
/// a different pointer; `*was_created` (when not NULL) says whether the key is new.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_put(
    map: *mut aws_hash_table,
    key: *const c_void,
    value: *mut c_void,
    was_created: *mut c_int,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table and an optional flag to set.
        let state = unsafe { state_mut(map) }?;
        let (at, created) = state.find_or_create(key)?;
        if !created {
            let old = state.elements[at];
            let destroy_key = if old.key == key { ptr::null() } else { old.key };
            // SAFETY: the program's destroy functions, on what it put in the table.
            unsafe {
                if let (Some(destroy), false) = (state.destroy_key_fn, destroy_key.is_null()) {
                    destroy(destroy_key.cast_mut());
                }
                if let Some(destroy) = state.destroy_value_fn {
                    destroy(old.value);
                }
            }
        }
        state.elements[at] = aws_hash_element { key, value };
        if let Some(out) = unsafe { was_created.as_mut() } {
            *out = c_int::from(created);
        }
        Ok(())
    })
}

/// Removes `key`'s element; succeeds whether or not there was one (`*was_present`, when not
/// NULL, says which). With `p_value` the element is handed over there and nothing is
/// destroyed; without, its key and value are destroyed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_remove(
    map: *mut aws_hash_table,
    key: *const c_void,
    p_value: *mut aws_hash_element,
    was_present: *mut c_int,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table and two optional pointers to set.
        let state = unsafe { state_mut(map) }?;
        let found = state.find(key);
        if let Some(out) = unsafe { was_present.as_mut() } {
            *out = c_int::from(found.is_some());
        }
        if let Some(at) = found {
            let element = state.remove_at(at);
            match unsafe { p_value.as_mut() } {
                Some(out) => *out = element,
                None => state.destroy(element),
            }
        }
        Ok(())
    })
}

/// Removes the element `p_value` points at (from `find` or `create`), destroying nothing. A
/// pointer that is not one of the table's elements is an invalid argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_remove_element(
    map: *mut aws_hash_table,
    p_value: *mut aws_hash_element,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table.
        let state = unsafe { state_mut(map) }?;
        let offset = (p_value as usize).wrapping_sub(state.elements.as_ptr() as usize);
        let at = offset / size_of::<aws_hash_element>();
        require(offset % size_of::<aws_hash_element>() == 0 && at < state.elements.len())?;
        state.remove_at(at);
        Ok(())
    })
}

/// Destroys every element; the table stays set up, empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_clear(map: *mut aws_hash_table) {
    guard::guard((), || {
        // SAFETY: the caller lends a table.
        unsafe { state_mut(map) }?.clear();
        Ok(())
    })
}

/// Whether the table is set up. NULL is not; nothing is raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_table_is_valid(map: *const aws_hash_table) -> bool {
    // SAFETY: the caller lends NULL or a table.
    guard::guard(false, || {
        let state = unsafe { map.as_ref().and_then(|m| m.p_impl.as_ref()) };
        Ok(state.is_some_and(|s| !s.alloc.is_null()))
    })
}

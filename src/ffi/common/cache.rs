//! `aws/common/cache.h`: upstream's bounded cache interface, a vtable over a linked hash table,
//! and the default operations the FIFO, LIFO and LRU caches share (`fifo_cache.rs`,
//! `lifo_cache.rs`, `lru_cache.rs` make them). The `aws_cache_*` calls dispatch through the
//! cache's vtable, as upstream's do, so a program's own cache type works with them too.
//!
//! # Safety
//! Every exported function of the four files has the same contract, stated once here: a
//! pointer argument is NULL or points to a valid object of its type; a cache was made by one
//! of the `aws_cache_new_*` calls (or by the program, with a complete vtable).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error_info::status;
use crate::ffi::common::hash_table::{
    aws_hash_callback_destroy_fn, aws_hash_callback_eq_fn, aws_hash_fn,
};
use crate::ffi::common::linked_hash_table::{
    aws_linked_hash_table, aws_linked_hash_table_clean_up, aws_linked_hash_table_clear,
    aws_linked_hash_table_find, aws_linked_hash_table_get_element_count,
    aws_linked_hash_table_init, aws_linked_hash_table_node, aws_linked_hash_table_put,
    aws_linked_hash_table_remove,
};
use crate::ffi::guard::{self, Result, require};
use std::ffi::{c_int, c_void};
use std::ptr;

/// A cache's operations (upstream's `struct aws_cache_vtable`).
#[repr(C)]
pub struct aws_cache_vtable {
    /// Frees the cache and everything in it.
    pub destroy: Option<unsafe extern "C" fn(cache: *mut aws_cache)>,
    /// Looks a key up.
    pub find: Option<
        unsafe extern "C" fn(
            cache: *mut aws_cache,
            key: *const c_void,
            p_value: *mut *mut c_void,
        ) -> c_int,
    >,
    /// Adds or replaces an element, evicting one when the cache is over its size.
    pub put: Option<
        unsafe extern "C" fn(
            cache: *mut aws_cache,
            key: *const c_void,
            p_value: *mut c_void,
        ) -> c_int,
    >,
    /// Removes an element.
    pub remove: Option<unsafe extern "C" fn(cache: *mut aws_cache, key: *const c_void) -> c_int>,
    /// Removes every element.
    pub clear: Option<unsafe extern "C" fn(cache: *mut aws_cache)>,
    /// Counts the elements.
    pub get_element_count: Option<unsafe extern "C" fn(cache: *const aws_cache) -> usize>,
}

/// A cache (upstream's `struct aws_cache`).
#[repr(C)]
pub struct aws_cache {
    /// Where the cache came from.
    pub allocator: *mut aws_allocator,
    /// Its operations.
    pub vtable: *const aws_cache_vtable,
    /// Its elements, in eviction order.
    pub table: aws_linked_hash_table,
    /// How many elements it keeps at most.
    pub max_items: usize,
    /// The kind's own data (for the LRU cache, a marker `aws_lru_cache_*` checks).
    pub r#impl: *mut c_void,
}

impl aws_cache_vtable {
    /// The default operations with the kind's own `put` (and, for the LRU cache, `find`).
    pub(crate) const fn with_put(
        put: unsafe extern "C" fn(*mut aws_cache, *const c_void, *mut c_void) -> c_int,
        find: unsafe extern "C" fn(*mut aws_cache, *const c_void, *mut *mut c_void) -> c_int,
    ) -> Self {
        Self {
            destroy: Some(aws_cache_base_default_destroy),
            find: Some(find),
            put: Some(put),
            remove: Some(aws_cache_base_default_remove),
            clear: Some(aws_cache_base_default_clear),
            get_element_count: Some(aws_cache_base_default_get_element_count),
        }
    }
}

/// The cache a caller lent, with its vtable.
///
/// # Safety
/// A non-NULL `cache` must point to a valid cache.
unsafe fn vtable<'a>(cache: *const aws_cache) -> Result<&'a aws_cache_vtable> {
    // SAFETY: forwarded caller contract.
    let c = unsafe { guard::reference(cache) }?;
    unsafe { c.vtable.as_ref() }.ok_or(guard::INVALID_ARGUMENT)
}

/// Makes a cache of `max_items` with `vtable` and `impl_` from `allocator`; the other arguments
/// mean what they mean for `aws_hash_table_init`.
///
/// # Safety
/// As for the exported functions.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn new_cache(
    allocator: *mut aws_allocator,
    hash_fn: Option<aws_hash_fn>,
    equals_fn: Option<aws_hash_callback_eq_fn>,
    destroy_key_fn: Option<aws_hash_callback_destroy_fn>,
    destroy_value_fn: Option<aws_hash_callback_destroy_fn>,
    max_items: usize,
    vtable: &'static aws_cache_vtable,
    impl_: *mut c_void,
) -> Result<*mut aws_cache> {
    require(max_items > 0)?;
    // SAFETY: forwarded caller contract.
    let cache = unsafe { allocator::acquire(allocator, size_of::<aws_cache>()) }?
        .as_ptr()
        .cast::<aws_cache>();
    // SAFETY: the block is fresh and big enough; all-zero is a valid starting cache.
    unsafe {
        ptr::write_bytes(cache, 0, 1);
        let c = &mut *cache;
        c.allocator = allocator;
        c.vtable = vtable;
        c.max_items = max_items;
        c.r#impl = impl_;
        let rc = aws_linked_hash_table_init(
            &mut c.table,
            allocator,
            hash_fn,
            equals_fn,
            destroy_key_fn,
            destroy_value_fn,
            max_items,
        );
        if let Err(e) = status(rc) {
            allocator::release(allocator, cache.cast());
            return Err(e);
        }
    }
    Ok(cache)
}

/// Puts `key` in `cache`, then evicts the element `victim` picks from the list when the cache
/// is over its size (what the three kinds differ in).
///
/// # Safety
/// As for the exported functions.
pub(crate) unsafe fn put_and_evict(
    cache: *mut aws_cache,
    key: *const c_void,
    p_value: *mut c_void,
    victim: fn(&aws_cache) -> *const aws_linked_hash_table_node,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let c = unsafe { guard::mutable(cache) }?;
    status(unsafe { aws_linked_hash_table_put(&mut c.table, key, p_value) })?;
    if unsafe { aws_linked_hash_table_get_element_count(&c.table) } > c.max_items {
        let node = victim(c);
        if let Some(node) = unsafe { node.as_ref() } {
            status(unsafe { aws_linked_hash_table_remove(&mut c.table, node.key) })?;
        }
    }
    Ok(())
}

/// The table node a list node belongs to (NULL for a sentinel or NULL).
pub(crate) fn table_node(
    node: *const crate::ffi::common::linked_list::aws_linked_list_node,
) -> *const aws_linked_hash_table_node {
    if node.is_null() {
        return ptr::null();
    }
    // The list node is the table node's first field.
    node.cast()
}

/// Frees the cache and destroys everything in it (through its vtable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_destroy(cache: *mut aws_cache) {
    guard::guard((), || {
        // SAFETY: the caller lends a cache; its vtable's functions take it.
        let destroy = unsafe { vtable(cache) }?
            .destroy
            .ok_or(guard::INVALID_ARGUMENT)?;
        unsafe { destroy(cache) };
        Ok(())
    })
}

/// Sets `*p_value` to `key`'s value, or NULL when it is not cached (an LRU cache also marks
/// it as the most recently used).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_find(
    cache: *mut aws_cache,
    key: *const c_void,
    p_value: *mut *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: as above.
        let find = unsafe { vtable(cache) }?
            .find
            .ok_or(guard::INVALID_ARGUMENT)?;
        status(unsafe { find(cache, key, p_value) })
    })
}

/// Caches `key` with its value (replacing an equal key's element); when that makes the cache
/// hold more than `max_items`, one element is evicted (which one depends on the kind).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_put(
    cache: *mut aws_cache,
    key: *const c_void,
    p_value: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: as above.
        let put = unsafe { vtable(cache) }?
            .put
            .ok_or(guard::INVALID_ARGUMENT)?;
        status(unsafe { put(cache, key, p_value) })
    })
}

/// Removes `key`'s element (destroying its key and value); succeeds whether or not it was there.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_remove(cache: *mut aws_cache, key: *const c_void) -> c_int {
    guard::op(|| {
        // SAFETY: as above.
        let remove = unsafe { vtable(cache) }?
            .remove
            .ok_or(guard::INVALID_ARGUMENT)?;
        status(unsafe { remove(cache, key) })
    })
}

/// Removes (and destroys) every element.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_clear(cache: *mut aws_cache) {
    guard::guard((), || {
        // SAFETY: as above.
        let clear = unsafe { vtable(cache) }?
            .clear
            .ok_or(guard::INVALID_ARGUMENT)?;
        unsafe { clear(cache) };
        Ok(())
    })
}

/// How many elements the cache holds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_get_element_count(cache: *const aws_cache) -> usize {
    guard::guard(0, || {
        // SAFETY: as above.
        let count = unsafe { vtable(cache) }?
            .get_element_count
            .ok_or(guard::INVALID_ARGUMENT)?;
        Ok(unsafe { count(cache) })
    })
}

/// The default `destroy`: cleans the table up and frees the cache.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_base_default_destroy(cache: *mut aws_cache) {
    guard::guard((), || {
        // SAFETY: the caller lends a cache made from its allocator.
        let c = unsafe { guard::mutable(cache) }?;
        let allocator = c.allocator;
        unsafe {
            aws_linked_hash_table_clean_up(&mut c.table);
            allocator::release(allocator, cache.cast());
        }
        Ok(())
    })
}

/// The default `find`: a plain lookup.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_base_default_find(
    cache: *mut aws_cache,
    key: *const c_void,
    p_value: *mut *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a cache.
        let c = unsafe { guard::mutable(cache) }?;
        status(unsafe { aws_linked_hash_table_find(&mut c.table, key, p_value) })
    })
}

/// The default `remove`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_base_default_remove(
    cache: *mut aws_cache,
    key: *const c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a cache.
        let c = unsafe { guard::mutable(cache) }?;
        status(unsafe { aws_linked_hash_table_remove(&mut c.table, key) })
    })
}

/// The default `clear`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_base_default_clear(cache: *mut aws_cache) {
    guard::guard((), || {
        // SAFETY: the caller lends a cache.
        let c = unsafe { guard::mutable(cache) }?;
        unsafe { aws_linked_hash_table_clear(&mut c.table) };
        Ok(())
    })
}

/// The default `get_element_count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_base_default_get_element_count(
    cache: *const aws_cache,
) -> usize {
    guard::guard(0, || {
        // SAFETY: the caller lends a cache.
        let c = unsafe { guard::reference(cache) }?;
        Ok(unsafe { aws_linked_hash_table_get_element_count(&c.table) })
    })
}

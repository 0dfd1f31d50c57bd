//! `aws/common/lru_cache.h`: the least-recently-used cache: a lookup moves the element to the
//! back of the list (most recently used); when full, the front (least recently used) is
//! evicted. `aws_lru_cache_*` work only on a cache this file made (its `impl` is a marker they
//! check); on another cache they raise `AWS_ERROR_INVALID_ARGUMENT`.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::cache::{
    aws_cache, aws_cache_vtable, new_cache, put_and_evict, table_node,
};
use crate::ffi::common::error_info::status;
use crate::ffi::common::hash_table::{
    aws_hash_callback_destroy_fn, aws_hash_callback_eq_fn, aws_hash_fn,
};
use crate::ffi::common::linked_hash_table::{
    aws_linked_hash_table_find_and_move_to_back, aws_linked_hash_table_move_node_to_end_of_list,
    aws_linked_hash_table_node,
};
use crate::ffi::guard::{self, Result, require};
use std::ffi::{c_int, c_void};
use std::ptr;

/// The LRU cache's operations.
static LRU_VTABLE: aws_cache_vtable = aws_cache_vtable::with_put(lru_put, lru_find);

/// What an LRU cache's `impl` points at: its address tells an LRU cache from another.
static LRU_MARKER: u8 = 0;

/// The least recently used element: the front of the list.
fn least_recent(c: &aws_cache) -> *const aws_linked_hash_table_node {
    table_node(c.table.list.head.next)
}

unsafe extern "C" fn lru_put(
    cache: *mut aws_cache,
    key: *const c_void,
    p_value: *mut c_void,
) -> c_int {
    // SAFETY: the cache functions lend an LRU cache.
    guard::op(|| unsafe { put_and_evict(cache, key, p_value, least_recent) })
}

unsafe extern "C" fn lru_find(
    cache: *mut aws_cache,
    key: *const c_void,
    p_value: *mut *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the cache functions lend an LRU cache.
        let c = unsafe { guard::mutable(cache) }?;
        status(unsafe { aws_linked_hash_table_find_and_move_to_back(&mut c.table, key, p_value) })
    })
}

/// Makes an LRU cache of at most `max_items` (not 0) elements; the other arguments mean what
/// they mean for `aws_hash_table_init`. NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_new_lru(
    allocator: *mut aws_allocator,
    hash_fn: Option<aws_hash_fn>,
    equals_fn: Option<aws_hash_callback_eq_fn>,
    destroy_key_fn: Option<aws_hash_callback_destroy_fn>,
    destroy_value_fn: Option<aws_hash_callback_destroy_fn>,
    max_items: usize,
) -> *mut aws_cache {
    guard::ptr(|| unsafe {
        // SAFETY: the caller lends an allocator and its callbacks.
        new_cache(
            allocator,
            hash_fn,
            equals_fn,
            destroy_key_fn,
            destroy_value_fn,
            max_items,
            &LRU_VTABLE,
            ptr::from_ref(&LRU_MARKER).cast_mut().cast(),
        )
    })
}

/// An LRU cache a caller lent.
///
/// # Safety
/// A non-NULL `cache` must point to a valid cache.
unsafe fn lru_arg<'a>(cache: *const aws_cache) -> Result<&'a mut aws_cache> {
    // SAFETY: forwarded caller contract.
    let c = unsafe { guard::mutable(cache.cast_mut()) }?;
    require(ptr::eq(c.r#impl.cast_const().cast::<u8>(), &LRU_MARKER))?;
    Ok(c)
}

/// The least recently used element's value, which becomes the most recently used; NULL when
/// the cache is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_lru_cache_use_lru_element(cache: *mut aws_cache) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: the caller lends an LRU cache.
        let c = unsafe { lru_arg(cache) }?;
        if ptr::eq(c.table.list.head.next, &c.table.list.tail) {
            return Ok(ptr::null_mut());
        }
        let node = least_recent(c).cast_mut();
        // SAFETY: the front of a non-empty list is a table node.
        let value = unsafe { (*node).value };
        unsafe { aws_linked_hash_table_move_node_to_end_of_list(&mut c.table, node) };
        Ok(value)
    })
}

/// The most recently used element's value; NULL when the cache is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_lru_cache_get_mru_element(cache: *const aws_cache) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: the caller lends an LRU cache.
        let c = unsafe { lru_arg(cache) }?;
        let back = c.table.list.tail.prev;
        if ptr::eq(back, &c.table.list.head) {
            return Ok(ptr::null_mut());
        }
        // SAFETY: the back of a non-empty list is a table node.
        Ok(unsafe { (*table_node(back)).value })
    })
}

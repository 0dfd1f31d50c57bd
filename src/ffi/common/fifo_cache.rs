//! `aws/common/fifo_cache.h`: the first-in-first-out cache: when full, the oldest element
//! (the front of the list) is evicted. Lookups do not change the order.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::cache::{
    aws_cache, aws_cache_base_default_find, aws_cache_vtable, new_cache, put_and_evict, table_node,
};
use crate::ffi::common::hash_table::{
    aws_hash_callback_destroy_fn, aws_hash_callback_eq_fn, aws_hash_fn,
};
use crate::ffi::common::linked_hash_table::aws_linked_hash_table_node;
use crate::ffi::guard;
use std::ffi::{c_int, c_void};
use std::ptr;

/// The FIFO cache's operations.
static FIFO_VTABLE: aws_cache_vtable =
    aws_cache_vtable::with_put(fifo_put, aws_cache_base_default_find);

/// The oldest element: the front of the list.
fn oldest(c: &aws_cache) -> *const aws_linked_hash_table_node {
    table_node(c.table.list.head.next)
}

unsafe extern "C" fn fifo_put(
    cache: *mut aws_cache,
    key: *const c_void,
    p_value: *mut c_void,
) -> c_int {
    // SAFETY: the cache functions lend a FIFO cache.
    guard::op(|| unsafe { put_and_evict(cache, key, p_value, oldest) })
}

/// Makes a FIFO cache of at most `max_items` (not 0) elements; the other arguments mean what
/// they mean for `aws_hash_table_init`. NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cache_new_fifo(
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
            &FIFO_VTABLE,
            ptr::null_mut(),
        )
    })
}

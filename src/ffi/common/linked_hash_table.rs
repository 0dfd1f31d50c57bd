//! `aws/common/linked_hash_table.h`: upstream's hash table that also keeps its elements in a
//! linked list, in insertion order (or the order `move_node_to_end_of_list` makes), which the
//! program walks through `aws_linked_hash_table_get_iteration_list`: each list node is the
//! `node` of an `aws_linked_hash_table_node` holding the key and value.
//!
//! As upstream: the hash table maps each key to its node (allocated from the table's allocator);
//! the hash table's value destroy callback (`destroy_node` here) runs the program's value destroy,
//! unlinks and frees the node. A table must not be moved while it holds elements (its list's
//! sentinels and the nodes' `table` pointers point into it).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a table was set up by `aws_linked_hash_table_init`.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error_info::status;
use crate::ffi::common::hash_table::{
    aws_hash_callback_destroy_fn, aws_hash_callback_eq_fn, aws_hash_fn, aws_hash_table,
    aws_hash_table_clean_up, aws_hash_table_clear, aws_hash_table_init, state, state_mut,
};
use crate::ffi::common::linked_list::{self, aws_linked_list, aws_linked_list_node};
use crate::ffi::guard::{self, Result, require};
use std::ffi::{c_int, c_void};
use std::ptr;

/// The table (upstream's `struct aws_linked_hash_table`).
#[repr(C)]
pub struct aws_linked_hash_table {
    /// Where the nodes come from.
    pub allocator: *mut aws_allocator,
    /// The nodes, oldest (or least recently moved) first.
    pub list: aws_linked_list,
    /// Key to node.
    pub table: aws_hash_table,
    /// The program's value destroy callback.
    pub user_on_value_destroy: Option<aws_hash_callback_destroy_fn>,
    /// The program's key destroy callback.
    pub user_on_key_destroy: Option<aws_hash_callback_destroy_fn>,
}

/// One element, linked in the table's list (upstream's `struct aws_linked_hash_table_node`).
#[repr(C)]
pub struct aws_linked_hash_table_node {
    /// The link in the table's list.
    pub node: aws_linked_list_node,
    /// The table the element is in.
    pub table: *mut aws_linked_hash_table,
    /// The key.
    pub key: *const c_void,
    /// The value.
    pub value: *mut c_void,
}

/// The hash table's value destroy callback: runs the program's value destroy on the node's
/// value, unlinks the node and frees it.
unsafe extern "C" fn destroy_node(value: *mut c_void) {
    guard::guard((), || {
        // SAFETY: the hash table's values are the nodes this file allocated.
        unsafe { free_node(value.cast()) };
        Ok(())
    })
}

/// See [`destroy_node`].
///
/// # Safety
/// `node` is a live node of a live table.
unsafe fn free_node(node: *mut aws_linked_hash_table_node) {
    // SAFETY: forwarded caller contract.
    unsafe {
        let table = &*(*node).table;
        if let Some(destroy) = table.user_on_value_destroy {
            destroy((*node).value);
        }
        let _ = linked_list::remove(&mut (*node).node);
        allocator::release(table.allocator, node.cast());
    }
}

/// The table a caller lent, checked to be set up.
///
/// # Safety
/// A non-NULL `table` must point to a valid table.
unsafe fn table_arg<'a>(
    table: *const aws_linked_hash_table,
) -> Result<&'a mut aws_linked_hash_table> {
    // SAFETY: forwarded caller contract.
    let t = unsafe { guard::mutable(table.cast_mut()) }?;
    unsafe { state(&t.table) }?;
    Ok(t)
}

/// The node `key` maps to, if any.
///
/// # Safety
/// `t` is set up.
unsafe fn node_of(
    t: &aws_linked_hash_table,
    key: *const c_void,
) -> Result<*mut aws_linked_hash_table_node> {
    // SAFETY: forwarded caller contract.
    let s = unsafe { state(&t.table) }?;
    Ok(s.find(key)
        .map_or(ptr::null_mut(), |i| s.elements[i].value.cast()))
}

/// Sets up an empty table; the arguments mean what they mean for `aws_hash_table_init`, and
/// `initial_item_count` elements fit before the hash table grows.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_init(
    table: *mut aws_linked_hash_table,
    allocator: *mut aws_allocator,
    hash_fn: Option<aws_hash_fn>,
    equals_fn: Option<aws_hash_callback_eq_fn>,
    destroy_key_fn: Option<aws_hash_callback_destroy_fn>,
    destroy_value_fn: Option<aws_hash_callback_destroy_fn>,
    initial_item_count: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table to set up and an allocator.
        let t = unsafe { guard::mutable(table) }?;
        unsafe { allocator::checked(allocator) }?;
        t.allocator = allocator;
        t.user_on_value_destroy = destroy_value_fn;
        t.user_on_key_destroy = destroy_key_fn;
        linked_list::init(&mut t.list);
        let destroy: aws_hash_callback_destroy_fn = destroy_node;
        status(unsafe {
            aws_hash_table_init(
                &mut t.table,
                allocator,
                initial_item_count,
                hash_fn,
                equals_fn,
                destroy_key_fn,
                Some(destroy),
            )
        })
    })
}

/// Destroys every element, frees the table's memory and zeroes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_clean_up(table: *mut aws_linked_hash_table) {
    guard::guard((), || {
        // SAFETY: the caller lends a table.
        let t = unsafe { guard::mutable(table) }?;
        unsafe { aws_hash_table_clean_up(&mut t.table) };
        // SAFETY: all-zero is the cleaned-up table.
        *t = unsafe { std::mem::zeroed() };
        Ok(())
    })
}

/// Sets `*p_value` to `key`'s value, or NULL when there is none; succeeds either way.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_find(
    table: *mut aws_linked_hash_table,
    key: *const c_void,
    p_value: *mut *mut c_void,
) -> c_int {
    // SAFETY: the caller lends a table and a pointer to set.
    guard::op(|| unsafe { find(table, key, p_value, false) })
}

/// [`aws_linked_hash_table_find`], and a found element moves to the end of the list (the most
/// recently used, for an LRU cache).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_find_and_move_to_back(
    table: *mut aws_linked_hash_table,
    key: *const c_void,
    p_value: *mut *mut c_void,
) -> c_int {
    // SAFETY: as above.
    guard::op(|| unsafe { find(table, key, p_value, true) })
}

/// Both finds.
///
/// # Safety
/// As for the exported functions.
unsafe fn find(
    table: *mut aws_linked_hash_table,
    key: *const c_void,
    p_value: *mut *mut c_void,
    to_back: bool,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let t = unsafe { table_arg(table) }?;
    let out = unsafe { guard::mutable(p_value) }?;
    let node = unsafe { node_of(t, key) }?;
    *out = ptr::null_mut();
    if let Some(n) = unsafe { node.as_mut() } {
        *out = n.value;
        if to_back {
            unsafe { move_to_back(t, n) }?;
        }
    }
    Ok(())
}

/// Moves `node` to the end of `t`'s list.
///
/// # Safety
/// `node` is linked in `t`'s list.
unsafe fn move_to_back(
    t: &mut aws_linked_hash_table,
    node: &mut aws_linked_hash_table_node,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    unsafe {
        linked_list::remove(&mut node.node)?;
        linked_list::insert_before(&mut t.list.tail, &mut node.node)
    }
}

/// Sets `key`'s value, as the newest element (at the end of the list). An element with an
/// equal key is replaced: its value destroyed, and its key too when it is another pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_put(
    table: *mut aws_linked_hash_table,
    key: *const c_void,
    p_value: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table.
        let t = unsafe { table_arg(table) }?;
        let t_ptr: *mut aws_linked_hash_table = t;
        let node =
            unsafe { allocator::acquire(t.allocator, size_of::<aws_linked_hash_table_node>()) }?
                .as_ptr()
                .cast::<aws_linked_hash_table_node>();
        let s = unsafe { state_mut(&mut t.table) }?;
        let at = match s.find_or_create(key) {
            Ok((at, _)) => at,
            Err(e) => {
                // SAFETY: the node was never linked or shared.
                unsafe { allocator::release(t.allocator, node.cast()) };
                return Err(e);
            }
        };
        let old = s.elements[at];
        if !old.value.is_null() {
            // SAFETY: an existing element's value is its node.
            unsafe { free_node(old.value.cast()) };
            if let (Some(destroy), true) = (t.user_on_key_destroy, old.key != key) {
                // SAFETY: the program's key destroy, on the key it put in.
                unsafe { destroy(old.key.cast_mut()) };
            }
        }
        // SAFETY: the node is fresh and ours; the element is the table's.
        unsafe {
            node.write(aws_linked_hash_table_node {
                node: aws_linked_list_node::UNLINKED,
                table: t_ptr,
                key,
                value: p_value,
            });
            s.elements[at].key = key;
            s.elements[at].value = node.cast();
            linked_list::insert_before(&mut (*t_ptr).list.tail, &mut (*node).node)
        }
    })
}

/// Removes `key`'s element (destroying its key and value); succeeds whether or not it was there.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_remove(
    table: *mut aws_linked_hash_table,
    key: *const c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a table.
        let t = unsafe { table_arg(table) }?;
        let s = unsafe { state_mut(&mut t.table) }?;
        if let Some(at) = s.find(key) {
            let element = s.remove_at(at);
            s.destroy(element);
        }
        Ok(())
    })
}

/// Destroys every element; the table stays set up, empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_clear(table: *mut aws_linked_hash_table) {
    guard::guard((), || {
        // SAFETY: the caller lends a table.
        let t = unsafe { table_arg(table) }?;
        unsafe { aws_hash_table_clear(&mut t.table) };
        Ok(())
    })
}

/// How many elements the table holds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_get_element_count(
    table: *const aws_linked_hash_table,
) -> usize {
    guard::guard(0, || {
        // SAFETY: the caller lends a table.
        let t = unsafe { table_arg(table) }?;
        Ok(unsafe { state(&t.table) }?.elements.len())
    })
}

/// Moves `node` (one of the table's) to the end of the list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_move_node_to_end_of_list(
    table: *mut aws_linked_hash_table,
    node: *mut aws_linked_hash_table_node,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a table and one of its nodes.
        let t = unsafe { table_arg(table) }?;
        let n = unsafe { guard::mutable(node) }?;
        require(ptr::eq(n.table, t))?;
        unsafe { move_to_back(t, n) }
    })
}

/// The list of the table's nodes, oldest first, for iterating: each `aws_linked_list_node` is
/// the `node` of an `aws_linked_hash_table_node`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_hash_table_get_iteration_list(
    table: *const aws_linked_hash_table,
) -> *const aws_linked_list {
    // SAFETY: the caller lends a table.
    guard::guard(ptr::null(), || {
        Ok(ptr::from_ref(&unsafe { table_arg(table) }?.list))
    })
}

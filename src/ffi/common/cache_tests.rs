//! Tests of `aws/common/linked_hash_table.h` and the caches (`cache.h`, `fifo_cache.h`,
//! `lifo_cache.h`, `lru_cache.h`): iteration order, replacement destroying the old element,
//! and which element each kind of cache evicts.

use super::cache::*;
use super::fifo_cache::aws_cache_new_fifo;
use super::hash_functions::{aws_hash_compare_uint64_t_eq, aws_hash_uint64_t_by_identity};
use super::lifo_cache::aws_cache_new_lifo;
use super::linked_hash_table::*;
use super::lru_cache::{
    aws_cache_new_lru, aws_lru_cache_get_mru_element, aws_lru_cache_use_lru_element,
};
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::linked_list::aws_linked_list_node;
use crate::ffi::guard::{self, OP_SUCCESS};
use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr;

thread_local! {
    static DESTROYED_VALUES: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn record_value(v: *mut c_void) {
    DESTROYED_VALUES.with(|d| d.borrow_mut().push(v as usize));
}

fn destroyed() -> Vec<usize> {
    DESTROYED_VALUES.with(|d| std::mem::take(&mut *d.borrow_mut()))
}

/// Keys for the tests: stable addresses of the numbers 0..16.
static KEYS: [u64; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

fn k(i: usize) -> *const c_void {
    ptr::from_ref(&KEYS[i]).cast()
}

fn values_in_order(t: &aws_linked_hash_table) -> Vec<usize> {
    let mut out = Vec::new();
    unsafe {
        let list = aws_linked_hash_table_get_iteration_list(t);
        let mut at: *const aws_linked_list_node = (*list).head.next;
        while !ptr::eq(at, &(*list).tail) {
            out.push((*at.cast::<aws_linked_hash_table_node>()).value as usize);
            at = (*at).next;
        }
    }
    out
}

#[test]
fn a_linked_hash_table_keeps_insertion_order_and_moves_on_access() {
    let mut t = Box::new(unsafe { std::mem::zeroed::<aws_linked_hash_table>() });
    unsafe {
        let rc = aws_linked_hash_table_init(
            &mut *t,
            aws_default_allocator(),
            Some(aws_hash_uint64_t_by_identity),
            Some(aws_hash_compare_uint64_t_eq),
            None,
            Some(record_value),
            2,
        );
        assert_eq!(rc, OP_SUCCESS);
        for i in 1..=4 {
            assert_eq!(
                aws_linked_hash_table_put(&mut *t, k(i), i as *mut c_void),
                OP_SUCCESS
            );
        }
        assert_eq!(values_in_order(&t), [1, 2, 3, 4]);
        let mut v: *mut c_void = ptr::null_mut();
        assert_eq!(
            aws_linked_hash_table_find(&mut *t, k(2), &mut v),
            OP_SUCCESS
        );
        assert_eq!(v as usize, 2);
        assert_eq!(values_in_order(&t), [1, 2, 3, 4]);
        assert_eq!(
            aws_linked_hash_table_find_and_move_to_back(&mut *t, k(2), &mut v),
            OP_SUCCESS
        );
        assert_eq!(values_in_order(&t), [1, 3, 4, 2]);
        assert_eq!(
            aws_linked_hash_table_find(&mut *t, k(9), &mut v),
            OP_SUCCESS
        );
        assert!(v.is_null());
        // Replacing destroys the old value and puts the element at the back.
        assert_eq!(
            aws_linked_hash_table_put(&mut *t, k(1), 10 as *mut c_void),
            OP_SUCCESS
        );
        assert_eq!(destroyed(), [1]);
        assert_eq!(values_in_order(&t), [3, 4, 2, 10]);
        assert_eq!(aws_linked_hash_table_remove(&mut *t, k(4)), OP_SUCCESS);
        assert_eq!(destroyed(), [4]);
        assert_eq!(aws_linked_hash_table_get_element_count(&*t), 3);
        aws_linked_hash_table_clear(&mut *t);
        assert_eq!(destroyed().len(), 3);
        assert!(values_in_order(&t).is_empty());
        aws_linked_hash_table_put(&mut *t, k(5), 5 as *mut c_void);
        aws_linked_hash_table_clean_up(&mut *t);
        assert_eq!(destroyed(), [5]);
    }
}

type NewCache = unsafe extern "C" fn(
    *mut crate::ffi::common::allocator::aws_allocator,
    Option<crate::ffi::common::hash_table::aws_hash_fn>,
    Option<crate::ffi::common::hash_table::aws_hash_callback_eq_fn>,
    Option<crate::ffi::common::hash_table::aws_hash_callback_destroy_fn>,
    Option<crate::ffi::common::hash_table::aws_hash_callback_destroy_fn>,
    usize,
) -> *mut aws_cache;

fn new_cache(make: NewCache, max: usize) -> *mut aws_cache {
    let c = unsafe {
        make(
            aws_default_allocator(),
            Some(aws_hash_uint64_t_by_identity),
            Some(aws_hash_compare_uint64_t_eq),
            None,
            Some(record_value),
            max,
        )
    };
    assert!(!c.is_null());
    c
}

fn cached(c: *mut aws_cache, i: usize) -> Option<usize> {
    let mut v: *mut c_void = ptr::null_mut();
    assert_eq!(unsafe { aws_cache_find(c, k(i), &mut v) }, OP_SUCCESS);
    (!v.is_null()).then_some(v as usize)
}

#[test]
fn a_fifo_cache_evicts_the_oldest() {
    let c = new_cache(aws_cache_new_fifo, 3);
    unsafe {
        for i in 1..=3 {
            aws_cache_put(c, k(i), i as *mut c_void);
        }
        assert_eq!(cached(c, 1), Some(1));
        aws_cache_put(c, k(4), 4 as *mut c_void);
        assert_eq!(destroyed(), [1]);
        assert_eq!(cached(c, 1), None);
        assert_eq!(aws_cache_get_element_count(c), 3);
        aws_cache_destroy(c);
        assert_eq!(destroyed().len(), 3);
    }
}

#[test]
fn a_lifo_cache_evicts_the_newest_before_the_new_one() {
    let c = new_cache(aws_cache_new_lifo, 3);
    unsafe {
        for i in 1..=4 {
            aws_cache_put(c, k(i), i as *mut c_void);
        }
        assert_eq!(destroyed(), [3]);
        assert_eq!(
            (cached(c, 1), cached(c, 2), cached(c, 4)),
            (Some(1), Some(2), Some(4))
        );
        aws_cache_remove(c, k(2));
        aws_cache_clear(c);
        assert_eq!(aws_cache_get_element_count(c), 0);
        destroyed();
        aws_cache_destroy(c);
    }
}

#[test]
fn an_lru_cache_evicts_the_least_recently_used() {
    let c = new_cache(aws_cache_new_lru, 3);
    unsafe {
        assert!(aws_lru_cache_get_mru_element(c).is_null());
        assert!(aws_lru_cache_use_lru_element(c).is_null());
        for i in 1..=3 {
            aws_cache_put(c, k(i), i as *mut c_void);
        }
        assert_eq!(cached(c, 1), Some(1));
        assert_eq!(aws_lru_cache_get_mru_element(c) as usize, 1);
        aws_cache_put(c, k(4), 4 as *mut c_void);
        assert_eq!(destroyed(), [2]);
        // 3 is now the least recently used; using it makes it the most recent.
        assert_eq!(aws_lru_cache_use_lru_element(c) as usize, 3);
        assert_eq!(aws_lru_cache_get_mru_element(c) as usize, 3);
        aws_cache_put(c, k(5), 5 as *mut c_void);
        assert_eq!(destroyed(), [1]);
        aws_cache_destroy(c);
        destroyed();
    }
}

#[test]
fn lru_calls_refuse_other_caches_and_zero_max_items_is_refused() {
    let c = new_cache(aws_cache_new_fifo, 1);
    unsafe {
        assert!(aws_lru_cache_use_lru_element(c).is_null());
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        aws_cache_destroy(c);
        let none = aws_cache_new_lru(
            aws_default_allocator(),
            Some(aws_hash_uint64_t_by_identity),
            Some(aws_hash_compare_uint64_t_eq),
            None,
            None,
            0,
        );
        assert!(none.is_null());
        assert_eq!(aws_cache_get_element_count(ptr::null()), 0);
    }
}

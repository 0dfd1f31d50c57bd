//! Tests of `aws/common/hash_table.h`, pinned to upstream's documented behaviour: what each call
//! reports (`was_created`, `was_present`), when the destroy callbacks run, iteration with
//! deletion visiting every element once, `foreach`'s answers, and the NULL-key rules.

use super::hash_functions::*;
use super::hash_table::*;
use super::hash_table_iter::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNKNOWN;
use crate::ffi::common::error::{aws_last_error, aws_reset_error, raise};
use crate::ffi::common::string::aws_string_new_from_c_str;
use crate::ffi::guard::{self, OP_ERR, OP_SUCCESS};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::ffi::{c_int, c_void};
use std::ptr;

thread_local! {
    /// What the destroy callbacks were given, in order: (is_key, the pointer as a number).
    static DESTROYED: RefCell<Vec<(bool, usize)>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn destroy_key(k: *mut c_void) {
    DESTROYED.with(|d| d.borrow_mut().push((true, k as usize)));
}

unsafe extern "C" fn destroy_value(v: *mut c_void) {
    DESTROYED.with(|d| d.borrow_mut().push((false, v as usize)));
}

fn destroyed() -> Vec<(bool, usize)> {
    DESTROYED.with(|d| std::mem::take(&mut *d.borrow_mut()))
}

/// A table of u64 keys (pointers to them), with the destroy recorders.
fn u64_table() -> aws_hash_table {
    let mut map = aws_hash_table {
        p_impl: ptr::null_mut(),
    };
    let rc = unsafe {
        aws_hash_table_init(
            &mut map,
            aws_default_allocator(),
            4,
            Some(aws_hash_uint64_t_by_identity),
            Some(aws_hash_compare_uint64_t_eq),
            Some(destroy_key),
            Some(destroy_value),
        )
    };
    assert_eq!(rc, OP_SUCCESS);
    destroyed();
    map
}

fn key(k: &u64) -> *const c_void {
    ptr::from_ref(k).cast()
}

fn val(v: usize) -> *mut c_void {
    v as *mut c_void
}

fn lookup(map: &aws_hash_table, k: &u64) -> Option<usize> {
    let mut e: *mut aws_hash_element = ptr::null_mut();
    assert_eq!(
        unsafe { aws_hash_table_find(map, key(k), &mut e) },
        OP_SUCCESS
    );
    unsafe { e.as_ref() }.map(|e| e.value as usize)
}

#[test]
fn put_find_and_replace_report_and_destroy_as_upstream() {
    let mut map = u64_table();
    let (k1, k1_again, k2) = (1u64, 1u64, 2u64);
    let mut created = -1;
    unsafe {
        assert_eq!(
            aws_hash_table_put(&mut map, key(&k1), val(10), &mut created),
            OP_SUCCESS
        );
        assert_eq!(created, 1);
        assert_eq!(
            aws_hash_table_put(&mut map, key(&k2), val(20), ptr::null_mut()),
            OP_SUCCESS
        );
        assert_eq!(lookup(&map, &1), Some(10));
        assert_eq!(lookup(&map, &3), None);
        // The same key pointer: only the old value is destroyed.
        assert_eq!(
            aws_hash_table_put(&mut map, key(&k1), val(11), &mut created),
            OP_SUCCESS
        );
        assert_eq!(created, 0);
        assert_eq!(destroyed(), [(false, 10)]);
        // An equal key at another address: the old key is destroyed too.
        assert_eq!(
            aws_hash_table_put(&mut map, key(&k1_again), val(12), &mut created),
            OP_SUCCESS
        );
        assert_eq!(destroyed(), [(true, key(&k1) as usize), (false, 11)]);
        assert_eq!(aws_hash_table_get_entry_count(&map), 2);
        aws_hash_table_clean_up(&mut map);
        assert!(map.p_impl.is_null());
        let mut gone = destroyed();
        gone.sort();
        assert_eq!(gone.len(), 4);
        // Idempotent.
        aws_hash_table_clean_up(&mut map);
    }
}

#[test]
fn create_makes_a_null_valued_element_once() {
    let mut map = u64_table();
    let k = 5u64;
    let mut e: *mut aws_hash_element = ptr::null_mut();
    let mut created = -1;
    unsafe {
        assert_eq!(
            aws_hash_table_create(&mut map, key(&k), &mut e, &mut created),
            OP_SUCCESS
        );
        assert_eq!(created, 1);
        assert!((*e).value.is_null());
        (*e).value = val(55);
        assert_eq!(
            aws_hash_table_create(&mut map, key(&k), &mut e, &mut created),
            OP_SUCCESS
        );
        assert_eq!(created, 0);
        assert_eq!((*e).value as usize, 55);
        assert_eq!(lookup(&map, &5), Some(55));
        aws_hash_table_clean_up(&mut map);
    }
}

#[test]
fn remove_hands_over_or_destroys() {
    let mut map = u64_table();
    let keys = [1u64, 2, 3];
    unsafe {
        for (i, k) in keys.iter().enumerate() {
            aws_hash_table_put(&mut map, key(k), val(i + 100), ptr::null_mut());
        }
        let mut out = aws_hash_element::NONE;
        let mut present = -1;
        assert_eq!(
            aws_hash_table_remove(&mut map, key(&2), &mut out, &mut present),
            OP_SUCCESS
        );
        assert_eq!((present, out.value as usize), (1, 101));
        assert!(destroyed().is_empty());
        assert_eq!(
            aws_hash_table_remove(&mut map, key(&1), ptr::null_mut(), &mut present),
            OP_SUCCESS
        );
        assert_eq!(destroyed(), [(true, key(&keys[0]) as usize), (false, 100)]);
        assert_eq!(
            aws_hash_table_remove(&mut map, key(&9), ptr::null_mut(), &mut present),
            OP_SUCCESS
        );
        assert_eq!(present, 0);
        // The survivor is still found after the others moved.
        assert_eq!(lookup(&map, &3), Some(102));
        let mut e: *mut aws_hash_element = ptr::null_mut();
        aws_hash_table_find(&map, key(&3), &mut e);
        assert_eq!(aws_hash_table_remove_element(&mut map, e), OP_SUCCESS);
        assert!(destroyed().is_empty());
        assert_eq!(aws_hash_table_get_entry_count(&map), 0);
        let bogus = 0x10 as *mut aws_hash_element;
        assert_eq!(aws_hash_table_remove_element(&mut map, bogus), OP_ERR);
        aws_hash_table_clean_up(&mut map);
    }
}

#[test]
fn many_keys_survive_growth_and_removal() {
    let mut map = u64_table();
    let keys: Vec<u64> = (0..1000).collect();
    unsafe {
        for k in &keys {
            aws_hash_table_put(&mut map, key(k), val(*k as usize + 1), ptr::null_mut());
        }
        for k in keys.iter().step_by(3) {
            aws_hash_table_remove(&mut map, key(k), ptr::null_mut(), ptr::null_mut());
        }
        for k in &keys {
            let want = (k % 3 != 0).then_some(*k as usize + 1);
            assert_eq!(lookup(&map, k), want, "key {k}");
        }
        aws_hash_table_clear(&mut map);
        assert_eq!(aws_hash_table_get_entry_count(&map), 0);
        assert!(aws_hash_table_is_valid(&map));
        aws_hash_table_clean_up(&mut map);
    }
}

#[test]
fn iteration_with_deletion_visits_each_element_once() {
    let mut map = u64_table();
    let keys: Vec<u64> = (0..50).collect();
    let mut seen = BTreeSet::new();
    unsafe {
        for k in &keys {
            aws_hash_table_put(&mut map, key(k), val(*k as usize), ptr::null_mut());
        }
        let mut iter = aws_hash_iter_begin(&map);
        while !aws_hash_iter_done(&iter) {
            assert!(aws_hash_iter_is_valid(&iter));
            let v = iter.element.value as usize;
            assert!(seen.insert(v), "{v} visited twice");
            if v % 2 == 0 {
                aws_hash_iter_delete(&mut iter, true);
                assert!(aws_hash_iter_is_valid(&iter));
            }
            aws_hash_iter_next(&mut iter);
        }
        assert_eq!(iter.status, aws_hash_iter_status::AWS_HASH_ITER_STATUS_DONE);
        // Next on a done iterator stays done.
        aws_hash_iter_next(&mut iter);
        assert!(aws_hash_iter_done(&iter));
        assert_eq!(seen.len(), 50);
        assert_eq!(aws_hash_table_get_entry_count(&map), 25);
        assert_eq!(destroyed().len(), 50);
        aws_hash_table_clean_up(&mut map);
    }
}

#[test]
fn an_empty_table_iterates_nothing() {
    let mut map = u64_table();
    unsafe {
        let iter = aws_hash_iter_begin(&map);
        assert!(aws_hash_iter_done(&iter));
        assert!(iter.element.key.is_null());
        aws_hash_table_clean_up(&mut map);
    }
}

unsafe extern "C" fn delete_odd_stop_at_seven(ctx: *mut c_void, e: *mut aws_hash_element) -> c_int {
    let v = unsafe { (*e).value } as usize;
    unsafe { *ctx.cast::<usize>() += 1 };
    if v == 7 {
        return 0;
    }
    let mut answer = AWS_COMMON_HASH_TABLE_ITER_CONTINUE;
    if v % 2 == 1 {
        answer |= AWS_COMMON_HASH_TABLE_ITER_DELETE;
    }
    answer
}

unsafe extern "C" fn fail_silently(_: *mut c_void, _: *mut aws_hash_element) -> c_int {
    AWS_COMMON_HASH_TABLE_ITER_ERROR
}

unsafe extern "C" fn fail_with_oom(_: *mut c_void, _: *mut aws_hash_element) -> c_int {
    raise(crate::ffi::common::error::aws_common_error::AWS_ERROR_OOM as c_int);
    AWS_COMMON_HASH_TABLE_ITER_ERROR
}

#[test]
fn foreach_deletes_without_destroying_and_stops_when_asked() {
    let mut map = u64_table();
    let keys: Vec<u64> = (0..6).collect();
    let mut calls = 0usize;
    unsafe {
        for k in &keys {
            aws_hash_table_put(&mut map, key(k), val(*k as usize), ptr::null_mut());
        }
        let ctx = ptr::from_mut(&mut calls).cast();
        assert_eq!(
            aws_hash_table_foreach(&mut map, Some(delete_odd_stop_at_seven), ctx),
            OP_SUCCESS
        );
        assert_eq!(calls, 6);
        assert_eq!(aws_hash_table_get_entry_count(&map), 3);
        assert!(destroyed().is_empty());
        let seven = 7u64;
        aws_hash_table_put(&mut map, key(&seven), val(7), ptr::null_mut());
        aws_reset_error();
        assert_eq!(
            aws_hash_table_foreach(&mut map, Some(fail_silently), ptr::null_mut()),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_UNKNOWN as c_int);
        assert_eq!(
            aws_hash_table_foreach(&mut map, Some(fail_with_oom), ptr::null_mut()),
            OP_ERR
        );
        assert_eq!(
            aws_last_error(),
            crate::ffi::common::error::aws_common_error::AWS_ERROR_OOM as c_int
        );
        aws_hash_table_clean_up(&mut map);
    }
}

#[test]
fn eq_compares_keys_and_values() {
    let (mut a, mut b) = (u64_table(), u64_table());
    let keys = [1u64, 2];
    let other_keys = [2u64, 1];
    let (x, y) = (5u64, 5u64);
    unsafe {
        aws_hash_table_put(
            &mut a,
            key(&keys[0]),
            ptr::from_ref(&x).cast_mut().cast(),
            ptr::null_mut(),
        );
        aws_hash_table_put(&mut a, key(&keys[1]), ptr::null_mut(), ptr::null_mut());
        aws_hash_table_put(
            &mut b,
            key(&other_keys[0]),
            ptr::null_mut(),
            ptr::null_mut(),
        );
        aws_hash_table_put(
            &mut b,
            key(&other_keys[1]),
            ptr::from_ref(&y).cast_mut().cast(),
            ptr::null_mut(),
        );
        assert!(aws_hash_table_eq(
            &a,
            &b,
            Some(aws_hash_compare_uint64_t_eq)
        ));
        assert!(!aws_hash_table_eq(&a, &b, Some(aws_ptr_eq)));
        aws_hash_table_remove(&mut b, key(&2), ptr::null_mut(), ptr::null_mut());
        assert!(!aws_hash_table_eq(
            &a,
            &b,
            Some(aws_hash_compare_uint64_t_eq)
        ));
        aws_hash_table_clean_up(&mut a);
        aws_hash_table_clean_up(&mut b);
    }
}

#[test]
fn a_null_key_is_a_key_of_its_own() {
    let mut map = u64_table();
    let k = 0u64;
    unsafe {
        aws_hash_table_put(&mut map, ptr::null(), val(1), ptr::null_mut());
        aws_hash_table_put(&mut map, key(&k), val(2), ptr::null_mut());
        let mut e: *mut aws_hash_element = ptr::null_mut();
        aws_hash_table_find(&map, ptr::null(), &mut e);
        assert_eq!((*e).value as usize, 1);
        assert_eq!(lookup(&map, &0), Some(2));
        aws_hash_table_clean_up(&mut map);
    }
}

#[test]
fn swap_and_move_exchange_whole_tables() {
    let mut a = u64_table();
    let mut b = aws_hash_table {
        p_impl: ptr::null_mut(),
    };
    let k = 1u64;
    unsafe {
        aws_hash_table_put(&mut a, key(&k), val(1), ptr::null_mut());
        aws_hash_table_swap(&mut a, &mut b);
        assert!(a.p_impl.is_null());
        assert_eq!(lookup(&b, &1), Some(1));
        aws_hash_table_move(&mut a, &mut b);
        assert!(b.p_impl.is_null() && !aws_hash_table_is_valid(&b));
        assert_eq!(lookup(&a, &1), Some(1));
        aws_hash_table_clean_up(&mut a);
    }
}

#[test]
fn string_cursor_and_c_string_hashes_agree() {
    let text = c"topic/a";
    let cursor = aws_byte_cursor {
        len: 7,
        ptr: text.as_ptr().cast_mut().cast(),
    };
    unsafe {
        let s = aws_string_new_from_c_str(aws_default_allocator(), text.as_ptr());
        let h = aws_hash_c_string(text.as_ptr().cast());
        assert_eq!(aws_hash_string(s.cast()), h);
        assert_eq!(aws_hash_byte_cursor_ptr(ptr::from_ref(&cursor).cast()), h);
        assert_ne!(aws_hash_c_string(c"topic/b".as_ptr().cast()), h);
        assert!(aws_hash_callback_string_eq(s.cast(), s.cast()));
        assert!(aws_hash_callback_c_str_eq(
            text.as_ptr().cast(),
            c"topic/a".as_ptr().cast()
        ));
        assert!(!aws_hash_callback_c_str_eq(
            text.as_ptr().cast(),
            c"topic".as_ptr().cast()
        ));
        aws_hash_callback_string_destroy(s.cast());
    }
    assert_eq!(aws_hash_ptr(ptr::null()), aws_hash_ptr(ptr::null()));
    assert_ne!(aws_hash_combine(1, 2), aws_hash_combine(2, 1));
    let v = 77u64;
    assert_eq!(unsafe { aws_hash_uint64_t_by_identity(key(&v)) }, 77);
}

#[test]
fn misuse_is_an_invalid_argument() {
    let invalid = guard::INVALID_ARGUMENT.0;
    let mut zeroed = aws_hash_table {
        p_impl: ptr::null_mut(),
    };
    let mut e: *mut aws_hash_element = ptr::null_mut();
    unsafe {
        assert_eq!(aws_hash_table_find(&zeroed, ptr::null(), &mut e), OP_ERR);
        assert_eq!(aws_last_error(), invalid);
        assert_eq!(
            aws_hash_table_put(&mut zeroed, ptr::null(), ptr::null_mut(), ptr::null_mut()),
            OP_ERR
        );
        let rc = aws_hash_table_init(
            &mut zeroed,
            aws_default_allocator(),
            0,
            None,
            Some(aws_ptr_eq),
            None,
            None,
        );
        assert_eq!(rc, OP_ERR);
        assert!(zeroed.p_impl.is_null());
        let iter = aws_hash_iter_begin(ptr::null());
        assert!(aws_hash_iter_done(&iter));
        assert!(!aws_hash_table_is_valid(ptr::null()));
        assert_eq!(aws_hash_table_get_entry_count(&zeroed), 0);
    }
}

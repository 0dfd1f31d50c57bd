//! Tests of `aws/common/array_list.h`, pinned to upstream's documented behaviour: growth, the
//! fixed list's limits, the error code of each empty or out-of-range case.

use super::array_list::*;
use super::array_list_edit::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::aws_common_error::*;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, OP_ERR, OP_SUCCESS};
use std::ffi::{c_int, c_void};
use std::ptr;

fn p<T>(v: &T) -> *const c_void {
    ptr::from_ref(v).cast()
}

fn out<T>(v: &mut T) -> *mut c_void {
    ptr::from_mut(v).cast()
}

fn raised(code: impl Into<c_int>) {
    assert_eq!(aws_last_error(), code.into());
}

/// A dynamic list of u64 holding `items`.
fn list_of(items: &[u64]) -> aws_array_list {
    let mut list = aws_array_list::ZERO;
    unsafe {
        assert_eq!(
            aws_array_list_init_dynamic(&mut list, aws_default_allocator(), 0, 8),
            OP_SUCCESS
        );
        for i in items {
            assert_eq!(aws_array_list_push_back(&mut list, p(i)), OP_SUCCESS);
        }
    }
    list
}

fn items(list: &aws_array_list) -> Vec<u64> {
    (0..list.length)
        .map(|i| {
            let mut v = 0u64;
            assert_eq!(
                unsafe { aws_array_list_get_at(list, out(&mut v), i) },
                OP_SUCCESS
            );
            v
        })
        .collect()
}

#[test]
fn a_dynamic_list_with_no_initial_room_has_no_storage() {
    let mut list = list_of(&[]);
    assert!(list.data.is_null() && list.current_size == 0);
    unsafe {
        assert!(aws_array_list_is_valid(&list));
        assert_eq!(aws_array_list_capacity(&list), 0);
        aws_array_list_clean_up(&mut list);
    }
}

#[test]
fn a_dynamic_list_doubles_or_grows_to_the_index() {
    let mut list = list_of(&[1]);
    assert_eq!(list.current_size, 8);
    let v = 2u64;
    unsafe {
        assert_eq!(aws_array_list_push_back(&mut list, p(&v)), OP_SUCCESS);
        assert_eq!(aws_array_list_capacity(&list), 2);
        assert_eq!(aws_array_list_push_back(&mut list, p(&v)), OP_SUCCESS);
        assert_eq!(aws_array_list_capacity(&list), 4);
        // Far past the doubled size: exactly what the index needs.
        assert_eq!(aws_array_list_ensure_capacity(&mut list, 19), OP_SUCCESS);
        assert_eq!(aws_array_list_capacity(&list), 20);
        assert_eq!(items(&list), [1, 2, 2]);
        assert_eq!(
            aws_array_list_ensure_capacity(&mut list, usize::MAX),
            OP_ERR
        );
        raised(AWS_ERROR_OVERFLOW_DETECTED);
        aws_array_list_clean_up(&mut list);
    }
}

#[test]
fn set_at_past_the_end_extends_the_list() {
    let mut list = list_of(&[7]);
    let v = 9u64;
    unsafe {
        assert_eq!(aws_array_list_set_at(&mut list, p(&v), 3), OP_SUCCESS);
        assert_eq!(aws_array_list_length(&list), 4);
        let mut got = 0u64;
        assert_eq!(aws_array_list_get_at(&list, out(&mut got), 3), OP_SUCCESS);
        assert_eq!(got, 9);
        aws_array_list_clean_up(&mut list);
    }
}

#[test]
fn a_static_list_is_bounded_by_its_array() {
    let mut backing = [0u32; 2];
    let mut list = aws_array_list::ZERO;
    let v = 5u32;
    unsafe {
        aws_array_list_init_static(&mut list, backing.as_mut_ptr().cast(), 2, 4);
        assert_eq!(aws_array_list_length(&list), 0);
        assert_eq!(aws_array_list_push_back(&mut list, p(&v)), OP_SUCCESS);
        assert_eq!(aws_array_list_push_front(&mut list, p(&6u32)), OP_SUCCESS);
        assert_eq!(aws_array_list_push_back(&mut list, p(&v)), OP_ERR);
        raised(AWS_ERROR_LIST_EXCEEDS_MAX_SIZE);
        assert_eq!(aws_array_list_push_front(&mut list, p(&v)), OP_ERR);
        raised(AWS_ERROR_LIST_EXCEEDS_MAX_SIZE);
        assert_eq!(aws_array_list_set_at(&mut list, p(&v), 2), OP_ERR);
        raised(AWS_ERROR_INVALID_INDEX);
        assert_eq!(aws_array_list_ensure_capacity(&mut list, 2), OP_ERR);
        raised(AWS_ERROR_INVALID_INDEX);
        assert_eq!(aws_array_list_shrink_to_fit(&mut list), OP_ERR);
        raised(AWS_ERROR_LIST_STATIC_MODE_CANT_SHRINK);
        aws_array_list_clean_up(&mut list);
    }
    assert_eq!(backing, [6, 5]);
}

#[test]
fn a_static_list_from_initialized_items_holds_them_all() {
    let mut backing = [3u16, 4, 5];
    let mut list = aws_array_list::ZERO;
    unsafe {
        aws_array_list_init_static_from_initialized(&mut list, backing.as_mut_ptr().cast(), 3, 2);
        assert_eq!(aws_array_list_length(&list), 3);
        let mut last = 0u16;
        assert_eq!(aws_array_list_back(&list, out(&mut last)), OP_SUCCESS);
        assert_eq!(last, 5);
        aws_array_list_init_static(&mut list, ptr::null_mut(), 3, 2);
        raised(guard::INVALID_ARGUMENT.0);
        assert!(list.data.is_null());
        aws_array_list_init_static(&mut list, backing.as_mut_ptr().cast(), usize::MAX, 2);
        raised(guard::INVALID_ARGUMENT.0);
    }
}

#[test]
fn front_back_and_pops_of_an_empty_list_are_list_empty() {
    let mut list = list_of(&[]);
    let mut v = 0u64;
    unsafe {
        assert_eq!(aws_array_list_front(&list, out(&mut v)), OP_ERR);
        raised(AWS_ERROR_LIST_EMPTY);
        assert_eq!(aws_array_list_back(&list, out(&mut v)), OP_ERR);
        raised(AWS_ERROR_LIST_EMPTY);
        assert_eq!(aws_array_list_pop_front(&mut list), OP_ERR);
        raised(AWS_ERROR_LIST_EMPTY);
        assert_eq!(aws_array_list_pop_back(&mut list), OP_ERR);
        raised(AWS_ERROR_LIST_EMPTY);
        assert_eq!(aws_array_list_erase(&mut list, 0), OP_ERR);
        raised(AWS_ERROR_INVALID_INDEX);
        aws_array_list_clean_up(&mut list);
    }
}

#[test]
fn push_front_pop_front_and_pop_back_keep_the_order() {
    let mut list = list_of(&[2, 3]);
    unsafe {
        assert_eq!(aws_array_list_push_front(&mut list, p(&1u64)), OP_SUCCESS);
        assert_eq!(items(&list), [1, 2, 3]);
        assert_eq!(aws_array_list_pop_front(&mut list), OP_SUCCESS);
        assert_eq!(items(&list), [2, 3]);
        assert_eq!(aws_array_list_pop_back(&mut list), OP_SUCCESS);
        assert_eq!(items(&list), [2]);
        // The popped slot is zeroed, as upstream leaves it.
        assert_eq!(*list.data.cast::<u64>().add(1), 0);
        aws_array_list_clean_up(&mut list);
    }
}

#[test]
fn pop_front_n_removes_n_or_everything() {
    let mut list = list_of(&[1, 2, 3, 4]);
    unsafe {
        aws_array_list_pop_front_n(&mut list, 0);
        assert_eq!(items(&list), [1, 2, 3, 4]);
        aws_array_list_pop_front_n(&mut list, 3);
        assert_eq!(items(&list), [4]);
        aws_array_list_pop_front_n(&mut list, 9);
        assert_eq!(aws_array_list_length(&list), 0);
        assert_eq!(aws_array_list_capacity(&list), 4);
        aws_array_list_clean_up(&mut list);
    }
}

#[test]
fn erase_removes_front_middle_and_back() {
    let mut list = list_of(&[1, 2, 3, 4, 5]);
    unsafe {
        assert_eq!(aws_array_list_erase(&mut list, 2), OP_SUCCESS);
        assert_eq!(items(&list), [1, 2, 4, 5]);
        assert_eq!(aws_array_list_erase(&mut list, 0), OP_SUCCESS);
        assert_eq!(aws_array_list_erase(&mut list, 2), OP_SUCCESS);
        assert_eq!(items(&list), [2, 4]);
        assert_eq!(aws_array_list_erase(&mut list, 2), OP_ERR);
        raised(AWS_ERROR_INVALID_INDEX);
        aws_array_list_clean_up(&mut list);
    }
}

#[test]
fn clear_keeps_the_storage_and_shrink_gives_it_back() {
    let mut list = list_of(&[1, 2, 3]);
    unsafe {
        aws_array_list_clear(&mut list);
        assert_eq!(aws_array_list_length(&list), 0);
        assert_eq!(aws_array_list_capacity(&list), 4);
        assert_eq!(aws_array_list_push_back(&mut list, p(&8u64)), OP_SUCCESS);
        assert_eq!(aws_array_list_shrink_to_fit(&mut list), OP_SUCCESS);
        assert_eq!(aws_array_list_capacity(&list), 1);
        assert_eq!(items(&list), [8]);
        aws_array_list_clear(&mut list);
        assert_eq!(aws_array_list_shrink_to_fit(&mut list), OP_SUCCESS);
        assert!(list.data.is_null() && list.current_size == 0);
        aws_array_list_clean_up(&mut list);
    }
}

#[test]
fn swap_exchanges_items_and_swap_contents_whole_lists() {
    let mut a = list_of(&[1, 2, 3]);
    let mut b = list_of(&[9]);
    unsafe {
        aws_array_list_swap(&mut a, 0, 2);
        assert_eq!(items(&a), [3, 2, 1]);
        aws_array_list_swap(&mut a, 1, 1);
        aws_array_list_swap(&mut a, 0, 3);
        raised(guard::INVALID_ARGUMENT.0);
        assert_eq!(items(&a), [3, 2, 1]);
        aws_array_list_swap_contents(&mut a, &mut b);
        assert_eq!((items(&a), items(&b)), (vec![9], vec![3, 2, 1]));
        aws_array_list_clean_up(&mut a);
        aws_array_list_clean_up(&mut b);
    }
}

#[test]
fn copy_grows_a_dynamic_target_and_refuses_a_small_static_one() {
    let from = list_of(&[1, 2, 3]);
    let mut to = list_of(&[7]);
    let mut small = [0u64; 2];
    let mut fixed = aws_array_list::ZERO;
    unsafe {
        assert_eq!(aws_array_list_copy(&from, &mut to), OP_SUCCESS);
        assert_eq!(items(&to), [1, 2, 3]);
        aws_array_list_init_static(&mut fixed, small.as_mut_ptr().cast(), 2, 8);
        assert_eq!(aws_array_list_copy(&from, &mut fixed), OP_ERR);
        raised(AWS_ERROR_DEST_COPY_TOO_SMALL);
        let mut empty = list_of(&[]);
        assert_eq!(aws_array_list_copy(&empty, &mut to), OP_SUCCESS);
        assert_eq!(aws_array_list_length(&to), 0);
        aws_array_list_clean_up(&mut empty);
        let mut from = from;
        aws_array_list_clean_up(&mut from);
        aws_array_list_clean_up(&mut to);
    }
}

unsafe extern "C" fn by_value(a: *const c_void, b: *const c_void) -> c_int {
    let (a, b) = unsafe { (*a.cast::<u64>(), *b.cast::<u64>()) };
    a.cmp(&b) as c_int
}

#[test]
fn sort_orders_by_the_comparator() {
    let mut list = list_of(&[5, 1, 4, 2, 3]);
    unsafe {
        aws_array_list_sort(&mut list, Some(by_value));
        assert_eq!(items(&list), [1, 2, 3, 4, 5]);
        aws_array_list_sort(&mut list, None);
        raised(guard::INVALID_ARGUMENT.0);
        aws_array_list_clean_up(&mut list);
        // An empty list without storage sorts to itself.
        let mut empty = list_of(&[]);
        aws_array_list_sort(&mut empty, Some(by_value));
        aws_array_list_clean_up(&mut empty);
    }
}

#[test]
fn clean_up_secure_zeroes_and_frees() {
    let mut list = list_of(&[u64::MAX]);
    unsafe {
        aws_array_list_clean_up_secure(&mut list);
        assert!(list.data.is_null() && list.alloc.is_null());
    }
}

#[test]
fn null_and_malformed_lists_are_invalid_arguments() {
    let invalid = guard::INVALID_ARGUMENT.0;
    unsafe {
        assert!(!aws_array_list_is_valid(ptr::null()));
        assert_eq!(aws_array_list_length(ptr::null()), 0);
        raised(invalid);
        let mut bad = aws_array_list::ZERO;
        bad.item_size = 1;
        bad.length = 3;
        assert!(!aws_array_list_is_valid(&bad));
        assert_eq!(aws_array_list_length(&bad), 0);
        assert_eq!(aws_array_list_push_back(&mut bad, ptr::null()), OP_ERR);
        assert_eq!(aws_array_list_pop_back(&mut bad), OP_ERR);
        raised(invalid);
        assert_eq!(aws_array_list_capacity(&aws_array_list::ZERO), 0);
        raised(invalid);
        assert_eq!(
            aws_array_list_init_dynamic(&mut bad, aws_default_allocator(), 1, 0),
            OP_ERR
        );
        raised(invalid);
        let mut good = list_of(&[1]);
        assert_eq!(aws_array_list_push_back(&mut good, ptr::null()), OP_ERR);
        raised(invalid);
        aws_array_list_clean_up(&mut good);
    }
}

#[test]
fn a_list_over_a_slice_lends_all_items() {
    let mut items_ = [1u32, 2];
    let mut list = aws_array_list::over(&mut items_);
    list.length = 1;
    unsafe {
        assert_eq!(aws_array_list_push_back(&mut list, p(&3u32)), OP_SUCCESS);
        assert_eq!(aws_array_list_push_back(&mut list, p(&3u32)), OP_ERR);
    }
    raised(AWS_ERROR_LIST_EXCEEDS_MAX_SIZE);
    assert_eq!(items_, [1, 3]);
}

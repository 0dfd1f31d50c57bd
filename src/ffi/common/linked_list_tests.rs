//! Tests of `aws/common/linked_list.h`, pinned to upstream's documented behaviour: order of
//! pushes and pops, iteration both ways, splicing and swapping, and the refusals that replace
//! upstream's assertions.

use super::linked_list::*;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard;
use std::ptr;

/// A caller's struct with an embedded node, as C code has.
#[repr(C)]
struct Item {
    value: u32,
    node: aws_linked_list_node,
}

fn items(values: &[u32]) -> Vec<Item> {
    values
        .iter()
        .map(|&value| Item {
            value,
            node: aws_linked_list_node::UNLINKED,
        })
        .collect()
}

fn value_of(node: *const aws_linked_list_node) -> u32 {
    let offset = std::mem::offset_of!(Item, node);
    unsafe { (*node.cast::<u8>().sub(offset).cast::<Item>()).value }
}

fn new_list() -> Box<aws_linked_list> {
    let mut l = Box::new(aws_linked_list {
        head: aws_linked_list_node::UNLINKED,
        tail: aws_linked_list_node::UNLINKED,
    });
    unsafe { aws_linked_list_init(&mut *l) };
    l
}

fn forward(l: &aws_linked_list) -> Vec<u32> {
    let mut out = Vec::new();
    unsafe {
        let mut at = aws_linked_list_begin(l);
        while !ptr::eq(at, aws_linked_list_end(l)) {
            out.push(value_of(at));
            at = aws_linked_list_next(at);
        }
    }
    out
}

fn backward(l: &aws_linked_list) -> Vec<u32> {
    let mut out = Vec::new();
    unsafe {
        let mut at = aws_linked_list_rbegin(l);
        while !ptr::eq(at, aws_linked_list_rend(l)) {
            out.push(value_of(at));
            at = aws_linked_list_prev(at);
        }
    }
    out
}

#[test]
fn a_new_list_is_empty_and_valid() {
    let l = new_list();
    unsafe {
        assert!(aws_linked_list_empty(&*l));
        assert!(aws_linked_list_is_valid(&*l));
        assert!(aws_linked_list_is_valid_deep(&*l));
        assert!(ptr::eq(
            aws_linked_list_begin(&*l),
            aws_linked_list_end(&*l)
        ));
    }
    assert!(forward(&l).is_empty() && backward(&l).is_empty());
}

#[test]
fn pushes_keep_order_and_pops_reset_the_node() {
    let mut l = new_list();
    let mut it = items(&[1, 2, 3]);
    unsafe {
        aws_linked_list_push_back(&mut *l, &mut it[1].node);
        aws_linked_list_push_back(&mut *l, &mut it[2].node);
        aws_linked_list_push_front(&mut *l, &mut it[0].node);
        assert_eq!(forward(&l), [1, 2, 3]);
        assert_eq!(backward(&l), [3, 2, 1]);
        assert!(aws_linked_list_is_valid_deep(&*l));
        assert_eq!(value_of(aws_linked_list_front(&*l)), 1);
        assert_eq!(value_of(aws_linked_list_back(&*l)), 3);
        assert!(aws_linked_list_node_is_in_list(&mut it[1].node));
        let back = aws_linked_list_pop_back(&mut *l);
        assert_eq!(value_of(back), 3);
        assert!((*back).next.is_null() && (*back).prev.is_null());
        assert!(!aws_linked_list_node_is_in_list(back));
        assert_eq!(value_of(aws_linked_list_pop_front(&mut *l)), 1);
        assert_eq!(forward(&l), [2]);
        aws_linked_list_remove(&mut it[1].node);
        assert!(aws_linked_list_empty(&*l));
    }
}

#[test]
fn insert_before_after_and_swap_nodes() {
    let mut l = new_list();
    let mut it = items(&[1, 2, 3, 4]);
    unsafe {
        aws_linked_list_push_back(&mut *l, &mut it[1].node);
        aws_linked_list_insert_after(&mut it[1].node, &mut it[3].node);
        aws_linked_list_insert_before(&mut it[1].node, &mut it[0].node);
        aws_linked_list_insert_before(&mut it[3].node, &mut it[2].node);
        assert_eq!(forward(&l), [1, 2, 3, 4]);
        // Adjacent, both orders, then apart.
        aws_linked_list_swap_nodes(&mut it[1].node, &mut it[2].node);
        assert_eq!(forward(&l), [1, 3, 2, 4]);
        aws_linked_list_swap_nodes(&mut it[1].node, &mut it[2].node);
        assert_eq!(forward(&l), [1, 2, 3, 4]);
        aws_linked_list_swap_nodes(&mut it[3].node, &mut it[0].node);
        assert_eq!(forward(&l), [4, 2, 3, 1]);
        aws_linked_list_swap_nodes(&mut it[0].node, &mut it[0].node);
        assert_eq!(backward(&l), [1, 3, 2, 4]);
        assert!(aws_linked_list_is_valid_deep(&*l));
    }
}

#[test]
fn move_all_and_swap_contents_splice_whole_lists() {
    let (mut a, mut b) = (new_list(), new_list());
    let mut it = items(&[1, 2, 3, 4]);
    unsafe {
        aws_linked_list_push_back(&mut *a, &mut it[0].node);
        aws_linked_list_push_back(&mut *b, &mut it[1].node);
        aws_linked_list_push_back(&mut *b, &mut it[2].node);
        aws_linked_list_move_all_back(&mut *a, &mut *b);
        assert_eq!(forward(&a), [1, 2, 3]);
        assert!(aws_linked_list_empty(&*b));
        aws_linked_list_push_back(&mut *b, &mut it[3].node);
        aws_linked_list_move_all_front(&mut *a, &mut *b);
        assert_eq!(forward(&a), [4, 1, 2, 3]);
        // Moving an empty list changes nothing.
        aws_linked_list_move_all_back(&mut *a, &mut *b);
        assert_eq!(forward(&a), [4, 1, 2, 3]);
        aws_linked_list_swap_contents(&mut *a, &mut *b);
        assert!(aws_linked_list_empty(&*a));
        assert_eq!(backward(&b), [3, 2, 1, 4]);
        assert!(aws_linked_list_is_valid_deep(&*a) && aws_linked_list_is_valid_deep(&*b));
        let (mut c, mut d) = (new_list(), new_list());
        aws_linked_list_swap_contents(&mut *c, &mut *d);
        assert!(aws_linked_list_empty(&*c) && aws_linked_list_empty(&*d));
    }
}

#[test]
fn a_broken_link_fails_the_deep_check_only() {
    let mut l = new_list();
    let mut it = items(&[1, 2]);
    unsafe {
        aws_linked_list_push_back(&mut *l, &mut it[0].node);
        aws_linked_list_push_back(&mut *l, &mut it[1].node);
        it[1].node.prev = ptr::null_mut();
        assert!(aws_linked_list_is_valid(&*l));
        assert!(!aws_linked_list_is_valid_deep(&*l));
    }
}

#[test]
fn misuse_is_an_invalid_argument_not_a_crash() {
    let invalid = guard::INVALID_ARGUMENT.0;
    let mut l = new_list();
    let mut loose = items(&[9]);
    unsafe {
        assert!(aws_linked_list_pop_front(&mut *l).is_null());
        assert_eq!(aws_last_error(), invalid);
        assert!(aws_linked_list_back(&*l).is_null());
        aws_linked_list_remove(&mut loose[0].node);
        assert_eq!(aws_last_error(), invalid);
        assert!(aws_linked_list_begin(ptr::null()).is_null());
        assert!(!aws_linked_list_is_valid(ptr::null()));
        assert!(!aws_linked_list_node_next_is_valid(ptr::null()));
        let zeroed = aws_linked_list {
            head: aws_linked_list_node::UNLINKED,
            tail: aws_linked_list_node::UNLINKED,
        };
        assert!(!aws_linked_list_is_valid(&zeroed));
        assert!(aws_linked_list_end(&zeroed).is_null());
        assert_eq!(aws_last_error(), invalid);
        aws_linked_list_node_reset(&mut loose[0].node);
    }
}

//! Tests of `aws/common/priority_queue.h`, pinned to upstream's behaviour: pop order by the
//! comparator, back-pointers tracking their items through every move, and the error codes of
//! an empty, full or misused queue.

use super::priority_queue::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::aws_common_error::*;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, OP_ERR, OP_SUCCESS};
use std::ffi::{c_int, c_void};
use std::ptr;

/// A min-heap comparator on u32 (b pops first when it is smaller).
unsafe extern "C" fn min_first(a: *const c_void, b: *const c_void) -> c_int {
    let (a, b) = unsafe { (*a.cast::<u32>(), *b.cast::<u32>()) };
    c_int::from(a > b)
}

fn new_queue() -> aws_priority_queue {
    let mut q = unsafe { std::mem::zeroed::<aws_priority_queue>() };
    let rc = unsafe {
        aws_priority_queue_init_dynamic(&mut q, aws_default_allocator(), 2, 4, Some(min_first))
    };
    assert_eq!(rc, OP_SUCCESS);
    q
}

fn pop(q: &mut aws_priority_queue) -> Option<u32> {
    let mut v = 0u32;
    (unsafe { aws_priority_queue_pop(q, ptr::from_mut(&mut v).cast()) } == OP_SUCCESS).then_some(v)
}

fn push(q: &mut aws_priority_queue, v: u32, node: *mut aws_priority_queue_node) -> c_int {
    let mut v = v;
    unsafe { aws_priority_queue_push_ref(q, ptr::from_mut(&mut v).cast(), node) }
}

#[test]
fn items_pop_in_priority_order() {
    let mut q = new_queue();
    // A fixed shuffle of 0..100 (multiplying by a unit mod 101 permutes 1..100).
    let values: Vec<u32> = (1..=100u32).map(|i| i * 37 % 101).collect();
    for &v in &values {
        assert_eq!(push(&mut q, v, ptr::null_mut()), OP_SUCCESS);
    }
    assert_eq!(unsafe { aws_priority_queue_size(&q) }, 100);
    let mut top: *mut c_void = ptr::null_mut();
    assert_eq!(unsafe { aws_priority_queue_top(&q, &mut top) }, OP_SUCCESS);
    assert_eq!(unsafe { *top.cast::<u32>() }, 1);
    let popped: Vec<u32> = std::iter::from_fn(|| pop(&mut q)).collect();
    assert_eq!(popped, (1..=100).collect::<Vec<_>>());
    assert_eq!(aws_last_error(), AWS_ERROR_PRIORITY_QUEUE_EMPTY as c_int);
    unsafe { aws_priority_queue_clean_up(&mut q) };
}

#[test]
fn back_pointers_follow_their_items_and_remove_them() {
    let mut q = new_queue();
    let mut nodes: Vec<aws_priority_queue_node> = (0..20)
        .map(|_| aws_priority_queue_node { current_index: 0 })
        .collect();
    unsafe {
        // One item pushed before any node: it gets none.
        assert_eq!(push(&mut q, 1000, ptr::null_mut()), OP_SUCCESS);
        for (i, n) in nodes.iter_mut().enumerate() {
            aws_priority_queue_node_init(n);
            assert!(!aws_priority_queue_node_is_in_queue(n));
            assert_eq!(push(&mut q, (i as u32 * 7) % 20, n), OP_SUCCESS);
        }
        assert!(aws_priority_queue_is_valid(&q));
        assert!(aws_priority_queue_backpointers_valid(&q));
        assert!(aws_priority_queue_backpointers_valid_deep(&q));
        assert!(aws_priority_queue_backpointer_index_valid(&q, 20));
        assert!(!aws_priority_queue_backpointer_index_valid(&q, 21));
        // Every node points at its own item.
        for (i, n) in nodes.iter().enumerate() {
            let at = q.container.data.cast::<u32>().add(n.current_index);
            assert_eq!(*at, (i as u32 * 7) % 20);
        }
        let mut out = 0u32;
        let outp = ptr::from_mut(&mut out).cast();
        assert_eq!(
            aws_priority_queue_remove(&mut q, outp, &nodes[3]),
            OP_SUCCESS
        );
        assert_eq!(out, 21 % 20);
        assert!(!aws_priority_queue_node_is_in_queue(&nodes[3]));
        assert_eq!(aws_priority_queue_remove(&mut q, outp, &nodes[3]), OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_PRIORITY_QUEUE_BAD_NODE as c_int);
        let popped: Vec<u32> = std::iter::from_fn(|| pop(&mut q)).collect();
        let mut want: Vec<u32> = (0..20).filter(|&v| v != 1).collect();
        want.push(1000);
        assert_eq!(popped, want);
        assert!(
            nodes
                .iter()
                .all(|n| !aws_priority_queue_node_is_in_queue(n))
        );
        aws_priority_queue_clean_up(&mut q);
    }
}

#[test]
fn clear_releases_every_node() {
    let mut q = new_queue();
    let mut nodes = [
        aws_priority_queue_node { current_index: 0 },
        aws_priority_queue_node { current_index: 0 },
    ];
    unsafe {
        push(&mut q, 2, &mut nodes[0]);
        push(&mut q, 1, &mut nodes[1]);
        aws_priority_queue_clear(&mut q);
        assert_eq!(aws_priority_queue_size(&q), 0);
        assert!(
            nodes
                .iter()
                .all(|n| !aws_priority_queue_node_is_in_queue(n))
        );
        assert!(aws_priority_queue_capacity(&q) >= 2);
        aws_priority_queue_clean_up(&mut q);
    }
}

#[test]
fn a_static_queue_is_bounded_and_takes_no_back_pointers() {
    let mut heap = [0u32; 3];
    let mut q = unsafe { std::mem::zeroed::<aws_priority_queue>() };
    let mut node = aws_priority_queue_node { current_index: 0 };
    unsafe {
        aws_priority_queue_init_static(&mut q, heap.as_mut_ptr().cast(), 3, 4, Some(min_first));
        assert_eq!(aws_priority_queue_capacity(&q), 3);
        assert_eq!(push(&mut q, 5, &mut node), OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_UNSUPPORTED_OPERATION as c_int);
        assert_eq!(aws_priority_queue_size(&q), 0);
        for v in [3, 1, 2] {
            assert_eq!(push(&mut q, v, ptr::null_mut()), OP_SUCCESS);
        }
        assert_eq!(push(&mut q, 0, ptr::null_mut()), OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_LIST_EXCEEDS_MAX_SIZE as c_int);
        assert_eq!(pop(&mut q), Some(1));
        let mut out = 0u32;
        assert_eq!(
            aws_priority_queue_remove(&mut q, ptr::from_mut(&mut out).cast(), &node),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_PRIORITY_QUEUE_BAD_NODE as c_int);
        aws_priority_queue_clean_up(&mut q);
    }
}

#[test]
fn misuse_is_an_invalid_argument() {
    let invalid = guard::INVALID_ARGUMENT.0;
    let mut q = unsafe { std::mem::zeroed::<aws_priority_queue>() };
    unsafe {
        assert_eq!(
            aws_priority_queue_init_dynamic(&mut q, aws_default_allocator(), 1, 4, None),
            OP_ERR
        );
        assert_eq!(aws_last_error(), invalid);
        assert_eq!(push(&mut q, 1, ptr::null_mut()), OP_ERR);
        assert_eq!(aws_priority_queue_size(ptr::null()), 0);
        assert!(!aws_priority_queue_is_valid(ptr::null()));
        assert!(!aws_priority_queue_is_valid(&q));
        let mut top: *mut c_void = ptr::null_mut();
        assert_eq!(aws_priority_queue_top(&q, &mut top), OP_ERR);
        assert_eq!(aws_last_error(), invalid);
    }
}

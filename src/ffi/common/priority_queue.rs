//! `aws/common/priority_queue.h`: upstream's binary heap of fixed-size items over an array
//! list, with optional back-pointers: a node the caller owns (`aws_priority_queue_node`) that the
//! heap keeps pointing at its item's position, so that the item can be removed later.
//!
//! The heap pops first the item the comparator ranks highest: `pred(a, b) > 0` means `b` comes
//! before `a`. The back-pointer list is set up on the first `push_ref` with a node (a static
//! queue cannot: `AWS_ERROR_UNSUPPORTED_OPERATION`). As upstream's code does (its header says
//! `AWS_ERROR_PRIORITY_QUEUE_FULL`), a full static queue fails with
//! `AWS_ERROR_LIST_EXCEEDS_MAX_SIZE`. Misuse upstream asserts on raises
//! `AWS_ERROR_INVALID_ARGUMENT`.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; an item pointer has the queue's `item_size` bytes;
//! a back-pointer node stays valid while its item is in the queue.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::{aws_array_list, full_if_fixed};
use crate::ffi::common::array_list_edit::pop_back;
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_PRIORITY_QUEUE_BAD_NODE, AWS_ERROR_PRIORITY_QUEUE_EMPTY,
    AWS_ERROR_UNSUPPORTED_OPERATION,
};
use crate::ffi::guard::{self, Result, require};
use std::ffi::{c_int, c_void};
use std::ptr;

/// Ranks two items: positive when `b` has the higher priority (upstream's
/// `aws_priority_queue_compare_fn`).
pub type aws_priority_queue_compare_fn =
    unsafe extern "C" fn(a: *const c_void, b: *const c_void) -> c_int;

/// A heap (upstream's `struct aws_priority_queue`).
#[repr(C)]
pub struct aws_priority_queue {
    /// Ranks the items.
    pub pred: Option<aws_priority_queue_compare_fn>,
    /// The items, in heap order.
    pub container: aws_array_list,
    /// For each item, the caller's node that tracks it (or NULL); zeroed until the first
    /// `push_ref` with a node.
    pub backpointers: aws_array_list,
}

/// Where an item is in its heap (upstream's `struct aws_priority_queue_node`).
#[repr(C)]
pub struct aws_priority_queue_node {
    /// The item's index, or `SIZE_MAX` when it is in no queue.
    pub current_index: usize,
}

/// The index of a node in no queue.
const NOT_IN_QUEUE: usize = usize::MAX;

impl aws_priority_queue {
    /// Whether the back-pointer list has been set up.
    fn has_backpointers(&self) -> bool {
        self.backpointers.item_size != 0
    }

    /// The back-pointer slot of item `i`.
    fn backpointer(&self, i: usize) -> *mut *mut aws_priority_queue_node {
        self.backpointers.slot(i).cast()
    }

    /// Whether item `a` ranks after item `b` (so they are out of heap order as parent, child).
    fn after(&self, a: usize, b: usize) -> bool {
        let Some(pred) = self.pred else {
            return false;
        };
        // SAFETY: the program's comparator, on two items of the heap.
        unsafe { pred(self.container.slot(a).cast(), self.container.slot(b).cast()) > 0 }
    }

    /// Exchanges items `a` and `b`, and their back-pointers.
    fn swap(&mut self, a: usize, b: usize) {
        if a == b {
            return;
        }
        // SAFETY: both are items of the heap, distinct.
        unsafe {
            ptr::swap_nonoverlapping(
                self.container.slot(a),
                self.container.slot(b),
                self.container.item_size,
            );
        }
        if self.has_backpointers() {
            let (pa, pb) = (self.backpointer(a), self.backpointer(b));
            // SAFETY: the back-pointer list covers every item; its entries are NULL or nodes.
            unsafe {
                ptr::swap(pa, pb);
                if let Some(node) = (*pa).as_mut() {
                    node.current_index = a;
                }
                if let Some(node) = (*pb).as_mut() {
                    node.current_index = b;
                }
            }
        }
    }

    /// Moves item `i` up while it outranks its parent; whether it moved.
    fn sift_up(&mut self, mut i: usize) -> bool {
        let mut moved = false;
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.after(parent, i) {
                break;
            }
            self.swap(i, parent);
            moved = true;
            i = parent;
        }
        moved
    }

    /// Moves item `i` down while a child outranks it.
    fn sift_down(&mut self, mut i: usize) {
        let len = self.container.length;
        loop {
            let (left, right) = (2 * i + 1, 2 * i + 2);
            let mut first = i;
            if left < len && self.after(first, left) {
                first = left;
            }
            if right < len && self.after(first, right) {
                first = right;
            }
            if first == i {
                return;
            }
            self.swap(i, first);
            i = first;
        }
    }

    /// Takes item `i` out into `item`, refilling its place from the end.
    ///
    /// # Safety
    /// `item` has `item_size` writable bytes.
    unsafe fn remove_at(&mut self, item: *mut c_void, i: usize) {
        // SAFETY: `i` is an item of the heap; the caller lends `item`.
        unsafe {
            ptr::copy_nonoverlapping(
                self.container.slot(i),
                item.cast::<u8>(),
                self.container.item_size,
            )
        };
        let last = self.container.length - 1;
        self.swap(i, last);
        pop_back(&mut self.container);
        if self.has_backpointers() {
            // SAFETY: the back-pointer list covers every item.
            unsafe {
                if let Some(node) = (*self.backpointer(last)).as_mut() {
                    node.current_index = NOT_IN_QUEUE;
                }
            }
            pop_back(&mut self.backpointers);
        }
        if i != last && !self.sift_up(i) {
            self.sift_down(i);
        }
    }
}

/// The queue a caller lent, checked to be set up.
///
/// # Safety
/// A non-NULL `queue` must point to a valid queue.
unsafe fn queue_arg<'a>(queue: *const aws_priority_queue) -> Result<&'a mut aws_priority_queue> {
    // SAFETY: forwarded caller contract.
    let q = unsafe { guard::mutable(queue.cast_mut()) }?;
    require(q.pred.is_some() && q.container.is_valid())?;
    Ok(q)
}

/// Sets up an empty queue of `item_size`-byte items that grows from room for `default_size`,
/// ranked by `pred`. On failure the queue is left zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_init_dynamic(
    queue: *mut aws_priority_queue,
    alloc: *mut aws_allocator,
    default_size: usize,
    item_size: usize,
    pred: Option<aws_priority_queue_compare_fn>,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a queue to set up and an allocator.
        let q = unsafe { guard::mutable(queue) }?;
        *q = aws_priority_queue::ZERO;
        require(pred.is_some())?;
        q.container = unsafe { aws_array_list::new_dynamic(alloc, default_size, item_size) }?;
        q.pred = pred;
        Ok(())
    })
}

/// Sets up an empty queue over the caller's `heap` of `item_count` items of `item_size`
/// bytes; it never grows. A NULL heap or comparator, or a zero count or size, is an invalid
/// argument (the queue is left zeroed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_init_static(
    queue: *mut aws_priority_queue,
    heap: *mut c_void,
    item_count: usize,
    item_size: usize,
    pred: Option<aws_priority_queue_compare_fn>,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a queue to set up.
        let q = unsafe { guard::mutable(queue) }?;
        *q = aws_priority_queue::ZERO;
        require(pred.is_some())?;
        q.container = aws_array_list::new_static(heap, item_count, item_size, 0)?;
        q.pred = pred;
        Ok(())
    })
}

impl aws_priority_queue {
    /// The zeroed queue.
    const ZERO: Self = Self {
        pred: None,
        container: aws_array_list::ZERO,
        backpointers: aws_array_list::ZERO,
    };
}

/// Whether the queue is set up (a comparator, a well-formed container, back-pointers zeroed or
/// one per item). NULL is not; nothing is raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_is_valid(queue: *const aws_priority_queue) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends NULL or a queue.
        let Some(q) = (unsafe { queue.as_ref() }) else {
            return Ok(false);
        };
        let bp = &q.backpointers;
        let bp_ok = !q.has_backpointers()
            || (bp.is_valid()
                && bp.length == q.container.length
                && bp.item_size == size_of::<*mut c_void>());
        Ok(q.pred.is_some() && q.container.is_valid() && bp_ok)
    })
}

/// Whether back-pointer `index` is NULL or a node (always, without back-pointers); nothing is
/// raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_backpointer_index_valid(
    queue: *const aws_priority_queue,
    index: usize,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends NULL or a queue.
        let Some(q) = (unsafe { queue.as_ref() }) else {
            return Ok(false);
        };
        Ok(!q.has_backpointers() || index < q.backpointers.length)
    })
}

/// Whether every back-pointer is NULL or a node (O(n)); nothing is raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_backpointers_valid_deep(
    queue: *const aws_priority_queue,
) -> bool {
    // SAFETY: the caller lends NULL or a queue.
    guard::guard(false, || {
        Ok(unsafe { queue.as_ref() }.is_some_and(backpointers_valid))
    })
}

/// Whether the back-pointers are zeroed or one per item; nothing is raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_backpointers_valid(
    queue: *const aws_priority_queue,
) -> bool {
    // SAFETY: the caller lends NULL or a queue.
    guard::guard(false, || {
        Ok(unsafe { queue.as_ref() }.is_some_and(backpointers_valid))
    })
}

/// The back-pointer list's shape rule: unset, or one well-formed pointer per item.
fn backpointers_valid(q: &aws_priority_queue) -> bool {
    let bp = &q.backpointers;
    !q.has_backpointers()
        || (bp.is_valid()
            && bp.length == q.container.length
            && bp.item_size == size_of::<*mut c_void>())
}

/// Frees the queue's memory (not the caller's static heap) and zeroes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_clean_up(queue: *mut aws_priority_queue) {
    guard::guard((), || {
        // SAFETY: the caller lends a queue.
        let q = unsafe { guard::mutable(queue) }?;
        unsafe {
            crate::ffi::common::array_list::aws_array_list_clean_up(&mut q.container);
            crate::ffi::common::array_list::aws_array_list_clean_up(&mut q.backpointers);
        }
        q.pred = None;
        Ok(())
    })
}

/// Copies `item` into the queue in priority order.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_push(
    queue: *mut aws_priority_queue,
    item: *mut c_void,
) -> c_int {
    // SAFETY: the caller lends a queue and an item.
    guard::op(|| unsafe { push(queue, item, ptr::null_mut()) })
}

/// Copies `item` into the queue in priority order; a non-NULL `backpointer` is kept pointing at
/// the item's position until it leaves the queue (then it reads `SIZE_MAX`), for
/// `aws_priority_queue_remove`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_push_ref(
    queue: *mut aws_priority_queue,
    item: *mut c_void,
    backpointer: *mut aws_priority_queue_node,
) -> c_int {
    // SAFETY: the caller lends a queue, an item and a node (or NULL).
    guard::op(|| unsafe { push(queue, item, backpointer) })
}

/// Both pushes.
///
/// # Safety
/// As for the exported functions.
unsafe fn push(
    queue: *mut aws_priority_queue,
    item: *mut c_void,
    backpointer: *mut aws_priority_queue_node,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let q = unsafe { queue_arg(queue) }?;
    require(!item.is_null())?;
    let index = q.container.length;
    if !backpointer.is_null() && !q.has_backpointers() {
        if q.container.alloc.is_null() {
            return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into());
        }
        // The items already in get no node.
        let mut bp = unsafe {
            aws_array_list::new_dynamic(q.container.alloc, index + 1, size_of::<*mut c_void>())
        }?;
        unsafe { ptr::write_bytes(bp.data.cast::<u8>(), 0, bp.current_size) };
        bp.length = index;
        q.backpointers = bp;
    }
    // Room for the back-pointer first, so that nothing needs undoing after the item is in.
    if q.has_backpointers() {
        let node: *const c_void = ptr::from_ref(&backpointer).cast();
        unsafe { q.backpointers.set_at(node, index) }?;
    }
    let pushed =
        unsafe { q.container.set_at(item, index) }.map_err(|e| full_if_fixed(&q.container, e));
    if let Err(e) = pushed {
        if q.has_backpointers() {
            q.backpointers.length = index;
        }
        return Err(e);
    }
    if let Some(node) = unsafe { backpointer.as_mut() } {
        node.current_index = index;
    }
    q.sift_up(index);
    Ok(())
}

/// Copies the highest-priority item into `item` and removes it;
/// `AWS_ERROR_PRIORITY_QUEUE_EMPTY` when there is none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_pop(
    queue: *mut aws_priority_queue,
    item: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a queue and room for an item.
        let q = unsafe { queue_arg(queue) }?;
        require(!item.is_null())?;
        if q.container.length == 0 {
            return Err(AWS_ERROR_PRIORITY_QUEUE_EMPTY.into());
        }
        unsafe { q.remove_at(item, 0) };
        Ok(())
    })
}

/// Copies the item `node` tracks into `item` and removes it. A node whose item already left
/// (`SIZE_MAX`), or a queue without back-pointers, is `AWS_ERROR_PRIORITY_QUEUE_BAD_NODE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_remove(
    queue: *mut aws_priority_queue,
    item: *mut c_void,
    node: *const aws_priority_queue_node,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a queue, room for an item and a node.
        let q = unsafe { queue_arg(queue) }?;
        let node = unsafe { guard::reference(node) }?;
        require(!item.is_null())?;
        let i = node.current_index;
        if i >= q.container.length || !q.has_backpointers() {
            return Err(AWS_ERROR_PRIORITY_QUEUE_BAD_NODE.into());
        }
        unsafe { q.remove_at(item, i) };
        Ok(())
    })
}

/// Points `*item` at the highest-priority item, in the queue's storage;
/// `AWS_ERROR_PRIORITY_QUEUE_EMPTY` when there is none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_top(
    queue: *const aws_priority_queue,
    item: *mut *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a queue and a pointer to set.
        let q = unsafe { queue_arg(queue) }?;
        let out = unsafe { guard::mutable(item) }?;
        if q.container.length == 0 {
            return Err(AWS_ERROR_PRIORITY_QUEUE_EMPTY.into());
        }
        *out = q.container.slot(0).cast();
        Ok(())
    })
}

/// Empties the queue (keeping its memory); every tracked node reads `SIZE_MAX` again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_clear(queue: *mut aws_priority_queue) {
    guard::guard((), || {
        // SAFETY: the caller lends a queue.
        let q = unsafe { queue_arg(queue) }?;
        if q.has_backpointers() {
            for i in 0..q.backpointers.length {
                // SAFETY: the entries are NULL or live nodes.
                if let Some(node) = unsafe { (*q.backpointer(i)).as_mut() } {
                    node.current_index = NOT_IN_QUEUE;
                }
            }
            q.backpointers.length = 0;
        }
        q.container.length = 0;
        Ok(())
    })
}

/// How many items the queue holds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_size(queue: *const aws_priority_queue) -> usize {
    // SAFETY: the caller lends a queue.
    guard::guard(0, || Ok(unsafe { queue_arg(queue) }?.container.length))
}

/// How many items fit before the queue grows (a static queue never does).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_capacity(queue: *const aws_priority_queue) -> usize {
    guard::guard(0, || {
        // SAFETY: the caller lends a queue.
        let q = unsafe { queue_arg(queue) }?;
        Ok(q.container.current_size / q.container.item_size)
    })
}

/// Marks a node as in no queue (`SIZE_MAX`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_node_init(node: *mut aws_priority_queue_node) {
    guard::guard((), || {
        // SAFETY: the caller lends a node.
        unsafe { guard::mutable(node) }?.current_index = NOT_IN_QUEUE;
        Ok(())
    })
}

/// Whether the node's item is in a queue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_priority_queue_node_is_in_queue(
    node: *const aws_priority_queue_node,
) -> bool {
    // SAFETY: the caller lends a node.
    guard::guard(false, || {
        Ok(unsafe { guard::reference(node) }?.current_index != NOT_IN_QUEUE)
    })
}

//! `aws/common/linked_list.h`: upstream's intrusive doubly linked list. A list is two sentinel
//! nodes, `head` and `tail`, embedded in the list struct; the caller's nodes are embedded in
//! the caller's own structs (`AWS_CONTAINER_OF` gets back to them), so the list never
//! allocates. Because the sentinels live inside the struct, a list must not be moved by copying
//! it while it holds nodes (use `aws_linked_list_swap_contents` or `_move_all_*`).
//!
//! Upstream inlines all of these from `linked_list.inl` and asserts on misuse (NULL, popping an
//! empty list, removing a node that is in no list); here they are exported functions that raise
//! `AWS_ERROR_INVALID_ARGUMENT` and return NULL (or do nothing) instead. Checks stay O(1): a
//! list's or node's neighbours are checked only where they are followed.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid node or list, and the nodes reachable from it are valid too.

use crate::ffi::guard::{self, Result, require};
use std::ptr;

/// A link in a list, embedded in the caller's struct (upstream's `struct aws_linked_list_node`).
#[repr(C)]
pub struct aws_linked_list_node {
    /// The next node; NULL for a list's tail sentinel and for a node in no list.
    pub next: *mut aws_linked_list_node,
    /// The previous node; NULL for a list's head sentinel and for a node in no list.
    pub prev: *mut aws_linked_list_node,
}

impl aws_linked_list_node {
    /// A node in no list, as `aws_linked_list_node_reset` leaves it.
    pub const UNLINKED: Self = Self {
        next: ptr::null_mut(),
        prev: ptr::null_mut(),
    };
}

/// A list: its head and tail sentinels (upstream's `struct aws_linked_list`).
#[repr(C)]
pub struct aws_linked_list {
    /// Before the first node; `head.next` is the first node (or `&tail`).
    pub head: aws_linked_list_node,
    /// After the last node; `tail.prev` is the last node (or `&head`).
    pub tail: aws_linked_list_node,
}

/// A non-NULL node pointer from the caller.
fn node_arg(node: *const aws_linked_list_node) -> Result<*mut aws_linked_list_node> {
    require(!node.is_null())?;
    Ok(node.cast_mut())
}

/// The list a caller lent for reading, checked to have its sentinels set up.
///
/// # Safety
/// A non-NULL `list` must point to a valid list.
unsafe fn list_arg<'a>(list: *const aws_linked_list) -> Result<&'a aws_linked_list> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { guard::reference(list) }?;
    require(is_valid(l))?;
    Ok(l)
}

/// The list a caller lent for changing, checked to have its sentinels set up.
///
/// # Safety
/// A non-NULL `list` must point to a valid list, not aliased elsewhere.
unsafe fn list_mut<'a>(list: *mut aws_linked_list) -> Result<&'a mut aws_linked_list> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { guard::mutable(list) }?;
    require(is_valid(l))?;
    Ok(l)
}

/// Upstream's O(1) validity check: both sentinels linked inward, neither outward.
fn is_valid(l: &aws_linked_list) -> bool {
    !l.head.next.is_null()
        && l.head.prev.is_null()
        && !l.tail.prev.is_null()
        && l.tail.next.is_null()
}

/// Whether `l` holds no nodes.
fn is_empty(l: &aws_linked_list) -> bool {
    ptr::eq(l.head.next, &l.tail)
}

/// Links `to_add` right before `before`, which must have a previous node.
///
/// # Safety
/// Both nodes are valid; `before.prev` is valid.
pub(crate) unsafe fn insert_before(
    before: *mut aws_linked_list_node,
    to_add: *mut aws_linked_list_node,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    unsafe {
        let prev = (*before).prev;
        require(!prev.is_null())?;
        (*to_add).next = before;
        (*to_add).prev = prev;
        (*prev).next = to_add;
        (*before).prev = to_add;
    }
    Ok(())
}

/// Unlinks `node` from its neighbours and resets it.
///
/// # Safety
/// `node` and its neighbours are valid.
pub(crate) unsafe fn remove(node: *mut aws_linked_list_node) -> Result<()> {
    // SAFETY: forwarded caller contract.
    unsafe {
        let (prev, next) = ((*node).prev, (*node).next);
        require(!prev.is_null() && !next.is_null())?;
        (*prev).next = next;
        (*next).prev = prev;
        (*node).next = ptr::null_mut();
        (*node).prev = ptr::null_mut();
    }
    Ok(())
}

/// Makes `list` empty: each sentinel points at the other.
pub(crate) fn init(list: &mut aws_linked_list) {
    list.head.next = &mut list.tail;
    list.head.prev = ptr::null_mut();
    list.tail.prev = &mut list.head;
    list.tail.next = ptr::null_mut();
}

/// Sets the node's `next` and `prev` to NULL (a node in no list).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_node_reset(node: *mut aws_linked_list_node) {
    guard::guard((), || {
        // SAFETY: the caller lends a node.
        let n = unsafe { guard::mutable(node) }?;
        n.next = ptr::null_mut();
        n.prev = ptr::null_mut();
        Ok(())
    })
}

/// Whether the list holds no nodes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_empty(list: *const aws_linked_list) -> bool {
    // SAFETY: the caller lends a list.
    guard::guard(false, || Ok(is_empty(unsafe { list_arg(list) }?)))
}

/// Whether the list's sentinels are set up (O(1)); NULL is not valid. Nothing is raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_is_valid(list: *const aws_linked_list) -> bool {
    // SAFETY: the caller lends NULL or a list.
    guard::guard(false, || Ok(unsafe { list.as_ref() }.is_some_and(is_valid)))
}

/// Whether `node.next.prev` is `node` (false for a tail sentinel or a node in no list).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_node_next_is_valid(
    node: *const aws_linked_list_node,
) -> bool {
    // SAFETY: the caller lends NULL or a node whose neighbours are valid.
    guard::guard(false, || Ok(unsafe { next_is_valid(node) }))
}

/// Whether `node.prev.next` is `node` (false for a head sentinel or a node in no list).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_node_prev_is_valid(
    node: *const aws_linked_list_node,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || Ok(unsafe { prev_is_valid(node) }))
}

/// See [`aws_linked_list_node_next_is_valid`].
///
/// # Safety
/// `node` is NULL or valid, with a valid `next`.
unsafe fn next_is_valid(node: *const aws_linked_list_node) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { node.as_ref() }
        .is_some_and(|n| !n.next.is_null() && ptr::eq(unsafe { (*n.next).prev }, node))
}

/// See [`aws_linked_list_node_prev_is_valid`].
///
/// # Safety
/// `node` is NULL or valid, with a valid `prev`.
unsafe fn prev_is_valid(node: *const aws_linked_list_node) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { node.as_ref() }
        .is_some_and(|n| !n.prev.is_null() && ptr::eq(unsafe { (*n.prev).next }, node))
}

/// Whether following `next` from the head reaches the tail with every link two-way (O(n)). It
/// cannot loop forever: a link back to an earlier node fails the two-way check.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_is_valid_deep(list: *const aws_linked_list) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends NULL or a list whose nodes are valid.
        let Some(l) = (unsafe { list.as_ref() }) else {
            return Ok(false);
        };
        let mut at: *const aws_linked_list_node = &l.head;
        while !at.is_null() {
            if ptr::eq(at, &l.tail) {
                return Ok(true);
            }
            if !unsafe { next_is_valid(at) } {
                return Ok(false);
            }
            at = unsafe { (*at).next };
        }
        Ok(false)
    })
}

/// Makes the list empty (whatever it held before is forgotten, not unlinked).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_init(list: *mut aws_linked_list) {
    guard::guard((), || {
        // SAFETY: the caller lends a list to set up.
        init(unsafe { guard::mutable(list) }?);
        Ok(())
    })
}

/// The first node, or the end (`aws_linked_list_end`) when the list is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_begin(
    list: *const aws_linked_list,
) -> *mut aws_linked_list_node {
    // SAFETY: the caller lends a list.
    guard::ptr(|| Ok(unsafe { list_arg(list) }?.head.next))
}

/// One past the last node: the tail sentinel, where a forward iteration stops.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_end(
    list: *const aws_linked_list,
) -> *const aws_linked_list_node {
    // SAFETY: the caller lends a list.
    guard::guard(ptr::null(), || {
        Ok(ptr::from_ref(&unsafe { list_arg(list) }?.tail))
    })
}

/// The last node, where a backward iteration starts (the head sentinel when empty).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_rbegin(
    list: *const aws_linked_list,
) -> *mut aws_linked_list_node {
    // SAFETY: the caller lends a list.
    guard::ptr(|| Ok(unsafe { list_arg(list) }?.tail.prev))
}

/// One before the first node: the head sentinel, where a backward iteration stops.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_rend(
    list: *const aws_linked_list,
) -> *const aws_linked_list_node {
    // SAFETY: the caller lends a list.
    guard::guard(ptr::null(), || {
        Ok(ptr::from_ref(&unsafe { list_arg(list) }?.head))
    })
}

/// The node after `node`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_next(
    node: *const aws_linked_list_node,
) -> *mut aws_linked_list_node {
    // SAFETY: the caller lends a node.
    guard::ptr(|| Ok(unsafe { (*node_arg(node)?).next }))
}

/// The node before `node`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_prev(
    node: *const aws_linked_list_node,
) -> *mut aws_linked_list_node {
    // SAFETY: the caller lends a node.
    guard::ptr(|| Ok(unsafe { (*node_arg(node)?).prev }))
}

/// Links `to_add` right after `after` (which must not be a tail sentinel).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_insert_after(
    after: *mut aws_linked_list_node,
    to_add: *mut aws_linked_list_node,
) {
    guard::guard((), || {
        let (after, to_add) = (node_arg(after)?, node_arg(to_add)?);
        // SAFETY: the caller lends two nodes; `after` has a valid next.
        unsafe {
            let next = (*after).next;
            require(!next.is_null())?;
            insert_before(next, to_add)
        }
    })
}

/// Links `to_add` right before `before` (which must not be a head sentinel).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_insert_before(
    before: *mut aws_linked_list_node,
    to_add: *mut aws_linked_list_node,
) {
    // SAFETY: the caller lends two nodes.
    guard::guard((), || unsafe {
        insert_before(node_arg(before)?, node_arg(to_add)?)
    })
}

/// Exchanges the places of two nodes (of the same list or of two lists).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_swap_nodes(
    a: *mut aws_linked_list_node,
    b: *mut aws_linked_list_node,
) {
    guard::guard((), || {
        let (a, b) = (node_arg(a)?, node_arg(b)?);
        if a == b {
            return Ok(());
        }
        // SAFETY: the caller lends two linked nodes; their neighbours are valid.
        unsafe {
            require(!(*a).prev.is_null() && !(*a).next.is_null())?;
            require(!(*b).prev.is_null() && !(*b).next.is_null())?;
            // b's links are read before a's neighbours are repointed, which matters when the
            // two are adjacent.
            let b_links = ptr::read(b);
            (*(*a).prev).next = b;
            (*(*a).next).prev = b;
            (*b_links.prev).next = a;
            (*b_links.next).prev = a;
            ptr::swap(a, b);
        }
        Ok(())
    })
}

/// Unlinks `node` from its list and resets it; a node in no list is an invalid argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_remove(node: *mut aws_linked_list_node) {
    // SAFETY: the caller lends a linked node.
    guard::guard((), || unsafe { remove(node_arg(node)?) })
}

/// Appends `node`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_push_back(
    list: *mut aws_linked_list,
    node: *mut aws_linked_list_node,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a list and a node.
        let l = unsafe { list_mut(list) }?;
        unsafe { insert_before(&mut l.tail, node_arg(node)?) }
    })
}

/// Prepends `node`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_push_front(
    list: *mut aws_linked_list,
    node: *mut aws_linked_list_node,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a list and a node.
        let l = unsafe { list_mut(list) }?;
        unsafe { insert_before(l.head.next, node_arg(node)?) }
    })
}

/// The last node; NULL (with `AWS_ERROR_INVALID_ARGUMENT`) when the list is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_back(
    list: *const aws_linked_list,
) -> *mut aws_linked_list_node {
    // SAFETY: the caller lends a list.
    guard::ptr(|| unsafe { end_node(list, false) })
}

/// The first node; NULL (with `AWS_ERROR_INVALID_ARGUMENT`) when the list is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_front(
    list: *const aws_linked_list,
) -> *mut aws_linked_list_node {
    // SAFETY: the caller lends a list.
    guard::ptr(|| unsafe { end_node(list, true) })
}

/// Removes the last node and returns it, reset; NULL (with `AWS_ERROR_INVALID_ARGUMENT`) when
/// the list is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_pop_back(
    list: *mut aws_linked_list,
) -> *mut aws_linked_list_node {
    guard::ptr(|| {
        // SAFETY: the caller lends a list.
        let node = unsafe { end_node(list, false) }?;
        unsafe { remove(node) }?;
        Ok(node)
    })
}

/// Removes the first node and returns it, reset; NULL (with `AWS_ERROR_INVALID_ARGUMENT`) when
/// the list is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_pop_front(
    list: *mut aws_linked_list,
) -> *mut aws_linked_list_node {
    guard::ptr(|| {
        // SAFETY: the caller lends a list.
        let node = unsafe { end_node(list, true) }?;
        unsafe { remove(node) }?;
        Ok(node)
    })
}

/// The first (`front`) or last node of a non-empty list.
///
/// # Safety
/// As for the exported functions.
unsafe fn end_node(list: *const aws_linked_list, front: bool) -> Result<*mut aws_linked_list_node> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { list_arg(list) }?;
    require(!is_empty(l))?;
    Ok(if front { l.head.next } else { l.tail.prev })
}

/// Exchanges the nodes of two lists.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_swap_contents(
    a: *mut aws_linked_list,
    b: *mut aws_linked_list,
) {
    guard::guard((), || {
        require(a != b)?;
        // SAFETY: the caller lends two distinct lists.
        let (a, b) = unsafe { (list_mut(a)?, list_mut(b)?) };
        let mut held = aws_linked_list {
            head: aws_linked_list_node::UNLINKED,
            tail: aws_linked_list_node::UNLINKED,
        };
        init(&mut held);
        // SAFETY: all three lists are valid and distinct.
        unsafe {
            splice(&mut held, a, true);
            splice(a, b, true);
            splice(b, &mut held, true);
        }
        Ok(())
    })
}

/// Moves every node of `src` to the back of `dst`, leaving `src` empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_move_all_back(
    dst: *mut aws_linked_list,
    src: *mut aws_linked_list,
) {
    guard::guard((), || {
        require(dst != src)?;
        // SAFETY: the caller lends two distinct lists.
        unsafe { splice(list_mut(dst)?, list_mut(src)?, true) };
        Ok(())
    })
}

/// Moves every node of `src` to the front of `dst`, leaving `src` empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_move_all_front(
    dst: *mut aws_linked_list,
    src: *mut aws_linked_list,
) {
    guard::guard((), || {
        require(dst != src)?;
        // SAFETY: the caller lends two distinct lists.
        unsafe { splice(list_mut(dst)?, list_mut(src)?, false) };
        Ok(())
    })
}

/// Moves `src`'s nodes to the back (or front) of `dst` and empties `src`.
///
/// # Safety
/// Both lists and their nodes are valid.
unsafe fn splice(dst: &mut aws_linked_list, src: &mut aws_linked_list, back: bool) {
    if is_empty(src) {
        return;
    }
    let (first, last) = (src.head.next, src.tail.prev);
    let (before, after) = if back {
        (dst.tail.prev, ptr::from_mut(&mut dst.tail))
    } else {
        (ptr::from_mut(&mut dst.head), dst.head.next)
    };
    // SAFETY: every pointer here is a node of one of the two valid lists.
    unsafe {
        (*before).next = first;
        (*first).prev = before;
        (*last).next = after;
        (*after).prev = last;
    }
    init(src);
}

/// Whether `node` is linked both ways with its neighbours, i.e. is in a list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_linked_list_node_is_in_list(node: *mut aws_linked_list_node) -> bool {
    // SAFETY: the caller lends NULL or a node whose neighbours are valid.
    guard::guard(false, || {
        Ok(unsafe { prev_is_valid(node) && next_is_valid(node) })
    })
}

//! The state blocks behind the logging pipeline's C structs (`impl` of a writer, channel or
//! formatter, `p_impl` of a pipeline logger): Rust values placed in memory from the C
//! program's allocator, as upstream allocates them, so its memory tracer sees them.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::guard::Result;
use std::ffi::c_void;
use std::ptr;

/// Moves `value` into a fresh block from `allocator` and returns the block.
///
/// # Safety
/// `allocator` must be NULL or a valid allocator.
pub unsafe fn place<T>(allocator: *mut aws_allocator, value: T) -> Result<*mut c_void> {
    // SAFETY: forwarded caller contract; the allocator's blocks are aligned for any object.
    let block = unsafe { allocator::acquire(allocator, size_of::<T>()) }?.cast::<T>();
    unsafe { block.as_ptr().write(value) };
    Ok(block.as_ptr().cast())
}

/// Drops the value [`place`] put in `block` and gives the block back; NULL does nothing.
///
/// # Safety
/// `block` must be NULL or come from [`place`] with the same `T` and `allocator`, and not be
/// used afterwards.
pub unsafe fn unplace<T>(allocator: *mut aws_allocator, block: *mut c_void) {
    if block.is_null() {
        return;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        ptr::drop_in_place(block.cast::<T>());
        allocator::release(allocator, block);
    }
}

/// The value [`place`] put in `block`.
///
/// # Safety
/// `block` must be NULL or come from [`place`] with the same `T`, still placed.
pub unsafe fn state<'a, T>(block: *mut c_void) -> Result<&'a T> {
    // SAFETY: forwarded caller contract.
    unsafe { crate::ffi::guard::reference(block.cast::<T>()) }
}

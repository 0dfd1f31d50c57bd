//! `aws/common/allocator.h`, continued: the aligned allocators and `aws_mem_acquire_many`.
//!
//! `aws_aligned_allocator()` aligns blocks below 512 bytes on 8 bytes and larger ones on 64 (a
//! cache line), as upstream's does on x86-64; `aws_explicit_aligned_allocator_new(alignment)`
//! aligns every block on `alignment` (a power of two, at least a pointer's size). Both take
//! memory from `posix_memalign` and give it back with `free`.
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::guard::{self, Error, require};
use std::cell::UnsafeCell;
use std::ffi::c_void;
use std::ptr;

/// Below this size, the aligned allocator aligns on 8 bytes; from it on, on 64.
const SMALL: usize = 512;

/// The alignment `allocator` uses for a block of `size` bytes: its explicit one (in `impl`),
/// or the size-dependent default.
///
/// # Safety
/// `allocator` is one of this file's allocators.
unsafe fn alignment(allocator: *mut aws_allocator, size: usize) -> usize {
    // SAFETY: forwarded caller contract.
    match unsafe { (*allocator).r#impl } as usize {
        0 if size < SMALL => 8,
        0 => 64,
        explicit => explicit,
    }
}

unsafe extern "C" fn aligned_acquire(allocator: *mut aws_allocator, size: usize) -> *mut c_void {
    guard::ptr(|| {
        let mut p: *mut c_void = ptr::null_mut();
        // SAFETY: posix_memalign with a power-of-two alignment that is a multiple of a pointer.
        let rc = unsafe { libc::posix_memalign(&mut p, alignment(allocator, size), size.max(1)) };
        Ok(if rc == 0 { p } else { ptr::null_mut() })
    })
}

unsafe extern "C" fn aligned_release(_: *mut aws_allocator, p: *mut c_void) {
    guard::guard((), || {
        // SAFETY: the block came from posix_memalign (or is NULL).
        unsafe { libc::free(p) };
        Ok(())
    })
}

unsafe extern "C" fn aligned_realloc(
    allocator: *mut aws_allocator,
    old: *mut c_void,
    old_size: usize,
    new_size: usize,
) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: a fresh aligned block, then the old one's bytes copied and the old one freed.
        unsafe {
            let new = aligned_acquire(allocator, new_size);
            if !new.is_null() && !old.is_null() {
                ptr::copy_nonoverlapping(
                    old.cast::<u8>(),
                    new.cast::<u8>(),
                    old_size.min(new_size),
                );
                libc::free(old);
            }
            Ok(new)
        }
    })
}

unsafe extern "C" fn aligned_calloc(
    allocator: *mut aws_allocator,
    num: usize,
    size: usize,
) -> *mut c_void {
    guard::ptr(|| {
        let total = num.checked_mul(size).ok_or(guard::INVALID_ARGUMENT)?;
        // SAFETY: a fresh block of `total` bytes.
        unsafe {
            let p = aligned_acquire(allocator, total);
            if !p.is_null() {
                ptr::write_bytes(p.cast::<u8>(), 0, total);
            }
            Ok(p)
        }
    })
}

/// An aligned allocator's functions, with `impl_` its explicit alignment (0: by size).
const fn aligned(impl_: usize) -> aws_allocator {
    aws_allocator {
        mem_acquire: Some(aligned_acquire),
        mem_release: Some(aligned_release),
        mem_realloc: Some(aligned_realloc),
        mem_calloc: Some(aligned_calloc),
        r#impl: impl_ as *mut c_void,
    }
}

/// The process-wide aligned allocator, which C sees as a mutable struct; nothing writes it.
struct Shared(UnsafeCell<aws_allocator>);

// SAFETY: never written; its functions are thread-safe.
unsafe impl Sync for Shared {}

static ALIGNED: Shared = Shared(UnsafeCell::new(aligned(0)));

/// The allocator that aligns small blocks on 8 bytes and the rest on 64.
#[unsafe(no_mangle)]
pub extern "C" fn aws_aligned_allocator() -> *mut aws_allocator {
    guard::ptr(|| Ok(ALIGNED.0.get()))
}

/// A new allocator that aligns every block on `alignment` (a power of two, a multiple of a
/// pointer's size; anything else is `AWS_ERROR_INVALID_ARGUMENT`). Free it with
/// `aws_explicit_aligned_allocator_destroy`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_explicit_aligned_allocator_new(alignment: usize) -> *mut aws_allocator {
    guard::ptr(|| {
        require(alignment.is_power_of_two() && alignment % size_of::<*const c_void>() == 0)?;
        Ok(Box::into_raw(Box::new(aligned(alignment))))
    })
}

/// Frees an allocator made by `aws_explicit_aligned_allocator_new` (its blocks must be given
/// back first).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_explicit_aligned_allocator_destroy(aligned_alloc: *mut aws_allocator) {
    guard::guard((), || {
        require(!aligned_alloc.is_null() && aligned_alloc != ALIGNED.0.get())?;
        // SAFETY: it came from Box::into_raw in aws_explicit_aligned_allocator_new.
        drop(unsafe { Box::from_raw(aligned_alloc) });
        Ok(())
    })
}

/// Carves one block from `allocator` into the `count` pieces whose (out pointer, size) pairs
/// are at `pairs`: each piece starts on a 16-byte boundary and its out pointer is set; returns
/// the block (give it back with `aws_mem_release`), or NULL.
///
/// # Safety
/// `pairs` holds `count` pairs of (a `void **` to set, a `size_t`).
unsafe extern "C" fn acquire_many(
    allocator: *mut aws_allocator,
    count: usize,
    pairs: *const usize,
) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: the naked entry laid the pairs out at `pairs`.
        let pair = |i: usize| unsafe {
            (
                pairs.add(2 * i).read() as *mut *mut c_void,
                pairs.add(2 * i + 1).read(),
            )
        };
        let round = |n: usize| n.checked_add(15).map(|n| n & !15);
        let mut total = 0usize;
        for i in 0..count {
            let (out, size) = pair(i);
            require(!out.is_null())?;
            total = round(size)
                .and_then(|s| total.checked_add(s))
                .ok_or(Error::from(
                    crate::ffi::common::error::aws_common_error::AWS_ERROR_OVERFLOW_DETECTED,
                ))?;
        }
        let block = unsafe { allocator::acquire(allocator, total) }?.as_ptr();
        let mut at = block.cast::<u8>();
        for i in 0..count {
            let (out, size) = pair(i);
            // SAFETY: each piece lies within the block; `out` is the caller's pointer to set.
            unsafe {
                *out = at.cast();
                at = at.add(round(size).unwrap_or(0));
            }
        }
        Ok(block)
    })
}

/// `void *aws_mem_acquire_many(struct aws_allocator *allocator, size_t count, ...)`: the
/// variadic arguments are `count` pairs of `void **` and `size_t`. See [`acquire_many`].
/// cbindgen:ignore
#[unsafe(no_mangle)]
#[unsafe(naked)]
pub unsafe extern "C" fn aws_mem_acquire_many() -> *mut c_void {
    crate::naked_varargs_entry!(acquire_many)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::{aws_mem_acquire, aws_mem_release};

    #[test]
    fn blocks_are_aligned_by_size_or_explicitly() {
        unsafe {
            let a = aws_aligned_allocator();
            let small = aws_mem_acquire(a, 100);
            let big = aws_mem_acquire(a, SMALL);
            assert_eq!((small as usize % 8, big as usize % 64), (0, 0));
            aws_mem_release(a, small);
            aws_mem_release(a, big);
            let e = aws_explicit_aligned_allocator_new(256);
            let p = aws_mem_acquire(e, 1);
            assert_eq!(p as usize % 256, 0);
            aws_mem_release(e, p);
            aws_explicit_aligned_allocator_destroy(e);
            assert!(aws_explicit_aligned_allocator_new(0).is_null());
            assert!(aws_explicit_aligned_allocator_new(12).is_null());
        }
    }
}

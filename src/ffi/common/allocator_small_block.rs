//! `aws/common/allocator.h`, continued: the small block allocator, which serves blocks of up
//! to 512 bytes from 4 KiB pages it takes from a parent allocator (one free list per size
//! class: 32, 64, 128, 256, 512 bytes) and forwards larger ones to the parent. Every block
//! carries a 16-byte header saying where it came from, so giving back needs no search. Pages
//! are kept until the allocator is destroyed. Its state is always behind a mutex (the
//! `multi_threaded` flag only saves upstream a lock).
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; a small block
//! allocator pointer came from `aws_small_block_allocator_new`.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::guard::{self, Result, require};
use crate::runtime::lock::lock;
use std::ffi::c_void;
use std::ptr;
use std::sync::Mutex;

/// The page size the pools carve.
const PAGE: usize = 4096;
/// The size classes.
const BINS: [usize; 5] = [32, 64, 128, 256, 512];
/// The header before every block: its bin index, or [`LARGE`].
const HEADER: usize = 16;
/// A header's mark for a block forwarded to the parent.
const LARGE: usize = usize::MAX;

/// What a small block allocator's `impl` points at: its address tells one from other allocators.
static SBA_MARKER: u8 = 0;

/// The pools' state.
struct Pools {
    /// Free slots (their header addresses) per bin.
    free: [Vec<usize>; 5],
    /// Every page taken from the parent.
    pages: Vec<usize>,
    /// Bytes of small blocks in use, counted at their bin size.
    active: usize,
}

/// A small block allocator: the C-visible allocator first, so its address is the state's.
#[repr(C)]
struct Sba {
    allocator: aws_allocator,
    parent: *mut aws_allocator,
    pools: Mutex<Pools>,
}

/// The state behind a small block allocator.
///
/// # Safety
/// `a` came from `aws_small_block_allocator_new`.
unsafe fn sba<'a>(a: *mut aws_allocator) -> Result<&'a Sba> {
    // SAFETY: forwarded caller contract; `impl` marks this allocator kind, whose struct is an Sba.
    let a = unsafe { guard::reference(a) }?;
    require(ptr::eq(a.r#impl.cast_const().cast::<u8>(), &SBA_MARKER))?;
    Ok(unsafe { &*ptr::from_ref(a).cast::<Sba>() })
}

unsafe extern "C" fn sba_acquire(a: *mut aws_allocator, size: usize) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: this function is only installed in small block allocators.
        let s = unsafe { sba(a) }?;
        let Some(bin) = BINS.iter().position(|&b| size <= b) else {
            let total = size.checked_add(HEADER).ok_or(guard::INVALID_ARGUMENT)?;
            let block = unsafe { allocator::acquire(s.parent, total) }?
                .as_ptr()
                .cast::<u8>();
            // SAFETY: the block holds the header and `size` bytes.
            unsafe {
                block.cast::<usize>().write(LARGE);
                return Ok(block.add(HEADER).cast());
            }
        };
        let mut pools = lock(&s.pools);
        if pools.free[bin].is_empty() {
            let page = unsafe { allocator::acquire(s.parent, PAGE) }?.as_ptr() as usize;
            pools.pages.push(page);
            let slot = HEADER + BINS[bin];
            pools.free[bin].extend((0..PAGE / slot).map(|i| page + i * slot));
        }
        let header = pools.free[bin].pop().unwrap_or_default();
        pools.active += BINS[bin];
        // SAFETY: the slot lies within one of our pages, with room for header and block.
        unsafe {
            (header as *mut usize).write(bin);
            Ok((header + HEADER) as *mut c_void)
        }
    })
}

unsafe extern "C" fn sba_release(a: *mut aws_allocator, p: *mut c_void) {
    guard::guard((), || {
        if p.is_null() {
            return Ok(());
        }
        // SAFETY: this function is only installed in small block allocators; `p` came from it.
        let s = unsafe { sba(a) }?;
        let header = p as usize - HEADER;
        let bin = unsafe { (header as *const usize).read() };
        if bin == LARGE {
            unsafe { allocator::release(s.parent, header as *mut c_void) };
            return Ok(());
        }
        require(bin < BINS.len())?;
        let mut pools = lock(&s.pools);
        pools.active -= BINS[bin];
        pools.free[bin].push(header);
        Ok(())
    })
}

/// A new small block allocator in front of `allocator` (the parent). NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_small_block_allocator_new(
    allocator: *mut aws_allocator,
    multi_threaded: bool,
) -> *mut aws_allocator {
    guard::ptr(|| {
        let _ = multi_threaded;
        // SAFETY: the caller lends a parent allocator.
        unsafe { allocator::checked(allocator) }?;
        let s = Box::new(Sba {
            allocator: aws_allocator {
                mem_acquire: Some(sba_acquire),
                mem_release: Some(sba_release),
                mem_realloc: None,
                mem_calloc: None,
                r#impl: ptr::from_ref(&SBA_MARKER).cast_mut().cast(),
            },
            parent: allocator,
            pools: Mutex::new(Pools {
                free: Default::default(),
                pages: Vec::new(),
                active: 0,
            }),
        });
        Ok(Box::into_raw(s).cast())
    })
}

/// Gives every page back to the parent and frees the allocator (its blocks must be given back
/// first; large ones still out stay the parent's).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_small_block_allocator_destroy(sba_allocator: *mut aws_allocator) {
    guard::guard((), || {
        // SAFETY: the caller hands over an allocator made by aws_small_block_allocator_new.
        unsafe { sba(sba_allocator) }?;
        let s = unsafe { Box::from_raw(sba_allocator.cast::<Sba>()) };
        for &page in &lock(&s.pools).pages {
            unsafe { allocator::release(s.parent, page as *mut c_void) };
        }
        Ok(())
    })
}

/// Bytes of small blocks in use, counted at their size class.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_small_block_allocator_bytes_active(
    sba_allocator: *mut aws_allocator,
) -> usize {
    // SAFETY: the caller lends a small block allocator.
    guard::guard(0, || Ok(lock(&unsafe { sba(sba_allocator) }?.pools).active))
}

/// Bytes of pages taken from the parent.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_small_block_allocator_bytes_reserved(
    sba_allocator: *mut aws_allocator,
) -> usize {
    // SAFETY: the caller lends a small block allocator.
    guard::guard(0, || {
        Ok(lock(&unsafe { sba(sba_allocator) }?.pools).pages.len() * PAGE)
    })
}

/// The page size (4096).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_small_block_allocator_page_size(
    sba_allocator: *mut aws_allocator,
) -> usize {
    // SAFETY: the caller lends a small block allocator.
    guard::guard(0, || unsafe { sba(sba_allocator) }.map(|_| PAGE))
}

/// How much of a page blocks can use (here all of it: the headers are per block).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_small_block_allocator_page_size_available(
    sba_allocator: *mut aws_allocator,
) -> usize {
    // SAFETY: the caller lends a small block allocator.
    guard::guard(0, || unsafe { sba(sba_allocator) }.map(|_| PAGE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::{aws_default_allocator, aws_mem_acquire, aws_mem_release};
    use crate::ffi::common::error::aws_last_error;

    #[test]
    fn small_blocks_come_from_pages_and_are_reused() {
        unsafe {
            let s = aws_small_block_allocator_new(aws_default_allocator(), false);
            let a = aws_mem_acquire(s, 1);
            let b = aws_mem_acquire(s, 512);
            assert_eq!(aws_small_block_allocator_bytes_active(s), 32 + 512);
            assert_eq!(aws_small_block_allocator_bytes_reserved(s), 2 * PAGE);
            aws_mem_release(s, a);
            // The freed slot is the next one given out for its class.
            assert_eq!(aws_mem_acquire(s, 30), a);
            let big = aws_mem_acquire(s, 513);
            assert_eq!(aws_small_block_allocator_bytes_active(s), 32 + 512);
            aws_mem_release(s, big);
            aws_mem_release(s, a);
            aws_mem_release(s, b);
            assert_eq!(aws_small_block_allocator_bytes_active(s), 0);
            aws_small_block_allocator_destroy(s);
            // Another allocator is not a small block allocator.
            assert_eq!(
                aws_small_block_allocator_bytes_active(aws_default_allocator()),
                0
            );
            assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        }
    }
}

//! `aws/common/allocator.h`, continued: the small block allocator, which serves blocks of up
//! to 512 bytes from 4 KiB pages it takes from a parent allocator (one free list per size
//! class: 32, 64, 128, 256, 512 bytes) and forwards larger ones to the parent. As upstream's,
//! a page is aligned on its size and starts with a small header (so `page_size_available` is
//! the page less that header, and a page of class `n` holds `available / n` blocks); a block
//! finds its page by masking its address. Pages are taken from the parent over-sized, to align
//! them; a page whose blocks are all free goes back to the parent unless it is its class's
//! last. The state is always behind a mutex (the `multi_threaded` flag only saves upstream a
//! lock).
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; a small block
//! allocator pointer came from `aws_small_block_allocator_new`.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::guard::{self, Result, require};
use crate::runtime::lock::lock;
use std::collections::HashSet;
use std::ffi::c_void;
use std::ptr;
use std::sync::Mutex;

/// The page size the pools carve (and align pages on).
const PAGE: usize = 4096;
/// The size classes.
const BINS: [usize; 5] = [32, 64, 128, 256, 512];
/// The header at the start of each page: the parent's block the page lies in, its class, and
/// how many of its blocks are in use.
const HEADER: usize = 3 * size_of::<usize>();

/// What a small block allocator's `impl` points at: its address tells one from other allocators.
static SBA_MARKER: u8 = 0;

/// The pools' state.
struct Pools {
    /// Free blocks per class.
    free: [Vec<usize>; 5],
    /// Every page's (aligned) address.
    pages: HashSet<usize>,
    /// How many pages each class has.
    pages_per_bin: [usize; 5],
    /// Bytes of small blocks in use, counted at their class size.
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

/// Takes a page for class `bin` from the parent and puts its blocks on the free list.
///
/// # Safety
/// `parent` is a valid allocator.
unsafe fn add_page(parent: *mut aws_allocator, pools: &mut Pools, bin: usize) -> Result<()> {
    // Twice the page size, so an aligned page fits whatever address the parent gives.
    // SAFETY: forwarded caller contract.
    let block = unsafe { allocator::acquire(parent, 2 * PAGE) }?.as_ptr() as usize;
    let page = (block + PAGE - 1) & !(PAGE - 1);
    // SAFETY: the page and its header lie within the parent's block.
    unsafe {
        (page as *mut usize).write(block);
        (page as *mut usize).add(1).write(bin);
        (page as *mut usize).add(2).write(0);
    }
    pools.pages.insert(page);
    pools.pages_per_bin[bin] += 1;
    let size = BINS[bin];
    pools.free[bin].extend(
        (0..(PAGE - HEADER) / size)
            .rev()
            .map(|i| page + HEADER + i * size),
    );
    Ok(())
}

unsafe extern "C" fn sba_acquire(a: *mut aws_allocator, size: usize) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: this function is only installed in small block allocators.
        let s = unsafe { sba(a) }?;
        let Some(bin) = BINS.iter().position(|&b| size <= b) else {
            return Ok(unsafe { allocator::acquire(s.parent, size) }?.as_ptr());
        };
        let mut pools = lock(&s.pools);
        if pools.free[bin].is_empty() {
            unsafe { add_page(s.parent, &mut pools, bin) }?;
        }
        let block = pools.free[bin].pop().unwrap_or_default();
        pools.active += BINS[bin];
        // SAFETY: the block lies in one of our pages, whose header counts its blocks in use.
        unsafe { *((block & !(PAGE - 1)) as *mut usize).add(2) += 1 };
        Ok(block as *mut c_void)
    })
}

unsafe extern "C" fn sba_release(a: *mut aws_allocator, p: *mut c_void) {
    guard::guard((), || {
        if p.is_null() {
            return Ok(());
        }
        // SAFETY: this function is only installed in small block allocators; `p` came from it.
        let s = unsafe { sba(a) }?;
        let page = p as usize & !(PAGE - 1);
        let mut pools = lock(&s.pools);
        if !pools.pages.contains(&page) {
            drop(pools);
            unsafe { allocator::release(s.parent, p) };
            return Ok(());
        }
        // SAFETY: one of our pages, whose header holds its class.
        let bin = unsafe { (page as *const usize).add(1).read() };
        require(bin < BINS.len())?;
        pools.active -= BINS[bin];
        pools.free[bin].push(p as usize);
        // SAFETY: as above.
        let in_use = unsafe { &mut *(page as *mut usize).add(2) };
        *in_use -= 1;
        if *in_use == 0 && pools.pages_per_bin[bin] > 1 {
            pools.free[bin].retain(|&b| b & !(PAGE - 1) != page);
            pools.pages.remove(&page);
            pools.pages_per_bin[bin] -= 1;
            // SAFETY: the page header holds the parent's block it lies in; nothing in it is used.
            unsafe { allocator::release(s.parent, (page as *const usize).read() as *mut c_void) };
        }
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
                pages: HashSet::new(),
                pages_per_bin: [0; 5],
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
            // SAFETY: the page header holds the parent's block it lies in.
            unsafe { allocator::release(s.parent, (page as *const usize).read() as *mut c_void) };
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

/// How much of a page blocks can use: the page less its header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_small_block_allocator_page_size_available(
    sba_allocator: *mut aws_allocator,
) -> usize {
    // SAFETY: the caller lends a small block allocator.
    guard::guard(0, || unsafe { sba(sba_allocator) }.map(|_| PAGE - HEADER))
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
            // A class's second page goes back once all its blocks are free; its last stays.
            let per_page = aws_small_block_allocator_page_size_available(s) / 512;
            let blocks: Vec<_> = (0..=per_page).map(|_| aws_mem_acquire(s, 512)).collect();
            assert_eq!(aws_small_block_allocator_bytes_reserved(s), 3 * PAGE);
            for b in blocks {
                aws_mem_release(s, b);
            }
            assert_eq!(aws_small_block_allocator_bytes_reserved(s), 2 * PAGE);
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

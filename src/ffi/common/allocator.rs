//! `aws/common/allocator.h`: the allocator interface, the default (malloc) allocator and the
//! `aws_mem_*` calls, which report misuse and exhaustion as errors instead of aborting.
//! Memory the library hands to a caller always comes from that caller's allocator, through
//! [`acquire`], [`calloc`], [`reallocate`] and [`release`].
//!
//! The memory tracer's exported functions are here too (upstream declares them in this header);
//! its bookkeeping lives in `ffi::memtrace`.

use crate::ffi::common::error::aws_common_error::{AWS_ERROR_OOM, AWS_ERROR_OVERFLOW_DETECTED};
use crate::ffi::guard::{self, Result, require};
use crate::ffi::memtrace::Tracer;
use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void};
use std::ptr::{self, NonNull};

/// A source of memory: four functions and their state. Upstream's `struct aws_allocator`.
#[repr(C)]
pub struct aws_allocator {
    /// Returns `size` bytes, or NULL.
    pub mem_acquire:
        Option<unsafe extern "C" fn(allocator: *mut aws_allocator, size: usize) -> *mut c_void>,
    /// Gives back memory `mem_acquire`, `mem_realloc` or `mem_calloc` returned.
    pub mem_release: Option<unsafe extern "C" fn(allocator: *mut aws_allocator, ptr: *mut c_void)>,
    /// Optional: resizes a block, or returns NULL and leaves it as it was.
    pub mem_realloc: Option<
        unsafe extern "C" fn(
            allocator: *mut aws_allocator,
            oldptr: *mut c_void,
            oldsize: usize,
            newsize: usize,
        ) -> *mut c_void,
    >,
    /// Optional: returns `num * size` zeroed bytes, or NULL.
    pub mem_calloc: Option<
        unsafe extern "C" fn(allocator: *mut aws_allocator, num: usize, size: usize) -> *mut c_void,
    >,
    /// The allocator's own state.
    pub r#impl: *mut c_void,
}

unsafe extern "C" fn default_acquire(_: *mut aws_allocator, size: usize) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: plain malloc.
        Ok(unsafe { libc::malloc(size) })
    })
}

unsafe extern "C" fn default_release(_: *mut aws_allocator, ptr: *mut c_void) {
    guard::guard((), || {
        // SAFETY: ptr came from this allocator's malloc/realloc/calloc.
        unsafe { libc::free(ptr) };
        Ok(())
    })
}

unsafe extern "C" fn default_realloc(
    _: *mut aws_allocator,
    ptr: *mut c_void,
    _: usize,
    newsize: usize,
) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: ptr came from this allocator (or is NULL).
        Ok(unsafe { libc::realloc(ptr, newsize) })
    })
}

unsafe extern "C" fn default_calloc(_: *mut aws_allocator, num: usize, size: usize) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: plain calloc.
        Ok(unsafe { libc::calloc(num, size) })
    })
}

/// The default allocator lives in a static that C sees as a mutable struct; nothing writes it.
struct SharedAllocator(UnsafeCell<aws_allocator>);

// SAFETY: the default allocator is never written after initialisation and its functions are
// thread-safe (malloc and friends).
unsafe impl Sync for SharedAllocator {}

static DEFAULT: SharedAllocator = SharedAllocator(UnsafeCell::new(aws_allocator {
    mem_acquire: Some(default_acquire),
    mem_release: Some(default_release),
    mem_realloc: Some(default_realloc),
    mem_calloc: Some(default_calloc),
    r#impl: ptr::null_mut(),
}));

/// The process-wide allocator backed by malloc, realloc, calloc and free.
#[unsafe(no_mangle)]
pub extern "C" fn aws_default_allocator() -> *mut aws_allocator {
    guard::ptr(|| Ok(DEFAULT.0.get()))
}

/// True when `alloc` is non-NULL and has the two functions every allocator needs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_allocator_is_valid(alloc: *const aws_allocator) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a valid allocator or NULL.
        let alloc = unsafe { alloc.as_ref() };
        Ok(alloc.is_some_and(|a| a.mem_acquire.is_some() && a.mem_release.is_some()))
    })
}

/// Allocates `size` (non-zero) bytes from `allocator`. NULL with `AWS_ERROR_INVALID_ARGUMENT`
/// for a NULL or incomplete allocator or a zero size, with `AWS_ERROR_OOM` when it has no memory.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_acquire(
    allocator: *mut aws_allocator,
    size: usize,
) -> *mut c_void {
    // SAFETY: forwarded caller contract.
    guard::ptr(|| unsafe { acquire(allocator, size) }.map(|p| p.as_ptr()))
}

/// Allocates `num * size` zeroed bytes from `allocator`; `AWS_ERROR_OVERFLOW_DETECTED` when the
/// product overflows, otherwise as [`aws_mem_acquire`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_calloc(
    allocator: *mut aws_allocator,
    num: usize,
    size: usize,
) -> *mut c_void {
    // SAFETY: forwarded caller contract.
    guard::ptr(|| unsafe { calloc(allocator, num, size) }.map(|p| p.as_ptr()))
}

/// Gives `ptr` back to `allocator`. A NULL `ptr` does nothing; a NULL or incomplete allocator
/// raises `AWS_ERROR_INVALID_ARGUMENT` and frees nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_release(allocator: *mut aws_allocator, ptr: *mut c_void) {
    // SAFETY: forwarded caller contract.
    guard::guard((), || {
        unsafe { checked(allocator) }?;
        unsafe { release(allocator, ptr) };
        Ok(())
    })
}

/// Resizes `*ptr` from `oldsize` to `newsize` bytes, updating `*ptr`. A `newsize` of 0 frees the
/// block and sets `*ptr` to NULL. On failure `*ptr` is left as it was.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_realloc(
    allocator: *mut aws_allocator,
    ptr: *mut *mut c_void,
    oldsize: usize,
    newsize: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the slot holding the block's address.
        let slot = unsafe { guard::mutable(ptr) }?;
        // SAFETY: *slot came from `allocator` with `oldsize` bytes.
        *slot = unsafe { reallocate(allocator, *slot, oldsize, newsize) }?;
        Ok(())
    })
}

/// The allocator behind a caller's pointer, checked to have the functions every allocator needs.
///
/// # Safety
/// A non-NULL `allocator` must point to a valid `aws_allocator`.
pub unsafe fn checked<'a>(allocator: *mut aws_allocator) -> Result<&'a aws_allocator> {
    // SAFETY: forwarded caller contract.
    let a = unsafe { guard::reference(allocator) }?;
    require(a.mem_acquire.is_some() && a.mem_release.is_some())?;
    Ok(a)
}

/// Allocates `size` bytes from the caller's allocator.
///
/// # Safety
/// A non-NULL `allocator` must point to a valid `aws_allocator`.
pub unsafe fn acquire(allocator: *mut aws_allocator, size: usize) -> Result<NonNull<c_void>> {
    // SAFETY: forwarded caller contract.
    let a = unsafe { checked(allocator) }?;
    require(size != 0)?;
    let f = a.mem_acquire.expect("checked");
    // SAFETY: the allocator's own function, called as its contract says.
    NonNull::new(unsafe { f(allocator, size) }).ok_or(AWS_ERROR_OOM.into())
}

/// Allocates `num * size` zeroed bytes from the caller's allocator.
///
/// # Safety
/// A non-NULL `allocator` must point to a valid `aws_allocator`.
pub unsafe fn calloc(
    allocator: *mut aws_allocator,
    num: usize,
    size: usize,
) -> Result<NonNull<c_void>> {
    // SAFETY: forwarded caller contract.
    let a = unsafe { checked(allocator) }?;
    require(num != 0 && size != 0)?;
    let total = num
        .checked_mul(size)
        .ok_or(guard::Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
    if let Some(f) = a.mem_calloc {
        // SAFETY: the allocator's own function.
        return NonNull::new(unsafe { f(allocator, num, size) }).ok_or(AWS_ERROR_OOM.into());
    }
    // SAFETY: forwarded; the block has `total` writable bytes.
    let block = unsafe { acquire(allocator, total) }?;
    unsafe { ptr::write_bytes(block.as_ptr().cast::<u8>(), 0, total) };
    Ok(block)
}

/// Gives a block back to the caller's allocator; NULL does nothing.
///
/// # Safety
/// `ptr` must be NULL or a live block from `allocator`.
pub unsafe fn release(allocator: *mut aws_allocator, ptr: *mut c_void) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: forwarded caller contract.
    if let Some(f) = unsafe { allocator.as_ref() }.and_then(|a| a.mem_release) {
        unsafe { f(allocator, ptr) };
    }
}

/// Resizes a block of the caller's allocator, returning its new address (NULL for size 0).
/// Without a `mem_realloc`, as upstream: a shrink keeps the block, a growth moves the bytes to a
/// new block whose added bytes are zeroed. On error the old block is untouched.
///
/// # Safety
/// `ptr` must be NULL or a live block of `oldsize` bytes from `allocator`.
pub unsafe fn reallocate(
    allocator: *mut aws_allocator,
    ptr: *mut c_void,
    oldsize: usize,
    newsize: usize,
) -> Result<*mut c_void> {
    // SAFETY: forwarded caller contract.
    let a = unsafe { checked(allocator) }?;
    if newsize == 0 {
        unsafe { release(allocator, ptr) };
        return Ok(ptr::null_mut());
    }
    if let Some(f) = a.mem_realloc {
        // SAFETY: the allocator's own function.
        let moved = unsafe { f(allocator, ptr, oldsize, newsize) };
        return if moved.is_null() {
            Err(AWS_ERROR_OOM.into())
        } else {
            Ok(moved)
        };
    }
    if !ptr.is_null() && oldsize >= newsize {
        return Ok(ptr);
    }
    let kept = if ptr.is_null() { 0 } else { oldsize };
    // SAFETY: forwarded; copies the `kept` < `newsize` live bytes and zeroes the rest.
    let block = unsafe { acquire(allocator, newsize) }?
        .as_ptr()
        .cast::<u8>();
    unsafe {
        if kept > 0 {
            ptr::copy_nonoverlapping(ptr.cast::<u8>(), block, kept);
        }
        ptr::write_bytes(block.add(kept), 0, newsize - kept);
        release(allocator, ptr);
    }
    Ok(block.cast())
}

/// How much the memory tracer records.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mem_trace_level {
    /// Nothing: the tracer only forwards.
    AWS_MEMTRACE_NONE = 0,
    /// The size of every live allocation.
    AWS_MEMTRACE_BYTES = 1,
    /// The size and the allocating stack of every live allocation.
    AWS_MEMTRACE_STACKS = 2,
}

/// A C `enum aws_mem_trace_level` received from the caller.
pub type aws_mem_trace_level_raw = c_int;

crate::c_enum!(aws_mem_trace_level);

/// Wraps `allocator` in a tracer that records live allocations at `level`, keeping up to
/// `frames_per_stack` frames per stack (0 means 8) at `AWS_MEMTRACE_STACKS`. `deprecated` is
/// ignored, as upstream ignores it. The tracer's own memory does not come from `allocator`
/// (upstream takes it from the default allocator), so `allocator` sees only traced blocks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_tracer_new(
    allocator: *mut aws_allocator,
    deprecated: *mut aws_allocator,
    level: aws_mem_trace_level_raw,
    frames_per_stack: usize,
) -> *mut aws_allocator {
    guard::ptr(|| {
        let _ = deprecated;
        let level: aws_mem_trace_level = guard::enum_value(level)?;
        // SAFETY: forwarded caller contract.
        unsafe { checked(allocator) }?;
        Ok(Tracer::new(allocator, level, frames_per_stack).into_raw())
    })
}

/// The tracer behind a caller's pointer; NULL, or anything but a live tracer from
/// [`aws_mem_tracer_new`], is `AWS_ERROR_INVALID_ARGUMENT`.
///
/// # Safety
/// The tracer must not be destroyed while the returned reference is in use.
unsafe fn tracer<'a>(trace_allocator: *mut aws_allocator) -> Result<&'a Tracer> {
    require(Tracer::is_live(trace_allocator))?;
    // SAFETY: a live tracer's allocator is the first field of its repr(C) Tracer.
    Ok(unsafe { &*trace_allocator.cast::<Tracer>() })
}

/// Frees the tracer and returns the allocator it wrapped. Blocks still live stay allocated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_tracer_destroy(
    trace_allocator: *mut aws_allocator,
) -> *mut aws_allocator {
    guard::ptr(|| {
        // SAFETY: the caller no longer uses the tracer, as the API requires.
        unsafe { Tracer::destroy(trace_allocator) }.ok_or(guard::INVALID_ARGUMENT)
    })
}

/// Logs every live allocation (with its stack at `AWS_MEMTRACE_STACKS`) at TRACE level on
/// `AWS_LS_COMMON_MEMTRACE`; nothing when none is live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_tracer_dump(trace_allocator: *mut aws_allocator) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        for line in unsafe { tracer(trace_allocator) }?.report() {
            crate::aws_log!(AWS_LL_TRACE, AWS_LS_COMMON_MEMTRACE, "{line}");
        }
        Ok(())
    })
}

/// Bytes in the tracer's live allocations (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_tracer_bytes(trace_allocator: *mut aws_allocator) -> usize {
    // SAFETY: forwarded caller contract.
    guard::guard(0, || Ok(unsafe { tracer(trace_allocator) }?.bytes()))
}

/// Number of the tracer's live allocations (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mem_tracer_count(trace_allocator: *mut aws_allocator) -> usize {
    // SAFETY: forwarded caller contract.
    guard::guard(0, || Ok(unsafe { tracer(trace_allocator) }?.count()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_last_error;

    #[test]
    fn the_default_allocator_round_trips_a_block() {
        let a = aws_default_allocator();
        unsafe {
            let mut p = aws_mem_calloc(a, 4, 8);
            assert!(!p.is_null());
            assert_eq!(*(p as *const u64), 0);
            assert_eq!(aws_mem_realloc(a, &mut p, 32, 4096), 0);
            assert_eq!(aws_mem_realloc(a, &mut p, 4096, 0), 0);
            assert!(p.is_null());
        }
    }

    #[test]
    fn misuse_is_an_error_not_an_abort() {
        unsafe {
            assert!(aws_mem_acquire(ptr::null_mut(), 8).is_null());
            assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
            assert!(aws_mem_acquire(aws_default_allocator(), 0).is_null());
            assert!(aws_mem_calloc(aws_default_allocator(), usize::MAX, 2).is_null());
            assert_eq!(aws_last_error(), AWS_ERROR_OVERFLOW_DETECTED as c_int);
            aws_mem_release(ptr::null_mut(), ptr::null_mut());
        }
    }

    #[test]
    fn the_tracer_counts_live_blocks_and_bytes() {
        unsafe {
            let t = aws_mem_tracer_new(aws_default_allocator(), ptr::null_mut(), 2, 0);
            assert!(!t.is_null());
            let a = aws_mem_acquire(t, 100);
            let mut b = aws_mem_calloc(t, 3, 10);
            assert_eq!((aws_mem_tracer_bytes(t), aws_mem_tracer_count(t)), (130, 2));
            assert_eq!(aws_mem_realloc(t, &mut b, 30, 50), 0);
            assert_eq!((aws_mem_tracer_bytes(t), aws_mem_tracer_count(t)), (150, 2));
            aws_mem_release(t, a);
            aws_mem_release(t, b);
            assert_eq!((aws_mem_tracer_bytes(t), aws_mem_tracer_count(t)), (0, 0));
            assert_eq!(aws_mem_tracer_destroy(t), aws_default_allocator());
        }
    }

    #[test]
    fn a_tracer_refuses_an_unknown_level() {
        unsafe {
            assert!(aws_mem_tracer_new(aws_default_allocator(), ptr::null_mut(), 9, 0).is_null());
            assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        }
    }
}

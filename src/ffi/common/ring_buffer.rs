//! `aws/common/ring_buffer.h`: upstream's ring of bytes that lends out byte buffers, safe without
//! a lock for one thread acquiring and one releasing, in the same order. `head` (where the next
//! buffer starts; written only by the acquiring thread) and `tail` (the start of the oldest
//! buffer still lent; written by the releasing thread) are atomic pointers into the allocation.
//! head == tail means nothing is lent; a wrapped head stays at least one byte behind the tail,
//! so that a full ring never looks empty.
//!
//! The acquire calls follow upstream's choices byte for byte (prefer the space after the head,
//! then wrap), and fail with `AWS_ERROR_OOM` when no space fits. Misuse upstream asserts on
//! raises `AWS_ERROR_INVALID_ARGUMENT`.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; buffers released are the ones acquired, in order.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::atomics::aws_atomic_var;
use crate::ffi::common::byte_buf::aws_byte_buf;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_OOM;
use crate::ffi::guard::{self, Result, require};
use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

/// The ring (upstream's `struct aws_ring_buffer`).
#[repr(C)]
pub struct aws_ring_buffer {
    /// Where `allocation` came from.
    pub allocator: *mut aws_allocator,
    /// The ring's bytes.
    pub allocation: *mut u8,
    /// Where the next buffer starts (a `uint8_t *`).
    pub head: aws_atomic_var,
    /// The start of the oldest buffer still lent (a `uint8_t *`).
    pub tail: aws_atomic_var,
    /// One past the ring's last byte.
    pub allocation_end: *mut u8,
}

impl aws_ring_buffer {
    fn head(&self) -> *mut u8 {
        self.head.as_ptr().load(Relaxed).cast()
    }

    fn tail(&self) -> *mut u8 {
        self.tail.as_ptr().load(Acquire).cast()
    }

    fn set_head(&self, p: *mut u8) {
        self.head.as_ptr().store(p.cast(), Relaxed);
    }

    /// Whether `p` points into the allocation (its end included).
    fn holds(&self, p: *const u8) -> bool {
        !p.is_null() && p >= self.allocation.cast_const() && p <= self.allocation_end.cast_const()
    }

    /// Upstream's shape rule.
    fn is_valid(&self) -> bool {
        let (head, tail) = (self.head(), self.tail());
        !self.allocation.is_null()
            && !self.allocator.is_null()
            && self.holds(head)
            && self.holds(tail)
            && (head != self.allocation || tail == self.allocation)
    }

    /// Lends `len` bytes at `at` as an empty buffer and moves the head past them.
    fn vend(&self, at: *mut u8, len: usize) -> aws_byte_buf {
        self.set_head(at.wrapping_add(len));
        aws_byte_buf {
            len: 0,
            buffer: at,
            capacity: len,
            allocator: ptr::null_mut(),
        }
    }

    /// The ring's whole size.
    fn size(&self) -> usize {
        self.allocation_end as usize - self.allocation as usize
    }

    /// Lends at least `min` and at most `want` bytes (exactly `want` when `min == want`), as
    /// upstream chooses them.
    fn acquire(&self, min: usize, want: usize) -> Result<aws_byte_buf> {
        let (tail, head) = (self.tail(), self.head());
        if head == tail {
            // Nothing is lent: start over at the beginning.
            let size = self.size().min(want);
            if size < min {
                return Err(AWS_ERROR_OOM.into());
            }
            self.tail.as_ptr().store(self.allocation.cast(), Release);
            return Ok(self.vend(self.allocation, size));
        }
        if tail > head {
            // Wrapped: the space up to one byte before the tail.
            let space = (tail as usize - head as usize - 1).min(want);
            if space >= min {
                return Ok(self.vend(head, space));
            }
            return Err(AWS_ERROR_OOM.into());
        }
        let head_space = self.allocation_end as usize - head as usize;
        let tail_space = tail as usize - self.allocation as usize;
        if head_space >= want {
            return Ok(self.vend(head, want));
        }
        if tail_space > want {
            return Ok(self.vend(self.allocation, want));
        }
        if min < want {
            if head_space >= min && head_space >= tail_space {
                return Ok(self.vend(head, head_space));
            }
            if tail_space > min {
                return Ok(self.vend(self.allocation, tail_space - 1));
            }
        }
        Err(AWS_ERROR_OOM.into())
    }
}

/// The ring a caller lent, checked to be set up.
///
/// # Safety
/// A non-NULL `ring` must point to a valid ring.
unsafe fn ring_arg<'a>(ring: *const aws_ring_buffer) -> Result<&'a aws_ring_buffer> {
    // SAFETY: forwarded caller contract.
    let r = unsafe { guard::reference(ring) }?;
    require(r.is_valid())?;
    Ok(r)
}

/// Sets up a ring of `size` bytes from `allocator`. On failure the ring is left zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_init(
    ring_buf: *mut aws_ring_buffer,
    allocator: *mut aws_allocator,
    size: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a ring to set up and an allocator.
        let r = unsafe { guard::mutable(ring_buf) }?;
        // SAFETY: all-zero is the cleaned-up ring.
        *r = unsafe { std::mem::zeroed() };
        require(size > 0)?;
        let allocation = unsafe { allocator::acquire(allocator, size) }?
            .as_ptr()
            .cast::<u8>();
        r.allocator = allocator;
        r.allocation = allocation;
        r.head.as_ptr().store(allocation.cast(), Relaxed);
        r.tail.as_ptr().store(allocation.cast(), Relaxed);
        r.allocation_end = allocation.wrapping_add(size);
        Ok(())
    })
}

/// Frees the ring's bytes and zeroes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_clean_up(ring_buf: *mut aws_ring_buffer) {
    guard::guard((), || {
        // SAFETY: the caller lends a ring.
        let r = unsafe { guard::mutable(ring_buf) }?;
        if !r.allocation.is_null() {
            // SAFETY: the bytes came from the ring's allocator.
            unsafe { allocator::release(r.allocator, r.allocation.cast::<c_void>()) };
        }
        // SAFETY: all-zero is the cleaned-up ring.
        *r = unsafe { std::mem::zeroed() };
        Ok(())
    })
}

/// Lends exactly `requested_size` bytes as the empty buffer `*dest`; `AWS_ERROR_OOM` when they
/// do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_acquire(
    ring_buf: *mut aws_ring_buffer,
    requested_size: usize,
    dest: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a ring and a buffer to fill.
        let r = unsafe { ring_arg(ring_buf) }?;
        let out = unsafe { guard::mutable(dest) }?;
        require(requested_size > 0)?;
        *out = r.acquire(requested_size, requested_size)?;
        Ok(())
    })
}

/// Lends `requested_size` bytes, or as many as fit when they do not, but at least
/// `minimum_size`; `AWS_ERROR_OOM` when not even those fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_acquire_up_to(
    ring_buf: *mut aws_ring_buffer,
    minimum_size: usize,
    requested_size: usize,
    dest: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a ring and a buffer to fill.
        let r = unsafe { ring_arg(ring_buf) }?;
        let out = unsafe { guard::mutable(dest) }?;
        require(requested_size > 0 && minimum_size > 0 && minimum_size <= requested_size)?;
        *out = r.acquire(minimum_size, requested_size)?;
        Ok(())
    })
}

/// Gives `buf` (the oldest buffer still lent) back and zeroes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_release(
    ring_buffer: *mut aws_ring_buffer,
    buf: *mut aws_byte_buf,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a ring and a buffer it vended. Only the buffer is checked:
        // the acquiring thread may be moving the head meanwhile, so the ring's shape check
        // (which reads the head) could see a passing state.
        let r = unsafe { guard::reference(ring_buffer) }?;
        let b = unsafe { guard::mutable(buf) }?;
        require(belongs(r, b))?;
        r.tail
            .as_ptr()
            .store(b.buffer.wrapping_add(b.capacity).cast(), Release);
        *b = aws_byte_buf {
            len: 0,
            buffer: ptr::null_mut(),
            capacity: 0,
            allocator: ptr::null_mut(),
        };
        Ok(())
    })
}

/// Whether `buf`'s storage lies within the ring's bytes.
fn belongs(r: &aws_ring_buffer, b: &aws_byte_buf) -> bool {
    !b.buffer.is_null()
        && !r.allocation.is_null()
        && b.buffer >= r.allocation
        && (b.buffer as usize)
            .checked_add(b.capacity)
            .is_some_and(|end| end <= r.allocation_end as usize)
}

/// Whether `buf`'s storage lies within the ring's bytes (it was vended by this ring).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_buf_belongs_to_pool(
    ring_buffer: *const aws_ring_buffer,
    buf: *const aws_byte_buf,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a ring and a buffer.
        let (r, b) = unsafe { (guard::reference(ring_buffer)?, guard::reference(buf)?) };
        Ok(belongs(r, b))
    })
}

/// Whether `atomic_ptr` points into the ring's bytes (their end included).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_check_atomic_ptr(
    ring_buf: *const aws_ring_buffer,
    atomic_ptr: *const u8,
) -> bool {
    // SAFETY: the caller lends a ring.
    guard::guard(false, || {
        Ok(unsafe { guard::reference(ring_buf) }?.holds(atomic_ptr))
    })
}

/// Whether nothing is lent.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_is_empty(ring_buf: *const aws_ring_buffer) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a ring.
        let r = unsafe { guard::reference(ring_buf) }?;
        Ok(r.head() == r.tail())
    })
}

/// Whether the ring is set up and its head and tail are within it. NULL is not; nothing is
/// raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ring_buffer_is_valid(ring_buf: *const aws_ring_buffer) -> bool {
    // SAFETY: the caller lends NULL or a ring.
    guard::guard(false, || {
        Ok(unsafe { ring_buf.as_ref() }.is_some_and(aws_ring_buffer::is_valid))
    })
}

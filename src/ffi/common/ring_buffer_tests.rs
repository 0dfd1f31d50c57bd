//! Tests of `aws/common/ring_buffer.h`: the lending order upstream's code follows (after the
//! head first, then wrapping, one byte kept between a wrapped head and the tail), releases in
//! order, and the errors of a full ring or a misused one.

use super::ring_buffer::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_buf;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_OOM;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, OP_ERR, OP_SUCCESS};
use std::ffi::c_int;
use std::ptr;

fn empty_buf() -> aws_byte_buf {
    aws_byte_buf {
        len: 0,
        buffer: ptr::null_mut(),
        capacity: 0,
        allocator: ptr::null_mut(),
    }
}

fn ring(size: usize) -> aws_ring_buffer {
    let mut r = unsafe { std::mem::zeroed::<aws_ring_buffer>() };
    assert_eq!(
        unsafe { aws_ring_buffer_init(&mut r, aws_default_allocator(), size) },
        OP_SUCCESS
    );
    r
}

/// Acquires `n` bytes; the offset of the buffer in the ring, or None when it failed.
fn take(r: &mut aws_ring_buffer, n: usize) -> Option<(usize, aws_byte_buf)> {
    let mut b = empty_buf();
    if unsafe { aws_ring_buffer_acquire(r, n, &mut b) } != OP_SUCCESS {
        assert_eq!(aws_last_error(), AWS_ERROR_OOM as c_int);
        return None;
    }
    assert_eq!((b.len, b.capacity), (0, n));
    assert!(unsafe { aws_ring_buffer_buf_belongs_to_pool(r, &b) });
    Some((b.buffer as usize - r.allocation as usize, b))
}

#[test]
fn buffers_wrap_around_and_come_back_in_order() {
    let mut r = ring(16);
    unsafe {
        assert!(aws_ring_buffer_is_empty(&r));
        let (at_a, mut a) = take(&mut r, 8).unwrap();
        let (at_b, mut b) = take(&mut r, 8).unwrap();
        assert_eq!((at_a, at_b), (0, 8));
        assert!(take(&mut r, 1).is_none());
        aws_ring_buffer_release(&mut r, &mut a);
        assert!(a.buffer.is_null());
        // Wraps to the start: 8 bytes free before the tail, of which at most 7 can be lent.
        assert!(take(&mut r, 8).is_none());
        let (at_c, mut c) = take(&mut r, 4).unwrap();
        assert_eq!(at_c, 0);
        let (at_d, mut d) = take(&mut r, 3).unwrap();
        assert_eq!(at_d, 4);
        assert!(take(&mut r, 1).is_none());
        aws_ring_buffer_release(&mut r, &mut b);
        aws_ring_buffer_release(&mut r, &mut c);
        aws_ring_buffer_release(&mut r, &mut d);
        assert!(aws_ring_buffer_is_empty(&r));
        assert!(aws_ring_buffer_is_valid(&r));
        // Empty again: the whole ring is available from the start.
        let (at_e, _) = take(&mut r, 16).unwrap();
        assert_eq!(at_e, 0);
        assert!(take(&mut r, 17).is_none());
        aws_ring_buffer_clean_up(&mut r);
        assert!(r.allocation.is_null());
    }
}

#[test]
fn acquire_up_to_lends_what_fits() {
    let mut r = ring(10);
    let mut b = empty_buf();
    unsafe {
        assert_eq!(
            aws_ring_buffer_acquire_up_to(&mut r, 1, 32, &mut b),
            OP_SUCCESS
        );
        assert_eq!(b.capacity, 10);
        aws_ring_buffer_release(&mut r, &mut b);
        let (_, mut first) = take(&mut r, 6).unwrap();
        assert_eq!(
            aws_ring_buffer_acquire_up_to(&mut r, 2, 8, &mut b),
            OP_SUCCESS
        );
        assert_eq!(b.capacity, 4);
        aws_ring_buffer_release(&mut r, &mut first);
        let mut c = empty_buf();
        // Head at the end, tail at 6: up to 5 bytes at the start.
        assert_eq!(
            aws_ring_buffer_acquire_up_to(&mut r, 2, 8, &mut c),
            OP_SUCCESS
        );
        assert_eq!(
            (c.buffer as usize - r.allocation as usize, c.capacity),
            (0, 5)
        );
        assert_eq!(aws_ring_buffer_acquire_up_to(&mut r, 1, 8, &mut c), OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_OOM as c_int);
        aws_ring_buffer_clean_up(&mut r);
    }
}

#[test]
fn misuse_is_an_invalid_argument() {
    let invalid = guard::INVALID_ARGUMENT.0;
    let mut zeroed = unsafe { std::mem::zeroed::<aws_ring_buffer>() };
    let mut b = empty_buf();
    unsafe {
        assert_eq!(aws_ring_buffer_acquire(&mut zeroed, 1, &mut b), OP_ERR);
        assert_eq!(aws_last_error(), invalid);
        assert!(!aws_ring_buffer_is_valid(&zeroed));
        assert!(!aws_ring_buffer_is_valid(ptr::null()));
        let mut r = ring(4);
        assert_eq!(aws_ring_buffer_acquire(&mut r, 0, &mut b), OP_ERR);
        assert_eq!(aws_ring_buffer_acquire_up_to(&mut r, 0, 2, &mut b), OP_ERR);
        assert_eq!(aws_last_error(), invalid);
        let mut outside = [0u8; 2];
        let mut foreign = aws_byte_buf {
            len: 0,
            buffer: outside.as_mut_ptr(),
            capacity: 2,
            allocator: ptr::null_mut(),
        };
        assert!(!aws_ring_buffer_buf_belongs_to_pool(&r, &foreign));
        aws_ring_buffer_release(&mut r, &mut foreign);
        assert_eq!(aws_last_error(), invalid);
        aws_ring_buffer_clean_up(&mut r);
        assert_eq!(
            aws_ring_buffer_init(&mut r, aws_default_allocator(), 0),
            OP_ERR
        );
    }
}

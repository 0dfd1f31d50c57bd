//! Tests of `aws/io/async_stream.h` (after aws-c-io's async_stream_test.c): a stream whose reads
//! complete at once, one byte each, fills a large buffer without growing the stack; one whose
//! reads complete on another thread fills it too; a full buffer fails with
//! `AWS_ERROR_SHORT_BUFFER`; the last release calls `destroy`.
//!
//! As upstream, `read_to_fill` completes its future before giving back its reference to the
//! stream, so when the last read completes on another thread the stream may be destroyed there
//! just after the caller's wait returns; the test waits for `destroy` rather than assuming it.

use super::async_stream::*;
use super::future::aws_future_bool;
use super::future_typed::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_buf;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_SHORT_BUFFER;
use std::ffi::{c_int, c_void};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The test stream's state: how many bytes remain, and whether reads complete on a thread.
struct Source {
    remaining: usize,
    threaded: bool,
    destroyed: Destroyed,
}

/// Whether `destroy` ran, set from whichever thread gave back the last reference.
#[derive(Default)]
struct Destroyed {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Destroyed {
    fn set(&self) {
        *self.flag.lock().unwrap() = true;
        self.changed.notify_all();
    }

    fn get(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    /// Waits (ten seconds at most) for `destroy`; whether it ran.
    fn wait(&self) -> bool {
        let flag = self.flag.lock().unwrap();
        let (flag, _) = self
            .changed
            .wait_timeout_while(flag, Duration::from_secs(10), |ran| !*ran)
            .unwrap();
        *flag
    }
}

unsafe extern "C" fn source_read(
    stream: *mut aws_async_input_stream,
    dest: *mut aws_byte_buf,
) -> *mut aws_future_bool {
    unsafe {
        let source = &mut *(*stream).r#impl.cast::<Source>();
        let future = aws_future_bool_new((*stream).alloc);
        if source.remaining > 0 {
            *(*dest).buffer.add((*dest).len) = b'x';
            (*dest).len += 1;
            source.remaining -= 1;
        }
        let eof = source.remaining == 0;
        if source.threaded {
            let f = aws_future_bool_acquire(future) as usize;
            std::thread::spawn(move || {
                let f = f as *mut aws_future_bool;
                aws_future_bool_set_result(f, eof);
                aws_future_bool_release(f);
            });
        } else {
            aws_future_bool_set_result(future, eof);
        }
        future
    }
}

unsafe extern "C" fn source_destroy(stream: *mut aws_async_input_stream) {
    unsafe { (*(*stream).r#impl.cast::<Source>()).destroyed.set() };
}

static VTABLE: aws_async_input_stream_vtable = aws_async_input_stream_vtable {
    destroy: Some(source_destroy),
    read: Some(source_read),
};

fn fill(remaining: usize, threaded: bool, capacity: usize) -> (Vec<u8>, c_int, bool, bool) {
    let mut source = Source {
        remaining,
        threaded,
        destroyed: Destroyed::default(),
    };
    let mut stream: aws_async_input_stream = unsafe { std::mem::zeroed() };
    let mut storage = vec![0u8; capacity];
    let mut buf = aws_byte_buf {
        len: 0,
        buffer: storage.as_mut_ptr(),
        capacity,
        allocator: std::ptr::null_mut(),
    };
    unsafe {
        aws_async_input_stream_init_base(
            &mut stream,
            aws_default_allocator(),
            &VTABLE,
            (&raw mut source).cast::<c_void>(),
        );
        let future = aws_async_input_stream_read_to_fill(&mut stream, &mut buf);
        assert!(aws_future_bool_wait(future, u64::MAX));
        let error = aws_future_bool_get_error(future);
        let eof = error == 0 && aws_future_bool_get_result(future);
        aws_future_bool_release(future);
        aws_async_input_stream_release(&mut stream);
        storage.truncate(buf.len);
        // The source lives on this stack: wait until no thread holds the stream any more.
        let destroyed = source.destroyed.wait();
        (storage, error, eof, destroyed)
    }
}

#[test]
fn synchronous_one_byte_reads_fill_a_large_buffer_without_recursion() {
    let (bytes, error, eof, destroyed) = fill(1_000_000, false, 200_000);
    assert_eq!(
        (bytes.len(), error, eof, destroyed),
        (200_000, 0, false, true)
    );
}

#[test]
fn reads_completing_on_another_thread_fill_until_the_end() {
    let (bytes, error, eof, destroyed) = fill(50, true, 100);
    assert_eq!((bytes.len(), error, eof, destroyed), (50, 0, true, true));
}

#[test]
fn a_full_buffer_fails_with_short_buffer() {
    let (_, error, _, _) = fill(10, false, 0);
    assert_eq!(error, AWS_ERROR_SHORT_BUFFER as c_int);
    let mut source = Source {
        remaining: 1,
        threaded: false,
        destroyed: Destroyed::default(),
    };
    let mut stream: aws_async_input_stream = unsafe { std::mem::zeroed() };
    let mut byte = [0u8; 1];
    let mut buf = aws_byte_buf {
        len: 1,
        buffer: byte.as_mut_ptr(),
        capacity: 1,
        allocator: std::ptr::null_mut(),
    };
    unsafe {
        aws_async_input_stream_init_base(
            &mut stream,
            aws_default_allocator(),
            &VTABLE,
            (&raw mut source).cast(),
        );
        let future = aws_async_input_stream_read(&mut stream, &mut buf);
        assert_eq!(
            aws_future_bool_get_error(future),
            AWS_ERROR_SHORT_BUFFER as c_int
        );
        aws_future_bool_release(future);
        assert!(aws_async_input_stream_acquire(&mut stream) == &raw mut stream);
        aws_async_input_stream_release(&mut stream);
        assert!(!source.destroyed.get());
        aws_async_input_stream_release(&mut stream);
        assert!(source.destroyed.get());
    }
}

//! Tests of `aws/io/pipe.h` after aws-c-io's pipe_test.c: bytes cross, a write larger than the
//! pipe completes once the reader drains it, the read end hears of a closed write end, queued
//! writes fail with `AWS_IO_BROKEN_PIPE` when their end is cleaned up, and the thread rules.

use super::event_loop::*;
use super::pipe::*;
use crate::error::aws_io_errors::{
    AWS_ERROR_IO_ALREADY_SUBSCRIBED, AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY,
    AWS_ERROR_IO_NOT_SUBSCRIBED, AWS_IO_BROKEN_PIPE, AWS_IO_READ_WOULD_BLOCK,
};
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{OP_ERR, OP_SUCCESS};
use std::ffi::{c_int, c_void};
use std::sync::mpsc;

/// What the callbacks report to the test thread.
#[derive(Debug, PartialEq)]
enum Heard {
    Bytes(Vec<u8>),
    ReadError(c_int),
    Written {
        end_is_null: bool,
        error: c_int,
        len: usize,
    },
}

/// A pipe on one loop, its ends boxed at fixed addresses, and the callbacks' channel.
struct Fixture {
    group: *mut aws_event_loop_group,
    event_loop: *mut aws_event_loop,
    read: Box<aws_pipe_read_end>,
    write: Box<aws_pipe_write_end>,
    tx: Box<mpsc::Sender<Heard>>,
    rx: mpsc::Receiver<Heard>,
}

/// Runs `f` on the loop thread and returns its result.
fn on_loop<R: Send + 'static>(
    event_loop: *mut aws_event_loop,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (tx, rx) = mpsc::channel();
    unsafe { loop_of(event_loop) }
        .unwrap()
        .schedule_now(Box::new(move || tx.send(f()).unwrap()));
    rx.recv().unwrap()
}

impl Fixture {
    fn new() -> Self {
        let (tx, rx) = mpsc::channel();
        let mut f = unsafe {
            let group =
                aws_event_loop_group_new_default(aws_default_allocator(), 1, std::ptr::null());
            let event_loop = aws_event_loop_group_get_next_loop(group);
            Fixture {
                group,
                event_loop,
                read: Box::new(std::mem::zeroed()),
                write: Box::new(std::mem::zeroed()),
                tx: Box::new(tx),
                rx,
            }
        };
        let rc = unsafe {
            aws_pipe_init(
                &mut *f.read,
                f.event_loop,
                &mut *f.write,
                f.event_loop,
                aws_default_allocator(),
            )
        };
        assert_eq!(rc, OP_SUCCESS);
        f
    }

    fn tx(&self) -> usize {
        std::ptr::from_ref(&*self.tx) as usize
    }

    fn read_ptr(&mut self) -> usize {
        &raw mut *self.read as usize
    }

    fn write_ptr(&mut self) -> usize {
        &raw mut *self.write as usize
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let (r, w) = (self.read_ptr(), self.write_ptr());
        on_loop(self.event_loop, move || unsafe {
            aws_pipe_clean_up_read_end(r as *mut _);
            aws_pipe_clean_up_write_end(w as *mut _);
        });
        unsafe { aws_event_loop_group_release(self.group) };
    }
}

/// Drains the pipe into one message per readable event, or reports the error.
unsafe extern "C" fn on_readable(
    read_end: *mut aws_pipe_read_end,
    error: c_int,
    user_data: *mut c_void,
) {
    let tx = unsafe { &*user_data.cast::<mpsc::Sender<Heard>>() };
    if error != 0 {
        tx.send(Heard::ReadError(error)).unwrap();
        return;
    }
    let mut got = Vec::new();
    let mut storage = [0u8; 65536];
    loop {
        let mut buf = aws_byte_buf {
            len: 0,
            buffer: storage.as_mut_ptr(),
            capacity: storage.len(),
            allocator: std::ptr::null_mut(),
        };
        if unsafe { aws_pipe_read(read_end, &mut buf, std::ptr::null_mut()) } != OP_SUCCESS {
            assert_eq!(aws_last_error(), AWS_IO_READ_WOULD_BLOCK as c_int);
            break;
        }
        if buf.len == 0 {
            break;
        }
        got.extend_from_slice(&storage[..buf.len]);
    }
    if !got.is_empty() {
        tx.send(Heard::Bytes(got)).unwrap();
    }
}

unsafe extern "C" fn on_written(
    write_end: *mut aws_pipe_write_end,
    error: c_int,
    src: aws_byte_cursor,
    user_data: *mut c_void,
) {
    let tx = unsafe { &*user_data.cast::<mpsc::Sender<Heard>>() };
    tx.send(Heard::Written {
        end_is_null: write_end.is_null(),
        error,
        len: src.len,
    })
    .unwrap();
}

#[test]
fn bytes_cross_and_a_write_larger_than_the_pipe_completes_once_drained() {
    let mut f = Fixture::new();
    let (r, w, tx) = (f.read_ptr(), f.write_ptr(), f.tx());
    let big: &'static [u8] = Box::leak(vec![7u8; 1 << 20].into_boxed_slice());
    let big_at = big.as_ptr() as usize;
    on_loop(f.event_loop, move || unsafe {
        assert_eq!(
            aws_pipe_write(
                w as *mut _,
                aws_byte_cursor {
                    len: 5,
                    ptr: c"hello".as_ptr() as *mut u8
                },
                Some(on_written),
                tx as *mut c_void
            ),
            OP_SUCCESS
        );
        assert_eq!(
            aws_pipe_write(
                w as *mut _,
                aws_byte_cursor {
                    len: 1 << 20,
                    ptr: big_at as *mut u8
                },
                Some(on_written),
                tx as *mut c_void
            ),
            OP_SUCCESS
        );
        assert_eq!(
            aws_pipe_subscribe_to_readable_events(
                r as *mut _,
                Some(on_readable),
                tx as *mut c_void
            ),
            OP_SUCCESS
        );
    });
    assert_eq!(
        f.rx.recv().unwrap(),
        Heard::Written {
            end_is_null: false,
            error: 0,
            len: 5
        }
    );
    let mut received = 0;
    let mut big_written = false;
    while received < 5 + (1 << 20) || !big_written {
        match f.rx.recv().unwrap() {
            Heard::Bytes(b) => received += b.len(),
            Heard::Written {
                end_is_null: false,
                error: 0,
                len,
            } if len == 1 << 20 => big_written = true,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(received, 5 + (1 << 20));
}

#[test]
fn the_read_end_hears_when_the_write_end_closes() {
    let mut f = Fixture::new();
    let (r, w, tx) = (f.read_ptr(), f.write_ptr(), f.tx());
    on_loop(f.event_loop, move || unsafe {
        assert_eq!(
            aws_pipe_subscribe_to_readable_events(
                r as *mut _,
                Some(on_readable),
                tx as *mut c_void
            ),
            OP_SUCCESS
        );
        assert_eq!(
            aws_pipe_subscribe_to_readable_events(
                r as *mut _,
                Some(on_readable),
                tx as *mut c_void
            ),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_IO_ALREADY_SUBSCRIBED as c_int);
        assert_eq!(aws_pipe_clean_up_write_end(w as *mut _), OP_SUCCESS);
    });
    assert_eq!(
        f.rx.recv().unwrap(),
        Heard::ReadError(AWS_IO_BROKEN_PIPE as c_int)
    );
    on_loop(f.event_loop, move || unsafe {
        assert_eq!(
            aws_pipe_unsubscribe_from_readable_events(r as *mut _),
            OP_SUCCESS
        );
        assert_eq!(
            aws_pipe_unsubscribe_from_readable_events(r as *mut _),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_IO_NOT_SUBSCRIBED as c_int);
    });
}

#[test]
fn queued_writes_fail_with_broken_pipe_when_the_write_end_is_cleaned_up() {
    let mut f = Fixture::new();
    let (w, tx) = (f.write_ptr(), f.tx());
    let big: &'static [u8] = Box::leak(vec![1u8; 1 << 20].into_boxed_slice());
    let big_at = big.as_ptr() as usize;
    on_loop(f.event_loop, move || unsafe {
        let cursor = aws_byte_cursor {
            len: 1 << 20,
            ptr: big_at as *mut u8,
        };
        assert_eq!(
            aws_pipe_write(w as *mut _, cursor, Some(on_written), tx as *mut c_void),
            OP_SUCCESS
        );
        assert_eq!(aws_pipe_clean_up_write_end(w as *mut _), OP_SUCCESS);
        assert_eq!(aws_pipe_clean_up_write_end(w as *mut _), OP_ERR);
        assert_eq!(aws_last_error(), AWS_IO_BROKEN_PIPE as c_int);
        assert_eq!(
            aws_pipe_write(w as *mut _, cursor, Some(on_written), tx as *mut c_void),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_IO_BROKEN_PIPE as c_int);
        assert!(aws_pipe_get_write_end_event_loop(w as *mut _).is_null());
    });
    assert_eq!(
        f.rx.recv().unwrap(),
        Heard::Written {
            end_is_null: true,
            error: AWS_IO_BROKEN_PIPE as c_int,
            len: 1 << 20
        }
    );
}

#[test]
fn calls_off_the_loop_thread_are_refused_but_reading_and_the_loops() {
    let mut f = Fixture::new();
    unsafe {
        let cursor = aws_byte_cursor {
            len: 1,
            ptr: c"x".as_ptr() as *mut u8,
        };
        assert_eq!(
            aws_pipe_write(&mut *f.write, cursor, None, std::ptr::null_mut()),
            OP_ERR
        );
        assert_eq!(
            aws_last_error(),
            AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY as c_int
        );
        assert_eq!(
            aws_pipe_subscribe_to_readable_events(
                &mut *f.read,
                Some(on_readable),
                std::ptr::null_mut()
            ),
            OP_ERR
        );
        assert_eq!(
            aws_last_error(),
            AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY as c_int
        );
        assert_eq!(aws_pipe_get_read_end_event_loop(&*f.read), f.event_loop);
        assert_eq!(aws_pipe_get_write_end_event_loop(&*f.write), f.event_loop);
        let mut byte = [0u8; 1];
        let mut buf = aws_byte_buf {
            len: 0,
            buffer: byte.as_mut_ptr(),
            capacity: 1,
            allocator: std::ptr::null_mut(),
        };
        assert_eq!(
            aws_pipe_read(&mut *f.read, &mut buf, std::ptr::null_mut()),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_IO_READ_WOULD_BLOCK as c_int);
    }
}

/// Cleans the read end up from inside its error callback, as upstream's pipe tests do.
unsafe extern "C" fn clean_up_on_error(
    read_end: *mut aws_pipe_read_end,
    error: c_int,
    user_data: *mut c_void,
) {
    let tx = unsafe { &*user_data.cast::<mpsc::Sender<Heard>>() };
    if error != 0 {
        assert_eq!(unsafe { aws_pipe_clean_up_read_end(read_end) }, OP_SUCCESS);
        tx.send(Heard::ReadError(error)).unwrap();
    }
}

#[test]
fn the_read_end_may_be_cleaned_up_inside_its_error_callback() {
    // Before: the error callback ran with the end's lock held, and the clean-up deadlocked.
    let mut f = Fixture::new();
    let (r, w, tx) = (f.read_ptr(), f.write_ptr(), f.tx());
    on_loop(f.event_loop, move || unsafe {
        let data = tx as *mut c_void;
        assert_eq!(
            aws_pipe_subscribe_to_readable_events(r as *mut _, Some(clean_up_on_error), data),
            OP_SUCCESS
        );
        assert_eq!(aws_pipe_clean_up_write_end(w as *mut _), OP_SUCCESS);
    });
    let heard = f.rx.recv_timeout(std::time::Duration::from_secs(10));
    assert_eq!(
        heard.unwrap(),
        Heard::ReadError(AWS_IO_BROKEN_PIPE as c_int)
    );
}

//! Tests of `aws/io/future.h` pinned to upstream's documented behaviour (aws-c-io's
//! future_test.c): one completion wins, results moved in and out, owned results disposed of
//! exactly once, the callback kinds, and waiting.

use super::event_loop::*;
use super::future::*;
use super::future_typed::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_STATE, AWS_ERROR_UNKNOWN, AWS_ERROR_UNSUPPORTED_OPERATION,
};
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use std::ffi::{c_int, c_void};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::mpsc;

unsafe extern "C" fn count(user_data: *mut c_void) {
    unsafe { (*user_data.cast::<AtomicUsize>()).fetch_add(1, SeqCst) };
}

fn counter_ptr(counter: &AtomicUsize) -> *mut c_void {
    std::ptr::from_ref(counter).cast_mut().cast()
}

#[test]
fn the_first_completion_wins_and_the_result_reads_back() {
    unsafe {
        let f = aws_future_size_new(aws_default_allocator());
        assert!(!aws_future_size_is_done(f));
        aws_future_size_set_result(f, 123);
        aws_future_size_set_result(f, 456);
        aws_future_size_set_error(f, 99);
        assert!(aws_future_size_is_done(f));
        assert_eq!(aws_future_size_get_error(f), 0);
        assert_eq!(aws_future_size_get_result(f), 123);
        assert!(aws_future_size_release(f).is_null());

        let f = aws_future_bool_new(aws_default_allocator());
        aws_future_bool_set_error(f, 0);
        assert_eq!(aws_future_bool_get_error(f), AWS_ERROR_UNKNOWN as c_int);
        aws_reset_error();
        assert!(!aws_future_bool_get_result(f));
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_STATE as c_int);
        aws_future_bool_release(f);
    }
}

#[test]
fn reading_before_done_is_an_invalid_state() {
    unsafe {
        let f = aws_future_void_new(aws_default_allocator());
        aws_reset_error();
        assert_eq!(
            aws_future_void_get_error(f),
            AWS_ERROR_INVALID_STATE as c_int
        );
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_STATE as c_int);
        aws_future_void_set_result(f);
        assert_eq!(aws_future_void_get_error(f), 0);
        aws_future_void_release(f);
    }
}

#[test]
fn callbacks_run_once_now_or_on_completion_and_only_one_may_register() {
    let counter = AtomicUsize::new(0);
    unsafe {
        let f = aws_future_bool_new(aws_default_allocator());
        aws_future_bool_register_callback(f, Some(count), counter_ptr(&counter));
        aws_reset_error();
        aws_future_bool_register_callback(f, Some(count), counter_ptr(&counter));
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_STATE as c_int);
        assert_eq!(counter.load(SeqCst), 0);
        aws_future_bool_set_result(f, true);
        assert_eq!(counter.load(SeqCst), 1);
        aws_future_bool_set_result(f, true);
        assert_eq!(counter.load(SeqCst), 1);
        aws_future_bool_release(f);

        let f = aws_future_bool_new(aws_default_allocator());
        assert!(aws_future_bool_register_callback_if_not_done(
            f,
            Some(count),
            counter_ptr(&counter)
        ));
        aws_future_bool_set_result(f, false);
        assert_eq!(counter.load(SeqCst), 2);
        aws_future_bool_release(f);

        let f = aws_future_bool_new(aws_default_allocator());
        aws_future_bool_set_result(f, false);
        assert!(!aws_future_bool_register_callback_if_not_done(
            f,
            Some(count),
            counter_ptr(&counter)
        ));
        assert_eq!(counter.load(SeqCst), 2);
        aws_future_bool_register_callback(f, Some(count), counter_ptr(&counter));
        assert_eq!(counter.load(SeqCst), 3);
        aws_reset_error();
        aws_future_bool_register_channel_callback(
            f,
            std::ptr::null_mut(),
            Some(count),
            counter_ptr(&counter),
        );
        assert_eq!(aws_last_error(), AWS_ERROR_UNSUPPORTED_OPERATION as c_int);
        aws_future_bool_release(f);
    }
}

unsafe extern "C" fn report_thread(user_data: *mut c_void) {
    let tx = unsafe { &*user_data.cast::<mpsc::Sender<std::thread::ThreadId>>() };
    tx.send(std::thread::current().id()).unwrap();
}

#[test]
fn an_event_loop_callback_runs_on_the_loop_thread_even_when_already_done() {
    let (tx, rx) = mpsc::channel::<std::thread::ThreadId>();
    unsafe {
        let group = aws_event_loop_group_new_default(aws_default_allocator(), 1, std::ptr::null());
        let event_loop = aws_event_loop_group_get_next_loop(group);
        let f = aws_future_size_new(aws_default_allocator());
        aws_future_size_set_result(f, 1);
        let data = std::ptr::from_ref(&tx).cast_mut().cast();
        aws_future_size_register_event_loop_callback(f, event_loop, Some(report_thread), data);
        let ran_on = rx.recv().unwrap();
        assert_ne!(ran_on, std::thread::current().id());
        let f2 = aws_future_size_new(aws_default_allocator());
        aws_future_size_register_event_loop_callback(f2, event_loop, Some(report_thread), data);
        let setter = f2 as usize;
        std::thread::spawn(move || aws_future_size_set_result(setter as *mut aws_future_size, 2))
            .join()
            .unwrap();
        assert_eq!(rx.recv().unwrap(), ran_on);
        aws_future_size_release(f);
        aws_future_size_release(f2);
        aws_event_loop_group_release(group);
    }
}

#[test]
fn wait_times_out_then_sees_a_completion_from_another_thread() {
    unsafe {
        let f = aws_future_size_new(aws_default_allocator());
        assert!(!aws_future_size_wait(f, 1_000_000));
        let f2 = aws_future_size_acquire(f) as usize;
        let setter = std::thread::spawn(move || {
            let f2 = f2 as *mut aws_future_size;
            aws_future_size_set_result(f2, 7);
            aws_future_size_release(f2);
        });
        assert!(aws_future_size_wait(f, u64::MAX));
        assert_eq!(aws_future_size_get_result(f), 7);
        setter.join().unwrap();
        aws_future_size_release(f);
    }
}

static DESTROYED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn destroy(result: *mut c_void) {
    DESTROYED.fetch_add(1, SeqCst);
    drop(unsafe { Box::from_raw(result.cast::<u32>()) });
}

#[test]
fn an_owned_pointer_result_is_destroyed_once_unless_moved_out() {
    unsafe {
        let start = DESTROYED.load(SeqCst);
        let f = aws_future_impl_new_pointer_with_destroy(aws_default_allocator(), Some(destroy));
        let mut first = Box::into_raw(Box::new(1u32));
        aws_future_impl_set_result_by_move(f, (&raw mut first).cast());
        assert!(
            first.is_null(),
            "the source is zeroed: the future owns it now"
        );
        let mut second = Box::into_raw(Box::new(2u32));
        aws_future_impl_set_result_by_move(f, (&raw mut second).cast());
        assert!(second.is_null());
        assert_eq!(
            DESTROYED.load(SeqCst),
            start + 1,
            "the late result is destroyed at once"
        );
        let address = aws_future_impl_get_result_address(f).cast::<*mut u32>();
        assert_eq!(**address, 1);
        aws_future_impl_release(f);
        assert_eq!(
            DESTROYED.load(SeqCst),
            start + 2,
            "the owned result goes with the future"
        );

        let f = aws_future_impl_new_pointer_with_destroy(aws_default_allocator(), Some(destroy));
        let mut third = Box::into_raw(Box::new(3u32));
        aws_future_impl_set_result_by_move(f, (&raw mut third).cast());
        let mut out: *mut u32 = std::ptr::null_mut();
        aws_future_impl_get_result_by_move(f, (&raw mut out).cast());
        assert_eq!(*out, 3);
        aws_reset_error();
        assert!(aws_future_impl_get_result_address(f).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_STATE as c_int);
        aws_future_impl_release(f);
        assert_eq!(
            DESTROYED.load(SeqCst),
            start + 2,
            "a moved-out result is the caller's"
        );
        drop(Box::from_raw(out));
        assert!(aws_future_impl_new_pointer_with_destroy(aws_default_allocator(), None).is_null());
    }
}

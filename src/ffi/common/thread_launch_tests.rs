//! Tests of launching, joining and naming threads (`thread_launch.rs`), pinned to upstream's
//! documented life cycle: NOT_CREATED, JOINABLE, JOIN_COMPLETED; MANAGED for the managed
//! strategy; at-exit callbacks only on launched threads.

use super::thread_launch::aws_thread_detach_state::*;
use super::thread_launch::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_STATE, AWS_ERROR_THREAD_NOT_JOINABLE,
};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::string::{aws_string, aws_string_destroy, string_bytes};
use crate::ffi::guard::{OP_ERR, OP_SUCCESS};
use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

unsafe extern "C" fn bump(arg: *mut c_void) {
    unsafe { (*arg.cast::<AtomicUsize>()).fetch_add(1, Ordering::SeqCst) };
}

unsafe extern "C" fn record_name(arg: *mut c_void) {
    let mut name: *mut aws_string = ptr::null_mut();
    unsafe {
        assert_eq!(
            aws_thread_current_name(aws_default_allocator(), &mut name),
            OP_SUCCESS
        );
        *arg.cast::<String>() = String::from_utf8_lossy(string_bytes(name).unwrap()).into_owned();
        aws_string_destroy(name);
    }
}

fn new_thread() -> aws_thread {
    let mut t = aws_thread {
        allocator: ptr::null_mut(),
        detach_state: 0,
        thread_id: 0,
    };
    assert_eq!(
        unsafe { aws_thread_init(&mut t, aws_default_allocator()) },
        OP_SUCCESS
    );
    t
}

#[test]
fn a_manual_thread_runs_once_and_is_joined() {
    let mut t = new_thread();
    let count = AtomicUsize::new(0);
    unsafe {
        assert_eq!(aws_thread_get_detach_state(&mut t), AWS_THREAD_NOT_CREATED);
        // Joining a thread never launched does nothing.
        assert_eq!(aws_thread_join(&mut t), OP_SUCCESS);
        let arg = ptr::from_ref(&count).cast_mut().cast();
        assert_eq!(
            aws_thread_launch(&mut t, Some(bump), arg, ptr::null()),
            OP_SUCCESS
        );
        assert_eq!(aws_thread_get_detach_state(&mut t), AWS_THREAD_JOINABLE);
        assert_eq!(aws_thread_join(&mut t), OP_SUCCESS);
        assert_eq!(
            aws_thread_get_detach_state(&mut t),
            AWS_THREAD_JOIN_COMPLETED
        );
        aws_thread_clean_up(&mut t);
    }
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn a_named_thread_knows_its_name_truncated_to_fifteen_bytes() {
    let mut t = new_thread();
    let mut seen = String::new();
    let mut options = unsafe { std::ptr::read(aws_default_thread_options()) };
    options.name = aws_byte_cursor::from_slice(b"a-rather-long-thread-name");
    unsafe {
        let arg = ptr::from_mut(&mut seen).cast();
        assert_eq!(
            aws_thread_launch(&mut t, Some(record_name), arg, &options),
            OP_SUCCESS
        );
        assert_eq!(aws_thread_join(&mut t), OP_SUCCESS);
    }
    assert_eq!(seen, "a-rather-long-t");
}

#[test]
fn a_managed_thread_cannot_be_joined_by_hand() {
    let mut t = new_thread();
    let count = AtomicUsize::new(0);
    let mut options = unsafe { std::ptr::read(aws_default_thread_options()) };
    options.join_strategy = aws_thread_join_strategy::AWS_TJS_MANAGED as c_int;
    unsafe {
        let arg = ptr::from_ref(&count).cast_mut().cast();
        assert_eq!(
            aws_thread_launch(&mut t, Some(bump), arg, &options),
            OP_SUCCESS
        );
        assert_eq!(aws_thread_get_detach_state(&mut t), AWS_THREAD_MANAGED);
        assert_eq!(aws_thread_join(&mut t), OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_STATE as c_int);
    }
    while count.load(Ordering::SeqCst) == 0 {
        std::thread::yield_now();
    }
}

#[test]
fn at_exit_needs_a_launched_thread() {
    unsafe {
        assert_eq!(
            aws_thread_current_at_exit(Some(bump), ptr::null_mut()),
            OP_ERR
        );
    }
    assert_eq!(aws_last_error(), AWS_ERROR_THREAD_NOT_JOINABLE as c_int);
}

#[test]
fn call_once_calls_once() {
    static mut FLAG: aws_thread_once = libc::PTHREAD_ONCE_INIT;
    let count = AtomicUsize::new(0);
    let arg = ptr::from_ref(&count).cast_mut().cast();
    unsafe {
        aws_thread_call_once(&raw mut FLAG, Some(bump), arg);
        aws_thread_call_once(&raw mut FLAG, Some(bump), arg);
    }
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

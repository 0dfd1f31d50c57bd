//! `aws/io/async_stream.h`: asynchronous input streams. A program implements one by filling the
//! vtable (`read` returns an `aws_future_bool` that completes with end-of-stream, or an
//! error); this library offers the base-class helpers and `read_to_fill`, which reads until the
//! buffer is full or the stream ends, looping while reads complete at once so a stream of many
//! small synchronous reads does not grow the stack.
//!
//! Where upstream asserts (NULL stream or buffer, a vtable without `read` or `destroy`, a
//! `read` returning NULL), this raises `AWS_ERROR_INVALID_ARGUMENT` and returns NULL.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_buf;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_SHORT_BUFFER;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::ref_count::{
    aws_ref_count, aws_ref_count_acquire, aws_ref_count_init, aws_ref_count_release,
};
use crate::ffi::common::shutdown_types::aws_simple_completion_callback;
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result};
use crate::ffi::io::future::aws_future_bool;
use crate::ffi::io::future_typed::{
    aws_future_bool_acquire, aws_future_bool_get_error, aws_future_bool_get_result,
    aws_future_bool_new, aws_future_bool_register_callback_if_not_done, aws_future_bool_release,
    aws_future_bool_set_error, aws_future_bool_set_result,
};
use std::ffi::c_void;

/// What an asynchronous stream does.
#[repr(C)]
pub struct aws_async_input_stream_vtable {
    /// Frees the stream; its count reached zero.
    pub destroy: Option<unsafe extern "C" fn(stream: *mut aws_async_input_stream)>,
    /// Reads once into `dest` (at least a byte, a full buffer, or the end), never resizing it.
    pub read: Option<
        unsafe extern "C" fn(
            stream: *mut aws_async_input_stream,
            dest: *mut aws_byte_buf,
        ) -> *mut aws_future_bool,
    >,
}

/// The head of every asynchronous input stream.
#[repr(C)]
pub struct aws_async_input_stream {
    /// What the stream does.
    pub vtable: *const aws_async_input_stream_vtable,
    /// Where the stream's memory came from.
    pub alloc: *mut aws_allocator,
    /// Its references; the last release calls `vtable->destroy`.
    pub ref_count: aws_ref_count,
    /// The implementation's state.
    pub r#impl: *mut c_void,
}

/// Sets the stream's head: its vtable, allocator and state, one reference.
///
/// # Safety
/// `stream` NULL or writable; `vtable` NULL or a vtable that outlives the stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_async_input_stream_init_base(
    stream: *mut aws_async_input_stream,
    alloc: *mut aws_allocator,
    vtable: *const aws_async_input_stream_vtable,
    r#impl: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let head = unsafe { guard::mutable(stream) }?;
        let table = unsafe { guard::reference(vtable) }?;
        guard::require(!alloc.is_null() && table.read.is_some())?;
        let destroy = table.destroy.ok_or(INVALID_ARGUMENT)?;
        head.vtable = vtable;
        head.alloc = alloc;
        head.r#impl = r#impl;
        // SAFETY: the destroy function takes the stream, which is the count's object; C calls
        // it through a `void *` as upstream does.
        let on_zero = unsafe {
            std::mem::transmute::<
                unsafe extern "C" fn(*mut aws_async_input_stream),
                aws_simple_completion_callback,
            >(destroy)
        };
        unsafe { aws_ref_count_init(&mut head.ref_count, stream.cast(), Some(on_zero)) };
        Ok(())
    })
}

/// Adds a reference and returns `stream`; NULL does nothing.
///
/// # Safety
/// `stream` NULL or an initialised stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_async_input_stream_acquire(
    stream: *mut aws_async_input_stream,
) -> *mut aws_async_input_stream {
    guard::guard(stream, || {
        if !stream.is_null() {
            // SAFETY: forwarded caller contract.
            unsafe { aws_ref_count_acquire(&raw mut (*stream).ref_count) };
        }
        Ok(stream)
    })
}

/// Drops a reference (the last destroys the stream); NULL does nothing. Always NULL.
///
/// # Safety
/// `stream` NULL or an initialised stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_async_input_stream_release(
    stream: *mut aws_async_input_stream,
) -> *mut aws_async_input_stream {
    guard::ptr(|| {
        if !stream.is_null() {
            // SAFETY: forwarded caller contract.
            unsafe { aws_ref_count_release(&raw mut (*stream).ref_count) };
        }
        Ok(std::ptr::null_mut())
    })
}

/// A future already failed with `code`.
///
/// # Safety
/// `alloc` NULL or valid.
unsafe fn failed(alloc: *mut aws_allocator, code: Error) -> Result<*mut aws_future_bool> {
    // SAFETY: forwarded caller contract.
    let future = unsafe { aws_future_bool_new(alloc) };
    if future.is_null() {
        return Err(Error(aws_last_error()));
    }
    unsafe { aws_future_bool_set_error(future, code.0) };
    Ok(future)
}

/// One read through the vtable, or a failed future when `dest` has no room.
///
/// # Safety
/// `stream` NULL or initialised; `dest` NULL or valid.
unsafe fn read_once(
    stream: *mut aws_async_input_stream,
    dest: *mut aws_byte_buf,
) -> Result<*mut aws_future_bool> {
    // SAFETY: forwarded caller contract.
    let head = unsafe { guard::reference(stream) }?;
    let buf = unsafe { guard::reference(dest) }?;
    if buf.len >= buf.capacity {
        // SAFETY: the stream's own allocator.
        return unsafe { failed(head.alloc, AWS_ERROR_SHORT_BUFFER.into()) };
    }
    let read = unsafe { guard::reference(head.vtable) }?
        .read
        .ok_or(INVALID_ARGUMENT)?;
    // SAFETY: the implementation's own function.
    let future = unsafe { read(stream, dest) };
    guard::require(!future.is_null())?;
    Ok(future)
}

/// Reads once: completes when at least a byte was read, the buffer is full, or the stream ended
/// (the result says whether it ended). A full buffer fails the future with
/// `AWS_ERROR_SHORT_BUFFER`.
///
/// # Safety
/// `stream` NULL or initialised; `dest` NULL or valid, and untouched until the future completes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_async_input_stream_read(
    stream: *mut aws_async_input_stream,
    dest: *mut aws_byte_buf,
) -> *mut aws_future_bool {
    // SAFETY: forwarded caller contract.
    guard::ptr(|| unsafe { read_once(stream, dest) })
}

/// The state of one `read_to_fill`: the stream (a reference), the buffer, the read in
/// progress, and the future to complete.
struct FillJob {
    stream: *mut aws_async_input_stream,
    dest: *mut aws_byte_buf,
    step: *mut aws_future_bool,
    done: *mut aws_future_bool,
}

impl FillJob {
    /// Completes the job's future and gives back what it held.
    ///
    /// # Safety
    /// `self` holds a reference to its stream and its future.
    unsafe fn finish(self, outcome: Result<bool>) {
        // SAFETY: the job's own references, given back once.
        unsafe {
            match outcome {
                Ok(eof) => aws_future_bool_set_result(self.done, eof),
                Err(Error(code)) => aws_future_bool_set_error(self.done, code),
            }
            aws_future_bool_release(self.done);
            aws_async_input_stream_release(self.stream);
        }
    }
}

/// Runs the fill loop: takes the finished step's outcome, then reads again while reads complete
/// at once; when one does not, registers itself on it and returns.
///
/// # Safety
/// `job` came from `Box::into_raw` in `read_to_fill` and is owned by this call.
unsafe fn fill_loop(job: *mut FillJob) {
    // SAFETY: forwarded contract; the job is ours until handed to a callback or finished.
    let mut job = unsafe { Box::from_raw(job) };
    loop {
        if !job.step.is_null() {
            let step = job.step;
            let raw = Box::into_raw(job);
            // SAFETY: the step future is live; if it registers, the callback owns the job.
            if unsafe {
                aws_future_bool_register_callback_if_not_done(step, Some(fill_resume), raw.cast())
            } {
                return;
            }
            job = unsafe { Box::from_raw(raw) };
            let error = unsafe { aws_future_bool_get_error(step) };
            let eof = error == 0 && unsafe { aws_future_bool_get_result(step) };
            job.step = unsafe { aws_future_bool_release(step) };
            // SAFETY: the job's buffer is live until it finishes.
            let full = unsafe { (*job.dest).len >= (*job.dest).capacity };
            if error != 0 || eof || full {
                let outcome = if error != 0 {
                    Err(Error(error))
                } else {
                    Ok(eof)
                };
                return unsafe { job.finish(outcome) };
            }
        }
        // SAFETY: the job's stream and buffer.
        match unsafe { read_once(job.stream, job.dest) } {
            Ok(step) => job.step = step,
            Err(e) => return unsafe { job.finish(Err(e)) },
        }
    }
}

/// The step future's completion: resumes the fill loop on the completing thread.
unsafe extern "C" fn fill_resume(job: *mut c_void) {
    // SAFETY: the job handed over at registration.
    guard::guard((), || {
        unsafe { fill_loop(job.cast()) };
        Ok(())
    })
}

/// Reads until `dest` is full or the stream ends; the future's result says whether it ended.
/// A full buffer fails the future with `AWS_ERROR_SHORT_BUFFER`.
///
/// # Safety
/// `stream` NULL or initialised; `dest` NULL or valid, and untouched until the future completes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_async_input_stream_read_to_fill(
    stream: *mut aws_async_input_stream,
    dest: *mut aws_byte_buf,
) -> *mut aws_future_bool {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        let head = unsafe { guard::reference(stream) }?;
        let buf = unsafe { guard::reference(dest) }?;
        if buf.len >= buf.capacity {
            return unsafe { failed(head.alloc, AWS_ERROR_SHORT_BUFFER.into()) };
        }
        let future = unsafe { aws_future_bool_new(head.alloc) };
        if future.is_null() {
            return Err(Error(aws_last_error()));
        }
        let job = Box::new(FillJob {
            stream: unsafe { aws_async_input_stream_acquire(stream) },
            dest,
            step: std::ptr::null_mut(),
            done: unsafe { aws_future_bool_acquire(future) },
        });
        // SAFETY: the job is handed to the loop, which owns it from here.
        unsafe { fill_loop(Box::into_raw(job)) };
        Ok(future)
    })
}

//! `aws/io/future.h`: `aws_future_impl`, the untyped future behind every `aws_future_<T>`. A
//! future is completed once, with a result or an error code; whoever waits registers one
//! callback (run at once if already done, else on the completing thread, or as a task on an
//! event loop) or blocks in `wait`. The typed futures (`aws_future_bool`, `_size`, `_void`) are in
//! `future_typed.rs`; the header declares them through upstream's macros (the fragment).
//!
//! The result lives in the future, `sizeof_result` bytes at an address aligned for any scalar.
//! A future made "with clean-up / destroy / release" owns its result: releasing the last
//! reference, or a second result arriving after the first, hands it to that function.
//!
//! Where upstream asserts: NULL arguments raise `AWS_ERROR_INVALID_ARGUMENT`; reading the error
//! or the result of a future that is not done, failed, or whose result was moved out raises
//! `AWS_ERROR_INVALID_STATE` (the error read returns that code; the result address is NULL);
//! a second callback is refused with `AWS_ERROR_INVALID_STATE`. This library has no channels:
//! `register_channel_callback` raises `AWS_ERROR_UNSUPPORTED_OPERATION` and registers nothing.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_STATE, AWS_ERROR_UNKNOWN, AWS_ERROR_UNSUPPORTED_OPERATION,
};
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result};
use crate::ffi::io::event_loop::{aws_event_loop, loop_of};
use crate::runtime::event_loop::EventLoop;
use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{AcqRel, Relaxed};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Called once the future is done, with the `user_data` given at registration.
pub type aws_future_callback_fn = unsafe extern "C" fn(user_data: *mut c_void);
/// Cleans up a result stored by value (`void aws_T_clean_up(T *)`), given its address.
pub type aws_future_impl_result_clean_up_fn = unsafe extern "C" fn(result_addr: *mut c_void);
/// Destroys a result stored as a pointer (`void aws_T_destroy(T *)`).
pub type aws_future_impl_result_destroy_fn = unsafe extern "C" fn(result: *mut c_void);
/// Releases a result stored as a pointer (`T *aws_T_release(T *)`).
pub type aws_future_impl_result_release_fn =
    unsafe extern "C" fn(result: *mut c_void) -> *mut c_void;

/// aws-c-io's channel. This library has no channel pipeline; the name exists so that
/// `register_channel_callback` keeps upstream's prototype.
pub struct aws_channel {
    _opaque: [u8; 0],
}

/// `aws_future<bool>` (opaque): an `aws_future_impl` whose result is a `bool`.
pub struct aws_future_bool {
    _opaque: [u8; 0],
}

/// `aws_future<size_t>` (opaque): an `aws_future_impl` whose result is a `size_t`.
pub struct aws_future_size {
    _opaque: [u8; 0],
}

/// `aws_future<void>` (opaque): an `aws_future_impl` that completes without a value.
pub struct aws_future_void {
    _opaque: [u8; 0],
}

/// How the result is stored and what frees it.
#[derive(Clone, Copy)]
enum Kind {
    ByValue,
    ByValueWithCleanUp(aws_future_impl_result_clean_up_fn),
    Pointer,
    PointerWithDestroy(aws_future_impl_result_destroy_fn),
    PointerWithRelease(aws_future_impl_result_release_fn),
}

/// Where the completion callback runs.
enum Callback {
    /// On the thread that completes the future (or the registering thread, if already done).
    Immediate(aws_future_callback_fn, *mut c_void),
    /// As a task on a loop.
    OnLoop(EventLoop, aws_future_callback_fn, *mut c_void),
}

/// What changes when the future completes, under its lock.
struct State {
    done: bool,
    error: c_int,
    owns_result: bool,
    callback: Option<Callback>,
}

/// A future (opaque to C). Lives in a box; the last release drops it.
pub struct aws_future_impl {
    refs: AtomicUsize,
    kind: Kind,
    size: usize,
    state: Mutex<State>,
    done: Condvar,
    /// The result's bytes: written once, under the lock, before `done` is set; read after.
    result: UnsafeCell<Box<[u128]>>,
}

// SAFETY: the result bytes are written under the lock before `done` is published and only read
// after it; the callback's user data is the caller's to hand to the thread that completes.
unsafe impl Send for aws_future_impl {}
unsafe impl Sync for aws_future_impl {}

/// A callback bound for a loop thread; run when its task runs or is dropped unrun (a stopped
/// loop), so it runs exactly once, as upstream runs it whatever the task's status.
struct OnLoopCall(aws_future_callback_fn, *mut c_void);

// SAFETY: the user data is the caller's, handed to the loop thread as upstream hands it.
unsafe impl Send for OnLoopCall {}

impl Drop for OnLoopCall {
    fn drop(&mut self) {
        // SAFETY: the callback registered for this future's completion, called once.
        guard::guard((), || {
            unsafe { (self.0)(self.1) };
            Ok(())
        })
    }
}

impl Callback {
    fn invoke(self) {
        match self {
            // SAFETY: the caller's callback with its own data.
            Callback::Immediate(f, data) => unsafe { f(data) },
            Callback::OnLoop(event_loop, f, data) => {
                let call = OnLoopCall(f, data);
                event_loop.schedule_now(Box::new(move || drop(call)));
            }
        }
    }
}

impl aws_future_impl {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn result_ptr(&self) -> *mut c_void {
        // SAFETY: the box is made once and never replaced; only its bytes change.
        unsafe { (*self.result.get()).as_mut_ptr().cast() }
    }

    /// Hands the result at `addr` to the kind's clean-up, if it has one.
    ///
    /// # Safety
    /// `addr` holds a result of this future's kind that nothing else owns.
    unsafe fn dispose(&self, addr: *mut c_void) {
        // SAFETY: forwarded contract; pointer kinds hold one pointer at `addr`.
        unsafe {
            match self.kind {
                Kind::ByValueWithCleanUp(clean_up) => clean_up(addr),
                Kind::PointerWithDestroy(destroy) => {
                    let p = *addr.cast::<*mut c_void>();
                    if !p.is_null() {
                        destroy(p);
                    }
                }
                Kind::PointerWithRelease(release) => {
                    let p = *addr.cast::<*mut c_void>();
                    if !p.is_null() {
                        release(p);
                    }
                }
                Kind::ByValue | Kind::Pointer => {}
            }
        }
    }

    /// Completes with the result at `src` (error 0) or with `error`; a second completion is
    /// ignored, and a second result disposed of.
    ///
    /// # Safety
    /// With error 0, `src` holds `size` readable bytes of a result the future may own.
    unsafe fn complete(&self, src: *const c_void, error: c_int) {
        let mut state = self.lock();
        if state.done {
            drop(state);
            if error == 0 {
                // SAFETY: the newer result is ours to dispose of.
                unsafe { self.dispose(src.cast_mut()) };
            }
            return;
        }
        state.done = true;
        if error == 0 {
            // SAFETY: `src` has `size` bytes; the result storage at least as many.
            unsafe {
                std::ptr::copy_nonoverlapping(src.cast::<u8>(), self.result_ptr().cast(), self.size)
            };
            state.owns_result = true;
        } else {
            state.error = error;
        }
        let callback = state.callback.take();
        self.done.notify_all();
        drop(state);
        if let Some(callback) = callback {
            callback.invoke();
        }
    }

    /// Registers the callback, or runs it now when already done and `run_if_done`. True when
    /// registered or run.
    fn register(&self, callback: Callback, run_if_done: bool) -> Result<bool> {
        let mut state = self.lock();
        if state.callback.is_some() {
            return Err(AWS_ERROR_INVALID_STATE.into());
        }
        if !state.done {
            state.callback = Some(callback);
            return Ok(true);
        }
        drop(state);
        if run_if_done {
            callback.invoke();
        }
        Ok(run_if_done)
    }
}

impl Drop for aws_future_impl {
    fn drop(&mut self) {
        let state = self.lock();
        let owned = state.owns_result && state.error == 0;
        drop(state);
        if owned {
            // SAFETY: the future still owns its result.
            unsafe { self.dispose(self.result_ptr()) };
        }
    }
}

/// The future behind a caller's pointer.
///
/// # Safety
/// A non-NULL `future` must come from `aws_future_impl_new_*` and hold a reference.
pub(crate) unsafe fn future_of<'a>(future: *const aws_future_impl) -> Result<&'a aws_future_impl> {
    // SAFETY: forwarded caller contract.
    unsafe { guard::reference(future) }
}

/// A new future holding a result of `size` bytes, with one reference.
///
/// # Safety
/// `alloc` NULL or a valid allocator.
unsafe fn new_future(
    alloc: *mut aws_allocator,
    size: usize,
    kind: Kind,
) -> Result<*mut aws_future_impl> {
    // SAFETY: forwarded caller contract.
    unsafe { allocator::checked(alloc) }?;
    let words = size.div_ceil(size_of::<u128>());
    let future = aws_future_impl {
        refs: AtomicUsize::new(1),
        kind,
        size,
        state: Mutex::new(State {
            done: false,
            error: 0,
            owns_result: false,
            callback: None,
        }),
        done: Condvar::new(),
        result: UnsafeCell::new(vec![0u128; words].into_boxed_slice()),
    };
    Ok(Box::into_raw(Box::new(future)))
}

/// A future whose result is `sizeof_result` bytes copied in and out, with no clean-up.
///
/// # Safety
/// `alloc` NULL or a valid allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_new_by_value(
    alloc: *mut aws_allocator,
    sizeof_result: usize,
) -> *mut aws_future_impl {
    // SAFETY: forwarded caller contract.
    guard::ptr(|| unsafe { new_future(alloc, sizeof_result, Kind::ByValue) })
}

/// A future whose result is stored by value and cleaned up with `result_clean_up`.
///
/// # Safety
/// `alloc` NULL or a valid allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_new_by_value_with_clean_up(
    alloc: *mut aws_allocator,
    sizeof_result: usize,
    result_clean_up: Option<aws_future_impl_result_clean_up_fn>,
) -> *mut aws_future_impl {
    guard::ptr(|| {
        let kind = Kind::ByValueWithCleanUp(result_clean_up.ok_or(INVALID_ARGUMENT)?);
        // SAFETY: forwarded caller contract.
        unsafe { new_future(alloc, sizeof_result, kind) }
    })
}

/// A future whose result is a pointer with no clean-up.
///
/// # Safety
/// `alloc` NULL or a valid allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_new_pointer(
    alloc: *mut aws_allocator,
) -> *mut aws_future_impl {
    // SAFETY: forwarded caller contract.
    guard::ptr(|| unsafe { new_future(alloc, size_of::<*mut c_void>(), Kind::Pointer) })
}

/// A future whose result is a pointer handed to `result_destroy` when the future owns it.
///
/// # Safety
/// `alloc` NULL or a valid allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_new_pointer_with_destroy(
    alloc: *mut aws_allocator,
    result_destroy: Option<aws_future_impl_result_destroy_fn>,
) -> *mut aws_future_impl {
    guard::ptr(|| {
        let kind = Kind::PointerWithDestroy(result_destroy.ok_or(INVALID_ARGUMENT)?);
        // SAFETY: forwarded caller contract.
        unsafe { new_future(alloc, size_of::<*mut c_void>(), kind) }
    })
}

/// A future whose result is a pointer handed to `result_release` when the future owns it.
///
/// # Safety
/// `alloc` NULL or a valid allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_new_pointer_with_release(
    alloc: *mut aws_allocator,
    result_release: Option<aws_future_impl_result_release_fn>,
) -> *mut aws_future_impl {
    guard::ptr(|| {
        let kind = Kind::PointerWithRelease(result_release.ok_or(INVALID_ARGUMENT)?);
        // SAFETY: forwarded caller contract.
        unsafe { new_future(alloc, size_of::<*mut c_void>(), kind) }
    })
}

/// Drops a reference; the last one frees the future (and a result it still owns). NULL does
/// nothing. Always returns NULL.
///
/// # Safety
/// `promise` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_release(
    promise: *mut aws_future_impl,
) -> *mut aws_future_impl {
    guard::ptr(|| {
        if promise.is_null() {
            return Ok(promise);
        }
        // SAFETY: forwarded caller contract.
        let future = unsafe { future_of(promise) }?;
        let before = future
            .refs
            .fetch_update(AcqRel, Relaxed, |n| n.checked_sub(1))
            .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
        if before == 1 {
            // SAFETY: the last reference: nobody else holds the box.
            drop(unsafe { Box::from_raw(promise) });
        }
        Ok(std::ptr::null_mut())
    })
}

/// Adds a reference and returns `promise`; NULL does nothing.
///
/// # Safety
/// `promise` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_acquire(
    promise: *mut aws_future_impl,
) -> *mut aws_future_impl {
    guard::guard(promise, || {
        if !promise.is_null() {
            // SAFETY: forwarded caller contract.
            unsafe { future_of(promise) }?.refs.fetch_add(1, Relaxed);
        }
        Ok(promise)
    })
}

/// Completes the future with `error_code` (0 counts as `AWS_ERROR_UNKNOWN`); ignored when it
/// is already done.
///
/// # Safety
/// `promise` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_set_error(
    promise: *mut aws_future_impl,
    error_code: c_int,
) {
    guard::guard((), || {
        let code = if error_code == 0 {
            AWS_ERROR_UNKNOWN as c_int
        } else {
            error_code
        };
        // SAFETY: forwarded caller contract; an error needs no source.
        unsafe { future_of(promise)?.complete(std::ptr::null(), code) };
        Ok(())
    })
}

/// Completes the future with the result at `src_address`, which the future now owns: the
/// bytes there are zeroed. When the future is already done the new result is disposed of.
///
/// # Safety
/// `promise` NULL or a future holding a reference; `src_address` NULL or `sizeof_result`
/// bytes of a result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_set_result_by_move(
    promise: *mut aws_future_impl,
    src_address: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let future = unsafe { future_of(promise) }?;
        guard::require(!src_address.is_null())?;
        unsafe {
            future.complete(src_address, 0);
            std::ptr::write_bytes(src_address.cast::<u8>(), 0, future.size);
        }
        Ok(())
    })
}

/// Whether the future is done.
///
/// # Safety
/// `future` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_is_done(future: *const aws_future_impl) -> bool {
    // SAFETY: forwarded caller contract.
    guard::guard(false, || Ok(unsafe { future_of(future) }?.lock().done))
}

/// The error the future completed with, 0 for a result. `AWS_ERROR_INVALID_STATE` (returned and
/// raised) when it is not done.
///
/// # Safety
/// `future` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_get_error(future: *const aws_future_impl) -> c_int {
    guard::guard(AWS_ERROR_INVALID_STATE as c_int, || {
        // SAFETY: forwarded caller contract.
        let state = unsafe { future_of(future) }?.lock();
        if !state.done {
            return Err(AWS_ERROR_INVALID_STATE.into());
        }
        Ok(state.error)
    })
}

/// Checks that the result can be read: done, no error, not moved out.
fn readable(future: &aws_future_impl) -> Result<()> {
    let state = future.lock();
    if state.done && state.error == 0 && state.owns_result {
        Ok(())
    } else {
        Err(AWS_ERROR_INVALID_STATE.into())
    }
}

/// The address of the result (the future keeps owning it); NULL with `AWS_ERROR_INVALID_STATE`
/// unless the future is done with a result still in it.
///
/// # Safety
/// `future` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_get_result_address(
    future: *const aws_future_impl,
) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        let future = unsafe { future_of(future) }?;
        readable(future)?;
        Ok(future.result_ptr())
    })
}

/// Moves the result out to `dst_address` (`sizeof_result` bytes): the caller owns it now.
///
/// # Safety
/// `future` NULL or a future holding a reference; `dst_address` NULL or writable for
/// `sizeof_result` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_get_result_by_move(
    future: *mut aws_future_impl,
    dst_address: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let future = unsafe { future_of(future) }?;
        guard::require(!dst_address.is_null())?;
        let mut state = future.lock();
        if !(state.done && state.error == 0 && state.owns_result) {
            return Err(AWS_ERROR_INVALID_STATE.into());
        }
        state.owns_result = false;
        // SAFETY: the result's bytes move to the caller's storage.
        unsafe {
            std::ptr::copy_nonoverlapping(
                future.result_ptr().cast::<u8>(),
                dst_address.cast(),
                future.size,
            );
            std::ptr::write_bytes(future.result_ptr().cast::<u8>(), 0, future.size);
        }
        Ok(())
    })
}

/// Runs `on_done(user_data)` once the future is done: now, on this thread, if it already is;
/// else on the thread that completes it. One callback per future.
///
/// # Safety
/// `future` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_register_callback(
    future: *mut aws_future_impl,
    on_done: Option<aws_future_callback_fn>,
    user_data: *mut c_void,
) {
    guard::guard((), || {
        let on_done = on_done.ok_or(INVALID_ARGUMENT)?;
        // SAFETY: forwarded caller contract.
        unsafe { future_of(future) }?.register(Callback::Immediate(on_done, user_data), true)?;
        Ok(())
    })
}

/// Registers `on_done` unless the future is already done: true when registered, false (and
/// nothing runs) when done.
///
/// # Safety
/// `future` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_register_callback_if_not_done(
    future: *mut aws_future_impl,
    on_done: Option<aws_future_callback_fn>,
    user_data: *mut c_void,
) -> bool {
    guard::guard(false, || {
        let on_done = on_done.ok_or(INVALID_ARGUMENT)?;
        // SAFETY: forwarded caller contract.
        unsafe { future_of(future) }?.register(Callback::Immediate(on_done, user_data), false)
    })
}

/// Runs `on_done(user_data)` as a task on `event_loop` once the future is done (also when it
/// already is: never inside this call). If the loop has stopped, it runs where the task is
/// dropped, as upstream runs a cancelled task's callback.
///
/// # Safety
/// `future` NULL or a future holding a reference; `event_loop` NULL or a live loop.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_register_event_loop_callback(
    future: *mut aws_future_impl,
    event_loop: *mut aws_event_loop,
    on_done: Option<aws_future_callback_fn>,
    user_data: *mut c_void,
) {
    guard::guard((), || {
        let on_done = on_done.ok_or(INVALID_ARGUMENT)?;
        // SAFETY: forwarded caller contract.
        let (future, event_loop) = unsafe { (future_of(future)?, loop_of(event_loop)?) };
        future.register(
            Callback::OnLoop(event_loop.clone(), on_done, user_data),
            true,
        )?;
        Ok(())
    })
}

/// Refused: this library has no channels (`AWS_ERROR_UNSUPPORTED_OPERATION`; nothing is
/// registered, the callback never runs).
///
/// # Safety
/// Any arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_register_channel_callback(
    _future: *mut aws_future_impl,
    _channel: *mut aws_channel,
    _on_done: Option<aws_future_callback_fn>,
    _user_data: *mut c_void,
) {
    guard::guard((), || Err(AWS_ERROR_UNSUPPORTED_OPERATION.into()))
}

/// Blocks until the future is done or `timeout_ns` has passed; true when done.
///
/// # Safety
/// `future` NULL or a future holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_impl_wait(
    future: *const aws_future_impl,
    timeout_ns: u64,
) -> bool {
    guard::guard(false, || {
        // SAFETY: forwarded caller contract.
        let future = unsafe { future_of(future) }?;
        let state = future.lock();
        let (state, _) = future
            .done
            .wait_timeout_while(state, Duration::from_nanos(timeout_ns), |s| !s.done)
            .unwrap_or_else(|e| e.into_inner());
        Ok(state.done)
    })
}

//! `aws/io/pipe.h`: a non-blocking pipe whose ends each belong to an event loop. The read end
//! reports readability (edge-triggered: again only once the reader has drained it and more
//! arrives) and errors to its subscriber on its loop thread; the write end queues writes and
//! completes each, in order, on its loop thread once all its bytes are written.
//!
//! As upstream: the calls on an end (but reading, and asking for the loop) must come from its
//! loop's thread (`AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY` otherwise); an end that was cleaned up
//! (or never made) fails with `AWS_IO_BROKEN_PIPE`; a write that completes at once calls its
//! callback inside `aws_pipe_write`; cleaning up the write end completes what is queued with
//! `AWS_IO_BROKEN_PIPE` and a NULL end. An end may be cleaned up from inside its own callback.
//!
//! Each end's state is shared (`Arc`) between the C struct's `impl_data` and the loop's
//! handler, and no lock is held while a user callback runs. The write end watches for
//! writability only once a write would block (this library registers I/O only on the loop's
//! thread, and `aws_pipe_init` may be called from any thread).

use crate::error::aws_io_errors::{
    AWS_ERROR_IO_ALREADY_SUBSCRIBED, AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY,
    AWS_ERROR_IO_NOT_SUBSCRIBED, AWS_IO_BROKEN_PIPE, AWS_IO_READ_WOULD_BLOCK,
};
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_SYS_CALL_FAILURE;
use crate::ffi::common::error_info::translate_errno;
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::io::event_loop::{aws_event_loop, loop_of};
use crate::runtime::event_loop::EventLoop;
use mio::unix::SourceFd;
use std::collections::VecDeque;
use std::ffi::{c_int, c_void};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Mutex, MutexGuard};

/// The read end of a pipe.
#[repr(C)]
pub struct aws_pipe_read_end {
    /// The end's state; NULL when cleaned up.
    pub impl_data: *mut c_void,
}

/// The write end of a pipe.
#[repr(C)]
pub struct aws_pipe_write_end {
    /// The end's state; NULL when cleaned up.
    pub impl_data: *mut c_void,
}

/// Readability (error code 0) or an error on the read end, on its loop thread.
pub type aws_pipe_on_readable_fn = unsafe extern "C" fn(
    read_end: *mut aws_pipe_read_end,
    error_code: c_int,
    user_data: *mut c_void,
);

/// A write finished (error code 0) or failed; `write_end` is NULL once the end is cleaned up.
pub type aws_pipe_on_write_completed_fn = unsafe extern "C" fn(
    write_end: *mut aws_pipe_write_end,
    error_code: c_int,
    src_buffer: aws_byte_cursor,
    user_data: *mut c_void,
);

/// A pointer handed to the loop thread, where the end it points to is used.
struct Handed<T>(*mut T);

// Not derived: a derive would ask `T: Copy` of the end, and only the pointer is copied.
impl<T> Clone for Handed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Handed<T> {}

// SAFETY: the C end is only touched on its loop's thread (checked by every call that registers).
unsafe impl<T> Send for Handed<T> {}

/// One end's common state: its descriptor, its loop and whether it is cleaned up.
struct End {
    fd: OwnedFd,
    event_loop: EventLoop,
    c_loop: *mut aws_event_loop,
    token: Option<mio::Token>,
    closed: bool,
}

/// The read end's state.
struct ReadState {
    end: End,
    subscriber: Option<(aws_pipe_on_readable_fn, *mut c_void)>,
}

/// One queued write: what is left of it, and its completion.
struct WriteRequest {
    original: aws_byte_cursor,
    left: aws_byte_cursor,
    on_completed: Option<aws_pipe_on_write_completed_fn>,
    user_data: *mut c_void,
}

/// The write end's state.
struct WriteState {
    end: End,
    queue: VecDeque<WriteRequest>,
    writable: bool,
    completing: bool,
}

// SAFETY: the raw pointers are the caller's, used on the end's loop thread only.
unsafe impl Send for ReadState {}
unsafe impl Send for WriteState {}

type Shared<S> = Arc<Mutex<S>>;

fn lock<S>(state: &Shared<S>) -> MutexGuard<'_, S> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// The state behind an end's `impl_data` (a clone of its `Arc`); `AWS_IO_BROKEN_PIPE` when
/// cleaned up.
///
/// # Safety
/// `impl_data` NULL or set by [`aws_pipe_init`] for an `S` end and not yet cleaned up.
unsafe fn shared<S>(impl_data: *mut c_void) -> Result<Shared<S>> {
    if impl_data.is_null() {
        return Err(AWS_IO_BROKEN_PIPE.into());
    }
    let raw = impl_data.cast::<Mutex<S>>().cast_const();
    // SAFETY: forwarded contract: `impl_data` holds one strong count, which stays there.
    unsafe {
        Arc::increment_strong_count(raw);
        Ok(Arc::from_raw(raw))
    }
}

/// Fails unless called on the end's loop thread.
fn on_loop(end: &End) -> Result<()> {
    if end.event_loop.is_current_thread() {
        Ok(())
    } else {
        Err(AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY.into())
    }
}

/// The error of a failed system call, in upstream's terms.
fn os_error(err: std::io::Error) -> Error {
    match err.raw_os_error() {
        Some(libc::EPIPE) => AWS_IO_BROKEN_PIPE.into(),
        Some(errno) => Error(translate_errno(errno, AWS_ERROR_SYS_CALL_FAILURE as c_int)),
        None => AWS_ERROR_SYS_CALL_FAILURE.into(),
    }
}

/// Stops watching the end's descriptor, if watched.
fn deregister(end: &mut End) {
    if let Some(token) = end.token.take() {
        let _ = end
            .event_loop
            .deregister(&mut SourceFd(&end.fd.as_raw_fd()), token);
    }
}

/// Opens a pipe: `read_end` on `read_end_event_loop`, `write_end` on `write_end_event_loop`.
/// The ends must stay at their addresses until cleaned up.
///
/// # Safety
/// The ends NULL or writable; the loops NULL or live; `allocator` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_init(
    read_end: *mut aws_pipe_read_end,
    read_end_event_loop: *mut aws_event_loop,
    write_end: *mut aws_pipe_write_end,
    write_end_event_loop: *mut aws_event_loop,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let (read, write) = unsafe { (guard::mutable(read_end)?, guard::mutable(write_end)?) };
        let read_loop = unsafe { loop_of(read_end_event_loop) }?.clone();
        let write_loop = unsafe { loop_of(write_end_event_loop) }?.clone();
        unsafe { allocator::checked(allocator) }?;
        read.impl_data = std::ptr::null_mut();
        write.impl_data = std::ptr::null_mut();
        let mut fds = [0; 2];
        // SAFETY: pipe2 writes two descriptors, which are ours from here on.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(os_error(std::io::Error::last_os_error()));
        }
        let (read_fd, write_fd) =
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let end = |fd, event_loop, c_loop| End {
            fd,
            event_loop,
            c_loop,
            token: None,
            closed: false,
        };
        let reader = ReadState {
            end: end(read_fd, read_loop, read_end_event_loop),
            subscriber: None,
        };
        let writer = WriteState {
            end: end(write_fd, write_loop, write_end_event_loop),
            queue: VecDeque::new(),
            writable: true,
            completing: false,
        };
        read.impl_data = Arc::into_raw(Arc::new(Mutex::new(reader)))
            .cast_mut()
            .cast();
        write.impl_data = Arc::into_raw(Arc::new(Mutex::new(writer)))
            .cast_mut()
            .cast();
        Ok(())
    })
}

/// Takes an end's `Arc` out of its C struct (the struct is zeroed).
///
/// # Safety
/// As [`shared`]; the caller gives the count back by dropping the result.
unsafe fn take<S>(impl_data: &mut *mut c_void) -> Shared<S> {
    let raw = std::mem::replace(impl_data, std::ptr::null_mut());
    // SAFETY: forwarded contract: the count `impl_data` held.
    unsafe { Arc::from_raw(raw.cast::<Mutex<S>>().cast_const()) }
}

/// Closes the read end (unsubscribing first). On its loop thread.
///
/// # Safety
/// `read_end` NULL or an end made by [`aws_pipe_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_clean_up_read_end(read_end: *mut aws_pipe_read_end) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let c_end = unsafe { guard::mutable(read_end) }?;
        let state = unsafe { shared::<ReadState>(c_end.impl_data) }?;
        let mut s = lock(&state);
        on_loop(&s.end)?;
        deregister(&mut s.end);
        s.subscriber = None;
        s.end.closed = true;
        drop(s);
        drop(unsafe { take::<ReadState>(&mut c_end.impl_data) });
        Ok(())
    })
}

/// Closes the write end; queued writes complete with `AWS_IO_BROKEN_PIPE` and a NULL end. On
/// its loop thread.
///
/// # Safety
/// `write_end` NULL or an end made by [`aws_pipe_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_clean_up_write_end(write_end: *mut aws_pipe_write_end) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let c_end = unsafe { guard::mutable(write_end) }?;
        let state = unsafe { shared::<WriteState>(c_end.impl_data) }?;
        let mut s = lock(&state);
        on_loop(&s.end)?;
        deregister(&mut s.end);
        s.end.closed = true;
        let queued = std::mem::take(&mut s.queue);
        drop(s);
        drop(unsafe { take::<WriteState>(&mut c_end.impl_data) });
        for request in queued {
            if let Some(on_completed) = request.on_completed {
                // SAFETY: the caller's callback, told the end is gone.
                unsafe {
                    on_completed(
                        std::ptr::null_mut(),
                        AWS_IO_BROKEN_PIPE as c_int,
                        request.original,
                        request.user_data,
                    )
                };
            }
        }
        Ok(())
    })
}

/// The read end's loop; NULL with `AWS_IO_BROKEN_PIPE` once cleaned up. From any thread.
///
/// # Safety
/// `read_end` NULL or an end made by [`aws_pipe_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_get_read_end_event_loop(
    read_end: *const aws_pipe_read_end,
) -> *mut aws_event_loop {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        let state = unsafe { shared::<ReadState>(guard::reference(read_end)?.impl_data) }?;
        Ok(lock(&state).end.c_loop)
    })
}

/// The write end's loop; NULL with `AWS_IO_BROKEN_PIPE` once cleaned up. From any thread.
///
/// # Safety
/// `write_end` NULL or an end made by [`aws_pipe_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_get_write_end_event_loop(
    write_end: *const aws_pipe_write_end,
) -> *mut aws_event_loop {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        let state = unsafe { shared::<WriteState>(guard::reference(write_end)?.impl_data) }?;
        Ok(lock(&state).end.c_loop)
    })
}

/// Reads what fits between `dst_buffer->len` and its capacity, without blocking;
/// `AWS_IO_READ_WOULD_BLOCK` when nothing is there. `num_bytes_read` (optional) gets the count.
///
/// # Safety
/// `read_end` NULL or an end made by [`aws_pipe_init`]; `dst_buffer` NULL or valid;
/// `num_bytes_read` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_read(
    read_end: *mut aws_pipe_read_end,
    dst_buffer: *mut aws_byte_buf,
    num_bytes_read: *mut usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let state = unsafe { shared::<ReadState>(guard::reference(read_end)?.impl_data) }?;
        let dst = unsafe { guard::mutable(dst_buffer) }?;
        guard::require(!dst.buffer.is_null() && dst.len <= dst.capacity)?;
        if let Some(n) = unsafe { num_bytes_read.as_mut() } {
            *n = 0;
        }
        let fd = lock(&state).end.fd.as_raw_fd();
        // SAFETY: the free space of the caller's buffer.
        let n = unsafe { libc::read(fd, dst.buffer.add(dst.len).cast(), dst.capacity - dst.len) };
        if n < 0 {
            let err = std::io::Error::last_os_error();
            if err.kind() == std::io::ErrorKind::WouldBlock {
                return Err(AWS_IO_READ_WOULD_BLOCK.into());
            }
            return Err(os_error(err));
        }
        dst.len += n as usize;
        if let Some(out) = unsafe { num_bytes_read.as_mut() } {
            *out = n as usize;
        }
        Ok(())
    })
}

/// The read end's handler: readability, then (while still subscribed) an error or hang-up.
fn on_read_event(
    state: &Shared<ReadState>,
    c_end: Handed<aws_pipe_read_end>,
    event: &mio::event::Event,
) {
    let subscriber = |s: &ReadState| if s.end.closed { None } else { s.subscriber };
    if event.is_readable() {
        let Some((callback, user_data)) = subscriber(&lock(state)) else {
            return;
        };
        // SAFETY: the subscriber's callback, on the loop thread, no lock held.
        unsafe { callback(c_end.0, 0, user_data) };
    }
    if event.is_error() || event.is_read_closed() {
        // A statement of its own, so the lock is released before the callback runs (which may
        // clean the end up).
        let still_subscribed = subscriber(&lock(state));
        if let Some((callback, user_data)) = still_subscribed {
            // SAFETY: as above.
            unsafe { callback(c_end.0, AWS_IO_BROKEN_PIPE as c_int, user_data) };
        }
    }
}

/// Calls `on_readable(read_end, 0, user_data)` on the loop thread each time the pipe becomes
/// readable, and with `AWS_IO_BROKEN_PIPE` on an error or once the write end is closed. On the
/// read end's loop thread; `AWS_ERROR_IO_ALREADY_SUBSCRIBED` when subscribed already.
///
/// # Safety
/// `read_end` NULL or an end made by [`aws_pipe_init`], at the same address until cleaned up.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_subscribe_to_readable_events(
    read_end: *mut aws_pipe_read_end,
    on_readable: Option<aws_pipe_on_readable_fn>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        let on_readable = on_readable.ok_or(guard::INVALID_ARGUMENT)?;
        // SAFETY: forwarded caller contract.
        let state = unsafe { shared::<ReadState>(guard::reference(read_end)?.impl_data) }?;
        let mut s = lock(&state);
        on_loop(&s.end)?;
        if s.subscriber.is_some() {
            return Err(AWS_ERROR_IO_ALREADY_SUBSCRIBED.into());
        }
        let for_handler = state.clone();
        let c_end = Handed(read_end);
        let handler =
            Box::new(move |event: &mio::event::Event| on_read_event(&for_handler, c_end, event));
        let fd = s.end.fd.as_raw_fd();
        let token = s
            .end
            .event_loop
            .register(&mut SourceFd(&fd), mio::Interest::READABLE, handler)
            .map_err(os_error)?;
        s.end.token = Some(token);
        s.subscriber = Some((on_readable, user_data));
        Ok(())
    })
}

/// Stops the readable notifications. On the read end's loop thread;
/// `AWS_ERROR_IO_NOT_SUBSCRIBED` when not subscribed.
///
/// # Safety
/// `read_end` NULL or an end made by [`aws_pipe_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_unsubscribe_from_readable_events(
    read_end: *mut aws_pipe_read_end,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let state = unsafe { shared::<ReadState>(guard::reference(read_end)?.impl_data) }?;
        let mut s = lock(&state);
        on_loop(&s.end)?;
        if s.subscriber.take().is_none() {
            return Err(AWS_ERROR_IO_NOT_SUBSCRIBED.into());
        }
        deregister(&mut s.end);
        Ok(())
    })
}

/// Writes queued requests in order while the pipe takes bytes, completing each once written
/// (or failed); stops when the pipe would block (then watches for writability), when the
/// queue is empty, or when a callback cleaned the end up.
fn process_writes(state: &Shared<WriteState>, c_end: Handed<aws_pipe_write_end>) {
    loop {
        let mut s = lock(state);
        if s.end.closed || s.completing || !s.writable {
            return;
        }
        let fd = s.end.fd.as_raw_fd();
        let Some(front) = s.queue.front_mut() else {
            return;
        };
        let mut error = 0;
        if front.left.len > 0 {
            // SAFETY: the caller keeps the source bytes alive until the write completes.
            let n = unsafe { libc::write(fd, front.left.ptr.cast(), front.left.len) };
            if n < 0 {
                let err = std::io::Error::last_os_error();
                if err.kind() == std::io::ErrorKind::WouldBlock {
                    s.writable = false;
                    watch_writable(state, &mut s, c_end);
                    return;
                }
                error = os_error(err).0;
            } else {
                let n = n as usize;
                front.left.ptr = front.left.ptr.wrapping_add(n);
                front.left.len -= n;
                if front.left.len > 0 {
                    continue;
                }
            }
        }
        let request = s.queue.pop_front().expect("front exists");
        s.completing = true;
        drop(s);
        if let Some(on_completed) = request.on_completed {
            // SAFETY: the caller's callback on the loop thread, no lock held.
            unsafe { on_completed(c_end.0, error, request.original, request.user_data) };
        }
        lock(state).completing = false;
    }
}

/// Registers the write end for writability (once), to resume writing when the pipe drains.
fn watch_writable(
    state: &Shared<WriteState>,
    s: &mut WriteState,
    c_end: Handed<aws_pipe_write_end>,
) {
    if s.end.token.is_some() {
        return;
    }
    let for_handler = state.clone();
    let handler = Box::new(move |event: &mio::event::Event| {
        if event.is_writable() || event.is_error() || event.is_write_closed() {
            lock(&for_handler).writable = true;
            process_writes(&for_handler, c_end);
        }
    });
    let fd = s.end.fd.as_raw_fd();
    match s
        .end
        .event_loop
        .register(&mut SourceFd(&fd), mio::Interest::WRITABLE, handler)
    {
        Ok(token) => s.end.token = Some(token),
        // Without a registration nothing would resume the writes: try again at once.
        Err(_) => s.writable = true,
    }
}

/// Queues a write of `src_buffer` (its bytes must stay alive until `on_completed` runs, on the
/// loop thread, with 0 once all are written). Writes start at once when the pipe takes them,
/// so a short write may complete inside this call. On the write end's loop thread.
///
/// # Safety
/// `write_end` NULL or an end made by [`aws_pipe_init`], at the same address until cleaned up;
/// `src_buffer` over bytes that outlive the write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pipe_write(
    write_end: *mut aws_pipe_write_end,
    src_buffer: aws_byte_cursor,
    on_completed: Option<aws_pipe_on_write_completed_fn>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        guard::require(!src_buffer.ptr.is_null())?;
        // SAFETY: forwarded caller contract.
        let state = unsafe { shared::<WriteState>(guard::reference(write_end)?.impl_data) }?;
        let mut s = lock(&state);
        on_loop(&s.end)?;
        s.queue.push_back(WriteRequest {
            original: src_buffer,
            left: src_buffer,
            on_completed,
            user_data,
        });
        drop(s);
        process_writes(&state, Handed(write_end));
        Ok(())
    })
}

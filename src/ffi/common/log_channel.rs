//! `aws/common/log_channel.h`: the link between a logging pipeline's formatter and its writer.
//! The foreground channel writes each line on the calling thread, one at a time; the background
//! channel queues lines for a thread of its own, which writes them in order. Either way the
//! channel takes the line and destroys it once written; the writer stays the caller's.
//!
//! Cleaning up the background channel writes every line still queued before its thread ends,
//! as upstream does.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a channel's writer stays valid until the channel is
//! cleaned up.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::log_state::{place, state, unplace};
use crate::ffi::common::log_writer::{self, aws_log_writer};
use crate::ffi::common::string::{aws_string, aws_string_destroy};
use crate::ffi::guard::{self, Result, require};
use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void};
use std::sync::Mutex;
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;

/// Takes one formatted line and sees it written; the channel owns the string from then on.
pub type aws_log_channel_send_fn =
    unsafe extern "C" fn(channel: *mut aws_log_channel, output: *mut aws_string) -> c_int;

/// Frees what the channel holds (not the struct itself, nor its writer).
pub type aws_log_channel_clean_up_fn = unsafe extern "C" fn(channel: *mut aws_log_channel);

/// What a channel does.
#[repr(C)]
pub struct aws_log_channel_vtable {
    /// Takes a line.
    pub send: Option<aws_log_channel_send_fn>,
    /// Frees the channel's state.
    pub clean_up: Option<aws_log_channel_clean_up_fn>,
}

/// A log channel: its functions, allocator, writer and state.
#[repr(C)]
pub struct aws_log_channel {
    /// What the channel does.
    pub vtable: *mut aws_log_channel_vtable,
    /// Where its state came from.
    pub allocator: *mut aws_allocator,
    /// Where its lines go; the caller's.
    pub writer: *mut aws_log_writer,
    /// Its state.
    pub r#impl: *mut c_void,
}

/// A pointer moved to the background thread: the writer, or a line the channel owns.
struct Owned<T>(*mut T);

// SAFETY: the channel hands each line to exactly one thread, and the writer is documented to
// be usable from the channel's thread (upstream writes from it too).
unsafe impl<T> Send for Owned<T> {}

/// The foreground channel's state: one line written at a time.
struct Foreground {
    lock: Mutex<()>,
}

/// The background channel's state: the queue into its thread, and the thread.
struct Background {
    queue: Mutex<Option<Sender<Owned<aws_string>>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// Vtables in statics C may read through mutable pointers.
struct SharedVtable(UnsafeCell<aws_log_channel_vtable>);

// SAFETY: nothing writes the vtables.
unsafe impl Sync for SharedVtable {}

static FOREGROUND: SharedVtable = SharedVtable(UnsafeCell::new(aws_log_channel_vtable {
    send: Some(foreground_send),
    clean_up: Some(foreground_clean_up),
}));

static BACKGROUND: SharedVtable = SharedVtable(UnsafeCell::new(aws_log_channel_vtable {
    send: Some(background_send),
    clean_up: Some(background_clean_up),
}));

/// The channel and its state, checked to use `vtable`.
///
/// # Safety
/// `channel` must be NULL or a valid channel.
unsafe fn parts<'a, T>(
    channel: *mut aws_log_channel,
    vtable: &SharedVtable,
) -> Result<(&'a mut aws_log_channel, &'a T)> {
    // SAFETY: forwarded caller contract; the vtable says what the state is.
    let channel = unsafe { guard::mutable(channel) }?;
    require(std::ptr::eq(channel.vtable, vtable.0.get()))?;
    let state = unsafe { state::<T>(channel.r#impl) }?;
    Ok((channel, state))
}

/// Writes `line` and destroys it.
///
/// # Safety
/// `writer` must be a valid writer and `line` a string the caller owns.
unsafe fn write_and_destroy(writer: *mut aws_log_writer, line: *mut aws_string) {
    // SAFETY: forwarded caller contract. A failed write has nowhere to be reported.
    unsafe {
        log_writer::write(writer, line);
        aws_string_destroy(line);
    }
}

unsafe extern "C" fn foreground_send(
    channel: *mut aws_log_channel,
    output: *mut aws_string,
) -> c_int {
    guard::op(|| {
        // SAFETY: C passes the channel whose vtable this is and a line it gives away.
        let (channel, state) = unsafe { parts::<Foreground>(channel, &FOREGROUND) }?;
        let _one_at_a_time = state.lock.lock().unwrap_or_else(|e| e.into_inner());
        unsafe { write_and_destroy(channel.writer, output) };
        Ok(())
    })
}

unsafe extern "C" fn foreground_clean_up(channel: *mut aws_log_channel) {
    guard::guard((), || {
        // SAFETY: C passes the channel whose vtable this is.
        let (channel, _) = unsafe { parts::<Foreground>(channel, &FOREGROUND) }?;
        unsafe { unplace::<Foreground>(channel.allocator, channel.r#impl) };
        channel.r#impl = std::ptr::null_mut();
        Ok(())
    })
}

unsafe extern "C" fn background_send(
    channel: *mut aws_log_channel,
    output: *mut aws_string,
) -> c_int {
    guard::op(|| {
        // SAFETY: C passes the channel whose vtable this is and a line it gives away.
        let (_, state) = unsafe { parts::<Background>(channel, &BACKGROUND) }?;
        let queue = state.queue.lock().unwrap_or_else(|e| e.into_inner());
        let sent = queue.as_ref().map(|q| q.send(Owned(output)));
        require(matches!(sent, Some(Ok(()))))
    })
}

unsafe extern "C" fn background_clean_up(channel: *mut aws_log_channel) {
    guard::guard((), || {
        // SAFETY: C passes the channel whose vtable this is.
        let (channel, state) = unsafe { parts::<Background>(channel, &BACKGROUND) }?;
        // Closing the queue lets the thread write what is left and end.
        drop(state.queue.lock().unwrap_or_else(|e| e.into_inner()).take());
        let thread = state
            .thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
        unsafe { unplace::<Background>(channel.allocator, channel.r#impl) };
        channel.r#impl = std::ptr::null_mut();
        Ok(())
    })
}

/// Fills in `channel` once its state is placed.
///
/// # Safety
/// As the module's contract.
unsafe fn init_channel<T>(
    channel: *mut aws_log_channel,
    allocator: *mut aws_allocator,
    writer: *mut aws_log_writer,
    vtable: &SharedVtable,
    state: impl FnOnce() -> Result<T>,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let channel = unsafe { guard::mutable(channel) }?;
    unsafe { allocator::checked(allocator) }?;
    require(!writer.is_null())?;
    let block = unsafe { place(allocator, state()?) }?;
    *channel = aws_log_channel {
        vtable: vtable.0.get(),
        allocator,
        writer,
        r#impl: block,
    };
    Ok(())
}

/// Sets `channel` up to write each line on the thread that sends it, one line at a time.
/// `writer` stays the caller's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_channel_init_foreground(
    channel: *mut aws_log_channel,
    allocator: *mut aws_allocator,
    writer: *mut aws_log_writer,
) -> c_int {
    guard::op(|| {
        let state = || {
            Ok(Foreground {
                lock: Mutex::new(()),
            })
        };
        // SAFETY: forwarded caller contract.
        unsafe { init_channel(channel, allocator, writer, &FOREGROUND, state) }
    })
}

/// Sets `channel` up to queue lines for a thread of its own, which writes them in order.
/// `writer` stays the caller's. `AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE` if no thread starts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_channel_init_background(
    channel: *mut aws_log_channel,
    allocator: *mut aws_allocator,
    writer: *mut aws_log_writer,
) -> c_int {
    guard::op(|| {
        let state = || {
            let (queue, lines) = mpsc::channel::<Owned<aws_string>>();
            let sink = Owned(writer);
            let thread = std::thread::Builder::new()
                .name("aws-log-writer".into())
                .spawn(move || {
                    let sink = sink;
                    for line in lines {
                        // SAFETY: the writer outlives the channel, which joins this thread.
                        unsafe { write_and_destroy(sink.0, line.0) };
                    }
                })
                .map_err(|_| {
                    crate::ffi::common::error::aws_common_error::AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE
                })?;
            Ok(Background {
                queue: Mutex::new(Some(queue)),
                thread: Mutex::new(Some(thread)),
            })
        };
        // SAFETY: forwarded caller contract.
        unsafe { init_channel(channel, allocator, writer, &BACKGROUND, state) }
    })
}

/// Frees what `channel` holds through its vtable (the struct and its writer are the caller's).
/// A background channel writes every queued line first.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_channel_clean_up(channel: *mut aws_log_channel) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract; a channel's vtable pointer is valid.
        let vtable = unsafe { guard::reference(guard::reference(channel)?.vtable) }?;
        let clean_up = vtable.clean_up.ok_or(guard::INVALID_ARGUMENT)?;
        unsafe { clean_up(channel) };
        Ok(())
    })
}

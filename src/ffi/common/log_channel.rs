//! `aws/common/log_channel.h`: the link between a logging pipeline's formatter and its writer.
//! The foreground channel writes each line on the calling thread, one at a time; the background
//! channel queues lines for a thread of its own, which writes them in order. Either way the
//! channel takes the line and destroys it once written; the writer stays the caller's.
//!
//! Cleaning up the background channel writes every line still queued before its thread ends,
//! as upstream does. Unlike upstream's, its queue is bounded ([`BACKGROUND_QUEUE_LINES`]): a
//! line sent to a full queue is dropped and counted, and the count is written last.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a channel's writer stays valid until the channel is
//! cleaned up.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE;
use crate::ffi::common::log_state::{place, state, unplace};
use crate::ffi::common::log_writer::{self, aws_log_writer};
use crate::ffi::common::logging::aws_log_level;
use crate::ffi::common::string::{aws_string, aws_string_destroy, new_string};
use crate::ffi::file_logger;
use crate::ffi::guard::{self, Result, require};
use std::cell::UnsafeCell;
use std::collections::VecDeque;
use std::ffi::{c_int, c_void};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
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

/// At most this many lines wait for the background thread (besides the batch it is writing):
/// a line sent while the queue is full is dropped and counted, so a writer that stalls (a
/// full disk, a pipe nobody reads) never blocks the threads that log.
pub const BACKGROUND_QUEUE_LINES: usize = 8192;

/// The lines waiting for the background thread.
struct Queue {
    lines: VecDeque<Owned<aws_string>>,
    closed: bool,
    dropped: u64,
}

/// What the senders and the background thread share.
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The background channel's state: the bounded queue into its thread, and the thread.
struct Background {
    shared: Arc<Shared>,
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
        let mut queue = state.shared.lock();
        require(!queue.closed)?;
        if queue.lines.len() >= BACKGROUND_QUEUE_LINES {
            queue.dropped += 1;
            drop(queue);
            // SAFETY: the line is ours to destroy; it will not be written.
            unsafe { aws_string_destroy(output) };
            return Ok(());
        }
        queue.lines.push_back(Owned(output));
        state.shared.wake.notify_one();
        Ok(())
    })
}

/// The background thread: takes every queued line at once (freeing the queue for senders while
/// it writes), writes them in order, flushes `flush` (when set) once the batch is out, and ends
/// when the channel is closed and nothing is left.
fn write_lines(shared: &Shared, writer: Owned<aws_log_writer>, flush: Owned<libc::FILE>) {
    loop {
        let batch = {
            let mut queue = shared.lock();
            while queue.lines.is_empty() && !queue.closed {
                queue = shared.wake.wait(queue).unwrap_or_else(|e| e.into_inner());
            }
            if queue.lines.is_empty() {
                return;
            }
            std::mem::take(&mut queue.lines)
        };
        for line in batch {
            // SAFETY: the writer outlives the channel, which joins this thread.
            unsafe { write_and_destroy(writer.0, line.0) };
        }
        if !flush.0.is_null() {
            // SAFETY: the file outlives the channel, as its writer does.
            unsafe { libc::fflush(flush.0) };
        }
    }
}

unsafe extern "C" fn background_clean_up(channel: *mut aws_log_channel) {
    guard::guard((), || {
        // SAFETY: C passes the channel whose vtable this is.
        let (channel, state) = unsafe { parts::<Background>(channel, &BACKGROUND) }?;
        // Closing the queue lets the thread write what is left and end.
        state.shared.lock().closed = true;
        state.shared.wake.notify_all();
        let thread = state
            .thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
        let dropped = state.shared.lock().dropped;
        if dropped > 0 {
            // Say so where the lines were going, so that a reader of the log knows.
            let note = format!(
                "log channel: {dropped} lines dropped: the writer fell behind by more than \
                 {BACKGROUND_QUEUE_LINES} lines"
            );
            let line = file_logger::standard_line(aws_log_level::AWS_LL_WARN, 0, note.as_bytes());
            // SAFETY: the channel's allocator and writer, both still valid.
            if let Ok(line) = unsafe { new_string(channel.allocator, &line) } {
                unsafe { write_and_destroy(channel.writer, line.as_ptr()) };
            }
        }
        unsafe { unplace::<Background>(channel.allocator, channel.r#impl) };
        channel.r#impl = std::ptr::null_mut();
        Ok(())
    })
}

/// How many lines a background channel has dropped so far (0 for any other channel).
///
/// # Safety
/// `channel` must be NULL or a valid channel.
pub unsafe fn dropped_lines(channel: *mut aws_log_channel) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { parts::<Background>(channel, &BACKGROUND) }.map_or(0, |(_, s)| s.shared.lock().dropped)
}

/// Hands `line` to `channel` through its vtable; the channel owns it from then on.
///
/// # Safety
/// `channel` must be a valid channel and `line` a string the caller owns.
pub unsafe fn send(channel: *mut aws_log_channel, line: *mut aws_string) -> c_int {
    // SAFETY: forwarded caller contract.
    let send = unsafe {
        channel
            .as_ref()
            .and_then(|c| c.vtable.as_ref())
            .and_then(|v| v.send)
    };
    match send {
        // SAFETY: the channel's own function.
        Some(send) => unsafe { send(channel, line) },
        None => guard::OP_ERR,
    }
}

/// Sets `channel` up as a background channel (see [`aws_log_channel_init_background`]) whose
/// thread also flushes `flush` (when not NULL) after each batch of lines.
///
/// # Safety
/// As the module's contract; `flush` NULL or a file that outlives the channel.
pub unsafe fn init_background(
    channel: *mut aws_log_channel,
    allocator: *mut aws_allocator,
    writer: *mut aws_log_writer,
    flush: *mut libc::FILE,
) -> Result<()> {
    let state = || {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                lines: VecDeque::new(),
                closed: false,
                dropped: 0,
            }),
            wake: Condvar::new(),
        });
        let (sink, flush, for_thread) = (Owned(writer), Owned(flush), shared.clone());
        let thread = std::thread::Builder::new()
            .name("aws-log-writer".into())
            .spawn(move || write_lines(&for_thread, sink, flush))
            .map_err(|_| AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE)?;
        Ok(Background {
            shared,
            thread: Mutex::new(Some(thread)),
        })
    };
    // SAFETY: forwarded caller contract.
    unsafe { init_channel(channel, allocator, writer, &BACKGROUND, state) }
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
/// `writer` stays the caller's. At most [`BACKGROUND_QUEUE_LINES`] lines wait: more are
/// dropped, counted, and the count is written as a last line at clean-up.
/// `AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE` if no thread starts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_log_channel_init_background(
    channel: *mut aws_log_channel,
    allocator: *mut aws_allocator,
    writer: *mut aws_log_writer,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| unsafe { init_background(channel, allocator, writer, std::ptr::null_mut()) })
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

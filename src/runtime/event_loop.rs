//! One event loop: a thread that waits in `mio::Poll` and runs, on that thread, the tasks, timers
//! and I/O handlers given to it. [`EventLoop`] is the handle the rest of the crate holds.
//!
//! - **Tasks and timers** may be scheduled from any thread. From the loop's own thread they go
//!   straight into its ready queue or timer heap; from another thread into a short
//!   mutex-protected command list that the loop takes whole once per tick, and the caller writes
//!   the loop's waker only when the loop is asleep in poll (one atomic flag), so a busy loop
//!   costs its producers no syscall.
//! - **Order.** Tasks scheduled now run in the order they reach the ready queue (from the loop
//!   thread at once, from other threads at the loop's next tick). Timers run in deadline order,
//!   first in first out among equal deadlines (by scheduling order). Per tick, the loop
//!   dispatches I/O events, takes the command list, runs the ready tasks, then the due timers;
//!   work scheduled while a tick's tasks run waits for the next tick.
//! - **Cancellation and shutdown.** A cancelled or never-run task is *dropped, not run*: its
//!   captured state is dropped on the loop thread (at shutdown, or inside [`EventLoop::cancel`]
//!   when called there). Code that must learn of the cancellation puts it in a `Drop` impl; the
//!   C bridge does exactly that to call a C task with `AWS_TASK_STATUS_CANCELED`. When the loop
//!   stops, everything still queued is dropped this way, also what those drops schedule; then
//!   the loop closes and a task scheduled afterwards is dropped on the caller's thread.
//! - **I/O** registration ([`EventLoop::register`], `reregister`, `deregister`) works only on the
//!   loop's thread: do it from a task. The handler is called on the loop thread with each event.
//! - No loop thread ever blocks except in poll; a panic in a task or handler is caught, logged,
//!   and the loop goes on.

use crate::runtime::lock::lock;
use crate::runtime::loop_thread::{self, Local};
use crate::runtime::managed_threads::{self, ManagedThread};
use crate::runtime::timer_heap::TimerId;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Work for a loop: run once on its thread, or dropped there if the loop cancels it.
pub type Task = Box<dyn FnOnce() + Send>;

/// Called on the loop thread with each readiness event of a registered I/O source.
pub type IoHandler = Box<dyn FnMut(&mio::event::Event) + Send>;

/// The clock a loop's timers follow, in nanoseconds.
#[derive(Clone, Default)]
pub enum Clock {
    /// The monotonic clock, as `aws_high_res_clock_get_ticks` reads it.
    #[default]
    Monotonic,
    /// A replacement (tests use one to control time); `None` means the clock failed.
    Custom(Arc<dyn Fn() -> Option<u64> + Send + Sync>),
}

impl Clock {
    /// The current time, or `None` when a custom clock fails.
    pub fn now_ns(&self) -> Option<u64> {
        match self {
            Clock::Monotonic => Some(super::clock::monotonic_ns()),
            Clock::Custom(read) => read(),
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Clock::Monotonic => "Clock::Monotonic",
            Clock::Custom(_) => "Clock::Custom",
        })
    }
}

/// What another thread asks of a loop.
pub(crate) enum Command {
    /// Run as soon as possible.
    Now(Task),
    /// Run when the timer is due.
    At(TimerId, Task),
    /// Drop the timer's task if it has not run.
    Cancel(TimerId),
    /// Finish the current tick, then drop what is left and end the thread.
    Stop,
}

/// The command list and whether the loop still takes commands.
#[derive(Default)]
pub(crate) struct Inbox {
    pub(crate) commands: Vec<Command>,
    /// Set by the loop thread once it has stopped and emptied everything; from then on a
    /// command is handed back to its sender.
    pub(crate) closed: bool,
}

/// The part of a loop every handle shares.
pub(crate) struct Shared {
    pub(crate) inbox: Mutex<Inbox>,
    /// True while the loop is in, or about to enter, a poll that may block: a sender that
    /// swaps it from true to false writes the waker.
    pub(crate) sleeping: AtomicBool,
    pub(crate) waker: mio::Waker,
    next_seq: AtomicU64,
    pub(crate) clock: Clock,
}

impl Shared {
    /// The command list, even if a panicking thread poisoned its lock (the list stays valid).
    pub(crate) fn inbox(&self) -> MutexGuard<'_, Inbox> {
        lock(&self.inbox)
    }
}

/// A handle to one event loop. Cheap to clone; usable from any thread; outlives the loop
/// harmlessly (scheduling on a stopped loop drops the task).
#[derive(Clone)]
pub struct EventLoop {
    shared: Arc<Shared>,
}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLoop")
            .field("id", &Arc::as_ptr(&self.shared))
            .finish()
    }
}

impl EventLoop {
    /// Starts a loop on a new managed thread called `name`, pinned to `cpu` if given.
    /// The thread runs until [`EventLoop::request_stop`]; join it through the returned handle.
    pub(crate) fn start(
        name: String,
        clock: Clock,
        cpu: Option<usize>,
    ) -> io::Result<(EventLoop, ManagedThread)> {
        let poll = mio::Poll::new()?;
        let waker = mio::Waker::new(poll.registry(), loop_thread::WAKER)?;
        let shared = Arc::new(Shared {
            inbox: Mutex::new(Inbox::default()),
            sleeping: AtomicBool::new(false),
            waker,
            next_seq: AtomicU64::new(0),
            clock,
        });
        let for_thread = shared.clone();
        let thread =
            managed_threads::spawn_joinable(name, move || loop_thread::run(poll, for_thread, cpu))?;
        Ok((EventLoop { shared }, thread))
    }

    /// Runs `task` on the loop thread as soon as possible.
    pub fn schedule_now(&self, task: Task) {
        match loop_thread::local_of(&self.shared) {
            Some(local) => local.push_ready(task),
            None => self.send(Command::Now(task)),
        }
    }

    /// Runs `task` on the loop thread once the loop's clock reads `deadline_ns` or later (a
    /// deadline in the past means at the next tick). The id cancels it.
    pub fn schedule_at(&self, deadline_ns: u64, task: Task) -> TimerId {
        let id = self.new_timer_id(deadline_ns);
        self.schedule_timer(id, task);
        id
    }

    /// Cancels a timer that has not run: its task is dropped, not run. On the loop thread this
    /// happens inside the call (and works for a timer scheduled from any thread, even one that
    /// has not reached the loop yet); from another thread it happens at the loop's next tick.
    /// A timer that already ran or was cancelled is left alone.
    pub fn cancel(&self, id: TimerId) {
        match loop_thread::local_of(&self.shared) {
            Some(local) => local.cancel(id),
            None => self.send(Command::Cancel(id)),
        }
    }

    /// True when called on this loop's thread.
    pub fn is_current_thread(&self) -> bool {
        loop_thread::local_of(&self.shared).is_some()
    }

    /// The loop's clock in nanoseconds; 0 when a custom clock fails.
    pub fn now_ns(&self) -> u64 {
        self.shared.clock.now_ns().unwrap_or(0)
    }

    /// The loop's clock.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Registers an I/O source with this loop; `handler` then runs on the loop thread with each
    /// of its events until [`EventLoop::deregister`]. Only on the loop's thread (otherwise an
    /// error of kind `Unsupported`).
    pub fn register(
        &self,
        source: &mut dyn mio::event::Source,
        interest: mio::Interest,
        handler: IoHandler,
    ) -> io::Result<mio::Token> {
        self.local()?.register(source, interest, handler)
    }

    /// Changes what a registered source is watched for. Only on the loop's thread.
    pub fn reregister(
        &self,
        source: &mut dyn mio::event::Source,
        token: mio::Token,
        interest: mio::Interest,
    ) -> io::Result<()> {
        self.local()?.reregister(source, token, interest)
    }

    /// Stops watching a source and drops its handler (after it returns, when called from inside
    /// it). Only on the loop's thread. The handler is removed even if the OS call fails.
    pub fn deregister(
        &self,
        source: &mut dyn mio::event::Source,
        token: mio::Token,
    ) -> io::Result<()> {
        self.local()?.deregister(source, token)
    }

    /// A fresh id for a timer at `deadline_ns`, for [`EventLoop::schedule_timer`]: a caller that
    /// must record the id before the task can run (the C bridge) takes it first.
    pub(crate) fn new_timer_id(&self, deadline_ns: u64) -> TimerId {
        TimerId::new(
            deadline_ns,
            self.shared.next_seq.fetch_add(1, Ordering::Relaxed),
        )
    }

    /// Schedules `task` under an id from [`EventLoop::new_timer_id`] of this loop.
    pub(crate) fn schedule_timer(&self, id: TimerId, task: Task) {
        match loop_thread::local_of(&self.shared) {
            Some(local) => local.insert_timer(id, task),
            None => self.send(Command::At(id, task)),
        }
    }

    /// Asks the loop to end after its current tick.
    pub(crate) fn request_stop(&self) {
        self.send(Command::Stop);
    }

    /// True when both handles name the same loop.
    pub fn same_loop(&self, other: &EventLoop) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    fn local(&self) -> io::Result<&Local> {
        loop_thread::local_of(&self.shared).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::Unsupported,
                "I/O registration is only possible on the event loop's thread",
            )
        })
    }

    /// Hands a command to the loop thread, waking it if it sleeps. On a closed loop the command
    /// is dropped here, after the lock is released (dropping a task may run code that schedules).
    fn send(&self, command: Command) {
        let refused = {
            let mut inbox = self.shared.inbox();
            if inbox.closed {
                Some(command)
            } else {
                inbox.commands.push(command);
                None
            }
        };
        if refused.is_some() {
            drop(refused);
            return;
        }
        // The push is ordered before this load by the lock: if the loop checked the list before
        // the push, it had already set the flag.
        if self.shared.sleeping.load(Ordering::SeqCst)
            && self.shared.sleeping.swap(false, Ordering::SeqCst)
        {
            if let Err(e) = self.shared.waker.wake() {
                crate::aws_log!(
                    AWS_LL_ERROR,
                    AWS_LS_IO_EVENT_LOOP,
                    "event loop: waking the loop failed: {e}"
                );
            }
        }
    }
}

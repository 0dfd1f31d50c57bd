//! The body of an event-loop thread: its state, which only that thread touches, and its ticks.
//!
//! A tick: wait in poll (without a timeout when nothing is due, woken by the waker when a
//! command arrives), call the handlers of the I/O events, take the command list, run the ready
//! tasks that were queued when the tick started, then the timers due at the tick's `now`. After
//! a `Stop` command the thread finishes the tick, then drops everything still queued (and what
//! those drops schedule), closes the command list, drops the I/O handlers and ends.
//!
//! Every task, handler and drop runs with no borrow of the state held, so any of them may
//! schedule, cancel or (de)register on this loop; each runs under `catch_unwind`.

use crate::runtime::event_loop::{Command, IoHandler, Shared, Task};
use crate::runtime::io_handlers::IoHandlers;
use crate::runtime::timer_heap::{TimerHeap, TimerId};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// The token of the loop's waker.
pub(crate) const WAKER: mio::Token = mio::Token(usize::MAX);

/// How long poll waits when timers are pending but the clock cannot be read (upstream's
/// default timeout).
const CLOCK_FAILED_TIMEOUT: Duration = Duration::from_secs(100);

/// How many events one poll returns at most.
const EVENTS_PER_POLL: usize = 1024;

thread_local! {
    /// The state of the loop running on this thread, or null.
    static CURRENT: Cell<*const Local> = const { Cell::new(ptr::null()) };
}

/// The state of the loop whose shared part is `shared`, when called on that loop's thread.
pub(crate) fn local_of(shared: &Arc<Shared>) -> Option<&Local> {
    let current = CURRENT.with(Cell::get);
    // SAFETY: CURRENT points at the `Local` on this thread's stack while `run` is inside its
    // loop and is cleared before that `Local` is dropped; `Local` is not `Sync`, so the reference
    // cannot leave this thread, and every caller uses it only within its own call.
    let local = unsafe { current.as_ref() }?;
    ptr::eq(Arc::as_ptr(&local.shared), Arc::as_ptr(shared)).then_some(local)
}

/// What only the loop thread touches.
pub(crate) struct Local {
    shared: Arc<Shared>,
    poll: RefCell<mio::Poll>,
    ready: RefCell<VecDeque<Task>>,
    timers: RefCell<TimerHeap<Task>>,
    io: RefCell<IoHandlers>,
    /// A spare command list, swapped with the shared one so neither reallocates.
    spare: Cell<Vec<Command>>,
    stopping: Cell<bool>,
}

/// Runs `f`, catching a panic so the loop goes on; `what` names it in the log.
fn guarded(what: &str, f: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(f)).is_err() {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_EVENT_LOOP,
            "event loop: a {what} panicked; the loop goes on"
        );
    }
}

/// Drops a task that will not run.
fn discard(task: Task) {
    guarded("cancelled task's drop", move || drop(task));
}

impl Local {
    pub(crate) fn push_ready(&self, task: Task) {
        self.ready.borrow_mut().push_back(task);
    }

    pub(crate) fn insert_timer(&self, id: TimerId, task: Task) {
        self.timers.borrow_mut().insert(id, task);
    }

    /// Drops the timer's task if it has not run. Takes the command list first, so a timer
    /// scheduled from another thread that has not reached the heap yet is found too.
    pub(crate) fn cancel(&self, id: TimerId) {
        self.take_commands();
        let removed = self.timers.borrow_mut().remove(id);
        if let Some(task) = removed {
            discard(task);
        }
    }

    pub(crate) fn register(
        &self,
        source: &mut dyn mio::event::Source,
        interest: mio::Interest,
        handler: IoHandler,
    ) -> io::Result<mio::Token> {
        let token = self.io.borrow_mut().insert(handler);
        let registered = self
            .poll
            .borrow()
            .registry()
            .register(source, token, interest);
        if let Err(e) = registered {
            let removed = self.io.borrow_mut().remove(token);
            drop(removed);
            return Err(e);
        }
        Ok(token)
    }

    pub(crate) fn reregister(
        &self,
        source: &mut dyn mio::event::Source,
        token: mio::Token,
        interest: mio::Interest,
    ) -> io::Result<()> {
        if !self.io.borrow().contains(token) {
            return Err(not_registered());
        }
        self.poll
            .borrow()
            .registry()
            .reregister(source, token, interest)
    }

    pub(crate) fn deregister(
        &self,
        source: &mut dyn mio::event::Source,
        token: mio::Token,
    ) -> io::Result<()> {
        let removed = self.io.borrow_mut().remove(token);
        let Ok(handler) = removed else {
            return Err(not_registered());
        };
        let result = self.poll.borrow().registry().deregister(source);
        if let Some(handler) = handler {
            guarded("I/O handler's drop", move || drop(handler));
        }
        result
    }

    /// Moves the commands other threads sent into the ready queue and the timer heap.
    fn take_commands(&self) {
        let mut batch = self.spare.take();
        std::mem::swap(&mut self.shared.inbox().commands, &mut batch);
        for command in batch.drain(..) {
            match command {
                Command::Now(task) => self.push_ready(task),
                Command::At(id, task) => self.insert_timer(id, task),
                Command::Cancel(id) => {
                    let removed = self.timers.borrow_mut().remove(id);
                    if let Some(task) = removed {
                        discard(task);
                    }
                }
                Command::Stop => self.stopping.set(true),
            }
        }
        self.spare.set(batch);
    }

    /// Calls the handler of one I/O event.
    fn dispatch(&self, event: &mio::event::Event) {
        let token = event.token();
        let handler = self.io.borrow_mut().begin(token);
        let Some(mut handler) = handler else {
            return;
        };
        guarded("I/O handler", || handler(event));
        let deregistered = self.io.borrow_mut().end(token, handler);
        if let Some(handler) = deregistered {
            guarded("I/O handler's drop", move || drop(handler));
        }
    }

    /// Runs the tasks queued when the call starts; later ones wait for the next tick.
    fn run_ready(&self) {
        let count = self.ready.borrow().len();
        for _ in 0..count {
            let task = self.ready.borrow_mut().pop_front();
            match task {
                Some(task) => guarded("task", task),
                None => break,
            }
        }
    }

    /// Runs the timers due now. A failing clock reads as 0: only "now" timers run.
    fn run_due(&self) {
        let now = self.shared.clock.now_ns().unwrap_or(0);
        self.timers.borrow_mut().start_batch(now);
        loop {
            let next = self.timers.borrow_mut().pop_batch();
            match next {
                Some((_, task)) => guarded("task", task),
                None => break,
            }
        }
    }

    /// How long the next poll may wait.
    fn timeout(&self) -> Option<Duration> {
        if self.stopping.get() || !self.ready.borrow().is_empty() {
            return Some(Duration::ZERO);
        }
        let deadline = self.timers.borrow().next_deadline()?;
        Some(match self.shared.clock.now_ns() {
            Some(now) => Duration::from_nanos(deadline.saturating_sub(now)),
            None => CLOCK_FAILED_TIMEOUT,
        })
    }

    /// One wait in poll, then the events' handlers. Sleeping is announced before the last look
    /// at the command list, so a sender either sees the flag and wakes the loop, or its command
    /// is seen here and the poll does not block.
    fn wait_and_dispatch(&self, events: &mut mio::Events) {
        let mut timeout = self.timeout();
        if timeout != Some(Duration::ZERO) {
            self.shared.sleeping.store(true, Ordering::SeqCst);
            if !self.shared.inbox().commands.is_empty() {
                timeout = Some(Duration::ZERO);
            }
        }
        let polled = self.poll.borrow_mut().poll(events, timeout);
        self.shared.sleeping.store(false, Ordering::SeqCst);
        match polled {
            Ok(()) => {
                for event in events.iter() {
                    if event.token() != WAKER {
                        self.dispatch(event);
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_IO_EVENT_LOOP,
                "event loop: poll failed: {e}"
            ),
        }
    }

    /// Drops everything still queued, and what those drops schedule, until nothing is left;
    /// then closes the command list and drops the I/O handlers.
    fn shut_down(&self) {
        loop {
            let mut batch = {
                let mut inbox = self.shared.inbox();
                if inbox.commands.is_empty()
                    && self.ready.borrow().is_empty()
                    && self.timers.borrow().is_empty()
                {
                    inbox.closed = true;
                    break;
                }
                std::mem::take(&mut inbox.commands)
            };
            for command in batch.drain(..) {
                match command {
                    Command::Now(task) | Command::At(_, task) => discard(task),
                    Command::Cancel(_) | Command::Stop => {}
                }
            }
            let ready = std::mem::take(&mut *self.ready.borrow_mut());
            ready.into_iter().for_each(discard);
            let timers = self.timers.borrow_mut().take_all();
            timers.into_iter().for_each(|(_, task)| discard(task));
        }
        let handlers = self.io.borrow_mut().take_all();
        for handler in handlers {
            guarded("I/O handler's drop", move || drop(handler));
        }
    }
}

fn not_registered() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        "the token names no I/O source registered with this loop",
    )
}

/// Pins the calling thread to one CPU; a failure is logged and ignored.
fn pin_to_cpu(cpu: usize) {
    // SAFETY: cpu_set_t is plain data; the calls read and write only it.
    let failed = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if cpu >= 8 * std::mem::size_of::<libc::cpu_set_t>() {
            true
        } else {
            libc::CPU_SET(cpu, &mut set);
            libc::pthread_setaffinity_np(
                libc::pthread_self(),
                std::mem::size_of::<libc::cpu_set_t>(),
                &set,
            ) != 0
        }
    };
    if failed {
        crate::aws_log!(
            AWS_LL_WARN,
            AWS_LS_IO_EVENT_LOOP,
            "event loop: could not pin the thread to CPU {cpu}"
        );
    }
}

/// The thread function of a loop.
pub(crate) fn run(poll: mio::Poll, shared: Arc<Shared>, cpu: Option<usize>) {
    if let Some(cpu) = cpu {
        pin_to_cpu(cpu);
    }
    let local = Local {
        shared,
        poll: RefCell::new(poll),
        ready: RefCell::new(VecDeque::new()),
        timers: RefCell::new(TimerHeap::default()),
        io: RefCell::new(IoHandlers::default()),
        spare: Cell::new(Vec::new()),
        stopping: Cell::new(false),
    };
    let id = Arc::as_ptr(&local.shared);
    crate::aws_log!(
        AWS_LL_DEBUG,
        AWS_LS_IO_EVENT_LOOP,
        "id={id:p}: event loop thread started"
    );
    CURRENT.with(|c| c.set(&local));
    let mut events = mio::Events::with_capacity(EVENTS_PER_POLL);
    while !local.stopping.get() {
        local.wait_and_dispatch(&mut events);
        local.take_commands();
        local.run_ready();
        local.run_due();
    }
    local.shut_down();
    CURRENT.with(|c| c.set(ptr::null()));
    crate::aws_log!(
        AWS_LL_DEBUG,
        AWS_LS_IO_EVENT_LOOP,
        "id={id:p}: event loop thread stopped"
    );
}

//! The life of a C client handle, written once for every client the C API hands out (the 3.1.1
//! connection, the MQTT 5 client, and next the 5-to-3 adapter and the request-response client):
//! the reference count behind `_acquire`/`_release`, the queue of commands API calls leave for
//! the loop and the one wake-up that takes them, the connection driver, and the end.
//!
//! What API calls and the loop share sits behind one lock: the queued commands and the
//! object's own state (`S`: the 3.1.1 connection's state and configuration, the MQTT 5
//! client's listeners), so a call changes the state and queues the command that goes with it
//! at once, and the loop sees both together.
//!
//! A handle is an `Arc` whose raw pointer C holds; the object embeds a [`Life`]. The last
//! release makes the object keep itself alive (`finishing`) while it winds down on its loop;
//! [`Life::schedule_finish`] then, on the loop thread, shuts the driver down (every unfinished
//! operation completes with an error), frees the memory (whatever the object holds goes with
//! it), and only then calls the user's termination handler, never inside an API call.

use crate::connection::{Command, Delegate, Handle, Protocol};
use crate::error::aws_common_error::AWS_ERROR_INVALID_STATE;
use crate::ffi::guard::{Error, Result};
use crate::ffi::mqtt::client_delegate::Callback;
use crate::log::aws_log_subject_t;
use crate::runtime::event_loop::EventLoop;
use crate::runtime::lock::lock;
use std::any::Any;
use std::ffi::c_void;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicUsize, fence};
use std::sync::{Arc, Mutex, MutexGuard};

/// A termination handler with its user data: upstream's `aws_mqtt_client_on_connection_termination_fn`
/// and `aws_mqtt5_client_termination_completion_fn` are both `void(void *)`.
pub type Termination = Callback<unsafe extern "C" fn(*mut c_void)>;

/// A termination handler on its way to the loop thread.
struct Farewell(Termination);

// SAFETY: the user data is the caller's, handed back to their handler on the loop thread, which
// is what the API promises; nothing here dereferences it.
unsafe impl Send for Farewell {}

impl Farewell {
    fn call(self) {
        if let Some(f) = self.0.function {
            // SAFETY: the user's termination handler with its data, once.
            unsafe { f(self.0.user_data) };
        }
    }
}

/// What API calls and the loop share: the commands queued for the loop and the object's state
/// `S`, which the guard reaches through (`shared.field` is a field of `S`).
pub struct Shared<C, S> {
    /// The commands queued since the loop last took them.
    pub commands: Vec<Command<C>>,
    inner: S,
}

impl<C, S> Shared<C, S> {
    /// The command queue and the state, both borrowed at once.
    pub fn split(&mut self) -> (&mut Vec<Command<C>>, &mut S) {
        (&mut self.commands, &mut self.inner)
    }
}

impl<C, S> Deref for Shared<C, S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.inner
    }
}

impl<C, S> DerefMut for Shared<C, S> {
    fn deref_mut(&mut self) -> &mut S {
        &mut self.inner
    }
}

/// The life cycle every C client handle shares; `P` is the engine its driver runs, `D` the
/// side of the driver that delivers its events, `S` the state its API calls share with the loop.
pub struct Life<P: Protocol, D: Delegate<P>, S> {
    refs: AtomicUsize,
    event_loop: EventLoop,
    shared: Mutex<Shared<P::Command, S>>,
    wake_scheduled: AtomicBool,
    driver: Handle<P, D>,
    /// The subject the object's life is logged under.
    subject: aws_log_subject_t,
    /// Called once the memory is gone.
    termination: Mutex<Termination>,
    /// The object's own reference while it winds down.
    finishing: Mutex<Option<Arc<dyn Any + Send + Sync>>>,
}

impl<P: Protocol, D: Delegate<P>, S> Life<P, D, S> {
    /// One reference, `state` shared with the loop, `commands` queued for the first wake-up,
    /// `driver` on `event_loop`; the life is logged under `subject`.
    pub fn new(
        event_loop: EventLoop,
        driver: Handle<P, D>,
        state: S,
        commands: Vec<Command<P::Command>>,
        subject: aws_log_subject_t,
    ) -> Self {
        Life {
            refs: AtomicUsize::new(1),
            event_loop,
            shared: Mutex::new(Shared {
                commands,
                inner: state,
            }),
            wake_scheduled: AtomicBool::new(false),
            driver,
            subject,
            termination: Mutex::new(Termination::default()),
            finishing: Mutex::new(None),
        }
    }

    /// The loop the object lives on.
    pub fn event_loop(&self) -> &EventLoop {
        &self.event_loop
    }

    /// Sets the handler called once the object's memory is gone.
    pub fn set_termination(&self, termination: Termination) {
        *lock(&self.termination) = termination;
    }

    /// The state and the command queue, locked.
    pub fn lock(&self) -> MutexGuard<'_, Shared<P::Command, S>> {
        lock(&self.shared)
    }

    /// Queues `command` and wakes the loop. Inlined, so a publish is written into the queue
    /// where the caller builds it rather than copied through each call (a command is a few
    /// hundred bytes).
    #[inline(always)]
    pub fn send(&self, command: Command<P::Command>) {
        self.lock().commands.push(command);
        self.wake();
    }

    /// Makes sure the loop runs the queued commands soon: one task per batch, whatever the
    /// number of calls.
    pub fn wake(&self) {
        // Read before the swap: in a burst the flag is nearly always set already, and a read
        // keeps the flag's cache line shared where a swap would pull it from the loop's core.
        if !self.wake_scheduled.load(Relaxed) && !self.wake_scheduled.swap(true, Relaxed) {
            let driver = self.driver.clone();
            self.event_loop
                .schedule_now(Box::new(move || driver.wake()));
        }
    }

    /// The loop takes the queued commands (the delegate's `take_commands`); `seen` runs on
    /// the state at the same moment, under the same lock.
    pub fn take_commands(&self, into: &mut Vec<Command<P::Command>>, seen: impl FnOnce(&mut S)) {
        self.wake_scheduled.store(false, Relaxed);
        let mut shared = self.lock();
        // Swapped, not appended: a burst's queue is then one buffer, not one on each side.
        if into.is_empty() {
            std::mem::swap(into, &mut shared.commands);
        } else {
            into.append(&mut shared.commands);
        }
        seen(&mut shared);
    }

    /// After the last release, once the object is done: on the loop, the driver fails what is
    /// left, the memory goes, then the termination handler runs. Does nothing before the last
    /// release or a second time.
    pub fn schedule_finish(&self) {
        let Some(this) = lock(&self.finishing).take() else {
            return;
        };
        let driver = self.driver.clone();
        let termination = Farewell(*lock(&self.termination));
        let subject = self.subject;
        self.event_loop.schedule_now(Box::new(move || {
            driver.shut_down();
            drop(driver);
            crate::aws_log!(
                AWS_LL_DEBUG,
                subject,
                "id={:p}: destroying",
                Arc::as_ptr(&this).cast::<()>()
            );
            drop(this);
            termination.call();
        }));
    }

    /// `_acquire`: adds a reference.
    fn acquire(&self) -> Result<()> {
        self.refs
            .fetch_update(Relaxed, Relaxed, |n| {
                if n == 0 { None } else { n.checked_add(1) }
            })
            .map(drop)
            .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))
    }

    /// `_release`: drops a reference; true for the last one.
    fn release(&self) -> Result<bool> {
        let previous = self
            .refs
            .fetch_update(Release, Relaxed, |n| n.checked_sub(1))
            .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
        fence(Acquire);
        Ok(previous == 1)
    }
}

/// `_acquire`: adds a reference to `object`, whose [`Life`] `life` finds, and returns it (NULL
/// for NULL); `AWS_ERROR_INVALID_STATE` for an object already released for good.
///
/// # Safety
/// `object` is NULL or a live object of this kind that the caller holds a reference to.
pub unsafe fn acquire<O, P, D, S>(
    object: *mut O,
    life: impl Fn(&O) -> &Life<P, D, S>,
) -> Result<*mut O>
where
    P: Protocol,
    D: Delegate<P>,
{
    // SAFETY: forwarded caller contract.
    if let Some(o) = unsafe { object.as_ref() } {
        life(o).acquire()?;
    }
    Ok(object)
}

/// `_release`: drops a reference to `object` (NULL does nothing). The last one hands back the
/// object, which then keeps itself alive until [`Life::schedule_finish`] has run;
/// `AWS_ERROR_INVALID_STATE` for a release too many.
///
/// # Safety
/// `object` is NULL or a live object of this kind, made by `Arc::into_raw`, whose reference
/// the caller gives up.
pub unsafe fn release<'a, O, P, D, S>(
    object: *mut O,
    life: impl Fn(&O) -> &Life<P, D, S>,
) -> Result<Option<&'a O>>
where
    O: Send + Sync + 'static,
    P: Protocol,
    D: Delegate<P>,
{
    // SAFETY: forwarded caller contract.
    let Some(o) = (unsafe { object.as_ref() }) else {
        return Ok(None);
    };
    if !life(o).release()? {
        return Ok(None);
    }
    // SAFETY: the pointer came from `Arc::into_raw`; this was its last C reference, which the
    // object now holds itself until its final task.
    let this: Arc<O> = unsafe { Arc::from_raw(object.cast_const()) };
    *lock(&life(o).finishing) = Some(this);
    Ok(Some(o))
}

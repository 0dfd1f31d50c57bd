//! The life of a C client handle, written once for every client the C API hands out (the 3.1.1
//! connection, the MQTT 5 client, and next the 5-to-3 adapter and the request-response client):
//! the reference count behind `_acquire`/`_release`, the queue of commands API calls leave for
//! the loop and the one wake-up that takes them, the connection driver, and the end.
//!
//! A handle is an `Arc` whose raw pointer C holds. The last release makes the handle keep
//! itself alive (`finishing`) while it winds down on its loop; [`Life::schedule_finish`] then,
//! on the loop thread, shuts the driver down (every unfinished operation completes with an
//! error), frees the memory (whatever the object holds goes with it), and only then calls the
//! user's termination handler, never inside an API call.

use crate::connection::{Command, Delegate, Handle, Protocol};
use crate::error::aws_common_error::AWS_ERROR_INVALID_STATE;
use crate::ffi::guard::{Error, Result};
use crate::ffi::mqtt::client_delegate::Callback;
use crate::log::aws_log_subject_t;
use crate::runtime::event_loop::EventLoop;
use crate::runtime::lock::lock;
use std::ffi::c_void;
use std::sync::atomic::Ordering::{Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex};

/// A termination handler with its user data: upstream's `aws_mqtt_client_on_connection_termination_fn`
/// and `aws_mqtt5_client_termination_completion_fn` are both `void(void *)`.
pub type Termination = Callback<unsafe extern "C" fn(*mut c_void)>;

/// A command for an object's engine, as queued.
pub type QueuedCommand<O> = Command<<<O as Object>::Engine as Protocol>::Command>;

/// A C client object built on [`Life`].
pub trait Object: Send + Sync + Sized + 'static {
    /// The engine its driver runs.
    type Engine: Protocol;
    /// The side of the driver that delivers its events.
    type Delegate: Delegate<Self::Engine>;
    /// The subject its life is logged under.
    const LOG_SUBJECT: aws_log_subject_t;
    /// Its life cycle.
    fn life(&self) -> &Life<Self>;
    /// The handler to call once its memory is gone.
    fn termination(&self) -> Termination;
}

/// The life cycle every C client handle shares.
pub struct Life<O: Object> {
    refs: AtomicUsize,
    event_loop: EventLoop,
    commands: Mutex<Vec<QueuedCommand<O>>>,
    wake_scheduled: AtomicBool,
    driver: Handle<O::Engine, O::Delegate>,
    /// The object's own reference while it winds down.
    finishing: Mutex<Option<Arc<O>>>,
}

impl<O: Object> Life<O> {
    /// One reference, `commands` queued for the first wake-up, `driver` on `event_loop`.
    pub fn new(
        event_loop: EventLoop,
        driver: Handle<O::Engine, O::Delegate>,
        commands: Vec<QueuedCommand<O>>,
    ) -> Self {
        Life {
            refs: AtomicUsize::new(1),
            event_loop,
            commands: Mutex::new(commands),
            wake_scheduled: AtomicBool::new(false),
            driver,
            finishing: Mutex::new(None),
        }
    }

    /// The loop the object lives on.
    pub fn event_loop(&self) -> &EventLoop {
        &self.event_loop
    }

    /// Queues `command` for the loop; [`wake`](Self::wake) makes the loop take it.
    pub fn push(&self, command: QueuedCommand<O>) {
        lock(&self.commands).push(command);
    }

    /// Queues `command` and wakes the loop.
    pub fn send(&self, command: QueuedCommand<O>) {
        self.push(command);
        self.wake();
    }

    /// Makes sure the loop runs the queued commands soon: one task per batch, whatever the
    /// number of calls.
    pub fn wake(&self) {
        if !self.wake_scheduled.swap(true, Relaxed) {
            let driver = self.driver.clone();
            self.event_loop
                .schedule_now(Box::new(move || driver.wake()));
        }
    }

    /// The loop takes the queued commands (the delegate's `take_commands`).
    pub fn take_commands(&self, into: &mut Vec<QueuedCommand<O>>) {
        self.wake_scheduled.store(false, Relaxed);
        into.append(&mut lock(&self.commands));
    }

    /// After the last release, once the object is done: on the loop, the driver fails what is
    /// left, the memory goes, then the farewell runs. Does nothing before the last release or
    /// a second time.
    pub fn schedule_finish(&self) {
        let Some(this) = lock(&self.finishing).take() else {
            return;
        };
        self.event_loop.schedule_now(Box::new(move || {
            this.life().driver.shut_down();
            let termination = this.termination();
            crate::aws_log!(
                AWS_LL_DEBUG,
                O::LOG_SUBJECT,
                "id={:p}: destroying",
                Arc::as_ptr(&this)
            );
            drop(this);
            if let Some(f) = termination.function {
                // SAFETY: the user's termination handler with its data, once.
                unsafe { f(termination.user_data) };
            }
        }));
    }
}

/// `_acquire`: adds a reference and returns `object` (NULL for NULL);
/// `AWS_ERROR_INVALID_STATE` for an object already released for good.
///
/// # Safety
/// `object` is NULL or a live object of this kind that the caller holds a reference to.
pub unsafe fn acquire<O: Object>(object: *mut O) -> Result<*mut O> {
    // SAFETY: forwarded caller contract.
    if let Some(o) = unsafe { object.as_ref() } {
        o.life()
            .refs
            .fetch_update(Relaxed, Relaxed, |n| {
                if n == 0 { None } else { n.checked_add(1) }
            })
            .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
    }
    Ok(object)
}

/// `_release`: drops a reference (NULL does nothing). The last one hands back the object,
/// which then keeps itself alive until [`Life::schedule_finish`] has run;
/// `AWS_ERROR_INVALID_STATE` for a release too many.
///
/// # Safety
/// `object` is NULL or a live object of this kind, whose reference the caller gives up; it
/// came from `Arc::into_raw`.
pub unsafe fn release<'a, O: Object>(object: *mut O) -> Result<Option<&'a O>> {
    // SAFETY: forwarded caller contract.
    let Some(o) = (unsafe { object.as_ref() }) else {
        return Ok(None);
    };
    let previous = o
        .life()
        .refs
        .fetch_update(Release, Relaxed, |n| n.checked_sub(1))
        .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
    if previous != 1 {
        return Ok(None);
    }
    std::sync::atomic::fence(std::sync::atomic::Ordering::Acquire);
    // SAFETY: the pointer came from `Arc::into_raw`; this was its last C reference, which the
    // object now holds itself until its final task.
    let this = unsafe { Arc::from_raw(object.cast_const()) };
    *lock(&o.life().finishing) = Some(this);
    Ok(Some(o))
}

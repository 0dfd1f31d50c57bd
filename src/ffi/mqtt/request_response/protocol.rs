//! The protocol-adapter interface: what the request-response client needs of an MQTT client,
//! implemented by the MQTT 5 client (`protocol_mqtt5.rs`) and the 3.1.1 connection
//! (`protocol_mqtt311.rs`). An adapter performs the engine's actions at QoS 1 with the client's
//! operation timeout, and feeds back their results, the client's connection events and every
//! incoming publish, all on the client's loop.

use super::client::Core;
use crate::client::request_response::{Action, OpId};
use crate::ffi::io::event_loop::aws_event_loop;
use crate::runtime::event_loop::EventLoop;
use std::ffi::c_void;
use std::sync::{Arc, Weak};

/// An MQTT client the request-response client runs over.
pub(crate) trait Protocol: Send + Sync {
    /// The client's loop.
    fn event_loop(&self) -> EventLoop;
    /// Its C handle, for `aws_mqtt_request_response_client_get_event_loop`.
    fn c_event_loop(&self) -> *mut aws_event_loop;
    /// Whether the client is connected now (asked on its loop).
    fn is_connected(&self) -> bool;
    /// Starts feeding `core` the client's events (the adapter holds `core` until detached).
    fn attach(&self, core: Arc<Core>);
    /// Stops feeding events; the adapter lets go of the core once the client confirms.
    fn detach(&self);
    /// Sends SUBSCRIBE, UNSUBSCRIBE or PUBLISH; a failure to submit is reported at once.
    fn perform(&self, core: &Arc<Core>, action: Action);
}

/// What an operation's completion reports back to, boxed as the C user data.
pub(crate) enum Pending {
    Subscribe(String),
    Unsubscribe(String),
    Publish(OpId),
}

/// The completion context of one operation: the core (weakly: an operation in flight does not
/// keep a shut-down client alive) and what the operation was.
pub(crate) struct Context {
    core: Weak<Core>,
    pending: Pending,
}

impl Context {
    /// Boxes a context as C user data.
    pub(crate) fn into_raw(core: &Arc<Core>, pending: Pending) -> *mut c_void {
        Box::into_raw(Box::new(Context {
            core: Arc::downgrade(core),
            pending,
        }))
        .cast()
    }

    /// Takes a context back and reports `result` (`Ok`, or whether a retry may help) to its
    /// core, if the core is still there.
    ///
    /// # Safety
    /// `raw` comes from [`Context::into_raw`] and is taken back once.
    pub(crate) unsafe fn complete(raw: *mut c_void, result: Result<(), bool>) {
        // SAFETY: the caller's contract.
        let context = unsafe { Box::from_raw(raw.cast::<Context>()) };
        let Some(core) = context.core.upgrade() else {
            return;
        };
        core.on_loop(|engine| match context.pending {
            Pending::Subscribe(filter) => engine.subscribed(&filter, result),
            Pending::Unsubscribe(filter) => engine.unsubscribed(&filter, result.is_ok()),
            Pending::Publish(op) => {
                if result.is_err() {
                    engine.publish_failed(op)
                }
            }
        });
    }
}

/// Performs `action` through `submit`, which hands the client a context and says whether the
/// client took the operation; one it refused is reported as failed (not worth retrying).
pub(crate) fn perform_with(
    core: &Arc<Core>,
    action: Action,
    submit: impl FnOnce(&Action, *mut c_void) -> bool,
) {
    let pending = match &action {
        Action::Subscribe(f) => Pending::Subscribe(f.clone()),
        Action::Unsubscribe(f) => Pending::Unsubscribe(f.clone()),
        Action::Publish { op, .. } => Pending::Publish(*op),
    };
    let raw = Context::into_raw(core, pending);
    if !submit(&action, raw) {
        // SAFETY: the client did not take the context: it is still ours, once.
        unsafe { Context::complete(raw, Err(false)) };
    }
}

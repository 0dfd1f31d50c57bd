//! The MQTT 3.1.1 connection API over an MQTT 5 client (upstream's
//! `aws_mqtt_client_connection_new_from_mqtt5_client`, exported from `entry.rs`). Every function of `client.h` takes the
//! handle this makes; they act on the MQTT 5 client, which may go on being used directly.
//!
//! The adapter listens to the client (a listener, so the client's own handlers still run): its
//! lifecycle events become the 3.1.1 callbacks as `client/mqtt311_view.rs` decides, its
//! publishes go to the adapter's subscriptions (matched in a topic tree) and the any-publish
//! handler. Operations are the client's, with completion callbacks of the adapter that report
//! them under ids of the adapter's own (`operations.rs`); the setters change the client's
//! configuration for its next connection (`settings.rs`).
//!
//! Everything that changes the view or the subscriptions runs on the client's loop, where its
//! events arrive, so a subscription's cleanup never runs while its handler is being called.
//!
//! Life: the handle's references are the user's; the last release detaches the listener, and
//! once the listener is gone (no client callback can reach the adapter any more) the adapter
//! fails its unfinished operations with `AWS_ERROR_MQTT_CONNECTION_DESTROYED`, drops its
//! subscriptions (their cleanups run), releases the client and calls the termination handler.
//!
//! Differences from upstream: `set_reconnect_timeout` takes seconds, as `client.h` documents
//! (upstream's adapter uses the numbers as milliseconds); a NULL argument is
//! `AWS_ERROR_INVALID_ARGUMENT` where upstream crashes.
//!
//! # Safety
//! As for `client_connection.rs`: pointer arguments are NULL or valid; a handle is one the
//! caller holds a reference to.

mod entry;
mod operations;
mod settings;

use crate::client::iot_metrics::IotMetrics;
use crate::client::mqtt311_view::{Lifecycle, Notice, View};
use crate::client::topic_tree::TopicTree;
use crate::codec::QoS;
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::mqtt::client_connection::{Callbacks, Kind, aws_mqtt_client_connection};
use crate::ffi::mqtt::client_delegate::{Callback, SubHandler, c_qos, connect_return_code};
use crate::ffi::mqtt::client_types::*;
use crate::ffi::mqtt::handle::Termination;
use crate::ffi::mqtt::mqtt::{aws_mqtt_connect_return_code, aws_mqtt_qos};
use crate::ffi::mqtt::v5::client::{
    aws_mqtt5_client, aws_mqtt5_client_acquire, aws_mqtt5_client_release, client_of,
};
use crate::ffi::mqtt::v5::listener::{InternalListener, aws_mqtt5_listener_release};
use crate::ffi::mqtt::v5::mqtt5_client::{
    aws_mqtt5_client_lifecycle_event, aws_mqtt5_client_lifecycle_event_type,
};
use crate::ffi::mqtt::v5::mqtt5_listener::aws_mqtt5_listener;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_packet_publish_view;
use crate::runtime::lock::lock;
use operations::Operations;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicPtr, AtomicUsize, fence};
use std::sync::{Arc, Mutex, MutexGuard};

/// A pending `on_connection_complete` and a pending `on_disconnect`.
type ConnectView = View<
    Callback<aws_mqtt_client_on_connection_complete_fn>,
    Callback<aws_mqtt_client_on_disconnect_fn>,
>;

/// A subscription of the adapter: the QoS asked for (resubscribing asks for it again) and its
/// handler.
pub(crate) struct Subscription {
    qos: QoS,
    handler: SubHandler,
}

/// What the adapter's calls and the client's loop share.
pub(crate) struct AdapterState {
    view: ConnectView,
    callbacks: Callbacks,
    termination: Termination,
    subscriptions: TopicTree<Subscription>,
    ops: Operations,
    /// The login's user name and the metrics, which together make the CONNECT's user name.
    username: Option<String>,
    metrics: Option<IotMetrics>,
    /// The adapter was destroyed: nothing more is reported.
    destroyed: bool,
}

/// The 3.1.1 view of an MQTT 5 client.
pub(crate) struct Mqtt5Adapter {
    /// The user's references.
    refs: AtomicUsize,
    /// The client, which the adapter holds a reference to until it is destroyed.
    client: *mut aws_mqtt5_client,
    /// The handle C holds, passed to the 3.1.1 callbacks.
    handle: *const aws_mqtt_client_connection,
    listener: AtomicPtr<aws_mqtt5_listener>,
    state: Mutex<AdapterState>,
    /// The handle's own reference from the last release until it is destroyed.
    finishing: Mutex<Option<Arc<aws_mqtt_client_connection>>>,
}

// SAFETY: the client pointer is only used through its thread-safe functions while the adapter
// holds a reference; the handle pointer is only handed back to the user; everything mutable is
// behind a lock or an atomic.
unsafe impl Send for Mqtt5Adapter {}
// SAFETY: as above.
unsafe impl Sync for Mqtt5Adapter {}

/// An owned reference to a handle, to move into a task on the client's loop.
struct Held(Arc<aws_mqtt_client_connection>);

impl Held {
    fn adapter(&self) -> &Mqtt5Adapter {
        match self.0.kind() {
            Kind::Adapter(a) => a,
            Kind::Native(_) => unreachable!("only adapters are held"),
        }
    }
}

impl Mqtt5Adapter {
    /// The client (alive while the adapter is).
    fn client(&self) -> &aws_mqtt5_client {
        // SAFETY: the adapter holds a reference to the client until it is destroyed, and is
        // only reached through a handle that keeps it alive.
        unsafe { &*self.client }
    }

    fn c_ptr(&self) -> *mut aws_mqtt_client_connection {
        self.handle.cast_mut()
    }

    fn state(&self) -> MutexGuard<'_, AdapterState> {
        lock(&self.state)
    }

    /// A reference to the handle, for a task.
    fn hold(&self) -> Held {
        // SAFETY: the handle is alive (the caller reaches the adapter through it) and came from
        // `Arc::into_raw`; the count is raised before the new Arc is made.
        unsafe {
            Arc::increment_strong_count(self.handle);
            Held(Arc::from_raw(self.handle))
        }
    }

    /// Runs `task` on the client's loop, with the adapter alive.
    fn on_loop(&self, task: impl FnOnce(&Mqtt5Adapter) + Send + 'static) {
        let held = self.hold();
        self.client()
            .event_loop()
            .schedule_now(Box::new(move || task(held.adapter())));
    }

    /// Calls the 3.1.1 callbacks the view returned, in order, with no lock held.
    fn notify(&self, notices: Vec<Notice<CompleteCb, DisconnectCb>>) {
        if notices.is_empty() {
            return;
        }
        let callbacks = self.state().callbacks;
        let c = self.c_ptr();
        for notice in notices {
            // SAFETY: the user's callbacks with the user's data, on the client's loop.
            unsafe {
                match notice {
                    Notice::Success { rejoined } => {
                        if let Some(f) = callbacks.on_success.function {
                            f(c, ACCEPTED, rejoined, callbacks.on_success.user_data);
                        }
                    }
                    Notice::Failure { error } => {
                        if let Some(f) = callbacks.on_failure.function {
                            f(c, error, callbacks.on_failure.user_data);
                        }
                    }
                    Notice::ConnectComplete {
                        callback,
                        error,
                        return_code,
                        rejoined,
                    } => {
                        if let Some(f) = callback.function {
                            let code = connect_return_code(return_code);
                            f(c, error, code, rejoined, callback.user_data);
                        }
                    }
                    Notice::Resumed { rejoined } => {
                        if let Some(f) = callbacks.on_resumed.function {
                            f(c, ACCEPTED, rejoined, callbacks.on_resumed.user_data);
                        }
                    }
                    Notice::Interrupted { error } => {
                        if let Some(f) = callbacks.on_interrupted.function {
                            f(c, error, callbacks.on_interrupted.user_data);
                        }
                    }
                    Notice::Disconnected(callback) => {
                        if let Some(f) = callback.function {
                            f(c, callback.user_data);
                        }
                    }
                    Notice::Closed => {
                        if let Some(f) = callbacks.on_closed.function {
                            f(c, ptr::null_mut(), callbacks.on_closed.user_data);
                        }
                    }
                }
            }
        }
    }

    /// A lifecycle event of the client (on its loop).
    fn on_lifecycle(&self, event: Lifecycle) {
        let notices = {
            let mut s = self.state();
            if s.destroyed {
                return;
            }
            s.view.on_event(event)
        };
        self.notify(notices);
    }

    /// A publish the client received (on its loop): each matching subscription's handler, then
    /// the any-publish handler.
    fn on_publish(&self, p: &aws_mqtt5_packet_publish_view) {
        // SAFETY: the client lends the view's cursors for the call.
        let topic = unsafe { guard::bytes(p.topic.ptr, p.topic.len) }.unwrap_or_default();
        let (handlers, any) = {
            let s = self.state();
            if s.destroyed {
                return;
            }
            let mut handlers = Vec::new();
            if let Ok(name) = std::str::from_utf8(topic) {
                s.subscriptions.for_each_match(name, |_, sub| {
                    if let Some(f) = sub.handler.on_publish {
                        handlers.push((f, sub.handler.user_data));
                    }
                });
            }
            (handlers, s.callbacks.on_any_publish)
        };
        let c = self.c_ptr();
        let qos = u8::try_from(p.qos)
            .ok()
            .and_then(QoS::from_u8)
            .map_or(aws_mqtt_qos::AWS_MQTT_QOS_AT_MOST_ONCE, c_qos);
        // Subscriptions change only on this loop, so no handler's cleanup runs before its call.
        // SAFETY: the user's handlers with their data; the cursors outlive the calls.
        unsafe {
            for (f, user_data) in handlers {
                f(
                    c,
                    &p.topic,
                    &p.payload,
                    p.duplicate,
                    qos,
                    p.retain,
                    user_data,
                );
            }
            if let Some(f) = any.function {
                f(
                    c,
                    &p.topic,
                    &p.payload,
                    p.duplicate,
                    qos,
                    p.retain,
                    any.user_data,
                );
            }
        }
    }

    /// `_acquire`.
    pub(crate) fn acquire(&self) -> Result<()> {
        self.refs
            .fetch_update(Relaxed, Relaxed, |n| {
                if n == 0 { None } else { n.checked_add(1) }
            })
            .map(drop)
            .map_err(|_| Error::from(crate::error::aws_common_error::AWS_ERROR_INVALID_STATE))
    }

    /// `_release`: the last reference detaches the listener; the rest follows its termination.
    ///
    /// # Safety
    /// `handle` is this adapter's handle, from `Arc::into_raw`, whose reference the caller
    /// gives up.
    pub(crate) unsafe fn release(&self, handle: *mut aws_mqtt_client_connection) -> Result<()> {
        let previous = self
            .refs
            .fetch_update(Release, Relaxed, |n| n.checked_sub(1))
            .map_err(|_| Error::from(crate::error::aws_common_error::AWS_ERROR_INVALID_STATE))?;
        if previous != 1 {
            return Ok(());
        }
        fence(Acquire);
        // SAFETY: the caller's contract: this was the last C reference.
        *lock(&self.finishing) = Some(unsafe { Arc::from_raw(handle.cast_const()) });
        let listener = self.listener.swap(ptr::null_mut(), AcqRel);
        // SAFETY: the listener the adapter made; its termination destroys the adapter.
        unsafe { aws_mqtt5_listener_release(listener) };
        Ok(())
    }

    /// The listener is gone (on the client's loop): no client callback reaches the adapter
    /// any more. Fails what is unfinished, drops the subscriptions, releases the client, frees
    /// the handle and calls the termination handler.
    fn destroy(&self) {
        let (ops, subscriptions, termination) = {
            let mut s = self.state();
            s.destroyed = true;
            (
                s.ops.take_all(),
                std::mem::take(&mut s.subscriptions),
                s.termination,
            )
        };
        operations::fail_all(self.c_ptr(), ops);
        drop(subscriptions);
        // SAFETY: the reference `new` took.
        unsafe { aws_mqtt5_client_release(self.client) };
        crate::aws_log!(
            AWS_LL_DEBUG,
            AWS_LS_MQTT5_TO_MQTT3_ADAPTER,
            "id={:p}: destroying the 3.1.1 adapter",
            self.handle
        );
        let this = lock(&self.finishing).take();
        drop(this);
        if let Some(f) = termination.function {
            // SAFETY: the user's termination handler with its data, once.
            unsafe { f(termination.user_data) };
        }
    }
}

/// The return code the adapter reports: an MQTT 5 CONNACK has no 3.1.1 one.
const ACCEPTED: aws_mqtt_connect_return_code =
    aws_mqtt_connect_return_code::AWS_MQTT_CONNECT_ACCEPTED;

type CompleteCb = Callback<aws_mqtt_client_on_connection_complete_fn>;
type DisconnectCb = Callback<aws_mqtt_client_on_disconnect_fn>;

/// The adapter a listener callback was given: its handle, kept alive by the listener's own
/// reference until the listener's termination.
///
/// # Safety
/// `held` is the listener's user data.
unsafe fn adapter_of<'a>(held: *mut c_void) -> &'a Mqtt5Adapter {
    // SAFETY: the caller's contract.
    unsafe { &*held.cast::<Held>() }.adapter()
}

unsafe extern "C" fn on_lifecycle(event: *const aws_mqtt5_client_lifecycle_event) {
    guard::guard((), || {
        use aws_mqtt5_client_lifecycle_event_type::*;
        // SAFETY: the client lends the event for the call; its user data is the listener's.
        unsafe {
            let Some(e) = event.as_ref() else {
                return Ok(());
            };
            let event = match e.event_type {
                AWS_MQTT5_CLET_CONNECTION_SUCCESS => Lifecycle::ConnectionSuccess {
                    rejoined: e.settings.as_ref().is_some_and(|s| s.rejoined_session),
                },
                AWS_MQTT5_CLET_CONNECTION_FAILURE => Lifecycle::ConnectionFailure {
                    error: e.error_code,
                    reason_code: e
                        .connack_data
                        .as_ref()
                        .and_then(|c| u8::try_from(c.reason_code).ok()),
                },
                AWS_MQTT5_CLET_DISCONNECTION => Lifecycle::Disconnection {
                    error: e.error_code,
                },
                AWS_MQTT5_CLET_STOPPED => Lifecycle::Stopped,
                _ => return Ok(()),
            };
            adapter_of(e.user_data).on_lifecycle(event);
        }
        Ok(())
    })
}

unsafe extern "C" fn on_publish(
    publish: *const aws_mqtt5_packet_publish_view,
    held: *mut c_void,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the client lends the view for the call; `held` is the listener's.
        unsafe {
            if let Some(p) = publish.as_ref() {
                adapter_of(held).on_publish(p);
            }
        }
        // Never claimed: the client's own handler sees every publish too, as upstream's does.
        Ok(false)
    })
}

unsafe extern "C" fn on_listener_terminated(held: *mut c_void) {
    guard::guard((), || {
        // SAFETY: the box `new` made, given back once the listener is gone.
        let held = unsafe { Box::from_raw(held.cast::<Held>()) };
        held.adapter().destroy();
        Ok(())
    })
}

/// Makes the adapter of `client`, with one reference, and attaches its listener.
///
/// # Safety
/// `client` is NULL or a client the caller holds a reference to.
unsafe fn new_adapter(client: *mut aws_mqtt5_client) -> Result<*mut aws_mqtt_client_connection> {
    // SAFETY: the caller holds a reference to a live client.
    unsafe {
        client_of(client)?;
        aws_mqtt5_client_acquire(client);
    }
    let handle = Arc::new_cyclic(|weak| {
        aws_mqtt_client_connection::adapter(Mqtt5Adapter {
            refs: AtomicUsize::new(1),
            client,
            handle: weak.as_ptr(),
            listener: AtomicPtr::new(ptr::null_mut()),
            state: Mutex::new(AdapterState {
                view: View::default(),
                callbacks: Callbacks::default(),
                termination: Termination::default(),
                subscriptions: TopicTree::new(),
                ops: Operations::default(),
                username: None,
                metrics: None,
                destroyed: false,
            }),
            finishing: Mutex::new(None),
        })
    });
    let pointer = Arc::into_raw(handle).cast_mut();
    // SAFETY: just made, and alive: C's reference is not out yet.
    let adapter = match unsafe { &*pointer }.kind() {
        Kind::Adapter(a) => a,
        Kind::Native(_) => unreachable!(),
    };
    // The listener's user data holds the handle until the listener's termination.
    let held = Box::into_raw(Box::new(adapter.hold())).cast::<c_void>();
    let callbacks = InternalListener {
        on_publish,
        on_lifecycle,
        on_terminated: on_listener_terminated,
    };
    // SAFETY: the client is alive; `held` lives until the termination.
    let listener = unsafe { callbacks.attach(client, held) };
    if listener.is_null() {
        // SAFETY: nothing else holds these: the adapter goes as it came.
        unsafe {
            drop(Box::from_raw(held.cast::<Held>()));
            aws_mqtt5_client_release(client);
            drop(Arc::from_raw(pointer.cast_const()));
        }
        return Err(Error(crate::ffi::common::error::aws_last_error()));
    }
    adapter.listener.store(listener, Release);
    crate::aws_log!(
        AWS_LL_DEBUG,
        AWS_LS_MQTT5_TO_MQTT3_ADAPTER,
        "id={:p}: new 3.1.1 adapter of MQTT 5 client {:p}",
        pointer,
        client
    );
    Ok(pointer)
}

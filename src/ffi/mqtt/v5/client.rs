//! `aws/mqtt/v5/mqtt5_client.h`: the MQTT 5 client object: its life (new, acquire, release,
//! termination), start, stop and statistics. The operations are in `client_operations.rs`, the
//! options' validation in `client_options.rs`, the event delivery in `client_delegate.rs`.
//!
//! A client lives on one loop of its bootstrap. API calls check and copy their arguments, queue
//! a command and wake the loop; the engine (`client/mqtt5`) runs there under the connection
//! driver, and the callbacks run there with no lock held, so a callback may call any function
//! here, release included.
//!
//! # Safety
//! Every exported function has the same contract: a pointer argument is NULL or points to a
//! valid object of its type; a client is one `aws_mqtt5_client_new` made and that the caller
//! holds a reference to.

use crate::client::journal::SharedStore;
use crate::client::mqtt5::{Engine, Settings, Statistics, UserDisconnect};
use crate::client::publish_stream::{Extras, PublishStream};
use crate::client::queue_limits::QueueStatistics;
use crate::connection::mqtt5_protocol::Mqtt5Command;
use crate::connection::{Command, Endpoint, Handle};
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::io::channel_bootstrap::connector_of;
use crate::ffi::mqtt::client_delegate::Callback;
use crate::ffi::mqtt::ext::enhanced_auth::AuthHandlers;
use crate::ffi::mqtt::handle::{self, Life, Termination};
use crate::ffi::mqtt::v5::client_delegate::{
    C5Command, C5Delegate, C5Engine, ListenerCallbacks, OpToken,
};
use crate::ffi::mqtt::v5::client_options::ClientOptions;
use crate::ffi::mqtt::v5::mqtt5_client::*;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_packet_disconnect_view;
use crate::ffi::mqtt::v5::packets_from_views::disconnect_from_view;
use crate::log::mqtt::aws_mqtt_log_subject::AWS_LS_MQTT5_CLIENT;
use crate::runtime::event_loop::EventLoop;
use crate::runtime::lock::lock;
use std::ffi::c_int;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, OnceLock};

/// The publish being delivered, for `aws_mqtt5_client_acquire_publish_acknowledgement`.
#[derive(Clone, Copy, Debug)]
pub struct Delivery {
    /// Its packet id.
    pub packet_id: u16,
    /// QoS 1 or 2: it has an acknowledgement to hold.
    pub acknowledged: bool,
    /// The control id already held for that packet id, or the one handed out now.
    pub control_id: Option<u64>,
    /// A callback acquired the acknowledgement.
    pub acquired: bool,
}

/// What API calls share with the loop, under the client's lock.
#[derive(Default)]
struct Synced {
    /// The listeners: id and callback set, most recent first.
    listeners: Vec<(u64, ListenerCallbacks)>,
    /// Where publishes are written for the loop (see `client::publish_stream`).
    publishes: PublishStream<OpToken>,
}

/// An MQTT 5 client. Opaque.
pub struct aws_mqtt5_client {
    life: Life<C5Engine, C5Delegate, Synced>,
    options: ClientOptions,
    listeners_version: AtomicU64,
    stats: [AtomicU64; 4],
    /// The queue limits' dropped and refused counts (see `mirror_statistics`).
    queue_statistics: [AtomicU64; 2],
    next_control_id: AtomicU64,
    /// Whether a connection is up, as the loop last reported (see `set_connected`).
    connected: AtomicBool,
    /// Whether the client was last asked to start rather than stop.
    wants_connection: AtomicBool,
    /// Where connections go; the 3.1.1 adapter changes it.
    endpoint: Mutex<Endpoint>,
    delivery: Mutex<Option<Delivery>>,
    /// Beyond upstream: the enhanced authentication callbacks, if set.
    auth_handlers: Mutex<Option<AuthHandlers>>,
    /// Beyond upstream: the durable store, once set.
    store: OnceLock<SharedStore>,
    /// `aws_mqtt5_client_start` was called at least once (a store comes before).
    ever_started: AtomicBool,
}

// SAFETY: the raw pointers inside (bootstrap, user data) are only handed to thread-safe
// functions or back to the user; everything mutable is behind a lock or an atomic.
unsafe impl Send for aws_mqtt5_client {}
// SAFETY: as above.
unsafe impl Sync for aws_mqtt5_client {}

impl aws_mqtt5_client {
    /// Queues `command` and makes sure the loop runs it soon.
    #[inline(always)]
    pub(crate) fn send(&self, command: Mqtt5Command<OpToken>) {
        self.life.send(Command::Protocol(command));
    }

    /// Queues `packet` (a PUBLISH as `EncodedPublish` encodes it) with its completion `token`,
    /// ACK `timeout` override (seconds; 0: the client's) and user topic alias (0: none): it
    /// is copied into the client's publish stream, and the batch of publishes last queued
    /// counts it (a new batch when the last command is another).
    #[inline(always)]
    pub(crate) fn send_publish(
        &self,
        token: OpToken,
        timeout: u32,
        user_alias: u16,
        packet: &[u8],
    ) {
        let mut shared = self.life.lock();
        let (commands, synced) = shared.split();
        let extras = Extras {
            timeout,
            user_alias,
            ..Extras::default()
        };
        synced.publishes.push_onto(commands, token, extras, packet);
        drop(shared);
        self.life.wake();
    }

    /// `aws_mqtt5_client_start`.
    pub(crate) fn start(&self) {
        self.ever_started.store(true, Release);
        self.wants_connection.store(true, Release);
        self.send(Mqtt5Command::Start);
    }

    /// `aws_mqtt5_client_stop`, with the DISCONNECT to send first.
    pub(crate) fn stop(&self, disconnect: Option<UserDisconnect<OpToken>>) {
        self.wants_connection.store(false, Release);
        self.send(Mqtt5Command::Stop(disconnect));
    }

    /// Whether the client was ever started.
    pub(crate) fn ever_started(&self) -> bool {
        self.ever_started.load(Acquire)
    }

    /// The durable store, if one was set.
    #[inline(always)]
    pub(crate) fn store(&self) -> Option<&SharedStore> {
        self.store.get()
    }

    /// Sets the durable store; false if one was set already.
    pub(crate) fn set_store(&self, store: SharedStore) -> bool {
        self.store.set(store).is_ok()
    }

    /// Whether the client was last asked to start rather than stop.
    pub(crate) fn wants_connection(&self) -> bool {
        self.wants_connection.load(Acquire)
    }

    /// Changes where the next connection goes (the 3.1.1 adapter).
    pub(crate) fn update_endpoint(&self, change: impl FnOnce(&mut Endpoint)) {
        let mut endpoint = lock(&self.endpoint);
        change(&mut endpoint);
        self.life
            .send(Command::Endpoint(Box::new(endpoint.clone())));
    }

    /// Sets (or clears) the enhanced authentication callbacks.
    pub(crate) fn set_auth_handlers(&self, handlers: Option<AuthHandlers>) {
        *lock(&self.auth_handlers) = handlers;
    }

    /// The enhanced authentication callbacks, if set.
    pub(crate) fn auth_handlers(&self) -> Option<AuthHandlers> {
        *lock(&self.auth_handlers)
    }

    /// Changes the engine's settings from the next connection on (the 3.1.1 adapter).
    pub(crate) fn reconfigure(&self, change: impl FnOnce(&mut Settings) + Send + 'static) {
        self.send(Mqtt5Command::Reconfigure(Box::new(change)));
    }

    /// The client id the next CONNECT carries (the 3.1.1 adapter's connect).
    pub(crate) fn use_client_id(&self, client_id: String) {
        self.send(Mqtt5Command::UseClientId(client_id));
    }

    /// Ends the current connection so the next one uses the new configuration (the 3.1.1
    /// adapter's connect).
    pub(crate) fn reset_connection(&self) {
        self.send(Mqtt5Command::ResetConnection);
    }

    /// The loop takes the queued commands.
    pub(crate) fn take_commands(&self, into: &mut Vec<C5Command>) {
        self.life
            .take_commands(into, |synced| synced.publishes.retire());
    }

    /// Whether AWS IoT Core's limits apply to what is submitted.
    pub(crate) fn iot_core(&self) -> bool {
        self.options.iot_core
    }

    pub(crate) fn lifecycle_handler(
        &self,
    ) -> Callback<aws_mqtt5_client_connection_event_callback_fn> {
        self.options.lifecycle
    }

    pub(crate) fn publish_handler(&self) -> Callback<aws_mqtt5_publish_received_fn> {
        self.options.publish
    }

    /// The listeners' callback sets, refreshed into `cache` only when they changed.
    pub(crate) fn listeners(&self, cache: &mut (u64, Vec<ListenerCallbacks>)) {
        let version = self.listeners_version.load(Acquire);
        if version != cache.0 {
            let synced = self.life.lock();
            *cache = (
                version,
                synced.listeners.iter().map(|(_, set)| *set).collect(),
            );
        }
    }

    /// Adds a listener's callbacks (on the loop thread).
    pub(crate) fn add_listener(&self, id: u64, set: ListenerCallbacks) {
        self.life.lock().listeners.insert(0, (id, set));
        self.listeners_version.fetch_add(1, Release);
    }

    /// Removes a listener's callbacks (on the loop thread).
    pub(crate) fn remove_listener(&self, id: u64) {
        self.life.lock().listeners.retain(|(i, _)| *i != id);
        self.listeners_version.fetch_add(1, Release);
    }

    /// The loop reports a connection made (CONNACK accepted) or lost.
    pub(crate) fn set_connected(&self, connected: bool) {
        self.connected.store(connected, Release);
    }

    /// Whether a connection is up (for the request-response client, which may start on a
    /// client already connected).
    pub(crate) fn is_connected(&self) -> bool {
        self.connected.load(Acquire)
    }

    /// The bootstrap this client connects through.
    pub(crate) fn bootstrap(&self) -> *mut crate::ffi::io::channel_bootstrap::aws_client_bootstrap {
        self.options.bootstrap
    }

    /// The loop this client runs on.
    pub(crate) fn event_loop(&self) -> &EventLoop {
        self.life.event_loop()
    }

    pub(crate) fn begin_delivery(&self, delivery: Delivery) {
        *lock(&self.delivery) = Some(delivery);
    }

    pub(crate) fn end_delivery(&self) -> Option<Delivery> {
        lock(&self.delivery).take()
    }

    /// Hands out the acknowledgement control id of the publish being delivered with
    /// `packet_id` (the same one for a publish already held); 0 for a QoS 0 publish or
    /// outside its delivery.
    pub(crate) fn acquire_ack(&self, packet_id: u16) -> u64 {
        let mut slot = lock(&self.delivery);
        let Some(d) = slot
            .as_mut()
            .filter(|d| d.packet_id == packet_id && d.acknowledged)
        else {
            return 0;
        };
        let id = *d
            .control_id
            .get_or_insert_with(|| self.next_control_id.fetch_add(1, Relaxed));
        d.acquired = true;
        id
    }

    /// The queue limits' statistics as the loop last reported them.
    pub(crate) fn queue_statistics(&self) -> QueueStatistics {
        let [dropped, refused] = &self.queue_statistics;
        QueueStatistics {
            dropped: dropped.load(Relaxed),
            refused: refused.load(Relaxed),
        }
    }

    pub(crate) fn mirror_statistics(&self, stats: Statistics, queue: QueueStatistics) {
        self.queue_statistics[0].store(queue.dropped, Relaxed);
        self.queue_statistics[1].store(queue.refused, Relaxed);
        let values = [
            stats.incomplete_count,
            stats.incomplete_size,
            stats.unacked_count,
            stats.unacked_size,
        ];
        for (cell, value) in self.stats.iter().zip(values) {
            cell.store(value, Relaxed);
        }
    }

    /// After `Terminated`: the driver fails what is left, the memory goes, the bootstrap is
    /// released, and the termination handler runs.
    pub(crate) fn schedule_finish(&self) {
        self.life.schedule_finish();
    }
}

/// The client behind a pointer the caller holds a reference to.
///
/// # Safety
/// `client` must be NULL or a live client.
pub(crate) unsafe fn client_of<'a>(client: *mut aws_mqtt5_client) -> Result<&'a aws_mqtt5_client> {
    // SAFETY: forwarded caller contract.
    unsafe { guard::reference(client) }
}

/// Makes a client with one reference on the next loop of the options' bootstrap, stopped.
/// NULL with upstream's error for invalid options (see `client_options.rs`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_new(
    allocator: *mut aws_allocator,
    options: *const aws_mqtt5_client_options,
) -> *mut aws_mqtt5_client {
    guard::ptr(|| {
        let _ = allocator;
        // SAFETY: the caller lends valid options; the bootstrap is acquired by the options.
        let options = unsafe { ClientOptions::from_c(options) }?;
        // SAFETY: the options hold a reference to the bootstrap (released when they drop).
        let connector = unsafe { connector_of(options.bootstrap) }?;
        let event_loop = connector.next_loop();
        let now = event_loop.now_ns();
        let engine: C5Engine = Engine::new(options.settings.clone(), now);
        let endpoint = options.endpoint(connector);
        let first_endpoint = Command::Endpoint(Box::new(endpoint.clone()));
        let client = Arc::new_cyclic(|weak| {
            let delegate = C5Delegate {
                client: weak.as_ptr(),
                listeners: (0, Vec::new()),
            };
            let driver = Handle::new(event_loop.clone(), engine, delegate);
            aws_mqtt5_client {
                life: Life::new(
                    event_loop,
                    driver,
                    Synced::default(),
                    vec![first_endpoint],
                    AWS_LS_MQTT5_CLIENT as u32,
                ),
                listeners_version: AtomicU64::new(0),
                stats: Default::default(),
                queue_statistics: Default::default(),
                next_control_id: AtomicU64::new(1),
                connected: AtomicBool::new(false),
                wants_connection: AtomicBool::new(false),
                endpoint: Mutex::new(endpoint),
                delivery: Mutex::new(None),
                auth_handlers: Mutex::new(None),
                store: OnceLock::new(),
                ever_started: AtomicBool::new(false),
                options,
            }
        });
        // The options release the bootstrap as the client's memory goes; then the user hears.
        client.life.set_termination(Termination {
            function: client.options.termination.function,
            user_data: client.options.termination.user_data,
        });
        let pointer = Arc::into_raw(client).cast_mut();
        crate::aws_log!(
            AWS_LL_DEBUG,
            AWS_LS_MQTT5_CLIENT,
            "id={:p}: new client",
            pointer
        );
        Ok(pointer)
    })
}

/// Adds a reference; returns `client`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_acquire(
    client: *mut aws_mqtt5_client,
) -> *mut aws_mqtt5_client {
    // SAFETY: the caller holds a reference, or passes NULL.
    guard::ptr(|| unsafe { handle::acquire(client, |c| &c.life) })
}

/// Drops a reference; the last one stops the client (a DISCONNECTION and STOPPED follow if it
/// was running), then frees it and calls the termination handler. Returns NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_release(
    client: *mut aws_mqtt5_client,
) -> *mut aws_mqtt5_client {
    guard::guard(std::ptr::null_mut(), || {
        // SAFETY: the caller gives up a reference it held, or passes NULL.
        if let Some(last) = unsafe { handle::release(client, |c| &c.life) }? {
            last.send(Mqtt5Command::Terminate);
        }
        Ok(std::ptr::null_mut())
    })
}

/// Asks the client to connect and stay connected (reconnecting as needed) until stopped.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_start(client: *mut aws_mqtt5_client) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference.
        unsafe { client_of(client) }?.start();
        Ok(())
    })
}

/// Asks the client to stop; with `disconnect_options`, that DISCONNECT is sent first when
/// connected, and `completion_options` reports it. `AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION`
/// for an invalid DISCONNECT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_stop(
    client: *mut aws_mqtt5_client,
    disconnect_options: *const aws_mqtt5_packet_disconnect_view,
    completion_options: *const aws_mqtt5_disconnect_completion_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends valid views.
        unsafe {
            let c = client_of(client)?;
            let disconnect = match disconnect_options.as_ref() {
                None => None,
                Some(view) => {
                    let packet = disconnect_from_view(view, c.iot_core()).map_err(Error)?;
                    let cb = completion_options
                        .as_ref()
                        .map_or_else(Callback::default, |o| Callback {
                            function: o.completion_callback,
                            user_data: o.completion_user_data,
                        });
                    Some(UserDisconnect {
                        packet,
                        token: Some(OpToken::Disconnect(cb)),
                    })
                }
            };
            c.stop(disconnect);
        }
        Ok(())
    })
}

/// The operation statistics as of the loop's last step.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_get_stats(
    client: *mut aws_mqtt5_client,
    stats: *mut aws_mqtt5_client_operation_statistics,
) {
    let _ = guard::op(|| {
        // SAFETY: the caller holds a reference and lends a writable struct.
        unsafe {
            let c = client_of(client)?;
            let out = guard::mutable(stats)?;
            let [a, b, d, e] = &c.stats;
            *out = aws_mqtt5_client_operation_statistics {
                incomplete_operation_count: a.load(Relaxed),
                incomplete_operation_size: b.load(Relaxed),
                unacked_operation_count: d.load(Relaxed),
                unacked_operation_size: e.load(Relaxed),
            };
        }
        Ok(())
    });
}

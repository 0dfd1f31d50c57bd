//! `aws/mqtt/client.h`: the MQTT 3.1.1 connection object: its life (new, acquire, release,
//! termination, on the handle life cycle of `handle.rs`), connect, disconnect and statistics.
//! The settings are in `client_settings.rs`, the operations in `client_operations.rs`.
//!
//! A connection lives on one loop of its client's bootstrap. API calls check their arguments
//! and the state, copy what they were lent, queue a command and wake the loop; the engine runs
//! there (see `connection/driver.rs`) and the callbacks run there, with no lock held, so a
//! callback may call any function here (release included).
//!
//! Differences from upstream:
//! - Releasing the last reference while connected disconnects and then destroys the connection
//!   (upstream's connection holds itself alive until the user disconnects, so it cannot be).
//! - A keep alive not longer than the ping timeout is `AWS_ERROR_INVALID_ARGUMENT` (upstream
//!   aborts the process); a NULL argument is `AWS_ERROR_INVALID_ARGUMENT` (upstream crashes).
//! - A refused CONNACK's return code reaches `on_connection_complete` (upstream passes 0).
//! - Setters may be called from inside callbacks (upstream refuses with `AWS_ERROR_INVALID_STATE`).
//! - HTTP proxy options with a `proxy_strategy` fail with `AWS_ERROR_UNSUPPORTED_OPERATION`
//!   (this library makes no strategies). A proxy set while connected is used from the next
//!   `aws_mqtt_client_connection_connect` on (upstream's reconnects pick it up already).
//!
//! # Safety
//! Every exported function has the same contract: a pointer argument is NULL or points to a
//! valid object of its type; a connection is one `aws_mqtt_client_connection_new` made and that
//! the caller holds a reference to.

use crate::client::backoff::BackoffConfig;
use crate::client::iot_metrics::{IotMetrics, connect_username};
use crate::client::journal::{Journal, SharedStore, StoredPublish};
use crate::client::mqtt311::settings::{DEFAULT_KEEP_ALIVE_SECS, DEFAULT_PING_TIMEOUT_NS};
use crate::client::mqtt311::{PacketIds, Request, Settings, State};
use crate::client::publish_stream::{Extras, PublishStream};
use crate::client::queue_limits::QueueStatistics;
use crate::codec::{QoS, Will, topic, utf8};
use crate::connection::mqtt311_protocol::Mqtt311Command;
use crate::connection::{Command, Endpoint, Handle};
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_STATE, AWS_ERROR_UNSUPPORTED_OPERATION,
};
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result};
use crate::ffi::io::channel_bootstrap::{Connector, connector_of};
use crate::ffi::io::socket::socket_options;
use crate::ffi::io::tls_connection_options::connection_settings;
use crate::ffi::mqtt::adapter::Mqtt5Adapter;
use crate::ffi::mqtt::client::{
    aws_mqtt_client, aws_mqtt_client_acquire, aws_mqtt_client_release, bootstrap_of,
};
use crate::ffi::mqtt::client_delegate::{
    CCommand, CDelegate, CEngine, Callback, OpToken, SubHandler,
};
use crate::ffi::mqtt::client_types::*;
use crate::ffi::mqtt::connection_listeners::Listeners;
use crate::ffi::mqtt::ext::durable_store::record_publish;
use crate::ffi::mqtt::handle::{self, Life, Shared, Termination};
use crate::ffi::mqtt::mqtt::aws_mqtt_error::*;
use crate::ffi::mqtt::mqtt::aws_mqtt_qos_raw;
use crate::ffi::mqtt::v5::client::aws_mqtt5_client_get_stats;
use crate::log::mqtt::aws_mqtt_log_subject::AWS_LS_MQTT_CLIENT;
use crate::transport::socket_options::SocketType;
use crate::transport::websocket::WebSocketHooks;
use bytes::Bytes;
use std::ffi::{c_int, c_void};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::{Arc, MutexGuard, OnceLock};

/// The connection-level callbacks the setters install.
#[derive(Clone, Copy, Default)]
pub(crate) struct Callbacks {
    pub on_success: Callback<aws_mqtt_client_on_connection_success_fn>,
    pub on_failure: Callback<aws_mqtt_client_on_connection_failure_fn>,
    pub on_interrupted: Callback<aws_mqtt_client_on_connection_interrupted_fn>,
    pub on_resumed: Callback<aws_mqtt_client_on_connection_resumed_fn>,
    pub on_closed: Callback<aws_mqtt_client_on_connection_closed_fn>,
    pub on_any_publish: Callback<aws_mqtt_client_publish_received_fn>,
}

/// What the next CONNECT carries besides `connect`'s options.
#[derive(Clone, Default)]
pub(super) struct Config {
    pub(super) will: Option<Will>,
    pub(super) username: Option<String>,
    pub(super) password: Option<Bytes>,
    pub(super) metrics: Option<IotMetrics>,
    pub(super) reconnect_secs: Option<(u64, u64)>,
    pub(super) resolution: Option<crate::runtime::host_resolver::ResolutionConfig>,
    /// The HTTP proxy later connections tunnel through.
    pub(super) proxy: Option<crate::transport::http_proxy::ProxySettings>,
    /// MQTT over WebSocket, with the user's transform and validator.
    pub(super) websocket: Option<Arc<dyn WebSocketHooks>>,
    /// `aws/mqtt/ext/reconnect.h`: the backoff, and whether a first connect is retried.
    pub(crate) reconnect: Option<(BackoffConfig, bool)>,
}

impl Config {
    /// The reconnect backoff: the extension's when set, else `set_reconnect_timeout`'s.
    fn backoff(&self) -> BackoffConfig {
        if let Some((backoff, _)) = self.reconnect {
            return backoff;
        }
        self.reconnect_secs
            .map_or(BackoffConfig::MQTT311_DEFAULT, |(min, max)| {
                BackoffConfig::mqtt311(min, max)
            })
    }

    /// Whether a failed first connect is retried (`aws/mqtt/ext/reconnect.h`).
    fn retries_first_connect(&self) -> bool {
        self.reconnect.is_some_and(|(_, retry)| retry)
    }

    /// Puts the configured will, login and backoff into `settings`.
    fn apply(&self, settings: &mut Settings) {
        settings.will = self.will.clone();
        settings.username = connect_username(self.username.as_deref(), self.metrics.as_ref());
        settings.password = self.password.clone();
        settings.backoff = self.backoff();
        settings.retry_first_connect = self.retries_first_connect();
    }
}

/// How far the destruction of a connection has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Destroy {
    /// Still referenced.
    No,
    /// Released; waiting for a state from which to go on.
    Wait,
    /// Released while connected: disconnecting first.
    Disconnect,
    /// Disconnected: the final task is (or is being) scheduled.
    Finish,
}

/// What API calls and the loop share, behind the lock of the connection's command queue.
pub(super) struct Synced {
    /// The state as the API sees it: set by lifecycle calls at once, then by the loop.
    pub(super) state: State,
    /// A lifecycle command is queued: the loop's view is stale until it runs.
    lifecycle_pending: bool,
    ids: PacketIds,
    config: Config,
    pub(super) callbacks: Callbacks,
    on_connection_complete: Callback<aws_mqtt_client_on_connection_complete_fn>,
    on_disconnect: Callback<aws_mqtt_client_on_disconnect_fn>,
    destroy: Destroy,
    /// `connect` was called at least once (a durable store comes before).
    connect_called: bool,
    /// Where publishes are written for the loop (see `client::publish_stream`).
    publishes: PublishStream<OpToken>,
}

/// The shared state with the command queue, as locked.
pub(super) type Locked = Shared<Mqtt311Command<OpToken, SubHandler>, Synced>;

/// The operation statistics, read without a lock.
#[derive(Default)]
pub(crate) struct Stats {
    pub incomplete_count: AtomicU64,
    pub incomplete_size: AtomicU64,
    pub unacked_count: AtomicU64,
    pub unacked_size: AtomicU64,
}

/// A 3.1.1 connection handle as C holds it: a connection of its own, or (upstream's
/// `aws_mqtt_client_connection_new_from_mqtt5_client`) the 3.1.1 view of an MQTT 5 client. Every
/// function of `client.h` takes either. Opaque.
pub struct aws_mqtt_client_connection {
    kind: Kind,
}

/// What a handle is.
// One per handle, inside its Arc: boxing the connection would add a pointer chase to every
// 3.1.1 call for the sake of the rare adapter's few hundred bytes.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Kind {
    /// An MQTT 3.1.1 connection.
    Native(Mqtt311Connection),
    /// The 3.1.1 view of an MQTT 5 client (`adapter/`).
    Adapter(Mqtt5Adapter),
}

impl aws_mqtt_client_connection {
    /// The handle of an adapter.
    pub(crate) fn adapter(adapter: Mqtt5Adapter) -> Self {
        aws_mqtt_client_connection {
            kind: Kind::Adapter(adapter),
        }
    }

    /// What this handle is.
    pub(crate) fn kind(&self) -> &Kind {
        &self.kind
    }

    /// The 3.1.1 connection of a handle known to be one (the loop's delegate, which only a
    /// connection has).
    pub(crate) fn native(&self) -> &Mqtt311Connection {
        match &self.kind {
            Kind::Native(c) => c,
            Kind::Adapter(_) => unreachable!("an adapter has no 3.1.1 connection"),
        }
    }
}

/// An MQTT 3.1.1 connection.
pub(crate) struct Mqtt311Connection {
    life: Life<CEngine, CDelegate, Synced>,
    client: *mut aws_mqtt_client,
    connector: Connector,
    /// Bumped by every callback setter (see `callbacks`).
    pub(super) callbacks_version: AtomicU64,
    pub(crate) stats: Stats,
    /// Internal listeners (the request-response client's).
    pub(crate) listeners: Listeners,
    /// The queue limits' dropped and refused counts, as the loop last reported them.
    pub(crate) queue_statistics: [AtomicU64; 2],
    /// Beyond upstream: the durable store, once attached.
    store: OnceLock<SharedStore>,
}

impl Drop for Mqtt311Connection {
    fn drop(&mut self) {
        // SAFETY: the reference `aws_mqtt_client_connection_new` took.
        unsafe { aws_mqtt_client_release(self.client) };
    }
}

// SAFETY: the client pointer is only passed to thread-safe client functions; everything mutable
// is behind a lock or atomic.
unsafe impl Send for Mqtt311Connection {}
// SAFETY: as above.
unsafe impl Sync for Mqtt311Connection {}

impl Mqtt311Connection {
    /// The state shared with the loop, locked with the command queue.
    pub(super) fn synced(&self) -> MutexGuard<'_, Locked> {
        self.life.lock()
    }

    /// Queues `command` for the loop.
    pub(crate) fn send(&self, command: Command<Mqtt311Command<OpToken, SubHandler>>) {
        self.life.send(command);
    }

    /// The queue limits' statistics as the loop last reported them.
    pub(crate) fn queue_statistics(&self) -> QueueStatistics {
        let [dropped, refused] = &self.queue_statistics;
        QueueStatistics {
            dropped: dropped.load(Relaxed),
            refused: refused.load(Relaxed),
        }
    }

    /// The loop this connection runs on.
    pub(crate) fn event_loop(&self) -> &crate::runtime::event_loop::EventLoop {
        self.life.event_loop()
    }

    /// Whether the connection is up, as the loop last reported.
    pub(crate) fn is_connected(&self) -> bool {
        self.synced().state == State::Connected
    }

    /// The bootstrap the connection connects through.
    pub(crate) fn bootstrap(&self) -> *mut crate::ffi::io::channel_bootstrap::aws_client_bootstrap {
        // SAFETY: the connection holds a reference to its client, which holds the bootstrap.
        unsafe { (*self.client).bootstrap }
    }

    /// Makes sure the loop runs the queued commands soon.
    fn wake(&self) {
        self.life.wake();
    }

    /// The loop takes the queued commands (see `CDelegate::take_commands`); its view of the
    /// state is current again.
    pub(crate) fn take_commands(&self, into: &mut Vec<CCommand>) {
        self.life.take_commands(into, |s| {
            s.lifecycle_pending = false;
            s.publishes.retire();
        });
    }

    /// The connection-level callbacks, refreshed into `cache` only when a setter changed them
    /// since (one atomic load per event instead of a lock).
    pub(crate) fn callbacks(&self, cache: &mut (u64, Callbacks)) -> Callbacks {
        let version = self.callbacks_version.load(Acquire);
        if version != cache.0 {
            *cache = (version, self.synced().callbacks);
        }
        cache.1
    }

    pub(crate) fn take_on_connection_complete(
        &self,
    ) -> Callback<aws_mqtt_client_on_connection_complete_fn> {
        std::mem::take(&mut self.synced().on_connection_complete)
    }

    pub(crate) fn take_on_disconnect(&self) -> Callback<aws_mqtt_client_on_disconnect_fn> {
        std::mem::take(&mut self.synced().on_disconnect)
    }

    /// The durable store, if one was attached.
    pub(crate) fn store(&self) -> Option<&SharedStore> {
        self.store.get()
    }

    /// An operation finished: it leaves the statistics (its packet id is freed with its
    /// batch's, see `free_ids`).
    pub(crate) fn finish_operation(&self, size: u64) {
        self.stats.incomplete_count.fetch_sub(1, Relaxed);
        self.stats.incomplete_size.fetch_sub(size, Relaxed);
    }

    /// The packet ids of finished operations are free again.
    pub(crate) fn free_ids(&self, ids: &[u16]) {
        let mut s = self.synced();
        for &id in ids {
            s.ids.free(id);
        }
    }

    /// Records the loop's state (unless a lifecycle command is on its way) and moves a pending
    /// destruction on.
    pub(crate) fn mirror_state(&self, state: State) -> Destroy {
        let mut s = self.synced();
        if !s.lifecycle_pending {
            s.state = state;
        }
        self.advance_destroy(&mut s)
    }

    /// After the last release: disconnect if connected, finish once disconnected.
    fn advance_destroy(&self, s: &mut Locked) -> Destroy {
        match (s.destroy, s.state) {
            (Destroy::Wait | Destroy::Disconnect, State::Disconnected) if !s.lifecycle_pending => {
                s.destroy = Destroy::Finish;
                Destroy::Finish
            }
            (Destroy::Wait, state) if Self::disconnectable(s, state) => {
                s.state = State::Disconnecting;
                s.lifecycle_pending = true;
                s.on_disconnect = Callback::default();
                s.commands
                    .push(Command::Protocol(Mqtt311Command::Disconnect));
                self.wake();
                s.destroy = Destroy::Disconnect;
                Destroy::Disconnect
            }
            (other, _) => other,
        }
    }

    /// Whether a disconnect applies in `state`: connected, reconnecting, or retrying a first
    /// connect (`aws/mqtt/ext/reconnect.h`).
    fn disconnectable(s: &Synced, state: State) -> bool {
        match state {
            State::Connected | State::Reconnecting => true,
            State::Connecting => s.config.retries_first_connect(),
            State::Disconnecting | State::Disconnected => false,
        }
    }

    /// Schedules the end: the driver fails what is left, the memory goes, the client is
    /// released, and the termination handler runs.
    pub(crate) fn schedule_finish(&self) {
        self.life.schedule_finish();
    }

    /// Fails with `AWS_ERROR_INVALID_STATE` unless the state allows configuration (upstream:
    /// disconnected or connected).
    fn configurable(s: &Synced) -> Result<()> {
        match s.state {
            State::Disconnected | State::Connected => Ok(()),
            _ => Err(Error::from(AWS_ERROR_INVALID_STATE)),
        }
    }

    /// Changes the configuration; when connected, the engine's next reconnect uses it too.
    pub(super) fn reconfigure(&self, change: impl FnOnce(&mut Config)) -> Result<()> {
        let mut s = self.synced();
        Self::configurable(&s)?;
        change(&mut s.config);
        if s.state == State::Connected {
            let config = s.config.clone();
            let change = Box::new(move |settings: &mut Settings| config.apply(settings));
            s.commands
                .push(Command::Protocol(Mqtt311Command::Reconfigure(change)));
            drop(s);
            self.wake();
        }
        Ok(())
    }

    /// Changes the handler called once the connection's memory is gone.
    pub(super) fn set_termination(&self, termination: Termination) -> Result<()> {
        let s = self.synced();
        Self::configurable(&s)?;
        self.life.set_termination(termination);
        Ok(())
    }

    /// Changes a connection-level callback.
    pub(super) fn set_callbacks(&self, change: impl FnOnce(&mut Callbacks)) -> Result<()> {
        let mut s = self.synced();
        Self::configurable(&s)?;
        change(&mut s.callbacks);
        self.callbacks_version.fetch_add(1, Release);
        Ok(())
    }

    /// Queues the operation `make` builds under a fresh packet id, as upstream's
    /// `mqtt_create_request`: refused while disconnecting, and (unless `acknowledged`: QoS 0
    /// publishes, pings) while not connected. `make` runs only once the id is allocated, so a
    /// refused call builds no subscription handler (whose drop would run the user's cleanup).
    pub(crate) fn submit(
        &self,
        acknowledged: bool,
        make: impl FnOnce() -> (crate::client::mqtt311::Request<SubHandler>, OpToken),
    ) -> Result<u16> {
        self.submit_with_timeout(acknowledged, 0, make)
    }

    /// [`submit`](Self::submit) with the operation's own ACK timeout in milliseconds (0: the
    /// connection's).
    #[inline(always)]
    pub(crate) fn submit_with_timeout(
        &self,
        acknowledged: bool,
        timeout_ms: u32,
        make: impl FnOnce() -> (crate::client::mqtt311::Request<SubHandler>, OpToken),
    ) -> Result<u16> {
        let mut s = self.synced();
        let id = Self::admit(&mut s, acknowledged)?;
        let (request, token) = make();
        // Beyond upstream: a QoS 1 or 2 publish is in the durable store before the call returns.
        let record = match self.store.get() {
            None => 0,
            Some(store) => {
                let publish = match &request {
                    Request::Publish(p) => Some(p),
                    _ => None,
                };
                match record_publish(store, publish) {
                    Ok(record) => record,
                    Err(e) => {
                        s.ids.free(id);
                        return Err(e);
                    }
                }
            }
        };
        let size = token.size;
        self.stats.incomplete_count.fetch_add(1, Relaxed);
        self.stats.incomplete_size.fetch_add(size, Relaxed);
        s.commands.push(Command::Protocol(Mqtt311Command::Submit(
            id, request, token, timeout_ms, record,
        )));
        drop(s);
        self.wake();
        Ok(id)
    }

    /// Queues `packet` (a PUBLISH as `EncodedPublish` encodes it) under a fresh packet id, as
    /// `submit_with_timeout` does an operation: it is copied into the connection's publish
    /// stream, and the batch of publishes last queued counts it (a new batch when the last
    /// command is another). No durable store: a stored publish goes through `submit`.
    #[inline(always)]
    pub(crate) fn submit_publish(
        &self,
        acknowledged: bool,
        timeout_ms: u32,
        token: OpToken,
        packet: &[u8],
    ) -> Result<u16> {
        let mut s = self.synced();
        let id = Self::admit(&mut s, acknowledged)?;
        self.stats.incomplete_count.fetch_add(1, Relaxed);
        self.stats.incomplete_size.fetch_add(token.size, Relaxed);
        let (commands, synced) = s.split();
        let extras = Extras {
            timeout: timeout_ms,
            id,
            ..Extras::default()
        };
        synced.publishes.push_onto(commands, token, extras, packet);
        drop(s);
        self.wake();
        Ok(id)
    }

    /// A fresh packet id for an operation, as upstream's `mqtt_create_request`: refused while
    /// disconnecting, and (unless `acknowledged`: QoS 0 publishes, pings) while not connected.
    #[inline(always)]
    fn admit(s: &mut Locked, acknowledged: bool) -> Result<u16> {
        if s.state == State::Disconnecting {
            return Err(AWS_ERROR_MQTT_CONNECTION_DISCONNECTING.into());
        }
        if !acknowledged && s.state != State::Connected {
            return Err(AWS_ERROR_MQTT_NOT_CONNECTED.into());
        }
        s.ids
            .allocate()
            .ok_or(Error::from(AWS_ERROR_MQTT_QUEUE_FULL))
    }

    /// Attaches a durable store before the first connect (beyond upstream): each restored
    /// publish takes its stored packet id again (a fresh one when it was never sent, or when
    /// its id is taken, and then it is sent as new) and counts as incomplete until it
    /// completes; past 65,535 the rest wait in the store. `AWS_ERROR_INVALID_STATE` after
    /// `connect` or a store.
    pub(crate) fn attach_store(
        &self,
        store: SharedStore,
        publishes: Vec<(StoredPublish, OpToken)>,
        incoming_qos2: Vec<u16>,
    ) -> Result<()> {
        let mut s = self.synced();
        if self.store.get().is_some() || s.connect_called {
            return Err(AWS_ERROR_INVALID_STATE.into());
        }
        let mut restored = Vec::with_capacity(publishes.len());
        for (mut stored, token) in publishes {
            let id = if s.ids.claim(stored.packet_id) {
                stored.packet_id
            } else if let Some(id) = s.ids.allocate() {
                stored.packet_id = 0;
                id
            } else {
                // Every id is taken: the rest stay in the store, for the next connection.
                break;
            };
            self.stats.incomplete_count.fetch_add(1, Relaxed);
            self.stats.incomplete_size.fetch_add(token.size, Relaxed);
            restored.push((id, stored, token));
        }
        let _ = self.store.set(store.clone());
        let attach = Mqtt311Command::AttachStore(Journal::to(store), restored, incoming_qos2);
        s.commands.push(Command::Protocol(attach));
        drop(s);
        self.wake();
        Ok(())
    }
}

/// The handle behind a pointer the caller holds a reference to.
///
/// # Safety
/// `connection` must be NULL or a live handle.
pub(crate) unsafe fn handle_of<'a>(
    connection: *mut aws_mqtt_client_connection,
) -> Result<&'a aws_mqtt_client_connection> {
    // SAFETY: forwarded caller contract.
    unsafe { guard::reference(connection) }
}

/// The 3.1.1 connection behind a pointer the caller holds a reference to
/// (`AWS_ERROR_INVALID_ARGUMENT` for the view of an MQTT 5 client).
///
/// # Safety
/// `connection` must be NULL or a live handle.
pub(crate) unsafe fn connection_of<'a>(
    connection: *mut aws_mqtt_client_connection,
) -> Result<&'a Mqtt311Connection> {
    // SAFETY: forwarded caller contract.
    match unsafe { handle_of(connection) }?.kind() {
        Kind::Native(c) => Ok(c),
        Kind::Adapter(_) => Err(INVALID_ARGUMENT),
    }
}

/// Makes a connection on the next loop of `client`'s bootstrap, with one reference (and a
/// reference to `client`). NULL with `AWS_ERROR_INVALID_ARGUMENT` for a NULL client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_new(
    client: *mut aws_mqtt_client,
) -> *mut aws_mqtt_client_connection {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference to a live client.
        let connector = unsafe { connector_of(bootstrap_of(client)?) }?;
        let event_loop = connector.next_loop();
        let connection = Arc::new_cyclic(|weak| {
            let delegate = CDelegate {
                connection: weak.as_ptr(),
                callbacks: (0, Callbacks::default()),
                listeners: (0, Vec::new()),
                finished_ids: Vec::new(),
            };
            let engine = CEngine::new(Settings::default());
            let driver = Handle::new(event_loop.clone(), engine, delegate);
            let connection = Mqtt311Connection {
                life: Life::new(
                    event_loop,
                    driver,
                    Synced {
                        state: State::Disconnected,
                        lifecycle_pending: false,
                        ids: PacketIds::new(),
                        config: Config::default(),
                        callbacks: Callbacks::default(),
                        on_connection_complete: Callback::default(),
                        on_disconnect: Callback::default(),
                        destroy: Destroy::No,
                        connect_called: false,
                        publishes: PublishStream::default(),
                    },
                    Vec::new(),
                    AWS_LS_MQTT_CLIENT as u32,
                ),
                // SAFETY: as above; the connection holds this reference until it is destroyed.
                client: unsafe { aws_mqtt_client_acquire(client) },
                connector,
                callbacks_version: AtomicU64::new(0),
                stats: Stats::default(),
                listeners: Listeners::default(),
                queue_statistics: Default::default(),
                store: OnceLock::new(),
            };
            aws_mqtt_client_connection {
                kind: Kind::Native(connection),
            }
        });
        let pointer = Arc::into_raw(connection).cast_mut();
        crate::aws_log!(
            AWS_LL_DEBUG,
            AWS_LS_MQTT_CLIENT,
            "id={:p}: Creating new mqtt 311 connection",
            pointer
        );
        Ok(pointer)
    })
}

/// Adds a reference and returns `connection` (NULL for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_acquire(
    connection: *mut aws_mqtt_client_connection,
) -> *mut aws_mqtt_client_connection {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference, or passes NULL.
        unsafe {
            if let Some(Kind::Adapter(a)) = connection.as_ref().map(|h| h.kind()) {
                return a.acquire().map(|()| connection);
            }
            handle::acquire(connection, |c| &c.native().life)
        }
    })
}

/// Drops a reference (NULL does nothing). After the last one the connection disconnects if
/// connected, fails its unfinished operations with `AWS_ERROR_MQTT_CONNECTION_DESTROYED`,
/// releases its client and calls the termination handler, on its loop thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_release(
    connection: *mut aws_mqtt_client_connection,
) {
    guard::guard((), || {
        // SAFETY: the caller gives up a reference it holds, or passes NULL.
        if let Some(Kind::Adapter(a)) = unsafe { connection.as_ref() }.map(|h| h.kind()) {
            // SAFETY: as above; the handle came from `Arc::into_raw`.
            return unsafe { a.release(connection) };
        }
        // SAFETY: as above.
        let Some(c) = (unsafe { handle::release(connection, |c| &c.native().life) })? else {
            return Ok(());
        };
        let c = c.native();
        let mut s = c.synced();
        s.destroy = Destroy::Wait;
        let next = c.advance_destroy(&mut s);
        drop(s);
        if next == Destroy::Finish {
            c.schedule_finish();
        }
        Ok(())
    })
}

/// README entry point: the same as [`aws_mqtt_client_connection_release`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_destroy(
    connection: *mut aws_mqtt_client_connection,
) {
    // SAFETY: forwarded caller contract.
    unsafe { aws_mqtt_client_connection_release(connection) }
}

/// A topic name from a cursor: valid for a PUBLISH (`AWS_ERROR_MQTT_INVALID_TOPIC` otherwise).
pub(crate) unsafe fn topic_name(topic: *const aws_byte_cursor) -> Result<String> {
    // SAFETY: forwarded caller contract.
    unsafe { topic_str(topic) }.map(str::to_owned)
}

/// The topic name a cursor lends, checked as [`topic_name`] does, not copied.
///
/// # Safety
/// As [`topic_name`]; the text lives as long as the caller's buffer.
pub(crate) unsafe fn topic_str<'a>(topic: *const aws_byte_cursor) -> Result<&'a str> {
    // SAFETY: forwarded caller contract.
    let bytes =
        unsafe { cursor_bytes(topic) }.map_err(|_| Error::from(AWS_ERROR_MQTT_INVALID_TOPIC))?;
    topic::checked_name(bytes).ok_or(AWS_ERROR_MQTT_INVALID_TOPIC.into())
}

/// A copy of the payload a cursor lends; NULL is an empty payload.
pub(crate) unsafe fn payload_copy(payload: *const aws_byte_cursor) -> Result<Bytes> {
    // SAFETY: forwarded caller contract.
    unsafe { payload_bytes(payload) }.map(Bytes::copy_from_slice)
}

/// The payload a cursor lends, not copied; NULL is an empty payload.
///
/// # Safety
/// `payload` must be NULL or a valid cursor; the bytes live as long as the caller's buffer.
pub(crate) unsafe fn payload_bytes<'a>(payload: *const aws_byte_cursor) -> Result<&'a [u8]> {
    if payload.is_null() {
        return Ok(&[]);
    }
    // SAFETY: forwarded caller contract.
    unsafe { cursor_bytes(payload) }
}

/// A QoS from the caller: 0 to 2 (`AWS_ERROR_MQTT_INVALID_QOS` otherwise).
pub(crate) fn qos_arg(qos: aws_mqtt_qos_raw) -> Result<QoS> {
    u8::try_from(qos)
        .ok()
        .and_then(QoS::from_u8)
        .ok_or(Error::from(AWS_ERROR_MQTT_INVALID_QOS))
}

/// MQTT UTF-8 text from a cursor (`AWS_ERROR_INVALID_ARGUMENT` otherwise).
pub(super) fn utf8_text(bytes: &[u8]) -> Result<String> {
    utf8::validate(bytes).map_err(|_| INVALID_ARGUMENT)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| INVALID_ARGUMENT)
}

/// Where and how `aws_mqtt_client_connection_connect` connects, checked.
pub(crate) struct ConnectTarget {
    pub client_id: String,
    pub host: String,
    pub port: u32,
    pub socket: crate::transport::socket_options::SocketOptions,
    pub tls: Option<crate::transport::tls::TlsConnectionSettings>,
    /// As given (0: the connection's default).
    pub keep_alive_secs: u16,
    /// As given (0: the default).
    pub ping_timeout_ms: u32,
    /// As given (0: none).
    pub operation_timeout_ms: u32,
    pub clean_session: bool,
}

impl ConnectTarget {
    /// Checks and copies what `o` lends. `AWS_ERROR_INVALID_ARGUMENT` for NULL socket options,
    /// a client id that is not MQTT UTF-8 or a host name that is not UTF-8.
    ///
    /// # Safety
    /// `o`'s pointers are NULL or valid.
    unsafe fn from_c(o: &aws_mqtt_connection_options) -> Result<ConnectTarget> {
        // SAFETY: the caller's contract.
        unsafe {
            Ok(ConnectTarget {
                client_id: utf8_text(guard::bytes(o.client_id.ptr, o.client_id.len)?)?,
                host: String::from_utf8(guard::bytes(o.host_name.ptr, o.host_name.len)?.to_vec())
                    .map_err(|_| INVALID_ARGUMENT)?,
                port: o.port,
                socket: socket_options(guard::reference(o.socket_options)?)?,
                tls: match o.tls_options.is_null() {
                    true => None,
                    false => Some(connection_settings(o.tls_options)?),
                },
                keep_alive_secs: o.keep_alive_time_secs,
                ping_timeout_ms: o.ping_timeout_ms,
                operation_timeout_ms: o.protocol_operation_timeout_ms,
                clean_session: o.clean_session,
            })
        }
    }
}

/// Starts connecting; `on_connection_complete` reports the first attempt, and lost connections
/// reconnect until `aws_mqtt_client_connection_disconnect`. `AWS_ERROR_MQTT_ALREADY_CONNECTED`
/// unless disconnected; `AWS_ERROR_INVALID_ARGUMENT` for NULL options or socket options, a
/// client id that is not MQTT UTF-8, or a keep alive not longer than the ping timeout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_connect(
    connection: *mut aws_mqtt_client_connection,
    connection_options: *const aws_mqtt_connection_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends valid options and holds a reference to the connection.
        unsafe {
            let on_complete = |o: &aws_mqtt_connection_options| Callback {
                function: o.on_connection_complete,
                user_data: o.user_data,
            };
            let c = match handle_of(connection)?.kind() {
                Kind::Native(c) => c,
                Kind::Adapter(a) => {
                    // Upstream's adapter checks these with the MQTT 5 client's error code.
                    let invalid = Error::from(AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
                    let o = connection_options.as_ref().ok_or(invalid)?;
                    let target = ConnectTarget::from_c(o).map_err(|_| invalid)?;
                    let usable = !target.host.is_empty()
                        && target.socket.socket_type == SocketType::Stream
                        && !target.socket.connect_timeout.is_zero();
                    guard::require(usable).map_err(|_| invalid)?;
                    a.connect(target, on_complete(o));
                    return Ok(());
                }
            };
            let o = guard::reference(connection_options)?;
            let target = ConnectTarget::from_c(o)?;
            let keep_alive_secs = match target.keep_alive_secs {
                0 => DEFAULT_KEEP_ALIVE_SECS,
                secs => secs,
            };
            let ping_timeout_ns = match target.ping_timeout_ms {
                0 => DEFAULT_PING_TIMEOUT_NS,
                ms => u64::from(ms) * 1_000_000,
            };
            guard::require(u64::from(keep_alive_secs) * 1_000_000_000 > ping_timeout_ns)?;
            let operation_timeout_ns = match target.operation_timeout_ms {
                0 => None,
                ms => Some(u64::from(ms) * 1_000_000),
            };
            let mut s = c.synced();
            if s.state != State::Disconnected || s.lifecycle_pending {
                return Err(AWS_ERROR_MQTT_ALREADY_CONNECTED.into());
            }
            let mut settings = Settings {
                client_id: target.client_id,
                clean_session: target.clean_session,
                keep_alive_secs,
                ping_timeout_ns,
                operation_timeout_ns,
                ..Settings::default()
            };
            s.config.apply(&mut settings);
            let mut connector = c.connector.clone();
            if let Some(resolution) = &s.config.resolution {
                connector.resolution = resolution.clone();
            }
            let endpoint = Endpoint {
                host: target.host,
                port: target.port,
                socket: target.socket,
                tls: target.tls,
                proxy: s.config.proxy.clone(),
                websocket: s.config.websocket.clone(),
                connector,
            };
            s.state = State::Connecting;
            s.lifecycle_pending = true;
            s.connect_called = true;
            s.on_connection_complete = on_complete(o);
            s.commands.push(Command::Endpoint(Box::new(endpoint)));
            let connect = Mqtt311Command::Connect(Box::new(settings));
            s.commands.push(Command::Protocol(connect));
            drop(s);
            c.wake();
            Ok(())
        }
    })
}

/// Deprecated upstream (connections reconnect by themselves): `AWS_ERROR_UNSUPPORTED_OPERATION`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_reconnect(
    connection: *mut aws_mqtt_client_connection,
    on_connection_complete: Option<aws_mqtt_client_on_connection_complete_fn>,
    userdata: *mut c_void,
) -> c_int {
    guard::op(|| {
        let _ = (on_connection_complete, userdata);
        // SAFETY: the caller holds a reference to the connection.
        unsafe { handle_of(connection) }?;
        Err(AWS_ERROR_UNSUPPORTED_OPERATION.into())
    })
}

/// Sends DISCONNECT and closes; `on_disconnect` (then the closed handler) runs once closed.
/// `AWS_ERROR_MQTT_NOT_CONNECTED` unless connected or reconnecting.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_disconnect(
    connection: *mut aws_mqtt_client_connection,
    on_disconnect: Option<aws_mqtt_client_on_disconnect_fn>,
    userdata: *mut c_void,
) -> c_int {
    guard::op(|| {
        let on_disconnect = Callback {
            function: on_disconnect,
            user_data: userdata,
        };
        // SAFETY: the caller holds a reference to the connection.
        let c = match unsafe { handle_of(connection) }?.kind() {
            Kind::Native(c) => c,
            Kind::Adapter(a) => {
                a.disconnect(on_disconnect);
                return Ok(());
            }
        };
        let mut s = c.synced();
        if !Mqtt311Connection::disconnectable(&s, s.state) {
            return Err(AWS_ERROR_MQTT_NOT_CONNECTED.into());
        }
        s.state = State::Disconnecting;
        s.lifecycle_pending = true;
        s.on_disconnect = on_disconnect;
        s.commands
            .push(Command::Protocol(Mqtt311Command::Disconnect));
        drop(s);
        c.wake();
        Ok(())
    })
}

/// Reports the operations not yet completed and those waiting for their ACK.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_get_stats(
    connection: *mut aws_mqtt_client_connection,
    stats: *mut aws_mqtt_connection_operation_statistics,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a struct to fill and holds a reference to the connection.
        unsafe {
            let c = match handle_of(connection)?.kind() {
                Kind::Native(c) => c,
                Kind::Adapter(a) => {
                    let mut five = std::mem::zeroed();
                    aws_mqtt5_client_get_stats(a.mqtt5_client(), &mut five);
                    *guard::mutable(stats)? = aws_mqtt_connection_operation_statistics {
                        incomplete_operation_count: five.incomplete_operation_count,
                        incomplete_operation_size: five.incomplete_operation_size,
                        unacked_operation_count: five.unacked_operation_count,
                        unacked_operation_size: five.unacked_operation_size,
                    };
                    return Ok(());
                }
            };
            let out = guard::mutable(stats)?;
            *out = aws_mqtt_connection_operation_statistics {
                incomplete_operation_count: c.stats.incomplete_count.load(Relaxed),
                incomplete_operation_size: c.stats.incomplete_size.load(Relaxed),
                unacked_operation_count: c.stats.unacked_count.load(Relaxed),
                unacked_operation_size: c.stats.unacked_size.load(Relaxed),
            };
            Ok(())
        }
    })
}

//! The MQTT 3.1.1 connection state machine, with upstream's lifecycle.
//!
//! `connect` starts the first attempt; a lost connection is reconnected with the backoff until
//! the user disconnects. The user-visible [`State`] moves:
//!
//! ```text
//! Disconnected --connect--> Connecting --CONNACK 0--> Connected --lost--> Reconnecting
//!      ^                        |                        |  ^                |   |
//!      |                        +--failed----------------|--|----------------+   |
//!      |                                                  |  +----CONNACK 0-----+
//!      +----closed---- Disconnecting <----disconnect------+----------------------+
//! ```
//!
//! Below it the transport's `Link` moves Down -> Opening -> AwaitingConnack -> Up -> Closing
//! -> Down; the runtime performs the [`Action`]s and reports back with
//! [`transport_opened`](Engine::transport_opened) and [`transport_closed`](Engine::transport_closed).
//!
//! Operations get their packet id from the caller, wait in order in the queue (the offline
//! queue while not connected), are written when the link is up, and complete exactly once:
//! with their ACK, a timeout, or the connection's fate (see [`transport_closed`](Engine::transport_closed)).
//!
//! This file holds the state, the user's calls, the transport's events and the timers; received
//! packets are handled in `inbound`, operations written in `outbound`. Keep alive, the
//! CONNACK timeout, ACK deadlines, the decode loop, the send queue and its requeue on reconnect
//! are the pieces both clients share (see [`crate::client`]).

mod durable;
mod inbound;
mod outbound;

pub use crate::client::Action;
use crate::client::ack_deadlines::AckDeadlines;
use crate::client::backoff::Backoff;
use crate::client::deadline::{Deadline, earliest};
use crate::client::id_window::IdWindow;
use crate::client::journal::Journal;
use crate::client::keep_alive::{KeepAlive, PingSchedule};
use crate::client::mqtt311::outcome::{Event, Failure, Outcome};
use crate::client::mqtt311::request::{Operation, Request, Stage};
use crate::client::mqtt311::settings::Settings;
use crate::client::outbox::{Outbox, outbox_methods};
use crate::client::packet_id_map::IdSet;
use crate::client::publish_stream::SUBMITTED_AHEAD;
use crate::client::queue_limits::{QueueLimits, QueueStatistics, Queued};
use crate::client::send_queue::{Fate, SendQueue, in_send_order};
use crate::client::topic_tree::TopicTree;
use crate::client::wire::{read_packets, write_packet};
use crate::codec::{Decoder, Packet, PubAck, QoS, Version};
use crate::error::aws_io_errors::AWS_IO_SOCKET_CLOSED;

/// The protocol version this engine speaks.
const VERSION: Version = Version::V311;

// An ACK deadline entry, (instant, (send stamp, packet id)), stays 16 bytes.
const _: () = assert!(std::mem::size_of::<(u64, (u32, u16))>() == 16);

/// The connection's state as the user sees it (upstream's `aws_mqtt_client_connection_state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Not connected; `connect` may be called. Next: Connecting.
    Disconnected,
    /// The first attempt of a `connect`. Next: Connected, Disconnected (failed), Disconnecting.
    Connecting,
    /// CONNACK accepted. Next: Reconnecting (lost), Disconnecting.
    Connected,
    /// Lost; attempts follow the backoff. Next: Connected, Disconnecting.
    Reconnecting,
    /// The user asked to disconnect. Next: Disconnected, once the transport is closed.
    Disconnecting,
}

/// The transport under the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// None. Next: Opening.
    Down,
    /// The runtime is opening one. Next: AwaitingConnack, Closing, Down (failed).
    Opening,
    /// CONNECT sent. Next: Up, Closing, Down.
    AwaitingConnack,
    /// CONNACK accepted. Next: Closing, Down.
    Up,
    /// The engine asked the runtime to close it. Next: Down.
    Closing,
}

/// A subscription in the tree: its QoS and the caller's handler.
#[derive(Debug)]
pub struct Subscriber<S> {
    /// The QoS asked for (resubscribes ask for it again).
    pub qos: QoS,
    /// The caller's handler (dropped when unsubscribed or replaced).
    pub handler: S,
}

/// One MQTT 3.1.1 connection. `T` is the caller's per-operation token, `S` its per-subscription
/// handler.
pub struct Engine<T, S> {
    settings: Settings,
    state: State,
    link: Link,
    decoder: Decoder,
    backoff: Backoff,
    /// A CONNACK succeeded since `connect`: later successes are resumptions.
    has_connected: bool,
    /// Why the engine asked for the link to close (reported instead of the runtime's reason).
    close_reason: Option<Failure>,
    /// The return code of a refused CONNACK, reported with the failure.
    refused_with: Option<u8>,
    reconnect: Deadline,
    /// Armed when CONNECT goes out: upstream gives the CONNACK the ping timeout.
    connack_timeout: Deadline,
    /// PINGREQs after the last packet written, as upstream's 3.1.1 connection sends them.
    keep_alive: KeepAlive,
    /// Indexed by packet id, a window of consecutive ids (see `IdWindow`): no hashing, and no
    /// allocation per operation.
    ops: IdWindow<Operation<T, S>>,
    /// The packet bytes of `ops` (the statistics' size), for the queue limits.
    ops_size: u64,
    /// Beyond upstream: bounded queues, and what they did.
    queue_limits: Option<QueueLimits>,
    queue_statistics: QueueStatistics,
    /// Operations by packet id, in the order to send them.
    queue: SendQueue<u16>,
    /// Keyed by (send stamp, packet id): the stamp tells a stale deadline from the current one.
    /// Only its low 32 bits are kept, as the 3.1.1 engine always did, so an entry stays 16 bytes
    /// (entries stay until due, one per send): a stale one is mistaken for the current one only
    /// if its id is in flight again exactly 2^32 sends later.
    ack_deadlines: AckDeadlines<(u32, u16)>,
    unacked_count: u64,
    unacked_size: u64,
    subscriptions: TopicTree<Subscriber<S>>,
    /// QoS 2 PUBLISHes received and delivered, until their PUBREL [MQTT-4.3.3-2].
    incoming_qos2: IdSet,
    /// Encoded packets that go out before any queued operation (CONNECT, acks, PINGREQ, ...).
    control: Vec<u8>,
    outbox: Outbox<Event<T>>,
    /// Beyond upstream: the durable store of in-flight publishes, when one is attached.
    journal: Journal,
}

impl<T, S> Engine<T, S> {
    /// A disconnected engine.
    pub fn new(settings: Settings) -> Engine<T, S> {
        Engine {
            backoff: Backoff::new(settings.backoff),
            settings,
            state: State::Disconnected,
            link: Link::Down,
            decoder: Decoder::new(VERSION),
            has_connected: false,
            close_reason: None,
            refused_with: None,
            reconnect: Deadline::disarmed(),
            connack_timeout: Deadline::disarmed(),
            keep_alive: KeepAlive::new(PingSchedule::AfterLastPacket),
            ops: IdWindow::default(),
            ops_size: 0,
            queue_limits: None,
            queue_statistics: QueueStatistics::default(),
            queue: SendQueue::default(),
            ack_deadlines: AckDeadlines::default(),
            unacked_count: 0,
            unacked_size: 0,
            subscriptions: TopicTree::new(),
            incoming_qos2: IdSet::default(),
            control: Vec::new(),
            outbox: Outbox::default(),
            journal: Journal::default(),
        }
    }

    /// The user-visible state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Operations sent and waiting for their ACK: (count, statistics size).
    pub fn unacked(&self) -> (u64, u64) {
        (self.unacked_count, self.unacked_size)
    }

    /// Unfinished operations.
    pub fn operation_count(&self) -> usize {
        self.ops.len()
    }

    outbox_methods!(Event<T>);

    /// Changes the settings later (re)connects use (the will, the login, the backoff), as
    /// upstream's setters may while connected.
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut Settings)) {
        let mut settings = self.settings.clone();
        change(&mut settings);
        self.adopt(settings);
    }

    /// Takes `settings`, restarting the backoff when its configuration changed.
    fn adopt(&mut self, settings: Settings) {
        if *self.backoff.config() != settings.backoff {
            self.backoff = Backoff::new(settings.backoff);
        }
        self.settings = settings;
    }

    /// Calls `f` with each subscription matching `topic` (how a [`Event::Message`] is routed).
    pub fn for_each_subscriber<'a>(&'a self, topic: &str, mut f: impl FnMut(&'a Subscriber<S>)) {
        self.subscriptions
            .for_each_match(topic, |_, subscriber| f(subscriber));
    }

    /// Calls `f` with every subscription (filter and subscriber), in the order a resubscribe
    /// sends them.
    pub fn for_each_subscription<'a>(&'a self, mut f: impl FnMut(&'a str, &'a Subscriber<S>)) {
        for (filter, subscriber) in self.subscriptions.iter() {
            f(filter, subscriber);
        }
    }

    /// Starts connecting with `settings` (the caller checked the state is Disconnected). With a
    /// clean session, operations left queued from before are cancelled, as upstream does.
    pub fn connect(&mut self, settings: Settings) {
        debug_assert_eq!(self.state, State::Disconnected);
        self.adopt(settings);
        if self.settings.clean_session {
            self.clear_incoming_qos2();
            for id in self.queue.take_all() {
                self.fail(id, Failure::CancelledForCleanSession);
            }
        }
        self.state = State::Connecting;
        self.has_connected = false;
        self.open();
    }

    /// Starts a user disconnect; `Err(Failure::NotConnected)` unless Connected or Reconnecting
    /// (or retrying a first connect). A DISCONNECT packet goes out first when the link is up
    /// [MQTT-3.14].
    pub fn disconnect(&mut self) -> Result<(), Failure> {
        if !self.can_disconnect() {
            return Err(Failure::NotConnected);
        }
        self.state = State::Disconnecting;
        self.reconnect.disarm();
        match self.link {
            Link::Up | Link::AwaitingConnack => {
                self.push_control(&Packet::Disconnect(Default::default()));
                self.close(None);
            }
            // The open under way is closed when it completes.
            Link::Opening | Link::Closing => {}
            Link::Down => self.finish_disconnect(),
        }
        Ok(())
    }

    /// Whether [`disconnect`](Self::disconnect) applies now.
    pub fn can_disconnect(&self) -> bool {
        match self.state {
            State::Connected | State::Reconnecting => true,
            State::Connecting => self.settings.retry_first_connect,
            State::Disconnecting | State::Disconnected => false,
        }
    }

    /// Adds an operation with its packet id (the caller allocated it). Retryable operations wait
    /// while not connected; others fail with `NotConnected` then.
    pub fn submit(&mut self, id: u16, request: Request<S>, token: T) {
        self.submit_with_timeout(id, request, token, 0);
    }

    /// [`submit`](Self::submit) with the operation's own ACK timeout in milliseconds (0: the
    /// connection's): upstream's internal 3.1.1 calls take one, and the request-response client
    /// gives its operation timeout.
    pub fn submit_with_timeout(&mut self, id: u16, request: Request<S>, token: T, timeout_ms: u32) {
        self.submit_recorded(id, request, token, timeout_ms, 0);
    }

    /// How many more publishes a batch may hand over now (see `connection::Protocol::room`):
    /// while connected, enough to keep [`SUBMITTED_AHEAD`] waiting to be sent; otherwise all
    /// (each is then queued or failed at once, as any submission).
    pub fn submission_room(&self) -> usize {
        if self.state != State::Connected || self.link != Link::Up {
            return usize::MAX;
        }
        SUBMITTED_AHEAD.saturating_sub(self.queue.len())
    }

    /// [`submit_with_timeout`](Self::submit_with_timeout) for a publish the store holds under
    /// `record` (0: none).
    pub fn submit_recorded(
        &mut self,
        id: u16,
        request: Request<S>,
        token: T,
        timeout_ms: u32,
        record: u64,
    ) {
        let connected = self.state == State::Connected && self.link == Link::Up;
        let retryable = request.is_acknowledged();
        let refused = !self.make_room(&request);
        self.ops_size += request.statistics_size();
        self.ops.insert(
            id,
            Operation {
                request,
                token,
                stage: Stage::Queued,
                sent_before: false,
                in_flight: false,
                send_stamp: 0,
                filters_sent: 0,
                timeout_ms,
                record,
            },
        );
        if refused {
            self.fail(id, Failure::QueueFull);
        } else if connected || retryable {
            self.queue.push_back(id);
        } else {
            self.fail(id, Failure::NotConnected);
        }
    }

    /// Bounds the unfinished operations (beyond upstream); `None` lifts the bounds.
    pub fn set_queue_limits(&mut self, limits: Option<QueueLimits>) {
        self.queue_limits = limits;
    }

    /// What the queue limits dropped and refused so far.
    pub fn queue_statistics(&self) -> QueueStatistics {
        self.queue_statistics
    }

    /// Makes room for `request` under the queue limits: drops queued operations as the policy
    /// says (each fails with `QueueFull`); false when `request` is to be refused.
    fn make_room(&mut self, request: &Request<S>) -> bool {
        let Some(limits) = self.queue_limits else {
            return true;
        };
        let queued = self.queue.iter().filter_map(|id| {
            let op = self.ops.get(&id)?;
            Some(Queued {
                key: id,
                qos0_publish: !op.request.is_acknowledged(),
                size: op.request.statistics_size(),
            })
        });
        let room = limits.make_room(
            self.ops.len() as u64,
            self.ops_size,
            request.statistics_size(),
            queued,
        );
        let Some(victims) = room else {
            self.queue_statistics.refused += 1;
            return false;
        };
        self.queue.remove_all(&victims);
        for id in victims {
            self.queue_statistics.dropped += 1;
            self.fail(id, Failure::QueueFull);
        }
        true
    }

    /// The transport asked for with [`Action::Open`] is up: CONNECT goes out and the CONNACK
    /// timer (the ping timeout, as upstream) starts.
    pub fn transport_opened(&mut self, now: u64) {
        debug_assert_eq!(self.link, Link::Opening);
        if self.state == State::Disconnecting {
            self.close(None);
            return;
        }
        self.decoder = Decoder::new(VERSION);
        self.refused_with = None;
        self.link = Link::AwaitingConnack;
        let connect = Packet::Connect(Box::new(self.settings.connect_packet()));
        self.push_control(&connect);
        self.connack_timeout.arm(now, self.settings.ping_timeout_ns);
    }

    /// The transport is gone (failed to open, closed by the server, or closed as asked), with
    /// the transport's error if any. As upstream: unfinished operations are cancelled on a clean
    /// session and requeued otherwise; then the connection reconnects, or the user's disconnect
    /// or the first attempt's failure is reported.
    pub fn transport_closed(&mut self, now: u64, error: Option<Failure>) {
        // Closed in the middle of a packet: upstream's socket reports the end of the stream as
        // AWS_IO_SOCKET_CLOSED, which its decoder, holding the partial packet, passes on.
        let cut_short = (self.decoder.buffered() > 0)
            .then_some(Failure::Transport(AWS_IO_SOCKET_CLOSED as i32));
        let reason = self.close_reason.take().or(error).or(cut_short);
        self.link = Link::Down;
        self.connack_timeout.disarm();
        self.keep_alive.stop();
        self.control.clear();
        self.ack_deadlines.clear();
        self.unacked_count = 0;
        self.unacked_size = 0;
        let user_disconnect = self.state == State::Disconnecting;
        self.backoff.on_disconnected(now);
        if user_disconnect {
            self.backoff.reset();
        }
        self.settle_operations_on_loss();
        let error = reason.unwrap_or(Failure::UnexpectedHangup);
        match self.state {
            State::Connected => {
                self.state = State::Reconnecting;
                self.outbox.event(Event::Interrupted { error });
                self.schedule_reconnect(now);
            }
            State::Reconnecting => self.schedule_reconnect(now),
            State::Disconnecting => self.finish_disconnect(),
            State::Connecting if self.settings.retry_first_connect => {
                self.refused_with = None;
                self.outbox.event(Event::ConnectionFailure { error });
                self.schedule_reconnect(now);
            }
            State::Connecting => {
                self.state = State::Disconnected;
                let return_code = self.refused_with.take().unwrap_or(0);
                self.outbox.event(Event::ConnectionComplete {
                    error: Some(error),
                    return_code,
                    session_present: false,
                });
                self.outbox.event(Event::ConnectionFailure { error });
            }
            State::Disconnected => {}
        }
    }

    /// Bytes received from the transport. A malformed or unexpected packet closes the
    /// connection [MQTT-4.8.0-1], with `ProtocolError` or upstream's more specific code.
    pub fn receive(&mut self, now: u64, bytes: &[u8]) {
        if !matches!(self.link, Link::AwaitingConnack | Link::Up) {
            return;
        }
        read_packets(self, now, bytes);
    }

    /// The earliest time [`on_timer`](Engine::on_timer) has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        earliest([
            self.reconnect.at(),
            self.connack_timeout.at(),
            self.keep_alive.pingresp_deadline(),
            self.keep_alive.next_ping_at(),
            self.ack_deadlines.next_at(),
        ])
    }

    /// Runs what is due at `now`: reconnect attempts, CONNACK and PINGRESP timeouts, keep-alive
    /// PINGREQs and operation timeouts.
    pub fn on_timer(&mut self, now: u64) {
        let retrying = matches!(self.state, State::Reconnecting | State::Connecting);
        if self.reconnect.fire(now) && retrying && self.link == Link::Down {
            self.open();
        }
        if self.connack_timeout.fire(now) {
            self.close(Some(Failure::Timeout));
        }
        if self.keep_alive.pingresp_overdue(now) {
            self.close(Some(Failure::Timeout));
        }
        if self.keep_alive.ping_due(now) {
            self.send_pingreq(now);
        }
        while let Some((_, (stamp, id))) = self.ack_deadlines.pop_due(now) {
            let current = self
                .ops
                .get(&id)
                .is_some_and(|op| op.send_stamp as u32 == stamp && op.in_flight);
            if current {
                self.fail(id, Failure::Timeout);
            }
        }
    }

    /// Appends packets to send to `out` until it holds `limit` bytes or nothing is left: first
    /// the CONNECT, acks and pings, then queued operations while connected. QoS 0 publishes and
    /// pings complete once written here.
    pub fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize) {
        if matches!(self.link, Link::Down | Link::Opening) {
            return;
        }
        let start = out.len();
        out.append(&mut self.control);
        if self.link == Link::Up && self.state == State::Connected {
            while out.len() < limit {
                let Some(id) = self.queue.pop_front() else {
                    break;
                };
                self.send_operation(now, id, out);
            }
        }
        if out.len() > start {
            self.keep_alive.packet_sent(now);
        }
    }

    /// The connection is being destroyed: every unfinished operation fails with
    /// `ConnectionDestroyed` and every subscription is dropped.
    pub fn shut_down(&mut self) {
        self.queue.clear();
        for id in self.ops.ids() {
            self.fail(id, Failure::ConnectionDestroyed);
        }
        self.subscriptions.clear();
    }

    fn open(&mut self) {
        self.link = Link::Opening;
        self.outbox.action(Action::Open);
    }

    fn close(&mut self, reason: Option<Failure>) {
        if matches!(self.link, Link::Down | Link::Closing) {
            return;
        }
        if self.close_reason.is_none() {
            self.close_reason = reason;
        }
        self.link = Link::Closing;
        self.connack_timeout.disarm();
        self.keep_alive.stop();
        self.outbox.action(Action::Close);
    }

    fn finish_disconnect(&mut self) {
        self.state = State::Disconnected;
        // A first connect that was still retrying completes now.
        if !self.has_connected {
            self.outbox.event(Event::ConnectionComplete {
                error: Some(Failure::ConnectionShutdown),
                return_code: 0,
                session_present: false,
            });
        }
        self.outbox.event(Event::Disconnected);
    }

    fn schedule_reconnect(&mut self, now: u64) {
        let delay = self.backoff.next_delay().as_nanos() as u64;
        self.reconnect.arm(now, delay);
    }

    /// The keep alive's PINGREQ, due at `now`.
    fn send_pingreq(&mut self, now: u64) {
        self.push_control(&Packet::Pingreq);
        self.keep_alive.packet_sent(now);
        self.keep_alive
            .pingreq_sent(now, self.settings.ping_timeout_ns);
    }

    /// On a lost link: with a clean session every operation fails (the session is gone); else
    /// sent ones go back to the front of the queue, to be resent. Queued QoS 0 publishes and
    /// pings fail with `NotConnected` either way.
    fn settle_operations_on_loss(&mut self) {
        let sent: Vec<(u64, u16)> = self
            .ops
            .iter_mut()
            .filter(|(_, op)| op.in_flight)
            .map(|(id, op)| {
                op.in_flight = false;
                (op.send_stamp, id)
            })
            .collect();
        self.queue
            .requeue_sent(in_send_order(sent), |_| Fate::<Failure>::Keep);
        let clean = self.settings.clean_session;
        let ops = &self.ops;
        let failed = self.queue.settle_waiting(|id| {
            match ops.get(&id).map(|op| op.request.is_acknowledged()) {
                Some(true) if !clean => Fate::Keep,
                Some(true) => Fate::Fail(Failure::CancelledForCleanSession),
                _ => Fate::Fail(Failure::NotConnected),
            }
        });
        for (id, failure) in failed {
            self.fail(id, failure);
        }
        if clean {
            self.clear_incoming_qos2();
        }
    }

    /// A clean session: no received QoS 2 publish waits for its PUBREL any more.
    fn clear_incoming_qos2(&mut self) {
        self.incoming_qos2.clear();
        self.journal.cleared_qos2();
    }

    fn complete(&mut self, id: u16, outcome: Outcome) {
        let Some(op) = self.ops.remove(&id) else {
            return;
        };
        self.ops_size = self.ops_size.saturating_sub(op.request.statistics_size());
        if op.in_flight {
            self.unacked_count = self.unacked_count.saturating_sub(1);
            self.unacked_size = self
                .unacked_size
                .saturating_sub(op.request.statistics_size());
        }
        // A connection destroyed leaves its publishes to the next connection with the store.
        if !matches!(outcome, Outcome::Failed(Failure::ConnectionDestroyed)) {
            self.journal.settled(op.record);
        }
        self.outbox.event(Event::Complete {
            id,
            token: op.token,
            outcome,
        });
    }

    fn fail(&mut self, id: u16, failure: Failure) {
        self.complete(id, Outcome::Failed(failure));
    }

    fn push_control(&mut self, packet: &Packet) {
        // Control packets are small and well-formed: encoding them cannot fail.
        let _ = write_packet(&mut self.control, packet, VERSION);
    }
}

/// A PUBACK, PUBREC, PUBREL or PUBCOMP body for `packet_id`.
fn ack(packet_id: u16) -> PubAck {
    PubAck {
        packet_id,
        ..Default::default()
    }
}

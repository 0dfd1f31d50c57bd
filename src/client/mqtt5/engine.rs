//! The MQTT 5 client state machine, with upstream's lifecycle (`aws_mqtt5_client_state`).
//!
//! The user sets the *desired* state with [`start`](Engine::start) and [`stop`](Engine::stop);
//! the engine moves toward it:
//!
//! ```text
//! Stopped --start--> Connecting --transport up--> MqttConnect --CONNACK ok--> Connected
//!    ^                   |                            |                         |
//!    |                   +-----failed-----------------+----------+--------------+ lost / stop
//!    |                                                           v              v
//!    +--desired stopped-- (transport closed) <-- ChannelShutdown <-- CleanDisconnect (DISCONNECT out)
//!                                |
//!                                +--desired connected--> PendingReconnect --backoff--> Connecting
//! ```
//!
//! Every operation completes exactly once (its ACK, a validation failure, a timeout, the offline
//! queue policy at a disconnection, or the stop). Unacknowledged QoS 1 and 2 publishes are
//! resent with DUP at the head of the queue when a connection succeeds [MQTT-4.4.0-1].

pub use crate::client::Action;
use crate::client::backoff::Backoff;
use crate::client::mqtt5::flow_control::FlowControl;
use crate::client::mqtt5::negotiated::Negotiated;
use crate::client::mqtt5::operation::{
    Operation, Request, Stage, UserDisconnect, is_acknowledged, is_qos1_plus_publish,
    set_packet_id, survives_disconnection,
};
use crate::client::mqtt5::operations::{Key, Operations};
use crate::client::mqtt5::outcome::{Completion, Error, Event, ManualAckResult};
use crate::client::mqtt5::settings::{SessionBehavior, Settings};
use crate::client::mqtt5::topic_alias::{InboundAliases, OutboundAliases};
use crate::client::packet_id_map::{IdMap, IdSet};
use crate::codec::{
    Connack, Decoder, Disconnect, Packet, PubAck, Publish, QoS, Version, encode_append, encoded_len,
};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

/// DISCONNECT reason codes the client sends [MQTT-3.14.2.1].
const DISCONNECT_PROTOCOL_ERROR: u8 = 0x82;
const DISCONNECT_KEEP_ALIVE_TIMEOUT: u8 = 0x8D;
/// PUBREL reason code for a PUBREC whose packet id is unknown [MQTT-3.6.2.1].
const PACKET_IDENTIFIER_NOT_FOUND: u8 = 0x92;
const NANOS_PER_MILLI: u64 = 1_000_000;
const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// Where the client is (upstream's `aws_mqtt5_client_state`, less TERMINATED).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Idle. Next: Connecting (start).
    Stopped,
    /// The runtime opens the transport. Next: MqttConnect, PendingReconnect or Stopped.
    Connecting,
    /// CONNECT sent, waiting for CONNACK. Next: Connected, CleanDisconnect, ChannelShutdown.
    MqttConnect,
    /// Connected. Next: CleanDisconnect, ChannelShutdown.
    Connected,
    /// Writing a DISCONNECT before closing. Next: ChannelShutdown.
    CleanDisconnect,
    /// The runtime closes the transport. Next: PendingReconnect, Stopped.
    ChannelShutdown,
    /// Waiting out the reconnect delay. Next: Connecting, Stopped.
    PendingReconnect,
}

/// Which lifecycle event ends the current attempt (upstream's `aws_mqtt5_lifecycle_state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lifecycle {
    /// The final event was emitted (or none is due).
    None,
    /// ATTEMPTING_CONNECT emitted: CONNECTION_FAILURE is due if it ends now.
    Connecting,
    /// CONNECTION_SUCCESS emitted: DISCONNECTION is due when it ends.
    Connected,
}

/// Packets the client sends on its own, ahead of the user's operations.
#[derive(Debug)]
enum Control<T> {
    Connect,
    /// PUBACK (QoS 1) or PUBREC (QoS 2) of a received publish, with a manual ack's token.
    Ack {
        packet_id: u16,
        qos: QoS,
        token: Option<T>,
    },
    Pubrel(u16, u8),
    Pubcomp(u16),
    Pingreq,
}

/// The statistics of `aws_mqtt5_client_get_stats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Statistics {
    /// Operations submitted and not complete.
    pub incomplete_count: u64,
    /// Their packets' total size.
    pub incomplete_size: u64,
    /// Operations sent and waiting for their ACK.
    pub unacked_count: u64,
    /// Their packets' total size.
    pub unacked_size: u64,
}

/// Manual acknowledgements held by the user (upstream's manual PUBACK control).
#[derive(Debug, Default)]
struct HeldAcks {
    by_packet_id: HashMap<u16, u64>,
    by_control_id: HashMap<u64, (u16, QoS)>,
    /// Held on an earlier connection: invoking them reports a cancellation, once.
    cancelled: HashSet<u64>,
}

/// One MQTT 5 client. `T` is the caller's per-operation token.
pub struct Engine<T> {
    settings: Settings,
    state: State,
    wants_connection: bool,
    terminating: bool,
    lifecycle: Lifecycle,
    decoder: Decoder,
    backoff: Backoff,
    /// A connection succeeded since the last stop (REJOIN_POST_SUCCESS rejoins from then on).
    has_connected: bool,
    /// The client id in force: the configured one, or the first one the server assigned.
    client_id: String,
    negotiated: Negotiated,
    close_reason: Option<Error>,
    connack_deadline: Option<u64>,
    reconnect_at: Option<u64>,
    next_ping_at: Option<u64>,
    ping_deadline: Option<u64>,
    throttled_until: Option<u64>,
    flow: FlowControl,
    outbound_aliases: OutboundAliases,
    inbound_aliases: InboundAliases,
    ops: Operations<T>,
    queue: VecDeque<Key>,
    /// Operations sent and not acknowledged, in send order (completed ones are skipped).
    unacked: VecDeque<Key>,
    by_packet_id: IdMap<Key>,
    next_packet_id: u16,
    ack_deadlines: BinaryHeap<Reverse<(u64, Key)>>,
    stats: Statistics,
    control: VecDeque<Control<T>>,
    /// The DISCONNECT to write in CleanDisconnect, and the error the lifecycle reports.
    disconnect: Option<UserDisconnect<T>>,
    clean_disconnect_error: Error,
    /// QoS 2 PUBLISHes received and delivered, until their PUBREL [MQTT-4.3.3-2].
    incoming_qos2: IdSet,
    held: HeldAcks,
    events: VecDeque<Event<T>>,
    actions: VecDeque<Action>,
}

impl<T> Engine<T> {
    /// A stopped client.
    pub fn new(settings: Settings, now: u64) -> Engine<T> {
        Engine {
            backoff: Backoff::new(settings.backoff),
            flow: FlowControl::new(settings.iot_core_flow_control, now),
            outbound_aliases: OutboundAliases::new(settings.outbound_aliasing),
            client_id: settings.connect.client_id.clone(),
            negotiated: Negotiated::requested(&settings.connect),
            settings,
            state: State::Stopped,
            wants_connection: false,
            terminating: false,
            lifecycle: Lifecycle::None,
            decoder: Decoder::new(Version::V5),
            has_connected: false,
            close_reason: None,
            connack_deadline: None,
            reconnect_at: None,
            next_ping_at: None,
            ping_deadline: None,
            throttled_until: None,
            inbound_aliases: InboundAliases::default(),
            ops: Operations::default(),
            queue: VecDeque::new(),
            unacked: VecDeque::new(),
            by_packet_id: IdMap::default(),
            next_packet_id: 1,
            ack_deadlines: BinaryHeap::new(),
            stats: Statistics::default(),
            control: VecDeque::new(),
            disconnect: None,
            clean_disconnect_error: Error::UserRequestedStop,
            incoming_qos2: IdSet::default(),
            held: HeldAcks::default(),
            events: VecDeque::new(),
            actions: VecDeque::new(),
        }
    }

    /// Replaces the backoff's random source (tests).
    #[cfg(test)]
    pub fn set_backoff(&mut self, backoff: Backoff) {
        self.backoff = backoff;
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The operation statistics.
    pub fn statistics(&self) -> Statistics {
        self.stats
    }

    /// The settings of the current (or last) connection.
    pub fn negotiated(&self) -> &Negotiated {
        &self.negotiated
    }

    /// The next event to deliver.
    pub fn poll_event(&mut self) -> Option<Event<T>> {
        self.events.pop_front()
    }

    /// The next transport action to perform.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// Whether transport actions are pending.
    pub fn has_actions(&self) -> bool {
        !self.actions.is_empty()
    }

    /// Wants a connection: connects now if stopped; a pending reconnect keeps its delay.
    pub fn start(&mut self) {
        self.wants_connection = true;
        if self.state == State::Stopped && !self.terminating {
            self.begin_connecting();
        }
    }

    /// Wants no connection. With `disconnect`, an established (or establishing) connection
    /// writes that DISCONNECT first and its token completes once it is written; without a
    /// connection to write it on, the token fails with `NotConnected`.
    pub fn stop(&mut self, disconnect: Option<UserDisconnect<T>>) {
        let was_wanted = std::mem::replace(&mut self.wants_connection, false);
        match self.state {
            State::MqttConnect | State::Connected if was_wanted => {
                self.shut_down_connection(Error::UserRequestedStop, disconnect);
            }
            State::PendingReconnect => {
                self.reject_disconnect(disconnect);
                self.reconnect_at = None;
                self.enter_stopped();
            }
            _ => self.reject_disconnect(disconnect),
        }
    }

    /// Stops for good (the client's last reference is gone): `Terminated` follows `Stopped`,
    /// or comes at once when already stopped.
    pub fn terminate(&mut self) {
        self.terminating = true;
        self.stop(None);
        if self.state == State::Stopped {
            self.events.push_back(Event::Terminated);
        }
    }

    /// Submits an operation. Offline, one the offline queue policy would fail at a
    /// disconnection fails at once with `OfflineQueuePolicy`.
    pub fn submit(&mut self, request: Request, token: T, ack_timeout_secs: u32) {
        let op = Operation::new(request, token, ack_timeout_secs);
        if self.terminating {
            self.events.push_back(Event::Complete {
                token: op.token,
                completion: Completion::Failed(Error::ClientTerminated),
            });
            return;
        }
        if self.state != State::Connected
            && !survives_disconnection(&op.request, self.settings.offline_queue)
        {
            self.events.push_back(Event::Complete {
                token: op.token,
                completion: Completion::Failed(Error::OfflineQueuePolicy),
            });
            return;
        }
        self.stats.incomplete_count += 1;
        self.stats.incomplete_size += op.statistics_size();
        let key = self.ops.insert(op);
        self.queue.push_back(key);
    }

    /// The manual acknowledgement id already held for a received publish's `packet_id`.
    pub fn held_ack(&self, packet_id: u16) -> Option<u64> {
        self.held.by_packet_id.get(&packet_id).copied()
    }

    /// Takes the acknowledgement of the publish with `packet_id`, just delivered, out of the
    /// client's hands: it goes out when [`release_ack`](Self::release_ack) is called with
    /// `control_id`. Call it while delivering the publish's event.
    pub fn hold_ack(&mut self, packet_id: u16, control_id: u64) {
        let position = self.control.iter().position(
            |c| matches!(c, Control::Ack { packet_id: id, token: None, .. } if *id == packet_id),
        );
        let Some(Control::Ack { qos, .. }) = position.and_then(|i| self.control.remove(i)) else {
            return;
        };
        self.held.by_packet_id.insert(packet_id, control_id);
        self.held.by_control_id.insert(control_id, (packet_id, qos));
    }

    /// Sends the acknowledgement held under `control_id`; `token` completes with the result.
    pub fn release_ack(&mut self, control_id: u64, token: T) {
        if let Some((packet_id, qos)) = self.held.by_control_id.remove(&control_id) {
            self.held.by_packet_id.remove(&packet_id);
            self.control.push_back(Control::Ack {
                packet_id,
                qos,
                token: Some(token),
            });
            return;
        }
        let result = if self.held.cancelled.remove(&control_id) {
            ManualAckResult::Cancelled
        } else {
            ManualAckResult::Invalid
        };
        self.events.push_back(Event::ManualAck { token, result });
    }

    /// The transport asked for with [`Action::Open`] is up: the CONNECT goes out.
    pub fn transport_opened(&mut self, now: u64) {
        if self.state != State::Connecting {
            return;
        }
        if !self.wants_connection {
            self.close(Error::UserRequestedStop);
            return;
        }
        self.state = State::MqttConnect;
        self.decoder = Decoder::new(Version::V5);
        if let Some(max) = self.settings.connect.properties.maximum_packet_size {
            self.decoder.set_max_packet_size(max as usize);
        }
        let connect = self.connect_packet();
        self.negotiated = Negotiated::requested(&connect);
        self.control.clear();
        self.control.push_back(Control::Connect);
        let timeout = u64::from(self.settings.connack_timeout_ms) * NANOS_PER_MILLI;
        self.connack_deadline = Some(now.saturating_add(timeout));
    }

    /// The transport is gone: it failed to open, the server closed it, or it closed as asked.
    pub fn transport_closed(&mut self, now: u64, error: Option<i32>) {
        if matches!(self.state, State::Stopped | State::PendingReconnect) {
            return;
        }
        let error = self
            .close_reason
            .take()
            .or(error.map(Error::Transport))
            .unwrap_or(Error::UnexpectedHangup);
        self.emit_final(error, None, None);
        self.connack_deadline = None;
        self.next_ping_at = None;
        self.ping_deadline = None;
        self.throttled_until = None;
        self.backoff.on_disconnected(now);
        self.settle_operations_on_disconnection();
        if self.wants_connection {
            self.state = State::PendingReconnect;
            let delay = self.backoff.next_delay().as_nanos() as u64;
            self.reconnect_at = Some(now.saturating_add(delay));
        } else {
            self.enter_stopped();
        }
    }

    /// Bytes received from the transport.
    pub fn receive(&mut self, now: u64, bytes: &[u8]) {
        if !matches!(
            self.state,
            State::MqttConnect | State::Connected | State::CleanDisconnect
        ) {
            return;
        }
        self.decoder.feed(bytes);
        // Packets after a CONNACK in the same read are handled; after anything that ends the
        // connection (or starts its DISCONNECT) they are not.
        let disconnecting = self.state == State::CleanDisconnect;
        loop {
            match self.decoder.next_packet() {
                Ok(Some(packet)) => self.handle(now, packet),
                Ok(None) => return,
                Err(_) => {
                    self.protocol_error();
                    return;
                }
            }
            let receiving = match self.state {
                State::MqttConnect | State::Connected => true,
                State::CleanDisconnect => disconnecting,
                _ => false,
            };
            if !receiving {
                return;
            }
        }
    }

    /// The earliest time [`on_timer`](Self::on_timer) has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        [
            self.reconnect_at,
            self.connack_deadline,
            self.ping_deadline,
            self.next_ping_at.filter(|_| self.state == State::Connected),
            self.throttled_until,
            self.ack_deadlines.peek().map(|Reverse((at, _))| *at),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Runs what is due at `now`.
    pub fn on_timer(&mut self, now: u64) {
        if self.reconnect_at.is_some_and(|t| t <= now) {
            self.reconnect_at = None;
            if self.state == State::PendingReconnect {
                if self.wants_connection {
                    self.begin_connecting();
                } else {
                    self.enter_stopped();
                }
            }
        }
        if self.connack_deadline.is_some_and(|t| t <= now) {
            self.connack_deadline = None;
            self.emit_final(Error::ConnackTimeout, None, None);
            self.shut_down_connection(Error::ConnackTimeout, None);
        }
        if self.ping_deadline.is_some_and(|t| t <= now) {
            self.ping_deadline = None;
            self.emit_final(Error::PingResponseTimeout, None, None);
            self.shut_down_connection(
                Error::PingResponseTimeout,
                Some(internal_disconnect(DISCONNECT_KEEP_ALIVE_TIMEOUT)),
            );
        }
        if self.state == State::Connected && self.next_ping_at.is_some_and(|t| t <= now) {
            self.control.push_front(Control::Pingreq);
            self.next_ping_at = self.keep_alive_ns().map(|k| now.saturating_add(k));
        }
        if self.throttled_until.is_some_and(|t| t <= now) {
            self.throttled_until = None;
        }
        while let Some(&Reverse((at, key))) = self.ack_deadlines.peek() {
            if at > now {
                break;
            }
            self.ack_deadlines.pop();
            let current = self
                .ops
                .get(key)
                .is_some_and(|op| op.unacked && op.ack_deadline == Some(at));
            if current {
                self.release_packet_id(key);
                self.complete(key, Completion::Failed(Error::AckTimeout));
            }
        }
    }

    /// Appends packets to send to `out` until it holds `limit` bytes, flow control stops it,
    /// or nothing is left.
    pub fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize) {
        match self.state {
            State::MqttConnect => {
                if let Some(Control::Connect) = self.control.front() {
                    self.control.pop_front();
                    let connect = Packet::Connect(Box::new(self.connect_packet()));
                    if write_packet(out, &connect).is_err() {
                        self.shut_down_connection(Error::EncodeFailure, None);
                    }
                }
            }
            State::Connected => {
                while out.len() < limit && self.throttled_until.is_none() {
                    let progressed = if self.control.is_empty() {
                        self.send_next_operation(now, out)
                    } else {
                        self.send_next_control(now, out)
                    };
                    if !progressed || self.state != State::Connected {
                        break;
                    }
                }
            }
            State::CleanDisconnect => self.send_disconnect(out),
            _ => {}
        }
    }

    /// The client is being destroyed: every unfinished operation fails with `ClientTerminated`.
    pub fn shut_down(&mut self) {
        let keys = self.ops.keys();
        for key in keys {
            self.complete(key, Completion::Failed(Error::ClientTerminated));
        }
        self.queue.clear();
        self.unacked.clear();
        self.control.clear();
    }

    // ---- lifecycle ----

    fn begin_connecting(&mut self) {
        self.state = State::Connecting;
        self.lifecycle = Lifecycle::Connecting;
        self.close_reason = None;
        self.events.push_back(Event::AttemptingConnect);
        self.actions.push_back(Action::Open);
    }

    /// Emits CONNECTION_FAILURE or DISCONNECTION once per attempt.
    fn emit_final(
        &mut self,
        error: Error,
        connack: Option<Connack>,
        disconnect: Option<Disconnect>,
    ) {
        let event = match self.lifecycle {
            Lifecycle::None => return,
            Lifecycle::Connecting => Event::ConnectionFailure { error, connack },
            Lifecycle::Connected => Event::Disconnection { error, disconnect },
        };
        self.lifecycle = Lifecycle::None;
        self.events.push_back(event);
    }

    /// Ends the connection: with a DISCONNECT first when one is given and the connection can
    /// carry it, else by closing the transport.
    fn shut_down_connection(&mut self, error: Error, disconnect: Option<UserDisconnect<T>>) {
        match (disconnect, self.state) {
            (Some(d), State::MqttConnect | State::Connected) => {
                self.state = State::CleanDisconnect;
                self.clean_disconnect_error = error;
                self.disconnect = Some(d);
            }
            (d, _) => {
                self.reject_disconnect(d);
                self.emit_final(error, None, None);
                self.close(error);
            }
        }
    }

    fn close(&mut self, error: Error) {
        if self.close_reason.is_some()
            || matches!(self.state, State::Stopped | State::PendingReconnect)
        {
            return;
        }
        self.close_reason = Some(error);
        self.state = State::ChannelShutdown;
        self.connack_deadline = None;
        self.ping_deadline = None;
        self.next_ping_at = None;
        self.actions.push_back(Action::Close);
    }

    fn reject_disconnect(&mut self, disconnect: Option<UserDisconnect<T>>) {
        if let Some(UserDisconnect {
            token: Some(token), ..
        }) = disconnect
        {
            self.events.push_back(Event::Complete {
                token,
                completion: Completion::Failed(Error::NotConnected),
            });
        }
    }

    fn enter_stopped(&mut self) {
        self.state = State::Stopped;
        let keys = self.ops.keys();
        for key in keys {
            self.complete(key, Completion::Failed(Error::UserRequestedStop));
        }
        self.queue.clear();
        self.unacked.clear();
        self.by_packet_id.clear();
        self.has_connected = false;
        self.cancel_held_acks();
        self.events.push_back(Event::Stopped);
        if self.terminating {
            self.events.push_back(Event::Terminated);
        }
    }

    fn protocol_error(&mut self) {
        let disconnect = (self.state == State::Connected)
            .then(|| internal_disconnect(DISCONNECT_PROTOCOL_ERROR));
        if disconnect.is_none() {
            self.emit_final(Error::ProtocolError, None, None);
        }
        self.shut_down_connection(Error::ProtocolError, disconnect);
    }

    fn should_rejoin(&self) -> bool {
        match self.settings.session_behavior {
            SessionBehavior::Clean => false,
            SessionBehavior::RejoinPostSuccess => self.has_connected,
            SessionBehavior::RejoinAlways => true,
        }
    }

    fn connect_packet(&self) -> crate::codec::Connect {
        let mut connect = self.settings.connect.clone();
        connect.version = Version::V5;
        connect.clean_start = !self.should_rejoin();
        connect.client_id.clone_from(&self.client_id);
        if let Some(max) = self.settings.inbound_alias_maximum {
            connect.properties.topic_alias_maximum = Some(max);
        }
        connect
    }

    fn keep_alive_ns(&self) -> Option<u64> {
        let secs = u64::from(self.negotiated.server_keep_alive);
        (secs > 0).then(|| secs * NANOS_PER_SECOND)
    }

    // ---- received packets ----

    fn handle(&mut self, now: u64, packet: Packet) {
        if self.state == State::MqttConnect {
            match packet {
                Packet::Connack(connack) => self.on_connack(now, connack),
                // [MQTT-3.2.0-1]: the server's first packet is a CONNACK.
                _ => self.shut_down_connection(
                    Error::ProtocolError,
                    Some(internal_disconnect(DISCONNECT_PROTOCOL_ERROR)),
                ),
            }
            return;
        }
        match packet {
            Packet::Pingresp => self.ping_deadline = None,
            Packet::Disconnect(disconnect) => {
                self.emit_final(Error::DisconnectReceived, None, Some(disconnect));
                self.shut_down_connection(Error::DisconnectReceived, None);
            }
            Packet::Publish(publish) => self.on_publish(publish),
            Packet::Puback(ack) => self.on_puback(ack),
            Packet::Pubrec(ack) => self.on_pubrec(ack),
            Packet::Pubcomp(ack) => self.on_pubcomp(ack),
            Packet::Pubrel(rel) => {
                self.incoming_qos2.remove(&rel.packet_id);
                self.control.push_back(Control::Pubcomp(rel.packet_id));
            }
            Packet::Suback(suback) => {
                let id = suback.packet_id;
                let count = suback.reason_codes.len();
                self.on_ack(id, count, Completion::Suback(suback));
            }
            Packet::Unsuback(unsuback) => {
                let id = unsuback.packet_id;
                let count = unsuback.reason_codes.len();
                self.on_ack(id, count, Completion::Unsuback(unsuback));
            }
            // A second CONNACK, or packets only a server receives [MQTT-4.8.0-1].
            _ => self.protocol_error(),
        }
    }

    fn on_connack(&mut self, now: u64, connack: Connack) {
        self.connack_deadline = None;
        if connack.reason_code >= 0x80 {
            self.emit_final(Error::ConnackRefused, Some(connack), None);
            self.shut_down_connection(Error::ConnackRefused, None);
            return;
        }
        self.negotiated.apply(&connack);
        if self.negotiated.rejoined_session && !self.should_rejoin() {
            self.emit_final(Error::CancelledForCleanSession, Some(connack), None);
            self.shut_down_connection(Error::CancelledForCleanSession, None);
            return;
        }
        if self.client_id.is_empty() {
            self.client_id.clone_from(&self.negotiated.client_id);
        }
        self.state = State::Connected;
        self.requeue_on_connection();
        self.flow
            .reset(self.negotiated.receive_maximum_from_server, now);
        self.inbound_aliases
            .reset(self.negotiated.topic_alias_maximum_to_client);
        self.outbound_aliases
            .reset(self.negotiated.topic_alias_maximum_to_server);
        if !self.negotiated.rejoined_session {
            self.incoming_qos2.clear();
        }
        self.has_connected = true;
        self.ping_deadline = None;
        self.next_ping_at = self.keep_alive_ns().map(|k| now.saturating_add(k));
        self.backoff.on_connected(now);
        self.lifecycle = Lifecycle::Connected;
        self.events.push_back(Event::ConnectionSuccess {
            connack,
            settings: self.negotiated.clone(),
        });
    }

    fn on_publish(&mut self, mut publish: Publish) {
        let alias = publish.properties.topic_alias;
        if self
            .inbound_aliases
            .resolve(&mut publish.topic, alias)
            .is_err()
        {
            self.protocol_error();
            return;
        }
        let packet_id = publish.packet_id;
        match publish.qos {
            QoS::AtMostOnce => self.events.push_back(Event::Publish(publish)),
            QoS::AtLeastOnce => {
                self.events.push_back(Event::Publish(publish));
                self.queue_ack(packet_id, QoS::AtLeastOnce);
            }
            QoS::ExactlyOnce => {
                // Delivered once; a resend before PUBREL is only acknowledged [MQTT-4.3.3-2].
                if self.incoming_qos2.insert(packet_id) {
                    self.events.push_back(Event::Publish(publish));
                }
                self.queue_ack(packet_id, QoS::ExactlyOnce);
            }
        }
    }

    fn queue_ack(&mut self, packet_id: u16, qos: QoS) {
        // An acknowledgement the user holds goes out when the user releases it.
        if self.held.by_packet_id.contains_key(&packet_id) {
            return;
        }
        self.control.push_back(Control::Ack {
            packet_id,
            qos,
            token: None,
        });
    }

    fn on_puback(&mut self, ack: PubAck) {
        let Some(key) = self.unacked_op(
            ack.packet_id,
            |op| matches!(&op.request, Packet::Publish(p) if p.qos == QoS::AtLeastOnce),
        ) else {
            return;
        };
        self.flow.on_acknowledged();
        self.by_packet_id.remove(&ack.packet_id);
        self.complete(key, Completion::Puback(ack));
    }

    fn on_pubrec(&mut self, ack: PubAck) {
        let key = self.unacked_op(ack.packet_id, |op| {
            op.stage == Stage::Initial
                && matches!(&op.request, Packet::Publish(p) if p.qos == QoS::ExactlyOnce)
        });
        let Some(key) = key else {
            // Either a PUBREC already answered (our PUBREL was lost) or an unknown id.
            let known = self.by_packet_id.contains_key(&ack.packet_id);
            let reason = if known {
                0
            } else {
                PACKET_IDENTIFIER_NOT_FOUND
            };
            self.control
                .push_back(Control::Pubrel(ack.packet_id, reason));
            return;
        };
        if ack.reason_code >= 0x80 {
            self.flow.on_acknowledged();
            self.by_packet_id.remove(&ack.packet_id);
            self.complete(key, Completion::Pubrec(ack));
            return;
        }
        if let Some(op) = self.ops.get_mut(key) {
            op.stage = Stage::Released;
        }
        self.control.push_back(Control::Pubrel(ack.packet_id, 0));
    }

    fn on_pubcomp(&mut self, ack: PubAck) {
        let Some(key) = self.unacked_op(ack.packet_id, |op| op.stage == Stage::Released) else {
            return;
        };
        self.flow.on_acknowledged();
        self.by_packet_id.remove(&ack.packet_id);
        self.complete(key, Completion::Pubcomp(ack));
    }

    /// A SUBACK or UNSUBACK: one reason code per filter, else a protocol error.
    fn on_ack(&mut self, packet_id: u16, reason_codes: usize, completion: Completion) {
        let key = self.unacked_op(packet_id, |op| {
            matches!(
                (&op.request, &completion),
                (Packet::Subscribe(_), Completion::Suback(_))
                    | (Packet::Unsubscribe(_), Completion::Unsuback(_))
            )
        });
        let Some(key) = key else {
            return;
        };
        self.by_packet_id.remove(&packet_id);
        let expected = match self.ops.get(key).map(|op| &op.request) {
            Some(Packet::Subscribe(s)) => s.subscriptions.len(),
            Some(Packet::Unsubscribe(u)) => u.filters.len(),
            _ => reason_codes,
        };
        if expected != reason_codes {
            self.complete(key, Completion::Failed(Error::ProtocolError));
            self.protocol_error();
            return;
        }
        self.complete(key, completion);
    }

    fn unacked_op(&self, packet_id: u16, expects: impl Fn(&Operation<T>) -> bool) -> Option<Key> {
        let key = *self.by_packet_id.get(&packet_id)?;
        let op = self.ops.get(key)?;
        (op.unacked && expects(op)).then_some(key)
    }

    // ---- sending ----

    fn send_next_control(&mut self, now: u64, out: &mut Vec<u8>) -> bool {
        let Some(control) = self.control.front() else {
            return false;
        };
        let packet = match control {
            Control::Connect => {
                self.control.pop_front();
                return true;
            }
            Control::Ack { packet_id, qos, .. } => {
                let ack = pub_ack(*packet_id, 0);
                if *qos == QoS::ExactlyOnce {
                    Packet::Pubrec(ack)
                } else {
                    Packet::Puback(ack)
                }
            }
            Control::Pubrel(id, reason) => Packet::Pubrel(pub_ack(*id, *reason)),
            Control::Pubcomp(id) => Packet::Pubcomp(pub_ack(*id, 0)),
            Control::Pingreq => Packet::Pingreq,
        };
        let size = encoded_len(&packet, Version::V5).unwrap_or(0);
        if !self.admit(now, size, false, false) {
            return false;
        }
        let _ = write_packet(out, &packet);
        self.flow.on_sent(now, size, false, false);
        match self.control.pop_front() {
            Some(Control::Pingreq) => {
                let timeout = self.ping_timeout_ns();
                self.ping_deadline = Some(now.saturating_add(timeout));
            }
            Some(Control::Ack {
                token: Some(token), ..
            }) => self.events.push_back(Event::ManualAck {
                token,
                result: ManualAckResult::Sent,
            }),
            _ => {}
        }
        true
    }

    /// The PINGRESP timeout: the configured one, at most half the keep alive.
    fn ping_timeout_ns(&self) -> u64 {
        let configured = u64::from(self.settings.ping_timeout_ms) * NANOS_PER_MILLI;
        let half_keep_alive = self.keep_alive_ns().unwrap_or(0) / 2;
        if configured == 0 || configured > half_keep_alive {
            half_keep_alive
        } else {
            configured
        }
    }

    /// Whether flow control lets `size` bytes go now; if not, when it will.
    fn admit(&mut self, now: u64, size: usize, publish: bool, acknowledged: bool) -> bool {
        match self.flow.wait(now, size, publish, acknowledged) {
            Some(0) => true,
            Some(wait) => {
                self.throttled_until = Some(now.saturating_add(wait));
                false
            }
            None => false,
        }
    }

    fn send_next_operation(&mut self, now: u64, out: &mut Vec<u8>) -> bool {
        let Some(&key) = self.queue.front() else {
            return false;
        };
        let Some(op) = self.ops.get(key) else {
            self.queue.pop_front();
            return true;
        };
        if let Err(error) = self.check_against_connection(op) {
            self.queue.pop_front();
            self.release_packet_id(key);
            self.complete(key, Completion::Failed(error));
            return true;
        }
        let publish = matches!(op.request, Packet::Publish(_));
        let acknowledged = is_acknowledged(&op.request);
        let resend_stage = op.stage;
        let size = op.size as usize;
        if !self.admit(now, size, publish, acknowledged) {
            return false;
        }
        let packet_id = match self.ops.get(key).map(Operation::packet_id) {
            Some(0) if acknowledged => match self.allocate_packet_id(key) {
                Some(id) => id,
                // Every id is in flight: wait for an acknowledgement.
                None => return false,
            },
            Some(id) => id,
            None => return true,
        };
        self.queue.pop_front();
        let written = if resend_stage == Stage::Released {
            // PUBREC arrived before the connection was lost: resume with PUBREL [MQTT-4.4.0-1].
            write_packet(out, &Packet::Pubrel(pub_ack(packet_id, 0)))
        } else {
            self.write_operation(key, packet_id, out)
        };
        if written.is_err() {
            self.release_packet_id(key);
            self.complete(key, Completion::Failed(Error::EncodeFailure));
            return true;
        }
        self.flow.on_sent(now, size, publish, acknowledged);
        if !acknowledged {
            self.complete(key, Completion::Written);
            return true;
        }
        let Some(op) = self.ops.get_mut(key) else {
            return true;
        };
        if !op.unacked {
            op.unacked = true;
            self.stats.unacked_count += 1;
            self.stats.unacked_size += op.statistics_size();
        }
        let timeout = match op.ack_timeout_secs {
            0 => self.settings.ack_timeout_secs,
            secs => secs,
        };
        self.unacked.push_back(key);
        if timeout > 0 {
            let at = now.saturating_add(u64::from(timeout) * NANOS_PER_SECOND);
            self.ack_deadlines.push(Reverse((at, key)));
            if let Some(op) = self.ops.get_mut(key) {
                op.ack_deadline = Some(at);
            }
        }
        true
    }

    /// Encodes the operation `key` with `packet_id`, its topic alias decided now; a resent
    /// QoS 1 or 2 PUBLISH carries DUP [MQTT-3.3.1-1].
    fn write_operation(
        &mut self,
        key: Key,
        packet_id: u16,
        out: &mut Vec<u8>,
    ) -> Result<(), crate::codec::CodecError> {
        let Some(op) = self.ops.get_mut(key) else {
            return Ok(());
        };
        set_packet_id(&mut op.request, packet_id);
        let Packet::Publish(publish) = &mut op.request else {
            return write_packet(out, &op.request);
        };
        let user_alias = publish.properties.topic_alias;
        let resolved = self.outbound_aliases.resolve(&publish.topic, user_alias);
        publish.properties.topic_alias = resolved.alias;
        let topic = if resolved.send_topic {
            None
        } else {
            Some(std::mem::take(&mut publish.topic))
        };
        let result = write_packet(out, &op.request);
        if let Packet::Publish(publish) = &mut op.request {
            publish.properties.topic_alias = user_alias;
            if let Some(topic) = topic {
                publish.topic = topic;
            }
        }
        result
    }

    /// Upstream's checks against the negotiated settings, made as the packet is about to go.
    fn check_against_connection(&self, op: &Operation<T>) -> Result<(), Error> {
        let n = &self.negotiated;
        if op.size > u64::from(n.maximum_packet_size_to_server) {
            return Err(Error::PacketTooLarge);
        }
        match &op.request {
            Packet::Publish(p) if p.qos > n.maximum_qos || (p.retain && !n.retain_available) => {
                return Err(Error::PublishNotAllowed);
            }
            Packet::Subscribe(s) => {
                let refused = s.subscriptions.iter().any(|sub| {
                    let shared = sub.filter.starts_with("$share/");
                    let wildcard = sub.filter.contains(['+', '#']);
                    (shared && !n.shared_subscriptions_available)
                        || (wildcard && !n.wildcard_subscriptions_available)
                });
                let identifiers = !s.properties.subscription_identifiers.is_empty();
                if refused || (identifiers && !n.subscription_identifiers_available) {
                    return Err(Error::SubscribeNotAllowed);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn allocate_packet_id(&mut self, key: Key) -> Option<u16> {
        for _ in 0..u16::MAX {
            let id = self.next_packet_id;
            self.next_packet_id = id.checked_add(1).unwrap_or(1);
            if let std::collections::hash_map::Entry::Vacant(e) = self.by_packet_id.entry(id) {
                e.insert(key);
                if let Some(op) = self.ops.get_mut(key) {
                    set_packet_id(&mut op.request, id);
                }
                return Some(id);
            }
        }
        None
    }

    fn release_packet_id(&mut self, key: Key) {
        if let Some(op) = self.ops.get_mut(key) {
            let id = op.packet_id();
            if id != 0 && self.by_packet_id.get(&id) == Some(&key) {
                self.by_packet_id.remove(&id);
            }
            set_packet_id(&mut op.request, 0);
        }
    }

    fn send_disconnect(&mut self, out: &mut Vec<u8>) {
        let Some(UserDisconnect { packet, token }) = self.disconnect.take() else {
            return;
        };
        // [MQTT-3.14.2-2]: no session expiry on DISCONNECT after a CONNECT that set it to 0.
        let connect_expiry = self
            .settings
            .connect
            .properties
            .session_expiry_interval
            .unwrap_or(0);
        let asks_expiry = packet.properties.session_expiry_interval.unwrap_or(0) > 0;
        let error = if asks_expiry && connect_expiry == 0 {
            Some(Error::DisconnectNotAllowed)
        } else {
            write_packet(out, &Packet::Disconnect(packet))
                .err()
                .map(|_| Error::EncodeFailure)
        };
        // As upstream: a DISCONNECT that cannot go out ends the connection with its own error.
        let reason = error.unwrap_or(self.clean_disconnect_error);
        self.emit_final(reason, None, None);
        if let Some(token) = token {
            self.events.push_back(Event::Complete {
                token,
                completion: error.map_or(Completion::Written, Completion::Failed),
            });
        }
        self.close(reason);
    }

    // ---- operations across connections ----

    /// At a disconnection (upstream's `on_disconnection_update_operational_state`): queued
    /// operations the policy does not keep fail; sent QoS 1 and 2 publishes are marked DUP and
    /// keep their ids; other sent operations lose their ids and fail unless the policy keeps them.
    fn settle_operations_on_disconnection(&mut self) {
        let policy = self.settings.offline_queue;
        if let Some(UserDisconnect {
            token: Some(token), ..
        }) = self.disconnect.take()
        {
            self.events.push_back(Event::Complete {
                token,
                completion: Completion::Failed(Error::OfflineQueuePolicy),
            });
        }
        self.control.clear();
        self.ack_deadlines.clear();
        let queued = std::mem::take(&mut self.queue);
        for key in queued {
            let keep = self
                .ops
                .get(key)
                .is_some_and(|op| survives_disconnection(&op.request, policy));
            if keep {
                self.queue.push_back(key);
            } else {
                self.release_packet_id(key);
                self.complete(key, Completion::Failed(Error::OfflineQueuePolicy));
            }
        }
        let sent = std::mem::take(&mut self.unacked);
        for key in sent {
            let Some(op) = self.ops.get_mut(key) else {
                continue;
            };
            if !op.unacked {
                continue;
            }
            if let Packet::Publish(p) = &mut op.request
                && p.qos != QoS::AtMostOnce
            {
                p.dup = true;
                self.unacked.push_back(key);
                continue;
            }
            let keep = survives_disconnection(&op.request, policy);
            self.release_packet_id(key);
            if keep {
                self.unacked.push_back(key);
            } else {
                self.complete(key, Completion::Failed(Error::OfflineQueuePolicy));
            }
        }
        self.cancel_held_acks();
    }

    /// At a successful CONNACK (upstream's `on_connection_update_operational_state`): what was
    /// sent and not acknowledged goes back to the head of the queue, QoS 1 and 2 publishes
    /// first on a rejoined session; without one, what the policy does not keep fails.
    fn requeue_on_connection(&mut self) {
        let policy = self.settings.offline_queue;
        let sent = std::mem::take(&mut self.unacked);
        let mut front: Vec<Key> = Vec::with_capacity(sent.len());
        if self.negotiated.rejoined_session {
            let (publishes, others): (Vec<Key>, Vec<Key>) = sent.into_iter().partition(|key| {
                self.ops
                    .get(*key)
                    .is_some_and(|op| is_qos1_plus_publish(&op.request))
            });
            front.extend(publishes);
            front.extend(others);
        } else {
            for key in sent {
                let keep = self
                    .ops
                    .get(key)
                    .is_some_and(|op| survives_disconnection(&op.request, policy));
                if keep {
                    front.push(key);
                } else {
                    self.release_packet_id(key);
                    self.complete(key, Completion::Failed(Error::OfflineQueuePolicy));
                }
            }
        }
        for key in front.into_iter().rev() {
            if let Some(op) = self.ops.get_mut(key) {
                if op.unacked {
                    op.unacked = false;
                    self.stats.unacked_count -= 1;
                    self.stats.unacked_size -= op.statistics_size();
                }
                if !self.negotiated.rejoined_session {
                    op.stage = Stage::Initial;
                }
                self.queue.push_front(key);
            }
        }
    }

    fn cancel_held_acks(&mut self) {
        self.held.by_packet_id.clear();
        let held = std::mem::take(&mut self.held.by_control_id);
        self.held.cancelled.extend(held.into_keys());
        for control in self.control.drain(..) {
            if let Control::Ack {
                token: Some(token), ..
            } = control
            {
                self.events.push_back(Event::ManualAck {
                    token,
                    result: ManualAckResult::Failed,
                });
            }
        }
    }

    /// Completes the operation `key` (its packet id already released by the caller).
    fn complete(&mut self, key: Key, completion: Completion) {
        let Some(op) = self.ops.remove(key) else {
            return;
        };
        self.stats.incomplete_count -= 1;
        self.stats.incomplete_size -= op.statistics_size();
        if op.unacked {
            self.stats.unacked_count -= 1;
            self.stats.unacked_size -= op.statistics_size();
        }
        while self.unacked.front().is_some_and(|k| !self.ops.contains(*k)) {
            self.unacked.pop_front();
        }
        self.events.push_back(Event::Complete {
            token: op.token,
            completion,
        });
    }
}

fn internal_disconnect<T>(reason_code: u8) -> UserDisconnect<T> {
    UserDisconnect {
        packet: Disconnect {
            reason_code,
            properties: Default::default(),
        },
        token: None,
    }
}

fn pub_ack(packet_id: u16, reason_code: u8) -> PubAck {
    PubAck {
        packet_id,
        reason_code,
        properties: Default::default(),
    }
}

/// Appends `packet` encoded for MQTT 5 to `out`.
fn write_packet(out: &mut Vec<u8>, packet: &Packet) -> Result<(), crate::codec::CodecError> {
    encode_append(packet, Version::V5, out).map(drop)
}

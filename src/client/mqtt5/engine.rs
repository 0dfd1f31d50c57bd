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
//!
//! This file holds the state, the user's calls and the timers; the rest is split by concern:
//! `lifecycle` (the transport's events, each attempt's end, stopping), `inbound` (packets
//! received), `outbound` (packets written), `session` (operations across connections) and
//! `manual_acks`. Keep alive, the CONNACK timeout, ACK deadlines, the decode loop, the send
//! queue and its requeue, and packet ids are the pieces both clients share (see
//! [`crate::client`]).

mod auth;
mod durable;
mod inbound;
mod lifecycle;
mod manual_acks;
mod outbound;
mod session;

pub use crate::client::Action;
use crate::client::ack_deadlines::AckDeadlines;
use crate::client::backoff::Backoff;
use crate::client::deadline::{Deadline, earliest};
use crate::client::journal::Journal;
use crate::client::keep_alive::{KeepAlive, PingSchedule};
use crate::client::mqtt5::flow_control::FlowControl;
use crate::client::mqtt5::negotiated::Negotiated;
use crate::client::mqtt5::operation::{Operation, Request, UserDisconnect, survives_disconnection};
use crate::client::mqtt5::operations::{Key, Operations};
use crate::client::mqtt5::outcome::{Completion, Error, Event};
use crate::client::mqtt5::settings::Settings;
use crate::client::mqtt5::topic_alias::{InboundAliases, OutboundAliases};
use crate::client::outbox::{Outbox, outbox_methods};
use crate::client::packet_id_map::IdSet;
use crate::client::packet_ids::PacketIdTable;
use crate::client::publish_stream::SUBMITTED_AHEAD;
use crate::client::queue_limits::{QueueLimits, QueueStatistics, Queued};
use crate::client::send_queue::SendQueue;
use crate::codec::{Decoder, Disconnect, PubAck, QoS, Version};
use manual_acks::HeldAcks;
use std::collections::VecDeque;

/// The protocol version this engine speaks.
const VERSION: Version = Version::V5;
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
    /// The connection being opened ends as soon as it is up (see `reset_connection`).
    reset_pending: bool,
    /// The client id in force: the configured one, or the first one the server assigned.
    client_id: String,
    negotiated: Negotiated,
    close_reason: Option<Error>,
    connack_timeout: Deadline,
    reconnect: Deadline,
    /// PINGREQs every keep alive, as upstream's MQTT 5 client sends them.
    keep_alive: KeepAlive,
    /// Flow control holds writes until then.
    throttled_until: Deadline,
    flow: FlowControl,
    outbound_aliases: OutboundAliases,
    inbound_aliases: InboundAliases,
    ops: Operations<T>,
    queue: SendQueue<Key>,
    /// The packet ids of operations sent and not complete, with each one's key.
    packet_ids: PacketIdTable<Key>,
    ack_deadlines: AckDeadlines<Key>,
    stats: Statistics,
    control: VecDeque<Control<T>>,
    /// The DISCONNECT to write in CleanDisconnect, and the error the lifecycle reports.
    disconnect: Option<UserDisconnect<T>>,
    clean_disconnect_error: Error,
    /// QoS 2 PUBLISHes received and delivered, until their PUBREL [MQTT-4.3.3-2].
    incoming_qos2: IdSet,
    held: HeldAcks,
    outbox: Outbox<Event<T>>,
    /// Beyond upstream: bounded queues, and what they did.
    queue_limits: Option<QueueLimits>,
    queue_statistics: QueueStatistics,
    /// Beyond upstream: the enhanced authentication exchange.
    auth: auth::AuthState,
    /// Beyond upstream: the durable store of in-flight publishes, when one is attached.
    journal: Journal,
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
            decoder: Decoder::new(VERSION),
            has_connected: false,
            reset_pending: false,
            close_reason: None,
            connack_timeout: Deadline::disarmed(),
            reconnect: Deadline::disarmed(),
            keep_alive: KeepAlive::new(PingSchedule::Periodic),
            throttled_until: Deadline::disarmed(),
            inbound_aliases: InboundAliases::default(),
            ops: Operations::default(),
            queue: SendQueue::default(),
            packet_ids: PacketIdTable::default(),
            ack_deadlines: AckDeadlines::default(),
            stats: Statistics::default(),
            control: VecDeque::new(),
            disconnect: None,
            clean_disconnect_error: Error::UserRequestedStop,
            incoming_qos2: IdSet::default(),
            held: HeldAcks::default(),
            outbox: Outbox::default(),
            queue_limits: None,
            queue_statistics: QueueStatistics::default(),
            auth: auth::AuthState::default(),
            journal: Journal::default(),
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

    outbox_methods!(Event<T>);

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
                self.reconnect.disarm();
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
            self.outbox.event(Event::Terminated);
        }
    }

    /// Changes the configuration from the next connection on (the 3.1.1 adapter's setters and
    /// connect). A new backoff starts from its minimum delay, as upstream's adapter does.
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut Settings)) {
        let backoff = self.settings.backoff;
        change(&mut self.settings);
        if self.settings.backoff != backoff {
            self.backoff.reconfigure(self.settings.backoff);
        }
    }

    /// The client id the next CONNECT carries, replacing one the server assigned (the 3.1.1
    /// adapter's connect).
    pub fn use_client_id(&mut self, client_id: String) {
        self.client_id = client_id;
    }

    /// Ends the current connection so that the next one uses a new configuration (upstream's
    /// `aws_mqtt5_client_reset_connection`, for the 3.1.1 adapter's connect): a connection up or
    /// sending its CONNECT closes with `ResetForAdapterConnect`; one being opened closes as soon
    /// as it is up. The reconnect delay starts again from its minimum.
    pub fn reset_connection(&mut self) {
        self.backoff.reset();
        match self.state {
            State::MqttConnect | State::Connected => {
                self.shut_down_connection(Error::ResetForAdapterConnect, None);
            }
            State::Connecting => self.reset_pending = true,
            _ => {}
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

    /// Makes room for `op` under the queue limits: drops queued operations as the policy says
    /// (each fails with `QueueFull`); false when `op` is to be refused.
    fn make_room(&mut self, op: &Operation<T>) -> bool {
        let Some(limits) = self.queue_limits else {
            return true;
        };
        let queued = self.queue.iter().filter_map(|key| {
            let queued = self.ops.get(key)?;
            Some(Queued {
                key,
                qos0_publish: queued.request.publish_qos() == Some(QoS::AtMostOnce),
                size: queued.statistics_size(),
            })
        });
        let room = limits.make_room(
            self.stats.incomplete_count,
            self.stats.incomplete_size,
            op.statistics_size(),
            queued,
        );
        let Some(victims) = room else {
            self.queue_statistics.refused += 1;
            return false;
        };
        self.queue.remove_all(&victims);
        for key in victims {
            self.queue_statistics.dropped += 1;
            // A resend waiting in the queue still holds its packet id.
            self.release_packet_id(key);
            self.complete(key, Completion::Failed(Error::QueueFull));
        }
        true
    }

    /// Submits an operation. Offline, one the offline queue policy would fail at a
    /// disconnection fails at once with `OfflineQueuePolicy`.
    pub fn submit(&mut self, request: Request, token: T, ack_timeout_secs: u32) {
        self.submit_recorded(request, token, ack_timeout_secs, 0);
    }

    /// How many more publishes a batch may hand over now (see `connection::Protocol::room`):
    /// while connected, enough to keep [`SUBMITTED_AHEAD`] waiting to be sent; otherwise all
    /// (the offline queue policy decides on them at once, as on any submission).
    pub fn submission_room(&self) -> usize {
        if self.state != State::Connected || self.terminating {
            return usize::MAX;
        }
        SUBMITTED_AHEAD.saturating_sub(self.queue.len())
    }

    /// Submits an operation whose publish the store holds under `record` (0: none).
    pub fn submit_recorded(
        &mut self,
        request: Request,
        token: T,
        ack_timeout_secs: u32,
        record: u64,
    ) {
        let mut op = Operation::new(request, token, ack_timeout_secs);
        op.record = record;
        let refusal = if self.terminating {
            Some(Error::ClientTerminated)
        } else if self.state != State::Connected
            && !survives_disconnection(&op.request, self.settings.offline_queue)
        {
            Some(Error::OfflineQueuePolicy)
        } else if !self.make_room(&op) {
            Some(Error::QueueFull)
        } else {
            None
        };
        if let Some(error) = refusal {
            return self.refuse(op, error);
        }
        self.stats.incomplete_count += 1;
        self.stats.incomplete_size += op.statistics_size();
        let key = self.ops.insert(op);
        self.queue.push_back(key);
    }

    /// Completes `op`, never queued, with `error`. Out of line: it is the rare path, and code
    /// here would keep the submission from being inlined into the loop's command dispatch.
    #[cold]
    #[inline(never)]
    fn refuse(&mut self, op: Operation<T>, error: Error) {
        // A client shutting down keeps the publish in the store, for the next process.
        if error != Error::ClientTerminated {
            self.journal.settled(op.record);
        }
        self.outbox.event(Event::Complete {
            token: op.token,
            completion: Completion::Failed(error),
        });
    }

    /// The earliest time [`on_timer`](Self::on_timer) has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        // No PINGREQ while a DISCONNECT waits to be written.
        let connected = self.state == State::Connected;
        earliest([
            self.reconnect.at(),
            self.connack_timeout.at(),
            self.keep_alive.pingresp_deadline(),
            self.keep_alive.next_ping_at().filter(|_| connected),
            self.throttled_until.at(),
            self.ack_deadlines.next_at(),
        ])
    }

    /// Runs what is due at `now`.
    pub fn on_timer(&mut self, now: u64) {
        if self.reconnect.fire(now) && self.state == State::PendingReconnect {
            if self.wants_connection {
                self.begin_connecting();
            } else {
                self.enter_stopped();
            }
        }
        if self.connack_timeout.fire(now) {
            self.emit_final(Error::ConnackTimeout, None, None);
            self.shut_down_connection(Error::ConnackTimeout, None);
        }
        if self.keep_alive.pingresp_overdue(now) {
            self.emit_final(Error::PingResponseTimeout, None, None);
            self.shut_down_connection(
                Error::PingResponseTimeout,
                Some(internal_disconnect(DISCONNECT_KEEP_ALIVE_TIMEOUT)),
            );
        }
        if self.state == State::Connected && self.keep_alive.ping_due(now) {
            self.control.push_front(Control::Pingreq);
        }
        self.throttled_until.fire(now);
        while let Some((at, key)) = self.ack_deadlines.pop_due(now) {
            let current = self
                .ops
                .get(key)
                .is_some_and(|op| op.unacked && op.ack_deadline == at);
            if current {
                self.release_packet_id(key);
                self.complete(key, Completion::Failed(Error::AckTimeout));
            }
        }
    }

    /// The client is being destroyed: every unfinished operation fails with `ClientTerminated`.
    pub fn shut_down(&mut self) {
        let keys = self.ops.keys();
        for key in keys {
            self.complete(key, Completion::Failed(Error::ClientTerminated));
        }
        self.queue.clear();
        self.cancel_held_acks();
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
        // A client stopped or shut down leaves its publishes to the next client with the store.
        if !matches!(
            completion,
            Completion::Failed(Error::ClientTerminated | Error::UserRequestedStop)
        ) {
            self.journal.settled(op.record);
        }
        self.outbox.event(Event::Complete {
            token: op.token,
            completion,
        });
    }
}

/// A DISCONNECT the client sends on its own, with `reason_code`.
fn internal_disconnect<T>(reason_code: u8) -> UserDisconnect<T> {
    UserDisconnect {
        packet: Disconnect {
            reason_code,
            properties: Default::default(),
        },
        token: None,
    }
}

/// A PUBACK, PUBREC, PUBREL or PUBCOMP body for `packet_id`.
fn pub_ack(packet_id: u16, reason_code: u8) -> PubAck {
    PubAck {
        packet_id,
        reason_code,
        properties: Default::default(),
    }
}

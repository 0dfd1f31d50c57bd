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
//! Below it the transport's [`Link`] moves Down -> Opening -> AwaitingConnack -> Up -> Closing
//! -> Down; the runtime performs the [`Action`]s and reports back with
//! [`transport_opened`](Engine::transport_opened) and [`transport_closed`](Engine::transport_closed).
//!
//! Operations get their packet id from the caller, wait in order in the queue (the offline
//! queue while not connected), are written when the link is up, and complete exactly once:
//! with their ACK, a timeout, or the connection's fate (see [`transport_closed`](Engine::transport_closed)).

pub use crate::client::Action;
use crate::client::backoff::Backoff;
use crate::client::mqtt311::outcome::{Event, Failure, Outcome};
use crate::client::mqtt311::request::{Operation, Request, Stage};
use crate::client::mqtt311::settings::Settings;
use crate::client::packet_id_map::{IdMap, IdSet};
use crate::client::topic_tree::TopicTree;
use crate::codec::{
    Decoder, Packet, PubAck, Publish, QoS, Subscribe, Subscription, Unsubscribe, Version,
    encode_append,
};
use std::collections::VecDeque;

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
    reconnect_at: Option<u64>,
    connack_deadline: Option<u64>,
    ping_deadline: Option<u64>,
    last_sent_at: u64,
    ops: IdMap<Operation<T, S>>,
    queue: VecDeque<u16>,
    ack_deadlines: VecDeque<(u64, u16, u32)>,
    send_seq: u32,
    unacked_count: u64,
    unacked_size: u64,
    subscriptions: TopicTree<Subscriber<S>>,
    /// QoS 2 PUBLISHes received and delivered, until their PUBREL [MQTT-4.3.3-2].
    incoming_qos2: IdSet,
    /// Encoded packets that go out before any queued operation (CONNECT, acks, PINGREQ, ...).
    control: Vec<u8>,
    events: VecDeque<Event<T>>,
    actions: VecDeque<Action>,
}

impl<T, S> Engine<T, S> {
    /// A disconnected engine.
    pub fn new(settings: Settings) -> Engine<T, S> {
        Engine {
            backoff: Backoff::new(settings.backoff),
            settings,
            state: State::Disconnected,
            link: Link::Down,
            decoder: Decoder::new(Version::V311),
            has_connected: false,
            close_reason: None,
            refused_with: None,
            reconnect_at: None,
            connack_deadline: None,
            ping_deadline: None,
            last_sent_at: 0,
            ops: IdMap::default(),
            queue: VecDeque::new(),
            ack_deadlines: VecDeque::new(),
            send_seq: 0,
            unacked_count: 0,
            unacked_size: 0,
            subscriptions: TopicTree::new(),
            incoming_qos2: IdSet::default(),
            control: Vec::new(),
            events: VecDeque::new(),
            actions: VecDeque::new(),
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

    /// The next event to deliver.
    pub fn poll_event(&mut self) -> Option<Event<T>> {
        self.events.pop_front()
    }

    /// The next transport action to perform.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// True while a transport action waits to be performed.
    pub fn has_actions(&self) -> bool {
        !self.actions.is_empty()
    }

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
            self.incoming_qos2.clear();
            let queued: Vec<u16> = self.queue.drain(..).collect();
            for id in queued {
                self.fail(id, Failure::CancelledForCleanSession);
            }
        }
        self.state = State::Connecting;
        self.has_connected = false;
        self.open();
    }

    /// Starts a user disconnect; `Err(Failure::NotConnected)` unless Connected or Reconnecting.
    /// A DISCONNECT packet goes out first when the link is up [MQTT-3.14].
    pub fn disconnect(&mut self) -> Result<(), Failure> {
        if !matches!(self.state, State::Connected | State::Reconnecting) {
            return Err(Failure::NotConnected);
        }
        self.state = State::Disconnecting;
        self.reconnect_at = None;
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

    /// Adds an operation with its packet id (the caller allocated it). Retryable operations wait
    /// while not connected; others fail with `NotConnected` then.
    pub fn submit(&mut self, id: u16, request: Request<S>, token: T) {
        let connected = self.state == State::Connected && self.link == Link::Up;
        let retryable = request.is_acknowledged();
        self.ops.insert(
            id,
            Operation {
                request,
                token,
                stage: Stage::Queued,
                sent_before: false,
                in_flight: false,
                send_seq: 0,
                filters_sent: 0,
            },
        );
        if connected || retryable {
            self.queue.push_back(id);
        } else {
            self.fail(id, Failure::NotConnected);
        }
    }

    /// The transport asked for with [`Action::Open`] is up: CONNECT goes out and the CONNACK
    /// timer (the ping timeout, as upstream) starts.
    pub fn transport_opened(&mut self, now: u64) {
        debug_assert_eq!(self.link, Link::Opening);
        if self.state == State::Disconnecting {
            self.close(None);
            return;
        }
        self.decoder = Decoder::new(Version::V311);
        self.refused_with = None;
        self.link = Link::AwaitingConnack;
        let connect = Packet::Connect(Box::new(self.settings.connect_packet()));
        self.push_control(&connect);
        self.connack_deadline = Some(now.saturating_add(self.settings.ping_timeout_ns));
    }

    /// The transport is gone (failed to open, closed by the server, or closed as asked), with
    /// the transport's error if any. As upstream: unfinished operations are cancelled on a clean
    /// session and requeued otherwise; then the connection reconnects, or the user's disconnect
    /// or the first attempt's failure is reported.
    pub fn transport_closed(&mut self, now: u64, error: Option<Failure>) {
        let reason = self.close_reason.take().or(error);
        self.link = Link::Down;
        self.connack_deadline = None;
        self.ping_deadline = None;
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
                self.events.push_back(Event::Interrupted { error });
                self.schedule_reconnect(now);
            }
            State::Reconnecting => self.schedule_reconnect(now),
            State::Disconnecting => self.finish_disconnect(),
            State::Connecting => {
                self.state = State::Disconnected;
                let return_code = self.refused_with.take().unwrap_or(0);
                self.events.push_back(Event::ConnectionComplete {
                    error: Some(error),
                    return_code,
                    session_present: false,
                });
                self.events.push_back(Event::ConnectionFailure { error });
            }
            State::Disconnected => {}
        }
    }

    /// Bytes received from the transport. A malformed or unexpected packet closes the
    /// connection with `ProtocolError` [MQTT-4.8.0-1].
    pub fn receive(&mut self, now: u64, bytes: &[u8]) {
        if !matches!(self.link, Link::AwaitingConnack | Link::Up) {
            return;
        }
        self.decoder.feed(bytes);
        loop {
            match self.decoder.next_packet() {
                Ok(Some(packet)) => {
                    if let Err(failure) = self.handle(now, packet) {
                        self.close(Some(failure));
                        return;
                    }
                    if !matches!(self.link, Link::AwaitingConnack | Link::Up) {
                        return;
                    }
                }
                Ok(None) => return,
                Err(_) => {
                    self.close(Some(Failure::ProtocolError));
                    return;
                }
            }
        }
    }

    /// The earliest time [`on_timer`](Engine::on_timer) has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        [
            self.reconnect_at,
            self.connack_deadline,
            self.ping_deadline,
            self.next_ping_at(),
            self.ack_deadlines.front().map(|d| d.0),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Runs what is due at `now`: reconnect attempts, CONNACK and PINGRESP timeouts, keep-alive
    /// PINGREQs and operation timeouts.
    pub fn on_timer(&mut self, now: u64) {
        if self.reconnect_at.is_some_and(|t| t <= now) {
            self.reconnect_at = None;
            if self.state == State::Reconnecting && self.link == Link::Down {
                self.open();
            }
        }
        if self.connack_deadline.is_some_and(|t| t <= now) {
            self.connack_deadline = None;
            self.close(Some(Failure::Timeout));
        }
        if self.ping_deadline.is_some_and(|t| t <= now) {
            self.ping_deadline = None;
            self.close(Some(Failure::Timeout));
        }
        if self.next_ping_at().is_some_and(|t| t <= now) {
            self.send_pingreq(now);
        }
        while let Some(&(deadline, id, seq)) = self.ack_deadlines.front() {
            if deadline > now {
                break;
            }
            self.ack_deadlines.pop_front();
            let current = self
                .ops
                .get(&id)
                .is_some_and(|op| op.send_seq == seq && op.in_flight);
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
            self.last_sent_at = now;
        }
    }

    /// The connection is being destroyed: every unfinished operation fails with
    /// `ConnectionDestroyed` and every subscription is dropped.
    pub fn shut_down(&mut self) {
        self.queue.clear();
        let mut ids: Vec<u16> = self.ops.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            self.fail(id, Failure::ConnectionDestroyed);
        }
        self.subscriptions.clear();
    }

    fn open(&mut self) {
        self.link = Link::Opening;
        self.actions.push_back(Action::Open);
    }

    fn close(&mut self, reason: Option<Failure>) {
        if matches!(self.link, Link::Down | Link::Closing) {
            return;
        }
        if self.close_reason.is_none() {
            self.close_reason = reason;
        }
        self.link = Link::Closing;
        self.connack_deadline = None;
        self.ping_deadline = None;
        self.actions.push_back(Action::Close);
    }

    fn finish_disconnect(&mut self) {
        self.state = State::Disconnected;
        self.events.push_back(Event::Disconnected);
    }

    fn schedule_reconnect(&mut self, now: u64) {
        let delay = self.backoff.next_delay().as_nanos() as u64;
        self.reconnect_at = Some(now.saturating_add(delay));
    }

    fn next_ping_at(&self) -> Option<u64> {
        let idle = self.link == Link::Up && self.ping_deadline.is_none();
        let keep_alive = self.settings.keep_alive_ns();
        (idle && keep_alive > 0).then(|| self.last_sent_at.saturating_add(keep_alive))
    }

    fn send_pingreq(&mut self, now: u64) {
        self.push_control(&Packet::Pingreq);
        self.last_sent_at = now;
        self.await_pingresp(now);
    }

    /// A PINGREQ went out at `now`: no PINGRESP within the ping timeout drops the connection.
    fn await_pingresp(&mut self, now: u64) {
        self.ping_deadline = Some(now.saturating_add(self.settings.ping_timeout_ns));
    }

    /// On a lost link: with a clean session every operation fails (the session is gone); else
    /// sent ones go back to the front of the queue, to be resent. Queued QoS 0 publishes and
    /// pings fail with `NotConnected` either way.
    fn settle_operations_on_loss(&mut self) {
        let mut sent: Vec<u16> = self
            .ops
            .iter_mut()
            .filter(|(_, op)| op.in_flight)
            .map(|(id, op)| {
                op.in_flight = false;
                *id
            })
            .collect();
        sent.sort_by_key(|id| self.ops[id].send_seq);
        let queued: Vec<u16> = self.queue.drain(..).collect();
        let clean = self.settings.clean_session;
        for id in sent.into_iter().chain(queued) {
            let retryable = self
                .ops
                .get(&id)
                .is_some_and(|op| op.request.is_acknowledged());
            if !retryable {
                self.fail(id, Failure::NotConnected);
            } else if clean {
                self.fail(id, Failure::CancelledForCleanSession);
            } else {
                self.queue.push_back(id);
            }
        }
        if clean {
            self.incoming_qos2.clear();
        }
    }

    fn send_operation(&mut self, now: u64, id: u16, out: &mut Vec<u8>) {
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        let resend = op.sent_before;
        let written = match &mut op.request {
            Request::Publish(publish) if op.stage == Stage::AwaitingPubcomp => {
                // PUBREC arrived before the link was lost: the exchange resumes with PUBREL
                // [MQTT-4.4.0-1].
                write_packet(out, &Packet::Pubrel(ack(publish.packet_id)))
            }
            Request::Publish(publish) => {
                publish.dup = resend && publish.qos != QoS::AtMostOnce;
                publish.packet_id = if publish.qos == QoS::AtMostOnce {
                    0
                } else {
                    id
                };
                let packet = Packet::Publish(std::mem::take(publish));
                let result = write_packet(out, &packet);
                if let Packet::Publish(p) = packet {
                    *publish = p;
                }
                result
            }
            Request::Subscribe(topics) => {
                let subscriptions = topics
                    .iter()
                    .map(|t| Subscription {
                        filter: t.filter.clone(),
                        qos: t.qos,
                        ..Default::default()
                    })
                    .collect();
                op.filters_sent = topics.len();
                // The handlers enter the tree at the first send, as upstream's do, so messages
                // arriving before the SUBACK are routed.
                for topic in topics.iter_mut() {
                    if let Some(handler) = topic.handler.take() {
                        let _ = self.subscriptions.insert(
                            &topic.filter,
                            Subscriber {
                                qos: topic.qos,
                                handler,
                            },
                        );
                    }
                }
                write_subscribe(out, id, subscriptions)
            }
            Request::Resubscribe => {
                let subscriptions: Vec<Subscription> = self
                    .subscriptions
                    .iter()
                    .map(|(filter, s)| Subscription {
                        filter: filter.to_string(),
                        qos: s.qos,
                        ..Default::default()
                    })
                    .collect();
                op.filters_sent = subscriptions.len();
                if subscriptions.is_empty() {
                    self.complete(id, Outcome::Suback(Vec::new()));
                    return;
                }
                write_subscribe(out, id, subscriptions)
            }
            Request::Unsubscribe(filter) => {
                if !resend {
                    self.subscriptions.remove(filter);
                }
                write_packet(
                    out,
                    &Packet::Unsubscribe(Unsubscribe {
                        packet_id: id,
                        filters: vec![filter.clone()],
                        properties: Default::default(),
                    }),
                )
            }
            Request::Ping => {
                let result = write_packet(out, &Packet::Pingreq);
                if result.is_ok() {
                    self.await_pingresp(now);
                }
                result
            }
        };
        if written.is_err() {
            self.fail(id, Failure::Unencodable);
            return;
        }
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        if !op.request.is_acknowledged() {
            self.complete(id, Outcome::Success);
            return;
        }
        op.sent_before = true;
        op.in_flight = true;
        if op.stage == Stage::Queued {
            op.stage = Stage::AwaitingAck;
        }
        self.send_seq = self.send_seq.wrapping_add(1);
        op.send_seq = self.send_seq;
        self.unacked_count += 1;
        self.unacked_size += op.request.statistics_size();
        if let Some(timeout) = self.settings.operation_timeout_ns {
            self.ack_deadlines
                .push_back((now.saturating_add(timeout), id, self.send_seq));
        }
    }

    fn handle(&mut self, now: u64, packet: Packet) -> Result<(), Failure> {
        if self.link == Link::AwaitingConnack {
            // [MQTT-3.2.0-1] The server's first packet is a CONNACK.
            let Packet::Connack(connack) = packet else {
                return Err(Failure::ProtocolError);
            };
            return self.on_connack(now, connack.reason_code, connack.session_present);
        }
        match packet {
            Packet::Publish(publish) => self.on_publish(publish),
            Packet::Puback(ack) => self.on_ack(ack.packet_id, |op| match &op.request {
                Request::Publish(p) => p.qos == QoS::AtLeastOnce && op.stage == Stage::AwaitingAck,
                _ => false,
            }),
            Packet::Pubrec(ack) => self.on_pubrec(ack.packet_id),
            Packet::Pubrel(ack) => {
                self.incoming_qos2.remove(&ack.packet_id);
                self.push_control(&Packet::Pubcomp(self::ack(ack.packet_id)));
            }
            Packet::Pubcomp(ack) => self.on_ack(ack.packet_id, |op| {
                matches!(op.request, Request::Publish(_)) && op.stage == Stage::AwaitingPubcomp
            }),
            Packet::Suback(suback) => {
                let expected = match self.ops.get(&suback.packet_id) {
                    Some(op) if op.stage == Stage::AwaitingAck => match op.request {
                        Request::Subscribe(_) | Request::Resubscribe => Some(op.filters_sent),
                        _ => None,
                    },
                    _ => None,
                };
                match expected {
                    Some(n) if n != suback.reason_codes.len() => {
                        return Err(Failure::ProtocolError);
                    }
                    Some(_) => {
                        self.complete(suback.packet_id, Outcome::Suback(suback.reason_codes))
                    }
                    None => {}
                }
            }
            Packet::Unsuback(ack) => self.on_ack(ack.packet_id, |op| {
                matches!(op.request, Request::Unsubscribe(_)) && op.stage == Stage::AwaitingAck
            }),
            Packet::Pingresp => self.ping_deadline = None,
            // A server never sends these to a client; a second CONNACK is as wrong.
            _ => return Err(Failure::ProtocolError),
        }
        Ok(())
    }

    fn on_connack(
        &mut self,
        now: u64,
        return_code: u8,
        session_present: bool,
    ) -> Result<(), Failure> {
        self.connack_deadline = None;
        if self.state == State::Disconnecting {
            return Ok(());
        }
        if return_code != 0 {
            self.refused_with = Some(return_code);
            return Err(Failure::ProtocolError);
        }
        self.link = Link::Up;
        self.last_sent_at = now;
        self.backoff.on_connected(now);
        let resumed = self.state == State::Reconnecting && self.has_connected;
        self.state = State::Connected;
        self.has_connected = true;
        self.events.push_back(if resumed {
            Event::Resumed {
                return_code,
                session_present,
            }
        } else {
            Event::ConnectionComplete {
                error: None,
                return_code,
                session_present,
            }
        });
        self.events.push_back(Event::ConnectionSuccess {
            return_code,
            session_present,
        });
        Ok(())
    }

    fn on_publish(&mut self, publish: Publish) {
        let id = publish.packet_id;
        let deliver = match publish.qos {
            QoS::AtMostOnce => true,
            QoS::AtLeastOnce => {
                self.push_control(&Packet::Puback(ack(id)));
                true
            }
            QoS::ExactlyOnce => {
                self.push_control(&Packet::Pubrec(ack(id)));
                // Delivered once: a DUP resend before our PUBREL arrived is not a new message.
                self.incoming_qos2.insert(id)
            }
        };
        if deliver {
            self.events.push_back(Event::Message(publish));
        }
    }

    fn on_pubrec(&mut self, id: u16) {
        if let Some(op) = self.ops.get_mut(&id)
            && matches!(&op.request, Request::Publish(p) if p.qos == QoS::ExactlyOnce)
            && op.stage == Stage::AwaitingAck
        {
            op.stage = Stage::AwaitingPubcomp;
        }
        self.push_control(&Packet::Pubrel(ack(id)));
    }

    /// Completes the operation `id` when `expects` says it is waiting for this ACK; an ACK for
    /// nothing is ignored, as upstream ignores it.
    fn on_ack(&mut self, id: u16, expects: impl Fn(&Operation<T, S>) -> bool) {
        if self.ops.get(&id).is_some_and(expects) {
            self.complete(id, Outcome::Success);
        }
    }

    fn complete(&mut self, id: u16, outcome: Outcome) {
        let Some(op) = self.ops.remove(&id) else {
            return;
        };
        if op.in_flight {
            self.unacked_count = self.unacked_count.saturating_sub(1);
            self.unacked_size = self
                .unacked_size
                .saturating_sub(op.request.statistics_size());
        }
        self.events.push_back(Event::Complete {
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
        let _ = write_packet(&mut self.control, packet);
    }
}

fn ack(packet_id: u16) -> PubAck {
    PubAck {
        packet_id,
        ..Default::default()
    }
}

/// Appends a SUBSCRIBE with id `packet_id` for `subscriptions` to `out`.
fn write_subscribe(
    out: &mut Vec<u8>,
    packet_id: u16,
    subscriptions: Vec<Subscription>,
) -> Result<(), crate::codec::CodecError> {
    let subscribe = Subscribe {
        packet_id,
        subscriptions,
        properties: Default::default(),
    };
    write_packet(out, &Packet::Subscribe(subscribe))
}

/// Appends `packet` encoded for 3.1.1 to `out`.
fn write_packet(out: &mut Vec<u8>, packet: &Packet) -> Result<(), crate::codec::CodecError> {
    encode_append(packet, Version::V311, out).map(drop)
}

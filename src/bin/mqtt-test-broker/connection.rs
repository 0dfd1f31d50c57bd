//! One client connection, on its own thread: reads bytes with a short timeout, decodes and
//! handles packets one at a time ([`crate::handle`], [`crate::connect`]), and between reads
//! sends delayed acknowledgements, enforces keep alive and delivers the messages queued for
//! its session. Triggered misbehaviour ([`crate::behaviour::Rule`]) runs around each packet.

use crate::behaviour::{Action, Behaviour, Rule};
use crate::broker::Shared;
use crate::log::{Direction, Origin};
use crate::transport::Transport;
use aws_c_mqtt::codec::{
    CodecError, Decoder, Disconnect, Packet, PacketType, Version, Will, encode_to_vec,
};
use std::collections::{HashMap, VecDeque};
use std::io::ErrorKind;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a read waits before the connection runs its timers and delivers queued messages.
const TICK: Duration = Duration::from_millis(5);

/// The socket's send buffer during a `--flood-*`.
const FLOOD_BUFFER: usize = 64 * 1024;

/// Why a connection ends, and whether that publishes its will (every end but a DISCONNECT
/// from the client with reason 0x00 does, once connected [MQTT-3.1.2-8]).
#[derive(Debug)]
pub struct Close {
    /// For the log.
    pub reason: String,
    /// True when the will is published.
    pub will: bool,
}

impl Close {
    /// An end that publishes the will.
    pub fn abnormal(reason: impl Into<String>) -> Close {
        Close {
            reason: reason.into(),
            will: true,
        }
    }

    /// An end that does not publish the will.
    pub fn normal(reason: impl Into<String>) -> Close {
        Close {
            reason: reason.into(),
            will: false,
        }
    }
}

/// What packet handlers return: `Err` ends the connection.
pub type Flow = Result<(), Close>;

/// Where a connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Accepted, waiting for CONNECT. Next: Connected, Silent, or closed.
    AwaitingConnect,
    /// CONNECT accepted, CONNACK sent. Next: closed.
    Connected,
    /// CONNECT received under `--no-connack`: packets are logged and ignored. Next: closed.
    Silent,
    /// CONNECT received under `--scram`, the server-first message sent; waiting for the
    /// client-final one. Next: Connected, or closed.
    Authenticating,
}

/// What the broker knows of a connected client from its CONNECT.
pub struct Peer {
    /// The client identifier (assigned when the CONNECT's was empty).
    pub client_id: String,
    /// The will, until published or discarded.
    pub will: Option<Will>,
    /// Silence after which the broker closes: 1.5 times the keep alive [MQTT-3.1.2-24].
    pub keep_alive: Option<Duration>,
    /// The client's Receive Maximum: outgoing QoS 1 and 2 in flight at most.
    pub receive_maximum: u16,
    /// The client's Maximum Packet Size.
    pub maximum_packet_size: Option<u32>,
    /// Topic aliases the client set [MQTT-3.3.2.3.4].
    pub topic_aliases: HashMap<u16, String>,
}

/// One client connection over stream `S`.
pub struct Connection<S: Transport> {
    pub(crate) stream: S,
    pub(crate) shared: Arc<Shared>,
    /// The connection's number, from 1 in accept order.
    pub(crate) number: u64,
    pub(crate) behaviour: Behaviour,
    pub(crate) decoder: Decoder,
    pub(crate) version: Version,
    pub(crate) state: State,
    /// The client identifier for the log, from the CONNECT on.
    pub(crate) client_id: Option<String>,
    pub(crate) peer: Option<Peer>,
    /// Incoming QoS 1 and 2 PUBLISHes whose PUBACK or PUBCOMP is not sent yet.
    pub(crate) incoming_inflight: usize,
    received: u32,
    fired: Vec<Rule>,
    delayed: VecDeque<(Instant, Packet)>,
    last_received: Instant,
    /// A `--flood-*` under way: until when, and how many PUBLISHes it has sent.
    flood: Option<(Instant, u64)>,
    /// A SCRAM exchange under way (`--scram`), and the CONNECT it will accept.
    pub(crate) scram: Option<crate::scram::Exchange>,
    pub(crate) pending_connect: Option<Box<aws_c_mqtt::codec::Connect>>,
}

impl<S: Transport> Connection<S> {
    /// A connection accepted as number `number`.
    pub fn new(stream: S, shared: Arc<Shared>, number: u64) -> Connection<S> {
        let behaviour = shared.plan.behaviour(number, None);
        Connection {
            stream,
            shared,
            number,
            behaviour,
            decoder: Decoder::new(Version::V311),
            version: Version::V311,
            state: State::AwaitingConnect,
            client_id: None,
            peer: None,
            incoming_inflight: 0,
            received: 0,
            fired: Vec::new(),
            delayed: VecDeque::new(),
            last_received: Instant::now(),
            flood: None,
            scram: None,
            pending_connect: None,
        }
    }

    /// Serves the connection until it ends, then cleans up.
    pub fn run(mut self) {
        let close = self.serve();
        self.finish(close);
    }

    /// The log's view of this connection.
    pub(crate) fn origin(&self) -> Origin<'_> {
        Origin {
            conn: self.number,
            client_id: self.client_id.as_deref(),
        }
    }

    fn serve(&mut self) -> Close {
        if self.hangup_fires(0, PacketType::Connect) {
            return Close::abnormal("hangup-after 0");
        }
        if let Err(e) = self.stream.set_read_timeout(Some(TICK)) {
            return Close::abnormal(format!("set_read_timeout: {e}"));
        }
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => return Close::abnormal("connection closed by the client"),
                Ok(n) => {
                    self.decoder.feed(&buf[..n]);
                    if let Err(close) = self.decode_all() {
                        return close;
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Close::abnormal(format!("read failed: {e}")),
            }
            if let Err(close) = self.tick() {
                return close;
            }
        }
    }

    fn decode_all(&mut self) -> Flow {
        loop {
            match self.decoder.next_packet() {
                Ok(Some(packet)) => self.on_packet(packet)?,
                Ok(None) => return Ok(()),
                Err(e) => {
                    self.shared.log.malformed(self.origin(), &e.to_string());
                    let code = if matches!(e, CodecError::PacketTooLarge { .. }) {
                        0x95
                    } else {
                        0x81
                    };
                    return Err(self.violation(code, format!("malformed packet: {e}")));
                }
            }
        }
    }

    fn on_packet(&mut self, packet: Packet) -> Flow {
        self.received += 1;
        self.last_received = Instant::now();
        // A CONNECT's line carries its own client_id field.
        self.shared
            .log
            .packet(Direction::In, self.origin(), &packet);
        if let (Packet::Connect(c), State::AwaitingConnect) = (&packet, self.state) {
            // Scenario sections scoped to a client id apply from its CONNECT on.
            self.behaviour = self.shared.plan.behaviour(self.number, Some(&c.client_id));
            self.client_id = Some(c.client_id.clone()).filter(|id| !id.is_empty());
        }
        let t = packet.packet_type();
        if self.hangup_fires(self.received, t) {
            return Err(Close::abnormal(format!(
                "hangup on packet {} ({:?})",
                self.received, t
            )));
        }
        // Whatever was queued for the client before this packet arrived goes out first.
        self.sync()?;
        self.handle(packet)?;
        for action in self.fire(self.received, t, |a| !matches!(a, Action::HangUp)) {
            match action {
                Action::SendRaw(bytes) => self.send_raw(&bytes)?,
                Action::Flood(time) => {
                    // A small send buffer keeps what is sent and not yet read small, so what
                    // the broker answers during the flood (PINGRESP) reaches the client soon.
                    let _ = socket2::SockRef::from(self.stream.tcp())
                        .set_send_buffer_size(FLOOD_BUFFER);
                    self.flood = Some((Instant::now() + time, 0));
                }
                Action::Disconnect => {
                    let code = self.behaviour.disconnect_code;
                    self.send(&Packet::Disconnect(Disconnect {
                        reason_code: code,
                        ..Default::default()
                    }))?;
                    return Err(Close::abnormal(format!(
                        "disconnect after packet {} ({:?})",
                        self.received, t
                    )));
                }
                Action::HangUp => {}
            }
        }
        Ok(())
    }

    /// The actions selected by `pick` whose triggers fire on packet `count` of type `t`, each
    /// rule at most once.
    fn fire(&mut self, count: u32, t: PacketType, pick: impl Fn(&Action) -> bool) -> Vec<Action> {
        let mut actions = Vec::new();
        for rule in &self.behaviour.rules {
            if pick(&rule.action) && rule.trigger.fires(count, t) && !self.fired.contains(rule) {
                self.fired.push(rule.clone());
                actions.push(rule.action.clone());
            }
        }
        actions
    }

    fn hangup_fires(&mut self, count: u32, t: PacketType) -> bool {
        !self
            .fire(count, t, |a| matches!(a, Action::HangUp))
            .is_empty()
    }

    /// Runs between reads: delayed acknowledgements, keep alive, queued messages.
    fn tick(&mut self) -> Flow {
        let now = Instant::now();
        while self.delayed.front().is_some_and(|(due, _)| *due <= now) {
            if let Some((_, packet)) = self.delayed.pop_front() {
                self.send(&packet)?;
            }
        }
        if self.state != State::Connected {
            return Ok(());
        }
        self.flood_some()?;
        let limit = self.peer.as_ref().and_then(|p| p.keep_alive);
        if limit.is_some_and(|l| now.duration_since(self.last_received) > l) {
            return Err(self.violation(0x8D, "keep alive timeout"));
        }
        self.sync()
    }

    /// One batch of a flood (about 64 KiB of QoS 0 PUBLISHes), between reads so the client's
    /// packets are still read and answered; the end of the flood is logged as one event.
    fn flood_some(&mut self) -> Flow {
        let Some((until, sent)) = self.flood else {
            return Ok(());
        };
        if Instant::now() >= until {
            self.flood = None;
            self.shared.log.event(self.origin(), "flood", |o| {
                o.num("count", sent);
            });
            return Ok(());
        }
        let publish = Packet::Publish(aws_c_mqtt::codec::Publish {
            topic: "flood".into(),
            payload: vec![0x46; 16].into(),
            ..Default::default()
        });
        let one = encode_to_vec(&publish, self.version)
            .map_err(|e| Close::abnormal(format!("encode failed: {e}")))?;
        let count = 64 * 1024 / one.len();
        let batch = one.repeat(count);
        self.stream
            .write_all(&batch)
            .map_err(|e| Close::abnormal(format!("write failed: {e}")))?;
        self.flood = Some((until, sent + count as u64));
        Ok(())
    }

    /// Sends what the session has queued for the client, or ends the connection when another
    /// connection took the session over.
    pub(crate) fn sync(&mut self) -> Flow {
        let Some(peer) = &self.peer else {
            return Ok(());
        };
        if self.state != State::Connected {
            return Ok(());
        }
        let (receive_maximum, maximum_packet_size) =
            (peer.receive_maximum, peer.maximum_packet_size);
        let taken = {
            let mut broker = self.shared.lock();
            match broker.sessions.get_mut(&peer.client_id) {
                Some(s) if s.owner == Some(self.number) => Some(s.take_sendable(
                    Instant::now(),
                    self.version,
                    receive_maximum,
                    maximum_packet_size,
                )),
                _ => None,
            }
        };
        let Some((publishes, dropped)) = taken else {
            return Err(self.violation(0x8E, "session taken over"));
        };
        if dropped > 0 {
            self.shared.log.event(self.origin(), "dropped", |o| {
                o.num("count", dropped as u64).str(
                    "reason",
                    "expired or larger than the client's maximum packet size",
                );
            });
        }
        for p in publishes {
            self.send(&Packet::Publish(p))?;
        }
        Ok(())
    }

    /// Encodes, writes and logs `packet`.
    pub(crate) fn send(&mut self, packet: &Packet) -> Flow {
        let bytes = match encode_to_vec(packet, self.version) {
            Ok(bytes) => bytes,
            Err(e) => match unencodable(packet, self.version) {
                Some(bytes) => bytes,
                None => {
                    self.shared.log.event(self.origin(), "encode_error", |o| {
                        o.str("error", &e.to_string());
                    });
                    return Ok(());
                }
            },
        };
        let drip = self
            .behaviour
            .connack_drip
            .filter(|_| matches!(packet, Packet::Connack(_)));
        let chunk = if drip.is_some() {
            1
        } else {
            bytes.len().max(1)
        };
        for (i, piece) in bytes.chunks(chunk).enumerate() {
            if let (Some(gap), true) = (drip, i > 0) {
                std::thread::sleep(gap);
            }
            self.stream
                .write_all(piece)
                .map_err(|e| Close::abnormal(format!("write failed: {e}")))?;
            self.stream
                .flush()
                .map_err(|e| Close::abnormal(format!("write failed: {e}")))?;
        }
        self.shared
            .log
            .packet(Direction::Out, self.origin(), packet);
        if matches!(packet, Packet::Puback(_) | Packet::Pubcomp(_)) {
            self.incoming_inflight = self.incoming_inflight.saturating_sub(1);
        }
        Ok(())
    }

    /// Writes `bytes` as they are (`--send-raw-*`) and logs them.
    pub(crate) fn send_raw(&mut self, bytes: &[u8]) -> Flow {
        self.stream
            .write_all(bytes)
            .map_err(|e| Close::abnormal(format!("write failed: {e}")))?;
        self.shared.log.raw(self.origin(), bytes);
        Ok(())
    }

    /// Sends an acknowledgement the client waits for, unless `--no-ack`; late under
    /// `--ack-delay-ms`.
    pub(crate) fn ack(&mut self, packet: Packet) -> Flow {
        if self.behaviour.no_ack {
            return Ok(());
        }
        match self.behaviour.ack_delay {
            Some(delay) => {
                self.delayed.push_back((Instant::now() + delay, packet));
                Ok(())
            }
            None => self.send(&packet),
        }
    }

    /// Ends the connection for a protocol violation: in MQTT 5, once connected, a DISCONNECT
    /// with `code` first [MQTT-4.13.1-1].
    pub(crate) fn violation(&mut self, code: u8, reason: impl Into<String>) -> Close {
        if self.state == State::Connected && self.version == Version::V5 {
            let _ = self.send(&Packet::Disconnect(Disconnect {
                reason_code: code,
                ..Default::default()
            }));
        }
        Close::abnormal(reason)
    }

    /// After the connection ended: detach the session, publish the will if due, close the
    /// stream, log the end.
    fn finish(mut self, close: Close) {
        let mut will_published = false;
        if let (Some(peer), State::Connected) = (self.peer.take(), self.state) {
            let now = Instant::now();
            let mut broker = self.shared.lock();
            let owned = broker.detach(&peer.client_id, self.number, now);
            if let (true, Some(will)) = (close.will, peer.will) {
                broker.will(&peer.client_id, will, owned, now);
                will_published = true;
            }
        }
        self.stream.shutdown();
        self.shared.log.event(self.origin(), "close", |o| {
            o.str("reason", &close.reason).bool("will", will_published);
        });
    }
}

/// The bytes of a CONNACK or DISCONNECT whose reason code the codec refuses for `version`:
/// misbehaviour asked for on the command line is sent anyway.
fn unencodable(packet: &Packet, version: Version) -> Option<Vec<u8>> {
    let v5 = version == Version::V5;
    match packet {
        Packet::Connack(c) if v5 => {
            Some(vec![0x20, 3, u8::from(c.session_present), c.reason_code, 0])
        }
        Packet::Connack(c) => Some(vec![0x20, 2, u8::from(c.session_present), c.reason_code]),
        Packet::Disconnect(d) if v5 => Some(vec![0xE0, 1, d.reason_code]),
        Packet::Disconnect(_) => Some(vec![0xE0, 0]),
        _ => None,
    }
}

//! The MQTT 5 engine on a virtual clock: a scripted server decodes exactly what the client sent
//! and answers with encoded packets; no sockets, no sleeping. This file is the harness; the
//! tests are grouped by behaviour in the modules below.

mod connecting;
mod durable;
mod enhanced_auth;
mod keep_alive;
mod limits;
mod operations;
mod receiving;
mod reconfiguring;
mod robustness;
mod sessions;
mod stopping;

use super::engine::{Action, Engine, State, Statistics};
use super::operation::{Request, UserDisconnect};
use super::outcome::{Completion, Error, Event, ManualAckResult};
use super::settings::{OfflineQueuePolicy, OutboundAliasing, SessionBehavior, Settings};
use crate::client::backoff::{Backoff, BackoffConfig, JitterMode, SplitMix64};
use crate::client::test_support::{advance, decode_all, encode};
use crate::codec::{
    Connack, Connect, Disconnect, Packet, Properties, PropertySet, PubAck, Publish, QoS, Suback,
    Subscribe, Subscription, Unsuback, Unsubscribe, Version,
};
use bytes::Bytes;

const MS: u64 = 1_000_000;
const SEC: u64 = 1_000 * MS;

struct Harness {
    engine: Engine<u32>,
    now: u64,
}

fn settings() -> Settings {
    let mut s = Settings {
        connect: Connect {
            version: Version::V5,
            client_id: "client-1".into(),
            keep_alive: 60,
            ..Default::default()
        },
        backoff: BackoffConfig {
            min_delay_ms: 1_000,
            max_delay_ms: 8_000,
            jitter: JitterMode::None,
            reset_after_ms: 30_000,
        },
        ..Settings::default()
    };
    s.ping_timeout_ms = 3_000;
    s
}

impl Harness {
    fn new(settings: Settings) -> Harness {
        let now = 1_000 * SEC;
        let mut engine = Engine::new(settings.clone(), now);
        engine.set_backoff(Backoff::with_random(
            settings.backoff,
            SplitMix64::with_seed(7),
        ));
        Harness { engine, now }
    }

    /// Starts: ATTEMPTING_CONNECT, the transport opens and the CONNECT goes out.
    fn start(&mut self) -> Connect {
        self.engine.start();
        assert_eq!(self.engine.poll_action(), Some(Action::Open));
        self.engine.transport_opened(self.now);
        match self.sent().as_slice() {
            [Packet::Connect(c)] => (**c).clone(),
            other => panic!("expected a CONNECT, got {other:?}"),
        }
    }

    /// Started and accepted with `connack`; the events so far are dropped.
    fn connected_with(settings: Settings, connack: Connack) -> Harness {
        let mut h = Harness::new(settings);
        h.start();
        h.server(Packet::Connack(connack));
        assert_eq!(h.engine.state(), State::Connected);
        h.events();
        h
    }

    fn connected(settings: Settings) -> Harness {
        Harness::connected_with(settings, Connack::default())
    }

    /// After a loss: the reconnect delay passes, the transport opens, and `connack` answers
    /// the CONNECT.
    fn reconnect(&mut self, connack: Connack) {
        self.advance(SEC);
        self.engine.poll_action();
        self.engine.transport_opened(self.now);
        self.sent();
        self.server(Packet::Connack(connack));
    }

    /// What the client wrote, decoded as the server reads it.
    fn sent(&mut self) -> Vec<Packet> {
        let mut out = Vec::new();
        self.engine.poll_transmit(self.now, &mut out, 1 << 20);
        decode_all(&out, Version::V5)
    }

    /// The server writes `packet`.
    fn server(&mut self, packet: Packet) {
        self.engine.receive(self.now, &encode(&packet, Version::V5));
    }

    fn events(&mut self) -> Vec<Event<u32>> {
        std::iter::from_fn(|| self.engine.poll_event()).collect()
    }

    /// Moves the clock forward, running each timer as it falls due.
    fn advance(&mut self, by: u64) {
        let (next_deadline, on_timer) = (Engine::next_deadline, Engine::on_timer);
        advance(&mut self.engine, &mut self.now, by, next_deadline, on_timer);
    }

    /// The runtime performs an `Action::Close` the engine asked for.
    fn close_as_asked(&mut self) {
        assert_eq!(self.engine.poll_action(), Some(Action::Close));
        self.engine.transport_closed(self.now, None);
    }

    fn publish(&mut self, qos: QoS, token: u32) {
        self.engine
            .submit(Request::publish(publish(qos)).unwrap(), token, 0);
    }
}

fn publish(qos: QoS) -> Publish {
    Publish {
        qos,
        topic: "a/b".into(),
        payload: Bytes::from_static(b"hello"),
        ..Default::default()
    }
}

fn subscribe(filter: &str) -> Request {
    Request::subscribe(Subscribe {
        subscriptions: vec![Subscription {
            filter: filter.into(),
            qos: QoS::AtLeastOnce,
            ..Default::default()
        }],
        ..Default::default()
    })
}

fn ack(packet_id: u16) -> PubAck {
    PubAck {
        packet_id,
        ..Default::default()
    }
}

fn connack_with(properties: Properties) -> Connack {
    Connack {
        properties,
        ..Default::default()
    }
}

fn completions(events: &[Event<u32>]) -> Vec<(u32, Completion)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Complete { token, completion } => Some((*token, completion.clone())),
            _ => None,
        })
        .collect()
}

fn publish_ids(packets: &[Packet]) -> Vec<(u16, bool)> {
    packets
        .iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some((p.packet_id, p.dup)),
            _ => None,
        })
        .collect()
}

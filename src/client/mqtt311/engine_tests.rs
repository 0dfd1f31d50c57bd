//! The 3.1.1 engine on a virtual clock: a scripted server decodes exactly what the client sent
//! and answers with encoded packets; no sockets, no sleeping. This file is the harness; the
//! tests are grouped by behaviour in the modules below.

mod connecting;
mod disconnecting;
mod durable;
mod keep_alive;
mod operations;
mod queue_limits;
mod retrying;
mod sessions;
mod subscriptions;

use super::engine::{Action, Engine, State};
use super::outcome::{Event, Failure, Outcome};
use super::request::{Request, SubscribeTopic};
use super::settings::Settings;
use crate::client::backoff::BackoffConfig;
use crate::client::test_support::{advance, decode_all, encode};
use crate::codec::{Connack, Packet, PubAck, Publish, QoS, Suback, Unsuback, Version};
use bytes::Bytes;

const MS: u64 = 1_000_000;
const SEC: u64 = 1_000 * MS;

struct Harness {
    engine: Engine<u32, &'static str>,
    now: u64,
    events: Vec<Event<u32>>,
}

fn settings() -> Settings {
    Settings {
        client_id: "client-1".into(),
        clean_session: true,
        keep_alive_secs: 60,
        ping_timeout_ns: 3 * SEC,
        operation_timeout_ns: None,
        backoff: BackoffConfig::mqtt311(1, 8),
        ..Settings::default()
    }
}

impl Harness {
    fn new() -> Harness {
        Harness {
            engine: Engine::new(settings()),
            now: 1_000 * SEC,
            events: Vec::new(),
        }
    }

    /// Connects with `settings`: the transport opens and the CONNECT goes out.
    fn start(&mut self, settings: Settings) -> Packet {
        self.engine.connect(settings);
        assert_eq!(self.action(), Some(Action::Open));
        self.engine.transport_opened(self.now);
        let sent = self.sent();
        assert_eq!(sent.len(), 1);
        sent.into_iter().next().unwrap()
    }

    /// Connects and accepts: CONNACK 0.
    fn connected(settings: Settings, session_present: bool) -> Harness {
        let mut h = Harness::new();
        h.start(settings);
        h.server(connack(0, session_present));
        h.take_events();
        h
    }

    fn action(&mut self) -> Option<Action> {
        self.engine.poll_action()
    }

    /// What the client wrote, decoded as the server reads it.
    fn sent(&mut self) -> Vec<Packet> {
        let mut out = Vec::new();
        self.engine.poll_transmit(self.now, &mut out, 64 * 1024);
        decode_all(&out, Version::V311)
    }

    /// The server writes `packet`.
    fn server(&mut self, packet: Packet) {
        self.engine
            .receive(self.now, &encode(&packet, Version::V311));
    }

    fn take_events(&mut self) -> Vec<Event<u32>> {
        while let Some(e) = self.engine.poll_event() {
            self.events.push(e);
        }
        std::mem::take(&mut self.events)
    }

    /// Moves the clock forward, running each timer as it falls due.
    fn advance(&mut self, by: u64) {
        let (next_deadline, on_timer) = (Engine::next_deadline, Engine::on_timer);
        advance(&mut self.engine, &mut self.now, by, next_deadline, on_timer);
    }

    /// The transport closes under the client (the server hung up), or after an Action::Close.
    fn closed(&mut self, error: Option<Failure>) {
        self.engine.transport_closed(self.now, error);
    }

    fn publish(&mut self, id: u16, qos: QoS, token: u32) {
        let p = Publish {
            qos,
            topic: "a/b".into(),
            payload: Bytes::from_static(b"hello"),
            ..Default::default()
        };
        self.engine
            .submit(id, Request::publish(p.as_parts()).unwrap(), token);
    }
}

fn connack(code: u8, session_present: bool) -> Packet {
    Packet::Connack(Connack {
        session_present,
        reason_code: code,
        ..Default::default()
    })
}

fn ack(id: u16) -> PubAck {
    PubAck {
        packet_id: id,
        ..Default::default()
    }
}

fn completions(events: &[Event<u32>]) -> Vec<(u16, u32, Outcome)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Complete { id, token, outcome } => Some((*id, *token, outcome.clone())),
            _ => None,
        })
        .collect()
}

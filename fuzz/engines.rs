//! The oracles of the engine fuzz targets: each input is a script of steps (a byte picks the
//! step, the bytes after it its arguments) driving one sans-IO engine as its runtime would:
//! user commands, the transport opening and closing, inbound bytes (packets the script builds,
//! or raw bytes), and clock advances. After every step the engine's actions are carried out,
//! its output drained (a bounded amount per step) and its events checked:
//! - no operation completes twice (and a request-response request completes once, by an event
//!   or by a response, never both);
//! - the engine stays within bounds: at most a few hundred operations tracked, its next
//!   deadline never in the past after a timer ran;
//! - at the end the engine shuts down and every operation it accepted has completed exactly
//!   once.
//!
//! No panic anywhere (libFuzzer reports one as a crash; the regression test as a failure).
//! Included by the targets `engine_v311`, `engine_v5`, `engine_rr` and by
//! `tests/fuzz_regressions.rs`.

use aws_c_mqtt::client::Action;
use aws_c_mqtt::client::mqtt5;
use aws_c_mqtt::client::mqtt311;
use aws_c_mqtt::client::request_response as rr;
use aws_c_mqtt::codec::{
    Connack, Packet, PubAck, Publish, QoS, Suback, Subscribe, Subscription, Unsuback, Unsubscribe,
    Version, encode_to_vec,
};
use std::collections::{HashMap, VecDeque};

/// The engine targets.
pub const TARGETS: [&str; 3] = ["engine_v311", "engine_v5", "engine_rr"];

/// Runs the oracle of `target` (one of [`TARGETS`]) on `data`.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "engine_v311" => mqtt311(data),
        "engine_v5" => mqtt5(data),
        "engine_rr" => request_response(data),
        other => panic!("no engine target {other:?}"),
    }
}

const MS: u64 = 1_000_000;
/// The most steps a script runs (longer inputs are cut).
const MAX_STEPS: usize = 512;

/// The script: bytes read one at a time, zero past the end.
struct Script<'a> {
    data: &'a [u8],
    at: usize,
}

impl Script<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }
    fn done(&self) -> bool {
        self.at >= self.data.len()
    }
    /// A length byte (below `max`), then that many bytes.
    fn bytes(&mut self, max: u8) -> Vec<u8> {
        let n = self.byte() % max;
        (0..n).map(|_| self.byte()).collect()
    }
}

const TOPICS: [&str; 4] = ["a", "a/b", "c/d/e", "$aws/things/t/shadow/get/accepted"];

/// Counts completions per token; panics on a second one.
#[derive(Default)]
struct Ledger {
    accepted: HashMap<u32, u32>,
}

impl Ledger {
    fn accept(&mut self, token: u32) {
        self.accepted.insert(token, 0);
    }
    fn complete(&mut self, token: u32) {
        let n = self.accepted.entry(token).or_insert(0);
        *n += 1;
        assert!(*n == 1, "operation {token} completed {n} times");
    }
    fn all_done(&self) {
        for (token, n) in &self.accepted {
            assert_eq!(*n, 1, "operation {token} completed {n} times at the end");
        }
    }
    fn open(&self) -> usize {
        self.accepted.values().filter(|n| **n == 0).count()
    }
}

/// A packet the server might send, built from the script (or raw bytes).
fn inbound(s: &mut Script, version: Version, ids: &[u16]) -> Vec<u8> {
    let id = ids
        .get(s.byte() as usize % ids.len().max(1))
        .copied()
        .unwrap_or(1);
    let packet = match s.byte() % 9 {
        0 => Packet::Connack(Connack {
            session_present: s.byte() & 1 == 1,
            reason_code: if s.byte() < 32 { 0x87 } else { 0 },
            ..Default::default()
        }),
        1 => Packet::Puback(PubAck {
            packet_id: id,
            ..Default::default()
        }),
        2 => Packet::Suback(Suback {
            packet_id: id,
            reason_codes: vec![s.byte() % 3; 1 + (s.byte() % 2) as usize],
            ..Default::default()
        }),
        3 => Packet::Unsuback(Unsuback {
            packet_id: id,
            reason_codes: if version == Version::V5 {
                vec![0]
            } else {
                vec![]
            },
            ..Default::default()
        }),
        4 => Packet::Publish(Publish {
            topic: TOPICS[s.byte() as usize % TOPICS.len()].into(),
            qos: QoS::from_u8(s.byte() % 3).unwrap_or(QoS::AtMostOnce),
            packet_id: if id == 0 { 1 } else { id },
            payload: s.bytes(16).into(),
            ..Default::default()
        }),
        5 => Packet::Pubrec(PubAck {
            packet_id: id,
            ..Default::default()
        }),
        6 => Packet::Pubcomp(PubAck {
            packet_id: id,
            ..Default::default()
        }),
        7 => Packet::Pingresp,
        _ => return s.bytes(32),
    };
    let mut packet = packet;
    if let Packet::Publish(p) = &mut packet
        && p.qos == QoS::AtMostOnce
    {
        p.packet_id = 0;
    }
    encode_to_vec(&packet, version).unwrap_or_default()
}

/// Drains what a step left: transport actions (carried out through `opened`/`closed`),
/// bounded output.
macro_rules! drain {
    ($e:expr, $now:expr, $link:expr, $closed:expr) => {{
        while let Some(action) = $e.poll_action() {
            match action {
                Action::Open => $link = Link::Opening,
                Action::Close => {
                    $link = Link::Down;
                    $closed;
                }
            }
        }
        if $link == Link::Up {
            let mut out = Vec::new();
            $e.poll_transmit($now, &mut out, 64 * 1024);
            assert!(
                out.len() <= 128 * 1024,
                "{} bytes out in one poll",
                out.len()
            );
        }
    }};
}

/// A clock advance of up to 12.75 s; a deadline that came runs, and must not stay due.
macro_rules! advance {
    ($e:expr, $now:expr, $s:expr) => {{
        $now += u64::from($s.byte()) * 50 * MS;
        if $e.next_deadline().is_some_and(|at| at <= $now) {
            $e.on_timer($now);
            assert!(
                $e.next_deadline().is_none_or(|at| at > $now),
                "a deadline stays due"
            );
        }
    }};
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Link {
    Down,
    Opening,
    Up,
}

/// The 3.1.1 connection engine.
pub fn mqtt311(data: &[u8]) {
    type Engine = mqtt311::Engine<u32, ()>;
    let mut s = Script { data, at: 0 };
    let settings = mqtt311::Settings {
        client_id: "fuzz".into(),
        clean_session: s.byte() & 1 == 1,
        operation_timeout_ns: Some(3_000 * MS),
        ..Default::default()
    };
    let mut e = Engine::new(settings.clone());
    let mut ledger = Ledger::default();
    let (mut now, mut link, mut next_token) = (0u64, Link::Down, 0u32);
    let mut in_flight: HashMap<u16, u32> = HashMap::new();
    let mut events = VecDeque::new();
    for _ in 0..MAX_STEPS {
        if s.done() {
            break;
        }
        match s.byte() % 10 {
            // The API connects only a disconnected connection (the engine relies on it).
            0 if e.state() == mqtt311::State::Disconnected => e.connect(settings.clone()),
            1 if link == Link::Opening => {
                link = Link::Up;
                e.transport_opened(now);
            }
            2 if link == Link::Up => {
                let ids: Vec<u16> = in_flight.keys().copied().collect();
                let bytes = inbound(&mut s, Version::V311, &ids);
                e.receive(now, &bytes);
            }
            3 | 4 => {
                let id = (1..=u16::MAX)
                    .find(|i| !in_flight.contains_key(i))
                    .unwrap_or(1);
                let topic = TOPICS[s.byte() as usize % 3].to_string();
                let request = match s.byte() % 4 {
                    0 => mqtt311::Request::Subscribe(vec![mqtt311::SubscribeTopic {
                        filter: topic,
                        qos: QoS::AtLeastOnce,
                        handler: Some(()),
                    }]),
                    1 => mqtt311::Request::Unsubscribe(topic),
                    q => mqtt311::Request::publish(
                        Publish {
                            topic,
                            qos: QoS::from_u8(q - 2 + (s.byte() % 2)).unwrap_or(QoS::AtMostOnce),
                            payload: b"p".to_vec().into(),
                            ..Default::default()
                        }
                        .as_parts(),
                    )
                    .expect("a valid topic encodes"),
                };
                next_token += 1;
                in_flight.insert(id, next_token);
                ledger.accept(next_token);
                e.submit(id, request, next_token);
            }
            5 => advance!(e, now, s),
            6 if link != Link::Down => {
                link = Link::Down;
                let error = (s.byte() & 1 == 1).then_some(mqtt311::Failure::Transport(1051));
                e.transport_closed(now, error);
            }
            7 => {
                let _ = e.disconnect();
            }
            _ => {}
        }
        drain!(e, now, link, e.transport_closed(now, None));
        e.take_events(&mut events);
        while let Some(event) = events.pop_front() {
            if let mqtt311::Event::Complete { id, token, .. } = event {
                ledger.complete(token);
                if in_flight.get(&id) == Some(&token) {
                    in_flight.remove(&id);
                }
            }
        }
        assert!(e.operation_count() <= MAX_STEPS, "operations pile up");
    }
    e.shut_down();
    e.take_events(&mut events);
    for event in events {
        if let mqtt311::Event::Complete { token, .. } = event {
            ledger.complete(token);
        }
    }
    ledger.all_done();
}

/// The MQTT 5 client engine.
pub fn mqtt5(data: &[u8]) {
    type Engine = mqtt5::Engine<u32>;
    let mut s = Script { data, at: 0 };
    let mut settings = mqtt5::Settings::default();
    settings.connect.client_id = "fuzz".into();
    settings.ack_timeout_secs = 3;
    let mut now = 0u64;
    let mut e = Engine::new(settings, now);
    let mut ledger = Ledger::default();
    let (mut link, mut next_token) = (Link::Down, 0u32);
    let mut events = VecDeque::new();
    let mut sent_ids: Vec<u16> = vec![1];
    for _ in 0..MAX_STEPS {
        if s.done() {
            break;
        }
        match s.byte() % 10 {
            0 => e.start(),
            1 if link == Link::Opening => {
                link = Link::Up;
                e.transport_opened(now);
            }
            2 if link == Link::Up => {
                let bytes = inbound(&mut s, Version::V5, &sent_ids);
                e.receive(now, &bytes);
            }
            3 | 4 => {
                let filter = TOPICS[s.byte() as usize % 3].to_string();
                let request = match s.byte() % 4 {
                    0 => mqtt5::Request::subscribe(Subscribe {
                        subscriptions: vec![Subscription {
                            filter,
                            qos: QoS::AtLeastOnce,
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                    1 => mqtt5::Request::unsubscribe(Unsubscribe {
                        filters: vec![filter],
                        ..Default::default()
                    }),
                    q => mqtt5::Request::publish(Publish {
                        topic: filter,
                        qos: QoS::from_u8(q - 2 + (s.byte() % 2)).unwrap_or(QoS::AtMostOnce),
                        payload: b"p".to_vec().into(),
                        ..Default::default()
                    })
                    .expect("a valid topic encodes"),
                };
                next_token += 1;
                ledger.accept(next_token);
                e.submit(request, next_token, u32::from(s.byte() % 4));
                sent_ids = (1..=next_token.min(64) as u16).collect();
            }
            5 => advance!(e, now, s),
            6 if link != Link::Down => {
                link = Link::Down;
                let error = (s.byte() & 1 == 1).then_some(1051);
                e.transport_closed(now, error);
            }
            7 => e.stop(None),
            _ => {}
        }
        drain!(e, now, link, e.transport_closed(now, None));
        e.take_events(&mut events);
        while let Some(event) = events.pop_front() {
            if let mqtt5::Event::Complete { token, .. } = event {
                ledger.complete(token);
            }
        }
        assert!(ledger.open() <= MAX_STEPS, "operations pile up");
    }
    e.shut_down();
    e.take_events(&mut events);
    for event in events {
        if let mqtt5::Event::Complete { token, .. } = event {
            ledger.complete(token);
        }
    }
    ledger.all_done();
}

/// The request-response engine, its protocol client played by the script.
pub fn request_response(data: &[u8]) {
    let mut s = Script { data, at: 0 };
    let config = rr::Config {
        budget: rr::Budget {
            max_request: 2 + (s.byte() % 3) as usize,
            max_streaming: (s.byte() % 3) as usize,
        },
        timeout_ns: 2_000 * MS,
    };
    let mut e = rr::Engine::new(config, s.byte() & 1 == 1);
    let mut ledger = Ledger::default();
    let mut requests = Vec::new();
    let mut streams = Vec::new();
    let mut pending: Vec<rr::Action> = Vec::new();
    let mut now = 0u64;
    let things = ["x", "y", "z"];
    for _ in 0..MAX_STEPS {
        if s.done() {
            break;
        }
        match s.byte() % 10 {
            0 => {
                let thing = things[s.byte() as usize % things.len()];
                let token = format!("t{}", s.byte() % 4);
                let path = |suffix: &str| rr::ResponsePath {
                    topic: format!("{thing}/get/{suffix}"),
                    token_path: "clientToken".into(),
                };
                let spec = rr::RequestSpec {
                    filters: vec![
                        format!("{thing}/get/accepted"),
                        format!("{thing}/get/rejected"),
                    ],
                    paths: vec![path("accepted"), path("rejected")],
                    publish_topic: format!("{thing}/get"),
                    payload: b"{}".to_vec(),
                    token: token.into_bytes(),
                };
                let op = e.allocate_id();
                ledger.accept(op as u32);
                requests.push(op);
                e.submit_request(now, op, spec);
            }
            1 => {
                let op = e.allocate_id();
                streams.push(op);
                e.activate_stream(op, format!("{}/events/+", things[s.byte() as usize % 3]));
            }
            2 if !streams.is_empty() => {
                let op = streams.remove(s.byte() as usize % streams.len());
                e.close_stream(op);
            }
            3 if !pending.is_empty() => {
                // The protocol client answers one of the actions it was given.
                let action = pending.remove(s.byte() as usize % pending.len());
                let outcome = s.byte();
                match action {
                    rr::Action::Subscribe(f) => {
                        let result = match outcome % 3 {
                            0 => Ok(()),
                            1 => Err(true),
                            _ => Err(false),
                        };
                        e.subscribed(&f, result);
                    }
                    rr::Action::Unsubscribe(f) => e.unsubscribed(&f, outcome % 2 == 0),
                    rr::Action::Publish { op, .. } => {
                        if outcome % 4 == 0 {
                            e.publish_failed(op);
                        }
                    }
                }
            }
            4 => e.connected(s.byte() & 1 == 1),
            5 => e.disconnected(),
            6 => {
                let thing = things[s.byte() as usize % 3];
                let topic = match s.byte() % 3 {
                    0 => format!("{thing}/get/accepted"),
                    1 => format!("{thing}/get/rejected"),
                    _ => format!("{thing}/events/e"),
                };
                let payload = match s.byte() % 3 {
                    0 => format!(r#"{{"clientToken":"t{}"}}"#, s.byte() % 4).into_bytes(),
                    1 => s.bytes(16),
                    _ => br#"{"clientToken":5}"#.to_vec(),
                };
                let matches = e.on_publish(&topic, &payload);
                if let Some(op) = matches.request {
                    ledger.complete(op as u32);
                }
            }
            7 => now += u64::from(s.byte()) * 20 * MS,
            _ => {}
        }
        e.service(now);
        pending.extend(e.take_actions());
        pending.truncate(MAX_STEPS);
        while let Some(event) = e.take_event() {
            if let rr::Event::RequestFailed { op, .. } = event {
                ledger.complete(op as u32);
            }
        }
    }
    e.shut_down();
    while let Some(event) = e.take_event() {
        if let rr::Event::RequestFailed { op, .. } = event {
            ledger.complete(op as u32);
        }
    }
    ledger.all_done();
    let _ = requests;
}

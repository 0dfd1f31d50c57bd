//! The 3.1.1 engine on a virtual clock: a scripted server decodes exactly what the client sent
//! and answers with encoded packets; no sockets, no sleeping.

use super::engine::{Action, Engine, State};
use super::outcome::{Event, Failure, Outcome};
use super::request::{Request, SubscribeTopic};
use super::settings::Settings;
use crate::client::backoff::BackoffConfig;
use crate::codec::{
    Connack, Packet, PubAck, Publish, QoS, Suback, Unsuback, Version, decode, encode_to_vec,
};
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
        let mut packets = Vec::new();
        let mut rest = &out[..];
        while let Some((packet, used)) = decode(rest, Version::V311).unwrap() {
            packets.push(packet);
            rest = &rest[used..];
        }
        assert!(rest.is_empty());
        packets
    }

    fn server(&mut self, packet: Packet) {
        let bytes = encode_to_vec(&packet, Version::V311).unwrap();
        self.engine.receive(self.now, &bytes);
    }

    fn take_events(&mut self) -> Vec<Event<u32>> {
        while let Some(e) = self.engine.poll_event() {
            self.events.push(e);
        }
        std::mem::take(&mut self.events)
    }

    /// Moves the clock forward, running each timer as it falls due.
    fn advance(&mut self, by: u64) {
        let until = self.now + by;
        while let Some(t) = self.engine.next_deadline().filter(|&t| t <= until) {
            self.now = self.now.max(t);
            self.engine.on_timer(self.now);
        }
        self.now = until;
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
        self.engine.submit(id, Request::Publish(p), token);
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

#[test]
fn connect_sends_the_settings_in_a_connect_packet_mqtt_3_1() {
    let mut h = Harness::new();
    let mut s = settings();
    s.clean_session = false;
    s.username = Some("user".into());
    s.password = Some(Bytes::from_static(b"pw"));
    let Packet::Connect(connect) = h.start(s) else {
        panic!("expected CONNECT")
    };
    assert_eq!(connect.client_id, "client-1");
    assert!(!connect.clean_start);
    assert_eq!(connect.keep_alive, 60);
    assert_eq!(connect.username.as_deref(), Some("user"));
    assert_eq!(connect.password.as_deref(), Some(&b"pw"[..]));
}

#[test]
fn a_password_without_a_user_name_is_not_sent_mqtt_3_1_2_22() {
    let mut h = Harness::new();
    let mut s = settings();
    s.password = Some(Bytes::from_static(b"pw"));
    let Packet::Connect(connect) = h.start(s) else {
        panic!("expected CONNECT")
    };
    assert_eq!(connect.password, None);
}

#[test]
fn an_accepted_connack_completes_the_connect_then_reports_success() {
    let mut h = Harness::new();
    h.start(settings());
    assert_eq!(h.engine.state(), State::Connecting);
    h.server(connack(0, true));
    assert_eq!(h.engine.state(), State::Connected);
    let events = h.take_events();
    assert!(matches!(
        events[..],
        [
            Event::ConnectionComplete {
                error: None,
                return_code: 0,
                session_present: true
            },
            Event::ConnectionSuccess {
                return_code: 0,
                session_present: true
            }
        ]
    ));
}

#[test]
fn a_refused_connack_fails_the_connect_with_protocol_error_and_its_return_code() {
    let mut h = Harness::new();
    h.start(settings());
    h.server(connack(5, false));
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert_eq!(h.engine.state(), State::Disconnected);
    let events = h.take_events();
    assert!(matches!(
        events[..],
        [
            Event::ConnectionComplete {
                error: Some(Failure::ProtocolError),
                return_code: 5,
                session_present: false
            },
            Event::ConnectionFailure {
                error: Failure::ProtocolError
            }
        ]
    ));
    h.advance(600 * SEC);
    assert_eq!(h.action(), None, "a failed first connect is not retried");
}

#[test]
fn a_hang_up_before_connack_is_an_unexpected_hangup() {
    let mut h = Harness::new();
    h.start(settings());
    h.closed(None);
    let events = h.take_events();
    assert!(matches!(
        events[0],
        Event::ConnectionComplete {
            error: Some(Failure::UnexpectedHangup),
            ..
        }
    ));
}

#[test]
fn a_transport_error_on_the_first_connect_is_reported_as_is() {
    let mut h = Harness::new();
    h.engine.connect(settings());
    assert_eq!(h.action(), Some(Action::Open));
    h.closed(Some(Failure::Transport(1049)));
    assert!(matches!(
        h.take_events()[..],
        [
            Event::ConnectionComplete {
                error: Some(Failure::Transport(1049)),
                ..
            },
            Event::ConnectionFailure {
                error: Failure::Transport(1049)
            }
        ]
    ));
}

#[test]
fn no_connack_within_the_ping_timeout_is_a_timeout() {
    let mut h = Harness::new();
    h.start(settings());
    h.advance(3 * SEC - 1);
    assert_eq!(h.action(), None);
    h.advance(1);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[0],
        Event::ConnectionComplete {
            error: Some(Failure::Timeout),
            ..
        }
    ));
}

#[test]
fn a_first_packet_other_than_connack_is_a_protocol_error_mqtt_3_2_0_1() {
    let mut h = Harness::new();
    h.start(settings());
    h.server(Packet::Pingresp);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[0],
        Event::ConnectionComplete {
            error: Some(Failure::ProtocolError),
            ..
        }
    ));
}

#[test]
fn malformed_bytes_close_the_connection_with_protocol_error_mqtt_4_8_0_1() {
    let mut h = Harness::connected(settings(), false);
    // A PUBACK with a remaining length of 3 is malformed.
    h.engine.receive(h.now, &[0x40, 0x03, 0x00, 0x01, 0x00]);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[..],
        [Event::Interrupted {
            error: Failure::ProtocolError
        }]
    ));
}

#[test]
fn a_server_sending_a_client_packet_is_a_protocol_error() {
    let mut h = Harness::connected(settings(), false);
    h.server(Packet::Pingreq);
    assert_eq!(h.action(), Some(Action::Close));
}

#[test]
fn a_lost_connection_is_interrupted_then_reconnects_with_doubling_backoff_then_resumes() {
    let mut h = Harness::connected(settings(), false);
    h.closed(None);
    assert_eq!(h.engine.state(), State::Reconnecting);
    assert!(matches!(
        h.take_events()[..],
        [Event::Interrupted {
            error: Failure::UnexpectedHangup
        }]
    ));
    // Attempts after 1 s, then 2 s, then 4 s (upstream's doubling from the minimum).
    for delay in [1, 2, 4] {
        h.advance(delay * SEC - 1);
        assert_eq!(h.action(), None);
        h.advance(1);
        assert_eq!(h.action(), Some(Action::Open));
        h.closed(Some(Failure::Transport(1049)));
        assert!(
            h.take_events().is_empty(),
            "a failed reconnect reports nothing"
        );
    }
    h.advance(8 * SEC);
    assert_eq!(h.action(), Some(Action::Open));
    h.engine.transport_opened(h.now);
    h.sent();
    h.server(connack(0, false));
    assert!(matches!(
        h.take_events()[..],
        [
            Event::Resumed {
                return_code: 0,
                session_present: false
            },
            Event::ConnectionSuccess { .. }
        ]
    ));
}

#[test]
fn the_backoff_never_exceeds_its_maximum() {
    let mut h = Harness::connected(settings(), false);
    h.closed(None);
    for _ in 0..6 {
        h.advance(8 * SEC);
        assert_eq!(h.action(), Some(Action::Open));
        h.closed(None);
    }
}

#[test]
fn a_qos1_publish_completes_on_its_puback_mqtt_4_3_2() {
    let mut h = Harness::connected(settings(), false);
    h.publish(7, QoS::AtLeastOnce, 70);
    let sent = h.sent();
    let [Packet::Publish(p)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!((p.packet_id, p.qos, p.dup), (7, QoS::AtLeastOnce, false));
    assert_eq!(h.engine.unacked(), (1, 4 + 3 + 5));
    assert!(h.take_events().is_empty());
    h.server(Packet::Puback(ack(7)));
    assert_eq!(completions(&h.take_events()), [(7, 70, Outcome::Success)]);
    assert_eq!(h.engine.unacked(), (0, 0));
}

#[test]
fn a_qos2_publish_sends_pubrel_on_pubrec_and_completes_on_pubcomp_mqtt_4_3_3() {
    let mut h = Harness::connected(settings(), false);
    h.publish(9, QoS::ExactlyOnce, 90);
    assert!(matches!(
        h.sent()[..],
        [Packet::Publish(Publish {
            packet_id: 9,
            qos: QoS::ExactlyOnce,
            ..
        })]
    ));
    h.server(Packet::Pubrec(ack(9)));
    assert_eq!(h.sent(), [Packet::Pubrel(ack(9))]);
    assert!(h.take_events().is_empty());
    h.server(Packet::Pubcomp(ack(9)));
    assert_eq!(completions(&h.take_events()), [(9, 90, Outcome::Success)]);
}

#[test]
fn a_qos0_publish_has_no_packet_id_and_completes_once_written_mqtt_2_3_1_5() {
    let mut h = Harness::connected(settings(), false);
    h.publish(3, QoS::AtMostOnce, 30);
    assert!(matches!(
        h.sent()[..],
        [Packet::Publish(Publish { packet_id: 0, .. })]
    ));
    assert_eq!(completions(&h.take_events()), [(3, 30, Outcome::Success)]);
}

#[test]
fn a_qos0_publish_while_not_connected_fails_with_not_connected() {
    let mut h = Harness::new();
    h.publish(3, QoS::AtMostOnce, 30);
    assert_eq!(
        completions(&h.take_events()),
        [(3, 30, Outcome::Failed(Failure::NotConnected))]
    );
}

#[test]
fn operations_queued_while_disconnected_go_out_after_the_connack() {
    let mut h = Harness::new();
    let mut s = settings();
    s.clean_session = false;
    h.publish(1, QoS::AtLeastOnce, 10);
    h.publish(2, QoS::ExactlyOnce, 20);
    h.start(s);
    h.server(connack(0, false));
    let sent = h.sent();
    let ids: Vec<u16> = sent
        .iter()
        .map(|p| match p {
            Packet::Publish(p) => p.packet_id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, [1, 2]);
}

#[test]
fn a_clean_session_connect_cancels_operations_left_from_before() {
    let mut h = Harness::new();
    h.publish(1, QoS::AtLeastOnce, 10);
    h.start(settings());
    assert_eq!(
        completions(&h.take_events()),
        [(1, 10, Outcome::Failed(Failure::CancelledForCleanSession))]
    );
}

#[test]
fn after_a_session_present_reconnect_the_unacked_publish_is_resent_with_dup_and_completes_once_mqtt_4_4_0_1()
 {
    let mut s = settings();
    s.clean_session = false;
    let mut h = Harness::connected(s, false);
    h.publish(5, QoS::AtLeastOnce, 50);
    h.sent();
    h.closed(None);
    h.take_events();
    h.advance(SEC);
    assert_eq!(h.action(), Some(Action::Open));
    h.engine.transport_opened(h.now);
    assert!(matches!(h.sent()[..], [Packet::Connect(_)]));
    h.server(connack(0, true));
    let sent = h.sent();
    let [Packet::Publish(p)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!((p.packet_id, p.dup), (5, true));
    h.server(Packet::Puback(ack(5)));
    h.server(Packet::Puback(ack(5)));
    assert_eq!(completions(&h.take_events()), [(5, 50, Outcome::Success)]);
}

#[test]
fn a_qos2_publish_whose_pubrec_arrived_resumes_with_pubrel_after_reconnect() {
    let mut s = settings();
    s.clean_session = false;
    let mut h = Harness::connected(s, false);
    h.publish(4, QoS::ExactlyOnce, 40);
    h.sent();
    h.server(Packet::Pubrec(ack(4)));
    h.sent();
    h.closed(None);
    h.advance(SEC);
    h.action();
    h.engine.transport_opened(h.now);
    h.sent();
    h.server(connack(0, true));
    assert_eq!(h.sent(), [Packet::Pubrel(ack(4))]);
    h.server(Packet::Pubcomp(ack(4)));
    assert_eq!(completions(&h.take_events()), [(4, 40, Outcome::Success)]);
}

#[test]
fn a_lost_clean_session_cancels_unfinished_operations() {
    let mut h = Harness::connected(settings(), false);
    h.publish(5, QoS::AtLeastOnce, 50);
    h.sent();
    h.publish(6, QoS::AtLeastOnce, 60);
    h.closed(None);
    let done = completions(&h.take_events());
    assert_eq!(
        done,
        [
            (5, 50, Outcome::Failed(Failure::CancelledForCleanSession)),
            (6, 60, Outcome::Failed(Failure::CancelledForCleanSession))
        ]
    );
    assert_eq!(h.engine.unacked(), (0, 0));
}

#[test]
fn an_unacknowledged_operation_times_out_and_a_late_ack_is_ignored() {
    let mut s = settings();
    s.operation_timeout_ns = Some(500 * MS);
    let mut h = Harness::connected(s, false);
    h.publish(8, QoS::AtLeastOnce, 80);
    h.sent();
    h.advance(499 * MS);
    assert!(h.take_events().is_empty());
    h.advance(MS);
    assert_eq!(
        completions(&h.take_events()),
        [(8, 80, Outcome::Failed(Failure::Timeout))]
    );
    h.server(Packet::Puback(ack(8)));
    assert!(h.take_events().is_empty());
    assert_eq!(h.action(), None, "the connection stays up");
}

#[test]
fn an_idle_connection_sends_pingreq_after_the_keep_alive_mqtt_3_1_2_23() {
    let mut h = Harness::connected(settings(), false);
    h.advance(60 * SEC - 1);
    assert!(h.sent().is_empty());
    h.advance(1);
    assert_eq!(h.sent(), [Packet::Pingreq]);
    h.server(Packet::Pingresp);
    h.advance(59 * SEC);
    assert!(h.sent().is_empty());
    h.advance(SEC);
    assert_eq!(h.sent(), [Packet::Pingreq]);
}

#[test]
fn traffic_pushes_the_next_pingreq_back() {
    let mut h = Harness::connected(settings(), false);
    h.advance(30 * SEC);
    h.publish(1, QoS::AtMostOnce, 1);
    h.sent();
    h.advance(59 * SEC);
    assert!(h.sent().is_empty());
    h.advance(SEC);
    assert_eq!(h.sent(), [Packet::Pingreq]);
}

#[test]
fn no_pingresp_within_the_ping_timeout_interrupts_with_timeout() {
    let mut h = Harness::connected(settings(), false);
    h.advance(60 * SEC);
    assert_eq!(h.sent(), [Packet::Pingreq]);
    h.advance(3 * SEC);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[..],
        [Event::Interrupted {
            error: Failure::Timeout
        }]
    ));
}

#[test]
fn an_incoming_qos1_publish_is_delivered_and_acknowledged_mqtt_4_3_2_2() {
    let mut h = Harness::connected(settings(), false);
    h.server(Packet::Publish(Publish {
        qos: QoS::AtLeastOnce,
        packet_id: 12,
        topic: "x".into(),
        ..Default::default()
    }));
    assert_eq!(h.sent(), [Packet::Puback(ack(12))]);
    assert!(matches!(&h.take_events()[..], [Event::Message(p)] if p.topic == "x"));
}

#[test]
fn an_incoming_qos2_publish_is_delivered_once_and_released_mqtt_4_3_3_2() {
    let mut h = Harness::connected(settings(), false);
    let publish = Publish {
        qos: QoS::ExactlyOnce,
        packet_id: 13,
        topic: "x".into(),
        ..Default::default()
    };
    h.server(Packet::Publish(publish.clone()));
    h.server(Packet::Publish(Publish {
        dup: true,
        ..publish.clone()
    }));
    assert_eq!(h.sent(), [Packet::Pubrec(ack(13)), Packet::Pubrec(ack(13))]);
    assert_eq!(
        h.take_events().len(),
        1,
        "the DUP resend is not a new message"
    );
    h.server(Packet::Pubrel(ack(13)));
    assert_eq!(h.sent(), [Packet::Pubcomp(ack(13))]);
    h.server(Packet::Publish(publish));
    assert_eq!(
        h.take_events().len(),
        1,
        "after PUBREL the id is a new message"
    );
}

#[test]
fn subscriptions_route_messages_and_the_suback_reports_each_return_code() {
    let mut h = Harness::connected(settings(), false);
    let topics = vec![
        SubscribeTopic {
            filter: "a/+".into(),
            qos: QoS::AtLeastOnce,
            handler: Some("plus"),
        },
        SubscribeTopic {
            filter: "a/#".into(),
            qos: QoS::ExactlyOnce,
            handler: Some("hash"),
        },
    ];
    h.engine.submit(20, Request::Subscribe(topics), 200);
    let sent = h.sent();
    let [Packet::Subscribe(sub)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(sub.packet_id, 20);
    assert_eq!(sub.subscriptions.len(), 2);
    let mut routed = Vec::new();
    h.engine
        .for_each_subscriber("a/b", |s| routed.push(s.handler));
    routed.sort();
    assert_eq!(routed, ["hash", "plus"]);
    h.server(Packet::Suback(Suback {
        packet_id: 20,
        reason_codes: vec![1, 0x80],
        ..Default::default()
    }));
    assert_eq!(
        completions(&h.take_events()),
        [(20, 200, Outcome::Suback(vec![1, 0x80]))]
    );
}

#[test]
fn a_suback_with_the_wrong_number_of_codes_is_a_protocol_error() {
    let mut h = Harness::connected(settings(), false);
    let topics = vec![SubscribeTopic {
        filter: "a".into(),
        qos: QoS::AtLeastOnce,
        handler: Some("a"),
    }];
    h.engine.submit(20, Request::Subscribe(topics), 200);
    h.sent();
    h.server(Packet::Suback(Suback {
        packet_id: 20,
        reason_codes: vec![1, 1],
        ..Default::default()
    }));
    assert_eq!(h.action(), Some(Action::Close));
}

#[test]
fn unsubscribe_stops_routing_and_completes_on_unsuback() {
    let mut h = Harness::connected(settings(), false);
    let topics = vec![SubscribeTopic {
        filter: "a/b".into(),
        qos: QoS::AtMostOnce,
        handler: Some("ab"),
    }];
    h.engine.submit(1, Request::Subscribe(topics), 1);
    h.sent();
    h.engine.submit(2, Request::Unsubscribe("a/b".into()), 2);
    let sent = h.sent();
    assert!(
        matches!(&sent[..], [Packet::Unsubscribe(u)] if u.filters == ["a/b"] && u.packet_id == 2)
    );
    let mut routed = 0;
    h.engine.for_each_subscriber("a/b", |_| routed += 1);
    assert_eq!(routed, 0);
    h.server(Packet::Unsuback(Unsuback {
        packet_id: 2,
        ..Default::default()
    }));
    assert_eq!(completions(&h.take_events()), [(2, 2, Outcome::Success)]);
}

#[test]
fn resubscribe_sends_every_subscription_again() {
    let mut h = Harness::connected(settings(), false);
    for (id, filter) in [(1, "a"), (2, "b/+")] {
        let topics = vec![SubscribeTopic {
            filter: filter.into(),
            qos: QoS::AtLeastOnce,
            handler: Some("x"),
        }];
        h.engine.submit(id, Request::Subscribe(topics), 0);
    }
    h.sent();
    h.engine.submit(3, Request::Resubscribe, 3);
    let sent = h.sent();
    let [Packet::Subscribe(sub)] = &sent[..] else {
        panic!("{sent:?}")
    };
    let mut filters: Vec<&str> = sub
        .subscriptions
        .iter()
        .map(|s| s.filter.as_str())
        .collect();
    filters.sort();
    assert_eq!(filters, ["a", "b/+"]);
}

#[test]
fn disconnect_sends_disconnect_then_reports_disconnected_once_closed_mqtt_3_14() {
    let mut h = Harness::connected(settings(), false);
    h.engine.disconnect().unwrap();
    assert_eq!(h.engine.state(), State::Disconnecting);
    assert_eq!(h.sent(), [Packet::Disconnect(Default::default())]);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert_eq!(h.engine.state(), State::Disconnected);
    assert!(matches!(h.take_events()[..], [Event::Disconnected]));
    h.advance(600 * SEC);
    assert_eq!(h.action(), None, "no reconnect after a user disconnect");
}

#[test]
fn disconnect_while_waiting_to_reconnect_finishes_at_once() {
    let mut h = Harness::connected(settings(), false);
    h.closed(None);
    h.take_events();
    h.engine.disconnect().unwrap();
    assert!(matches!(h.take_events()[..], [Event::Disconnected]));
    h.advance(600 * SEC);
    assert_eq!(h.action(), None);
}

#[test]
fn disconnect_when_not_connected_fails_with_not_connected() {
    let mut h = Harness::new();
    assert_eq!(h.engine.disconnect(), Err(Failure::NotConnected));
}

#[test]
fn shutting_down_fails_every_unfinished_operation_with_connection_destroyed() {
    let mut s = settings();
    s.clean_session = false;
    let mut h = Harness::new();
    h.engine.connect(s);
    h.publish(1, QoS::AtLeastOnce, 1);
    h.engine.shut_down();
    assert_eq!(
        completions(&h.take_events()),
        [(1, 1, Outcome::Failed(Failure::ConnectionDestroyed))]
    );
}

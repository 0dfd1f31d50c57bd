//! The MQTT 5 engine on a virtual clock: a scripted server decodes exactly what the client sent
//! and answers with encoded packets; no sockets, no sleeping.

use super::engine::{Action, Engine, State, Statistics};
use super::operation::{Request, UserDisconnect};
use super::outcome::{Completion, Error, Event, ManualAckResult};
use super::settings::{OfflineQueuePolicy, OutboundAliasing, SessionBehavior, Settings};
use crate::client::backoff::{Backoff, BackoffConfig, JitterMode, SplitMix64};
use crate::codec::{
    Connack, Connect, Disconnect, Packet, Properties, PubAck, Publish, QoS, Suback, Subscribe,
    Subscription, Unsuback, Unsubscribe, Version, decode, encode_to_vec,
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

    /// What the client wrote, decoded as the server reads it.
    fn sent(&mut self) -> Vec<Packet> {
        let mut out = Vec::new();
        self.engine.poll_transmit(self.now, &mut out, 1 << 20);
        let mut packets = Vec::new();
        let mut rest = &out[..];
        while let Some((packet, used)) = decode(rest, Version::V5).unwrap() {
            packets.push(packet);
            rest = &rest[used..];
        }
        assert!(rest.is_empty());
        packets
    }

    fn server(&mut self, packet: Packet) {
        let bytes = encode_to_vec(&packet, Version::V5).unwrap();
        self.engine.receive(self.now, &bytes);
    }

    fn events(&mut self) -> Vec<Event<u32>> {
        std::iter::from_fn(|| self.engine.poll_event()).collect()
    }

    /// Moves the clock forward, running each timer as it falls due.
    fn advance(&mut self, by: u64) {
        let until = self.now + by;
        while let Some(t) = self.engine.next_deadline().filter(|&t| t <= until) {
            self.now = self.now.max(t);
            self.engine.on_timer(self.now);
            // A deadline `on_timer` leaves due would spin the runtime's timer.
            let next = self.engine.next_deadline();
            assert!(next.is_none_or(|d| d > self.now), "{next:?} still due");
        }
        self.now = until;
    }

    /// The runtime performs an `Action::Close` the engine asked for.
    fn close_as_asked(&mut self) {
        assert_eq!(self.engine.poll_action(), Some(Action::Close));
        self.engine.transport_closed(self.now, None);
    }

    fn publish(&mut self, qos: QoS, token: u32) {
        self.engine.submit(Request::Publish(publish(qos)), token, 0);
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
    Request::Subscribe(Subscribe {
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

// ---- lifecycle ----

#[test]
fn start_connects_and_reports_success_with_the_negotiated_settings() {
    let mut h = Harness::new(settings());
    let connect = h.start();
    // [MQTT-3.1.2-4]: the session behavior CLEAN sets Clean Start.
    assert!(connect.clean_start);
    assert_eq!(connect.version, Version::V5);
    assert_eq!(connect.client_id, "client-1");
    assert_eq!(connect.keep_alive, 60);
    h.server(Packet::Connack(connack_with(Properties {
        receive_maximum: Some(10),
        ..Default::default()
    })));
    let events = h.events();
    assert!(matches!(events[0], Event::AttemptingConnect));
    let Event::ConnectionSuccess { connack, settings } = &events[1] else {
        panic!("{events:?}");
    };
    assert_eq!(connack.properties.receive_maximum, Some(10));
    assert_eq!(settings.receive_maximum_from_server, 10);
    assert_eq!(settings.client_id, "client-1");
    assert_eq!(h.engine.state(), State::Connected);
}

#[test]
fn a_refused_connack_fails_the_attempt_with_its_packet_then_reconnects_after_the_backoff() {
    let mut h = Harness::new(settings());
    h.start();
    h.server(Packet::Connack(Connack {
        reason_code: 0x87,
        ..Default::default()
    }));
    let events = h.events();
    let Event::ConnectionFailure { error, connack } = &events[1] else {
        panic!("{events:?}");
    };
    assert_eq!(*error, Error::ConnackRefused);
    assert_eq!(connack.as_ref().map(|c| c.reason_code), Some(0x87));
    h.close_as_asked();
    assert_eq!(h.engine.state(), State::PendingReconnect);
    assert!(h.events().is_empty(), "one final event per attempt");
    h.advance(999 * MS);
    assert_eq!(h.engine.poll_action(), None);
    h.advance(MS);
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
    assert!(matches!(h.events()[..], [Event::AttemptingConnect]));
}

#[test]
fn the_reconnect_delay_doubles_up_to_the_maximum_after_failed_attempts() {
    let mut h = Harness::new(settings());
    h.engine.start();
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
    let mut delays = Vec::new();
    for _ in 0..5 {
        h.engine.transport_closed(h.now, Some(1049));
        let before = h.now;
        loop {
            h.advance(100 * MS);
            if h.engine.poll_action() == Some(Action::Open) {
                break;
            }
        }
        delays.push((h.now - before) / MS);
    }
    assert_eq!(delays, vec![1000, 2000, 4000, 8000, 8000]);
    let events = h.events();
    assert!(matches!(
        events[1],
        Event::ConnectionFailure {
            error: Error::Transport(1049),
            connack: None
        }
    ));
}

#[test]
fn no_connack_in_time_fails_the_attempt_with_a_connack_timeout() {
    let mut s = settings();
    s.connack_timeout_ms = 500;
    let mut h = Harness::new(s);
    h.start();
    h.advance(499 * MS);
    assert_eq!(h.engine.state(), State::MqttConnect);
    h.advance(MS);
    let events = h.events();
    assert!(matches!(
        events[1],
        Event::ConnectionFailure {
            error: Error::ConnackTimeout,
            ..
        }
    ));
    h.close_as_asked();
    assert_eq!(h.engine.state(), State::PendingReconnect);
}

#[test]
fn a_hang_up_is_a_disconnection_then_the_client_reconnects() {
    let mut h = Harness::connected(settings());
    h.engine.transport_closed(h.now, None);
    assert!(matches!(
        h.events()[..],
        [Event::Disconnection {
            error: Error::UnexpectedHangup,
            disconnect: None
        }]
    ));
    h.advance(SEC);
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
}

#[test]
fn a_server_disconnect_is_reported_with_its_packet() {
    let mut h = Harness::connected(settings());
    h.server(Packet::Disconnect(Disconnect {
        reason_code: 0x8B,
        ..Default::default()
    }));
    let events = h.events();
    let [
        Event::Disconnection {
            error: Error::DisconnectReceived,
            disconnect: Some(d),
        },
    ] = &events[..]
    else {
        panic!("{events:?}");
    };
    assert_eq!(d.reason_code, 0x8B);
    h.close_as_asked();
}

#[test]
fn keep_alive_sends_pingreq_and_a_missing_pingresp_ends_with_a_keep_alive_disconnect() {
    let mut h = Harness::connected(settings());
    h.advance(60 * SEC);
    assert_eq!(h.sent(), vec![Packet::Pingreq]);
    h.server(Packet::Pingresp);
    h.advance(60 * SEC);
    assert_eq!(h.sent(), vec![Packet::Pingreq]);
    h.advance(3 * SEC);
    assert!(matches!(
        h.events()[..],
        [Event::Disconnection {
            error: Error::PingResponseTimeout,
            ..
        }]
    ));
    // [MQTT-3.14.2.1]: reason 0x8D, Keep Alive timeout.
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x8D));
    h.close_as_asked();
}

#[test]
fn the_server_keep_alive_replaces_the_clients() {
    // [MQTT-3.2.2-21]: the client uses the Server Keep Alive.
    let mut h = Harness::connected_with(
        settings(),
        connack_with(Properties {
            server_keep_alive: Some(10),
            ..Default::default()
        }),
    );
    h.advance(10 * SEC);
    assert_eq!(h.sent(), vec![Packet::Pingreq]);
}

#[test]
fn stop_with_a_disconnect_writes_it_then_reports_disconnection_and_stopped() {
    let mut h = Harness::connected(settings());
    h.publish(QoS::AtLeastOnce, 1);
    h.sent();
    h.engine.stop(Some(UserDisconnect {
        packet: Disconnect {
            reason_code: 0x04,
            ..Default::default()
        },
        token: Some(9),
    }));
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x04));
    let events = h.events();
    assert!(matches!(
        events[0],
        Event::Disconnection {
            error: Error::UserRequestedStop,
            disconnect: None
        }
    ));
    assert_eq!(completions(&events), vec![(9, Completion::Written)]);
    h.close_as_asked();
    let events = h.events();
    assert_eq!(
        completions(&events),
        vec![(1, Completion::Failed(Error::UserRequestedStop))]
    );
    assert!(matches!(events.last(), Some(Event::Stopped)));
    assert_eq!(h.engine.state(), State::Stopped);
    assert_eq!(h.engine.statistics(), Statistics::default());
}

#[test]
fn no_timer_stays_due_while_a_disconnect_waits_to_be_written() {
    let mut h = Harness::connected(settings());
    h.engine.stop(Some(UserDisconnect {
        packet: Disconnect::default(),
        token: None,
    }));
    // The keep alive falls due while the DISCONNECT waits for the socket: no ping is due
    // then, so no timer may stay due (`advance` checks it).
    h.advance(120 * SEC);
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(_)]));
}

#[test]
fn stop_without_a_connection_fails_the_disconnects_completion() {
    let mut h = Harness::new(settings());
    h.engine.stop(Some(UserDisconnect {
        packet: Disconnect::default(),
        token: Some(3),
    }));
    assert_eq!(
        completions(&h.events()),
        vec![(3, Completion::Failed(Error::NotConnected))]
    );
}

#[test]
fn stop_while_waiting_to_reconnect_stops_at_once() {
    let mut h = Harness::connected(settings());
    h.engine.transport_closed(h.now, None);
    h.engine.stop(None);
    let events = h.events();
    assert!(matches!(events.last(), Some(Event::Stopped)));
    h.advance(10 * SEC);
    assert_eq!(h.engine.poll_action(), None);
}

#[test]
fn a_disconnect_asking_for_session_expiry_after_a_zero_one_drops_the_connection() {
    // [MQTT-3.14.2-2]
    let mut h = Harness::connected(settings());
    h.engine.stop(Some(UserDisconnect {
        packet: Disconnect {
            properties: Properties {
                session_expiry_interval: Some(10),
                ..Default::default()
            },
            ..Default::default()
        },
        token: Some(4),
    }));
    assert!(h.sent().is_empty());
    let events = h.events();
    assert!(matches!(
        events[0],
        Event::Disconnection {
            error: Error::DisconnectNotAllowed,
            ..
        }
    ));
    assert_eq!(
        completions(&events),
        vec![(4, Completion::Failed(Error::DisconnectNotAllowed))]
    );
}

#[test]
fn terminate_stops_then_reports_terminated_and_refuses_new_operations() {
    let mut h = Harness::connected(settings());
    h.engine.terminate();
    h.close_as_asked();
    let events = h.events();
    assert!(matches!(
        events[events.len() - 2..],
        [Event::Stopped, Event::Terminated]
    ));
    h.publish(QoS::AtLeastOnce, 5);
    assert_eq!(
        completions(&h.events()),
        vec![(5, Completion::Failed(Error::ClientTerminated))]
    );
}

// ---- operations ----

#[test]
fn qos0_completes_when_written_and_qos1_with_its_puback() {
    let mut h = Harness::connected(settings());
    h.publish(QoS::AtMostOnce, 1);
    h.publish(QoS::AtLeastOnce, 2);
    let sent = h.sent();
    assert_eq!(publish_ids(&sent), vec![(0, false), (1, false)]);
    assert_eq!(completions(&h.events()), vec![(1, Completion::Written)]);
    h.server(Packet::Puback(PubAck {
        packet_id: 1,
        reason_code: 0x10,
        ..Default::default()
    }));
    let done = completions(&h.events());
    assert!(matches!(&done[..], [(2, Completion::Puback(a))] if a.reason_code == 0x10));
}

#[test]
fn qos2_goes_through_pubrec_pubrel_pubcomp() {
    // [MQTT-4.3.3]: PUBLISH, PUBREC, PUBREL, PUBCOMP.
    let mut h = Harness::connected(settings());
    h.publish(QoS::ExactlyOnce, 1);
    assert_eq!(publish_ids(&h.sent()), vec![(1, false)]);
    h.server(Packet::Pubrec(ack(1)));
    assert_eq!(h.sent(), vec![Packet::Pubrel(ack(1))]);
    assert!(completions(&h.events()).is_empty());
    h.server(Packet::Pubcomp(ack(1)));
    assert_eq!(
        completions(&h.events()),
        vec![(1, Completion::Pubcomp(ack(1)))]
    );
}

#[test]
fn subscribe_and_unsubscribe_complete_with_their_acks() {
    let mut h = Harness::connected(settings());
    h.engine.submit(subscribe("a/+"), 1, 0);
    h.engine.submit(
        Request::Unsubscribe(Unsubscribe {
            filters: vec!["x".into()],
            ..Default::default()
        }),
        2,
        0,
    );
    let sent = h.sent();
    assert!(matches!(&sent[0], Packet::Subscribe(s) if s.packet_id == 1));
    assert!(matches!(&sent[1], Packet::Unsubscribe(u) if u.packet_id == 2));
    let suback = Suback {
        packet_id: 1,
        reason_codes: vec![1],
        ..Default::default()
    };
    h.server(Packet::Suback(suback.clone()));
    let unsuback = Unsuback {
        packet_id: 2,
        reason_codes: vec![0x11],
        ..Default::default()
    };
    h.server(Packet::Unsuback(unsuback.clone()));
    assert_eq!(
        completions(&h.events()),
        vec![
            (1, Completion::Suback(suback)),
            (2, Completion::Unsuback(unsuback))
        ]
    );
}

#[test]
fn a_suback_with_the_wrong_number_of_reason_codes_is_a_protocol_error() {
    let mut h = Harness::connected(settings());
    h.engine.submit(subscribe("a"), 1, 0);
    h.sent();
    h.server(Packet::Suback(Suback {
        packet_id: 1,
        reason_codes: vec![0, 0],
        ..Default::default()
    }));
    assert_eq!(
        completions(&h.events()),
        vec![(1, Completion::Failed(Error::ProtocolError))]
    );
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x82));
}

#[test]
fn an_operation_without_its_ack_in_time_fails_with_a_timeout() {
    let mut s = settings();
    s.ack_timeout_secs = 5;
    let mut h = Harness::connected(s);
    h.publish(QoS::AtLeastOnce, 1);
    h.engine
        .submit(Request::Publish(publish(QoS::AtLeastOnce)), 2, 2);
    h.sent();
    h.advance(2 * SEC);
    assert_eq!(
        completions(&h.events()),
        vec![(2, Completion::Failed(Error::AckTimeout))],
        "the per-operation override"
    );
    h.advance(3 * SEC);
    assert_eq!(
        completions(&h.events()),
        vec![(1, Completion::Failed(Error::AckTimeout))]
    );
}

#[test]
fn receive_maximum_limits_publishes_in_flight() {
    // [MQTT-4.9.0-2]: no more QoS 1/2 publishes unacknowledged than the Receive Maximum.
    let mut h = Harness::connected_with(
        settings(),
        connack_with(Properties {
            receive_maximum: Some(2),
            ..Default::default()
        }),
    );
    for token in 1..=4 {
        h.publish(QoS::AtLeastOnce, token);
    }
    h.publish(QoS::AtMostOnce, 5);
    assert_eq!(publish_ids(&h.sent()), vec![(1, false), (2, false)]);
    h.server(Packet::Puback(ack(1)));
    assert_eq!(publish_ids(&h.sent()), vec![(3, false)]);
    h.server(Packet::Puback(ack(2)));
    h.server(Packet::Puback(ack(3)));
    assert_eq!(publish_ids(&h.sent()), vec![(4, false), (0, false)]);
}

#[test]
fn a_packet_above_the_servers_maximum_packet_size_fails_before_it_is_sent() {
    // [MQTT-3.2.2-15]: the client does not send packets above the Maximum Packet Size.
    let mut h = Harness::connected_with(
        settings(),
        connack_with(Properties {
            maximum_packet_size: Some(20),
            ..Default::default()
        }),
    );
    let mut big = publish(QoS::AtLeastOnce);
    big.payload = Bytes::from(vec![0u8; 100]);
    h.engine.submit(Request::Publish(big), 1, 0);
    h.publish(QoS::AtLeastOnce, 2);
    assert_eq!(publish_ids(&h.sent()), vec![(1, false)]);
    assert_eq!(
        completions(&h.events()),
        vec![(1, Completion::Failed(Error::PacketTooLarge))]
    );
}

#[test]
fn publishes_beyond_the_servers_maximum_qos_or_retain_support_fail() {
    // [MQTT-3.2.2-11], [MQTT-3.2.2-14]
    let mut h = Harness::connected_with(
        settings(),
        connack_with(Properties {
            maximum_qos: Some(0),
            retain_available: Some(0),
            ..Default::default()
        }),
    );
    h.publish(QoS::AtLeastOnce, 1);
    let mut retained = publish(QoS::AtMostOnce);
    retained.retain = true;
    h.engine.submit(Request::Publish(retained), 2, 0);
    assert!(h.sent().is_empty());
    assert_eq!(
        completions(&h.events()),
        vec![
            (1, Completion::Failed(Error::PublishNotAllowed)),
            (2, Completion::Failed(Error::PublishNotAllowed))
        ]
    );
}

#[test]
fn subscriptions_the_server_does_not_offer_fail_before_they_are_sent() {
    let mut h = Harness::connected_with(
        settings(),
        connack_with(Properties {
            wildcard_subscription_available: Some(0),
            shared_subscription_available: Some(0),
            ..Default::default()
        }),
    );
    h.engine.submit(subscribe("a/#"), 1, 0);
    h.engine.submit(subscribe("$share/g/a"), 2, 0);
    h.engine.submit(subscribe("a/b"), 3, 0);
    assert_eq!(h.sent().len(), 1);
    assert_eq!(
        completions(&h.events()),
        vec![
            (1, Completion::Failed(Error::SubscribeNotAllowed)),
            (2, Completion::Failed(Error::SubscribeNotAllowed))
        ]
    );
}

#[test]
fn statistics_count_incomplete_and_unacked_operations_by_packet_size() {
    let mut h = Harness::connected(settings());
    h.publish(QoS::AtLeastOnce, 1);
    h.publish(QoS::AtLeastOnce, 2);
    // Fixed header 2, topic 5, properties 1, payload 5: as upstream, a PUBLISH counts as
    // submitted, before it has a packet id.
    let size = 13;
    assert_eq!(
        h.engine.statistics(),
        Statistics {
            incomplete_count: 2,
            incomplete_size: 2 * size,
            unacked_count: 0,
            unacked_size: 0
        }
    );
    h.sent();
    assert_eq!(h.engine.statistics().unacked_count, 2);
    assert_eq!(h.engine.statistics().unacked_size, 2 * size);
    h.server(Packet::Puback(ack(1)));
    assert_eq!(
        h.engine.statistics(),
        Statistics {
            incomplete_count: 1,
            incomplete_size: size,
            unacked_count: 1,
            unacked_size: size
        }
    );
}

// ---- sessions and the offline queue ----

#[test]
fn a_rejoined_session_resends_unacked_qos1_first_with_dup_and_completes_it_once() {
    // [MQTT-4.4.0-1], [MQTT-3.3.1-1]
    let mut s = settings();
    s.session_behavior = SessionBehavior::RejoinPostSuccess;
    let mut h = Harness::connected(s);
    h.publish(QoS::AtLeastOnce, 1);
    h.sent();
    h.engine.transport_closed(h.now, None);
    h.publish(QoS::AtLeastOnce, 2);
    h.advance(SEC);
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
    h.engine.transport_opened(h.now);
    let connect = h.sent();
    assert!(matches!(&connect[..], [Packet::Connect(c)] if !c.clean_start));
    h.server(Packet::Connack(Connack {
        session_present: true,
        ..Default::default()
    }));
    assert_eq!(publish_ids(&h.sent()), vec![(1, true), (2, false)]);
    h.server(Packet::Puback(ack(1)));
    h.server(Packet::Puback(ack(1)));
    let done = completions(&h.events());
    assert_eq!(done, vec![(1, Completion::Puback(ack(1)))]);
}

#[test]
fn a_rejoined_session_resumes_qos2_with_pubrel_after_pubrec() {
    let mut s = settings();
    s.session_behavior = SessionBehavior::RejoinAlways;
    let mut h = Harness::new(s);
    assert!(
        !h.start().clean_start,
        "REJOIN_ALWAYS never sets Clean Start"
    );
    h.server(Packet::Connack(Connack::default()));
    h.publish(QoS::ExactlyOnce, 1);
    h.sent();
    h.server(Packet::Pubrec(ack(1)));
    h.engine.transport_closed(h.now, None);
    h.advance(SEC);
    h.engine.poll_action();
    h.engine.transport_opened(h.now);
    h.sent();
    h.server(Packet::Connack(Connack {
        session_present: true,
        ..Default::default()
    }));
    assert_eq!(h.sent(), vec![Packet::Pubrel(ack(1))]);
}

#[test]
fn a_session_the_client_did_not_ask_for_is_refused() {
    let mut h = Harness::new(settings());
    h.start();
    h.server(Packet::Connack(Connack {
        session_present: true,
        ..Default::default()
    }));
    let events = h.events();
    assert!(matches!(
        events[1],
        Event::ConnectionFailure {
            error: Error::CancelledForCleanSession,
            connack: Some(_)
        }
    ));
}

#[test]
fn offline_submissions_follow_the_queue_policy() {
    let mut s = settings();
    s.offline_queue = OfflineQueuePolicy::FailNonQos1PublishOnDisconnect;
    let mut h = Harness::new(s);
    h.engine.submit(subscribe("a"), 1, 0);
    h.publish(QoS::AtMostOnce, 2);
    h.publish(QoS::AtLeastOnce, 3);
    assert_eq!(
        completions(&h.events()),
        vec![
            (1, Completion::Failed(Error::OfflineQueuePolicy)),
            (2, Completion::Failed(Error::OfflineQueuePolicy))
        ]
    );
    h.start();
    h.server(Packet::Connack(Connack::default()));
    assert_eq!(publish_ids(&h.sent()), vec![(1, false)]);
}

#[test]
fn the_default_policy_fails_qos0_at_a_disconnection_and_keeps_the_rest() {
    let mut h = Harness::connected(settings());
    h.engine.submit(subscribe("a"), 1, 0);
    h.sent();
    // Throttle nothing; queue more while the subscribe is unacked.
    h.publish(QoS::AtMostOnce, 2);
    h.publish(QoS::AtLeastOnce, 3);
    h.engine.transport_closed(h.now, None);
    assert_eq!(
        completions(&h.events()),
        vec![(2, Completion::Failed(Error::OfflineQueuePolicy))]
    );
    h.advance(SEC);
    h.engine.poll_action();
    h.engine.transport_opened(h.now);
    h.sent();
    h.server(Packet::Connack(Connack::default()));
    let sent = h.sent();
    // The unacked subscribe goes first with a fresh id, then the queued publish.
    assert!(matches!(&sent[0], Packet::Subscribe(_)));
    assert!(matches!(&sent[1], Packet::Publish(p) if p.qos == QoS::AtLeastOnce));
}

#[test]
fn fail_all_fails_everything_but_a_rejoined_sessions_publishes() {
    let mut s = settings();
    s.offline_queue = OfflineQueuePolicy::FailAllOnDisconnect;
    let mut h = Harness::connected(s);
    h.publish(QoS::AtLeastOnce, 1);
    h.sent();
    h.engine.submit(subscribe("a"), 2, 0);
    h.engine.transport_closed(h.now, None);
    assert_eq!(
        completions(&h.events()),
        vec![(2, Completion::Failed(Error::OfflineQueuePolicy))]
    );
    // Not rejoined: the unacked publish fails too.
    h.advance(SEC);
    h.engine.poll_action();
    h.engine.transport_opened(h.now);
    h.sent();
    h.server(Packet::Connack(Connack::default()));
    assert_eq!(
        completions(&h.events()),
        vec![(1, Completion::Failed(Error::OfflineQueuePolicy))]
    );
}

#[test]
fn an_assigned_client_id_is_used_by_later_connections() {
    // [MQTT-3.2.2.3.7]
    let mut s = settings();
    s.connect.client_id.clear();
    let mut h = Harness::connected_with(
        s,
        connack_with(Properties {
            assigned_client_identifier: Some("auto-7".into()),
            ..Default::default()
        }),
    );
    h.engine.transport_closed(h.now, None);
    h.advance(SEC);
    h.engine.poll_action();
    h.engine.transport_opened(h.now);
    assert!(matches!(&h.sent()[..], [Packet::Connect(c)] if c.client_id == "auto-7"));
}

// ---- received publishes ----

#[test]
fn received_qos1_is_delivered_then_acknowledged() {
    let mut h = Harness::connected(settings());
    let mut p = publish(QoS::AtLeastOnce);
    p.packet_id = 7;
    h.server(Packet::Publish(p));
    assert!(matches!(&h.events()[..], [Event::Publish(p)] if p.topic == "a/b"));
    assert_eq!(h.sent(), vec![Packet::Puback(ack(7))]);
}

#[test]
fn received_qos2_is_delivered_once_and_completed_with_pubcomp() {
    // [MQTT-4.3.3-2]
    let mut h = Harness::connected(settings());
    let mut p = publish(QoS::ExactlyOnce);
    p.packet_id = 7;
    h.server(Packet::Publish(p.clone()));
    p.dup = true;
    h.server(Packet::Publish(p));
    assert_eq!(h.events().len(), 1);
    assert_eq!(
        h.sent(),
        vec![Packet::Pubrec(ack(7)), Packet::Pubrec(ack(7))]
    );
    h.server(Packet::Pubrel(ack(7)));
    assert_eq!(h.sent(), vec![Packet::Pubcomp(ack(7))]);
}

#[test]
fn a_held_acknowledgement_goes_out_when_released() {
    let mut h = Harness::connected(settings());
    let mut p = publish(QoS::AtLeastOnce);
    p.packet_id = 7;
    h.server(Packet::Publish(p));
    h.events();
    h.engine.hold_ack(7, 100);
    assert!(h.sent().is_empty());
    assert_eq!(h.engine.held_ack(7), Some(100));
    h.engine.release_ack(100, 1);
    assert_eq!(h.sent(), vec![Packet::Puback(ack(7))]);
    assert!(matches!(
        h.events()[..],
        [Event::ManualAck {
            token: 1,
            result: ManualAckResult::Sent
        }]
    ));
    h.engine.release_ack(100, 2);
    assert!(matches!(
        h.events()[..],
        [Event::ManualAck {
            token: 2,
            result: ManualAckResult::Invalid
        }]
    ));
}

#[test]
fn a_held_acknowledgement_is_cancelled_by_a_disconnection() {
    let mut h = Harness::connected(settings());
    let mut p = publish(QoS::AtLeastOnce);
    p.packet_id = 7;
    h.server(Packet::Publish(p));
    h.engine.hold_ack(7, 100);
    h.engine.transport_closed(h.now, None);
    h.events();
    h.engine.release_ack(100, 1);
    assert!(matches!(
        h.events()[..],
        [Event::ManualAck {
            result: ManualAckResult::Cancelled,
            ..
        }]
    ));
}

#[test]
fn inbound_topic_aliases_resolve_within_the_advertised_maximum() {
    let mut s = settings();
    s.inbound_alias_maximum = Some(5);
    let mut h = Harness::new(s);
    // [MQTT-3.1.2-26]: the Topic Alias Maximum the client accepts.
    assert_eq!(h.start().properties.topic_alias_maximum, Some(5));
    h.server(Packet::Connack(Connack::default()));
    h.events();
    let mut p = publish(QoS::AtMostOnce);
    p.properties.topic_alias = Some(2);
    h.server(Packet::Publish(p.clone()));
    p.topic.clear();
    h.server(Packet::Publish(p.clone()));
    let events = h.events();
    assert!(matches!(&events[1], Event::Publish(p) if p.topic == "a/b"));
    // [MQTT-3.3.2-9]: an alias above the maximum is a protocol error.
    p.properties.topic_alias = Some(6);
    p.topic = "x".into();
    h.server(Packet::Publish(p));
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x82));
}

#[test]
fn lru_aliasing_sends_the_topic_once_then_only_the_alias() {
    let mut s = settings();
    s.outbound_aliasing = OutboundAliasing::Lru(10);
    let mut h = Harness::connected_with(
        s,
        connack_with(Properties {
            topic_alias_maximum: Some(1),
            ..Default::default()
        }),
    );
    h.publish(QoS::AtMostOnce, 1);
    h.publish(QoS::AtMostOnce, 2);
    let sent = h.sent();
    let aliases: Vec<(String, Option<u16>)> = sent
        .iter()
        .map(|p| match p {
            Packet::Publish(p) => (p.topic.clone(), p.properties.topic_alias),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        aliases,
        vec![("a/b".into(), Some(1)), (String::new(), Some(1))]
    );
}

#[test]
fn a_malformed_packet_ends_the_connection_with_a_protocol_error_disconnect() {
    // [MQTT-4.13.1-1]: a malformed packet: DISCONNECT with reason 0x82 (or 0x81), then close.
    let mut h = Harness::connected(settings());
    h.engine.receive(h.now, &[0x40, 0x01, 0x00]);
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x82));
    assert!(matches!(
        h.events()[..],
        [Event::Disconnection {
            error: Error::ProtocolError,
            ..
        }]
    ));
    h.close_as_asked();
}

#[test]
fn a_packet_other_than_connack_first_is_a_protocol_error() {
    // [MQTT-3.2.0-1]
    let mut h = Harness::new(settings());
    h.start();
    h.server(Packet::Pingresp);
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x82));
    assert!(matches!(
        h.events()[1],
        Event::ConnectionFailure {
            error: Error::ProtocolError,
            ..
        }
    ));
}

#[test]
fn iot_core_limits_throttle_publishes_to_one_hundred_per_second() {
    let mut s = settings();
    s.iot_core_flow_control = true;
    let mut h = Harness::connected(s);
    for token in 0..300 {
        h.publish(QoS::AtMostOnce, token);
    }
    let mut sent = 0;
    let start = h.now;
    while h.now - start < 2 * SEC {
        sent += publish_ids(&h.sent()).len();
        h.advance(MS);
    }
    assert!((198..=202).contains(&sent), "{sent}");
}

// ---- robustness ----

/// Drives the engine with random server packets (valid and mangled), random operations, time
/// and transport events: it must never panic (statistics underflow included), and once stopped
/// every operation must have completed exactly once.
#[test]
fn random_servers_and_users_never_break_the_engine() {
    let mut random = SplitMix64::with_seed(2026);
    for round in 0..2000 {
        let mut s = settings();
        s.session_behavior = SessionBehavior::RejoinPostSuccess;
        s.outbound_aliasing = OutboundAliasing::Lru(4);
        s.inbound_alias_maximum = Some(4);
        s.iot_core_flow_control = round % 5 == 0;
        s.ack_timeout_secs = 3;
        let mut h = Harness::new(s);
        h.engine.start();
        let mut submitted = 0u32;
        let mut completed = std::collections::HashMap::<u32, u32>::new();
        let mut note = |events: Vec<Event<u32>>| {
            for e in events {
                if let Event::Complete { token, .. } = e {
                    *completed.entry(token).or_default() += 1;
                }
            }
        };
        for _ in 0..200 {
            let pick = random.next_u64() % 16;
            let id = (random.next_u64() % 8 + 1) as u16;
            match pick {
                0 => match h.engine.poll_action() {
                    Some(Action::Open) => h.engine.transport_opened(h.now),
                    Some(Action::Close) => h.engine.transport_closed(h.now, None),
                    None => {}
                },
                1 => {
                    let refused = random.next_u64() % 4 == 0;
                    h.server(Packet::Connack(Connack {
                        // [MQTT-3.2.2-6]: a refusal has Session Present 0.
                        session_present: !refused && random.next_u64() % 2 == 0,
                        reason_code: if refused { 0x87 } else { 0 },
                        properties: Properties {
                            receive_maximum: Some((random.next_u64() % 3 + 1) as u16),
                            topic_alias_maximum: Some((random.next_u64() % 3) as u16),
                            ..Default::default()
                        },
                    }))
                }
                2 => h.server(Packet::Puback(ack(id))),
                3 => h.server(Packet::Pubrec(ack(id))),
                4 => h.server(Packet::Pubcomp(ack(id))),
                5 => h.server(Packet::Suback(Suback {
                    packet_id: id,
                    reason_codes: vec![0; (random.next_u64() % 2 + 1) as usize],
                    ..Default::default()
                })),
                6 => {
                    let mut p = publish(QoS::from_u8((random.next_u64() % 3) as u8).unwrap());
                    p.packet_id = if p.qos == QoS::AtMostOnce { 0 } else { id };
                    p.properties.topic_alias = Some((random.next_u64() % 6 + 1) as u16);
                    if random.next_u64() % 2 == 0 {
                        p.topic.clear();
                    }
                    h.server(Packet::Publish(p));
                }
                7 => {
                    let bytes: Vec<u8> = (0..random.next_u64() % 12)
                        .map(|_| random.next_u64() as u8)
                        .collect();
                    h.engine.receive(h.now, &bytes);
                }
                8 | 9 => {
                    submitted += 1;
                    let qos = QoS::from_u8((random.next_u64() % 3) as u8).unwrap();
                    h.publish(qos, submitted);
                }
                10 => {
                    submitted += 1;
                    h.engine.submit(subscribe("a/#"), submitted, 0);
                }
                11 => {
                    h.sent();
                }
                12 => h.advance(random.next_u64() % (5 * SEC)),
                13 => {
                    let _ = h.engine.poll_action();
                    h.engine.transport_closed(h.now, None);
                }
                14 => h.engine.stop(None),
                _ => h.engine.start(),
            }
            note(h.events());
        }
        // What was queued while stopped stays queued: only the client's end fails it.
        h.engine.terminate();
        // The runtime performs every action (an open fails, a close completes) as time passes.
        let mut events = Vec::new();
        for _ in 0..10 {
            h.sent();
            while h.engine.poll_action().is_some() {
                h.engine.transport_closed(h.now, None);
            }
            h.advance(30 * SEC);
            events.extend(h.events());
        }
        assert!(
            matches!(events.last(), Some(Event::Terminated)),
            "round {round}: {events:?} {:?}",
            h.engine.state()
        );
        note(events);
        h.engine.shut_down();
        note(h.events());
        assert_eq!(h.engine.state(), State::Stopped, "round {round}");
        assert_eq!(
            h.engine.statistics(),
            Statistics::default(),
            "round {round}"
        );
        for token in 1..=submitted {
            assert_eq!(
                completed.get(&token),
                Some(&1),
                "round {round} token {token}"
            );
        }
    }
}

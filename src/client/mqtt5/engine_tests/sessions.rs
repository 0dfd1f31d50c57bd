//! Sessions and the offline queue: what a rejoined session resends, what each offline queue
//! policy keeps across a disconnection, and the assigned client id.

use super::*;

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
    h.reconnect(Connack {
        session_present: true,
        ..Default::default()
    });
    assert_eq!(h.sent(), vec![Packet::Pubrel(ack(1))]);
}

#[test]
fn without_the_session_a_qos2_exchange_after_pubrec_starts_over_with_publish() {
    // The server's state of the exchange went with its session: a PUBREL would name a packet
    // id it does not know. The message is sent again rather than released: a new exchange
    // (DUP set, as for any message sent before [MQTT-3.3.1-1]).
    let mut s = settings();
    s.session_behavior = SessionBehavior::RejoinAlways;
    let mut h = Harness::new(s);
    h.start();
    h.server(Packet::Connack(Connack::default()));
    h.publish(QoS::ExactlyOnce, 1);
    h.sent();
    h.server(Packet::Pubrec(ack(1)));
    assert_eq!(h.sent(), vec![Packet::Pubrel(ack(1))]);
    h.engine.transport_closed(h.now, None);
    h.reconnect(Connack {
        session_present: false,
        ..Default::default()
    });
    let sent = h.sent();
    assert!(
        !sent.iter().any(|p| matches!(p, Packet::Pubrel(_))),
        "{sent:?}"
    );
    assert_eq!(publish_ids(&sent), vec![(1, true)]);
    h.server(Packet::Pubrec(ack(1)));
    h.server(Packet::Pubcomp(ack(1)));
    assert_eq!(
        completions(&h.events()),
        vec![(1, Completion::Pubcomp(ack(1)))]
    );
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
    h.reconnect(Connack::default());
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
    h.reconnect(Connack::default());
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
        connack_with(Properties::from(PropertySet {
            assigned_client_identifier: Some("auto-7".into()),
            ..Default::default()
        })),
    );
    h.engine.transport_closed(h.now, None);
    h.advance(SEC);
    h.engine.poll_action();
    h.engine.transport_opened(h.now);
    assert!(matches!(&h.sent()[..], [Packet::Connect(c)] if c.client_id == "auto-7"));
}

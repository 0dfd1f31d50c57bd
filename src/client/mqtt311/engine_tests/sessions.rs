//! Sessions: the offline queue, what a clean session cancels, and what a present session
//! resends after a reconnect.

use super::*;

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

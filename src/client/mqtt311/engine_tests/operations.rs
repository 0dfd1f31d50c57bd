//! Operations on a connection: publishes at each QoS, and ACK timeouts.

use super::*;

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
fn an_operation_with_its_own_timeout_times_out_then_whatever_the_connections() {
    // Upstream's internal 3.1.1 calls carry a timeout of their own (the request-response
    // client gives its operation timeout); without one the connection's applies, here none.
    let mut h = Harness::connected(settings(), false);
    let publish = Publish {
        qos: QoS::AtLeastOnce,
        topic: "a/b".into(),
        ..Default::default()
    };
    h.engine
        .submit_with_timeout(9, Request::publish(publish.as_parts()).unwrap(), 90, 200);
    h.publish(10, QoS::AtLeastOnce, 100);
    h.sent();
    h.advance(199 * MS);
    assert!(h.take_events().is_empty());
    h.advance(MS);
    assert_eq!(
        completions(&h.take_events()),
        [(9, 90, Outcome::Failed(Failure::Timeout))]
    );
    h.advance(3_600_000 * MS);
    assert!(
        completions(&h.take_events()).is_empty(),
        "the other one has no timeout"
    );
}

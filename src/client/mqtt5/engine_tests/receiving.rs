//! Received publishes: delivery and acknowledgement at each QoS, manual acknowledgements, and
//! inbound topic aliases.

use super::*;

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

/// A manual acknowledgement released but not yet written when the connection goes.
fn released_but_unsent(h: &mut Harness) {
    let mut p = publish(QoS::AtLeastOnce);
    p.packet_id = 7;
    h.server(Packet::Publish(p));
    h.events();
    h.engine.hold_ack(7, 100);
    h.engine.release_ack(100, 1);
}

#[test]
fn a_released_acknowledgement_not_yet_sent_fails_at_a_disconnection() {
    let mut h = Harness::connected(settings());
    released_but_unsent(&mut h);
    h.engine.transport_closed(h.now, None);
    let failed = h
        .events()
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                Event::ManualAck {
                    token: 1,
                    result: ManualAckResult::Failed
                }
            )
        })
        .count();
    assert_eq!(failed, 1, "the acknowledgement's completion runs once");
}

#[test]
fn a_released_acknowledgement_not_yet_sent_fails_at_shutdown() {
    let mut h = Harness::connected(settings());
    released_but_unsent(&mut h);
    h.engine.shut_down();
    assert!(matches!(
        h.events()[..],
        [Event::ManualAck {
            token: 1,
            result: ManualAckResult::Failed
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

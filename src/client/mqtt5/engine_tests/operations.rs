//! Operations on a connection: publishes at each QoS, subscribe and unsubscribe, ACK timeouts,
//! statistics and outbound topic aliases.

use super::*;

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
        Request::unsubscribe(Unsubscribe {
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
fn a_suback_or_unsuback_with_the_wrong_number_of_reason_codes_is_a_protocol_error() {
    // [MQTT-3.9.3-1], [MQTT-3.11.3-1]: one reason code per filter; more or fewer (the count
    // comes off the wire: CVE-2026-115417) fails the operation and closes with 0x82.
    let unsubscribe = |filters: &[&str]| {
        Request::unsubscribe(Unsubscribe {
            filters: filters.iter().map(|f| f.to_string()).collect(),
            ..Default::default()
        })
    };
    // (No case with zero codes: such a SUBACK or UNSUBACK does not even decode.)
    let cases: [(Request, Packet); 3] = [
        (
            subscribe("a"),
            Packet::Suback(Suback {
                packet_id: 1,
                reason_codes: vec![0, 0],
                ..Default::default()
            }),
        ),
        (
            unsubscribe(&["x"]),
            Packet::Unsuback(Unsuback {
                packet_id: 1,
                reason_codes: vec![0, 0, 0],
                ..Default::default()
            }),
        ),
        (
            unsubscribe(&["x", "y"]),
            Packet::Unsuback(Unsuback {
                packet_id: 1,
                reason_codes: vec![0],
                ..Default::default()
            }),
        ),
    ];
    for (request, ack) in cases {
        let mut h = Harness::connected(settings());
        h.engine.submit(request, 1, 0);
        h.sent();
        h.server(ack.clone());
        assert_eq!(
            completions(&h.events()),
            vec![(1, Completion::Failed(Error::ProtocolError))],
            "{ack:?}"
        );
        assert!(
            matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x82),
            "{ack:?}"
        );
    }
}

#[test]
fn an_operation_without_its_ack_in_time_fails_with_a_timeout() {
    let mut s = settings();
    s.ack_timeout_secs = 5;
    let mut h = Harness::connected(s);
    h.publish(QoS::AtLeastOnce, 1);
    h.engine
        .submit(Request::publish(publish(QoS::AtLeastOnce)).unwrap(), 2, 2);
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

#[test]
fn lru_aliasing_sends_the_topic_once_then_only_the_alias() {
    let mut s = settings();
    s.outbound_aliasing = OutboundAliasing::Lru(10);
    let mut h = Harness::connected_with(
        s,
        connack_with(Properties::from(PropertySet {
            topic_alias_maximum: Some(1),
            ..Default::default()
        })),
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
fn a_filter_subscribed_unsubscribed_and_subscribed_again_completes_each_time() {
    let mut h = Harness::connected(settings());
    h.engine.submit(subscribe("a/+"), 1, 0);
    let Packet::Subscribe(s) = &h.sent()[0] else {
        panic!("expected a SUBSCRIBE")
    };
    let first_id = s.packet_id;
    h.server(Packet::Suback(Suback {
        packet_id: first_id,
        reason_codes: vec![1],
        ..Default::default()
    }));
    h.publish(QoS::AtLeastOnce, 2);
    let Packet::Publish(p) = &h.sent()[0] else {
        panic!("expected a PUBLISH")
    };
    h.server(Packet::Puback(ack(p.packet_id)));
    h.engine.submit(
        Request::unsubscribe(Unsubscribe {
            filters: vec!["a/+".into()],
            ..Default::default()
        }),
        3,
        0,
    );
    let Packet::Unsubscribe(u) = &h.sent()[0] else {
        panic!("expected an UNSUBSCRIBE")
    };
    h.server(Packet::Unsuback(Unsuback {
        packet_id: u.packet_id,
        reason_codes: vec![0],
        ..Default::default()
    }));
    h.engine.submit(subscribe("a/+"), 4, 0);
    let Packet::Subscribe(s) = &h.sent()[0] else {
        panic!("expected the second SUBSCRIBE")
    };
    h.server(Packet::Suback(Suback {
        packet_id: s.packet_id,
        reason_codes: vec![1],
        ..Default::default()
    }));
    let done: Vec<u32> = completions(&h.events())
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(done, [1, 2, 3, 4]);
}

//! Received publishes and subscriptions: delivery and acknowledgement at each QoS, routing by
//! the topic tree, SUBACK, UNSUBACK and resubscribe.

use super::*;

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

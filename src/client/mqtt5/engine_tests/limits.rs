//! What the server allows: Receive Maximum, Maximum Packet Size, Maximum QoS, Retain,
//! subscription features, and AWS IoT Core's rate limits.

use super::*;

#[test]
fn receive_maximum_limits_publishes_in_flight() {
    // [MQTT-4.9.0-2]: no more QoS 1/2 publishes unacknowledged than the Receive Maximum.
    let mut h = Harness::connected_with(
        settings(),
        connack_with(Properties::from(PropertySet {
            receive_maximum: Some(2),
            ..Default::default()
        })),
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
fn the_clients_own_in_flight_limit_holds_below_a_larger_receive_maximum() {
    // Beyond upstream: at most `max_inflight` QoS 1/2 publishes unacknowledged, under a server
    // that allows 65,535 (no Receive Maximum) [MQTT-3.2.2-16]; what the server allows is still
    // what the negotiated settings report.
    let mut limited = settings();
    limited.max_inflight = 3;
    let mut h = Harness::connected(limited);
    assert_eq!(h.engine.negotiated().receive_maximum_from_server, 65535);
    for token in 1..=5 {
        h.publish(QoS::AtLeastOnce, token);
    }
    assert_eq!(
        publish_ids(&h.sent()),
        vec![(1, false), (2, false), (3, false)]
    );
    h.server(Packet::Puback(ack(2)));
    assert_eq!(publish_ids(&h.sent()), vec![(4, false)]);

    // 0: the server's Receive Maximum alone, as upstream; the default: 4096.
    let mut unlimited = settings();
    unlimited.max_inflight = 0;
    let mut h = Harness::connected(unlimited);
    for token in 1..=5000 {
        h.publish(QoS::AtLeastOnce, token);
    }
    assert_eq!(publish_ids(&h.sent()).len(), 5000);
    let mut h = Harness::connected(Settings {
        max_inflight: Settings::default().max_inflight,
        ..settings()
    });
    for token in 1..=5000 {
        h.publish(QoS::AtLeastOnce, token);
    }
    assert_eq!(publish_ids(&h.sent()).len(), 4096);
}

#[test]
fn a_packet_above_the_servers_maximum_packet_size_fails_before_it_is_sent() {
    // [MQTT-3.2.2-15]: the client does not send packets above the Maximum Packet Size.
    let mut h = Harness::connected_with(
        settings(),
        connack_with(Properties::from(PropertySet {
            maximum_packet_size: Some(20),
            ..Default::default()
        })),
    );
    let mut big = publish(QoS::AtLeastOnce);
    big.payload = Bytes::from(vec![0u8; 100]);
    h.engine.submit(Request::publish(big).unwrap(), 1, 0);
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
        connack_with(Properties::from(PropertySet {
            maximum_qos: Some(0),
            retain_available: Some(0),
            ..Default::default()
        })),
    );
    h.publish(QoS::AtLeastOnce, 1);
    let mut retained = publish(QoS::AtMostOnce);
    retained.retain = true;
    h.engine.submit(Request::publish(retained).unwrap(), 2, 0);
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
        connack_with(Properties::from(PropertySet {
            wildcard_subscription_available: Some(0),
            shared_subscription_available: Some(0),
            ..Default::default()
        })),
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

/// Beyond upstream: bounded queues (`client/queue_limits.rs`).
mod queue_limits {
    use super::*;
    use crate::client::queue_limits::{QueueLimits, WhenFull};

    fn bounded(max_operations: u64, when_full: WhenFull) -> Harness {
        let mut h = Harness::new(settings());
        h.engine.set_queue_limits(Some(QueueLimits {
            max_operations,
            max_bytes: 0,
            when_full,
        }));
        h
    }

    #[test]
    fn offline_past_the_limit_a_new_operation_is_refused() {
        let mut h = bounded(2, WhenFull::Refuse);
        for token in 1..=3 {
            h.publish(QoS::AtLeastOnce, token);
        }
        assert_eq!(
            completions(&h.events()),
            [(3, Completion::Failed(Error::QueueFull))]
        );
        assert_eq!(h.engine.statistics().incomplete_count, 2);
        assert_eq!(h.engine.queue_statistics().refused, 1);
    }

    #[test]
    fn qos0_first_drops_the_oldest_queued_qos0_publish() {
        // Connected: the offline queue policy keeps QoS 0 publishes only while connected.
        let mut h = Harness::connected(settings());
        h.engine.set_queue_limits(Some(QueueLimits {
            max_operations: 2,
            max_bytes: 0,
            when_full: WhenFull::DropQos0ThenRefuse,
        }));
        h.publish(QoS::AtMostOnce, 1);
        h.publish(QoS::AtLeastOnce, 2);
        h.publish(QoS::AtLeastOnce, 3);
        assert_eq!(
            completions(&h.events()),
            [(1, Completion::Failed(Error::QueueFull))]
        );
        // No QoS 0 publish left to drop: refused.
        h.publish(QoS::AtLeastOnce, 4);
        assert_eq!(
            completions(&h.events()),
            [(4, Completion::Failed(Error::QueueFull))]
        );
        assert_eq!(h.engine.queue_statistics().dropped, 1);
        assert_eq!(h.engine.queue_statistics().refused, 1);
        // What is left goes out as usual.
        assert_eq!(publish_ids(&h.sent()).len(), 2);
    }

    #[test]
    fn oldest_drops_queued_operations_of_any_kind_but_never_sent_ones() {
        let mut h = Harness::connected(settings());
        h.engine.set_queue_limits(Some(QueueLimits {
            max_operations: 2,
            max_bytes: 0,
            when_full: WhenFull::DropOldest,
        }));
        h.publish(QoS::AtLeastOnce, 1);
        // Sent, waiting for its PUBACK: not droppable.
        assert_eq!(publish_ids(&h.sent()).len(), 1);
        h.publish(QoS::AtLeastOnce, 2);
        h.publish(QoS::AtLeastOnce, 3);
        assert_eq!(
            completions(&h.events()),
            [(2, Completion::Failed(Error::QueueFull))]
        );
        let sent = publish_ids(&h.sent());
        assert_eq!(sent.len(), 1, "only 3 goes out: {sent:?}");
        assert_eq!(h.engine.statistics().incomplete_count, 2);
    }
}

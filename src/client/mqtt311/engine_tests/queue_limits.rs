//! Beyond upstream: bounded queues (`client/queue_limits.rs`) on the 3.1.1 engine.

use super::*;
use crate::client::queue_limits::{QueueLimits, WhenFull};

fn bounded(h: &mut Harness, max_operations: u64, max_bytes: u64, when_full: WhenFull) {
    h.engine.set_queue_limits(Some(QueueLimits {
        max_operations,
        max_bytes,
        when_full,
    }));
}

#[test]
fn offline_past_the_limit_a_new_publish_is_refused() {
    let mut h = Harness::new();
    bounded(&mut h, 2, 0, WhenFull::Refuse);
    for id in 1..=3 {
        h.publish(id, QoS::AtLeastOnce, u32::from(id));
    }
    let done = completions(&h.take_events());
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].0, 3);
    assert_eq!(done[0].2, Outcome::Failed(Failure::QueueFull));
    assert_eq!(h.engine.queue_statistics().refused, 1);
}

#[test]
fn a_byte_limit_drops_the_oldest_queued_operations_first() {
    let mut h = Harness::new();
    // Each publish to "a/b" with "hello" counts 2 + 3 + 5 = 10 bytes with its packet id and
    // topic length: room for two.
    bounded(&mut h, 0, 25, WhenFull::DropOldest);
    for id in 1..=4 {
        h.publish(id, QoS::AtLeastOnce, u32::from(id));
    }
    let done: Vec<u16> = completions(&h.take_events())
        .into_iter()
        .map(|(id, _, outcome)| {
            assert_eq!(outcome, Outcome::Failed(Failure::QueueFull));
            id
        })
        .collect();
    assert_eq!(done, [1, 2]);
    assert_eq!(h.engine.queue_statistics().dropped, 2);
    // The two left go out once connected (a clean session would cancel them).
    h.start(Settings {
        clean_session: false,
        ..settings()
    });
    h.server(connack(0, false));
    let ids: Vec<u16> = h
        .sent()
        .into_iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some(p.packet_id),
            _ => None,
        })
        .collect();
    assert_eq!(ids, [3, 4]);
}

#[test]
fn qos0_first_refuses_when_only_acknowledged_operations_are_queued() {
    let mut h = Harness::new();
    bounded(&mut h, 1, 0, WhenFull::DropQos0ThenRefuse);
    h.publish(1, QoS::AtLeastOnce, 1);
    h.publish(2, QoS::AtLeastOnce, 2);
    let done = completions(&h.take_events());
    assert_eq!(done, [(2, 2, Outcome::Failed(Failure::QueueFull))]);
}

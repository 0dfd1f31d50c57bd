//! Beyond upstream: the engine over a durable store. A recording store stands in for the file
//! log: the tests read what the engine told it, and restore what a killed process left.

use super::*;
use crate::client::journal::StoredPublish;
use crate::client::test_support::{Recording, Told, stored_publish};

/// A stopped client over a recording store that held `publishes` and `incoming`.
fn restored(publishes: Vec<(StoredPublish, u32)>, incoming: &[u16]) -> (Harness, Recording) {
    let mut s = settings();
    s.session_behavior = SessionBehavior::RejoinAlways;
    let mut h = Harness::new(s);
    let (journal, recording) = Recording::journal();
    h.engine.attach_store(journal, publishes, incoming);
    (h, recording)
}

/// What a store keeps of a publish to `a/b` of `qos` with `payload`.
fn stored(
    record: u64,
    packet_id: u16,
    released: bool,
    qos: QoS,
    payload: &'static [u8],
) -> StoredPublish {
    stored_publish(Version::V5, record, packet_id, released, qos, payload)
}

fn session_present() -> Connack {
    Connack {
        session_present: true,
        ..Default::default()
    }
}

#[test]
fn a_recorded_publish_tells_the_store_its_packet_id_its_pubrec_and_its_end() {
    let (mut h, store) = restored(vec![], &[]);
    h.start();
    h.server(Packet::Connack(Connack::default()));
    assert_eq!(
        store.take(),
        vec![Told::Cleared],
        "a new session has no QoS 2 pending"
    );
    let request = Request::publish(publish(QoS::ExactlyOnce)).unwrap();
    h.engine.submit_recorded(request, 1, 0, 100);
    h.publish(QoS::AtLeastOnce, 2); // not recorded: the store hears nothing of it
    assert_eq!(publish_ids(&h.sent()), vec![(1, false), (2, false)]);
    assert_eq!(store.take(), vec![Told::Progressed(100, 1, false)]);
    h.server(Packet::Pubrec(ack(1)));
    assert_eq!(store.take(), vec![Told::Progressed(100, 1, true)]);
    h.server(Packet::Puback(ack(2)));
    h.server(Packet::Pubcomp(ack(1)));
    assert_eq!(store.take(), vec![Told::Settled(100)]);
}

#[test]
fn restored_publishes_go_first_with_their_packet_ids_and_dup_then_the_unsent_then_new() {
    // [MQTT-4.4.0-1]: resent before anything new, with the same ids; [MQTT-3.3.1-1]: DUP.
    let (mut h, store) = restored(
        vec![
            (stored(3, 40, false, QoS::AtLeastOnce, b"sent"), 1),
            (stored(4, 41, true, QoS::ExactlyOnce, b"recd"), 2),
            (stored(5, 0, false, QoS::AtLeastOnce, b"unsent"), 3),
        ],
        &[],
    );
    h.publish(QoS::AtLeastOnce, 4);
    let stats = h.engine.statistics();
    assert_eq!((stats.incomplete_count, stats.unacked_count), (4, 2));
    h.start();
    h.server(Packet::Connack(session_present()));
    let sent = h.sent();
    assert!(
        matches!(&sent[0], Packet::Publish(p) if p.packet_id == 40 && p.dup && p.payload == "sent")
    );
    assert_eq!(sent[1], Packet::Pubrel(ack(41)));
    let rest = publish_ids(&sent[2..]);
    assert_eq!(rest.len(), 2);
    assert!(rest.iter().all(|&(id, dup)| id != 40 && id != 41 && !dup));
    assert!(matches!(&sent[2], Packet::Publish(p) if p.payload == "unsent"));
    store.take();
    h.server(Packet::Puback(ack(40)));
    h.server(Packet::Pubcomp(ack(41)));
    h.server(Packet::Puback(ack(rest[0].0)));
    let done = completions(&h.events());
    let tokens: Vec<u32> = done.iter().map(|(t, _)| *t).collect();
    assert_eq!(tokens, [1, 2, 3]);
    assert_eq!(
        store.take(),
        vec![Told::Settled(3), Told::Settled(4), Told::Settled(5)]
    );
}

#[test]
fn a_restored_received_qos2_id_is_acknowledged_but_not_delivered_again() {
    // [MQTT-4.3.3-2]: until its PUBREL, a resend of the same id is only acknowledged.
    let (mut h, store) = restored(vec![], &[9]);
    h.start();
    h.server(Packet::Connack(session_present()));
    h.events();
    let mut again = publish(QoS::ExactlyOnce);
    again.packet_id = 9;
    again.dup = true;
    h.server(Packet::Publish(again.clone()));
    assert!(!h.events().iter().any(|e| matches!(e, Event::Publish(_))));
    assert_eq!(h.sent(), vec![Packet::Pubrec(ack(9))]);
    h.server(Packet::Pubrel(ack(9)));
    assert_eq!(store.take(), vec![Told::Released(9)]);
    // A new message under the id is delivered (the runtime records it as it delivers it).
    again.dup = false;
    h.server(Packet::Publish(again));
    assert!(h.events().iter().any(|e| matches!(e, Event::Publish(_))));
    assert_eq!(store.take(), vec![]);
}

#[test]
fn a_stopped_or_terminated_client_leaves_its_publishes_in_the_store() {
    let (mut h, store) = restored(vec![(stored(7, 0, false, QoS::AtLeastOnce, b"x"), 1)], &[]);
    h.start();
    h.engine.stop(None);
    h.close_as_asked();
    let done = completions(&h.events());
    assert_eq!(
        done,
        vec![(1, Completion::Failed(Error::UserRequestedStop))]
    );
    h.engine.terminate();
    let request = Request::publish(publish(QoS::AtLeastOnce)).unwrap();
    h.engine.submit_recorded(request, 2, 0, 101);
    let done = completions(&h.events());
    assert_eq!(done, vec![(2, Completion::Failed(Error::ClientTerminated))]);
    assert_eq!(
        store.take(),
        vec![],
        "the next process with the store sends it"
    );
}

#[test]
fn a_stored_packet_that_no_longer_decodes_fails_and_is_settled() {
    let mut broken = stored(8, 12, false, QoS::AtLeastOnce, b"x");
    broken.packet.truncate(4);
    let (mut h, store) = restored(vec![(broken, 1)], &[]);
    let done = completions(&h.events());
    assert_eq!(done, vec![(1, Completion::Failed(Error::EncodeFailure))]);
    assert_eq!(store.take(), vec![Told::Settled(8)]);
    assert_eq!(h.engine.statistics(), Statistics::default());
}

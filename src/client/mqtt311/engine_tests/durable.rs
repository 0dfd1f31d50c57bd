//! Beyond upstream: the 3.1.1 engine over a durable store (a recording one, see
//! `client::test_support`).

use super::*;
use crate::client::journal::StoredPublish;
use crate::client::test_support::{Recording, Told, stored_publish};

/// A disconnected engine over a recording store that held `publishes` and `incoming`.
fn restored(publishes: Vec<(u16, StoredPublish, u32)>, incoming: &[u16]) -> (Harness, Recording) {
    let mut h = Harness::new();
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
    stored_publish(Version::V311, record, packet_id, released, qos, payload)
}

fn kept_session() -> Settings {
    Settings {
        clean_session: false,
        ..settings()
    }
}

#[test]
fn a_recorded_publish_tells_the_store_its_packet_id_its_pubrec_and_its_end() {
    let (mut h, store) = restored(vec![], &[]);
    h.start(kept_session());
    h.server(connack(0, false));
    let p = Publish {
        qos: QoS::ExactlyOnce,
        topic: "a/b".into(),
        payload: Bytes::from_static(b"x"),
        ..Default::default()
    };
    let request = Request::publish(p.as_parts()).unwrap();
    h.engine.submit_recorded(5, request, 1, 0, 100);
    h.sent();
    assert_eq!(store.take(), vec![Told::Progressed(100, 5, false)]);
    h.server(Packet::Pubrec(ack(5)));
    assert_eq!(store.take(), vec![Told::Progressed(100, 5, true)]);
    h.server(Packet::Pubcomp(ack(5)));
    assert_eq!(store.take(), vec![Told::Settled(100)]);
}

#[test]
fn restored_publishes_go_first_resent_with_dup_or_pubrel_then_the_unsent() {
    // [MQTT-4.4.0-1] and [MQTT-3.3.1-1]: resent first, with DUP; PUBREL after a PUBREC.
    let (mut h, store) = restored(
        vec![
            (40, stored(3, 40, false, QoS::AtLeastOnce, b"sent"), 1),
            (41, stored(4, 41, true, QoS::ExactlyOnce, b"recd"), 2),
            (7, stored(5, 0, false, QoS::AtLeastOnce, b"unsent"), 3),
        ],
        &[],
    );
    h.publish(8, QoS::AtLeastOnce, 4);
    h.start(kept_session());
    h.server(connack(0, true));
    let sent = h.sent();
    assert!(
        matches!(&sent[0], Packet::Publish(p) if p.packet_id == 40 && p.dup && p.payload == "sent")
    );
    assert_eq!(sent[1], Packet::Pubrel(ack(41)));
    assert!(
        matches!(&sent[2], Packet::Publish(p) if p.packet_id == 7 && !p.dup && p.payload == "unsent")
    );
    assert!(matches!(&sent[3], Packet::Publish(p) if p.packet_id == 8));
    assert_eq!(store.take(), vec![Told::Progressed(5, 7, false)]);
    h.server(Packet::Puback(ack(40)));
    h.server(Packet::Pubcomp(ack(41)));
    h.server(Packet::Puback(ack(7)));
    let tokens: Vec<u32> = completions(&h.take_events()).iter().map(|c| c.1).collect();
    assert_eq!(tokens, [1, 2, 3]);
    assert_eq!(
        store.take(),
        vec![Told::Settled(3), Told::Settled(4), Told::Settled(5)]
    );
}

#[test]
fn a_restored_received_qos2_id_is_acknowledged_but_not_delivered_again() {
    // [MQTT-4.3.3-2]
    let (mut h, store) = restored(vec![], &[9]);
    h.start(kept_session());
    h.server(connack(0, true));
    h.take_events();
    let again = Publish {
        qos: QoS::ExactlyOnce,
        packet_id: 9,
        dup: true,
        topic: "a/b".into(),
        payload: Bytes::from_static(b"x"),
        ..Default::default()
    };
    h.server(Packet::Publish(again));
    assert!(
        !h.take_events()
            .iter()
            .any(|e| matches!(e, Event::Message(_)))
    );
    assert_eq!(h.sent(), vec![Packet::Pubrec(ack(9))]);
    h.server(Packet::Pubrel(ack(9)));
    assert_eq!(store.take(), vec![Told::Released(9)]);
}

#[test]
fn a_clean_session_clears_the_received_qos2_ids_and_a_destroyed_connection_keeps_its_publishes() {
    let (mut h, store) = restored(
        vec![(3, stored(7, 3, false, QoS::AtLeastOnce, b"x"), 1)],
        &[4],
    );
    h.start(settings());
    // A clean session cancels what was queued, as upstream does: the publish ends there.
    assert_eq!(store.take(), vec![Told::Cleared, Told::Settled(7)]);
    let (mut h, store) = restored(
        vec![(3, stored(7, 3, false, QoS::AtLeastOnce, b"x"), 1)],
        &[],
    );
    h.engine.shut_down();
    let done = completions(&h.take_events());
    assert_eq!(
        done,
        vec![(3, 1, Outcome::Failed(Failure::ConnectionDestroyed))]
    );
    assert_eq!(store.take(), vec![]);
}

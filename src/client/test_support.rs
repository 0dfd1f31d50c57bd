//! What the engines' tests share: the scripted server's side of the wire and a virtual clock.
//! No sockets and no sleeping: a test moves time itself and runs each timer as it falls due.
//! And a durable store that records what an engine told it.

use crate::client::journal::{Journal, SharedStore, Store};
use crate::codec::{Packet, Version, decode, encode_to_vec};
use std::io;
use std::sync::{Arc, Mutex};

/// The packets in `bytes`, decoded as the server reads them; every byte must belong to one.
pub fn decode_all(bytes: &[u8], version: Version) -> Vec<Packet> {
    let mut packets = Vec::new();
    let mut rest = bytes;
    while let Some((packet, used)) = decode(rest, version).unwrap() {
        packets.push(packet);
        rest = &rest[used..];
    }
    assert!(rest.is_empty(), "a partial packet was sent");
    packets
}

/// `packet` as the server writes it.
pub fn encode(packet: &Packet, version: Version) -> Vec<u8> {
    encode_to_vec(packet, version).unwrap()
}

/// Moves the virtual clock `now` forward by `by`, calling `on_timer` at each instant
/// `next_deadline` names on the way. No deadline may stay due after `on_timer` ran: the
/// runtime's timer would spin on it.
pub fn advance<E>(
    engine: &mut E,
    now: &mut u64,
    by: u64,
    next_deadline: fn(&E) -> Option<u64>,
    on_timer: fn(&mut E, u64),
) {
    let until = *now + by;
    while let Some(t) = next_deadline(engine).filter(|&t| t <= until) {
        *now = (*now).max(t);
        on_timer(engine, *now);
        let next = next_deadline(engine);
        assert!(next.is_none_or(|d| d > *now), "{next:?} still due");
    }
    *now = until;
}

/// What the engine told the store, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Told {
    /// [`Store::progressed`].
    Progressed(u64, u16, bool),
    /// [`Store::settled`].
    Settled(u64),
    /// [`Store::received_qos2`].
    Received(u16),
    /// [`Store::released_qos2`].
    Released(u16),
    /// [`Store::cleared_qos2`].
    Cleared,
}

/// A durable store that records what an engine tells it.
#[derive(Clone, Default)]
pub struct Recording(Arc<Mutex<Vec<Told>>>);

impl Recording {
    /// A journal to a new recording store (records from 100 on), and the store.
    pub fn journal() -> (Journal, Recording) {
        let recording = Recording::default();
        let shared = SharedStore::new(Box::new(recording.clone()), 100);
        (Journal::to(shared), recording)
    }

    /// What it was told since the last take.
    pub fn take(&self) -> Vec<Told> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl Store for Recording {
    fn accepted(&mut self, _: u64, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn progressed(&mut self, record: u64, packet_id: u16, released: bool) -> io::Result<()> {
        self.0
            .lock()
            .unwrap()
            .push(Told::Progressed(record, packet_id, released));
        Ok(())
    }
    fn settled(&mut self, record: u64) -> io::Result<()> {
        self.0.lock().unwrap().push(Told::Settled(record));
        Ok(())
    }
    fn received_qos2(&mut self, packet_id: u16) -> io::Result<()> {
        self.0.lock().unwrap().push(Told::Received(packet_id));
        Ok(())
    }
    fn released_qos2(&mut self, packet_id: u16) -> io::Result<()> {
        self.0.lock().unwrap().push(Told::Released(packet_id));
        Ok(())
    }
    fn cleared_qos2(&mut self) -> io::Result<()> {
        self.0.lock().unwrap().push(Told::Cleared);
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a durable store keeps of a publish to `a/b` of `qos` with `payload`, as the engines'
/// durable tests restore it.
pub fn stored_publish(
    version: Version,
    record: u64,
    packet_id: u16,
    released: bool,
    qos: crate::codec::QoS,
    payload: &'static [u8],
) -> crate::client::journal::StoredPublish {
    let p = crate::codec::Publish {
        qos,
        topic: "a/b".into(),
        payload: bytes::Bytes::from_static(payload),
        ..Default::default()
    };
    let encoded = crate::codec::EncodedPublish::from_parts(p.as_parts(), version).unwrap();
    crate::client::journal::StoredPublish {
        record,
        packet_id,
        released,
        packet: encoded.as_bytes().to_vec(),
    }
}

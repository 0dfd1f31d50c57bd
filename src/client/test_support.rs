//! What the engines' tests share: the scripted server's side of the wire and a virtual clock.
//! No sockets and no sleeping: a test moves time itself and runs each timer as it falls due.

use crate::codec::{Packet, Version, decode, encode_to_vec};

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

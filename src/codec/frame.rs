//! The fixed header [MQTT-2.1] and the dispatch between it and each packet's body: encoding
//! with the exact size known before writing, decoding one complete packet.

use crate::codec::error::{CodecError, Result};
use crate::codec::packet::{Packet, PacketType, PubAck, Version};
use crate::codec::primitives::{MAX_VARIABLE_INTEGER, Reader, Writer, variable_integer_len};
use bytes::Bytes;

/// Writes the variable header and payload of one packet type.
pub trait Encode {
    /// The low nibble of the first byte [MQTT-2.1.3].
    fn flags(&self) -> u8 {
        0
    }

    /// The remaining length [MQTT-2.1.4], after checking the packet can be encoded as it is.
    fn body_len(&self, version: Version) -> Result<usize>;

    /// Writes exactly `body_len` bytes.
    fn write_body(&self, version: Version, w: &mut Writer<'_>);
}

/// An acknowledgement of the publish flow with its type: PUBACK, PUBREC, PUBREL and PUBCOMP share
/// a shape but not their flags or reason codes.
pub struct Ack<'a> {
    pub packet_type: PacketType,
    pub ack: &'a PubAck,
}

/// A packet with no variable header or payload (PINGREQ, PINGRESP).
struct Empty;

impl Encode for Empty {
    fn body_len(&self, _: Version) -> Result<usize> {
        Ok(0)
    }

    fn write_body(&self, _: Version, _: &mut Writer<'_>) {}
}

/// Calls `f` with the encoder of `packet`'s body.
fn with_body<R>(packet: &Packet, f: impl FnOnce(&dyn Encode) -> R) -> R {
    let ack = |packet_type, ack| Ack { packet_type, ack };
    match packet {
        Packet::Connect(p) => f(&**p),
        Packet::Connack(p) => f(p),
        Packet::Publish(p) => f(p),
        Packet::Puback(p) => f(&ack(PacketType::Puback, p)),
        Packet::Pubrec(p) => f(&ack(PacketType::Pubrec, p)),
        Packet::Pubrel(p) => f(&ack(PacketType::Pubrel, p)),
        Packet::Pubcomp(p) => f(&ack(PacketType::Pubcomp, p)),
        Packet::Subscribe(p) => f(p),
        Packet::Suback(p) => f(p),
        Packet::Unsubscribe(p) => f(p),
        Packet::Unsuback(p) => f(p),
        Packet::Pingreq | Packet::Pingresp => f(&Empty),
        Packet::Disconnect(p) => f(p),
        Packet::Auth(p) => f(p),
    }
}

/// The fixed-header flags a packet type requires [MQTT-2.1.3-1]; PUBLISH's vary.
fn required_flags(t: PacketType) -> Option<u8> {
    match t {
        PacketType::Publish => None,
        PacketType::Pubrel | PacketType::Subscribe | PacketType::Unsubscribe => Some(0b0010),
        _ => Some(0),
    }
}

/// The first byte and remaining length of a packet, once enough bytes have arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedHeader {
    pub packet_type: PacketType,
    pub flags: u8,
    /// Bytes after the fixed header.
    pub remaining_length: usize,
    /// Bytes of the fixed header itself.
    pub header_len: usize,
}

impl FixedHeader {
    /// Parses the fixed header at the start of `bytes`: `Ok(None)` while it is incomplete.
    pub fn parse(bytes: &[u8], version: Version) -> Result<Option<FixedHeader>> {
        let Some(&first) = bytes.first() else {
            return Ok(None);
        };
        let packet_type = PacketType::from_u8(first >> 4)
            .filter(|t| *t != PacketType::Auth || version == Version::V5)
            .ok_or(CodecError::InvalidPacketType(first >> 4))?;
        let flags = first & 0x0F;
        if required_flags(packet_type).is_some_and(|f| f != flags) {
            return Err(CodecError::InvalidFixedHeaderFlags(flags));
        }
        let Some((remaining, len)) =
            crate::codec::primitives::decode_variable_integer(&bytes[1..])?
        else {
            return Ok(None);
        };
        Ok(Some(FixedHeader {
            packet_type,
            flags,
            remaining_length: remaining as usize,
            header_len: 1 + len,
        }))
    }
}

/// The remaining length of `packet`, validated for encoding.
fn remaining_length(packet: &Packet, version: Version) -> Result<usize> {
    if matches!(packet, Packet::Auth(_)) && version != Version::V5 {
        return Err(CodecError::InvalidPacketType(PacketType::Auth as u8));
    }
    with_body(packet, |b| body_remaining_length(b, version))
}

/// The remaining length of `body`, validated for encoding.
fn body_remaining_length(body: &dyn Encode, version: Version) -> Result<usize> {
    let len = body.body_len(version)?;
    if len > MAX_VARIABLE_INTEGER as usize {
        return Err(CodecError::PacketTooLarge {
            size: len,
            maximum: MAX_VARIABLE_INTEGER as usize,
        });
    }
    Ok(len)
}

/// The exact number of bytes `packet` encodes to, or why it cannot be encoded.
pub fn encoded_len(packet: &Packet, version: Version) -> Result<usize> {
    let remaining = remaining_length(packet, version)?;
    Ok(1 + variable_integer_len(remaining as u32) + remaining)
}

/// Encodes `packet` at the start of `out` and returns how many bytes it took; `out` must hold
/// at least [`encoded_len`] bytes. Nothing is allocated.
pub fn encode(packet: &Packet, version: Version, out: &mut [u8]) -> Result<usize> {
    let remaining = remaining_length(packet, version)?;
    let total = 1 + variable_integer_len(remaining as u32) + remaining;
    if out.len() < total {
        return Err(CodecError::BufferTooSmall { needed: total });
    }
    let mut w = Writer::new(&mut out[..total]);
    with_body(packet, |b| {
        write_frame(&mut w, packet.packet_type(), b, remaining, version)
    });
    debug_assert_eq!(
        w.position(),
        total,
        "body_len and write_body disagree for {:?}",
        packet.packet_type()
    );
    Ok(total)
}

/// Writes the fixed header of a `packet_type` packet whose body is `body`, then the body.
fn write_frame(
    w: &mut Writer<'_>,
    packet_type: PacketType,
    body: &dyn Encode,
    remaining: usize,
    version: Version,
) {
    w.u8((packet_type as u8) << 4 | body.flags());
    w.variable_integer(remaining as u32);
    body.write_body(version, w);
}

/// Encodes a `packet_type` packet from its body's encoder (for a body borrowed from its parts
/// rather than held in a [`Packet`]) into the zeroed buffer `make` returns for its exact size.
pub fn encode_body_into<B: std::ops::DerefMut<Target = [u8]>>(
    packet_type: PacketType,
    body: &dyn Encode,
    version: Version,
    make: impl FnOnce(usize) -> B,
) -> Result<B> {
    let remaining = body_remaining_length(body, version)?;
    let total = 1 + variable_integer_len(remaining as u32) + remaining;
    let mut out = make(total);
    let mut w = Writer::new(&mut out);
    write_frame(&mut w, packet_type, body, remaining, version);
    debug_assert_eq!(w.position(), total);
    Ok(out)
}

/// Appends `packet`, encoded, to `out` and returns its size; on failure `out` is unchanged.
/// Sizes the packet once (`encoded_len` then `encode` would size it twice).
pub fn encode_append(packet: &Packet, version: Version, out: &mut Vec<u8>) -> Result<usize> {
    let remaining = remaining_length(packet, version)?;
    let total = 1 + variable_integer_len(remaining as u32) + remaining;
    let start = out.len();
    out.resize(start + total, 0);
    let mut w = Writer::new(&mut out[start..]);
    with_body(packet, |b| {
        write_frame(&mut w, packet.packet_type(), b, remaining, version)
    });
    debug_assert_eq!(w.position(), total);
    Ok(total)
}

/// Encodes `packet` into a new vector.
pub fn encode_to_vec(packet: &Packet, version: Version) -> Result<Vec<u8>> {
    let mut out = vec![0; encoded_len(packet, version)?];
    encode(packet, version, &mut out)?;
    Ok(out)
}

/// Decodes the body of a packet whose fixed header was `header`; `body` holds exactly the
/// remaining length.
pub fn decode_body(header: &FixedHeader, body: Bytes, version: Version) -> Result<Packet> {
    use crate::codec::{connect, control, publish, subscribe};
    let mut r = Reader::new(body);
    let v = version;
    let packet = match header.packet_type {
        PacketType::Connect => Packet::Connect(Box::new(connect::read_connect(&mut r)?)),
        PacketType::Connack => Packet::Connack(connect::read_connack(&mut r, v)?),
        PacketType::Publish => Packet::Publish(publish::read_publish(header.flags, &mut r, v)?),
        PacketType::Puback => Packet::Puback(publish::read_ack(PacketType::Puback, &mut r, v)?),
        PacketType::Pubrec => Packet::Pubrec(publish::read_ack(PacketType::Pubrec, &mut r, v)?),
        PacketType::Pubrel => Packet::Pubrel(publish::read_ack(PacketType::Pubrel, &mut r, v)?),
        PacketType::Pubcomp => Packet::Pubcomp(publish::read_ack(PacketType::Pubcomp, &mut r, v)?),
        PacketType::Subscribe => Packet::Subscribe(subscribe::read_subscribe(&mut r, v)?),
        PacketType::Suback => Packet::Suback(subscribe::read_suback(&mut r, v)?),
        PacketType::Unsubscribe => Packet::Unsubscribe(subscribe::read_unsubscribe(&mut r, v)?),
        PacketType::Unsuback => Packet::Unsuback(subscribe::read_unsuback(&mut r, v)?),
        PacketType::Pingreq => Packet::Pingreq,
        PacketType::Pingresp => Packet::Pingresp,
        PacketType::Disconnect => Packet::Disconnect(control::read_disconnect(&mut r, v)?),
        PacketType::Auth => Packet::Auth(control::read_auth(&mut r)?),
    };
    // [MQTT-2.2.3] the remaining length covers exactly the packet's fields.
    if !r.is_empty() {
        return Err(CodecError::RemainingLengthMismatch);
    }
    Ok(packet)
}

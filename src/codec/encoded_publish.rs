//! A PUBLISH encoded once, when it is submitted, and kept as its wire bytes until it completes.
//!
//! A queued publish used to be held as a parsed packet (a topic string, a payload block and the
//! packet struct, three allocations and ~250 bytes for a 64-byte message) and encoded at every
//! send. Held as one block of wire bytes instead, a send is a copy, a resend flips the DUP bit,
//! and the packet id is patched in place. The bytes carry a zero packet id until the engine
//! assigns one (a QoS 1 or 2 publish only).
//!
//! What stays out of the bytes is what the engine decides at send time: an MQTT 5 topic alias.
//! The user's alias is kept beside the bytes; a send that needs an alias (or leaves the topic
//! out) re-encodes from the decoded packet, the uncommon path.

use bytes::Bytes;

use crate::codec::error::{CodecError, Result};
use crate::codec::frame::{FixedHeader, decode_body, encode_body_into, encoded_len};
use crate::codec::packet::{Packet, PacketType, Publish, QoS, Version};
use crate::codec::packet_block::PacketBlock;
use crate::codec::primitives::decode_variable_integer;
use crate::codec::publish::{PublishRef, TopicChecked};

/// A PUBLISH as its wire bytes, fixed header included.
#[derive(Debug)]
pub struct EncodedPublish {
    /// Carved from the encoding thread's chunk (see `codec::packet_block`).
    bytes: PacketBlock,
    /// The topic alias the user asked for (manual aliasing, MQTT 5); 0: none.
    user_alias: u16,
    /// The fixed header's size (2 to 5 bytes): where the topic's length prefix starts.
    header_len: u8,
    /// The topic's length. With `header_len`, kept in what would be the struct's padding, so
    /// the hot accessors never parse the bytes.
    topic_len: u16,
}

impl EncodedPublish {
    /// Encodes `publish` for `version`; its packet id is ignored (the engine assigns one) and
    /// its topic alias kept aside (see the module comment).
    pub fn new(mut publish: Publish, version: Version) -> Result<EncodedPublish> {
        let user_alias = publish.properties.topic_alias.take();
        let mut encoded = EncodedPublish::from_parts(publish.as_parts(), version)?;
        encoded.set_user_alias(user_alias);
        Ok(encoded)
    }

    /// Keeps the user's topic `alias` aside (see the module comment); the encoded properties
    /// hold none.
    pub fn set_user_alias(&mut self, alias: Option<u16>) {
        self.user_alias = alias.unwrap_or(0);
    }

    /// Encodes the publish `parts` describe (no copy of its topic or payload is made first);
    /// its packet id is ignored, and a topic alias in its properties is sent as it is.
    pub fn from_parts(parts: PublishRef<'_>, version: Version) -> Result<EncodedPublish> {
        EncodedPublish::encode(parts, version, false, PacketBlock::new)
    }

    /// [`from_parts`](Self::from_parts) for a publish whose topic the caller checked with
    /// `topic::checked_name`, as the API does where the topic comes in: not checked again (two
    /// passes over it were a tenth of a publish's instructions).
    pub fn from_checked_parts(parts: PublishRef<'_>, version: Version) -> Result<EncodedPublish> {
        EncodedPublish::encode(parts, version, true, PacketBlock::new)
    }

    /// The wire bytes [`from_checked_parts`](Self::from_checked_parts) would hold, written
    /// into `out` (replacing what it held), for a queue that keeps packets itself
    /// (`client::publish_stream`).
    pub fn write_checked_parts(
        parts: PublishRef<'_>,
        version: Version,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        encode_unassigned(parts, version, true, |len| {
            out.clear();
            out.resize(len, 0);
            &mut out[..]
        })
        .map(drop)
    }

    fn encode(
        parts: PublishRef<'_>,
        version: Version,
        topic_checked: bool,
        make: impl FnOnce(usize) -> PacketBlock,
    ) -> Result<EncodedPublish> {
        let bytes = encode_unassigned(parts, version, topic_checked, make)?;
        EncodedPublish::from_block(bytes, 0)
    }

    /// The publish whose wire bytes `bytes` holds, as this type encoded them, with the user's
    /// topic `alias` (0: none).
    pub fn from_block(bytes: PacketBlock, user_alias: u16) -> Result<EncodedPublish> {
        let at = fixed_header_len(&bytes)?;
        let topic_len = match bytes.get(at..at + 2) {
            Some(len) => u16::from_be_bytes([len[0], len[1]]),
            None => return Err(CodecError::Truncated),
        };
        Ok(EncodedPublish {
            bytes,
            user_alias,
            // At most 5 bytes.
            header_len: at as u8,
            topic_len,
        })
    }

    /// A PUBLISH kept as wire bytes elsewhere (a durable store), checked by decoding it whole:
    /// `Err` unless `bytes` are exactly one valid PUBLISH. Its packet id and DUP flag are kept.
    pub fn from_wire(bytes: &[u8], version: Version) -> Result<EncodedPublish> {
        let publish = decode_publish(bytes, version)?;
        let (packet_id, dup) = (publish.packet_id, publish.dup);
        let mut encoded = EncodedPublish::new(publish, version)?;
        encoded.set_packet_id(packet_id);
        encoded.set_dup(dup);
        Ok(encoded)
    }

    /// Where the topic's text starts.
    fn topic_at(&self) -> usize {
        usize::from(self.header_len) + 2
    }

    /// Where the packet id is (QoS 1 and 2), or what follows the topic (QoS 0).
    fn packet_id_at(&self) -> usize {
        self.topic_at() + usize::from(self.topic_len)
    }

    /// The wire bytes (with the packet id last set).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The encoded size.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Never true: a PUBLISH has at least a fixed header and a topic.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The QoS from the fixed header.
    pub fn qos(&self) -> QoS {
        QoS::from_u8((self.bytes[0] >> 1) & 0x03).unwrap_or(QoS::AtMostOnce)
    }

    /// The RETAIN flag.
    pub fn retain(&self) -> bool {
        self.bytes[0] & 0x01 != 0
    }

    /// The DUP flag.
    pub fn dup(&self) -> bool {
        self.bytes[0] & 0x08 != 0
    }

    /// Sets DUP on a QoS 1 or 2 publish (a QoS 0 one never carries it [MQTT-3.3.1-2]).
    pub fn set_dup(&mut self, dup: bool) {
        if self.qos() != QoS::AtMostOnce {
            self.bytes[0] = self.bytes[0] & !0x08 | u8::from(dup) << 3;
        }
    }

    /// The topic name.
    pub fn topic(&self) -> &str {
        let text = &self.bytes[self.topic_at()..self.packet_id_at()];
        // SAFETY: these bytes were copied from a `&str` when encoded, and only the first byte
        // and the packet id are ever written since, both outside them.
        unsafe { std::str::from_utf8_unchecked(text) }
    }

    /// The topic's length in bytes.
    pub fn topic_len(&self) -> usize {
        usize::from(self.topic_len)
    }

    /// The packet id; 0 for QoS 0, or before one is assigned.
    pub fn packet_id(&self) -> u16 {
        if self.qos() == QoS::AtMostOnce {
            return 0;
        }
        let at = self.packet_id_at();
        u16::from_be_bytes([self.bytes[at], self.bytes[at + 1]])
    }

    /// Sets the packet id of a QoS 1 or 2 publish (nothing for QoS 0, which has none).
    pub fn set_packet_id(&mut self, packet_id: u16) {
        if self.qos() != QoS::AtMostOnce {
            let at = self.packet_id_at();
            self.bytes[at..at + 2].copy_from_slice(&packet_id.to_be_bytes());
        }
    }

    /// The topic alias the user asked for, if any.
    pub fn user_alias(&self) -> Option<u16> {
        (self.user_alias != 0).then_some(self.user_alias)
    }

    /// The application message.
    pub fn payload(&self, version: Version) -> &[u8] {
        let mut at = self.packet_id_at();
        if self.qos() != QoS::AtMostOnce {
            at += 2;
        }
        if version == Version::V5
            && let Ok(Some((len, n))) = decode_variable_integer(&self.bytes[at..])
        {
            at += n + len as usize;
        }
        self.bytes.get(at..).unwrap_or_default()
    }

    /// The packet decoded again, with the user's topic alias (for a send that changes the
    /// alias or the topic).
    pub fn to_publish(&self, version: Version) -> Result<Publish> {
        let mut publish = decode_publish(&self.bytes, version)?;
        if let Some(alias) = self.user_alias() {
            publish.properties.topic_alias = Some(alias);
        }
        Ok(publish)
    }

    /// The size the packet has as the user asked for it: with the user's topic alias, and a
    /// packet id when it takes one.
    pub fn submitted_len(&self, version: Version) -> usize {
        if self.user_alias == 0 {
            return self.len();
        }
        self.to_publish(version)
            .and_then(|mut p| {
                p.packet_id = u16::from(p.qos != QoS::AtMostOnce);
                encoded_len(&Packet::Publish(p), version)
            })
            .unwrap_or(self.len())
    }
}

/// Encodes `parts` into the buffer `make` gives for its size, with the unassigned packet id 0
/// (for a QoS 1 or 2 publish; the engine assigns one at its first send).
fn encode_unassigned<B: std::ops::DerefMut<Target = [u8]>>(
    mut parts: PublishRef<'_>,
    version: Version,
    topic_checked: bool,
    make: impl FnOnce(usize) -> B,
) -> Result<B> {
    // The codec refuses a QoS 1 or 2 publish without an id: encode with a placeholder.
    let acknowledged = parts.qos != QoS::AtMostOnce;
    parts.packet_id = u16::from(acknowledged);
    let topic_len = parts.topic.len();
    let mut bytes = if topic_checked {
        encode_body_into(PacketType::Publish, &TopicChecked(parts), version, make)
    } else {
        encode_body_into(PacketType::Publish, &parts, version, make)
    }?;
    if acknowledged {
        // Past the fixed header and the topic with its length prefix.
        let at = fixed_header_len(&bytes)? + 2 + topic_len;
        bytes[at..at + 2].fill(0);
    }
    Ok(bytes)
}

/// The size of a packet's fixed header: its first byte and the remaining length.
fn fixed_header_len(bytes: &[u8]) -> Result<usize> {
    match decode_variable_integer(bytes.get(1..).unwrap_or_default()) {
        Ok(Some((_, n))) => Ok(1 + n),
        _ => Err(CodecError::MalformedVariableInteger),
    }
}

/// Decodes `bytes`, exactly one PUBLISH whose packet id may still be the unassigned 0.
fn decode_publish(bytes: &[u8], version: Version) -> Result<Publish> {
    let header = FixedHeader::parse(bytes, version)?.ok_or(CodecError::Truncated)?;
    if header.packet_type != PacketType::Publish
        || header.header_len + header.remaining_length != bytes.len()
    {
        return Err(CodecError::Truncated);
    }
    let mut body = bytes[header.header_len..].to_vec();
    let qos = (bytes[0] >> 1) & 0x03;
    let topic_len = match body.get(..2) {
        Some(len) => usize::from(u16::from_be_bytes([len[0], len[1]])),
        None => return Err(CodecError::Truncated),
    };
    let id_at = 2 + topic_len;
    let mut packet_id = 0;
    if qos != 0
        && let Some(id) = body.get_mut(id_at..id_at + 2)
    {
        packet_id = u16::from_be_bytes([id[0], id[1]]);
        // Decoding refuses the unassigned id as it would on the wire.
        id[1] |= u8::from(packet_id == 0);
    }
    let Packet::Publish(mut publish) = decode_body(&header, Bytes::from(body), version)? else {
        return Err(CodecError::Truncated);
    };
    publish.packet_id = packet_id;
    Ok(publish)
}

#[cfg(test)]
#[path = "encoded_publish_tests.rs"]
mod tests;

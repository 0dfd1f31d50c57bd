//! PUBLISH [MQTT-3.3] and its acknowledgements PUBACK, PUBREC, PUBREL, PUBCOMP [MQTT-3.4] -
//! [MQTT-3.7]. A decoded payload is a slice of the received bytes, not a copy.

use crate::codec::error::{CodecError, Result};
use crate::codec::frame::{Ack, Encode};
use crate::codec::packet::{PacketType, PubAck, Publish, QoS, Version};
use crate::codec::primitives::{Reader, Writer, field_len};
use crate::codec::properties::{Context, Properties};
use crate::codec::{reason_code, topic, utf8};

/// A PUBLISH borrowed from its parts, for encoding without building a [`Publish`] first.
#[derive(Clone, Copy, Debug)]
pub struct PublishRef<'a> {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    pub topic: &'a str,
    pub packet_id: u16,
    pub payload: &'a [u8],
    pub properties: &'a Properties,
}

impl Publish {
    /// The packet as borrowed parts.
    pub fn as_parts(&self) -> PublishRef<'_> {
        PublishRef {
            dup: self.dup,
            qos: self.qos,
            retain: self.retain,
            topic: &self.topic,
            packet_id: self.packet_id,
            payload: &self.payload,
            properties: &self.properties,
        }
    }
}

/// Checks a PUBLISH's topic: a valid name, or (MQTT 5 only) empty when a topic alias stands in
/// for it [MQTT-3.3.2-1], [MQTT-3.3.2-2], [MQTT-3.3.4-?].
fn check_topic(p: &PublishRef<'_>, version: Version) -> Result<()> {
    let aliased =
        version == Version::V5 && p.topic.is_empty() && p.properties.topic_alias.is_some();
    // The text itself was checked as MQTT UTF-8 where it entered: `Reader::string` on decode,
    // `utf8::validate_str` on encode.
    if aliased || topic::has_name_syntax(p.topic) {
        Ok(())
    } else {
        Err(CodecError::InvalidTopicName)
    }
}

impl Encode for Publish {
    fn flags(&self) -> u8 {
        self.as_parts().flags()
    }

    fn body_len(&self, version: Version) -> Result<usize> {
        self.as_parts().body_len(version)
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        self.as_parts().write_body(version, w)
    }
}

impl Encode for PublishRef<'_> {
    fn flags(&self) -> u8 {
        u8::from(self.dup) << 3 | (self.qos as u8) << 1 | u8::from(self.retain)
    }

    fn body_len(&self, version: Version) -> Result<usize> {
        utf8::validate_str(self.topic).map_err(|_| CodecError::InvalidUtf8)?;
        check_topic(self, version)?;
        self.checked_body_len(version)
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        self.write_publish_body(version, w)
    }
}

/// A PUBLISH whose topic was checked where it came in (`topic::checked_name`): encoded without
/// checking it again (see `EncodedPublish::from_checked_parts`).
pub struct TopicChecked<'a>(pub PublishRef<'a>);

impl Encode for TopicChecked<'_> {
    fn flags(&self) -> u8 {
        self.0.flags()
    }

    fn body_len(&self, version: Version) -> Result<usize> {
        self.0.checked_body_len(version)
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        self.0.write_publish_body(version, w)
    }
}

impl PublishRef<'_> {
    /// The body's size, the topic taken as checked.
    fn checked_body_len(&self, version: Version) -> Result<usize> {
        if self.qos == QoS::AtMostOnce && self.dup {
            // [MQTT-3.3.1-2] DUP is 0 for QoS 0.
            return Err(CodecError::InvalidFixedHeaderFlags(self.flags()));
        }
        let id_len = match (self.qos, self.packet_id) {
            (QoS::AtMostOnce, _) => 0,
            (_, 0) => return Err(CodecError::ZeroPacketId),
            _ => 2,
        };
        let props = match version {
            Version::V5 => self.properties.encoded_len(Context::Publish)?,
            Version::V311 if self.properties.is_empty() => 0,
            Version::V311 => return Err(CodecError::PropertyNotAllowed(0)),
        };
        Ok(field_len(self.topic.as_bytes())? + id_len + props + self.payload.len())
    }

    fn write_publish_body(&self, version: Version, w: &mut Writer<'_>) {
        w.binary(self.topic.as_bytes());
        if self.qos != QoS::AtMostOnce {
            w.u16(self.packet_id);
        }
        if version == Version::V5 {
            let body = self.properties.body_len(Context::Publish).unwrap_or(0);
            self.properties.write(w, body);
        }
        w.bytes(self.payload);
    }
}

/// Reads a PUBLISH body; `flags` are its fixed header's DUP, QoS and RETAIN.
pub fn read_publish(flags: u8, r: &mut Reader, version: Version) -> Result<Publish> {
    let qos_bits = (flags >> 1) & 0x03;
    let qos = QoS::from_u8(qos_bits).ok_or(CodecError::InvalidQos(qos_bits))?;
    let dup = flags & 0x08 != 0;
    if qos == QoS::AtMostOnce && dup {
        return Err(CodecError::InvalidFixedHeaderFlags(flags));
    }
    let topic = r.string()?;
    let packet_id = if qos == QoS::AtMostOnce { 0 } else { r.u16()? };
    if qos != QoS::AtMostOnce && packet_id == 0 {
        return Err(CodecError::ZeroPacketId);
    }
    let properties = if version == Version::V5 {
        Properties::read(r, Context::Publish)?
    } else {
        Properties::default()
    };
    let publish = Publish {
        dup,
        qos,
        retain: flags & 1 != 0,
        topic,
        packet_id,
        payload: r.rest(),
        properties,
    };
    check_topic(&publish.as_parts(), version)?;
    Ok(publish)
}

impl Encode for Ack<'_> {
    fn flags(&self) -> u8 {
        if self.packet_type == PacketType::Pubrel {
            0b0010
        } else {
            0
        }
    }

    fn body_len(&self, version: Version) -> Result<usize> {
        let a = self.ack;
        if a.packet_id == 0 {
            return Err(CodecError::ZeroPacketId);
        }
        if !reason_code::allowed(self.packet_type, version, a.reason_code) {
            return Err(CodecError::InvalidReasonCode(a.reason_code));
        }
        Ok(match version {
            Version::V311 if a.properties.is_empty() => 2,
            Version::V311 => return Err(CodecError::PropertyNotAllowed(0)),
            // [MQTT-3.4.2.1] the reason code and property length may be left out when unused.
            Version::V5 if a.properties.is_empty() && a.reason_code == 0 => 2,
            Version::V5 if a.properties.is_empty() => 3,
            Version::V5 => 3 + a.properties.encoded_len(Context::Ack)?,
        })
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        let a = self.ack;
        w.u16(a.packet_id);
        if version == Version::V5 && (a.reason_code != 0 || !a.properties.is_empty()) {
            w.u8(a.reason_code);
            if !a.properties.is_empty() {
                let body = a.properties.body_len(Context::Ack).unwrap_or(0);
                a.properties.write(w, body);
            }
        }
    }
}

/// Reads a PUBACK, PUBREC, PUBREL or PUBCOMP body.
pub fn read_ack(packet_type: PacketType, r: &mut Reader, version: Version) -> Result<PubAck> {
    let packet_id = r.u16()?;
    if packet_id == 0 {
        return Err(CodecError::ZeroPacketId);
    }
    let mut ack = PubAck {
        packet_id,
        ..Default::default()
    };
    if version == Version::V5 && !r.is_empty() {
        ack.reason_code = r.u8()?;
        if !r.is_empty() {
            ack.properties = Properties::read(r, Context::Ack)?;
        }
    }
    if !reason_code::allowed(packet_type, version, ack.reason_code) {
        return Err(CodecError::InvalidReasonCode(ack.reason_code));
    }
    Ok(ack)
}

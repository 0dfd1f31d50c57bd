//! SUBSCRIBE [MQTT-3.8], SUBACK [MQTT-3.9], UNSUBSCRIBE [MQTT-3.10] and UNSUBACK [MQTT-3.11].

use crate::codec::error::{CodecError, Result};
use crate::codec::frame::Encode;
use crate::codec::packet::{
    PacketType, QoS, Suback, Subscribe, Subscription, Unsuback, Unsubscribe, Version,
};
use crate::codec::primitives::{Reader, Writer, field_len};
use crate::codec::properties::{Context, Properties};
use crate::codec::{reason_code, topic};

/// Checks a topic filter under the rules of `version`.
fn check_filter(filter: &str, version: Version) -> Result<()> {
    let ok = match version {
        Version::V311 => topic::is_valid_filter(filter.as_bytes()),
        Version::V5 => topic::is_valid_filter_v5(filter.as_bytes()),
    };
    if ok {
        Ok(())
    } else {
        Err(CodecError::InvalidTopicFilter)
    }
}

fn check_packet_id(id: u16) -> Result<()> {
    if id == 0 {
        Err(CodecError::ZeroPacketId)
    } else {
        Ok(())
    }
}

/// Property block length in MQTT 5; in 3.1.1 properties must be empty and take no bytes.
fn properties_len(p: &Properties, context: Context, version: Version) -> Result<usize> {
    match version {
        Version::V5 => p.encoded_len(context),
        Version::V311 if p.is_empty() => Ok(0),
        Version::V311 => Err(CodecError::PropertyNotAllowed(0)),
    }
}

fn write_properties(p: &Properties, context: Context, version: Version, w: &mut Writer<'_>) {
    if version == Version::V5 {
        let body = p.body_len(context).unwrap_or(0);
        p.write(w, body);
    }
}

fn read_properties(r: &mut Reader, context: Context, version: Version) -> Result<Properties> {
    if version == Version::V5 {
        Properties::read(r, context)
    } else {
        Ok(Properties::default())
    }
}

impl Subscription {
    /// The subscription options byte [MQTT-3.8.3.1].
    fn options(&self, version: Version) -> u8 {
        let mut o = self.qos as u8;
        if version == Version::V5 {
            o |= u8::from(self.no_local) << 2
                | u8::from(self.retain_as_published) << 3
                | self.retain_handling << 4;
        }
        o
    }

    fn check(&self, version: Version) -> Result<()> {
        check_filter(&self.filter, version)?;
        let v5_options = self.no_local || self.retain_as_published || self.retain_handling != 0;
        if (version == Version::V311 && v5_options) || self.retain_handling > 2 {
            return Err(CodecError::ReservedBitsSet);
        }
        // [MQTT-3.8.3-4] No Local on a shared subscription is a protocol error.
        if self.no_local && topic::shared_subscription(self.filter.as_bytes()).is_some() {
            return Err(CodecError::InvalidTopicFilter);
        }
        Ok(())
    }
}

impl Encode for Subscribe {
    fn flags(&self) -> u8 {
        0b0010
    }

    fn body_len(&self, version: Version) -> Result<usize> {
        check_packet_id(self.packet_id)?;
        if self.subscriptions.is_empty() {
            return Err(CodecError::EmptySubscription);
        }
        let mut len = 2 + properties_len(&self.properties, Context::Subscribe, version)?;
        for s in &self.subscriptions {
            s.check(version)?;
            len += field_len(s.filter.as_bytes())? + 1;
        }
        Ok(len)
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        w.u16(self.packet_id);
        write_properties(&self.properties, Context::Subscribe, version, w);
        for s in &self.subscriptions {
            w.binary(s.filter.as_bytes());
            w.u8(s.options(version));
        }
    }
}

/// Reads a SUBSCRIBE body.
pub fn read_subscribe(r: &mut Reader, version: Version) -> Result<Subscribe> {
    let packet_id = r.u16()?;
    check_packet_id(packet_id)?;
    let properties = read_properties(r, Context::Subscribe, version)?;
    let mut subscriptions = Vec::new();
    while !r.is_empty() {
        let filter = r.string()?;
        let options = r.u8()?;
        // [MQTT-3.8.3-4] (3.1.1: bits 7-2; 5: bits 7-6) are reserved.
        let reserved = if version == Version::V5 { 0xC0 } else { 0xFC };
        if options & reserved != 0 {
            return Err(CodecError::ReservedBitsSet);
        }
        let qos = QoS::from_u8(options & 0x03).ok_or(CodecError::InvalidQos(options & 0x03))?;
        let s = Subscription {
            filter,
            qos,
            no_local: options & 0x04 != 0,
            retain_as_published: options & 0x08 != 0,
            retain_handling: (options >> 4) & 0x03,
        };
        s.check(version)?;
        subscriptions.push(s);
    }
    // [MQTT-3.8.3-3] at least one topic filter.
    if subscriptions.is_empty() {
        return Err(CodecError::EmptySubscription);
    }
    Ok(Subscribe {
        packet_id,
        subscriptions,
        properties,
    })
}

/// Checks an acknowledgement's codes: one at least, since each answers a topic filter
/// [MQTT-3.9.3-1], [MQTT-3.11.3-1], and each allowed in the packet.
fn check_reason_codes(packet: PacketType, version: Version, codes: &[u8]) -> Result<()> {
    if codes.is_empty() {
        return Err(CodecError::EmptySubscription);
    }
    match codes
        .iter()
        .find(|&&c| !reason_code::allowed(packet, version, c))
    {
        Some(&c) => Err(CodecError::InvalidReasonCode(c)),
        None => Ok(()),
    }
}

impl Encode for Suback {
    fn body_len(&self, version: Version) -> Result<usize> {
        check_packet_id(self.packet_id)?;
        check_reason_codes(PacketType::Suback, version, &self.reason_codes)?;
        Ok(
            2 + properties_len(&self.properties, Context::Suback, version)?
                + self.reason_codes.len(),
        )
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        w.u16(self.packet_id);
        write_properties(&self.properties, Context::Suback, version, w);
        w.bytes(&self.reason_codes);
    }
}

/// Reads a SUBACK body.
pub fn read_suback(r: &mut Reader, version: Version) -> Result<Suback> {
    let packet_id = r.u16()?;
    check_packet_id(packet_id)?;
    let properties = read_properties(r, Context::Suback, version)?;
    let reason_codes = r.rest().to_vec();
    check_reason_codes(PacketType::Suback, version, &reason_codes)?;
    Ok(Suback {
        packet_id,
        reason_codes,
        properties,
    })
}

impl Encode for Unsubscribe {
    fn flags(&self) -> u8 {
        0b0010
    }

    fn body_len(&self, version: Version) -> Result<usize> {
        check_packet_id(self.packet_id)?;
        if self.filters.is_empty() {
            return Err(CodecError::EmptySubscription);
        }
        let mut len = 2 + properties_len(&self.properties, Context::Unsubscribe, version)?;
        for f in &self.filters {
            check_filter(f, version)?;
            len += field_len(f.as_bytes())?;
        }
        Ok(len)
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        w.u16(self.packet_id);
        write_properties(&self.properties, Context::Unsubscribe, version, w);
        for f in &self.filters {
            w.binary(f.as_bytes());
        }
    }
}

/// Reads an UNSUBSCRIBE body.
pub fn read_unsubscribe(r: &mut Reader, version: Version) -> Result<Unsubscribe> {
    let packet_id = r.u16()?;
    check_packet_id(packet_id)?;
    let properties = read_properties(r, Context::Unsubscribe, version)?;
    let mut filters = Vec::new();
    while !r.is_empty() {
        let f = r.string()?;
        check_filter(&f, version)?;
        filters.push(f);
    }
    // [MQTT-3.10.3-2] at least one topic filter.
    if filters.is_empty() {
        return Err(CodecError::EmptySubscription);
    }
    Ok(Unsubscribe {
        packet_id,
        filters,
        properties,
    })
}

impl Encode for Unsuback {
    fn body_len(&self, version: Version) -> Result<usize> {
        check_packet_id(self.packet_id)?;
        match version {
            Version::V311 if self.reason_codes.is_empty() && self.properties.is_empty() => Ok(2),
            Version::V311 => Err(CodecError::PropertyNotAllowed(0)),
            Version::V5 => {
                check_reason_codes(PacketType::Unsuback, version, &self.reason_codes)?;
                Ok(2 + self.properties.encoded_len(Context::Unsuback)? + self.reason_codes.len())
            }
        }
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        w.u16(self.packet_id);
        if version == Version::V5 {
            write_properties(&self.properties, Context::Unsuback, version, w);
            w.bytes(&self.reason_codes);
        }
    }
}

/// Reads an UNSUBACK body.
pub fn read_unsuback(r: &mut Reader, version: Version) -> Result<Unsuback> {
    let packet_id = r.u16()?;
    check_packet_id(packet_id)?;
    let properties = read_properties(r, Context::Unsuback, version)?;
    let reason_codes = if version == Version::V5 {
        r.rest().to_vec()
    } else {
        Vec::new()
    };
    if version == Version::V5 {
        check_reason_codes(PacketType::Unsuback, version, &reason_codes)?;
    }
    Ok(Unsuback {
        packet_id,
        reason_codes,
        properties,
    })
}

//! DISCONNECT [MQTT-3.14] and AUTH [MQTT-3.15]: a reason code and properties (MQTT 5), both
//! left out when they carry nothing.

use crate::codec::error::{CodecError, Result};
use crate::codec::frame::Encode;
use crate::codec::packet::{Auth, Disconnect, PacketType, Version};
use crate::codec::primitives::{Reader, Writer};
use crate::codec::properties::{Context, Properties};
use crate::codec::reason_code;

/// Length of a reason code and property block that may be shortened: nothing for success
/// without properties [MQTT-3.14.2.1], [MQTT-3.15.2.1], the code alone without properties.
fn body_len(
    packet: PacketType,
    version: Version,
    code: u8,
    properties: &Properties,
    context: Context,
) -> Result<usize> {
    if !reason_code::allowed(packet, version, code) {
        return Err(CodecError::InvalidReasonCode(code));
    }
    match version {
        Version::V311 if properties.is_empty() => Ok(0),
        Version::V311 => Err(CodecError::PropertyNotAllowed(0)),
        Version::V5 if properties.is_empty() && code == 0 => Ok(0),
        Version::V5 => Ok(1 + properties.encoded_len(context)?),
    }
}

fn write(code: u8, properties: &Properties, context: Context, w: &mut Writer<'_>) {
    if code != 0 || !properties.is_empty() {
        w.u8(code);
        let body = properties.body_len(context).unwrap_or(0);
        properties.write(w, body);
    }
}

fn read(
    packet: PacketType,
    r: &mut Reader,
    version: Version,
    context: Context,
) -> Result<(u8, Properties)> {
    let mut code = 0;
    let mut properties = Properties::default();
    if version == Version::V5 && !r.is_empty() {
        code = r.u8()?;
        if !r.is_empty() {
            properties = Properties::read(r, context)?;
        }
    }
    if !reason_code::allowed(packet, version, code) {
        return Err(CodecError::InvalidReasonCode(code));
    }
    Ok((code, properties))
}

impl Encode for Disconnect {
    fn body_len(&self, version: Version) -> Result<usize> {
        body_len(
            PacketType::Disconnect,
            version,
            self.reason_code,
            &self.properties,
            Context::Disconnect,
        )
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        if version == Version::V5 {
            write(self.reason_code, &self.properties, Context::Disconnect, w);
        }
    }
}

/// Reads a DISCONNECT body.
pub fn read_disconnect(r: &mut Reader, version: Version) -> Result<Disconnect> {
    let (reason_code, properties) = read(PacketType::Disconnect, r, version, Context::Disconnect)?;
    Ok(Disconnect {
        reason_code,
        properties,
    })
}

impl Encode for Auth {
    fn body_len(&self, version: Version) -> Result<usize> {
        body_len(
            PacketType::Auth,
            version,
            self.reason_code,
            &self.properties,
            Context::Auth,
        )
    }

    fn write_body(&self, _: Version, w: &mut Writer<'_>) {
        write(self.reason_code, &self.properties, Context::Auth, w);
    }
}

/// Reads an AUTH body (MQTT 5 only; the fixed header already refused it in 3.1.1).
pub fn read_auth(r: &mut Reader) -> Result<Auth> {
    let (reason_code, properties) = read(PacketType::Auth, r, Version::V5, Context::Auth)?;
    Ok(Auth {
        reason_code,
        properties,
    })
}

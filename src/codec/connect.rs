//! CONNECT [MQTT-3.1] and CONNACK [MQTT-3.2].

use crate::codec::error::{CodecError, Result};
use crate::codec::frame::Encode;
use crate::codec::packet::{Connack, Connect, PacketType, QoS, Version, Will};
use crate::codec::primitives::{Reader, Writer, field_len};
use crate::codec::properties::{Context, Properties};
use crate::codec::{reason_code, topic, utf8};

const PROTOCOL_NAME: &[u8] = b"MQTT";

/// CONNECT flag bits [MQTT-3.1.2.3].
mod flag {
    pub const RESERVED: u8 = 0x01;
    pub const CLEAN_START: u8 = 0x02;
    pub const WILL: u8 = 0x04;
    pub const WILL_QOS_SHIFT: u8 = 3;
    pub const WILL_RETAIN: u8 = 0x20;
    pub const PASSWORD: u8 = 0x40;
    pub const USERNAME: u8 = 0x80;
}

fn checked_text(s: &str) -> Result<usize> {
    utf8::validate(s.as_bytes()).map_err(|_| CodecError::InvalidUtf8)?;
    field_len(s.as_bytes())
}

impl Connect {
    fn connect_flags(&self) -> u8 {
        let mut f = 0;
        if self.clean_start {
            f |= flag::CLEAN_START;
        }
        if let Some(will) = &self.will {
            f |= flag::WILL | (will.qos as u8) << flag::WILL_QOS_SHIFT;
            if will.retain {
                f |= flag::WILL_RETAIN;
            }
        }
        if self.password.is_some() {
            f |= flag::PASSWORD;
        }
        if self.username.is_some() {
            f |= flag::USERNAME;
        }
        f
    }
}

impl Encode for Connect {
    fn body_len(&self, _: Version) -> Result<usize> {
        // A CONNECT is written in the version it names, whatever the connection's so far.
        let v5 = self.version == Version::V5;
        if !v5 && self.password.is_some() && self.username.is_none() {
            return Err(CodecError::PasswordWithoutUsername);
        }
        // Only the sender is bound: a server must read such a CONNECT to refuse it with
        // return code 2 [MQTT-3.1.3-8], so the decoder accepts it.
        if !v5 && self.client_id.is_empty() && !self.clean_start {
            return Err(CodecError::EmptyClientIdWithoutCleanSession);
        }
        let mut len = field_len(PROTOCOL_NAME)? + 1 + 1 + 2;
        if v5 {
            len += self.properties.encoded_len(Context::Connect)?;
        } else if !self.properties.is_empty() {
            return Err(CodecError::PropertyNotAllowed(0));
        }
        len += checked_text(&self.client_id)?;
        if let Some(will) = &self.will {
            if !topic::is_valid_name(will.topic.as_bytes()) {
                return Err(CodecError::InvalidTopicName);
            }
            if v5 {
                len += will.properties.encoded_len(Context::Will)?;
            } else if !will.properties.is_empty() {
                return Err(CodecError::PropertyNotAllowed(0));
            }
            len += field_len(will.topic.as_bytes())? + field_len(&will.payload)?;
        }
        if let Some(u) = &self.username {
            len += checked_text(u)?;
        }
        if let Some(p) = &self.password {
            len += field_len(p)?;
        }
        Ok(len)
    }

    fn write_body(&self, _: Version, w: &mut Writer<'_>) {
        let v5 = self.version == Version::V5;
        w.binary(PROTOCOL_NAME);
        w.u8(self.version as u8);
        w.u8(self.connect_flags());
        w.u16(self.keep_alive);
        if v5 {
            let body = self.properties.body_len(Context::Connect).unwrap_or(0);
            self.properties.write(w, body);
        }
        w.binary(self.client_id.as_bytes());
        if let Some(will) = &self.will {
            if v5 {
                let body = will.properties.body_len(Context::Will).unwrap_or(0);
                will.properties.write(w, body);
            }
            w.binary(will.topic.as_bytes());
            w.binary(&will.payload);
        }
        if let Some(u) = &self.username {
            w.binary(u.as_bytes());
        }
        if let Some(p) = &self.password {
            w.binary(p);
        }
    }
}

/// Reads a CONNECT body. The packet names its own protocol level.
pub fn read_connect(r: &mut Reader) -> Result<Connect> {
    if r.binary()? != PROTOCOL_NAME {
        return Err(CodecError::InvalidProtocolName);
    }
    let version = match r.u8()? {
        4 => Version::V311,
        5 => Version::V5,
        other => return Err(CodecError::UnsupportedProtocolLevel(other)),
    };
    let flags = r.u8()?;
    if flags & flag::RESERVED != 0 {
        return Err(CodecError::ReservedBitsSet);
    }
    let has_will = flags & flag::WILL != 0;
    let will_qos = (flags >> flag::WILL_QOS_SHIFT) & 0x03;
    let will_retain = flags & flag::WILL_RETAIN != 0;
    // [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15]: no will, no will QoS or retain.
    if !has_will && (will_qos != 0 || will_retain) {
        return Err(CodecError::InvalidWillFlags);
    }
    let will_qos = QoS::from_u8(will_qos).ok_or(CodecError::InvalidQos(will_qos))?;
    let has_password = flags & flag::PASSWORD != 0;
    let has_username = flags & flag::USERNAME != 0;
    if version == Version::V311 && has_password && !has_username {
        return Err(CodecError::PasswordWithoutUsername);
    }
    let keep_alive = r.u16()?;
    let properties = if version == Version::V5 {
        Properties::read(r, Context::Connect)?
    } else {
        Properties::default()
    };
    let client_id = r.string()?;
    let will = if has_will {
        let properties = if version == Version::V5 {
            Properties::read(r, Context::Will)?
        } else {
            Properties::default()
        };
        let topic = r.string()?;
        if !topic::has_name_syntax(&topic) {
            return Err(CodecError::InvalidTopicName);
        }
        let payload = r.binary()?;
        Some(Will {
            topic,
            payload,
            qos: will_qos,
            retain: will_retain,
            properties,
        })
    } else {
        None
    };
    let username = if has_username {
        Some(r.string()?)
    } else {
        None
    };
    let password = if has_password {
        Some(r.binary()?)
    } else {
        None
    };
    Ok(Connect {
        version,
        clean_start: flags & flag::CLEAN_START != 0,
        keep_alive,
        client_id,
        will,
        username,
        password,
        properties,
    })
}

impl Encode for Connack {
    fn body_len(&self, version: Version) -> Result<usize> {
        if !reason_code::allowed(PacketType::Connack, version, self.reason_code) {
            return Err(CodecError::InvalidReasonCode(self.reason_code));
        }
        if self.session_present && self.reason_code != 0 {
            return Err(CodecError::InvalidConnackFlags);
        }
        Ok(match version {
            Version::V311 if self.properties.is_empty() => 2,
            Version::V311 => return Err(CodecError::PropertyNotAllowed(0)),
            Version::V5 => 2 + self.properties.encoded_len(Context::Connack)?,
        })
    }

    fn write_body(&self, version: Version, w: &mut Writer<'_>) {
        w.u8(u8::from(self.session_present));
        w.u8(self.reason_code);
        if version == Version::V5 {
            let body = self.properties.body_len(Context::Connack).unwrap_or(0);
            self.properties.write(w, body);
        }
    }
}

/// Reads a CONNACK body.
pub fn read_connack(r: &mut Reader, version: Version) -> Result<Connack> {
    let flags = r.u8()?;
    // [MQTT-3.2.2-1] bits 7-1 are reserved.
    if flags & 0xFE != 0 {
        return Err(CodecError::InvalidConnackFlags);
    }
    let reason_code = r.u8()?;
    if !reason_code::allowed(PacketType::Connack, version, reason_code) {
        return Err(CodecError::InvalidReasonCode(reason_code));
    }
    // [MQTT-3.2.2-4] / [MQTT-3.2.2-6]: a refused connection has no session.
    let session_present = flags & 1 != 0;
    if session_present && reason_code != 0 {
        return Err(CodecError::InvalidConnackFlags);
    }
    let properties = if version == Version::V5 {
        Properties::read(r, Context::Connack)?
    } else {
        Properties::default()
    };
    Ok(Connack {
        session_present,
        reason_code,
        properties,
    })
}

//! The MQTT control packets as Rust values, one type per packet (PUBACK, PUBREC, PUBREL and
//! PUBCOMP share one shape), the same types for MQTT 3.1.1 and 5: fields 3.1.1 lacks are left
//! at their defaults there (reason code 0, no properties).

use crate::codec::properties::Properties;
use bytes::Bytes;

/// The protocol level of a connection [MQTT-3.1.2.2].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// MQTT 3.1.1, protocol level 4.
    V311 = 4,
    /// MQTT 5.0, protocol level 5.
    V5 = 5,
}

/// Quality of service [MQTT-4.3].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QoS {
    #[default]
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS with this value; 3 and above are invalid [MQTT-3.3.1-4].
    pub fn from_u8(v: u8) -> Option<QoS> {
        match v {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// The control packet types [MQTT-2.1.2], the high nibble of the first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PacketType {
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Pubrec = 5,
    Pubrel = 6,
    Pubcomp = 7,
    Subscribe = 8,
    Suback = 9,
    Unsubscribe = 10,
    Unsuback = 11,
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14,
    Auth = 15,
}

impl PacketType {
    /// The packet's name in capitals, such as "PUBLISH".
    pub fn name(self) -> &'static std::ffi::CStr {
        use PacketType::*;
        match self {
            Connect => c"CONNECT",
            Connack => c"CONNACK",
            Publish => c"PUBLISH",
            Puback => c"PUBACK",
            Pubrec => c"PUBREC",
            Pubrel => c"PUBREL",
            Pubcomp => c"PUBCOMP",
            Subscribe => c"SUBSCRIBE",
            Suback => c"SUBACK",
            Unsubscribe => c"UNSUBSCRIBE",
            Unsuback => c"UNSUBACK",
            Pingreq => c"PINGREQ",
            Pingresp => c"PINGRESP",
            Disconnect => c"DISCONNECT",
            Auth => c"AUTH",
        }
    }

    /// The type with this number.
    pub fn from_u8(v: u8) -> Option<PacketType> {
        use PacketType::*;
        Some(match v {
            1 => Connect,
            2 => Connack,
            3 => Publish,
            4 => Puback,
            5 => Pubrec,
            6 => Pubrel,
            7 => Pubcomp,
            8 => Subscribe,
            9 => Suback,
            10 => Unsubscribe,
            11 => Unsuback,
            12 => Pingreq,
            13 => Pingresp,
            14 => Disconnect,
            15 => Auth,
            _ => return None,
        })
    }
}

/// A will message carried in a CONNECT [MQTT-3.1.2.5].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    /// Will properties (MQTT 5).
    pub properties: Properties,
}

/// CONNECT [MQTT-3.1].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connect {
    /// The protocol level the client asks for.
    pub version: Version,
    /// Clean Session (3.1.1) or Clean Start (5).
    pub clean_start: bool,
    /// Seconds; 0 turns keep-alive off.
    pub keep_alive: u16,
    pub client_id: String,
    pub will: Option<Will>,
    pub username: Option<String>,
    pub password: Option<Bytes>,
    pub properties: Properties,
}

impl Default for Connect {
    fn default() -> Connect {
        Connect {
            version: Version::V311,
            clean_start: true,
            keep_alive: 0,
            client_id: String::new(),
            will: None,
            username: None,
            password: None,
            properties: Properties::default(),
        }
    }
}

/// CONNACK [MQTT-3.2]. In 3.1.1 `reason_code` holds the connect return code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Connack {
    pub session_present: bool,
    pub reason_code: u8,
    pub properties: Properties,
}

/// PUBLISH [MQTT-3.3].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Publish {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    /// May be empty in MQTT 5 when a topic alias stands in for it.
    pub topic: String,
    /// Present (non-zero) exactly when QoS > 0 [MQTT-2.3.1-5].
    pub packet_id: u16,
    pub payload: Bytes,
    pub properties: Properties,
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP [MQTT-3.4] - [MQTT-3.7].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PubAck {
    pub packet_id: u16,
    /// 0 (success) in 3.1.1.
    pub reason_code: u8,
    pub properties: Properties,
}

/// One topic filter of a SUBSCRIBE and its options [MQTT-3.8.3.1].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subscription {
    pub filter: String,
    pub qos: QoS,
    /// MQTT 5: do not send this client its own publishes.
    pub no_local: bool,
    /// MQTT 5: keep the retain flag of forwarded publishes.
    pub retain_as_published: bool,
    /// MQTT 5: 0 send retained, 1 only for new subscriptions, 2 never.
    pub retain_handling: u8,
}

/// SUBSCRIBE [MQTT-3.8].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subscribe {
    pub packet_id: u16,
    pub subscriptions: Vec<Subscription>,
    pub properties: Properties,
}

/// SUBACK [MQTT-3.9]: one return/reason code per subscription.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suback {
    pub packet_id: u16,
    pub reason_codes: Vec<u8>,
    pub properties: Properties,
}

/// UNSUBSCRIBE [MQTT-3.10].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unsubscribe {
    pub packet_id: u16,
    pub filters: Vec<String>,
    pub properties: Properties,
}

/// UNSUBACK [MQTT-3.11]: reason codes only in MQTT 5.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unsuback {
    pub packet_id: u16,
    pub reason_codes: Vec<u8>,
    pub properties: Properties,
}

/// DISCONNECT [MQTT-3.14]: reason code and properties in MQTT 5 only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disconnect {
    pub reason_code: u8,
    pub properties: Properties,
}

/// AUTH [MQTT-3.15], MQTT 5 only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Auth {
    pub reason_code: u8,
    pub properties: Properties,
}

/// Any control packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet {
    Connect(Box<Connect>),
    Connack(Connack),
    Publish(Publish),
    Puback(PubAck),
    Pubrec(PubAck),
    Pubrel(PubAck),
    Pubcomp(PubAck),
    Subscribe(Subscribe),
    Suback(Suback),
    Unsubscribe(Unsubscribe),
    Unsuback(Unsuback),
    Pingreq,
    Pingresp,
    Disconnect(Disconnect),
    Auth(Auth),
}

impl Packet {
    /// The packet's type.
    pub fn packet_type(&self) -> PacketType {
        match self {
            Packet::Connect(_) => PacketType::Connect,
            Packet::Connack(_) => PacketType::Connack,
            Packet::Publish(_) => PacketType::Publish,
            Packet::Puback(_) => PacketType::Puback,
            Packet::Pubrec(_) => PacketType::Pubrec,
            Packet::Pubrel(_) => PacketType::Pubrel,
            Packet::Pubcomp(_) => PacketType::Pubcomp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::Suback(_) => PacketType::Suback,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::Unsuback(_) => PacketType::Unsuback,
            Packet::Pingreq => PacketType::Pingreq,
            Packet::Pingresp => PacketType::Pingresp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }
}

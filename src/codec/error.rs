//! Why bytes are not a packet, or a packet cannot be encoded: one variant per rule, each naming
//! the clause of the specification that makes it a rule.

use std::fmt;

/// A packet the decoder refused, or one the encoder cannot write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodecError {
    /// A variable byte integer longer than four bytes [MQTT-1.5.5] / [MQTT-2.2.3].
    MalformedVariableInteger,
    /// A variable byte integer not in its shortest form [MQTT-1.5.5-1].
    NonMinimalVariableInteger,
    /// The packet type 0, or 15 (AUTH) in MQTT 3.1.1 [MQTT-2.1.2].
    InvalidPacketType(u8),
    /// Fixed-header flags other than the packet type requires [MQTT-2.1.3-1] / [MQTT-2.2.2-1].
    InvalidFixedHeaderFlags(u8),
    /// A QoS of 3 [MQTT-3.3.1-4], or a QoS not allowed where it appears.
    InvalidQos(u8),
    /// A packet identifier of 0 where one is required [MQTT-2.3.1-1].
    ZeroPacketId,
    /// The remaining length claims more or fewer bytes than the packet's content [MQTT-2.2.3].
    RemainingLengthMismatch,
    /// The packet ends in the middle of a field.
    Truncated,
    /// A string that is not valid MQTT UTF-8 [MQTT-1.5.3-1], [MQTT-1.5.3-2].
    InvalidUtf8,
    /// A string or binary field longer than 65535 bytes [MQTT-1.5.3].
    StringTooLong,
    /// A topic name that is empty or holds a wildcard [MQTT-3.3.2-2] / [MQTT-4.7].
    InvalidTopicName,
    /// A topic filter that breaks the wildcard rules [MQTT-4.7.1] or the shared-subscription
    /// syntax [MQTT-4.8.2].
    InvalidTopicFilter,
    /// A SUBSCRIBE or UNSUBSCRIBE with no topic filter [MQTT-3.8.3-3] / [MQTT-3.10.3-2], or an
    /// acknowledgement of one with no reason code (one answers each filter [MQTT-3.9.3-1]).
    EmptySubscription,
    /// Reserved bits set in a CONNECT's flags or a subscription's options [MQTT-3.1.2-3] /
    /// [MQTT-3.8.3-4].
    ReservedBitsSet,
    /// A protocol name other than "MQTT" [MQTT-3.1.2-1].
    InvalidProtocolName,
    /// A protocol level other than 4 (3.1.1) or 5 [MQTT-3.1.2-2].
    UnsupportedProtocolLevel(u8),
    /// Will flags inconsistent with each other [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15].
    InvalidWillFlags,
    /// A password without a user name in MQTT 3.1.1 [MQTT-3.1.2-22].
    PasswordWithoutUsername,
    /// An MQTT 3.1.1 client asking to resume a session without a client identifier
    /// [MQTT-3.1.3-7].
    EmptyClientIdWithoutCleanSession,
    /// A CONNACK's reserved flag bits set [MQTT-3.2.2-1], or session present with a refusal
    /// [MQTT-3.2.2-4].
    InvalidConnackFlags,
    /// A reason code the packet does not allow [MQTT-2.4].
    InvalidReasonCode(u8),
    /// An unknown property identifier [MQTT-2.2.2.2].
    UnknownProperty(u8),
    /// A property the packet does not allow [MQTT-2.2.2.2].
    PropertyNotAllowed(u8),
    /// A property that may appear once appeared twice [MQTT-2.2.2.2].
    DuplicateProperty(u8),
    /// A property value out of its range (a zero receive maximum, a boolean other than 0 or 1,
    /// subscription identifier 0, ...) [MQTT-3.1.2.11] and siblings.
    InvalidPropertyValue(u8),
    /// The packet exceeds the maximum packet size in force [MQTT-3.1.2-24] / [MQTT-3.2.2-15].
    PacketTooLarge { size: usize, maximum: usize },
    /// An encoder's output buffer is smaller than the packet.
    BufferTooSmall { needed: usize },
}

impl CodecError {
    /// The clause of the specification that the refused input breaks.
    pub fn clause(&self) -> &'static str {
        match self {
            CodecError::MalformedVariableInteger => "MQTT-1.5.5",
            CodecError::NonMinimalVariableInteger => "MQTT-1.5.5-1",
            CodecError::InvalidPacketType(_) => "MQTT-2.1.2",
            CodecError::InvalidFixedHeaderFlags(_) => "MQTT-2.1.3-1",
            CodecError::InvalidQos(_) => "MQTT-3.3.1-4",
            CodecError::ZeroPacketId => "MQTT-2.3.1-1",
            CodecError::RemainingLengthMismatch | CodecError::Truncated => "MQTT-2.2.3",
            CodecError::InvalidUtf8 => "MQTT-1.5.3-1",
            CodecError::StringTooLong => "MQTT-1.5.3",
            CodecError::InvalidTopicName => "MQTT-4.7.3-1",
            CodecError::InvalidTopicFilter => "MQTT-4.7.1-2",
            CodecError::EmptySubscription => "MQTT-3.8.3-3",
            CodecError::ReservedBitsSet => "MQTT-3.1.2-3",
            CodecError::InvalidProtocolName => "MQTT-3.1.2-1",
            CodecError::UnsupportedProtocolLevel(_) => "MQTT-3.1.2-2",
            CodecError::InvalidWillFlags => "MQTT-3.1.2-11",
            CodecError::PasswordWithoutUsername => "MQTT-3.1.2-22",
            CodecError::EmptyClientIdWithoutCleanSession => "MQTT-3.1.3-7",
            CodecError::InvalidConnackFlags => "MQTT-3.2.2-1",
            CodecError::InvalidReasonCode(_) => "MQTT-2.4",
            CodecError::UnknownProperty(_)
            | CodecError::PropertyNotAllowed(_)
            | CodecError::DuplicateProperty(_)
            | CodecError::InvalidPropertyValue(_) => "MQTT-2.2.2.2",
            CodecError::PacketTooLarge { .. } => "MQTT-3.1.2-24",
            CodecError::BufferTooSmall { .. } => "(encoder)",
        }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?} [{}]", self.clause())
    }
}

impl std::error::Error for CodecError {}

/// What codec functions return.
pub type Result<T> = std::result::Result<T, CodecError>;

//! `aws/mqtt/v5/mqtt5_types.h`: the MQTT 5 enums the client API shares (QoS, reason codes,
//! packet types, property values). The packet views, which the same header declares, live in
//! [`mqtt5_views`](super::mqtt5_views).

use std::ffi::c_int;

/// A packet identifier [MQTT-2.2.1].
pub type aws_mqtt5_packet_id_t = u16;

/// Quality of service of a message [MQTT-4.3].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_qos {
    /// At most once delivery.
    AWS_MQTT5_QOS_AT_MOST_ONCE = 0,
    /// At least once delivery.
    AWS_MQTT5_QOS_AT_LEAST_ONCE = 1,
    /// Exactly once delivery.
    AWS_MQTT5_QOS_EXACTLY_ONCE = 2,
}

/// A C `enum aws_mqtt5_qos` received from the caller.
pub type aws_mqtt5_qos_raw = c_int;

/// Reason codes of a CONNACK [MQTT-3.2.2.2].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_connect_reason_code {
    /// Success.
    AWS_MQTT5_CRC_SUCCESS = 0,
    /// Unspecified Error.
    AWS_MQTT5_CRC_UNSPECIFIED_ERROR = 128,
    /// Malformed Packet.
    AWS_MQTT5_CRC_MALFORMED_PACKET = 129,
    /// Protocol Error.
    AWS_MQTT5_CRC_PROTOCOL_ERROR = 130,
    /// Implementation Specific Error.
    AWS_MQTT5_CRC_IMPLEMENTATION_SPECIFIC_ERROR = 131,
    /// Unsupported Protocol Version.
    AWS_MQTT5_CRC_UNSUPPORTED_PROTOCOL_VERSION = 132,
    /// Client Identifier Not Valid.
    AWS_MQTT5_CRC_CLIENT_IDENTIFIER_NOT_VALID = 133,
    /// Bad Username Or Password.
    AWS_MQTT5_CRC_BAD_USERNAME_OR_PASSWORD = 134,
    /// Not Authorized.
    AWS_MQTT5_CRC_NOT_AUTHORIZED = 135,
    /// Server Unavailable.
    AWS_MQTT5_CRC_SERVER_UNAVAILABLE = 136,
    /// Server Busy.
    AWS_MQTT5_CRC_SERVER_BUSY = 137,
    /// Banned.
    AWS_MQTT5_CRC_BANNED = 138,
    /// Bad Authentication Method.
    AWS_MQTT5_CRC_BAD_AUTHENTICATION_METHOD = 140,
    /// Topic Name Invalid.
    AWS_MQTT5_CRC_TOPIC_NAME_INVALID = 144,
    /// Packet Too Large.
    AWS_MQTT5_CRC_PACKET_TOO_LARGE = 149,
    /// Quota Exceeded.
    AWS_MQTT5_CRC_QUOTA_EXCEEDED = 151,
    /// Payload Format Invalid.
    AWS_MQTT5_CRC_PAYLOAD_FORMAT_INVALID = 153,
    /// Retain Not Supported.
    AWS_MQTT5_CRC_RETAIN_NOT_SUPPORTED = 154,
    /// QoS Not Supported.
    AWS_MQTT5_CRC_QOS_NOT_SUPPORTED = 155,
    /// Use Another Server.
    AWS_MQTT5_CRC_USE_ANOTHER_SERVER = 156,
    /// Server Moved.
    AWS_MQTT5_CRC_SERVER_MOVED = 157,
    /// Connection Rate Exceeded.
    AWS_MQTT5_CRC_CONNECTION_RATE_EXCEEDED = 159,
}

/// A C `enum aws_mqtt5_connect_reason_code` received from the caller.
pub type aws_mqtt5_connect_reason_code_raw = c_int;

/// Reason codes of a DISCONNECT [MQTT-3.14.2.1].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_disconnect_reason_code {
    /// Normal Disconnection.
    AWS_MQTT5_DRC_NORMAL_DISCONNECTION = 0,
    /// Disconnect With Will Message.
    AWS_MQTT5_DRC_DISCONNECT_WITH_WILL_MESSAGE = 4,
    /// Unspecified Error.
    AWS_MQTT5_DRC_UNSPECIFIED_ERROR = 128,
    /// Malformed Packet.
    AWS_MQTT5_DRC_MALFORMED_PACKET = 129,
    /// Protocol Error.
    AWS_MQTT5_DRC_PROTOCOL_ERROR = 130,
    /// Implementation Specific Error.
    AWS_MQTT5_DRC_IMPLEMENTATION_SPECIFIC_ERROR = 131,
    /// Not Authorized.
    AWS_MQTT5_DRC_NOT_AUTHORIZED = 135,
    /// Server Busy.
    AWS_MQTT5_DRC_SERVER_BUSY = 137,
    /// Server Shutting Down.
    AWS_MQTT5_DRC_SERVER_SHUTTING_DOWN = 139,
    /// Keep Alive Timeout.
    AWS_MQTT5_DRC_KEEP_ALIVE_TIMEOUT = 141,
    /// Session Taken Over.
    AWS_MQTT5_DRC_SESSION_TAKEN_OVER = 142,
    /// Topic Filter Invalid.
    AWS_MQTT5_DRC_TOPIC_FILTER_INVALID = 143,
    /// Topic Name Invalid.
    AWS_MQTT5_DRC_TOPIC_NAME_INVALID = 144,
    /// Receive Maximum Exceeded.
    AWS_MQTT5_DRC_RECEIVE_MAXIMUM_EXCEEDED = 147,
    /// Topic Alias Invalid.
    AWS_MQTT5_DRC_TOPIC_ALIAS_INVALID = 148,
    /// Packet Too Large.
    AWS_MQTT5_DRC_PACKET_TOO_LARGE = 149,
    /// Message Rate Too High.
    AWS_MQTT5_DRC_MESSAGE_RATE_TOO_HIGH = 150,
    /// Quota Exceeded.
    AWS_MQTT5_DRC_QUOTA_EXCEEDED = 151,
    /// Administrative Action.
    AWS_MQTT5_DRC_ADMINISTRATIVE_ACTION = 152,
    /// Payload Format Invalid.
    AWS_MQTT5_DRC_PAYLOAD_FORMAT_INVALID = 153,
    /// Retain Not Supported.
    AWS_MQTT5_DRC_RETAIN_NOT_SUPPORTED = 154,
    /// QoS Not Supported.
    AWS_MQTT5_DRC_QOS_NOT_SUPPORTED = 155,
    /// Use Another Server.
    AWS_MQTT5_DRC_USE_ANOTHER_SERVER = 156,
    /// Server Moved.
    AWS_MQTT5_DRC_SERVER_MOVED = 157,
    /// Shared Subscriptions Not Supported.
    AWS_MQTT5_DRC_SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 158,
    /// Connection Rate Exceeded.
    AWS_MQTT5_DRC_CONNECTION_RATE_EXCEEDED = 159,
    /// Maximum Connect Time.
    AWS_MQTT5_DRC_MAXIMUM_CONNECT_TIME = 160,
    /// Subscription Identifiers Not Supported.
    AWS_MQTT5_DRC_SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED = 161,
    /// Wildcard Subscriptions Not Supported.
    AWS_MQTT5_DRC_WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED = 162,
}

/// A C `enum aws_mqtt5_disconnect_reason_code` received from the caller.
pub type aws_mqtt5_disconnect_reason_code_raw = c_int;

/// Reason codes of a PUBACK [MQTT-3.4.2.1].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_puback_reason_code {
    /// Success.
    AWS_MQTT5_PARC_SUCCESS = 0,
    /// No Matching Subscribers.
    AWS_MQTT5_PARC_NO_MATCHING_SUBSCRIBERS = 16,
    /// Unspecified Error.
    AWS_MQTT5_PARC_UNSPECIFIED_ERROR = 128,
    /// Implementation Specific Error.
    AWS_MQTT5_PARC_IMPLEMENTATION_SPECIFIC_ERROR = 131,
    /// Not Authorized.
    AWS_MQTT5_PARC_NOT_AUTHORIZED = 135,
    /// Topic Name Invalid.
    AWS_MQTT5_PARC_TOPIC_NAME_INVALID = 144,
    /// Packet Identifier In Use.
    AWS_MQTT5_PARC_PACKET_IDENTIFIER_IN_USE = 145,
    /// Quota Exceeded.
    AWS_MQTT5_PARC_QUOTA_EXCEEDED = 151,
    /// Payload Format Invalid.
    AWS_MQTT5_PARC_PAYLOAD_FORMAT_INVALID = 153,
}

/// A C `enum aws_mqtt5_puback_reason_code` received from the caller.
pub type aws_mqtt5_puback_reason_code_raw = c_int;

/// How a manually acknowledged PUBLISH's PUBACK fared.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_manual_publish_acknowledgement_result {
    /// The PUBACK was sent.
    AWS_MQTT5_MPAR_SUCCESS = 0,
    /// The control id was cancelled by a disconnection (reported once; afterwards it is invalid).
    AWS_MQTT5_MPAR_PUBACK_CANCELLED = 1,
    /// The control id is unknown: never issued, or already used.
    AWS_MQTT5_MPAR_PUBACK_INVALID = 2,
    /// The PUBACK could not be queued.
    AWS_MQTT5_MPAR_CRT_FAILURE = 3,
}

/// A C `enum aws_mqtt5_manual_publish_acknowledgement_result` received from the caller.
pub type aws_mqtt5_manual_publish_acknowledgement_result_raw = c_int;

/// Reason codes of a SUBACK [MQTT-3.9.3].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_suback_reason_code {
    /// Granted QoS 0.
    AWS_MQTT5_SARC_GRANTED_QOS_0 = 0,
    /// Granted QoS 1.
    AWS_MQTT5_SARC_GRANTED_QOS_1 = 1,
    /// Granted QoS 2.
    AWS_MQTT5_SARC_GRANTED_QOS_2 = 2,
    /// Unspecified Error.
    AWS_MQTT5_SARC_UNSPECIFIED_ERROR = 128,
    /// Implementation Specific Error.
    AWS_MQTT5_SARC_IMPLEMENTATION_SPECIFIC_ERROR = 131,
    /// Not Authorized.
    AWS_MQTT5_SARC_NOT_AUTHORIZED = 135,
    /// Topic Filter Invalid.
    AWS_MQTT5_SARC_TOPIC_FILTER_INVALID = 143,
    /// Packet Identifier In Use.
    AWS_MQTT5_SARC_PACKET_IDENTIFIER_IN_USE = 145,
    /// Quota Exceeded.
    AWS_MQTT5_SARC_QUOTA_EXCEEDED = 151,
    /// Shared Subscriptions Not Supported.
    AWS_MQTT5_SARC_SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 158,
    /// Subscription Identifiers Not Supported.
    AWS_MQTT5_SARC_SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED = 161,
    /// Wildcard Subscriptions Not Supported.
    AWS_MQTT5_SARC_WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED = 162,
}

/// A C `enum aws_mqtt5_suback_reason_code` received from the caller.
pub type aws_mqtt5_suback_reason_code_raw = c_int;

/// Reason codes of an UNSUBACK [MQTT-3.11.3].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_unsuback_reason_code {
    /// Success.
    AWS_MQTT5_UARC_SUCCESS = 0,
    /// No Subscription Existed.
    AWS_MQTT5_UARC_NO_SUBSCRIPTION_EXISTED = 17,
    /// Unspecified Error.
    AWS_MQTT5_UARC_UNSPECIFIED_ERROR = 128,
    /// Implementation Specific Error.
    AWS_MQTT5_UARC_IMPLEMENTATION_SPECIFIC_ERROR = 131,
    /// Not Authorized.
    AWS_MQTT5_UARC_NOT_AUTHORIZED = 135,
    /// Topic Filter Invalid.
    AWS_MQTT5_UARC_TOPIC_FILTER_INVALID = 143,
    /// Packet Identifier In Use.
    AWS_MQTT5_UARC_PACKET_IDENTIFIER_IN_USE = 145,
}

/// A C `enum aws_mqtt5_unsuback_reason_code` received from the caller.
pub type aws_mqtt5_unsuback_reason_code_raw = c_int;

/// MQTT control packet types [MQTT-2.1.2].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_packet_type {
    /// Internal marker: no packet.
    AWS_MQTT5_PT_NONE = -1,
    /// Reserved: not a valid packet type.
    AWS_MQTT5_PT_RESERVED = 0,
    /// Connect.
    AWS_MQTT5_PT_CONNECT = 1,
    /// Connack.
    AWS_MQTT5_PT_CONNACK = 2,
    /// Publish.
    AWS_MQTT5_PT_PUBLISH = 3,
    /// Puback.
    AWS_MQTT5_PT_PUBACK = 4,
    /// Pubrec.
    AWS_MQTT5_PT_PUBREC = 5,
    /// Pubrel.
    AWS_MQTT5_PT_PUBREL = 6,
    /// Pubcomp.
    AWS_MQTT5_PT_PUBCOMP = 7,
    /// Subscribe.
    AWS_MQTT5_PT_SUBSCRIBE = 8,
    /// Suback.
    AWS_MQTT5_PT_SUBACK = 9,
    /// Unsubscribe.
    AWS_MQTT5_PT_UNSUBSCRIBE = 10,
    /// Unsuback.
    AWS_MQTT5_PT_UNSUBACK = 11,
    /// Pingreq.
    AWS_MQTT5_PT_PINGREQ = 12,
    /// Pingresp.
    AWS_MQTT5_PT_PINGRESP = 13,
    /// Disconnect.
    AWS_MQTT5_PT_DISCONNECT = 14,
    /// Auth.
    AWS_MQTT5_PT_AUTH = 15,
}

/// A C `enum aws_mqtt5_packet_type` received from the caller.
pub type aws_mqtt5_packet_type_raw = c_int;

/// What a PUBLISH payload holds [MQTT-3.3.2.3.2].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_payload_format_indicator {
    /// Unspecified bytes.
    AWS_MQTT5_PFI_BYTES = 0,
    /// UTF-8 encoded character data.
    AWS_MQTT5_PFI_UTF8 = 1,
}

/// A C `enum aws_mqtt5_payload_format_indicator` received from the caller.
pub type aws_mqtt5_payload_format_indicator_raw = c_int;

/// Whether a subscription makes the server send retained messages [MQTT-3.8.3.1].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_retain_handling_type {
    /// Send the retained messages matching the filter on every subscribe.
    AWS_MQTT5_RHT_SEND_ON_SUBSCRIBE = 0,
    /// Send them only if the subscription did not exist yet.
    AWS_MQTT5_RHT_SEND_ON_SUBSCRIBE_IF_NEW = 1,
    /// Never send retained messages because of this subscribe.
    AWS_MQTT5_RHT_DONT_SEND = 2,
}

/// A C `enum aws_mqtt5_retain_handling_type` received from the caller.
pub type aws_mqtt5_retain_handling_type_raw = c_int;

crate::c_enum!(
    aws_mqtt5_qos,
    aws_mqtt5_manual_publish_acknowledgement_result,
    aws_mqtt5_payload_format_indicator,
    aws_mqtt5_retain_handling_type,
    aws_mqtt5_connect_reason_code,
    aws_mqtt5_disconnect_reason_code,
    aws_mqtt5_puback_reason_code,
    aws_mqtt5_suback_reason_code,
    aws_mqtt5_unsuback_reason_code,
    aws_mqtt5_packet_type
);

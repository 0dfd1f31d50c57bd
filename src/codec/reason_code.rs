//! MQTT 5 reason codes [MQTT-2.4], Table 2-6: each code's name, and which packets may carry it;
//! and the MQTT 3.1.1 CONNACK return codes and SUBACK return codes.

use crate::codec::packet::{PacketType, Version};
use std::ffi::CStr;

/// The name of MQTT 5 reason code `code` (Table 2-6) in the sense it has in `packet`, spelled
/// as aws-c-mqtt spells it (its `aws_mqtt5_*_reason_code_to_c_string` return these). `None`
/// when `packet` cannot carry `code`.
pub fn name(packet: PacketType, code: u8) -> Option<&'static CStr> {
    if !allowed(packet, Version::V5, code) {
        return None;
    }
    Some(match (packet, code) {
        (PacketType::Disconnect, 0x00) => c"Normal Disconnection",
        (PacketType::Suback, 0x00) => c"Granted QoS 0",
        (_, 0x00) => c"Success",
        (_, 0x01) => c"Granted QoS 1",
        (_, 0x02) => c"Granted QoS 2",
        (_, 0x04) => c"Disconnect With Will Message",
        (_, 0x10) => c"No Matching Subscribers",
        (_, 0x11) => c"No Subscription Existed",
        (_, 0x18) => c"Continue Authentication",
        (_, 0x19) => c"Re-Authenticate",
        (_, 0x80) => c"Unspecified Error",
        (_, 0x81) => c"Malformed Packet",
        (_, 0x82) => c"Protocol Error",
        (_, 0x83) => c"Implementation Specific Error",
        (_, 0x84) => c"Unsupported Protocol Version",
        (_, 0x85) => c"Client Identifier Not Valid",
        (_, 0x86) => c"Bad Username Or Password",
        (_, 0x87) => c"Not Authorized",
        (_, 0x88) => c"Server Unavailable",
        (_, 0x89) => c"Server Busy",
        (_, 0x8A) => c"Banned",
        (_, 0x8B) => c"Server Shutting Down",
        (_, 0x8C) => c"Bad Authentication Method",
        (_, 0x8D) => c"Keep Alive Timeout",
        (_, 0x8E) => c"Session Taken Over",
        (_, 0x8F) => c"Topic Filter Invalid",
        (_, 0x90) => c"Topic Name Invalid",
        (_, 0x91) => c"Packet Identifier In Use",
        (_, 0x92) => c"Packet Identifier Not Found",
        (_, 0x93) => c"Receive Maximum Exceeded",
        (_, 0x94) => c"Topic Alias Invalid",
        (_, 0x95) => c"Packet Too Large",
        (_, 0x96) => c"Message Rate Too High",
        (_, 0x97) => c"Quota Exceeded",
        (_, 0x98) => c"Administrative Action",
        (_, 0x99) => c"Payload Format Invalid",
        (_, 0x9A) => c"Retain Not Supported",
        (_, 0x9B) => c"QoS Not Supported",
        (_, 0x9C) => c"Use Another Server",
        (_, 0x9D) => c"Server Moved",
        (_, 0x9E) => c"Shared Subscriptions Not Supported",
        (_, 0x9F) => c"Connection Rate Exceeded",
        (_, 0xA0) => c"Maximum Connect Time",
        (_, 0xA1) => c"Subscription Identifiers Not Supported",
        (_, 0xA2) => c"Wildcard Subscriptions Not Supported",
        _ => return None,
    })
}

/// True when a `packet` of protocol `version` may carry reason (or return) code `code`.
pub fn allowed(packet: PacketType, version: Version, code: u8) -> bool {
    let codes: &[u8] = match (version, packet) {
        // 3.1.1 CONNACK return codes 0-5 [MQTT-3.2.2.3]; SUBACK return codes [MQTT-3.9.3].
        (Version::V311, PacketType::Connack) => &[0, 1, 2, 3, 4, 5],
        (Version::V311, PacketType::Suback) => &[0, 1, 2, 0x80],
        (Version::V311, _) => &[0],
        (Version::V5, PacketType::Connack) => &[
            0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90,
            0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
        ],
        (Version::V5, PacketType::Puback | PacketType::Pubrec) => {
            &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]
        }
        (Version::V5, PacketType::Pubrel | PacketType::Pubcomp) => &[0x00, 0x92],
        (Version::V5, PacketType::Suback) => &[
            0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2,
        ],
        (Version::V5, PacketType::Unsuback) => &[0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91],
        (Version::V5, PacketType::Disconnect) => &[
            0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93,
            0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1,
            0xA2,
        ],
        (Version::V5, PacketType::Auth) => &[0x00, 0x18, 0x19],
        (Version::V5, _) => &[0],
    };
    codes.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_has_the_name_its_packet_gives_it_mqtt_2_4() {
        assert_eq!(
            name(PacketType::Disconnect, 0),
            Some(c"Normal Disconnection")
        );
        assert_eq!(name(PacketType::Suback, 0), Some(c"Granted QoS 0"));
        assert_eq!(name(PacketType::Puback, 0), Some(c"Success"));
    }

    #[test]
    fn a_code_outside_its_packets_set_has_no_name() {
        assert_eq!(name(PacketType::Puback, 0x04), None);
        assert_eq!(
            name(PacketType::Disconnect, 0x04),
            Some(c"Disconnect With Will Message")
        );
        assert_eq!(name(PacketType::Connack, 0x8B), None);
    }

    #[test]
    fn mqtt_3_1_1_connack_return_codes_stop_at_5_mqtt_3_2_2_3() {
        assert!(allowed(PacketType::Connack, Version::V311, 5));
        assert!(!allowed(PacketType::Connack, Version::V311, 6));
    }
}

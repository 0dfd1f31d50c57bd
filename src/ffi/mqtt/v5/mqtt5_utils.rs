//! `aws/mqtt/private/v5/mqtt5_utils.h`: the names of MQTT 5 packet types and reason codes, for
//! logs. Upstream declares these in a private header but exports them; programs call them.

use crate::codec::PacketType;
use crate::codec::reason_code;
use crate::ffi::mqtt::v5::mqtt5_types::{
    aws_mqtt5_connect_reason_code_raw, aws_mqtt5_disconnect_reason_code_raw,
    aws_mqtt5_packet_type_raw, aws_mqtt5_puback_reason_code_raw, aws_mqtt5_suback_reason_code_raw,
    aws_mqtt5_unsuback_reason_code_raw,
};
use std::ffi::{c_char, c_int};

/// The name of `code` in `packet`, or "Unknown Reason" as upstream answers for any other value.
fn reason_name(packet: PacketType, code: c_int) -> *const c_char {
    u8::try_from(code)
        .ok()
        .and_then(|c| reason_code::name(packet, c))
        .unwrap_or(c"Unknown Reason")
        .as_ptr()
}

/// The name of a CONNACK reason code, such as "Bad Username Or Password".
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt5_connect_reason_code_to_c_string(
    reason_code: aws_mqtt5_connect_reason_code_raw,
) -> *const c_char {
    reason_name(PacketType::Connack, reason_code)
}

/// The name of a DISCONNECT reason code, such as "Normal Disconnection".
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt5_disconnect_reason_code_to_c_string(
    reason_code: aws_mqtt5_disconnect_reason_code_raw,
) -> *const c_char {
    reason_name(PacketType::Disconnect, reason_code)
}

/// The name of a PUBACK reason code, such as "No Matching Subscribers".
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt5_puback_reason_code_to_c_string(
    reason_code: aws_mqtt5_puback_reason_code_raw,
) -> *const c_char {
    reason_name(PacketType::Puback, reason_code)
}

/// The name of a SUBACK reason code, such as "Granted QoS 1".
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt5_suback_reason_code_to_c_string(
    reason_code: aws_mqtt5_suback_reason_code_raw,
) -> *const c_char {
    reason_name(PacketType::Suback, reason_code)
}

/// The name of an UNSUBACK reason code, such as "No Subscription Existed".
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt5_unsuback_reason_code_to_c_string(
    reason_code: aws_mqtt5_unsuback_reason_code_raw,
) -> *const c_char {
    reason_name(PacketType::Unsuback, reason_code)
}

/// The name of a packet type, such as "PUBLISH"; "RESERVED(INVALID)" for 0 and "UNKNOWN" for
/// anything else, as upstream answers.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt5_packet_type_to_c_string(
    packet_type: aws_mqtt5_packet_type_raw,
) -> *const c_char {
    let name = match u8::try_from(packet_type)
        .ok()
        .map(|t| (t, PacketType::from_u8(t)))
    {
        Some((0, _)) => c"RESERVED(INVALID)",
        Some((_, Some(t))) => t.name(),
        _ => c"UNKNOWN",
    };
    name.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn s(p: *const c_char) -> &'static str {
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    #[test]
    fn reason_codes_are_named_per_packet_as_upstream_spells_them() {
        assert_eq!(
            s(aws_mqtt5_connect_reason_code_to_c_string(0x86)),
            "Bad Username Or Password"
        );
        assert_eq!(
            s(aws_mqtt5_disconnect_reason_code_to_c_string(0)),
            "Normal Disconnection"
        );
        assert_eq!(
            s(aws_mqtt5_suback_reason_code_to_c_string(1)),
            "Granted QoS 1"
        );
        assert_eq!(
            s(aws_mqtt5_puback_reason_code_to_c_string(0x10)),
            "No Matching Subscribers"
        );
        assert_eq!(
            s(aws_mqtt5_unsuback_reason_code_to_c_string(0x11)),
            "No Subscription Existed"
        );
    }

    #[test]
    fn values_a_packet_cannot_carry_are_unknown() {
        assert_eq!(
            s(aws_mqtt5_connect_reason_code_to_c_string(0x8B)),
            "Unknown Reason"
        );
        assert_eq!(
            s(aws_mqtt5_puback_reason_code_to_c_string(-1)),
            "Unknown Reason"
        );
        assert_eq!(
            s(aws_mqtt5_suback_reason_code_to_c_string(300)),
            "Unknown Reason"
        );
    }

    #[test]
    fn packet_types_are_named_in_capitals() {
        assert_eq!(s(aws_mqtt5_packet_type_to_c_string(3)), "PUBLISH");
        assert_eq!(s(aws_mqtt5_packet_type_to_c_string(15)), "AUTH");
        assert_eq!(s(aws_mqtt5_packet_type_to_c_string(0)), "RESERVED(INVALID)");
        assert_eq!(s(aws_mqtt5_packet_type_to_c_string(-1)), "UNKNOWN");
        assert_eq!(s(aws_mqtt5_packet_type_to_c_string(16)), "UNKNOWN");
    }
}

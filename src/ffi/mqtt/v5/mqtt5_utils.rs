//! `aws/mqtt/private/v5/mqtt5_utils.h`: the names of MQTT 5 packet types and reason codes, for
//! logs. Upstream declares these in a private header but exports them; programs call them.

use crate::codec::PacketType;
use crate::codec::reason_code;
use crate::ffi::guard;
use crate::ffi::mqtt::v5::mqtt5_types::{
    aws_mqtt5_connect_reason_code_raw, aws_mqtt5_disconnect_reason_code_raw,
    aws_mqtt5_packet_type_raw, aws_mqtt5_puback_reason_code_raw, aws_mqtt5_suback_reason_code_raw,
    aws_mqtt5_unsuback_reason_code_raw,
};
use std::ffi::{CStr, c_char, c_int};

/// Upstream's answer for a value no packet of the kind carries.
const UNKNOWN_REASON: &CStr = c"Unknown Reason";

/// The name of `code` in `packet`, if that packet may carry it.
fn known_name(packet: PacketType, code: c_int) -> Option<&'static CStr> {
    u8::try_from(code)
        .ok()
        .and_then(|c| reason_code::name(packet, c))
}

/// The name of `code` in `packet`, or "Unknown Reason" as upstream answers for any other value.
fn reason_name(packet: PacketType, code: c_int) -> *const c_char {
    guard::guard(UNKNOWN_REASON.as_ptr(), || {
        Ok(known_name(packet, code).unwrap_or(UNKNOWN_REASON).as_ptr())
    })
}

/// The name of a CONNACK reason code, such as "Bad Username Or Password".
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt5_connect_reason_code_to_c_string(
    reason_code: aws_mqtt5_connect_reason_code_raw,
) -> *const c_char {
    reason_name(PacketType::Connack, reason_code)
}

/// The name of a DISCONNECT reason code, such as "Normal Disconnection". As upstream, it also
/// sets `*is_valid` (unless `is_valid` is NULL) to whether the code is one a DISCONNECT may
/// carry; upstream validates the reason code of a DISCONNECT to send with it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_disconnect_reason_code_to_c_string(
    reason_code: aws_mqtt5_disconnect_reason_code_raw,
    is_valid: *mut bool,
) -> *const c_char {
    guard::guard(UNKNOWN_REASON.as_ptr(), || {
        let name = known_name(PacketType::Disconnect, reason_code);
        // SAFETY: a non-NULL `is_valid` points to a bool the caller lent for writing; NULL is
        // allowed.
        if let Ok(valid) = unsafe { guard::mutable(is_valid) } {
            *valid = name.is_some();
        }
        Ok(name.unwrap_or(UNKNOWN_REASON).as_ptr())
    })
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
    guard::guard(c"UNKNOWN".as_ptr(), || {
        let name = match u8::try_from(packet_type)
            .ok()
            .map(|t| (t, PacketType::from_u8(t)))
        {
            Some((0, _)) => c"RESERVED(INVALID)",
            Some((_, Some(t))) => t.name(),
            _ => c"UNKNOWN",
        };
        Ok(name.as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(p: *const c_char) -> &'static str {
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    fn disconnect_name(code: c_int, is_valid: *mut bool) -> &'static str {
        s(unsafe { aws_mqtt5_disconnect_reason_code_to_c_string(code, is_valid) })
    }

    #[test]
    fn reason_codes_are_named_per_packet_as_upstream_spells_them() {
        assert_eq!(
            s(aws_mqtt5_connect_reason_code_to_c_string(0x86)),
            "Bad Username Or Password"
        );
        assert_eq!(
            disconnect_name(0, std::ptr::null_mut()),
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
    fn a_disconnect_reason_code_reports_whether_a_disconnect_may_carry_it() {
        let mut valid = false;
        assert_eq!(disconnect_name(0x8E, &mut valid), "Session Taken Over");
        assert!(valid);
        // Codes only other packets carry (Granted QoS 1, Bad Username Or Password, Packet
        // Identifier In Use), an unassigned one and values beyond a byte.
        for code in [0x01, 0x86, 0x91, 0xA3, 256, -1] {
            let mut valid = true;
            assert_eq!(
                disconnect_name(code, &mut valid),
                "Unknown Reason",
                "{code:#x}"
            );
            assert!(!valid, "{code:#x}");
        }
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

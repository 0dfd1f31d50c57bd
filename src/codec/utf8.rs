//! MQTT's profile of UTF-8 for every string on the wire [MQTT-1.5.3] (3.1.1) / [MQTT-1.5.4] (5):
//! well-formed UTF-8 (no overlong forms, no surrogate halves) without U+0000, and, as upstream
//! aws-c-mqtt also refuses them, without control characters or Unicode non-characters.

/// Why a string is not valid MQTT UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Utf8Error {
    /// The bytes are not well-formed UTF-8 [MQTT-1.5.3-1].
    IllFormed,
    /// Well-formed, but holds a code point MQTT strings must not hold [MQTT-1.5.3-2].
    Disallowed(char),
}

/// True for the code points MQTT strings must not carry: U+0000 [MQTT-1.5.3-2], the C0 and C1
/// controls and the non-characters (the SHOULD NOTs of [MQTT-1.5.3-2], which upstream enforces).
fn is_disallowed(c: char) -> bool {
    let cp = c as u32;
    cp <= 0x1F
        || (0x7F..=0x9F).contains(&cp)
        || (cp & 0xFFFF) >= 0xFFFE
        || (0xFDD0..=0xFDEF).contains(&cp)
}

/// Checks `bytes` against MQTT's UTF-8 rules. As upstream, which decodes from the start and
/// stops at the first fault, the error is the first one met: a disallowed code point before
/// the first ill-formed byte is reported as `Disallowed`.
pub fn validate(bytes: &[u8]) -> Result<&str, Utf8Error> {
    // Fast path: printable ASCII (0x20..=0x7E) is always valid. No early exit, so the loop
    // vectorises; topics and client ids are nearly always this.
    if bytes
        .iter()
        .fold(true, |ok, &b| ok & (b.wrapping_sub(0x20) < 0x5F))
    {
        // SAFETY: every byte is ASCII, hence UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    let (valid, ill_formed) = match std::str::from_utf8(bytes) {
        Ok(text) => (text, false),
        // The bytes up to `valid_up_to` are well-formed, so this never falls back to "".
        Err(e) => (
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
            true,
        ),
    };
    if let Some(c) = valid.chars().find(|&c| is_disallowed(c)) {
        return Err(Utf8Error::Disallowed(c));
    }
    if ill_formed {
        Err(Utf8Error::IllFormed)
    } else {
        Ok(valid)
    }
}

/// Checks text that is already well-formed UTF-8 (a Rust `str`) for the code points MQTT
/// strings must not carry.
pub fn validate_str(text: &str) -> Result<&str, Utf8Error> {
    validate(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_multibyte_text_is_valid() {
        assert_eq!(
            validate("sensors/température/🌡".as_bytes()),
            Ok("sensors/température/🌡")
        );
        assert_eq!(validate(b""), Ok(""));
    }

    #[test]
    fn null_character_is_refused_mqtt_1_5_3_2() {
        assert_eq!(validate(b"a\0b"), Err(Utf8Error::Disallowed('\0')));
    }

    #[test]
    fn surrogate_halves_are_ill_formed_mqtt_1_5_3_1() {
        // U+D800 encoded as if it were a scalar value.
        assert_eq!(validate(&[0xED, 0xA0, 0x80]), Err(Utf8Error::IllFormed));
    }

    #[test]
    fn overlong_and_truncated_encodings_are_ill_formed_mqtt_1_5_3_1() {
        assert_eq!(validate(&[0xC0, 0x80]), Err(Utf8Error::IllFormed));
        assert_eq!(validate(&[0xE2, 0x82]), Err(Utf8Error::IllFormed));
        assert_eq!(
            validate(&[0xF4, 0x90, 0x80, 0x80]),
            Err(Utf8Error::IllFormed)
        );
    }

    #[test]
    fn controls_and_non_characters_are_refused_as_upstream_does() {
        assert_eq!(validate(b"\x1f"), Err(Utf8Error::Disallowed('\u{1f}')));
        assert_eq!(
            validate("\u{85}".as_bytes()),
            Err(Utf8Error::Disallowed('\u{85}'))
        );
        assert_eq!(
            validate("\u{FFFE}".as_bytes()),
            Err(Utf8Error::Disallowed('\u{FFFE}'))
        );
        assert_eq!(
            validate("\u{FDD0}".as_bytes()),
            Err(Utf8Error::Disallowed('\u{FDD0}'))
        );
        assert!(validate("\u{7E}\u{A0}".as_bytes()).is_ok());
    }

    #[test]
    fn the_first_fault_decides_the_error_as_upstream() {
        assert_eq!(validate(b"a\x01\xFF"), Err(Utf8Error::Disallowed('\u{1}')));
        assert_eq!(validate(b"a\xFF\x01"), Err(Utf8Error::IllFormed));
    }
}

//! The syntax of topic names and topic filters [MQTT-4.7]: levels separated by '/', the
//! multi-level wildcard '#' alone and last, the single-level wildcard '+' alone in its level,
//! and wildcards only in filters.

use crate::codec::utf8;

/// The longest string MQTT can encode: a two-byte length prefix [MQTT-1.5.3].
pub const MAX_STRING_LEN: usize = 65535;

/// True when `topic` may name a PUBLISH's topic.
pub fn is_valid_name(topic: &[u8]) -> bool {
    checked_name(topic).is_some()
}

/// `topic` as text when it may name a PUBLISH's topic: MQTT UTF-8 [MQTT-1.5.3] with a topic
/// name's syntax (see [`has_name_syntax`]). Printable ASCII without wildcards, nearly every
/// topic, is settled in one pass over the bytes (no early exit, so it vectorises).
pub fn checked_name(topic: &[u8]) -> Option<&str> {
    let plain = topic.iter().fold(true, |ok, &b| {
        ok & (b.wrapping_sub(0x20) < 0x5F) & (b != b'+') & (b != b'#')
    });
    if plain && !topic.is_empty() && topic.len() <= MAX_STRING_LEN {
        // SAFETY: every byte is printable ASCII, hence UTF-8.
        return Some(unsafe { std::str::from_utf8_unchecked(topic) });
    }
    utf8::validate(topic).ok().filter(|t| has_name_syntax(t))
}

/// True when `topic`, already checked against MQTT's UTF-8 rules, has a topic name's syntax:
/// 1 to 65535 bytes [MQTT-4.7.3-1], [MQTT-1.5.3], no wildcard [MQTT-4.7.1-1]. One pass, for the
/// publish path.
pub fn has_name_syntax(topic: &str) -> bool {
    let t = topic.as_bytes();
    !t.is_empty() && t.len() <= MAX_STRING_LEN && !t.iter().any(|&b| b == b'+' || b == b'#')
}

/// True when `filter` may appear in a SUBSCRIBE or UNSUBSCRIBE.
pub fn is_valid_filter(topic: &[u8]) -> bool {
    // [MQTT-4.7.3-1] at least one character; [MQTT-1.5.3] at most 65535 bytes; [MQTT-4.7.3-2]
    // and [MQTT-1.5.3-2] no U+0000 and well-formed UTF-8.
    if topic.is_empty() || topic.len() > MAX_STRING_LEN || utf8::validate(topic).is_err() {
        return false;
    }
    let mut levels = topic.split(|&b| b == b'/').peekable();
    while let Some(level) = levels.next() {
        let has_plus = level.contains(&b'+');
        let has_hash = level.contains(&b'#');
        if (has_plus || has_hash) && level.len() > 1 {
            // [MQTT-4.7.1-2], [MQTT-4.7.1-3] each wildcard occupies a whole level.
            return false;
        }
        if has_hash && levels.peek().is_some() {
            // [MQTT-4.7.1-2] '#' is the last character of the filter.
            return false;
        }
    }
    true
}

/// The share name and the filter of a shared subscription `$share/{name}/{filter}` [MQTT-4.8.2];
/// `None` when `filter` does not start with `$share/`.
pub fn shared_subscription(filter: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = filter.strip_prefix(b"$share/")?;
    let slash = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
    let (name, tail) = rest.split_at(slash);
    Some((name, tail.get(1..).unwrap_or(&[])))
}

/// True when `filter` is a valid MQTT 5 topic filter: a plain filter, or a shared subscription
/// whose share name is non-empty without wildcards [MQTT-4.8.2-1] followed by a valid filter
/// [MQTT-4.8.2-2].
pub fn is_valid_filter_v5(filter: &[u8]) -> bool {
    match shared_subscription(filter) {
        None => is_valid_filter(filter),
        Some((name, inner)) => {
            !name.is_empty()
                && !name.iter().any(|&b| b == b'+' || b == b'#')
                && is_valid_filter(inner)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_name_takes_what_is_valid_name_takes_on_both_of_its_paths() {
        // [MQTT-4.7.3-1] non-empty, [MQTT-4.7.1-1] no wildcard, [MQTT-1.5.3] UTF-8, no U+0000.
        for (topic, ok) in [
            (&b"sensors/kitchen"[..], true),
            ("température/🌡".as_bytes(), true),
            (b" ", true),
            (b"", false),
            (b"a/+/b", false),
            (b"a/#", false),
            ("é/#".as_bytes(), false),
            (b"a\0b", false),
            (b"\xff", false),
        ] {
            assert_eq!(checked_name(topic).is_some(), ok, "{topic:?}");
            assert_eq!(is_valid_name(topic), ok);
        }
        assert!(checked_name(&vec![b'a'; MAX_STRING_LEN]).is_some());
        assert!(checked_name(&vec![b'a'; MAX_STRING_LEN + 1]).is_none());
    }

    #[test]
    fn a_topic_name_is_at_least_one_character_mqtt_4_7_3_1() {
        assert!(!is_valid_name(b""));
        assert!(!is_valid_filter(b""));
        assert!(is_valid_name(b"/"));
    }

    #[test]
    fn wildcards_are_refused_in_topic_names_mqtt_4_7_1_1() {
        assert!(!is_valid_name(b"a/+"));
        assert!(!is_valid_name(b"a/#"));
        assert!(!is_valid_name(b"#"));
        assert!(is_valid_name(b"a/b/c"));
    }

    #[test]
    fn multi_level_wildcard_is_alone_and_last_mqtt_4_7_1_2() {
        assert!(is_valid_filter(b"#"));
        assert!(is_valid_filter(b"a/#"));
        assert!(!is_valid_filter(b"a/#/b"));
        assert!(!is_valid_filter(b"a#"));
        assert!(!is_valid_filter(b"a/b#"));
    }

    #[test]
    fn single_level_wildcard_fills_its_level_mqtt_4_7_1_3() {
        assert!(is_valid_filter(b"+"));
        assert!(is_valid_filter(b"+/a/+"));
        assert!(is_valid_filter(b"a/+/#"));
        assert!(!is_valid_filter(b"a+"));
        assert!(!is_valid_filter(b"a/+b"));
    }

    #[test]
    fn empty_levels_are_allowed() {
        assert!(is_valid_name(b"a//b"));
        assert!(is_valid_filter(b"//#"));
    }

    #[test]
    fn null_and_ill_formed_text_is_refused_mqtt_4_7_3_2() {
        assert!(!is_valid_name(b"a\0b"));
        assert!(!is_valid_filter(&[b'a', 0xC0, 0x80]));
    }

    #[test]
    fn longer_than_65535_bytes_is_refused_mqtt_4_7_3_3() {
        assert!(is_valid_name(&vec![b'a'; MAX_STRING_LEN]));
        assert!(!is_valid_name(&vec![b'a'; MAX_STRING_LEN + 1]));
    }

    #[test]
    fn a_share_name_is_non_empty_without_wildcards_mqtt_4_8_2_1() {
        assert!(is_valid_filter_v5(b"$share/group/a/+"));
        assert!(!is_valid_filter_v5(b"$share//a"));
        assert!(!is_valid_filter_v5(b"$share/g+/a"));
        assert!(!is_valid_filter_v5(b"$share/g#/a"));
    }

    #[test]
    fn a_shared_subscription_names_a_filter_mqtt_4_8_2_2() {
        assert!(!is_valid_filter_v5(b"$share/group"));
        assert!(!is_valid_filter_v5(b"$share/group/"));
        assert!(!is_valid_filter_v5(b"$share/group/a/#/b"));
        assert_eq!(
            shared_subscription(b"$share/g/x/y"),
            Some((&b"g"[..], &b"x/y"[..]))
        );
    }

    #[test]
    fn shared_subscription_filters_are_filters() {
        assert!(is_valid_filter(b"$share/group/a/+"));
        assert!(is_valid_name(b"$SYS/broker"));
    }
}

//! AWS IoT Core's limits on what a client sends (its service quotas), applied under
//! `AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS`: topics of at most 256 bytes and 8 levels, filters of
//! at most 8 levels, client ids of at most 128 bytes. A `$share/{name}/` or
//! `$aws/rules/{rule}/` prefix does not count against them.

/// The longest topic IoT Core accepts, in bytes.
pub const MAXIMUM_TOPIC_LENGTH: usize = 256;
/// The most levels a topic or filter may have.
pub const MAXIMUM_TOPIC_LEVELS: usize = 8;
/// The longest client id IoT Core accepts, in bytes.
pub const MAXIMUM_CLIENT_ID_LENGTH: usize = 128;

/// `topic` without the prefixes IoT Core does not count.
fn counted(topic: &str) -> &str {
    let mut rest = topic;
    for prefix in ["$share/", "$aws/rules/"] {
        let matches = rest
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix));
        if matches {
            let after = &rest[prefix.len()..];
            // The share or rule name is the next level; what follows it is counted.
            rest = after.split_once('/').map_or("", |(_, tail)| tail);
        }
    }
    rest
}

/// Whether a PUBLISH topic is within IoT Core's limits.
pub fn topic_allowed(topic: &str) -> bool {
    let counted = counted(topic);
    counted.len() <= MAXIMUM_TOPIC_LENGTH && counted.split('/').count() <= MAXIMUM_TOPIC_LEVELS
}

/// Whether a topic filter is within IoT Core's limits.
pub fn filter_allowed(filter: &str) -> bool {
    topic_allowed(filter)
}

/// Whether a client id is within IoT Core's limits.
pub fn client_id_allowed(client_id: &str) -> bool {
    client_id.len() <= MAXIMUM_CLIENT_ID_LENGTH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_limited_to_256_bytes_and_8_levels() {
        assert!(topic_allowed(&"a".repeat(256)));
        assert!(!topic_allowed(&"a".repeat(257)));
        assert!(topic_allowed("1/2/3/4/5/6/7/8"));
        assert!(!topic_allowed("1/2/3/4/5/6/7/8/9"));
    }

    #[test]
    fn share_and_rule_prefixes_are_not_counted() {
        assert!(topic_allowed("$share/group/1/2/3/4/5/6/7/8"));
        assert!(topic_allowed("$aws/rules/rule/1/2/3/4/5/6/7/8"));
        assert!(topic_allowed(&format!("$SHARE/g/{}", "a".repeat(256))));
        assert!(!filter_allowed("$share/g/1/2/3/4/5/6/7/8/#"));
    }

    #[test]
    fn client_ids_are_limited_to_128_bytes() {
        assert!(client_id_allowed(&"c".repeat(128)));
        assert!(!client_id_allowed(&"c".repeat(129)));
    }
}

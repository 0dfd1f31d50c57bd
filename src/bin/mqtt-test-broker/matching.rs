//! Matching topic names against topic filters [MQTT-4.7]: `+` matches one level, `#` the
//! parent level and everything below it, and filters starting with a wildcard do not match
//! topic names starting with `$` [MQTT-4.7.2-1].

/// True when topic name `topic` matches topic filter `filter` (a plain filter: the caller
/// strips the `$share/{group}/` prefix of a shared subscription first).
pub fn matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut filter_levels = filter.split('/');
    let mut topic_levels = topic.split('/');
    loop {
        match (filter_levels.next(), topic_levels.next()) {
            (Some("#"), _) => return true,
            (None, None) => return true,
            (Some("+"), Some(_)) => {}
            (Some(f), Some(t)) if f == t => {}
            _ => return false,
        }
    }
}

/// The group and the inner filter of a shared subscription `$share/{group}/{filter}`
/// [MQTT-4.8.2], `None` for a plain filter.
pub fn shared(filter: &str) -> Option<(&str, &str)> {
    let rest = filter.strip_prefix("$share/")?;
    let (group, inner) = rest.split_once('/')?;
    Some((group, inner))
}

/// True when `filter` holds a wildcard level.
pub fn has_wildcard(filter: &str) -> bool {
    filter.split('/').any(|level| level == "+" || level == "#")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_level_wildcard_matches_exactly_one_level_mqtt_4_7_1_3() {
        assert!(matches("a/+/c", "a/b/c"));
        assert!(matches("a/+", "a/"));
        assert!(!matches("a/+", "a/b/c"));
        assert!(!matches("a/+", "a"));
        assert!(matches("+/+", "/x"));
    }

    #[test]
    fn multi_level_wildcard_matches_the_parent_and_below_mqtt_4_7_1_2() {
        assert!(matches("a/#", "a"));
        assert!(matches("a/#", "a/b/c"));
        assert!(matches("#", "a/b"));
        assert!(!matches("a/#", "b"));
    }

    #[test]
    fn plain_filters_match_only_the_same_name_mqtt_4_7_3() {
        assert!(matches("a/b", "a/b"));
        assert!(!matches("a/b", "a/b/"));
        assert!(!matches("a/b", "A/b"));
    }

    #[test]
    fn wildcards_at_the_first_level_do_not_match_dollar_topics_mqtt_4_7_2_1() {
        assert!(!matches("#", "$SYS/x"));
        assert!(!matches("+/x", "$SYS/x"));
        assert!(matches("$SYS/#", "$SYS/x"));
        assert!(matches("$SYS/+", "$SYS/x"));
    }

    #[test]
    fn shared_subscriptions_split_into_group_and_filter_mqtt_4_8_2() {
        assert_eq!(shared("$share/g/a/+"), Some(("g", "a/+")));
        assert_eq!(shared("a/b"), None);
    }
}

//! The topic tree's behaviour, one rule per test: the examples of MQTT 3.1.1 section 4.7,
//! replacement, removal and pruning, shared subscriptions, and a seeded cross-check against a
//! matcher written straight from the specification.

use super::*;
use std::collections::BTreeMap;

/// A tree holding each of `filters`, its value the filter itself.
fn tree_of(filters: &[&'static str]) -> TopicTree<&'static str> {
    let mut tree = TopicTree::new();
    for &filter in filters {
        tree.insert(filter, filter).expect("valid filter");
    }
    tree
}

/// True when the tree subscribes `filter` and it matches `topic`.
fn matches(filter: &'static str, topic: &str) -> bool {
    tree_of(&[filter]).has_match(topic)
}

/// The full filters matching `topic`, sorted.
fn matching_filters<T>(tree: &TopicTree<T>, topic: &str) -> Vec<String> {
    let mut found = Vec::new();
    tree.for_each_match(topic, |filter, _| found.push(filter.to_owned()));
    found.sort();
    found
}

// [MQTT-4.7.1-2] the multi-level wildcard.

#[test]
fn hash_matches_every_level_below_mqtt_4_7_1_2() {
    assert!(matches(
        "sport/tennis/player1/#",
        "sport/tennis/player1/ranking"
    ));
    assert!(matches(
        "sport/tennis/player1/#",
        "sport/tennis/player1/score/wimbledon"
    ));
}

#[test]
fn hash_matches_the_parent_level_mqtt_4_7_1_2() {
    assert!(matches("sport/tennis/player1/#", "sport/tennis/player1"));
    assert!(matches("sport/#", "sport"));
}

#[test]
fn hash_does_not_match_a_sibling_mqtt_4_7_1_2() {
    assert!(!matches("sport/tennis/player1/#", "sport/tennis/player2"));
    assert!(!matches("sport/tennis/player1/#", "sport/tennis"));
}

#[test]
fn hash_alone_matches_every_topic_mqtt_4_7_1_2() {
    assert!(matches("#", "sport"));
    assert!(matches("#", "sport/tennis/player1"));
    assert!(matches("#", "/"));
}

// [MQTT-4.7.1-3] the single-level wildcard.

#[test]
fn plus_matches_exactly_one_level_mqtt_4_7_1_3() {
    assert!(matches("sport/tennis/+", "sport/tennis/player1"));
    assert!(matches("sport/tennis/+", "sport/tennis/player2"));
    assert!(!matches("sport/tennis/+", "sport/tennis/player1/ranking"));
}

#[test]
fn plus_does_not_match_the_parent_level_mqtt_4_7_1_3() {
    assert!(!matches("sport/+", "sport"));
}

#[test]
fn plus_matches_an_empty_level_mqtt_4_7_1_3() {
    assert!(matches("sport/+", "sport/"));
}

#[test]
fn plus_plus_matches_two_levels_an_empty_first_one_included_mqtt_4_7_1_3() {
    assert!(matches("+/+", "/finance"));
    assert!(matches("+/+", "a/b"));
    assert!(!matches("+/+", "a"));
    assert!(!matches("+/+", "a/b/c"));
}

#[test]
fn slash_plus_matches_an_empty_first_level_mqtt_4_7_1_3() {
    assert!(matches("/+", "/finance"));
    assert!(!matches("/+", "finance"));
}

#[test]
fn plus_alone_does_not_match_two_levels_mqtt_4_7_1_3() {
    assert!(!matches("+", "/finance"));
    assert!(matches("+", "finance"));
}

#[test]
fn plus_and_hash_combine_mqtt_4_7_1_3() {
    assert!(matches("+/tennis/#", "sport/tennis/player1"));
    assert!(matches("+/tennis/#", "sport/tennis"));
    assert!(!matches("+/tennis/#", "sport/golf"));
}

// [MQTT-4.7.2-1] topics beginning with '$'.

#[test]
fn hash_does_not_match_dollar_topics_mqtt_4_7_2_1() {
    assert!(!matches("#", "$SYS/broker/uptime"));
    assert!(!matches("#", "$SYS"));
}

#[test]
fn leading_plus_does_not_match_dollar_topics_mqtt_4_7_2_1() {
    assert!(!matches("+/monitor/Clients", "$SYS/monitor/Clients"));
    assert!(!matches("+", "$SYS"));
}

#[test]
fn a_literal_dollar_level_then_wildcards_match_mqtt_4_7_2_1() {
    assert!(matches("$SYS/#", "$SYS/monitor/Clients"));
    assert!(matches("$SYS/#", "$SYS"));
    assert!(matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
}

#[test]
fn a_dollar_below_the_first_level_is_an_ordinary_level_mqtt_4_7_2_1() {
    assert!(matches("#", "a/$SYS"));
    assert!(matches("a/+", "a/$SYS"));
}

// [MQTT-4.7.3] levels and case.

#[test]
fn empty_levels_are_levels_mqtt_4_7_3() {
    assert!(matches("a//b", "a//b"));
    assert!(!matches("a//b", "a/b"));
    assert!(matches("a/+/b", "a//b"));
    assert!(matches("/", "/"));
    assert!(!matches("/", ""));
}

#[test]
fn levels_are_case_sensitive_mqtt_4_7_3() {
    assert!(!matches("ACCOUNTS", "Accounts"));
    assert!(matches("Accounts", "Accounts"));
}

#[test]
fn a_trailing_slash_is_one_more_level_mqtt_4_7_3() {
    assert!(!matches("a/", "a"));
    assert!(matches("a/", "a/"));
    assert!(matches("a/#", "a/"));
}

#[test]
fn a_space_is_part_of_a_level_mqtt_4_7_3() {
    assert!(matches("Accounts payable", "Accounts payable"));
    assert!(!matches("Accounts payable", "Accounts"));
}

// Insertion, replacement, removal.

#[test]
fn an_invalid_filter_is_refused_and_changes_nothing_mqtt_4_7_1() {
    let mut tree = TopicTree::new();
    for bad in [
        "",
        "a/#/b",
        "a+",
        "sport#",
        "a/b#",
        "$share/g",
        "$share//a",
        "$share/g+/a",
    ] {
        assert_eq!(
            tree.insert(bad, 1),
            Err(CodecError::InvalidTopicFilter),
            "{bad:?}"
        );
    }
    assert!(tree.is_empty());
    assert_eq!(tree.iter().count(), 0);
}

#[test]
fn inserting_a_subscribed_filter_replaces_and_returns_the_old_value() {
    let mut tree = TopicTree::new();
    assert_eq!(tree.insert("a/+", 1), Ok(None));
    assert_eq!(tree.insert("a/+", 2), Ok(Some(1)));
    assert_eq!(tree.len(), 1);
    assert_eq!(tree.get("a/+"), Some(&2));
    assert_eq!(tree.matches("a/b"), vec![&2]);
}

#[test]
fn get_finds_a_filter_by_its_text_not_by_matching() {
    let tree = tree_of(&["a/+", "a/#"]);
    assert_eq!(tree.get("a/+"), Some(&"a/+"));
    assert_eq!(tree.get("a/#"), Some(&"a/#"));
    assert_eq!(tree.get("a/b"), None);
    assert_eq!(tree.get("a"), None);
    assert_eq!(tree.get("#"), None);
}

#[test]
fn get_mut_changes_the_value_in_place() {
    let mut tree = TopicTree::new();
    tree.insert("a/#", 1).unwrap();
    *tree.get_mut("a/#").unwrap() += 1;
    assert_eq!(tree.matches("a/b"), vec![&2]);
    assert_eq!(tree.get_mut("a/+"), None);
}

#[test]
fn remove_returns_the_value_and_the_filter_stops_matching() {
    let mut tree = tree_of(&["a/+", "a/b"]);
    assert_eq!(tree.remove("a/+"), Some("a/+"));
    assert_eq!(tree.len(), 1);
    assert_eq!(matching_filters(&tree, "a/b"), ["a/b"]);
    assert_eq!(matching_filters(&tree, "a/c"), Vec::<String>::new());
}

#[test]
fn removing_an_unsubscribed_filter_returns_none() {
    let mut tree = tree_of(&["a/b/c"]);
    assert_eq!(tree.remove("a/b"), None);
    assert_eq!(tree.remove("a/b/c/d"), None);
    assert_eq!(tree.remove("a/+/c"), None);
    assert_eq!(tree.remove("a/b/#"), None);
    assert_eq!(tree.len(), 1);
}

#[test]
fn removing_the_last_filter_prunes_every_node() {
    let mut tree = tree_of(&["a/+/c/#", "a/b", "+", "#"]);
    for filter in ["a/+/c/#", "a/b", "+", "#"] {
        assert!(tree.remove(filter).is_some());
    }
    assert!(tree.is_empty());
    assert!(tree.root.is_empty());
}

#[test]
fn removing_a_leaf_keeps_the_filters_above_it() {
    let mut tree = tree_of(&["a", "a/b/c"]);
    tree.remove("a/b/c");
    assert!(
        tree.root.literal["a"].literal.is_empty(),
        "the a/b branch is pruned"
    );
    assert_eq!(matching_filters(&tree, "a"), ["a"]);
}

#[test]
fn removing_a_filter_keeps_the_filters_below_it() {
    let mut tree = tree_of(&["a", "a/b", "a/#"]);
    tree.remove("a");
    tree.remove("a/#");
    assert_eq!(matching_filters(&tree, "a/b"), ["a/b"]);
    assert!(!tree.has_match("a"));
}

#[test]
fn clear_removes_everything() {
    let mut tree = tree_of(&["a", "b/#"]);
    tree.clear();
    assert!(tree.is_empty());
    assert!(!tree.has_match("a"));
}

#[test]
fn iter_yields_every_subscription_once() {
    let filters = ["#", "+", "a", "a/#", "a/+/c", "$share/g/a", "/", "$SYS/#"];
    let tree = tree_of(&filters);
    assert_eq!(tree.iter().len(), filters.len());
    let mut seen: Vec<&str> = tree
        .iter()
        .map(|(filter, value)| {
            assert_eq!(filter, *value);
            filter
        })
        .collect();
    seen.sort();
    let mut expected = filters.to_vec();
    expected.sort();
    assert_eq!(seen, expected);
}

// Overlapping filters.

#[test]
fn every_overlapping_filter_matches_once_mqtt_4_7() {
    let tree = tree_of(&[
        "#",
        "sport/#",
        "sport/+",
        "+/tennis",
        "+/+",
        "sport/tennis",
        "sport/tennis/#",
        "sport/golf",
        "+",
    ]);
    assert_eq!(
        matching_filters(&tree, "sport/tennis"),
        [
            "#",
            "+/+",
            "+/tennis",
            "sport/#",
            "sport/+",
            "sport/tennis",
            "sport/tennis/#"
        ]
    );
}

#[test]
fn matches_returns_the_values() {
    let mut tree = TopicTree::new();
    tree.insert("a/#", 1).unwrap();
    tree.insert("a/b", 2).unwrap();
    let mut values = tree.matches("a/b");
    values.sort();
    assert_eq!(values, vec![&1, &2]);
}

// Shared subscriptions [MQTT-4.8.2].

#[test]
fn a_shared_subscription_matches_topics_of_its_inner_filter_mqtt_4_8_2() {
    assert!(matches("$share/g/a/+", "a/b"));
    assert!(matches("$share/g/#", "a/b"));
    assert!(!matches("$share/g/a/+", "$share/g/a/b"));
    assert!(!matches("$share/g/a/+", "g/a/b"));
}

#[test]
fn a_shared_subscription_is_reported_with_its_full_filter_mqtt_4_8_2() {
    let tree = tree_of(&["$share/g/a/+"]);
    assert_eq!(matching_filters(&tree, "a/b"), ["$share/g/a/+"]);
    assert_eq!(
        tree.iter().next().map(|(filter, _)| filter),
        Some("$share/g/a/+")
    );
}

#[test]
fn shared_and_plain_subscriptions_of_one_filter_are_separate_entries_mqtt_4_8_2() {
    let mut tree = tree_of(&["$share/g/a/+", "$share/h/a/+", "a/+"]);
    assert_eq!(tree.len(), 3);
    assert_eq!(
        matching_filters(&tree, "a/b"),
        ["$share/g/a/+", "$share/h/a/+", "a/+"]
    );
    assert_eq!(tree.remove("$share/g/a/+"), Some("$share/g/a/+"));
    assert_eq!(tree.remove("a/+/x"), None);
    assert_eq!(matching_filters(&tree, "a/b"), ["$share/h/a/+", "a/+"]);
    assert_eq!(tree.get("a/+"), Some(&"a/+"));
    assert_eq!(tree.get("$share/g/a/+"), None);
}

#[test]
fn a_shared_subscription_is_removed_by_its_full_filter_only_mqtt_4_8_2() {
    let mut tree = tree_of(&["$share/g/a/#"]);
    assert_eq!(tree.remove("a/#"), None);
    assert_eq!(tree.remove("$share/other/a/#"), None);
    assert_eq!(tree.remove("$share/g/a/#"), Some("$share/g/a/#"));
    assert!(tree.root.is_empty());
}

#[test]
fn a_shared_wildcard_filter_does_not_match_dollar_topics_mqtt_4_7_2_1() {
    assert!(!matches("$share/g/#", "$SYS/x"));
    assert!(matches("$share/g/$SYS/#", "$SYS/x"));
}

#[test]
fn routing_filter_strips_the_share_prefix_mqtt_4_8_2() {
    assert_eq!(routing_filter("$share/group/a/+"), "a/+");
    assert_eq!(routing_filter("$share/group/#"), "#");
    assert_eq!(routing_filter("a/+"), "a/+");
    assert_eq!(routing_filter("$shared/a"), "$shared/a");
}

// Cross-check against the specification's rules, written naively.

/// [MQTT-4.7] applied level by level, with no trie.
fn naive_match(filter: &str, topic: &str) -> bool {
    let filter = routing_filter(filter);
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let filter: Vec<&str> = filter.split('/').collect();
    let topic: Vec<&str> = topic.split('/').collect();
    for (i, level) in filter.iter().enumerate() {
        if *level == "#" {
            return true;
        }
        match topic.get(i) {
            Some(t) if *level == "+" || level == t => {}
            _ => return false,
        }
    }
    filter.len() == topic.len()
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

fn random_topic(rng: &mut Rng) -> String {
    let first = ["a", "b", "", "$SYS", "c"];
    let rest = ["a", "b", "", "c", "$x"];
    let mut topic = rng.pick(&first).to_owned();
    for _ in 0..rng.below(4) {
        topic.push('/');
        topic.push_str(rng.pick(&rest));
    }
    topic
}

fn random_filter(rng: &mut Rng) -> String {
    let levels = ["a", "b", "", "+", "$SYS", "c"];
    let mut parts: Vec<&str> = (0..=rng.below(4)).map(|_| rng.pick(&levels)).collect();
    if rng.below(3) == 0 {
        parts.push("#");
    }
    let mut filter = parts.join("/");
    if filter.is_empty() {
        // A filter has at least one character [MQTT-4.7.3-1].
        filter.push('a');
    }
    match rng.below(6) {
        0 => format!("$share/g/{filter}"),
        1 => format!("$share/h/{filter}"),
        _ => filter,
    }
}

#[test]
fn random_filters_and_topics_match_as_the_specification_says_mqtt_4_7() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut total_matches = 0;
    for _round in 0..50 {
        let mut tree = TopicTree::new();
        let mut model: BTreeMap<String, usize> = BTreeMap::new();
        for step in 0..200 {
            let filter = random_filter(&mut rng);
            if rng.below(4) == 0 {
                assert_eq!(
                    tree.remove(&filter),
                    model.remove(&filter),
                    "remove {filter}"
                );
            } else {
                let old = tree
                    .insert(&filter, step)
                    .expect("generated filters are valid");
                assert_eq!(old, model.insert(filter, step));
            }
            assert_eq!(tree.len(), model.len());
        }
        for _ in 0..200 {
            let topic = random_topic(&mut rng);
            let mut found: Vec<(String, usize)> = Vec::new();
            tree.for_each_match(&topic, |filter, value| {
                found.push((filter.to_owned(), *value))
            });
            found.sort();
            let expected: Vec<(String, usize)> = model
                .iter()
                .filter(|(filter, _)| naive_match(filter, &topic))
                .map(|(filter, value)| (filter.clone(), *value))
                .collect();
            assert_eq!(found, expected, "topic {topic:?}");
            total_matches += found.len();
        }
        let mut all: Vec<(String, usize)> = tree.iter().map(|(f, v)| (f.to_owned(), *v)).collect();
        all.sort();
        assert_eq!(all, model.into_iter().collect::<Vec<_>>());
    }
    assert!(
        total_matches > 10_000,
        "the cross-check matched only {total_matches} times"
    );
}

#[test]
fn removing_every_random_filter_prunes_the_tree_to_its_root() {
    let mut rng = Rng(0x0dd_ba11);
    let mut tree = TopicTree::new();
    let mut filters = Vec::new();
    for i in 0..500 {
        let filter = random_filter(&mut rng);
        if tree.insert(&filter, i).unwrap().is_none() {
            filters.push(filter);
        }
    }
    for filter in &filters {
        assert!(tree.remove(filter).is_some(), "{filter}");
    }
    assert!(tree.is_empty());
    assert!(tree.root.is_empty());
}

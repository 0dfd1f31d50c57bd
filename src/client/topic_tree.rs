//! The subscription topic tree both clients route incoming PUBLISHes through: topic filters
//! [MQTT-4.7] mapped to a subscription payload, matched against a topic name in time
//! proportional to the topic's levels, not to the number of subscriptions.
//!
//! A trie keyed by level. Each node holds its literal children, its '+' child, the entries whose
//! filter ends at the node, and the entries whose filter ends with '#' one level below it.
//! Matching follows the specification:
//! - '+' matches exactly one level, an empty one included [MQTT-4.7.1-3];
//! - '#' matches the parent level and any number of child levels, so "sport/#" matches "sport"
//!   [MQTT-4.7.1-2];
//! - a filter starting with a wildcard does not match a topic name starting with '$'
//!   [MQTT-4.7.2-1];
//! - empty levels are levels: "a//b" has three [MQTT-4.7.3].
//!
//! Upstream's tree differs on two of these: it never matches "sport/#" against "sport", and it
//! lets "#" and "+/..." match "$SYS/...". This tree follows the specification.
//!
//! Shared subscriptions `$share/{name}/{filter}` [MQTT-4.8.2]: the server delivers their messages
//! on topic names matching the inner filter, so upstream's client stores them in its tree under
//! the inner filter. This tree does the same for matching (see [`routing_filter`]), but keys each
//! entry by its full filter: "$share/g/a/+", "$share/h/a/+" and "a/+" are three entries, all
//! matching "a/b", each removed by its own full filter and reported with it. (Upstream keys its
//! tree by the inner filter alone, so there the three collide in one slot; a client wanting that
//! can insert under `routing_filter(filter)`.)

use std::collections::HashMap;
use std::str::Split;

use crate::codec::CodecError;
use crate::codec::topic::{is_valid_filter_v5, shared_subscription};

/// Topic filters mapped to subscription payloads `T`, matched against topic names [MQTT-4.7].
pub struct TopicTree<T> {
    root: Node<T>,
    len: usize,
}

/// One level of the trie: the filters passing through it and ending at it.
struct Node<T> {
    /// Children by literal level (never "+" or "#").
    literal: HashMap<Box<str>, Node<T>>,
    /// The child for a '+' level.
    single: Option<Box<Node<T>>>,
    /// Entries whose filter ends at this node.
    exact: Vec<Entry<T>>,
    /// Entries whose filter ends with a '#' level right below this node.
    multi: Vec<Entry<T>>,
}

/// A subscription: its full filter (with any `$share/{name}/` prefix) and its payload.
struct Entry<T> {
    filter: Box<str>,
    value: T,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Self {
            literal: HashMap::new(),
            single: None,
            exact: Vec::new(),
            multi: Vec::new(),
        }
    }
}

impl<T> Node<T> {
    fn is_empty(&self) -> bool {
        self.literal.is_empty()
            && self.single.is_none()
            && self.exact.is_empty()
            && self.multi.is_empty()
    }

    /// The entry list `filter` ends in, below this node, following `levels`; `None` when a node
    /// on the way is missing.
    fn entries(&self, mut levels: Split<'_, char>, multi: bool) -> Option<&Vec<Entry<T>>> {
        let mut node = self;
        for level in levels.by_ref() {
            node = match level {
                "+" => node.single.as_deref()?,
                _ => node.literal.get(level)?,
            };
        }
        Some(if multi { &node.multi } else { &node.exact })
    }

    fn entries_mut(&mut self, levels: Split<'_, char>, multi: bool) -> Option<&mut Vec<Entry<T>>> {
        let mut node = self;
        for level in levels {
            node = match level {
                "+" => node.single.as_deref_mut()?,
                _ => node.literal.get_mut(level)?,
            };
        }
        Some(if multi {
            &mut node.multi
        } else {
            &mut node.exact
        })
    }

    /// The entry list `filter` ends in, creating the nodes on the way.
    fn entries_or_create(&mut self, levels: Split<'_, char>, multi: bool) -> &mut Vec<Entry<T>> {
        let mut node = self;
        for level in levels {
            node = match level {
                "+" => node.single.get_or_insert_with(Box::default),
                _ => node.literal.entry(level.into()).or_default(),
            };
        }
        if multi {
            &mut node.multi
        } else {
            &mut node.exact
        }
    }

    /// Removes the entry for `filter` below this node, pruning the nodes it leaves empty.
    fn remove(&mut self, mut levels: Split<'_, char>, multi: bool, filter: &str) -> Option<T> {
        let Some(level) = levels.next() else {
            let list = if multi {
                &mut self.multi
            } else {
                &mut self.exact
            };
            let at = list.iter().position(|e| &*e.filter == filter)?;
            return Some(list.remove(at).value);
        };
        if level == "+" {
            let child = self.single.as_deref_mut()?;
            let value = child.remove(levels, multi, filter)?;
            if child.is_empty() {
                self.single = None;
            }
            Some(value)
        } else {
            let child = self.literal.get_mut(level)?;
            let value = child.remove(levels, multi, filter)?;
            if child.is_empty() {
                self.literal.remove(level);
            }
            Some(value)
        }
    }

    /// Reports every entry matching the rest of a topic name, `levels`, below this node.
    fn visit<'a>(&'a self, mut levels: Split<'_, char>, f: &mut impl FnMut(&'a str, &'a T)) {
        match levels.next() {
            // The topic ends here: filters ending here match, and so do those ending with '#'
            // right below, as '#' also matches the parent level [MQTT-4.7.1-2].
            None => {
                report(&self.exact, f);
                report(&self.multi, f);
            }
            Some(level) => self.visit_level(level, levels, f),
        }
    }

    /// Reports every entry matching `level` and then `rest` below this node.
    fn visit_level<'a>(
        &'a self,
        level: &str,
        rest: Split<'_, char>,
        f: &mut impl FnMut(&'a str, &'a T),
    ) {
        // '#' matches this level and all that follow [MQTT-4.7.1-2].
        report(&self.multi, f);
        if let Some(child) = self.literal.get(level) {
            child.visit(rest.clone(), f);
        }
        // '+' matches exactly one level, whatever it holds [MQTT-4.7.1-3].
        if let Some(child) = &self.single {
            child.visit(rest, f);
        }
    }
}

/// Calls `f` on each entry of `list`.
fn report<'a, T>(list: &'a [Entry<T>], f: &mut impl FnMut(&'a str, &'a T)) {
    for entry in list {
        f(&entry.filter, &entry.value);
    }
}

/// The filter a subscription's messages arrive under: the inner filter of a shared subscription
/// `$share/{name}/{filter}` [MQTT-4.8.2], or `filter` itself.
pub fn routing_filter(filter: &str) -> &str {
    match shared_subscription(filter.as_bytes()) {
        // The inner filter is a suffix of `filter` after a '/', so a char boundary.
        Some((_, inner)) => &filter[filter.len() - inner.len()..],
        None => filter,
    }
}

/// The levels of `filter`'s routing filter that lead to its node, and whether it ends with '#'
/// (stored at the parent of the '#' level).
fn storage_path(filter: &str) -> (Split<'_, char>, bool) {
    let inner = routing_filter(filter);
    if inner == "#" {
        // Empty iterator: the root holds "#".
        let mut none = "".split('/');
        none.next();
        (none, true)
    } else if let Some(parent) = inner.strip_suffix("/#") {
        (parent.split('/'), true)
    } else {
        (inner.split('/'), false)
    }
}

impl<T> Default for TopicTree<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> TopicTree<T> {
    /// An empty tree.
    pub fn new() -> Self {
        Self {
            root: Node::default(),
            len: 0,
        }
    }

    /// The number of subscriptions in the tree.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the tree holds no subscription.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Subscribes `filter` with `value`; returns the value it replaces when `filter` (the full
    /// filter, `$share/` prefix included) was already subscribed. Fails with
    /// [`CodecError::InvalidTopicFilter`] when `filter` is not a valid topic filter [MQTT-4.7] or
    /// shared subscription [MQTT-4.8.2], leaving the tree unchanged.
    pub fn insert(&mut self, filter: &str, value: T) -> Result<Option<T>, CodecError> {
        if !is_valid_filter_v5(filter.as_bytes()) {
            return Err(CodecError::InvalidTopicFilter);
        }
        let (levels, multi) = storage_path(filter);
        let list = self.root.entries_or_create(levels, multi);
        if let Some(entry) = list.iter_mut().find(|e| &*e.filter == filter) {
            return Ok(Some(std::mem::replace(&mut entry.value, value)));
        }
        list.push(Entry {
            filter: filter.into(),
            value,
        });
        self.len += 1;
        Ok(None)
    }

    /// Unsubscribes `filter` (the full filter it was inserted with) and returns its value;
    /// `None` when it was not subscribed. Prunes the nodes it leaves empty.
    pub fn remove(&mut self, filter: &str) -> Option<T> {
        let (levels, multi) = storage_path(filter);
        let value = self.root.remove(levels, multi, filter)?;
        self.len -= 1;
        Some(value)
    }

    /// The value subscribed under `filter` (the full filter it was inserted with).
    pub fn get(&self, filter: &str) -> Option<&T> {
        let (levels, multi) = storage_path(filter);
        let list = self.root.entries(levels, multi)?;
        list.iter().find(|e| &*e.filter == filter).map(|e| &e.value)
    }

    /// The value subscribed under `filter`, mutable.
    pub fn get_mut(&mut self, filter: &str) -> Option<&mut T> {
        let (levels, multi) = storage_path(filter);
        let list = self.root.entries_mut(levels, multi)?;
        list.iter_mut()
            .find(|e| &*e.filter == filter)
            .map(|e| &mut e.value)
    }

    /// Calls `f` with the full filter and value of every subscription matching `topic_name`
    /// [MQTT-4.7], each once, without allocating. The order is unspecified.
    pub fn for_each_match<'a>(&'a self, topic_name: &str, mut f: impl FnMut(&'a str, &'a T)) {
        let mut levels = topic_name.split('/');
        let first = levels.next().unwrap_or_default();
        if topic_name.starts_with('$') {
            // Filters starting with a wildcard do not match topic names starting with '$'
            // [MQTT-4.7.2-1]: only a literal first level can.
            if let Some(child) = self.root.literal.get(first) {
                child.visit(levels, &mut f);
            }
        } else {
            self.root.visit_level(first, levels, &mut f);
        }
    }

    /// The values of every subscription matching `topic_name` [MQTT-4.7].
    pub fn matches(&self, topic_name: &str) -> Vec<&T> {
        let mut found = Vec::new();
        self.for_each_match(topic_name, |_, value| found.push(value));
        found
    }

    /// True when some subscription matches `topic_name`.
    pub fn has_match(&self, topic_name: &str) -> bool {
        let mut any = false;
        self.for_each_match(topic_name, |_, _| any = true);
        any
    }

    /// Every subscription as (full filter, value), in unspecified order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            stack: vec![&self.root],
            entries: [].iter().chain([].iter()),
            remaining: self.len,
        }
    }

    /// Removes every subscription.
    pub fn clear(&mut self) {
        self.root = Node::default();
        self.len = 0;
    }
}

/// The iterator of [`TopicTree::iter`]: (full filter, value) pairs.
pub struct Iter<'a, T> {
    stack: Vec<&'a Node<T>>,
    entries: std::iter::Chain<std::slice::Iter<'a, Entry<T>>, std::slice::Iter<'a, Entry<T>>>,
    remaining: usize,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = (&'a str, &'a T);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(entry) = self.entries.next() {
                self.remaining -= 1;
                return Some((&entry.filter, &entry.value));
            }
            let node = self.stack.pop()?;
            self.stack.extend(node.literal.values());
            self.stack.extend(node.single.as_deref());
            self.entries = node.exact.iter().chain(node.multi.iter());
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<'a, T> IntoIterator for &'a TopicTree<T> {
    type Item = (&'a str, &'a T);
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for TopicTree<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
#[path = "topic_tree_tests.rs"]
mod tests;

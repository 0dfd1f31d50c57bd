//! When operations sent and waiting for their acknowledgement time out, for both clients.
//!
//! Deadlines mostly arrive in order: each is "now plus the timeout" and the timeout is mostly
//! the client's one setting, so they go to the back of a queue and leave from its front, O(1)
//! each. An MQTT 5 operation may override the timeout, so a deadline can also come earlier than
//! the last one queued; those few go to a heap beside the queue. The earliest deadline is the
//! earlier of the two fronts.
//!
//! Entries are not removed when an operation completes (that would cost a search per
//! acknowledgement): the engine checks, as each falls due, whether the operation still waits
//! for that very deadline, and ignores it otherwise. `K` names the operation and, in order,
//! breaks ties between equal deadlines, so the order they fall due in is total and does not
//! depend on which of the two structures holds them.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Pending ACK deadlines: `(instant, key)` pairs, handed back earliest first.
#[derive(Debug)]
pub struct AckDeadlines<K> {
    /// Non-decreasing from front to back.
    in_order: VecDeque<(u64, K)>,
    /// Those that arrived earlier than the back of `in_order`.
    out_of_order: BinaryHeap<Reverse<(u64, K)>>,
}

impl<K: Copy + Ord> Default for AckDeadlines<K> {
    fn default() -> Self {
        AckDeadlines {
            in_order: VecDeque::new(),
            out_of_order: BinaryHeap::new(),
        }
    }
}

impl<K: Copy + Ord> AckDeadlines<K> {
    /// The operation `key` times out at `at`.
    pub fn push(&mut self, at: u64, key: K) {
        let entry = (at, key);
        if self.in_order.back().is_none_or(|last| *last <= entry) {
            self.in_order.push_back(entry);
        } else {
            self.out_of_order.push(Reverse(entry));
        }
    }

    /// The earliest deadline.
    pub fn next_at(&self) -> Option<u64> {
        self.earliest().map(|(at, _)| at)
    }

    /// The earliest entry if it is due at `now`, taken out.
    pub fn pop_due(&mut self, now: u64) -> Option<(u64, K)> {
        let earliest = self.earliest()?;
        if earliest.0 > now {
            return None;
        }
        if self.in_order.front() == Some(&earliest) {
            self.in_order.pop_front()
        } else {
            self.out_of_order.pop().map(|Reverse(entry)| entry)
        }
    }

    /// Forgets every deadline (the connection is gone; they are armed again when resent).
    pub fn clear(&mut self) {
        self.in_order.clear();
        self.out_of_order.clear();
    }

    /// How many entries are held, stale ones included.
    pub fn len(&self) -> usize {
        self.in_order.len() + self.out_of_order.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn earliest(&self) -> Option<(u64, K)> {
        let queued = self.in_order.front().copied();
        let heaped = self.out_of_order.peek().map(|Reverse(entry)| *entry);
        match (queued, heaped) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(d: &mut AckDeadlines<u32>, now: u64) -> Vec<(u64, u32)> {
        std::iter::from_fn(|| d.pop_due(now)).collect()
    }

    #[test]
    fn deadlines_fall_due_in_order_and_not_before_their_instant() {
        let mut d = AckDeadlines::default();
        d.push(10, 1);
        d.push(20, 2);
        assert_eq!(d.next_at(), Some(10));
        assert_eq!(d.pop_due(9), None);
        assert_eq!(d.pop_due(15), Some((10, 1)));
        assert_eq!(d.pop_due(15), None);
        assert_eq!(d.next_at(), Some(20));
        assert_eq!(drain(&mut d, 20), [(20, 2)]);
        assert!(d.is_empty() && d.next_at().is_none());
    }

    #[test]
    fn a_shorter_override_sent_later_falls_due_first() {
        // An MQTT 5 operation with its own ACK timeout, sent after ones with the client's.
        let mut d = AckDeadlines::default();
        d.push(60, 1);
        d.push(61, 2);
        d.push(12, 3);
        d.push(62, 4);
        d.push(30, 5);
        assert_eq!(d.next_at(), Some(12));
        assert_eq!(drain(&mut d, 61), [(12, 3), (30, 5), (60, 1), (61, 2)]);
        assert_eq!(d.len(), 1);
        assert_eq!(drain(&mut d, u64::MAX), [(62, 4)]);
    }

    #[test]
    fn equal_deadlines_fall_due_in_key_order_wherever_they_are_held() {
        let mut d = AckDeadlines::default();
        d.push(50, 7);
        d.push(50, 9);
        d.push(50, 3);
        d.push(40, 8);
        d.push(50, 5);
        assert_eq!(
            drain(&mut d, 50),
            [(40, 8), (50, 3), (50, 5), (50, 7), (50, 9)]
        );
    }

    #[test]
    fn random_deadlines_fall_due_in_sorted_order() {
        let mut d = AckDeadlines::default();
        let mut expected = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for key in 0..1000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mostly increasing, one in eight much earlier.
            let at = if x % 8 == 0 {
                x % 500
            } else {
                u64::from(key) + x % 4
            };
            d.push(at, key);
            expected.push((at, key));
        }
        expected.sort();
        assert_eq!(drain(&mut d, u64::MAX), expected);
    }

    #[test]
    fn clearing_forgets_every_deadline() {
        let mut d = AckDeadlines::default();
        d.push(20, 1);
        d.push(10, 2);
        d.clear();
        assert!(d.is_empty());
        assert_eq!(d.pop_due(u64::MAX), None);
    }
}

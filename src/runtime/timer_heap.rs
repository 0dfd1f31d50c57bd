//! The timers of one event loop: tasks ordered by deadline, first in first out among equal
//! deadlines, each cancellable by the [`TimerId`] it was given when scheduled.
//!
//! An ordered map keyed by (deadline, sequence number) does the work of a heap with removal:
//! insertion, cancellation and taking the earliest are O(log n), and the sequence number, taken
//! from a per-loop counter when the task is scheduled, breaks ties in scheduling order.
//!
//! The loop runs timers in batches: [`TimerHeap::start_batch`] sets aside every timer due at the
//! tick's `now`, [`TimerHeap::pop_batch`] hands them out one at a time, and timers scheduled
//! while the batch runs wait for the next tick even if already due (a task that keeps
//! rescheduling itself cannot starve I/O). [`TimerHeap::remove`] finds a timer in either place,
//! so a task may cancel a later one of the same batch.

use std::collections::BTreeMap;

/// Names one scheduled task: its deadline on the loop's clock and its sequence number.
/// Sorting by it gives the order the tasks run in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId {
    deadline_ns: u64,
    seq: u64,
}

impl TimerId {
    /// The id of the task scheduled with sequence number `seq` for `deadline_ns`.
    pub fn new(deadline_ns: u64, seq: u64) -> Self {
        TimerId { deadline_ns, seq }
    }

    /// When the task is due, in nanoseconds on the loop's clock.
    pub fn deadline_ns(&self) -> u64 {
        self.deadline_ns
    }

    /// The sequence number the loop gave the task when it was scheduled.
    pub fn seq(&self) -> u64 {
        self.seq
    }
}

/// Pending timers and the batch of due ones being run.
pub struct TimerHeap<T> {
    pending: BTreeMap<TimerId, T>,
    batch: BTreeMap<TimerId, T>,
}

impl<T> Default for TimerHeap<T> {
    fn default() -> Self {
        TimerHeap {
            pending: BTreeMap::new(),
            batch: BTreeMap::new(),
        }
    }
}

impl<T> TimerHeap<T> {
    /// Adds a timer. An id is used once; inserting it again replaces the earlier item.
    pub fn insert(&mut self, id: TimerId, item: T) {
        self.pending.insert(id, item);
    }

    /// Takes out the timer `id`, pending or in the current batch; `None` when it has already
    /// run, was cancelled, or was never inserted.
    pub fn remove(&mut self, id: TimerId) -> Option<T> {
        self.batch.remove(&id).or_else(|| self.pending.remove(&id))
    }

    /// The earliest deadline among the pending timers (the batch not counted).
    pub fn next_deadline(&self) -> Option<u64> {
        self.pending.first_key_value().map(|(id, _)| id.deadline_ns)
    }

    /// Moves every pending timer due at `now_ns` (deadline ≤ now) into the batch.
    pub fn start_batch(&mut self, now_ns: u64) {
        let due = match now_ns.checked_add(1) {
            Some(after) => {
                let later = self.pending.split_off(&TimerId::new(after, 0));
                std::mem::replace(&mut self.pending, later)
            }
            None => std::mem::take(&mut self.pending),
        };
        if self.batch.is_empty() {
            self.batch = due;
        } else {
            let mut due = due;
            self.batch.append(&mut due);
        }
    }

    /// The next timer of the batch, in order; `None` once the batch is done.
    pub fn pop_batch(&mut self) -> Option<(TimerId, T)> {
        self.batch.pop_first()
    }

    /// Takes every timer out, batch first, each part in order.
    pub fn take_all(&mut self) -> Vec<(TimerId, T)> {
        let mut all: Vec<(TimerId, T)> = std::mem::take(&mut self.batch).into_iter().collect();
        all.extend(std::mem::take(&mut self.pending));
        all
    }

    /// How many timers are pending or in the batch.
    pub fn len(&self) -> usize {
        self.pending.len() + self.batch.len()
    }

    /// True when no timer is pending or in the batch.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty() && self.batch.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heap(timers: &[(u64, u64)]) -> TimerHeap<u64> {
        let mut h = TimerHeap::default();
        for &(deadline, seq) in timers {
            h.insert(TimerId::new(deadline, seq), seq);
        }
        h
    }

    fn run_batch(h: &mut TimerHeap<u64>, now: u64) -> Vec<u64> {
        h.start_batch(now);
        std::iter::from_fn(|| h.pop_batch().map(|(_, v)| v)).collect()
    }

    #[test]
    fn timers_run_in_deadline_order() {
        let mut h = heap(&[(30, 1), (10, 2), (20, 3)]);
        assert_eq!(run_batch(&mut h, 100), vec![2, 3, 1]);
        assert!(h.is_empty());
    }

    #[test]
    fn equal_deadlines_run_in_scheduling_order() {
        let mut h = heap(&[(10, 5), (10, 3), (10, 4), (5, 9)]);
        assert_eq!(run_batch(&mut h, 10), vec![9, 3, 4, 5]);
    }

    #[test]
    fn only_timers_due_at_now_join_the_batch() {
        let mut h = heap(&[(10, 1), (11, 2), (12, 3)]);
        assert_eq!(run_batch(&mut h, 11), vec![1, 2]);
        assert_eq!(h.next_deadline(), Some(12));
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn a_deadline_at_the_end_of_time_is_due_at_the_end_of_time() {
        let mut h = heap(&[(u64::MAX, 1), (0, 2)]);
        assert_eq!(run_batch(&mut h, u64::MAX - 1), vec![2]);
        assert_eq!(run_batch(&mut h, u64::MAX), vec![1]);
    }

    #[test]
    fn a_cancelled_timer_never_runs() {
        let mut h = heap(&[(10, 1), (20, 2), (30, 3)]);
        assert_eq!(h.remove(TimerId::new(20, 2)), Some(2));
        assert_eq!(h.remove(TimerId::new(20, 2)), None);
        assert_eq!(run_batch(&mut h, 100), vec![1, 3]);
    }

    #[test]
    fn cancelling_with_a_wrong_deadline_finds_nothing() {
        let mut h = heap(&[(10, 1)]);
        assert_eq!(h.remove(TimerId::new(11, 1)), None);
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn a_timer_in_the_running_batch_can_be_cancelled() {
        let mut h = heap(&[(1, 1), (2, 2), (3, 3)]);
        h.start_batch(10);
        assert_eq!(h.pop_batch().map(|(_, v)| v), Some(1));
        assert_eq!(h.remove(TimerId::new(2, 2)), Some(2));
        assert_eq!(h.pop_batch().map(|(_, v)| v), Some(3));
        assert_eq!(h.pop_batch(), None);
    }

    #[test]
    fn timers_added_during_a_batch_wait_for_the_next_one() {
        let mut h = heap(&[(1, 1)]);
        h.start_batch(10);
        h.insert(TimerId::new(0, 2), 2);
        assert_eq!(h.pop_batch().map(|(_, v)| v), Some(1));
        assert_eq!(h.pop_batch(), None);
        assert_eq!(h.next_deadline(), Some(0));
        assert_eq!(run_batch(&mut h, 10), vec![2]);
    }

    #[test]
    fn take_all_returns_the_batch_then_the_pending_timers_in_order() {
        let mut h = heap(&[(5, 1), (50, 2), (1, 3)]);
        h.start_batch(5);
        let all: Vec<u64> = h.take_all().into_iter().map(|(_, v)| v).collect();
        assert_eq!(all, vec![3, 1, 2]);
        assert!(h.is_empty());
    }
}

//! The operations waiting to be sent, and what a lost connection does to them (requeue on
//! reconnect), for both clients.
//!
//! Operations are sent in the order they wait here. Each write takes a send stamp, increasing,
//! so the engine can later list what went out in the order it went out without keeping a list
//! of its own per message. When the connection is lost, the operations sent on it and not
//! acknowledged go back to the head of the queue, in the order they were first sent, ahead of
//! those never sent: that resends unacknowledged QoS 1 and 2 PUBLISHes (and PUBRELs) in their
//! original order (MQTT 3.1.1 [MQTT-4.4.0-1], [MQTT-4.6.0-1]; MQTT 5 [MQTT-4.4.0-1],
//! [MQTT-4.6.0-1]). Whether an operation survives the loss is each client's rule (a clean
//! session, an offline queue policy): the engine gives it as a [`Fate`], and the queue hands
//! back the failed ones, in order, for the engine to complete.
//!
//! The keys are the engine's (a packet id, a slab key); the queue neither hashes nor allocates
//! per operation beyond its ring buffer's growth.

use std::collections::VecDeque;

/// What becomes of an unfinished operation when its connection is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate<F> {
    /// It waits for the next connection.
    Keep,
    /// It ends now with this failure.
    Fail(F),
}

/// Operations waiting to be sent, in order, by key.
#[derive(Debug)]
pub struct SendQueue<K> {
    waiting: VecDeque<K>,
    /// The last send stamp handed out (64 bits: it never wraps).
    last_stamp: u64,
}

impl<K> Default for SendQueue<K> {
    fn default() -> Self {
        SendQueue {
            waiting: VecDeque::new(),
            last_stamp: 0,
        }
    }
}

impl<K: Copy> SendQueue<K> {
    /// Queues `key` behind the others.
    pub fn push_back(&mut self, key: K) {
        self.waiting.push_back(key);
    }

    /// The next operation to send.
    pub fn front(&self) -> Option<K> {
        self.waiting.front().copied()
    }

    /// Takes the next operation to send out of the queue.
    pub fn pop_front(&mut self) -> Option<K> {
        self.waiting.pop_front()
    }

    /// How many operations wait.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// The waiting keys, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = K> + '_ {
        self.waiting.iter().copied()
    }

    /// Takes `keys` out of the queue (the queue limits' victims).
    pub fn remove_all(&mut self, keys: &[K])
    where
        K: PartialEq,
    {
        self.waiting.retain(|k| !keys.contains(k));
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Empties the queue (the engine completes the operations itself).
    pub fn clear(&mut self) {
        self.waiting.clear();
    }

    /// Empties the queue, handing back what waited, in order.
    pub fn take_all(&mut self) -> VecDeque<K> {
        std::mem::take(&mut self.waiting)
    }

    /// The stamp of a write happening now: larger than every stamp handed out before.
    pub fn stamp_send(&mut self) -> u64 {
        self.last_stamp += 1;
        self.last_stamp
    }

    /// Puts `sent` (operations sent on a lost connection and not acknowledged, in the order
    /// to resend them: see [`in_send_order`]) back at the head of the queue, ahead of those
    /// never sent, keeping those `fate` keeps. Returns the others with their failures, in
    /// order.
    pub fn requeue_sent<F>(
        &mut self,
        sent: Vec<K>,
        mut fate: impl FnMut(K) -> Fate<F>,
    ) -> Vec<(K, F)> {
        let mut failed = Vec::new();
        let kept: Vec<K> = sent
            .into_iter()
            .filter(|&key| match fate(key) {
                Fate::Keep => true,
                Fate::Fail(failure) => {
                    failed.push((key, failure));
                    false
                }
            })
            .collect();
        for key in kept.into_iter().rev() {
            self.waiting.push_front(key);
        }
        failed
    }

    /// Keeps the waiting operations `fate` keeps, in order. Returns the others with their
    /// failures, in order.
    pub fn settle_waiting<F>(&mut self, mut fate: impl FnMut(K) -> Fate<F>) -> Vec<(K, F)> {
        let mut failed = Vec::new();
        self.waiting.retain(|&key| match fate(key) {
            Fate::Keep => true,
            Fate::Fail(failure) => {
                failed.push((key, failure));
                false
            }
        });
        failed
    }
}

/// The keys of `sent` (pairs of send stamp and key, in any order) in the order they were sent.
pub fn in_send_order<K>(mut sent: Vec<(u64, K)>) -> Vec<K> {
    sent.sort_unstable_by_key(|&(stamp, _)| stamp);
    sent.into_iter().map(|(_, key)| key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(keys: &[u16]) -> SendQueue<u16> {
        let mut q = SendQueue::default();
        for &k in keys {
            q.push_back(k);
        }
        q
    }

    fn waiting(q: &mut SendQueue<u16>) -> Vec<u16> {
        q.take_all().into_iter().collect()
    }

    #[test]
    fn operations_are_sent_in_the_order_they_were_queued() {
        let mut q = queue(&[3, 1, 2]);
        assert_eq!(q.front(), Some(3));
        assert_eq!(q.pop_front(), Some(3));
        assert_eq!(q.pop_front(), Some(1));
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn send_stamps_increase_with_every_write() {
        let mut q = queue(&[]);
        let stamps: Vec<u64> = (0..3).map(|_| q.stamp_send()).collect();
        assert!(stamps.windows(2).all(|w| w[0] < w[1]), "{stamps:?}");
    }

    #[test]
    fn unacknowledged_operations_are_resent_first_in_their_original_order_mqtt_4_6_0_1() {
        let mut q = queue(&[7, 8]);
        // 5 went out before 4, and 6 last.
        let sent = in_send_order(vec![(30, 6), (10, 5), (20, 4)]);
        assert_eq!(sent, [5, 4, 6]);
        let failed = q.requeue_sent(sent, |_| Fate::<()>::Keep);
        assert!(failed.is_empty());
        assert_eq!(waiting(&mut q), [5, 4, 6, 7, 8]);
    }

    #[test]
    fn requeue_fails_the_sent_operations_that_do_not_survive_in_order() {
        let mut q = queue(&[9]);
        let failed = q.requeue_sent(vec![1, 2, 3, 4], |k| {
            if k % 2 == 0 {
                Fate::Fail(k * 10)
            } else {
                Fate::Keep
            }
        });
        assert_eq!(failed, [(2, 20), (4, 40)]);
        assert_eq!(waiting(&mut q), [1, 3, 9]);
    }

    #[test]
    fn settling_keeps_the_survivors_in_order_and_returns_the_rest_in_order() {
        // A clean session (MQTT 3.1.1 [MQTT-3.1.2-6]) or an offline queue policy decides.
        let mut q = queue(&[1, 2, 3, 4, 5]);
        let failed = q.settle_waiting(|k| if k > 3 { Fate::Fail('x') } else { Fate::Keep });
        assert_eq!(failed, [(4, 'x'), (5, 'x')]);
        assert_eq!(waiting(&mut q), [1, 2, 3]);
    }

    #[test]
    fn requeued_then_settled_failures_come_sent_ones_first() {
        let mut q = queue(&[10, 11]);
        q.requeue_sent(vec![1, 2], |_| Fate::<u8>::Keep);
        let failed = q.settle_waiting(|k| {
            if k % 2 == 0 {
                Fate::Fail(0)
            } else {
                Fate::Keep
            }
        });
        assert_eq!(failed, [(2, 0), (10, 0)]);
        assert_eq!(waiting(&mut q), [1, 11]);
    }
}

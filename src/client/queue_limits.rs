//! Bounded queues (beyond upstream, `aws/mqtt/ext/queue_limits.h`): a client given limits holds
//! at most so many unfinished operations and so many bytes of their packets; what happens to a
//! new operation past them is the policy's. Both engines ask [`QueueLimits::make_room`] which of
//! their queued (not yet sent) operations to drop; sent ones wait for their acknowledgement and
//! are never dropped.

/// What a full queue does with a new operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenFull {
    /// The new operation fails with `AWS_ERROR_MQTT_QUEUE_FULL`.
    Refuse,
    /// Queued QoS 0 publishes go, oldest first, until the new one fits; else it is refused.
    DropQos0ThenRefuse,
    /// Queued operations of any kind go, oldest first, until the new one fits; else refused.
    DropOldest,
}

/// The limits; 0 is no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueLimits {
    /// Unfinished operations at most.
    pub max_operations: u64,
    /// Bytes of their packets at most.
    pub max_bytes: u64,
    /// What happens past them.
    pub when_full: WhenFull,
}

/// What the limits did so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueStatistics {
    /// Queued operations dropped to make room.
    pub dropped: u64,
    /// New operations refused.
    pub refused: u64,
}

/// A queued operation as the limits see it.
#[derive(Clone, Copy, Debug)]
pub struct Queued<K> {
    pub key: K,
    pub qos0_publish: bool,
    pub size: u64,
}

impl QueueLimits {
    /// Whether `count` operations of `bytes` bytes are over the limits.
    pub fn exceeded(&self, count: u64, bytes: u64) -> bool {
        (self.max_operations != 0 && count > self.max_operations)
            || (self.max_bytes != 0 && bytes > self.max_bytes)
    }

    /// With `count` operations of `bytes` bytes held (the new one of `new_size` bytes not
    /// counted yet) and `queued` the droppable ones oldest first: `Some(keys to drop)` when the
    /// new one then fits (empty when it fits already), `None` when it is to be refused.
    pub fn make_room<K: Copy>(
        &self,
        count: u64,
        bytes: u64,
        new_size: u64,
        queued: impl IntoIterator<Item = Queued<K>>,
    ) -> Option<Vec<K>> {
        let (mut count, mut bytes) = (count + 1, bytes + new_size);
        if !self.exceeded(count, bytes) {
            return Some(Vec::new());
        }
        if self.when_full == WhenFull::Refuse {
            // Nothing is droppable: no need to walk the queue.
            return None;
        }
        let droppable = |q: &Queued<K>| self.when_full == WhenFull::DropOldest || q.qos0_publish;
        let mut victims = Vec::new();
        for q in queued.into_iter().filter(droppable) {
            victims.push(q.key);
            count -= 1;
            bytes = bytes.saturating_sub(q.size);
            if !self.exceeded(count, bytes) {
                return Some(victims);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(key: u32, qos0_publish: bool, size: u64) -> Queued<u32> {
        Queued {
            key,
            qos0_publish,
            size,
        }
    }

    fn limits(max_operations: u64, max_bytes: u64, when_full: WhenFull) -> QueueLimits {
        QueueLimits {
            max_operations,
            max_bytes,
            when_full,
        }
    }

    #[test]
    fn under_the_limits_nothing_goes() {
        let l = limits(3, 0, WhenFull::Refuse);
        assert_eq!(l.make_room(2, 100, 50, [q(1, true, 50)]), Some(vec![]));
        let unlimited = limits(0, 0, WhenFull::Refuse);
        assert_eq!(
            unlimited.make_room::<u32>(1_000_000, u64::MAX / 2, 1, []),
            Some(vec![])
        );
    }

    #[test]
    fn refuse_drops_nothing() {
        let l = limits(2, 0, WhenFull::Refuse);
        assert_eq!(
            l.make_room(2, 0, 10, [q(1, true, 10), q(2, false, 10)]),
            None
        );
    }

    #[test]
    fn qos0_first_drops_the_oldest_qos0_publishes_only() {
        let l = limits(2, 0, WhenFull::DropQos0ThenRefuse);
        let queued = [q(1, false, 10), q(2, true, 10), q(3, true, 10)];
        assert_eq!(l.make_room(2, 30, 10, queued), Some(vec![2]));
        assert_eq!(l.make_room(2, 30, 10, [q(1, false, 10)]), None);
    }

    #[test]
    fn oldest_drops_in_order_until_the_bytes_fit() {
        let l = limits(0, 100, WhenFull::DropOldest);
        let queued = [q(1, false, 30), q(2, true, 30), q(3, false, 30)];
        // 90 held + 50 new = 140: two must go.
        assert_eq!(l.make_room(3, 90, 50, queued), Some(vec![1, 2]));
        // A new operation larger than the limit never fits.
        assert_eq!(l.make_room::<u32>(0, 0, 101, []), None);
    }
}

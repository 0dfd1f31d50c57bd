//! The table of operations a client holds: a slab indexed by key, so the hot path (submit, send,
//! acknowledge, complete) neither hashes nor moves operations. A key carries its slot's
//! generation, so a key kept somewhere after its operation completed (an ACK deadline, the send
//! order) finds nothing rather than the slot's next occupant.

use crate::client::mqtt5::operation::Operation;

/// An operation's key: its slot in the low 32 bits, the slot's generation in the high ones.
pub type Key = u64;

struct Slot<T> {
    generation: u32,
    operation: Option<Operation<T>>,
}

/// The operations, by key.
pub struct Operations<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Operations<T> {
    fn default() -> Self {
        Operations {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

fn split(key: Key) -> (usize, u32) {
    ((key & 0xFFFF_FFFF) as usize, (key >> 32) as u32)
}

impl<T> Operations<T> {
    /// Adds `operation` and returns its key.
    pub fn insert(&mut self, operation: Operation<T>) -> Key {
        self.len += 1;
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    operation: None,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.operation = Some(operation);
        u64::from(slot.generation) << 32 | u64::from(index)
    }

    /// The operation under `key`, if it is still there.
    pub fn get(&self, key: Key) -> Option<&Operation<T>> {
        let (index, generation) = split(key);
        let slot = self.slots.get(index)?;
        (slot.generation == generation).then_some(slot.operation.as_ref()?)
    }

    /// The operation under `key`, if it is still there.
    pub fn get_mut(&mut self, key: Key) -> Option<&mut Operation<T>> {
        let (index, generation) = split(key);
        let slot = self.slots.get_mut(index)?;
        if slot.generation != generation {
            return None;
        }
        slot.operation.as_mut()
    }

    /// Whether `key` still names an operation.
    pub fn contains(&self, key: Key) -> bool {
        self.get(key).is_some()
    }

    /// Takes the operation under `key` out; its key is then stale for good.
    pub fn remove(&mut self, key: Key) -> Option<Operation<T>> {
        let (index, generation) = split(key);
        let slot = self.slots.get_mut(index)?;
        if slot.generation != generation {
            return None;
        }
        let operation = slot.operation.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(index as u32);
        self.len -= 1;
        Some(operation)
    }

    /// The keys of every operation, oldest slot first.
    pub fn keys(&self) -> Vec<Key> {
        self.iter().map(|(key, _)| key).collect()
    }

    /// Every operation with its key, oldest slot first.
    pub fn iter(&self) -> impl Iterator<Item = (Key, &Operation<T>)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| {
            let key = u64::from(s.generation) << 32 | i as u64;
            s.operation.as_ref().map(|op| (key, op))
        })
    }

    /// How many operations there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Packet, Subscribe};

    fn op(token: u32) -> Operation<u32> {
        Operation::new(Packet::Subscribe(Subscribe::default()), token, 0)
    }

    #[test]
    fn a_stale_key_finds_nothing_even_when_its_slot_is_reused() {
        let mut ops = Operations::default();
        let a = ops.insert(op(1));
        assert_eq!(ops.remove(a).map(|o| o.token), Some(1));
        let b = ops.insert(op(2));
        assert_ne!(a, b);
        assert!(ops.get(a).is_none() && ops.remove(a).is_none());
        assert_eq!(ops.get(b).map(|o| o.token), Some(2));
        assert_eq!(ops.len(), 1);
        assert_eq!(ops.keys(), vec![b]);
        assert_eq!(
            ops.iter().map(|(k, o)| (k, o.token)).collect::<Vec<_>>(),
            [(b, 2)]
        );
    }
}

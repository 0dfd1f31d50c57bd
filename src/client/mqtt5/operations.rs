//! The table of operations a client holds: a slab indexed by key, so the hot path (submit, send,
//! acknowledge, complete) neither hashes nor moves operations. A key carries its slot's
//! generation, so a key kept somewhere after its operation completed (an ACK deadline, the send
//! order) finds nothing rather than the slot's next occupant.

use crate::client::mqtt5::operation::Operation;
use crate::client::paged_vec::PagedVec;

/// An operation's key: its slot in the low 32 bits, the slot's generation in the high ones.
pub type Key = u64;

struct Slot<T> {
    generation: u32,
    operation: Option<Operation<T>>,
}

/// The operations, by key.
pub struct Operations<T> {
    /// In pages: a burst's growth never copies the table.
    slots: PagedVec<Slot<T>>,
    free: Vec<u32>,
    len: usize,
    /// The generation new slots start at: above every generation the table has handed out
    /// since it last gave its memory back, so keys from before still find nothing.
    base_generation: u32,
}

/// A table emptied with more slots than this gives their memory back (a burst's slots would
/// otherwise stay for the client's life).
const SLOTS_KEPT: usize = 1024;

impl<T> Default for Operations<T> {
    fn default() -> Self {
        Operations {
            slots: PagedVec::default(),
            free: Vec::new(),
            len: 0,
            base_generation: 0,
        }
    }
}

fn split(key: Key) -> (usize, u32) {
    ((key & 0xFFFF_FFFF) as usize, (key >> 32) as u32)
}

impl<T> Operations<T> {
    /// Adds `operation` and returns its key.
    // Always inlined: the hot submission is one of two callers (with the store's restore).
    #[inline(always)]
    pub fn insert(&mut self, operation: Operation<T>) -> Key {
        self.len += 1;
        // A free slot keeps the generation its last removal gave it.
        if let Some(index) = self.free.pop()
            && let Some(slot) = self.slots.get_mut(index as usize)
        {
            slot.operation = Some(operation);
            return u64::from(slot.generation) << 32 | u64::from(index);
        }
        let index = self.slots.len() as u32;
        self.slots.push(Slot {
            generation: self.base_generation,
            operation: Some(operation),
        });
        u64::from(self.base_generation) << 32 | u64::from(index)
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
        if self.len == 0 && self.slots.len() > SLOTS_KEPT {
            self.give_back();
        }
        Some(operation)
    }

    /// Frees the slots of an empty table; new slots start above every generation used so far.
    fn give_back(&mut self) {
        let highest = self.slots.iter().map(|s| s.generation).max().unwrap_or(0);
        self.base_generation = highest.wrapping_add(1);
        self.slots.clear();
        self.free = Vec::new();
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
    use crate::client::mqtt5::operation::Request;
    use crate::codec::Subscribe;

    fn op(token: u32) -> Operation<u32> {
        Operation::new(Request::subscribe(Subscribe::default()), token, 0)
    }

    #[test]
    fn an_emptied_table_after_a_burst_gives_its_memory_back_and_old_keys_stay_stale() {
        let mut ops = Operations::default();
        let keys: Vec<Key> = (0..5_000).map(|t| ops.insert(op(t))).collect();
        for &k in &keys[1..] {
            ops.remove(k);
        }
        assert_eq!(ops.slots.len(), 5_000, "kept while one operation is left");
        ops.remove(keys[0]);
        assert_eq!(ops.slots.pages(), 0);
        assert_eq!(ops.free.capacity(), 0);
        // Slot 0 again, but no key from before names it.
        let fresh = ops.insert(op(9));
        assert_eq!(fresh & 0xFFFF_FFFF, 0);
        assert!(keys.iter().all(|&k| ops.get(k).is_none() && k != fresh));
        assert_eq!(ops.get(fresh).map(|o| o.token), Some(9));
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

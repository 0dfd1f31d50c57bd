//! A table keyed by packet identifier, for the MQTT 3.1.1 connection's operations: each id's
//! slot found by indexing, with no hashing and no allocation per entry.
//!
//! The 3.1.1 connection's ids come from its caller (upstream returns the id from the publish
//! call) and run in increasing order, wrapping at 65535 (see `packet_ids`), so the ids in use
//! lie in a window from the oldest to the newest. The table is that window: a ring of slots,
//! slot `i` for id `base + i` (16-bit wrapping arithmetic; id 0 is never used and its slot,
//! when inside the window, stays empty). Adding an id past either end grows the window on the
//! side that takes fewer slots; empty slots leave from both ends as they appear. Its memory
//! is the window's span: nothing for an idle connection (an emptied ring gives its buffer back
//! once it had grown), a few slots for one publish at a time.

use std::collections::VecDeque;

/// An emptied window keeps a buffer of at most this many slots (one publish at a time reuses
/// it); a larger one, a burst's, is given back.
const SLOTS_KEPT: usize = 4;

/// The entries, by packet id.
pub struct IdWindow<V> {
    slots: VecDeque<Option<V>>,
    /// The id of the first slot.
    base: u16,
    len: usize,
}

impl<V> Default for IdWindow<V> {
    fn default() -> Self {
        IdWindow {
            slots: VecDeque::new(),
            base: 0,
            len: 0,
        }
    }
}

impl<V> IdWindow<V> {
    /// The slot of `id`, if it is inside the window.
    #[inline]
    fn index(&self, id: u16) -> Option<usize> {
        let i = usize::from(id.wrapping_sub(self.base));
        (i < self.slots.len()).then_some(i)
    }

    /// The entry of `id`.
    #[inline]
    pub fn get(&self, id: &u16) -> Option<&V> {
        self.slots.get(self.index(*id)?)?.as_ref()
    }

    /// The entry of `id`.
    #[inline]
    pub fn get_mut(&mut self, id: &u16) -> Option<&mut V> {
        let i = self.index(*id)?;
        self.slots.get_mut(i)?.as_mut()
    }

    /// Sets the entry of `id`, returning the one it replaces.
    #[inline]
    pub fn insert(&mut self, id: u16, value: V) -> Option<V> {
        if self.slots.is_empty() {
            self.base = id;
        }
        let forward = usize::from(id.wrapping_sub(self.base));
        if forward == self.slots.len() {
            // The common case: the next id, just past the end.
            self.slots.push_back(Some(value));
            self.len += 1;
            return None;
        }
        let i = if forward < self.slots.len() {
            forward
        } else {
            self.widen(id, forward)
        };
        let old = self.slots[i].replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Grows the window to take `id` (at `forward` slots past the base, beyond the end) on the
    /// side that takes fewer new slots; returns its slot.
    fn widen(&mut self, id: u16, forward: usize) -> usize {
        let past_end = forward + 1 - self.slots.len();
        let before_base = usize::from(self.base.wrapping_sub(id));
        if past_end <= before_base {
            self.slots.resize_with(forward + 1, || None);
            forward
        } else {
            for _ in 0..before_base {
                self.slots.push_front(None);
            }
            self.base = id;
            0
        }
    }

    /// Takes the entry of `id` out; empty slots at either end leave the window.
    #[inline]
    pub fn remove(&mut self, id: &u16) -> Option<V> {
        let i = self.index(*id)?;
        let value = self.slots.get_mut(i)?.take()?;
        self.len -= 1;
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.base = self.base.wrapping_add(1);
        }
        while let Some(None) = self.slots.back() {
            self.slots.pop_back();
        }
        if self.slots.is_empty() && self.slots.capacity() > SLOTS_KEPT {
            self.slots = VecDeque::new();
        }
        Some(value)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every entry with its id, oldest slot first.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (u16, &mut V)> {
        let base = self.base;
        self.slots
            .iter_mut()
            .enumerate()
            // The window spans at most 65,536 slots: `i` fits in 16 bits.
            .filter_map(move |(i, v)| Some((base.wrapping_add(i as u16), v.as_mut()?)))
    }

    /// The ids of every entry, oldest slot first.
    pub fn ids(&mut self) -> Vec<u16> {
        self.iter_mut().map(|(id, _)| id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_id_and_the_window_shrinks_from_both_ends() {
        let mut w = IdWindow::default();
        for id in [10u16, 11, 14] {
            assert_eq!(w.insert(id, u32::from(id)), None);
        }
        assert_eq!((w.len(), w.slots.len()), (3, 5));
        assert_eq!(w.get(&14), Some(&14));
        assert_eq!(w.get(&12), None);
        assert_eq!(w.get(&9), None);
        *w.get_mut(&11).unwrap() += 100;
        assert_eq!(w.insert(10, 7), Some(10), "a replacement is no new entry");
        assert_eq!(w.len(), 3);
        assert_eq!(w.ids(), [10, 11, 14]);
        assert_eq!(w.remove(&10), Some(7));
        assert_eq!((w.base, w.slots.len()), (11, 4));
        assert_eq!(w.remove(&14), Some(14));
        assert_eq!(w.slots.len(), 1, "the empty slots at the end left too");
        assert_eq!(w.remove(&14), None);
        assert_eq!(w.remove(&11), Some(111));
        assert!(w.is_empty() && w.slots.is_empty());
    }

    #[test]
    fn ids_wrap_past_65535_and_an_id_before_the_window_widens_it_at_the_front() {
        let mut w = IdWindow::default();
        w.insert(65534, 'a');
        w.insert(65535, 'b');
        w.insert(1, 'c'); // after the wrap: slot 3 (id 0's slot, 2, stays empty)
        assert_eq!(w.slots.len(), 4);
        assert_eq!(w.ids(), [65534, 65535, 1]);
        // A restored id just before the window (the 3.1.1 store's claimed ids come in any
        // order) widens it at the front, not around the whole id space.
        w.insert(65530, 'z');
        assert_eq!((w.base, w.slots.len()), (65530, 8));
        assert_eq!(w.get(&65530), Some(&'z'));
        assert_eq!(w.ids(), [65530, 65534, 65535, 1]);
    }

    #[test]
    fn one_at_a_time_reuses_its_slots_and_a_burst_gives_its_buffer_back() {
        let mut w = IdWindow::default();
        for id in 1..=3_000u16 {
            w.insert(id, ());
            w.remove(&id);
        }
        assert!(w.slots.capacity() <= SLOTS_KEPT);
        for id in 1..=3_000u16 {
            w.insert(id, ());
        }
        assert_eq!(w.slots.len(), 3_000);
        for id in 1..=3_000u16 {
            w.remove(&id);
        }
        assert_eq!(w.slots.capacity(), 0);
    }
}

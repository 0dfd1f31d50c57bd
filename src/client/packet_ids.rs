//! Packet identifier allocation, one allocator for both clients. SUBSCRIBE, UNSUBSCRIBE and
//! QoS 1 and 2 PUBLISH packets carry a non-zero id [MQTT-2.3.1-1] that no other unfinished
//! exchange of the client holds [MQTT-2.3.1-2].
//!
//! Ids are handed out in increasing order from the last one, wrapping from 65535 to 1, skipping
//! ids in use: a bitset of the 65535 ids makes that O(1) while fewer than 65535 are in use, with
//! no hashing. The bitset (8 KiB) is allocated at the first id: a connection that never takes
//! one (an idle client) does not pay for it.
//!
//! - [`PacketIds`]: the ids alone. The MQTT 3.1.1 connection's caller allocates with it, because
//!   upstream returns the id from the API call (QoS 0 publishes and pings take one too).
//! - [`PacketIdTable`]: the ids and what holds each, for a client that allocates as it sends
//!   and must find the operation an acknowledgement names (the MQTT 5 client).

use crate::client::packet_id_map::IdMap;

/// The ids in use on one connection.
pub struct PacketIds {
    /// Bit `id % 64` of word `id / 64` is set while `id` is in use (bit 0 of word 0, id 0, never);
    /// empty until the first id is handed out.
    in_use: Vec<u64>,
    count: usize,
    /// The id handed out last: the search for a free one starts after it.
    last: u16,
}

impl Default for PacketIds {
    fn default() -> Self {
        PacketIds::new()
    }
}

impl PacketIds {
    /// No id in use.
    pub fn new() -> PacketIds {
        PacketIds {
            in_use: Vec::new(),
            count: 0,
            last: 0,
        }
    }

    /// How many ids are in use.
    pub fn in_use(&self) -> usize {
        self.count
    }

    /// A free id, now in use; `None` when all 65535 are taken.
    pub fn allocate(&mut self) -> Option<u16> {
        if self.count == usize::from(u16::MAX) {
            return None;
        }
        self.allocate_bitset();
        let mut id = self.last;
        loop {
            id = if id == u16::MAX { 1 } else { id + 1 };
            if !self.is_used(id) {
                break;
            }
        }
        self.mark(id);
        self.last = id;
        Some(id)
    }

    /// Takes `id` itself (a restored operation's, sent before a restart); false when it is 0 or
    /// already in use.
    pub fn claim(&mut self, id: u16) -> bool {
        if id == 0 || self.is_used(id) {
            return false;
        }
        self.allocate_bitset();
        self.mark(id);
        true
    }

    /// The bitset, at the first id.
    #[inline(always)]
    fn allocate_bitset(&mut self) {
        if self.in_use.is_empty() {
            self.in_use = vec![0; 1024];
        }
    }

    /// Marks the free `id` in use.
    #[inline(always)]
    fn mark(&mut self, id: u16) {
        self.in_use[usize::from(id) / 64] |= 1 << (id % 64);
        self.count += 1;
    }

    /// Gives `id` back; freeing an id not in use does nothing.
    pub fn free(&mut self, id: u16) {
        if self.is_used(id) {
            self.in_use[usize::from(id) / 64] &= !(1 << (id % 64));
            self.count -= 1;
        }
    }

    /// Gives every id back. The search still starts after the last id handed out, so an id
    /// just released is not the next one reused.
    pub fn free_all(&mut self) {
        self.in_use.fill(0);
        self.count = 0;
    }

    /// True while `id` is in use.
    pub fn is_used(&self, id: u16) -> bool {
        self.in_use
            .get(usize::from(id) / 64)
            .is_some_and(|word| word & (1 << (id % 64)) != 0)
    }
}

/// The ids in use and what holds each (an operation's key): allocation through [`PacketIds`],
/// lookup by id for the acknowledgements.
pub struct PacketIdTable<V> {
    ids: PacketIds,
    holders: IdMap<V>,
}

impl<V> Default for PacketIdTable<V> {
    fn default() -> Self {
        PacketIdTable {
            ids: PacketIds::new(),
            holders: IdMap::default(),
        }
    }
}

impl<V> PacketIdTable<V> {
    /// A free id, now held by `holder`; `None` when all 65535 are taken.
    pub fn allocate(&mut self, holder: V) -> Option<u16> {
        let id = self.ids.allocate()?;
        self.holders.insert(id, holder);
        Some(id)
    }

    /// Takes `id` itself for `holder` (see [`PacketIds::claim`]).
    pub fn claim(&mut self, id: u16, holder: V) -> bool {
        let claimed = self.ids.claim(id);
        if claimed {
            // Not `insert`: a second caller of it would keep it from being inlined into
            // `allocate`, on every acknowledged operation's path.
            self.holders.entry(id).or_insert(holder);
        }
        claimed
    }

    /// What holds `id`, if it is in use.
    pub fn get(&self, id: u16) -> Option<&V> {
        self.holders.get(&id)
    }

    /// Whether `id` is in use.
    pub fn contains(&self, id: u16) -> bool {
        self.ids.is_used(id)
    }

    /// Frees `id`, returning what held it; freeing an id not in use does nothing.
    pub fn free(&mut self, id: u16) -> Option<V> {
        self.ids.free(id);
        self.holders.remove(&id)
    }

    /// Frees every id (see [`PacketIds::free_all`]).
    pub fn free_all(&mut self) {
        self.ids.free_all();
        self.holders.clear();
    }

    /// How many ids are in use.
    pub fn in_use(&self) -> usize {
        self.ids.in_use()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_at_one_and_are_never_zero_mqtt_2_3_1_1() {
        let mut ids = PacketIds::new();
        assert_eq!(ids.allocate(), Some(1));
        assert_eq!(ids.allocate(), Some(2));
        assert!(!ids.is_used(0));
    }

    #[test]
    fn ids_wrap_from_65535_to_1_skipping_ids_in_use_mqtt_2_3_1_2() {
        let mut ids = PacketIds::new();
        for _ in 0..65535 {
            ids.allocate().unwrap();
        }
        assert_eq!(ids.allocate(), None, "all 65535 ids in use");
        ids.free(7);
        ids.free(3);
        // The search continues from the last id handed out (65535): 1, 2 are taken, 3 is free.
        assert_eq!(ids.allocate(), Some(3));
        assert_eq!(ids.allocate(), Some(7));
        assert_eq!(ids.allocate(), None);
    }

    #[test]
    fn an_id_freed_is_reused_only_after_the_ones_above_it() {
        let mut ids = PacketIds::new();
        let first = ids.allocate().unwrap();
        ids.free(first);
        assert_eq!(ids.allocate(), Some(2), "1 waits until the ids wrap");
    }

    #[test]
    fn freeing_an_unused_id_changes_nothing() {
        let mut ids = PacketIds::new();
        ids.free(9);
        assert_eq!(ids.in_use(), 0);
        let id = ids.allocate().unwrap();
        ids.free(id);
        ids.free(id);
        assert_eq!(ids.in_use(), 0);
    }

    #[test]
    fn freeing_all_ids_keeps_the_search_position() {
        let mut ids = PacketIds::new();
        ids.allocate();
        ids.allocate();
        ids.free_all();
        assert_eq!(ids.in_use(), 0);
        assert!(!ids.is_used(1) && !ids.is_used(2));
        assert_eq!(ids.allocate(), Some(3));
    }

    #[test]
    fn the_table_finds_the_holder_of_an_id_until_it_is_freed() {
        let mut table = PacketIdTable::default();
        let a = table.allocate("a").unwrap();
        let b = table.allocate("b").unwrap();
        assert_eq!((a, b), (1, 2));
        assert_eq!(table.get(b), Some(&"b"));
        assert!(table.contains(a));
        assert_eq!(table.free(a), Some("a"));
        assert_eq!(table.free(a), None);
        assert!(!table.contains(a) && table.get(a).is_none());
        assert_eq!(table.in_use(), 1);
        table.free_all();
        assert_eq!(table.in_use(), 0);
        assert_eq!(table.allocate("c"), Some(3));
    }

    #[test]
    fn the_table_refuses_when_every_id_is_held() {
        let mut table = PacketIdTable::default();
        for n in 0..65535u32 {
            assert!(table.allocate(n).is_some());
        }
        assert_eq!(table.allocate(65535), None);
        assert_eq!(table.free(40), Some(39));
        assert_eq!(table.allocate(7), Some(40));
    }
}

//! Packet identifier allocation [MQTT-2.3.1]: every operation gets a non-zero id no other
//! unfinished operation holds, QoS 0 publishes and pings included (upstream returns an id from
//! every call and hands it to the completion callback).
//!
//! Ids are handed out in increasing order from the last one, wrapping from 65535 to 1, skipping
//! ids in use: O(1) while fewer than 65535 operations are unfinished.

/// The ids in use on one connection.
pub struct PacketIds {
    in_use: Box<[u64; 1024]>,
    count: usize,
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
            in_use: Box::new([0; 1024]),
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
        let mut id = self.last;
        loop {
            id = if id == u16::MAX { 1 } else { id + 1 };
            if !self.is_used(id) {
                break;
            }
        }
        self.in_use[usize::from(id) / 64] |= 1 << (id % 64);
        self.count += 1;
        self.last = id;
        Some(id)
    }

    /// Gives `id` back; freeing an id not in use does nothing.
    pub fn free(&mut self, id: u16) {
        if self.is_used(id) {
            self.in_use[usize::from(id) / 64] &= !(1 << (id % 64));
            self.count -= 1;
        }
    }

    /// True while `id` is in use.
    pub fn is_used(&self, id: u16) -> bool {
        self.in_use[usize::from(id) / 64] & (1 << (id % 64)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_at_one_and_never_zero() {
        let mut ids = PacketIds::new();
        assert_eq!(ids.allocate(), Some(1));
        assert_eq!(ids.allocate(), Some(2));
    }

    #[test]
    fn ids_wrap_from_65535_to_1_skipping_ids_in_use() {
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
    fn freeing_an_unused_id_changes_nothing() {
        let mut ids = PacketIds::new();
        ids.free(9);
        assert_eq!(ids.in_use(), 0);
        let id = ids.allocate().unwrap();
        ids.free(id);
        ids.free(id);
        assert_eq!(ids.in_use(), 0);
    }
}

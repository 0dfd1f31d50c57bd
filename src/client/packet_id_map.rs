//! Maps and sets keyed by packet identifier, for both engines. Packet ids are small, distinct
//! and mostly consecutive: a multiplicative hash spreads them well at a fraction of SipHash's
//! cost, and no peer chooses them (the client allocates its own; a server's are bounded by
//! its Receive Maximum), so hash flooding is not a concern.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes a packet id (or any small integer key) by one multiplication.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0 << 8 | u64::from(*b);
        }
    }
    fn write_u16(&mut self, n: u16) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map keyed by packet id.
pub type IdMap<V> = HashMap<u16, V, BuildHasherDefault<IdHasher>>;
/// A set of packet ids.
pub type IdSet = HashSet<u16, BuildHasherDefault<IdHasher>>;

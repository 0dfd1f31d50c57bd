//! The host resolver's cache: each host's addresses until their time to live runs out, at most
//! `max_entries` hosts (the least recently used goes first), handed out in rotation.
//!
//! Each hand-out starts with the next address of each family, so successive connections spread
//! over a host's addresses as upstream's rotation does. An address a connection failed on goes
//! to the back: it is handed out after every address not known to fail, until the host is
//! resolved again.

use super::host_resolver::{HostAddress, RecordType};
use super::host_resolver_lookup::{by_family, interleave};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

/// One host's addresses.
struct Entry {
    /// IPv6 addresses not known to fail, the next to hand out first.
    aaaa: VecDeque<IpAddr>,
    /// IPv4 addresses not known to fail, the next to hand out first.
    a: VecDeque<IpAddr>,
    /// Addresses a connection failed on, the earliest failure first.
    failed: Vec<IpAddr>,
    /// When the addresses expire, on the resolver's clock (ns).
    expires_at_ns: u64,
    /// When the entry was last used, in hand-outs: the smallest is evicted first.
    last_used: u64,
}

impl Entry {
    /// The addresses in the order to try them, rotating each family for the next hand-out.
    fn hand_out(&mut self) -> Vec<HostAddress> {
        let aaaa: Vec<IpAddr> = self.aaaa.iter().copied().collect();
        let a: Vec<IpAddr> = self.a.iter().copied().collect();
        let mut out = interleave(&aaaa, &a);
        out.extend(self.failed.iter().map(|&ip| HostAddress::new(ip)));
        self.aaaa.rotate_left(usize::from(!self.aaaa.is_empty()));
        self.a.rotate_left(usize::from(!self.a.is_empty()));
        out
    }
}

/// Hosts' addresses, bounded in number of hosts and in time.
pub(super) struct AddressCache {
    entries: HashMap<String, Entry>,
    /// The most hosts kept (at least 1).
    max_entries: usize,
    /// Counts hand-outs, to find the least recently used entry.
    uses: u64,
}

impl AddressCache {
    /// An empty cache for at most `max_entries` hosts (0 counts as 1).
    pub(super) fn new(max_entries: usize) -> Self {
        Self {
            entries: HashMap::new(),
            max_entries: max_entries.max(1),
            uses: 0,
        }
    }

    /// The addresses of `host` in the order to try them, if the cache has them and they have
    /// not expired at `now_ns` (expired ones are dropped).
    pub(super) fn get(&mut self, host: &str, now_ns: u64) -> Option<Vec<HostAddress>> {
        let expired = now_ns >= self.entries.get(host)?.expires_at_ns;
        if expired {
            self.entries.remove(host);
            return None;
        }
        self.uses += 1;
        let entry = self.entries.get_mut(host)?;
        entry.last_used = self.uses;
        Some(entry.hand_out())
    }

    /// Keeps `addresses` for `host` until `expires_at_ns`, replacing what was there (evicting
    /// the least recently used host when full), and hands them out.
    pub(super) fn insert(
        &mut self,
        host: &str,
        addresses: &[HostAddress],
        expires_at_ns: u64,
    ) -> Vec<HostAddress> {
        if !self.entries.contains_key(host) && self.entries.len() >= self.max_entries {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(h, _)| h.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        let (aaaa, a) = by_family(addresses);
        self.uses += 1;
        let entry = Entry {
            aaaa: aaaa.into(),
            a: a.into(),
            failed: Vec::new(),
            expires_at_ns,
            last_used: self.uses,
        };
        self.entries
            .entry(host.to_string())
            .insert_entry(entry)
            .into_mut()
            .hand_out()
    }

    /// Moves `address` of `host` behind every address not known to fail. Unknown hosts and
    /// addresses are ignored.
    pub(super) fn record_failure(&mut self, host: &str, address: IpAddr) {
        let Some(entry) = self.entries.get_mut(host) else {
            return;
        };
        let family = match RecordType::of(&address) {
            RecordType::A => &mut entry.a,
            RecordType::Aaaa => &mut entry.aaaa,
        };
        if let Some(at) = family.iter().position(|&ip| ip == address) {
            family.remove(at);
            entry.failed.push(address);
        }
    }

    /// Forgets every host.
    pub(super) fn purge(&mut self) {
        self.entries.clear();
    }

    /// Forgets `host`.
    pub(super) fn purge_host(&mut self, host: &str) {
        self.entries.remove(host);
    }

    /// How many addresses of the given kinds the cache holds for `host`.
    pub(super) fn count(&self, host: &str, aaaa: bool, a: bool) -> usize {
        let Some(entry) = self.entries.get(host) else {
            return 0;
        };
        let failed = |t: RecordType| {
            entry
                .failed
                .iter()
                .filter(|ip| RecordType::of(ip) == t)
                .count()
        };
        let mut n = 0;
        if aaaa {
            n += entry.aaaa.len() + failed(RecordType::Aaaa);
        }
        if a {
            n += entry.a.len() + failed(RecordType::A);
        }
        n
    }

    /// How many hosts the cache holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(list: &[&str]) -> Vec<HostAddress> {
        list.iter()
            .map(|s| HostAddress::new(s.parse().unwrap()))
            .collect()
    }

    fn texts(list: &[HostAddress]) -> Vec<String> {
        list.iter().map(|a| a.address.to_string()).collect()
    }

    #[test]
    fn entries_expire_at_their_time_to_live() {
        let mut cache = AddressCache::new(4);
        cache.insert("h", &addrs(&["10.0.0.1"]), 100);
        assert!(cache.get("h", 99).is_some());
        assert!(cache.get("h", 100).is_none());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_least_recently_used_host_is_evicted_when_full() {
        let mut cache = AddressCache::new(2);
        cache.insert("a", &addrs(&["10.0.0.1"]), 100);
        cache.insert("b", &addrs(&["10.0.0.2"]), 100);
        cache.get("a", 0);
        cache.insert("c", &addrs(&["10.0.0.3"]), 100);
        assert!(cache.get("b", 0).is_none());
        assert!(cache.get("a", 0).is_some() && cache.get("c", 0).is_some());
    }

    #[test]
    fn each_hand_out_starts_with_the_next_address_of_each_family() {
        let mut cache = AddressCache::new(1);
        let first = cache.insert("h", &addrs(&["10.0.0.1", "::1", "10.0.0.2"]), 100);
        assert_eq!(texts(&first), ["::1", "10.0.0.1", "10.0.0.2"]);
        let second = cache.get("h", 0).unwrap();
        assert_eq!(texts(&second), ["::1", "10.0.0.2", "10.0.0.1"]);
    }

    #[test]
    fn a_failed_address_is_handed_out_last() {
        let mut cache = AddressCache::new(1);
        cache.insert("h", &addrs(&["::1", "10.0.0.1"]), 100);
        cache.record_failure("h", "::1".parse().unwrap());
        assert_eq!(texts(&cache.get("h", 0).unwrap()), ["10.0.0.1", "::1"]);
        assert_eq!(cache.count("h", true, false), 1);
        assert_eq!(cache.count("h", true, true), 2);
    }

    #[test]
    fn purging_forgets_hosts() {
        let mut cache = AddressCache::new(4);
        cache.insert("a", &addrs(&["10.0.0.1"]), 100);
        cache.insert("b", &addrs(&["10.0.0.2"]), 100);
        cache.purge_host("a");
        assert_eq!(cache.len(), 1);
        cache.purge();
        assert_eq!(cache.len(), 0);
    }
}

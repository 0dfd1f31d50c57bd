//! Internal listeners of a 3.1.1 connection (upstream's private `aws_mqtt311_listener`): Rust
//! observers that see every incoming publish and the connection's ups and downs besides the
//! user's own callbacks. The request-response client listens this way.
//!
//! The registry holds each listener; the connection's delivery side keeps weak copies, refreshed
//! when the registry's version changes, so a listener removed is dropped at once, not at the
//! next event.

use crate::runtime::lock::lock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// What a listener sees, on the connection's loop thread, with no lock held.
pub(crate) trait ConnectionListener: Send + Sync {
    /// A PUBLISH arrived (before or after the user's handlers: no order is promised).
    fn on_publish(&self, topic: &[u8], payload: &[u8]);
    /// A CONNACK accepted a connection (the first or a resumed one).
    fn on_connection_success(&self, session_present: bool);
    /// The connection was interrupted or closed.
    fn on_connection_lost(&self);
}

/// The listeners of one connection.
#[derive(Default)]
pub(crate) struct Listeners {
    version: AtomicU64,
    next_id: AtomicU64,
    list: Mutex<Vec<(u64, Arc<dyn ConnectionListener>)>>,
}

/// The delivery side's copy: the version it was made at and the listeners, weakly.
pub(crate) type Cached = (u64, Vec<Weak<dyn ConnectionListener>>);

impl Listeners {
    /// Adds a listener; the id removes it.
    pub(crate) fn add(&self, listener: Arc<dyn ConnectionListener>) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.list).push((id, listener));
        self.version.fetch_add(1, Ordering::Release);
        id
    }

    /// Removes a listener; it is dropped here, outside the registry's lock.
    pub(crate) fn remove(&self, id: u64) {
        let removed: Vec<_> = {
            let mut list = lock(&self.list);
            let (gone, kept) = std::mem::take(&mut *list)
                .into_iter()
                .partition(|(i, _)| *i == id);
            *list = kept;
            gone
        };
        self.version.fetch_add(1, Ordering::Release);
        drop(removed);
    }

    /// Refreshes `cache` if listeners came or went since it was made.
    pub(crate) fn refresh(&self, cache: &mut Cached) {
        let version = self.version.load(Ordering::Acquire);
        if version != cache.0 {
            let list = lock(&self.list);
            *cache = (
                version,
                list.iter().map(|(_, l)| Arc::downgrade(l)).collect(),
            );
        }
    }
}

/// Calls `f` on every listener of `cache` still registered.
pub(crate) fn each(cache: &Cached, mut f: impl FnMut(&dyn ConnectionListener)) {
    for weak in &cache.1 {
        if let Some(listener) = weak.upgrade() {
            f(&*listener);
        }
    }
}

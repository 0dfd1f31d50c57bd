//! The timer of the durable stores on the "every N milliseconds" sync policy (see
//! `client::journal`): one thread for the whole process syncs each such store at its interval,
//! so a record that no later one follows still reaches the disk in time. One thread, not one per
//! store: a gateway may hold thousands of clients. A store is dropped from the schedule once no
//! client holds it; the thread ends when none is left, and the next registration starts another.

use crate::client::journal::{SharedStore, WeakStore};
use crate::runtime::lock::lock;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

struct Entry {
    store: WeakStore,
    interval: Duration,
    due: Instant,
}

struct Schedule {
    entries: Vec<Entry>,
    running: bool,
}

static SCHEDULE: Mutex<Schedule> = Mutex::new(Schedule {
    entries: Vec::new(),
    running: false,
});
static CHANGED: Condvar = Condvar::new();

/// Syncs `store` every `interval` while some client holds it.
pub fn register(store: WeakStore, interval: Duration) {
    let mut schedule = lock(&SCHEDULE);
    schedule.entries.push(Entry {
        store,
        interval,
        due: Instant::now() + interval,
    });
    if !schedule.running {
        let started = std::thread::Builder::new()
            .name("mqtt-store-sync".into())
            .spawn(run);
        schedule.running = started.is_ok();
    }
    CHANGED.notify_one();
}

/// The thread: waits for the earliest due store, syncs what is due, forgets what is gone.
fn run() {
    let mut schedule = lock(&SCHEDULE);
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        for entry in schedule.entries.iter_mut().filter(|e| e.due <= now) {
            entry.due = now + entry.interval;
            due.push(entry.store.clone());
        }
        if !due.is_empty() {
            // Synced without the schedule's lock: a sync takes as long as the disk does.
            drop(schedule);
            let gone: Vec<WeakStore> = due
                .into_iter()
                .filter(|store| !SharedStore::flush_weak(store))
                .collect();
            schedule = lock(&SCHEDULE);
            schedule
                .entries
                .retain(|e| !gone.iter().any(|g| g.same(&e.store)));
            continue;
        }
        let Some(next) = schedule.entries.iter().map(|e| e.due).min() else {
            schedule.running = false;
            return;
        };
        let wait = next.saturating_duration_since(now);
        schedule = CHANGED
            .wait_timeout(schedule, wait)
            .map(|(guard, _)| guard)
            .unwrap_or_else(|p| p.into_inner().0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::journal::Store;
    use std::io;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting(Arc<AtomicUsize>);

    impl Store for Counting {
        fn accepted(&mut self, _: u64, _: &[u8]) -> io::Result<()> {
            Ok(())
        }
        fn progressed(&mut self, _: u64, _: u16, _: bool) -> io::Result<()> {
            Ok(())
        }
        fn settled(&mut self, _: u64) -> io::Result<()> {
            Ok(())
        }
        fn received_qos2(&mut self, _: u16) -> io::Result<()> {
            Ok(())
        }
        fn released_qos2(&mut self, _: u16) -> io::Result<()> {
            Ok(())
        }
        fn cleared_qos2(&mut self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&mut self) -> io::Result<()> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    #[test]
    fn stores_are_synced_at_their_interval_by_one_thread_until_no_client_holds_them() {
        let counts: Vec<Arc<AtomicUsize>> = (0..3).map(|_| Arc::default()).collect();
        let stores: Vec<SharedStore> = counts
            .iter()
            .map(|c| SharedStore::new(Box::new(Counting(c.clone())), 1))
            .collect();
        for store in &stores {
            register(store.downgrade(), Duration::from_millis(5));
        }
        // Waits (bounded) until each store was synced a few times.
        let deadline = Instant::now() + Duration::from_secs(10);
        while counts.iter().any(|c| c.load(Ordering::SeqCst) < 3) {
            assert!(Instant::now() < deadline, "not synced in time");
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(stores);
        // With no store left, the schedule empties and the thread ends.
        while lock(&SCHEDULE).running {
            assert!(Instant::now() < deadline, "the thread did not end");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(lock(&SCHEDULE).entries.is_empty());
    }
}

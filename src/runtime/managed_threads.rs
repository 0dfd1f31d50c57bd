//! The library's own threads (event-loop threads, clean-up threads), which
//! `aws_thread_join_all_managed` waits for so a program can exit with none of them running.

use crate::runtime::lock::lock;
use std::os::unix::thread::JoinHandleExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A managed thread not joined yet.
struct Managed {
    handle: JoinHandle<()>,
    /// Set, under the registry lock, once the thread's function has returned. The thread itself
    /// may still be unwinding its last frames, so [`join_all`] decides on this flag, not on
    /// `JoinHandle::is_finished`, which could still be false after the last signal was sent.
    finished: Arc<AtomicBool>,
}

impl Managed {
    /// True when this is the calling thread. Compared by pthread id: `thread::current()` would
    /// allocate a handle for a thread Rust did not start (a C caller's), which is never freed.
    fn is_current(&self) -> bool {
        // SAFETY: pthread_equal and pthread_self only compare and read ids.
        unsafe { libc::pthread_equal(self.handle.as_pthread_t(), libc::pthread_self()) != 0 }
    }
}

/// Threads started through [`spawn`] and not joined yet.
struct Registry {
    threads: Mutex<Vec<Managed>>,
    /// Signalled each time a managed thread's function returns.
    finished: Condvar,
    /// How long [`join_all`] waits; zero waits for as long as it takes.
    timeout: Mutex<Duration>,
}

static REGISTRY: Registry = Registry {
    threads: Mutex::new(Vec::new()),
    finished: Condvar::new(),
    timeout: Mutex::new(Duration::ZERO),
};

/// Starts a named thread that [`join_all`] will wait for.
pub fn spawn(name: String, body: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    spawn_joinable(name, body).map(drop)
}

/// A managed thread its starter can wait for on its own, with [`ManagedThread::join`].
/// Dropping it leaves the thread to [`join_all`].
#[derive(Debug)]
pub struct ManagedThread {
    finished: Arc<AtomicBool>,
}

/// Starts a named thread that [`join_all`] will wait for, and that the returned handle can join.
/// A panic in `body` ends the thread as if `body` had returned (it never leaves a joiner waiting).
pub fn spawn_joinable(
    name: String,
    body: impl FnOnce() + Send + 'static,
) -> std::io::Result<ManagedThread> {
    let finished = Arc::new(AtomicBool::new(false));
    let done = finished.clone();
    // Registering under the lock before the thread can signal keeps a joiner from missing it.
    let mut threads = lock(&REGISTRY.threads);
    let handle = thread::Builder::new().name(name).spawn(move || {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
        // Under the lock, so a joiner between its check and its wait cannot miss this signal.
        let _threads = lock(&REGISTRY.threads);
        done.store(true, Ordering::Release);
        REGISTRY.finished.notify_all();
    })?;
    threads.push(Managed {
        handle,
        finished: finished.clone(),
    });
    Ok(ManagedThread { finished })
}

impl ManagedThread {
    /// Waits until the thread's function has returned, then joins it. Returns at once when called
    /// on the thread itself (which could never finish while waiting), and when [`join_all`] has
    /// already taken the finished thread.
    pub fn join(self) {
        let mut threads = lock(&REGISTRY.threads);
        loop {
            let Some(pos) = threads
                .iter()
                .position(|t| Arc::ptr_eq(&t.finished, &self.finished))
            else {
                return;
            };
            if threads[pos].is_current() {
                return;
            }
            if threads[pos].finished.load(Ordering::Acquire) {
                let managed = threads.swap_remove(pos);
                // Join without the lock: other finishing threads take it to signal.
                drop(threads);
                let _ = managed.handle.join();
                return;
            }
            threads = REGISTRY
                .finished
                .wait(threads)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Sets how long [`join_all`] waits before giving up; zero means no limit.
pub fn set_join_timeout(timeout: Duration) {
    *lock(&REGISTRY.timeout) = timeout;
}

/// Waits until every managed thread other than the caller has finished, and joins them.
/// Returns false when the timeout ran out first (the unfinished threads stay registered).
pub fn join_all() -> bool {
    let timeout = *lock(&REGISTRY.timeout);
    let deadline = (!timeout.is_zero()).then(|| Instant::now() + timeout);
    let mut threads = lock(&REGISTRY.threads);
    loop {
        let (done, running): (Vec<_>, Vec<_>) = threads
            .drain(..)
            .partition(|t| t.finished.load(Ordering::Acquire) && !t.is_current());
        *threads = running;
        if !done.is_empty() {
            // Join without the lock: a finishing thread takes it to signal.
            drop(threads);
            for t in done {
                let _ = t.handle.join();
            }
            threads = lock(&REGISTRY.threads);
            // Threads that finished while the lock was released signalled nobody: look again
            // before waiting.
            continue;
        }
        if threads.iter().all(Managed::is_current) {
            return true;
        }
        threads = match deadline {
            None => REGISTRY
                .finished
                .wait(threads)
                .unwrap_or_else(|p| p.into_inner()),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return false;
                }
                REGISTRY
                    .finished
                    .wait_timeout(threads, left)
                    .unwrap_or_else(|p| p.into_inner())
                    .0
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn join_all_waits_for_every_managed_thread() {
        let ran = Arc::new(AtomicUsize::new(0));
        for i in 0..4 {
            let ran = ran.clone();
            spawn(format!("test-{i}"), move || {
                thread::sleep(Duration::from_millis(20));
                ran.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        }
        assert!(join_all());
        assert_eq!(ran.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn join_waits_for_that_thread_only() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let blocked = spawn_joinable("test-blocked".into(), move || {
            let _ = rx.recv();
        })
        .unwrap();
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let quick = spawn_joinable("test-quick".into(), move || {
            thread::sleep(Duration::from_millis(10));
            flag.store(true, Ordering::SeqCst);
        })
        .unwrap();
        quick.join();
        assert!(ran.load(Ordering::SeqCst));
        tx.send(()).unwrap();
        blocked.join();
    }

    #[test]
    fn a_panicking_thread_still_counts_as_finished() {
        let t = spawn_joinable("test-panic".into(), || panic!("expected in this test")).unwrap();
        t.join();
    }

    /// Sets a flag in its drop, which runs as its thread exits (after the thread's function).
    struct OnExit(
        Option<std::sync::mpsc::Sender<()>>,
        std::sync::mpsc::Receiver<()>,
    );

    impl Drop for OnExit {
        fn drop(&mut self) {
            // Let the other thread finish, and give it time to signal, before this one exits.
            drop(self.0.take());
            let _ = self.1.recv();
            thread::sleep(Duration::from_millis(50));
        }
    }

    thread_local! {
        static EXIT_HOOK: std::cell::RefCell<Option<OnExit>> = const { std::cell::RefCell::new(None) };
    }

    #[test]
    fn join_all_sees_a_thread_that_finished_while_it_joined_another() {
        // `first` finishes its function at once but exits only after `second` has finished its
        // own: `second` signals while join_all is busy joining `first`.
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        spawn("test-first".into(), move || {
            EXIT_HOOK.with(|h| *h.borrow_mut() = Some(OnExit(Some(go_tx), done_rx)));
        })
        .unwrap();
        spawn("test-second".into(), move || {
            let _ = go_rx.recv();
            drop(done_tx);
        })
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        thread::spawn(move || tx.send(join_all()).unwrap());
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(true));
    }

    #[test]
    fn join_all_returns_for_threads_that_finish_right_away() {
        // A thread signals before it has fully exited; join_all must not wait for a second signal.
        for round in 0..200 {
            spawn(format!("quick-{round}"), || {}).unwrap();
            assert!(join_all());
        }
    }
}

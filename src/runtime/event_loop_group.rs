//! A group of event loops, each on its own managed thread, shut down when the last reference
//! goes.
//!
//! Dropping the last `Arc<EventLoopGroup>` asks every loop to stop and returns at once: a new
//! managed clean-up thread ("EvntLoopCleanup", as upstream) joins the loop threads, then calls
//! the shutdown callback. So the last reference may be dropped anywhere, also inside a task on
//! one of the group's own loops, without deadlock; and once the callback has run, no thread of
//! the group runs any more (only the clean-up thread, which ends right after it).

use crate::runtime::event_loop::{Clock, EventLoop};
use crate::runtime::managed_threads::{self, ManagedThread};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Called once every loop thread of a group has been joined.
pub type ShutdownCallback = Box<dyn FnOnce() + Send>;

/// A fixed set of event loops.
pub struct EventLoopGroup {
    /// Never empty.
    loops: Vec<EventLoop>,
    threads: Vec<ManagedThread>,
    next: AtomicUsize,
    /// Taken by `drop` (a mutex only so the group is `Sync` without asking it of the callback).
    on_shutdown: Mutex<Option<ShutdownCallback>>,
}

impl std::fmt::Debug for EventLoopGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLoopGroup")
            .field("loops", &self.loops)
            .finish()
    }
}

/// The number of online processors (at least 1).
pub fn processor_count() -> usize {
    // SAFETY: sysconf only reads system information.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    usize::try_from(n).unwrap_or(1).max(1)
}

/// The loop count chosen for a requested count of 0: as upstream, half the processors (the
/// other half are taken to be hyper-threads), at least one.
pub fn default_loop_count() -> usize {
    let n = processor_count().min(u16::MAX as usize);
    if n > 1 { n / 2 } else { n }
}

/// Upstream's thread names: "AwsEventLoop1", "AwsEventLoop2", ... (at most 15 characters).
fn thread_name(index: usize) -> String {
    let name = format!("AwsEventLoop{}", index + 1);
    if name.len() > 15 {
        "AwsEventLoop".to_string()
    } else {
        name
    }
}

impl EventLoopGroup {
    /// Starts `loop_count` loops (0: [`default_loop_count`]) following `clock`; `on_shutdown`
    /// runs once all of them have been joined after the last reference is dropped.
    pub fn new(
        loop_count: u16,
        clock: Clock,
        on_shutdown: Option<ShutdownCallback>,
    ) -> io::Result<Arc<Self>> {
        let count = match loop_count {
            0 => default_loop_count(),
            n => n as usize,
        };
        Self::start(vec![None; count], clock, on_shutdown)
    }

    /// Starts one loop per entry of `cpus`, each pinned to that CPU.
    pub fn pinned(
        cpus: &[usize],
        clock: Clock,
        on_shutdown: Option<ShutdownCallback>,
    ) -> io::Result<Arc<Self>> {
        if cpus.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an event loop group needs at least one CPU",
            ));
        }
        Self::start(cpus.iter().map(|&c| Some(c)).collect(), clock, on_shutdown)
    }

    /// Starts the loops; if one fails, stops and joins those already running.
    fn start(
        placements: Vec<Option<usize>>,
        clock: Clock,
        on_shutdown: Option<ShutdownCallback>,
    ) -> io::Result<Arc<Self>> {
        let mut loops = Vec::with_capacity(placements.len());
        let mut threads = Vec::with_capacity(placements.len());
        for (index, cpu) in placements.into_iter().enumerate() {
            match EventLoop::start(thread_name(index), clock.clone(), cpu) {
                Ok((event_loop, thread)) => {
                    loops.push(event_loop);
                    threads.push(thread);
                }
                Err(e) => {
                    loops.iter().for_each(EventLoop::request_stop);
                    threads.into_iter().for_each(ManagedThread::join);
                    return Err(e);
                }
            }
        }
        Ok(Arc::new(EventLoopGroup {
            loops,
            threads,
            next: AtomicUsize::new(0),
            on_shutdown: Mutex::new(on_shutdown),
        }))
    }

    /// The next loop in round-robin order, to spread connections over the loops.
    pub fn next_loop(&self) -> &EventLoop {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.loops.len();
        &self.loops[index]
    }

    /// The loop at `index`, if there is one.
    pub fn loop_at(&self, index: usize) -> Option<&EventLoop> {
        self.loops.get(index)
    }

    /// How many loops the group has (at least one).
    pub fn loop_count(&self) -> usize {
        self.loops.len()
    }
}

impl Drop for EventLoopGroup {
    fn drop(&mut self) {
        self.loops.iter().for_each(EventLoop::request_stop);
        let threads = std::mem::take(&mut self.threads);
        let on_shutdown = self
            .on_shutdown
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let finish: ShutdownCallback = Box::new(move || {
            threads.into_iter().for_each(ManagedThread::join);
            if let Some(callback) = on_shutdown {
                callback();
            }
        });
        // The clean-up thread takes the work from this slot; if it cannot start, it stays here.
        let slot = Arc::new(Mutex::new(Some(finish)));
        let theirs = slot.clone();
        let spawned = managed_threads::spawn("EvntLoopCleanup".to_string(), move || {
            let work = theirs.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(work) = work {
                work();
            }
        });
        if let Err(e) = spawned {
            let work = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            if self.loops.iter().any(EventLoop::is_current_thread) {
                // Joining here would wait for this very thread: the group's threads stop, but
                // the shutdown callback cannot be called after they are joined.
                crate::aws_log!(
                    AWS_LL_ERROR,
                    AWS_LS_IO_EVENT_LOOP,
                    "event loop group: no clean-up thread ({e}); its shutdown callback is lost"
                );
                drop(work);
            } else if let Some(work) = work {
                work();
            }
        }
    }
}

//! The host resolver: turns host names into IPv4 and IPv6 addresses without ever blocking the
//! caller's thread (an event-loop thread, usually).
//!
//! Lookups run on a small pool of resolver threads, started on demand up to `max_threads` and
//! registered with [`managed_threads`] (so `aws_thread_join_all_managed` waits for them). A
//! host's addresses are cached for the resolution's `max_ttl` (at most `max_entries` hosts, the
//! least recently used evicted first), so a second request within that time does not query
//! again; requests for a host whose lookup is under way wait for that lookup rather than start
//! another. Failures are not cached.
//!
//! Every callback runs on a resolver thread, never on the caller's and never while the
//! resolver's lock is held, so a callback may resolve again or drop the resolver. A successful
//! result lists every address, in the order to try them: IPv6 first, alternating with IPv4,
//! each family rotated per hand-out, addresses a connection failed on last
//! ([`HostResolver::record_connection_failure`]).
//!
//! Dropping the last [`HostResolver`] handle starts the shutdown: the threads finish what they
//! are doing (a lookup in progress completes and is delivered), lookups not started yet fail with
//! `AWS_IO_DNS_HOST_REMOVED_FROM_CACHE`, and once every thread has been joined, `on_shutdown`
//! runs, on a clean-up thread. A resolver that never started a thread calls it at once, from
//! the drop.
//!
//! The blocking lookup is in [`host_resolver_lookup`](super::host_resolver_lookup), the cache in
//! [`host_resolver_cache`](super::host_resolver_cache).

use super::event_loop::Clock;
use super::host_resolver_cache::AddressCache;
use super::host_resolver_lookup::{by_family, interleave, lookup_system};
use super::managed_threads::{self, ManagedThread};
use crate::error::aws_common_error::{
    AWS_ERROR_INVALID_STATE, AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE,
};
use crate::error::aws_io_errors::{AWS_IO_DNS_HOST_REMOVED_FROM_CACHE, AWS_IO_DNS_QUERY_FAILED};
use crate::runtime::lock::lock;
use std::collections::{HashMap, VecDeque};
use std::ffi::c_int;
use std::fmt;
use std::net::IpAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The kind of DNS record an address came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordType {
    /// An IPv4 address.
    A,
    /// An IPv6 address.
    Aaaa,
}

impl RecordType {
    /// The record type an address belongs to.
    pub fn of(address: &IpAddr) -> Self {
        match address {
            IpAddr::V4(_) => RecordType::A,
            IpAddr::V6(_) => RecordType::Aaaa,
        }
    }
}

/// One address of a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HostAddress {
    /// The address.
    pub address: IpAddr,
    /// A for IPv4, AAAA for IPv6.
    pub record_type: RecordType,
}

impl HostAddress {
    /// The address with its record type.
    pub fn new(address: IpAddr) -> Self {
        Self {
            address,
            record_type: RecordType::of(&address),
        }
    }
}

/// A host's addresses in the order to try them, or an aws error code.
pub type ResolveResult = Result<Vec<HostAddress>, c_int>;

/// Receives a resolution's result, on a resolver thread.
pub type ResolveCallback = Box<dyn FnOnce(ResolveResult) + Send>;

/// A blocking name lookup, run on a resolver thread: the system's by default, a test's or a C
/// program's own (`aws_host_resolution_config.impl`) otherwise.
pub type Lookup = Arc<dyn Fn(&str) -> ResolveResult + Send + Sync>;

/// Work for a resolver thread.
pub type Task = Box<dyn FnOnce() + Send>;

/// How one request is resolved.
#[derive(Clone)]
pub struct ResolutionConfig {
    /// How long the host's addresses stay cached; zero caches nothing.
    pub max_ttl: Duration,
    /// The lookup to use; `None` asks the system (`getaddrinfo`).
    pub lookup: Option<Lookup>,
}

impl ResolutionConfig {
    /// Upstream's default time to live: 30 seconds.
    pub const DEFAULT_MAX_TTL: Duration = Duration::from_secs(30);
}

impl Default for ResolutionConfig {
    /// The system's lookup, cached for 30 seconds.
    fn default() -> Self {
        Self {
            max_ttl: Self::DEFAULT_MAX_TTL,
            lookup: None,
        }
    }
}

impl fmt::Debug for ResolutionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolutionConfig")
            .field("max_ttl", &self.max_ttl)
            .field("lookup", &self.lookup.as_ref().map(|_| "custom"))
            .finish()
    }
}

/// How a resolver is made.
pub struct ResolverOptions {
    /// The most hosts cached at once (0 counts as 1).
    pub max_entries: usize,
    /// The most resolver threads running at once (0 counts as 1).
    pub max_threads: usize,
    /// The clock that times cached addresses out.
    pub clock: Clock,
    /// Called once the resolver has shut down and its threads are joined.
    pub on_shutdown: Option<Task>,
}

impl ResolverOptions {
    /// Resolver threads at most, by default: lookups of different hosts overlap, within reason.
    pub const DEFAULT_MAX_THREADS: usize = 4;
}

impl Default for ResolverOptions {
    fn default() -> Self {
        Self {
            max_entries: 64,
            max_threads: Self::DEFAULT_MAX_THREADS,
            clock: Clock::Monotonic,
            on_shutdown: None,
        }
    }
}

/// A host to look up, and how.
struct LookupJob {
    host: String,
    config: ResolutionConfig,
}

/// Everything the resolver's lock guards.
struct State {
    cache: AddressCache,
    /// Hosts to look up, in request order.
    lookups: VecDeque<LookupJob>,
    /// The callbacks waiting for each host whose lookup is queued or under way.
    waiting: HashMap<String, Vec<ResolveCallback>>,
    /// Other work: cached results to deliver, completion callbacks.
    tasks: VecDeque<Task>,
    /// The threads started, to be joined at shutdown.
    threads: Vec<ManagedThread>,
    /// Threads waiting for work.
    idle: usize,
    /// Set when the last handle is dropped; no thread starts after it.
    shutting_down: bool,
    on_shutdown: Option<Task>,
}

/// What the resolver's threads and handles share.
struct Shared {
    state: Mutex<State>,
    /// Signalled when work arrives or the shutdown starts.
    work: Condvar,
    clock: Clock,
    max_threads: usize,
    /// Names the threads: `aws-dns-<id>.<n>`.
    id: usize,
}

/// Tells resolvers apart in their threads' names.
static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// The handle whose drop starts the shutdown; every [`HostResolver`] clone shares it.
struct Handle {
    shared: Arc<Shared>,
}

/// A host resolver (see the module documentation). Clones share one resolver; dropping the
/// last starts its shutdown.
#[derive(Clone)]
pub struct HostResolver {
    handle: Arc<Handle>,
}

impl fmt::Debug for HostResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostResolver")
            .field("id", &self.handle.shared.id)
            .finish()
    }
}

impl HostResolver {
    /// A resolver with no thread yet; threads start with the first request.
    pub fn new(options: ResolverOptions) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                cache: AddressCache::new(options.max_entries),
                lookups: VecDeque::new(),
                waiting: HashMap::new(),
                tasks: VecDeque::new(),
                threads: Vec::new(),
                idle: 0,
                shutting_down: false,
                on_shutdown: options.on_shutdown,
            }),
            work: Condvar::new(),
            clock: options.clock,
            max_threads: options.max_threads.max(1),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        });
        Self {
            handle: Arc::new(Handle { shared }),
        }
    }

    /// Resolves `host` with the default configuration; see [`HostResolver::resolve_with`].
    pub fn resolve(&self, host: &str, callback: ResolveCallback) -> Result<(), c_int> {
        self.resolve_with(host, &ResolutionConfig::default(), callback)
    }

    /// Resolves `host`: `callback` receives its addresses in the order to try them, or an aws
    /// error code (`AWS_IO_DNS_INVALID_NAME` for a name that is not valid or not known,
    /// `AWS_IO_DNS_QUERY_FAILED` when the query fails or finds no address), always on a
    /// resolver thread. Cached addresses are delivered without a query. Fails at once (and
    /// never calls `callback`) only when no resolver thread can be started.
    pub fn resolve_with(
        &self,
        host: &str,
        config: &ResolutionConfig,
        callback: ResolveCallback,
    ) -> Result<(), c_int> {
        let shared = &self.handle.shared;
        let mut state = shared.lock();
        let cached = shared
            .clock
            .now_ns()
            .and_then(|now| state.cache.get(host, now));
        if let Some(addresses) = cached {
            state
                .tasks
                .push_back(Box::new(move || callback(Ok(addresses))));
            return shared.wake_worker(&mut state);
        }
        if let Some(waiters) = state.waiting.get_mut(host) {
            waiters.push(callback);
            return Ok(());
        }
        state.waiting.insert(host.to_string(), vec![callback]);
        state.lookups.push_back(LookupJob {
            host: host.to_string(),
            config: config.clone(),
        });
        shared.wake_worker(&mut state).inspect_err(|_| {
            state.lookups.pop_back();
            state.waiting.remove(host);
        })
    }

    /// Runs `task` on a resolver thread (completion callbacks go this way, so they never run on
    /// the caller's thread).
    pub fn schedule(&self, task: Task) -> Result<(), c_int> {
        let shared = &self.handle.shared;
        let mut state = shared.lock();
        state.tasks.push_back(task);
        shared.wake_worker(&mut state).inspect_err(|_| {
            state.tasks.pop_back();
        })
    }

    /// Notes that connecting to `address` of `host` failed: until the host is resolved again,
    /// the address is handed out after every address not known to fail.
    pub fn record_connection_failure(&self, host: &str, address: IpAddr) {
        self.handle
            .shared
            .lock()
            .cache
            .record_failure(host, address);
    }

    /// Forgets every cached host.
    pub fn purge_cache(&self) {
        self.handle.shared.lock().cache.purge();
    }

    /// Forgets `host`'s cached addresses.
    pub fn purge_host(&self, host: &str) {
        self.handle.shared.lock().cache.purge_host(host);
    }

    /// How many addresses of `host` are cached: IPv6 ones when `aaaa`, IPv4 ones when `a`.
    pub fn cached_address_count(&self, host: &str, aaaa: bool, a: bool) -> usize {
        self.handle.shared.lock().cache.count(host, aaaa, a)
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Makes sure a thread will take the work just queued: wakes an idle one, and starts
    /// another when there is more work than idle threads and room in the pool. Fails only when
    /// no thread runs and none can start.
    fn wake_worker(self: &Arc<Self>, state: &mut State) -> Result<(), c_int> {
        if state.shutting_down {
            return Err(AWS_ERROR_INVALID_STATE as c_int);
        }
        let queued = state.lookups.len() + state.tasks.len();
        if queued > state.idle && state.threads.len() < self.max_threads {
            let name = format!("aws-dns-{}.{}", self.id, state.threads.len());
            let shared = Arc::clone(self);
            match managed_threads::spawn_joinable(name, move || shared.work_loop()) {
                Ok(thread) => state.threads.push(thread),
                Err(_) if state.threads.is_empty() => {
                    return Err(AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE as c_int);
                }
                // The threads already running will get to it.
                Err(_) => {}
            }
        }
        self.work.notify_one();
        Ok(())
    }

    /// A resolver thread: takes tasks and lookups until the shutdown, then finishes what is
    /// queued (failing the lookups not started) and returns.
    fn work_loop(self: Arc<Self>) {
        let mut state = self.lock();
        loop {
            if let Some(task) = state.tasks.pop_front() {
                drop(state);
                run_guarded(task);
            } else if let Some(job) = state.lookups.pop_front() {
                if state.shutting_down {
                    let waiters = state.waiting.remove(&job.host).unwrap_or_default();
                    drop(state);
                    deliver(waiters, Err(AWS_IO_DNS_HOST_REMOVED_FROM_CACHE as c_int));
                } else {
                    drop(state);
                    self.look_up(job);
                }
            } else if state.shutting_down {
                return;
            } else {
                state.idle += 1;
                state = self.work.wait(state).unwrap_or_else(|p| p.into_inner());
                state.idle -= 1;
                continue;
            }
            state = self.lock();
        }
    }

    /// Looks `job.host` up (blocking), caches the result and hands it to everyone waiting.
    fn look_up(&self, job: LookupJob) {
        let found = match &job.config.lookup {
            Some(lookup) => catch_unwind(AssertUnwindSafe(|| lookup(&job.host)))
                .unwrap_or(Err(AWS_IO_DNS_QUERY_FAILED as c_int)),
            None => lookup_system(&job.host),
        };
        let found = found.and_then(|addresses| {
            if addresses.is_empty() {
                Err(AWS_IO_DNS_QUERY_FAILED as c_int)
            } else {
                Ok(addresses)
            }
        });
        match &found {
            Ok(addresses) => crate::aws_log!(
                AWS_LL_DEBUG,
                AWS_LS_IO_DNS,
                "id={}: resolved host {}: {} addresses",
                self.id,
                job.host,
                addresses.len()
            ),
            Err(code) => crate::aws_log!(
                AWS_LL_WARN,
                AWS_LS_IO_DNS,
                "id={}: resolving host {} failed, error {}",
                self.id,
                job.host,
                code
            ),
        }
        let now = self.clock.now_ns();
        let mut state = self.lock();
        let result = found.map(|addresses| match now {
            Some(now) if !job.config.max_ttl.is_zero() => {
                let ttl = u64::try_from(job.config.max_ttl.as_nanos()).unwrap_or(u64::MAX);
                state
                    .cache
                    .insert(&job.host, &addresses, now.saturating_add(ttl))
            }
            _ => {
                let (aaaa, a) = by_family(&addresses);
                interleave(&aaaa, &a)
            }
        });
        let waiters = state.waiting.remove(&job.host).unwrap_or_default();
        drop(state);
        deliver(waiters, result);
    }

    /// Starts the shutdown: no thread starts after this; the threads finish and are joined,
    /// then `on_shutdown` runs.
    fn shut_down(&self) {
        let (threads, on_shutdown) = {
            let mut state = self.lock();
            state.shutting_down = true;
            (std::mem::take(&mut state.threads), state.on_shutdown.take())
        };
        self.work.notify_all();
        let no_threads = threads.is_empty();
        let finish = move || {
            for thread in threads {
                thread.join();
            }
            if let Some(on_shutdown) = on_shutdown {
                run_guarded(on_shutdown);
            }
        };
        if no_threads {
            finish();
            return;
        }
        // Joining may wait for a lookup to finish: never on the caller's thread. When no
        // clean-up thread can start, join here (joining the calling thread itself returns at
        // once, so a drop from a resolver thread's callback cannot deadlock).
        let finish = Arc::new(Mutex::new(Some(finish)));
        let in_thread = Arc::clone(&finish);
        let name = format!("aws-dns-{}.end", self.id);
        let started = managed_threads::spawn(name, move || {
            if let Some(f) = take(&in_thread) {
                f();
            }
        });
        if started.is_err() {
            if let Some(f) = take(&finish) {
                f();
            }
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.shut_down();
    }
}

/// Takes the function out of its slot, once.
fn take<F>(slot: &Mutex<Option<F>>) -> Option<F> {
    lock(slot).take()
}

/// Runs a task; a panic ends the task, not the resolver thread.
fn run_guarded(task: Task) {
    let _ = catch_unwind(AssertUnwindSafe(task));
}

/// Hands a result to each waiting callback.
fn deliver(waiters: Vec<ResolveCallback>, result: ResolveResult) {
    for callback in waiters {
        let result = result.clone();
        run_guarded(Box::new(move || callback(result)));
    }
}

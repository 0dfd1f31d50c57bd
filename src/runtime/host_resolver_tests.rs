//! Tests of the host resolver: results, threads, caching and shutdown. Only loopback names,
//! IP literals and names that fail the syntax check are ever resolved through the system.

use super::event_loop::Clock;
use super::host_resolver::*;
use crate::error::aws_io_errors::{
    AWS_IO_DNS_HOST_REMOVED_FROM_CACHE, AWS_IO_DNS_INVALID_NAME, AWS_IO_DNS_QUERY_FAILED,
};
use std::ffi::c_int;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Barrier};
use std::thread::{self, ThreadId};
use std::time::Duration;

/// How long a test waits for a callback before failing.
const WAIT: Duration = Duration::from_secs(10);

/// What a callback saw: its result and the thread it ran on.
struct Seen {
    result: ResolveResult,
    thread: ThreadId,
    thread_name: String,
}

/// A callback that sends what it sees down a channel.
fn recorder(tx: &Sender<Seen>) -> ResolveCallback {
    let tx = tx.clone();
    Box::new(move |result| {
        let current = thread::current();
        let _ = tx.send(Seen {
            result,
            thread: current.id(),
            thread_name: current.name().unwrap_or_default().to_string(),
        });
    })
}

fn next(rx: &Receiver<Seen>) -> Seen {
    rx.recv_timeout(WAIT).expect("the callback ran")
}

/// A lookup that counts its calls and answers `addresses`.
fn counting_lookup(addresses: &[&str], calls: &Arc<AtomicUsize>) -> Lookup {
    let addresses: Vec<HostAddress> = addresses
        .iter()
        .map(|s| HostAddress::new(s.parse().unwrap()))
        .collect();
    let calls = calls.clone();
    Arc::new(move |_host: &str| {
        calls.fetch_add(1, Ordering::SeqCst);
        Ok(addresses.clone())
    })
}

/// A resolver whose shutdown sends on the returned channel.
fn resolver_with(options: ResolverOptions) -> (HostResolver, Receiver<()>) {
    let (tx, rx) = mpsc::channel();
    let resolver = HostResolver::new(ResolverOptions {
        on_shutdown: Some(Box::new(move || {
            let _ = tx.send(());
        })),
        ..options
    });
    (resolver, rx)
}

#[test]
fn localhost_resolves_to_loopback_addresses() {
    let resolver = HostResolver::new(ResolverOptions::default());
    let (tx, rx) = mpsc::channel();
    resolver.resolve("localhost", recorder(&tx)).unwrap();
    let addresses = next(&rx).result.unwrap();
    assert!(!addresses.is_empty());
    for a in &addresses {
        assert!(a.address.is_loopback(), "{a:?}");
        assert_eq!(a.record_type, RecordType::of(&a.address));
    }
}

#[test]
fn an_invalid_name_fails_with_dns_invalid_name() {
    let resolver = HostResolver::new(ResolverOptions::default());
    let (tx, rx) = mpsc::channel();
    for name in ["bad..name", "bad name", ""] {
        resolver.resolve(name, recorder(&tx)).unwrap();
        assert_eq!(
            next(&rx).result,
            Err(AWS_IO_DNS_INVALID_NAME as c_int),
            "{name:?}"
        );
    }
}

#[test]
fn resolution_and_callbacks_happen_off_the_calling_thread() {
    let resolver = HostResolver::new(ResolverOptions::default());
    let (tx, rx) = mpsc::channel();
    resolver.resolve("127.0.0.1", recorder(&tx)).unwrap();
    let first = next(&rx);
    // The second answer comes from the cache, and still on a resolver thread.
    resolver.resolve("127.0.0.1", recorder(&tx)).unwrap();
    let second = next(&rx);
    for seen in [first, second] {
        assert_ne!(seen.thread, thread::current().id());
        assert!(
            seen.thread_name.starts_with("aws-dns-"),
            "{}",
            seen.thread_name
        );
        assert_eq!(
            seen.result.unwrap(),
            vec![HostAddress::new("127.0.0.1".parse().unwrap())]
        );
    }
}

#[test]
fn a_cached_host_is_not_queried_again() {
    let resolver = HostResolver::new(ResolverOptions::default());
    let calls = Arc::new(AtomicUsize::new(0));
    let config = ResolutionConfig {
        lookup: Some(counting_lookup(&["10.0.0.1", "fd00::1"], &calls)),
        ..ResolutionConfig::default()
    };
    let (tx, rx) = mpsc::channel();
    for _ in 0..3 {
        resolver
            .resolve_with("broker", &config, recorder(&tx))
            .unwrap();
        let got = next(&rx).result.unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].record_type, RecordType::Aaaa);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(resolver.cached_address_count("broker", true, true), 2);
    resolver.purge_host("broker");
    resolver
        .resolve_with("broker", &config, recorder(&tx))
        .unwrap();
    next(&rx).result.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn cached_addresses_expire_after_max_ttl() {
    let now = Arc::new(AtomicU64::new(1_000));
    let clock_now = now.clone();
    let resolver = HostResolver::new(ResolverOptions {
        clock: Clock::Custom(Arc::new(move || Some(clock_now.load(Ordering::SeqCst)))),
        ..ResolverOptions::default()
    });
    let calls = Arc::new(AtomicUsize::new(0));
    let config = ResolutionConfig {
        max_ttl: Duration::from_secs(5),
        lookup: Some(counting_lookup(&["10.0.0.1"], &calls)),
    };
    let (tx, rx) = mpsc::channel();
    let resolve = || {
        resolver.resolve_with("h", &config, recorder(&tx)).unwrap();
        next(&rx).result.unwrap();
    };
    resolve();
    now.fetch_add(4_999_999_999, Ordering::SeqCst);
    resolve();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    now.fetch_add(1, Ordering::SeqCst);
    resolve();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn requests_for_a_host_being_looked_up_share_the_lookup() {
    let resolver = HostResolver::new(ResolverOptions::default());
    let calls = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Barrier::new(2));
    let (lookup_calls, lookup_gate) = (calls.clone(), gate.clone());
    let config = ResolutionConfig {
        lookup: Some(Arc::new(move |_: &str| {
            lookup_calls.fetch_add(1, Ordering::SeqCst);
            lookup_gate.wait();
            Ok(vec![HostAddress::new("10.0.0.7".parse().unwrap())])
        })),
        ..ResolutionConfig::default()
    };
    let (tx, rx) = mpsc::channel();
    for _ in 0..3 {
        resolver
            .resolve_with("shared", &config, recorder(&tx))
            .unwrap();
    }
    gate.wait();
    for _ in 0..3 {
        assert_eq!(next(&rx).result.unwrap().len(), 1);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_lookup_that_finds_nothing_fails_with_query_failed() {
    let resolver = HostResolver::new(ResolverOptions::default());
    let calls = Arc::new(AtomicUsize::new(0));
    let config = ResolutionConfig {
        lookup: Some(counting_lookup(&[], &calls)),
        ..ResolutionConfig::default()
    };
    let (tx, rx) = mpsc::channel();
    resolver
        .resolve_with("empty", &config, recorder(&tx))
        .unwrap();
    assert_eq!(next(&rx).result, Err(AWS_IO_DNS_QUERY_FAILED as c_int));
}

#[test]
fn a_failed_address_is_offered_last() {
    let resolver = HostResolver::new(ResolverOptions::default());
    let calls = Arc::new(AtomicUsize::new(0));
    let config = ResolutionConfig {
        lookup: Some(counting_lookup(&["fd00::1", "10.0.0.1"], &calls)),
        ..ResolutionConfig::default()
    };
    let (tx, rx) = mpsc::channel();
    resolver.resolve_with("h", &config, recorder(&tx)).unwrap();
    next(&rx).result.unwrap();
    let v6: IpAddr = "fd00::1".parse().unwrap();
    resolver.record_connection_failure("h", v6);
    resolver.resolve_with("h", &config, recorder(&tx)).unwrap();
    let order: Vec<IpAddr> = next(&rx)
        .result
        .unwrap()
        .iter()
        .map(|a| a.address)
        .collect();
    assert_eq!(order, ["10.0.0.1".parse::<IpAddr>().unwrap(), v6]);
}

/// Counts, when dropped, one thread that has exited: a thread's locals are dropped as it ends,
/// before a join on it can return.
struct ExitMark(Arc<AtomicUsize>);

impl Drop for ExitMark {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    static EXIT_MARK: std::cell::RefCell<Option<ExitMark>> = const { std::cell::RefCell::new(None) };
}

#[test]
fn release_joins_the_threads_then_reports_the_shutdown() {
    let exited = Arc::new(AtomicUsize::new(0));
    let at_shutdown = Arc::new(AtomicUsize::new(usize::MAX));
    let (exited_at_shutdown, seen_by_shutdown) = (at_shutdown.clone(), exited.clone());
    let (shut_tx, shut) = mpsc::channel();
    let resolver = HostResolver::new(ResolverOptions {
        on_shutdown: Some(Box::new(move || {
            exited_at_shutdown.store(seen_by_shutdown.load(Ordering::SeqCst), Ordering::SeqCst);
            let _ = shut_tx.send(());
        })),
        ..ResolverOptions::default()
    });
    let (tx, rx) = mpsc::channel();
    for host in ["localhost", "::1", "127.0.0.1"] {
        let exited = exited.clone();
        let tx = tx.clone();
        let callback: ResolveCallback = Box::new(move |result| {
            EXIT_MARK.with(|m| {
                m.borrow_mut().get_or_insert_with(|| ExitMark(exited));
            });
            let _ = tx.send(thread::current().id());
            assert!(result.is_ok());
        });
        resolver.resolve(host, callback).unwrap();
    }
    let mut threads: Vec<ThreadId> = (0..3).map(|_| rx.recv_timeout(WAIT).unwrap()).collect();
    threads.sort_by_key(|t| format!("{t:?}"));
    threads.dedup();
    drop(resolver);
    shut.recv_timeout(WAIT).expect("the shutdown callback ran");
    assert_eq!(at_shutdown.load(Ordering::SeqCst), threads.len());
}

#[test]
fn a_resolver_that_never_resolved_shuts_down_at_once() {
    let (resolver, shut) = resolver_with(ResolverOptions::default());
    drop(resolver);
    assert!(shut.try_recv().is_ok());
}

#[test]
fn lookups_not_started_at_shutdown_fail_with_host_removed() {
    let (resolver, shut) = resolver_with(ResolverOptions {
        max_threads: 1,
        ..ResolverOptions::default()
    });
    let gate = Arc::new(Barrier::new(2));
    let lookup_gate = gate.clone();
    let (started_tx, started) = mpsc::channel();
    let started_tx = std::sync::Mutex::new(started_tx);
    let blocking = ResolutionConfig {
        lookup: Some(Arc::new(move |_: &str| {
            let _ = started_tx.lock().unwrap().send(());
            lookup_gate.wait();
            Ok(vec![HostAddress::new("10.0.0.1".parse().unwrap())])
        })),
        ..ResolutionConfig::default()
    };
    let (tx, rx) = mpsc::channel();
    resolver
        .resolve_with("first", &blocking, recorder(&tx))
        .unwrap();
    resolver
        .resolve_with("second", &blocking, recorder(&tx))
        .unwrap();
    // The only thread is inside the first lookup; the second waits in the queue.
    started
        .recv_timeout(WAIT)
        .expect("the first lookup started");
    drop(resolver);
    gate.wait();
    let mut results = [next(&rx).result, next(&rx).result];
    results.sort_by_key(|r| r.is_err());
    assert!(results[0].is_ok());
    assert_eq!(results[1], Err(AWS_IO_DNS_HOST_REMOVED_FROM_CACHE as c_int));
    shut.recv_timeout(WAIT).expect("the shutdown callback ran");
}

#[test]
fn dropping_the_resolver_inside_its_callback_does_not_deadlock() {
    let (resolver, shut) = resolver_with(ResolverOptions::default());
    let slot = Arc::new(std::sync::Mutex::new(Some(resolver.clone())));
    let in_callback = slot.clone();
    resolver
        .resolve(
            "127.0.0.1",
            Box::new(move |_| {
                in_callback.lock().unwrap().take();
            }),
        )
        .unwrap();
    drop(resolver);
    shut.recv_timeout(WAIT).expect("the shutdown callback ran");
    assert!(slot.lock().unwrap().is_none());
}

//! Micro-benchmark of the sans-IO codec (issue 4): encode and decode of a QoS 1 PUBLISH with a
//! 64-byte payload (MQTT 3.1.1 and 5), the stream [`Decoder`] fed back-to-back publishes in
//! 64 KiB chunks, and an MQTT 5 CONNECT with properties, a will and credentials.
//!
//! Every case runs in rounds of a calibrated number of calls; the table gives the median and
//! the best round in ns per operation and operations per second, and the heap allocations one
//! operation makes (a counting global allocator wraps the system one). An encode that allocates
//! fails the run.
//!
//! `cargo bench --bench codec [-- FILTER...]` runs the cases whose name contains a FILTER;
//! `-- --list` prints the cases' names and operations per call instead.
//! Environment (all optional):
//! - `CODEC_BENCH_ROUNDS`: rounds per case (default 15);
//! - `CODEC_BENCH_ROUND_MS`: target length of a round when calibrating (default 20);
//! - `CODEC_BENCH_ITERS`: calls per round, fixed, instead of calibrating. With
//!   `CODEC_BENCH_ROUNDS=1` the work done is exactly proportional to it, which is what a
//!   `valgrind --tool=callgrind` run needs (benches/codec-callgrind.sh).

use aws_c_mqtt::codec::{
    self, Connect, Decoder, Packet, Properties, PropertySet, Publish, QoS, Version, Will,
};
use bytes::Bytes;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Allocation counting.
// ---------------------------------------------------------------------------------------------

/// The system allocator, counting allocations and the bytes they ask for.
struct CountingAlloc;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

/// Counts one allocation. The benchmark is single-threaded, so a load and a store (no locked
/// read-modify-write) keep the count exact and cheap.
fn count_allocation(bytes: usize) {
    let n = ALLOCATIONS.load(Ordering::Relaxed);
    ALLOCATIONS.store(n + 1, Ordering::Relaxed);
    let b = ALLOCATED_BYTES.load(Ordering::Relaxed);
    ALLOCATED_BYTES.store(b + bytes as u64, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation(layout.size());
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_allocation(layout.size());
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation(new_size);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Allocations and allocated bytes so far.
fn allocations() -> (u64, u64) {
    (
        ALLOCATIONS.load(Ordering::Relaxed),
        ALLOCATED_BYTES.load(Ordering::Relaxed),
    )
}

// ---------------------------------------------------------------------------------------------
// The packets.
// ---------------------------------------------------------------------------------------------

const TOPIC: &str = "sensors/device-42/temperature";

/// Size of the reads the stream decoder is fed, as a client's read loop would hand them over.
const CHUNK: usize = 64 * 1024;

/// Publishes in the stream the decoder is fed (about 1 MB).
const STREAM_PACKETS: usize = 10_000;

/// A QoS 1 PUBLISH with a 64-byte payload and no properties.
fn publish() -> Packet {
    let payload: Vec<u8> = (0..64u8).map(|i| b'a' + i % 26).collect();
    Packet::Publish(Publish {
        qos: QoS::AtLeastOnce,
        topic: TOPIC.to_owned(),
        packet_id: 4242,
        payload: Bytes::from(payload),
        ..Default::default()
    })
}

/// An MQTT 5 CONNECT with the properties a client typically sends, a will with properties,
/// and a username and password.
fn connect() -> Packet {
    Packet::Connect(Box::new(Connect {
        version: Version::V5,
        clean_start: true,
        keep_alive: 60,
        client_id: "bench-client-0001".to_owned(),
        will: Some(Will {
            topic: "clients/bench-client-0001/status".to_owned(),
            payload: Bytes::from_static(b"offline"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: Properties::from(PropertySet {
                will_delay_interval: Some(30),
                message_expiry_interval: Some(600),
                payload_format_indicator: Some(1),
                content_type: Some("text/plain".to_owned()),
                user_properties: vec![("reason".to_owned(), "lost".to_owned())],
                ..Default::default()
            }),
        }),
        username: Some("bench-user".to_owned()),
        password: Some(Bytes::from_static(b"bench-password")),
        properties: Properties::from(PropertySet {
            session_expiry_interval: Some(3600),
            receive_maximum: Some(100),
            maximum_packet_size: Some(256 * 1024),
            topic_alias_maximum: Some(16),
            user_properties: vec![
                ("app".to_owned(), "codec-bench".to_owned()),
                ("region".to_owned(), "eu-west-1".to_owned()),
            ],
            ..Default::default()
        }),
    }))
}

/// `packet`'s bytes, after checking they decode back to it.
fn bytes_of(packet: &Packet, version: Version) -> Vec<u8> {
    let bytes = codec::encode_to_vec(packet, version).expect("the benchmark packet encodes");
    let (back, size) = codec::decode(&bytes, version)
        .expect("the benchmark packet decodes")
        .expect("the benchmark packet is complete");
    assert_eq!((&back, size), (packet, bytes.len()));
    bytes
}

// ---------------------------------------------------------------------------------------------
// Measuring.
// ---------------------------------------------------------------------------------------------

/// What a case's function does per call.
#[derive(Clone, Copy)]
struct Work {
    /// Operations (packets) per call.
    ops: u64,
    /// Bytes of wire format per call, for cases where throughput in bytes means something.
    bytes: Option<u64>,
}

impl Work {
    fn ops(ops: u64) -> Work {
        Work { ops, bytes: None }
    }

    fn stream(ops: u64, bytes: u64) -> Work {
        Work {
            ops,
            bytes: Some(bytes),
        }
    }
}

/// The figures of one case.
struct Report {
    name: String,
    median_ns: f64,
    min_ns: f64,
    /// Megabytes (10^6) per second in the best round.
    best_mb_per_s: Option<f64>,
    allocs_per_op: f64,
    alloc_bytes_per_op: f64,
}

struct Config {
    rounds: usize,
    round_target: Duration,
    fixed_iters: Option<u64>,
    filters: Vec<String>,
    /// Print each selected case's name and operations per call instead of running it.
    list: bool,
}

impl Config {
    fn from_env() -> Config {
        let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        Config {
            rounds: var("CODEC_BENCH_ROUNDS").unwrap_or(15).max(1) as usize,
            round_target: Duration::from_millis(var("CODEC_BENCH_ROUND_MS").unwrap_or(20)),
            fixed_iters: var("CODEC_BENCH_ITERS").map(|n| n.max(1)),
            // `cargo bench` passes `--bench`; anything else not starting with '-' filters.
            filters: std::env::args()
                .skip(1)
                .filter(|a| !a.starts_with('-'))
                .collect(),
            list: std::env::args().any(|a| a == "--list"),
        }
    }
}

struct Bench {
    config: Config,
    reports: Vec<Report>,
}

impl Bench {
    fn selected(&self, name: &str) -> bool {
        self.config.filters.is_empty() || self.config.filters.iter().any(|f| name.contains(f))
    }

    /// Measures `f`, which does `work` per call.
    fn run(&mut self, name: &str, work: Work, mut f: impl FnMut()) {
        if !self.selected(name) {
            return;
        }
        if self.config.list {
            println!("{name}\t{}", work.ops);
            return;
        }
        // Warm caches, buffers and branch predictors, then count what the calls allocate.
        f();
        let alloc_calls = (1000 / work.ops).max(1);
        let before = allocations();
        for _ in 0..alloc_calls {
            f();
        }
        let after = allocations();
        let ops = (alloc_calls * work.ops) as f64;
        let allocs_per_op = (after.0 - before.0) as f64 / ops;
        let alloc_bytes_per_op = (after.1 - before.1) as f64 / ops;

        let iters = self.config.fixed_iters.unwrap_or_else(|| {
            let mut iters = 1u64;
            while time(iters, &mut f) < self.config.round_target / 2 {
                iters *= 2;
            }
            iters
        });
        let mut per_op: Vec<f64> = (0..self.config.rounds)
            .map(|_| time(iters, &mut f).as_nanos() as f64 / (iters * work.ops) as f64)
            .collect();
        per_op.sort_by(f64::total_cmp);
        let median_ns = per_op[per_op.len() / 2];
        let min_ns = per_op[0];
        self.reports.push(Report {
            name: name.to_owned(),
            median_ns,
            min_ns,
            best_mb_per_s: work
                .bytes
                .map(|b| b as f64 / work.ops as f64 / min_ns * 1e3),
            allocs_per_op,
            alloc_bytes_per_op,
        });
    }

    fn print(&self) {
        println!(
            "{:<42} {:>10} {:>10} {:>11} {:>11} {:>9} {:>9} {:>9}",
            "case",
            "ns/op med",
            "ns/op min",
            "Mops/s med",
            "Mops/s max",
            "MB/s max",
            "allocs/op",
            "B/op"
        );
        for r in &self.reports {
            let mb = r
                .best_mb_per_s
                .map_or("-".to_owned(), |m| format!("{m:.0}"));
            println!(
                "{:<42} {:>10.1} {:>10.1} {:>11.2} {:>11.2} {:>9} {:>9.2} {:>9.1}",
                r.name,
                r.median_ns,
                r.min_ns,
                1e3 / r.median_ns,
                1e3 / r.min_ns,
                mb,
                r.allocs_per_op,
                r.alloc_bytes_per_op
            );
        }
    }
}

/// Time `iters` calls of `f` take.
fn time(iters: u64, f: &mut impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed()
}

// ---------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------

fn version_name(version: Version) -> &'static str {
    match version {
        Version::V311 => "v3.1.1",
        Version::V5 => "v5",
    }
}

/// encoded_len, encode into a reused buffer, and one-shot decode of one packet.
fn packet_cases(bench: &mut Bench, label: &str, packet: &Packet, version: Version) {
    let wire = bytes_of(packet, version);
    bench.run(&format!("{label}: encoded_len"), Work::ops(1), || {
        black_box(codec::encoded_len(black_box(packet), version).unwrap());
    });
    let mut out = vec![0u8; 4096];
    bench.run(
        &format!("{label}: encode into buffer"),
        Work::ops(1),
        || {
            let n = codec::encode(black_box(packet), version, black_box(&mut out[..])).unwrap();
            black_box(n);
        },
    );
    bench.run(&format!("{label}: decode (one-shot)"), Work::ops(1), || {
        let decoded = codec::decode(black_box(&wire), version).unwrap();
        black_box(decoded);
    });
}

/// The stream decoder fed `STREAM_PACKETS` back-to-back publishes in `CHUNK`-byte reads
/// (packets straddle the reads), handing out every whole packet after each read.
fn stream_case(bench: &mut Bench, packet: &Packet, version: Version) {
    let one = bytes_of(packet, version);
    let stream = one.repeat(STREAM_PACKETS);
    let mut decoder = Decoder::new(version);
    let name = format!("publish {}: Decoder, 64 KiB reads", version_name(version));
    let work = Work::stream(STREAM_PACKETS as u64, stream.len() as u64);
    bench.run(&name, work, || {
        let mut packets = 0;
        for chunk in black_box(&stream).chunks(CHUNK) {
            decoder.feed(chunk);
            while let Some(p) = decoder.next_packet().unwrap() {
                black_box(p);
                packets += 1;
            }
        }
        assert_eq!(packets, STREAM_PACKETS);
    });
}

fn main() {
    let mut bench = Bench {
        config: Config::from_env(),
        reports: Vec::new(),
    };
    let publish = publish();
    let connect = connect();
    for version in [Version::V311, Version::V5] {
        let size = codec::encoded_len(&publish, version).unwrap();
        let label = format!("publish {} ({size} B)", version_name(version));
        packet_cases(&mut bench, &label, &publish, version);
    }
    for version in [Version::V311, Version::V5] {
        stream_case(&mut bench, &publish, version);
    }
    let size = codec::encoded_len(&connect, Version::V5).unwrap();
    packet_cases(
        &mut bench,
        &format!("connect v5 ({size} B)"),
        &connect,
        Version::V5,
    );

    if bench.config.list {
        return;
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "codec micro-benchmark: {} rounds per case, {}; load average {}",
        bench.config.rounds,
        bench.config.fixed_iters.map_or_else(
            || format!("rounds of ~{} ms", bench.config.round_target.as_millis()),
            |n| format!("{n} calls per round")
        ),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    bench.print();

    let allocating: Vec<&str> = bench
        .reports
        .iter()
        .filter(|r| r.name.contains(": encode into") && r.allocs_per_op > 0.0)
        .map(|r| r.name.as_str())
        .collect();
    if !allocating.is_empty() {
        eprintln!("encode must not allocate, but these did: {allocating:?}");
        std::process::exit(1);
    }
}

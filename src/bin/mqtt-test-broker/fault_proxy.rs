//! `--fault-forward PORT`: not a broker: the listener is a TCP proxy to a broker on
//! 127.0.0.1:PORT that breaks connections as networks do, seeded so a failure can be replayed.
//!
//! - `--cut-every MIN-MAX`: each connection is cut after a number of bytes (both directions
//!   together) drawn between MIN and MAX, wherever that falls (inside a packet, usually); the
//!   cut is logged (event `fault_cut`, field `bytes`);
//! - `--fault-reset`: cut with a TCP reset instead of a FIN;
//! - `--fault-delay-ms N`: hold each chunk N ms before passing it on;
//! - `--fault-seed N`: the seed (default 1); connection n draws from seed and n.

use crate::broker::Shared;
use crate::log::Origin;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What `--fault-*` asked for.
#[derive(Clone, Debug)]
pub struct FaultOptions {
    /// The broker's port on 127.0.0.1.
    pub forward_port: u16,
    /// Cut each connection after between this many bytes (inclusive bounds).
    pub cut_every: Option<(u64, u64)>,
    /// Cut with a reset rather than a FIN.
    pub reset: bool,
    /// Hold each chunk this long.
    pub delay: Duration,
    /// The seed of the cuts.
    pub seed: u64,
}

/// A small seeded generator (xorshift64*): the cuts of a seed are the same on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, connection: u64) -> Rng {
        Rng((seed ^ connection.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn between(&mut self, (min, max): (u64, u64)) -> u64 {
        min + self.next() % (max - min + 1)
    }
}

/// Parses `MIN-MAX` (or a single number).
pub fn parse_range(text: &str) -> Result<(u64, u64), String> {
    let (min, max) = text.split_once('-').unwrap_or((text, text));
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("not a byte count: {s:?}"))
    };
    let (min, max) = (number(min)?, number(max)?);
    if min == 0 || min > max {
        return Err(format!("not a range of byte counts: {text:?}"));
    }
    Ok((min, max))
}

/// Serves one connection: forwards both ways until either side ends or the cut comes.
pub fn serve(client: TcpStream, options: &FaultOptions, shared: Arc<Shared>, number: u64) {
    let origin = || Origin {
        conn: number,
        client_id: None,
    };
    let reason = match forward(&client, options, number) {
        Ok(Some(bytes)) => {
            shared.log.event(origin(), "fault_cut", |o| {
                o.num("bytes", bytes);
            });
            format!("cut after {bytes} bytes")
        }
        Ok(None) => "a side closed".into(),
        Err(e) => format!("fault proxy: {e}"),
    };
    if options.reset {
        // Closed with a zero linger, the socket sends a reset (when the thread drops it).
        let _ = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
    } else {
        let _ = client.shutdown(Shutdown::Both);
    }
    shared.log.event(origin(), "close", |o| {
        o.str("reason", &reason).bool("will", false);
    });
}

/// Moves bytes until a side closes (`None`) or the cut (`Some(bytes moved)`). One thread per
/// direction: with one thread for both, a write blocked toward one side (its buffers full)
/// stops the reads from the other, and the two ends can wait on each other until a keep-alive
/// gives up.
fn forward(client: &TcpStream, options: &FaultOptions, number: u64) -> io::Result<Option<u64>> {
    let broker = TcpStream::connect(("127.0.0.1", options.forward_port))?;
    broker.set_nodelay(true)?;
    let mut rng = Rng::new(options.seed, number);
    let cut_at = options.cut_every.map(|range| rng.between(range));
    let moved = Mutex::new((0u64, None::<u64>));
    let ends = [
        (client.try_clone()?, broker.try_clone()?),
        (broker.try_clone()?, client.try_clone()?),
    ];
    std::thread::scope(|scope| {
        for (from, to) in ends {
            let (moved, broker, client) = (&moved, &broker, client);
            scope.spawn(move || {
                pump(from, to, options, cut_at, moved);
                // Either direction ending ends both: the other thread's blocking call returns.
                let _ = broker.shutdown(Shutdown::Both);
                let _ = client.shutdown(Shutdown::Read);
            });
        }
    });
    Ok(lock(&moved).1)
}

/// One direction: reads from `from` and writes to `to` until either ends or the cut comes
/// (recorded in `moved`: bytes moved both ways, and the cut's count once it came).
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    options: &FaultOptions,
    cut_at: Option<u64>,
    moved: &Mutex<(u64, Option<u64>)>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if !options.delay.is_zero() {
            std::thread::sleep(options.delay);
        }
        // The last chunk before the cut goes out in part: the cut falls where it falls.
        let (room, cut) = {
            let mut m = lock(moved);
            if m.1.is_some() {
                return;
            }
            let room = cut_at.map_or(n as u64, |at| (at - m.0).min(n as u64));
            m.0 += room;
            if cut_at == Some(m.0) {
                m.1 = Some(m.0);
            }
            (room, m.1.is_some())
        };
        if to.write_all(&buf[..room as usize]).is_err() || cut {
            return;
        }
    }
}

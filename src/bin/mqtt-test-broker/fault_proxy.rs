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
use std::sync::Arc;
use std::time::Duration;

/// How long each side's read waits before the other side gets its turn.
const TURN: Duration = Duration::from_millis(2);

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

fn quiet(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
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

/// Moves bytes until a side closes (`None`) or the cut (`Some(bytes moved)`).
fn forward(client: &TcpStream, options: &FaultOptions, number: u64) -> io::Result<Option<u64>> {
    let broker = TcpStream::connect(("127.0.0.1", options.forward_port))?;
    broker.set_nodelay(true)?;
    broker.set_read_timeout(Some(TURN))?;
    client.set_read_timeout(Some(TURN))?;
    let mut rng = Rng::new(options.seed, number);
    let cut_at = options.cut_every.map(|range| rng.between(range));
    let mut moved = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    let mut ends = [(client, &broker), (&broker, client)];
    loop {
        for (from, to) in &mut ends {
            let n = match (&**from).read(&mut buf) {
                Ok(0) => {
                    let _ = broker.shutdown(Shutdown::Both);
                    return Ok(None);
                }
                Ok(n) => n,
                Err(e) if quiet(&e) => continue,
                Err(e) => return Err(e),
            };
            if !options.delay.is_zero() {
                std::thread::sleep(options.delay);
            }
            // The last chunk before the cut goes out in part: the cut falls where it falls.
            let room = cut_at.map_or(n as u64, |at| (at - moved).min(n as u64));
            (&**to).write_all(&buf[..room as usize])?;
            moved += room;
            if cut_at == Some(moved) {
                let _ = broker.shutdown(Shutdown::Both);
                return Ok(Some(moved));
            }
        }
    }
}

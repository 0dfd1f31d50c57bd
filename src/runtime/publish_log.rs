//! A durable log of a client's in-flight state (issue 19's persistence, the file store): the
//! encoded QoS 1 and 2 publishes accepted and not yet finished, with the packet id each was sent
//! under, and the QoS 2 publishes received and not yet released, so a restarted process can
//! resend the first (with their packet ids) and not deliver the second twice. It is the
//! [`Store`] a client gets from a store directory.
//!
//! One append-only file, `publish.log`, in the store directory. Each record is
//! `[body length: u32 LE][checksum: 8 bytes][body]`, the body a kind byte and its fields (see
//! [`Record`]). The checksum is the first 8 bytes of the body's SHA-256 (ring, already a
//! dependency; no CRC crate is). Opening replays the file: the first record that is short or
//! whose checksum does not match ends it, and the file is cut there (a torn write or a corrupt
//! tail is dropped, never fatal). When the records no longer live outnumber the live ones (and
//! the file passed 64 KiB), the live state is written to a new file that replaces the old one
//! (write, sync, rename). Memory: the packets stay on disk; the log keeps where each one is.

use crate::client::journal::{Recovered, Store, StoredPublish};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// When appended records reach the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fsync {
    /// After every record: nothing accepted is lost.
    Always,
    /// At most this long after a record (the client's timer calls [`Store::flush`]).
    Every(Duration),
    /// When the operating system decides.
    Never,
}

/// One change of the in-flight state, as the file holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record<'a> {
    /// A QoS 1 or 2 publish accepted under `record`, encoded.
    /// (Borrowed when appended or replayed: the packet is copied into the file or read from it,
    /// never into the record.)
    Accepted { record: u64, packet: Cow<'a, [u8]> },
    /// It was sent under `packet_id`; `released`: its PUBREC arrived.
    Progressed {
        record: u64,
        packet_id: u16,
        released: bool,
    },
    /// It finished (acknowledged or failed): it is not to be resent.
    Settled { record: u64 },
    /// A QoS 2 publish received and delivered under `packet_id`.
    ReceivedQos2 { packet_id: u16 },
    /// Its PUBREL: the id may deliver a new message.
    ReleasedQos2 { packet_id: u16 },
    /// A new session: no received QoS 2 publish is pending.
    ClearedQos2,
}

const ACCEPTED: u8 = 1;
const PROGRESSED: u8 = 2;
const SETTLED: u8 = 3;
const RECEIVED_QOS2: u8 = 4;
const RELEASED_QOS2: u8 = 5;
const CLEARED_QOS2: u8 = 6;
const HEADER: usize = 12;
const COMPACT_AFTER_BYTES: u64 = 64 * 1024;
/// A body longer than this is corrupt (an MQTT packet is at most 256 MiB).
const MAX_BODY: usize = (256 << 20) + 16;

/// A live publish: where its packet is in the file, and how far it got.
#[derive(Clone, Copy, Debug)]
struct Entry {
    packet_id: u16,
    released: bool,
    offset: u64,
    len: u32,
}

/// The live state, as replay and appends keep it.
#[derive(Default)]
struct State {
    publishes: BTreeMap<u64, Entry>,
    incoming_qos2: BTreeSet<u16>,
    /// Records in the file.
    records: u64,
}

impl State {
    /// Applies `record`, whose body starts at `body_at` in the file.
    fn apply(&mut self, record: &Record, body_at: u64) {
        self.records += 1;
        match record {
            Record::Accepted { record, packet } => {
                let entry = Entry {
                    packet_id: 0,
                    released: false,
                    offset: body_at + 9,
                    len: packet.len() as u32,
                };
                self.publishes.insert(*record, entry);
            }
            Record::Progressed {
                record,
                packet_id,
                released,
            } => {
                if let Some(entry) = self.publishes.get_mut(record) {
                    entry.packet_id = *packet_id;
                    entry.released = *released;
                }
            }
            Record::Settled { record } => {
                self.publishes.remove(record);
            }
            Record::ReceivedQos2 { packet_id } => {
                self.incoming_qos2.insert(*packet_id);
            }
            Record::ReleasedQos2 { packet_id } => {
                self.incoming_qos2.remove(packet_id);
            }
            Record::ClearedQos2 => self.incoming_qos2.clear(),
        }
    }

    fn live(&self) -> u64 {
        (self.publishes.len() * 2 + self.incoming_qos2.len()) as u64
    }
}

/// The log, open for appending.
pub struct PublishLog {
    path: PathBuf,
    file: File,
    len: u64,
    fsync: Fsync,
    unsynced_since: Option<Instant>,
    state: State,
}

fn checksum(body: &[u8]) -> [u8; 8] {
    let digest = ring::digest::digest(&ring::digest::SHA256, body);
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest.as_ref()[..8]);
    out
}

/// Appends `record` to `out`; returns where its body starts in `out`.
fn encode(record: &Record, out: &mut Vec<u8>) -> usize {
    let mut body = Vec::with_capacity(16);
    let packet: &[u8] = match record {
        Record::Accepted { record, packet } => {
            body.push(ACCEPTED);
            body.extend_from_slice(&record.to_be_bytes());
            packet
        }
        Record::Progressed {
            record,
            packet_id,
            released,
        } => {
            body.push(PROGRESSED);
            body.extend_from_slice(&record.to_be_bytes());
            body.extend_from_slice(&packet_id.to_be_bytes());
            body.push(u8::from(*released));
            &[]
        }
        Record::Settled { record } => {
            body.push(SETTLED);
            body.extend_from_slice(&record.to_be_bytes());
            &[]
        }
        Record::ReceivedQos2 { packet_id } | Record::ReleasedQos2 { packet_id } => {
            let kind = match record {
                Record::ReceivedQos2 { .. } => RECEIVED_QOS2,
                _ => RELEASED_QOS2,
            };
            body.push(kind);
            body.extend_from_slice(&packet_id.to_be_bytes());
            &[]
        }
        Record::ClearedQos2 => {
            body.push(CLEARED_QOS2);
            &[]
        }
    };
    let mut sum = ring::digest::Context::new(&ring::digest::SHA256);
    sum.update(&body);
    sum.update(packet);
    let digest = sum.finish();
    out.extend_from_slice(&((body.len() + packet.len()) as u32).to_le_bytes());
    out.extend_from_slice(&digest.as_ref()[..8]);
    let at = out.len();
    out.extend_from_slice(&body);
    out.extend_from_slice(packet);
    at
}

/// The record at the start of `bytes` and its length; `None` when short, corrupt or unknown.
fn decode(bytes: &[u8]) -> Option<(Record<'_>, usize)> {
    let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    if !(1..=MAX_BODY).contains(&len) {
        return None;
    }
    let body = bytes.get(HEADER..HEADER + len)?;
    if bytes[4..HEADER] != checksum(body) {
        return None;
    }
    let record = || Some(u64::from_be_bytes(body.get(1..9)?.try_into().ok()?));
    let id_at = |at: usize| Some(u16::from_be_bytes(body.get(at..at + 2)?.try_into().ok()?));
    let record = match body[0] {
        ACCEPTED => Record::Accepted {
            record: record()?,
            packet: Cow::Borrowed(body.get(9..)?),
        },
        PROGRESSED => Record::Progressed {
            record: record()?,
            packet_id: id_at(9)?,
            released: *body.get(11)? != 0,
        },
        SETTLED => Record::Settled { record: record()? },
        RECEIVED_QOS2 => Record::ReceivedQos2 {
            packet_id: id_at(1)?,
        },
        RELEASED_QOS2 => Record::ReleasedQos2 {
            packet_id: id_at(1)?,
        },
        CLEARED_QOS2 => Record::ClearedQos2,
        _ => return None,
    };
    Some((record, HEADER + len))
}

impl PublishLog {
    /// The log file of a store directory.
    pub fn file_in(dir: &Path) -> PathBuf {
        dir.join("publish.log")
    }

    /// Opens (or creates) the log in `dir`, replays it and cuts off a torn or corrupt tail.
    pub fn open(dir: &Path, fsync: Fsync) -> io::Result<(PublishLog, Recovered)> {
        std::fs::create_dir_all(dir)?;
        let path = Self::file_in(dir);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        let on_disk = file.metadata()?.len();
        let mut bytes = Vec::new();
        // A special file (a test's /dev/full) reads without end: read what its length says.
        (&mut file).take(on_disk).read_to_end(&mut bytes)?;
        let mut state = State::default();
        let mut at = 0;
        while let Some((record, used)) = decode(&bytes[at..]) {
            state.apply(&record, (at + HEADER) as u64);
            at += used;
        }
        let dropped_tail_bytes = (bytes.len() - at) as u64;
        if dropped_tail_bytes > 0 {
            file.set_len(at as u64)?;
            file.sync_all()?;
        }
        let publishes = state
            .publishes
            .iter()
            .map(|(&record, e)| StoredPublish {
                record,
                packet_id: e.packet_id,
                released: e.released,
                packet: bytes[e.offset as usize..][..e.len as usize].to_vec(),
            })
            .collect();
        let recovered = Recovered {
            publishes,
            incoming_qos2: state.incoming_qos2.iter().copied().collect(),
            dropped_tail_bytes,
        };
        let log = PublishLog {
            path,
            file,
            len: at as u64,
            fsync,
            unsynced_since: None,
            state,
        };
        Ok((log, recovered))
    }

    /// Appends `record`, synced as the policy says; compacts the file when most of it is dead.
    /// An error (a full disk) leaves the state as it was: the caller fails what it logged.
    pub fn append(&mut self, record: &Record) -> io::Result<()> {
        let mut bytes = Vec::new();
        let body_at = encode(record, &mut bytes);
        if let Err(e) = self.file.write_all(&bytes) {
            // Whatever part was written is a torn tail: cut it, so later records stay readable.
            let _ = self.file.set_len(self.len);
            return Err(e);
        }
        self.state.apply(record, self.len + body_at as u64);
        self.len += bytes.len() as u64;
        self.sync_as_due()?;
        let dead = self.state.records.saturating_sub(self.state.live());
        if self.len > COMPACT_AFTER_BYTES && dead > self.state.live() {
            self.compact()?;
        }
        Ok(())
    }

    /// Syncs now if the policy wants it.
    fn sync_as_due(&mut self) -> io::Result<()> {
        match self.fsync {
            Fsync::Always => self.file.sync_data(),
            Fsync::Never => Ok(()),
            Fsync::Every(interval) => {
                let since = *self.unsynced_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= interval {
                    self.sync()
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Syncs what was appended since the last sync.
    fn sync(&mut self) -> io::Result<()> {
        if self.unsynced_since.take().is_some() {
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// Writes the live records to a new file and puts it in the old one's place.
    pub fn compact(&mut self) -> io::Result<()> {
        let mut bytes = Vec::new();
        let mut publishes = BTreeMap::new();
        for (&record, entry) in &self.state.publishes {
            let mut packet = vec![0; entry.len as usize];
            self.file.read_exact_at(&mut packet, entry.offset)?;
            let packet = Cow::Owned(packet);
            let at = encode(&Record::Accepted { record, packet }, &mut bytes);
            let moved = Entry {
                offset: (at + 9) as u64,
                ..*entry
            };
            publishes.insert(record, moved);
            if entry.packet_id != 0 {
                let progressed = Record::Progressed {
                    record,
                    packet_id: entry.packet_id,
                    released: entry.released,
                };
                encode(&progressed, &mut bytes);
            }
        }
        for &packet_id in &self.state.incoming_qos2 {
            encode(&Record::ReceivedQos2 { packet_id }, &mut bytes);
        }
        let fresh = self.path.with_extension("log.new");
        let mut file = File::create(&fresh)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&fresh, &self.path)?;
        if let Some(dir) = self.path.parent() {
            // The rename itself must reach the disk.
            File::open(dir)?.sync_all()?;
        }
        self.file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&self.path)?;
        self.len = bytes.len() as u64;
        self.state.publishes = publishes;
        self.state.records = self.state.live();
        self.unsynced_since = None;
        Ok(())
    }

    /// The file's length.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when the file holds no record.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Store for PublishLog {
    fn accepted(&mut self, record: u64, packet: &[u8]) -> io::Result<()> {
        let packet = Cow::Borrowed(packet);
        self.append(&Record::Accepted { record, packet })
    }

    fn progressed(&mut self, record: u64, packet_id: u16, released: bool) -> io::Result<()> {
        self.append(&Record::Progressed {
            record,
            packet_id,
            released,
        })
    }

    fn settled(&mut self, record: u64) -> io::Result<()> {
        self.append(&Record::Settled { record })
    }

    fn received_qos2(&mut self, packet_id: u16) -> io::Result<()> {
        self.append(&Record::ReceivedQos2 { packet_id })
    }

    fn released_qos2(&mut self, packet_id: u16) -> io::Result<()> {
        self.append(&Record::ReleasedQos2 { packet_id })
    }

    fn cleared_qos2(&mut self) -> io::Result<()> {
        self.append(&Record::ClearedQos2)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sync()
    }
}

#[cfg(test)]
#[path = "publish_log_tests.rs"]
mod tests;

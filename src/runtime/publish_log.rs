//! A durable log of a client's in-flight state (issue 19's persistence, the storage half): the
//! encoded QoS 1 and 2 publishes sent and not yet acknowledged, and the QoS 2 publishes received
//! and not yet released, so a restarted process can resend the first (with their packet ids)
//! and not deliver the second twice.
//!
//! One append-only file, `publish.log`, in the store directory. Each record is
//! `[body length: u32 LE][checksum: 8 bytes][body]`, the body `[kind: u8][packet id: u16 BE]`
//! then, for a publish, its encoded packet. The checksum is the first 8 bytes of the body's
//! SHA-256 (ring, already a dependency; no CRC crate is). Opening replays the file: the first
//! record that is short or whose checksum does not match ends it, and the file is cut there (a
//! torn write or a corrupt tail is dropped, never fatal). When the records no longer live
//! outnumber the live ones (and the file passed 64 KiB), the live state is written to a new file
//! that replaces the old one (write, sync, rename).
//!
//! Not wired into the clients yet: the engines do not call it (see the note).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// When appended records reach the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fsync {
    /// After every record: nothing accepted is lost.
    Always,
    /// At most this long after a record.
    Every(Duration),
    /// When the operating system decides.
    Never,
}

/// One change of the in-flight state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// A QoS 1 or 2 publish accepted under `packet_id`, encoded.
    Publish { packet_id: u16, packet: Vec<u8> },
    /// Its acknowledgement (PUBACK, PUBCOMP) or its failure: it is not to be resent.
    Acked { packet_id: u16 },
    /// A QoS 2 publish received and delivered under `packet_id`: a resend is not delivered again.
    IncomingQos2 { packet_id: u16 },
    /// Its PUBREL: the id may deliver a new message.
    Released { packet_id: u16 },
}

const PUBLISH: u8 = 1;
const ACKED: u8 = 2;
const INCOMING_QOS2: u8 = 3;
const RELEASED: u8 = 4;
const HEADER: usize = 12;
const COMPACT_AFTER_BYTES: u64 = 64 * 1024;
/// A body longer than this is corrupt (an MQTT packet is at most 256 MiB).
const MAX_BODY: usize = (256 << 20) + 3;

/// What the log held when it was opened.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// The publishes to resend, in the order they were first accepted, with their packet ids.
    pub unacked: Vec<(u16, Vec<u8>)>,
    /// The received QoS 2 publishes not yet released.
    pub incoming_qos2: Vec<u16>,
    /// Bytes of a torn or corrupt tail that were cut off.
    pub dropped_tail_bytes: u64,
}

/// The live state, as replay and appends keep it.
#[derive(Default)]
struct State {
    /// Sequence number → (packet id, packet): accepted order.
    unacked: BTreeMap<u64, (u16, Vec<u8>)>,
    /// Packet id → its sequence number in `unacked`.
    by_id: HashMap<u16, u64>,
    incoming_qos2: BTreeSet<u16>,
    next_sequence: u64,
    /// Records in the file, and how many of them are still live.
    records: u64,
}

impl State {
    fn apply(&mut self, record: &Record) {
        self.records += 1;
        match record {
            Record::Publish { packet_id, packet } => {
                if let Some(old) = self.by_id.remove(packet_id) {
                    self.unacked.remove(&old);
                }
                let sequence = self.next_sequence;
                self.next_sequence += 1;
                self.unacked.insert(sequence, (*packet_id, packet.clone()));
                self.by_id.insert(*packet_id, sequence);
            }
            Record::Acked { packet_id } => {
                if let Some(sequence) = self.by_id.remove(packet_id) {
                    self.unacked.remove(&sequence);
                }
            }
            Record::IncomingQos2 { packet_id } => {
                self.incoming_qos2.insert(*packet_id);
            }
            Record::Released { packet_id } => {
                self.incoming_qos2.remove(packet_id);
            }
        }
    }

    fn live(&self) -> u64 {
        (self.unacked.len() + self.incoming_qos2.len()) as u64
    }

    /// The records that rebuild this state.
    fn records(&self) -> Vec<Record> {
        let publishes = self.unacked.values().map(|(id, packet)| Record::Publish {
            packet_id: *id,
            packet: packet.clone(),
        });
        let incoming = self
            .incoming_qos2
            .iter()
            .map(|&packet_id| Record::IncomingQos2 { packet_id });
        publishes.chain(incoming).collect()
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

fn encode(record: &Record, out: &mut Vec<u8>) {
    let (kind, packet_id, packet): (u8, u16, &[u8]) = match record {
        Record::Publish { packet_id, packet } => (PUBLISH, *packet_id, packet),
        Record::Acked { packet_id } => (ACKED, *packet_id, &[]),
        Record::IncomingQos2 { packet_id } => (INCOMING_QOS2, *packet_id, &[]),
        Record::Released { packet_id } => (RELEASED, *packet_id, &[]),
    };
    let mut body = Vec::with_capacity(3 + packet.len());
    body.push(kind);
    body.extend_from_slice(&packet_id.to_be_bytes());
    body.extend_from_slice(packet);
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&checksum(&body));
    out.extend_from_slice(&body);
}

/// The record at the start of `bytes` and its length; `None` when short, corrupt or unknown.
fn decode(bytes: &[u8]) -> Option<(Record, usize)> {
    let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    if !(3..=MAX_BODY).contains(&len) {
        return None;
    }
    let body = bytes.get(HEADER..HEADER + len)?;
    if bytes[4..HEADER] != checksum(body) {
        return None;
    }
    let packet_id = u16::from_be_bytes([body[1], body[2]]);
    let record = match body[0] {
        PUBLISH => Record::Publish {
            packet_id,
            packet: body[3..].to_vec(),
        },
        ACKED => Record::Acked { packet_id },
        INCOMING_QOS2 => Record::IncomingQos2 { packet_id },
        RELEASED => Record::Released { packet_id },
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
            state.apply(&record);
            at += used;
        }
        let dropped_tail_bytes = (bytes.len() - at) as u64;
        if dropped_tail_bytes > 0 {
            file.set_len(at as u64)?;
            file.sync_all()?;
        }
        let recovered = Recovered {
            unacked: state.unacked.values().cloned().collect(),
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
        encode(record, &mut bytes);
        if let Err(e) = self.file.write_all(&bytes) {
            // Whatever part was written is a torn tail: cut it, so later records stay readable.
            let _ = self.file.set_len(self.len);
            return Err(e);
        }
        self.len += bytes.len() as u64;
        self.state.apply(record);
        self.sync_as_due()?;
        let dead = self.state.records - self.state.live();
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
                    self.unsynced_since = None;
                    self.file.sync_data()
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Writes the live records to a new file and puts it in the old one's place.
    pub fn compact(&mut self) -> io::Result<()> {
        let records = self.state.records();
        let mut bytes = Vec::new();
        for record in &records {
            encode(record, &mut bytes);
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
        self.file = OpenOptions::new().append(true).open(&self.path)?;
        self.len = bytes.len() as u64;
        self.state.records = records.len() as u64;
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

#[cfg(test)]
#[path = "publish_log_tests.rs"]
mod tests;

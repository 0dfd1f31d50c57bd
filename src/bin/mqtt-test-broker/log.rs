//! The packet log: one JSON object per line (JSON Lines) for every packet received (`"dir":"in"`)
//! and sent (`"dir":"out"`), raw bytes written on demand (`"type":"RAW"`), input that does not
//! decode (`"type":"MALFORMED"`), and connection events (`"dir":"event"`: accept, close,
//! will, dropped, tls_handshake, tls_handshake_failed). Each line carries `conn` (the connection's number, from 1 in accept order),
//! `client_id` once the CONNECT is known, and `ms` (milliseconds since the broker started).

use crate::describe;
use crate::json::JsonObject;
use aws_c_mqtt::codec::Packet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// Which way a logged packet travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Received from the client.
    In,
    /// Sent to the client.
    Out,
}

/// Where log lines go; lines from all connection threads are written whole, one at a time.
pub struct Log {
    sink: Mutex<Box<dyn Write + Send>>,
    start: Instant,
}

/// The connection a log line is about.
#[derive(Clone, Copy)]
pub struct Origin<'a> {
    /// The connection's number.
    pub conn: u64,
    /// The client identifier in use, once known.
    pub client_id: Option<&'a str>,
}

impl Log {
    /// A log to `path`, or to stderr without one.
    pub fn open(path: Option<&Path>) -> io::Result<Log> {
        let sink: Box<dyn Write + Send> = match path {
            Some(p) => Box::new(BufWriter::new(File::create(p)?)),
            None => Box::new(io::stderr()),
        };
        Ok(Log {
            sink: Mutex::new(sink),
            start: Instant::now(),
        })
    }

    fn object(&self, dir: &str, origin: Origin<'_>) -> JsonObject {
        let mut o = JsonObject::new();
        o.str("dir", dir).num("conn", origin.conn);
        if let Some(id) = origin.client_id {
            o.str("client_id", id);
        }
        o
    }

    fn write(&self, mut o: JsonObject) {
        o.num("ms", self.start.elapsed().as_millis() as u64);
        let mut line = o.finish();
        line.push('\n');
        let mut sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
        let _ = sink.write_all(line.as_bytes());
        let _ = sink.flush();
    }

    /// Logs a packet received or sent.
    pub fn packet(&self, dir: Direction, origin: Origin<'_>, packet: &Packet) {
        let mut o = self.object(if dir == Direction::In { "in" } else { "out" }, origin);
        describe::packet(&mut o, packet);
        self.write(o);
    }

    /// Logs raw bytes sent on demand (`--send-raw-*`).
    pub fn raw(&self, origin: Origin<'_>, bytes: &[u8]) {
        let mut o = self.object("out", origin);
        o.str("type", "RAW").hex("hex", bytes);
        self.write(o);
    }

    /// Logs received bytes that are not a valid packet.
    pub fn malformed(&self, origin: Origin<'_>, error: &str) {
        let mut o = self.object("in", origin);
        o.str("type", "MALFORMED").str("error", error);
        self.write(o);
    }

    /// Logs an event; `fields` adds its details.
    pub fn event(&self, origin: Origin<'_>, event: &str, fields: impl FnOnce(&mut JsonObject)) {
        let mut o = self.object("event", origin);
        o.str("event", event);
        fields(&mut o);
        self.write(o);
    }
}

//! The byte stream a connection runs over: plain TCP, or TLS over it ([`crate::tls`]: a rustls
//! [`ServerConnection`] over the `TcpStream`, as a [`StreamOwned`]).

use rustls::{ServerConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// How long the TLS close_notify alert may take to write when a connection closes.
const CLOSE_NOTIFY_TIMEOUT: Duration = Duration::from_secs(1);

/// A connection's stream: blocking reads and writes, reads bounded by a timeout so that the
/// connection's thread can run its timers and deliver queued messages between reads.
pub trait Transport: Read + Write + Send + 'static {
    /// Bounds how long a read waits before failing with `WouldBlock` or `TimedOut`.
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()>;

    /// Closes both directions now: the peer sees the end of the stream.
    fn shutdown(&mut self);

    /// The TCP socket beneath.
    fn tcp(&self) -> &TcpStream;
}

impl Transport for TcpStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }

    fn shutdown(&mut self) {
        let _ = TcpStream::shutdown(self, Shutdown::Both);
    }

    fn tcp(&self) -> &TcpStream {
        self
    }
}

/// TLS: reads time out on the socket (a partial TLS record stays buffered in the connection
/// for the next read); a close sends close_notify first.
impl Transport for StreamOwned<ServerConnection, TcpStream> {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.sock.set_read_timeout(timeout)
    }

    fn shutdown(&mut self) {
        self.conn.send_close_notify();
        let _ = self.sock.set_write_timeout(Some(CLOSE_NOTIFY_TIMEOUT));
        while self.conn.wants_write() {
            if !matches!(self.conn.write_tls(&mut self.sock), Ok(n) if n > 0) {
                break;
            }
        }
        let _ = self.sock.shutdown(Shutdown::Both);
    }

    fn tcp(&self) -> &TcpStream {
        &self.sock
    }
}

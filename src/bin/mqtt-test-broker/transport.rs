//! The byte stream a connection runs over. Plain TCP today; this trait is the seam where TLS
//! (rustls, once the crate depends on it) will plug in: a TLS stream over a `TcpStream` can
//! forward both methods to its socket.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// A connection's stream: blocking reads and writes, reads bounded by a timeout so that the
/// connection's thread can run its timers and deliver queued messages between reads.
pub trait Transport: Read + Write + Send + 'static {
    /// Bounds how long a read waits before failing with `WouldBlock` or `TimedOut`.
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()>;

    /// Closes both directions now: the peer sees the end of the stream.
    fn shutdown(&self);
}

impl Transport for TcpStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }

    fn shutdown(&self) {
        let _ = TcpStream::shutdown(self, Shutdown::Both);
    }
}

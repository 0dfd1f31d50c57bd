//! The transport interface: one non-blocking, readiness-driven byte stream, whatever lies below
//! it (a TCP or Unix socket, TLS over one of those, later an HTTP proxy or WebSocket layer).
//!
//! A client registers [`Transport::source`] with its loop for [`Transport::interest`], and on
//! each event reads until `WouldBlock` (mio is edge-triggered; or to a short read where
//! [`Transport::short_read_drains`] allows it), writes what it has, and calls
//! [`Transport::flush`] while the transport holds bytes for the layer below; it re-registers
//! when the interest changes. A layer holds at most a bounded amount of data (TLS: one receive
//! buffer and [`SEND_BUFFER_LIMIT`](super::tls::SEND_BUFFER_LIMIT) of ciphertext); a write it
//! cannot take now is `WouldBlock`, never an unbounded queue.
//!
//! Errors are `io::Error`s; [`error_code`] turns one into upstream's aws error code (a TLS
//! failure travels inside the `io::Error` as its [`TlsError`]).

use crate::error::aws_io_errors::AWS_IO_SOCKET_CLOSED;
use crate::transport::tcp::{SocketStream, socket_error};
use crate::transport::tls::TlsError;
use std::ffi::c_int;
use std::io::{self, Read, Write};

/// A non-blocking byte stream driven by readiness.
pub trait Transport: Send {
    /// Reads received bytes into `buf`: `Ok(0)` at the end of the stream, `WouldBlock` when
    /// nothing is there now.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;

    /// Takes a prefix of `buf` to send: `WouldBlock` when nothing can be taken now (flush, wait
    /// for writability, retry).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize>;

    /// Pushes bytes the transport holds toward the socket: `Ok(true)` once none is left.
    fn flush(&mut self) -> io::Result<bool>;

    /// Starts a clean close of the sending side (a TLS close_notify, a TCP FIN).
    fn shutdown(&mut self) -> io::Result<()>;

    /// Why the stream ended, once `read` returned `Ok(0)`: upstream's socket reports the end of
    /// a TCP stream as `AWS_IO_SOCKET_CLOSED`; a clean close above it (a TLS close_notify, a
    /// WebSocket close) ends the connection without an error code.
    fn end_error(&self) -> Option<c_int> {
        Some(AWS_IO_SOCKET_CLOSED as c_int)
    }

    /// What to watch the socket for now: readable always, writable while bytes wait below.
    fn interest(&self) -> mio::Interest;

    /// Whether a read that filled less than its buffer left nothing to read until the next
    /// readable event, so the reader may stop there instead of reading on to `WouldBlock`. A
    /// layer that holds bytes of its own (TLS records, a WebSocket frame, a proxy's leftover)
    /// cannot promise it; a socket under an edge-triggered selector can (the kernel queue was
    /// empty when the read returned, and anything arriving later raises a new event).
    fn short_read_drains(&self) -> bool {
        false
    }

    /// The socket to register with the event loop.
    fn source(&mut self) -> &mut dyn mio::event::Source;
}

/// A layer's failure that has an aws error code of its own (a WebSocket protocol error), carried
/// inside an `io::Error`.
#[derive(Debug)]
pub struct CodedError(pub c_int);

impl std::fmt::Display for CodedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "aws error {}", self.0)
    }
}

impl std::error::Error for CodedError {}

/// An `io::Error` that [`error_code`] turns into `code`.
pub fn coded(code: c_int) -> io::Error {
    io::Error::other(CodedError(code))
}

/// Upstream's aws error code for a transport error.
pub fn error_code(e: &io::Error) -> c_int {
    let inner = e.get_ref();
    if let Some(tls) = inner.and_then(|i| i.downcast_ref::<TlsError>()) {
        return tls.code();
    }
    match inner.and_then(|i| i.downcast_ref::<CodedError>()) {
        Some(CodedError(code)) => *code,
        None => socket_error(e),
    }
}

/// Writes `bytes[*sent..]` until the transport would block (advancing `sent`), then pushes what
/// the transport holds toward the socket: how a layer's opening request goes out.
pub fn send_pending<T: Transport + ?Sized>(
    t: &mut T,
    bytes: &[u8],
    sent: &mut usize,
) -> io::Result<()> {
    while *sent < bytes.len() {
        match t.write(&bytes[*sent..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => *sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    match t.flush() {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
        Err(e) => Err(e),
    }
}

/// A [`Transport`] seen as an `io::Write`, for code that writes to a sink (rustls).
pub struct WriteTo<'a, T: Transport + ?Sized>(pub &'a mut T);

impl<T: Transport + ?Sized> Write for WriteTo<'_, T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map(drop)
    }
}

/// A stack of layers chosen at run time is itself a layer to build on.
impl Transport for Box<dyn Transport> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (**self).read(buf)
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (**self).write(buf)
    }

    fn flush(&mut self) -> io::Result<bool> {
        (**self).flush()
    }

    fn shutdown(&mut self) -> io::Result<()> {
        (**self).shutdown()
    }

    fn end_error(&self) -> Option<c_int> {
        (**self).end_error()
    }

    fn interest(&self) -> mio::Interest {
        (**self).interest()
    }

    fn short_read_drains(&self) -> bool {
        (**self).short_read_drains()
    }

    fn source(&mut self) -> &mut dyn mio::event::Source {
        (**self).source()
    }
}

impl Transport for SocketStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Read::read(self, buf)
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Write::write(self, buf)
    }

    /// A socket holds nothing back.
    fn flush(&mut self) -> io::Result<bool> {
        Ok(true)
    }

    fn shutdown(&mut self) -> io::Result<()> {
        self.shutdown_write()
    }

    fn interest(&self) -> mio::Interest {
        mio::Interest::READABLE
    }

    /// epoll and kqueue (mio's selectors here) report each arrival; mio's emulated readiness
    /// elsewhere (Windows) clears only on `WouldBlock`.
    fn short_read_drains(&self) -> bool {
        cfg!(any(
            target_os = "linux",
            target_os = "android",
            target_os = "macos",
            target_os = "ios",
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "dragonfly",
        ))
    }

    fn source(&mut self) -> &mut dyn mio::event::Source {
        self
    }
}

//! TLS as a [`Transport`] layer: a [`TlsSession`] over any transport below it, and
//! [`negotiate`], which drives the handshake on an event loop with a timeout.
//!
//! Buffers are bounded: one [`RECEIVE_CHUNK`] of ciphertext read from below and not yet taken
//! by the session (it takes it once its plaintext is read out), and the session's own limits
//! (see [`tls`](super::tls)). After the handshake completes, application data may already wait
//! in the session: read until `WouldBlock` at once, without waiting for an event.

use crate::error::aws_io_errors::AWS_IO_TLS_NEGOTIATION_TIMEOUT;
use crate::runtime::event_loop::EventLoop;
use crate::transport::handshake::{self, Handshake, HandshakeCallback};
use crate::transport::stream::{Transport, WriteTo, error_code};
use crate::transport::tls::{Received, TlsError, TlsSession};
use std::ffi::c_int;
use std::io;
use std::time::Duration;

/// The most ciphertext read from below at once, and held until the session takes it.
pub const RECEIVE_CHUNK: usize = 16 * 1024;

/// A TLS client session layered on the transport `T`.
pub struct TlsTransport<T: Transport> {
    inner: T,
    session: TlsSession,
    /// Ciphertext read from below that the session has not taken yet: `received[start..end]`.
    received: Box<[u8]>,
    start: usize,
    end: usize,
    /// The layer below has ended.
    eof: bool,
    /// The peer closed the session with a close_notify.
    closed_cleanly: bool,
}

fn tls_io(e: TlsError) -> io::Error {
    io::Error::other(e)
}

fn would_block() -> io::Error {
    io::ErrorKind::WouldBlock.into()
}

impl<T: Transport> TlsTransport<T> {
    /// Layers `session` (not yet handshaken) on `inner`.
    pub fn new(inner: T, session: TlsSession) -> Self {
        Self {
            inner,
            session,
            received: vec![0; RECEIVE_CHUNK].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            closed_cleanly: false,
        }
    }

    /// The session (its ALPN result, its state).
    pub fn session(&self) -> &TlsSession {
        &self.session
    }

    /// The transport below.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The transport below, to put bytes under the session (tests).
    #[cfg(test)]
    pub(crate) fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Advances the handshake as far as the socket allows: `Ok(true)` once it is complete.
    pub fn handshake(&mut self) -> io::Result<bool> {
        self.send_pending()?;
        self.take_received()?;
        self.send_pending()?;
        Ok(self.session.is_handshake_done())
    }

    /// Moves ciphertext from below into the session until the socket has nothing more, the
    /// stream ends, or the session's plaintext buffer is full. `Ok(true)` when anything moved
    /// (bytes read, bytes fed to the session, or the end of the stream).
    fn take_received(&mut self) -> io::Result<bool> {
        let mut progressed = false;
        loop {
            if self.start < self.end {
                let taken = self
                    .session
                    .feed_ciphertext(&self.received[self.start..self.end])
                    .map_err(tls_io)?;
                self.start += taken;
                if taken == 0 {
                    return Ok(progressed);
                }
                progressed = true;
            } else if self.eof {
                return Ok(progressed);
            } else {
                match self.inner.read(&mut self.received) {
                    Ok(0) => {
                        self.eof = true;
                        self.session.feed_eof().map_err(tls_io)?;
                        return Ok(true);
                    }
                    Ok(n) => {
                        self.start = 0;
                        self.end = n;
                        progressed = true;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(progressed),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }

    /// Writes the session's ciphertext below: `Ok(true)` once none is left.
    fn send_pending(&mut self) -> io::Result<bool> {
        while self.session.wants_write() {
            match self
                .session
                .write_ciphertext_to(&mut WriteTo(&mut self.inner))
            {
                Ok(0) => return Ok(false),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        self.inner.flush()
    }
}

impl<T: Transport> Transport for TlsTransport<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.session.read_plaintext(buf).map_err(tls_io)? {
                Received::Data(n) => return Ok(n),
                Received::Closed => {
                    self.closed_cleanly = true;
                    return Ok(0);
                }
                Received::Eof => return Ok(0),
                Received::Nothing => {}
            }
            // Progress is what moved, not where the buffer's ends are: a new record of the same
            // length as the last one (two SUBACKs, a run of PUBACKs) leaves them where they were,
            // and taking that for "nothing new" stranded its plaintext in the session until the
            // next readiness event.
            let progressed = self.take_received()?;
            // Answers the peer may need (key updates, alerts).
            self.send_pending()?;
            if !progressed {
                return Err(would_block());
            }
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.session.is_handshake_done() {
            return Err(tls_io(TlsError::NotNegotiated));
        }
        self.send_pending()?;
        let taken = self.session.write_plaintext(buf).map_err(tls_io)?;
        self.send_pending()?;
        if taken == 0 && !buf.is_empty() {
            return Err(would_block());
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<bool> {
        self.send_pending()
    }

    fn shutdown(&mut self) -> io::Result<()> {
        self.session.close();
        self.send_pending()?;
        self.inner.shutdown()
    }

    /// A close_notify is a clean end (upstream's TLS handler shuts down without an error);
    /// the stream below ending without one is that stream's end.
    fn end_error(&self) -> Option<c_int> {
        if self.closed_cleanly {
            None
        } else {
            self.inner.end_error()
        }
    }

    fn interest(&self) -> mio::Interest {
        if self.session.wants_write() {
            mio::Interest::READABLE | mio::Interest::WRITABLE
        } else {
            self.inner.interest()
        }
    }

    fn source(&mut self) -> &mut dyn mio::event::Source {
        self.inner.source()
    }
}

/// Receives the end of a handshake, on the loop's thread: the transport, ready for data, or
/// an aws error code.
pub type NegotiateCallback<T> = HandshakeCallback<TlsTransport<T>>;

impl<T: Transport + 'static> Handshake for TlsTransport<T> {
    fn advance(&mut self) -> Result<bool, c_int> {
        self.handshake().map_err(|e| error_code(&e))
    }

    fn socket(&mut self) -> &mut dyn mio::event::Source {
        self.inner.source()
    }
}

/// Drives `tls`'s handshake on `event_loop` (call this on the loop's thread): `on_done` gets
/// the transport once the handshake completes (deregistered, to be registered by its user), or
/// the failure's code (`AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE`, `AWS_IO_TLS_NEGOTIATION_TIMEOUT`
/// after `timeout`, a socket error). It runs on the loop's thread, never inside this call.
pub fn negotiate<T: Transport + 'static>(
    event_loop: &EventLoop,
    tls: TlsTransport<T>,
    timeout: Duration,
    on_done: NegotiateCallback<T>,
) {
    handshake::run(
        event_loop,
        tls,
        timeout,
        AWS_IO_TLS_NEGOTIATION_TIMEOUT as c_int,
        on_done,
    );
}

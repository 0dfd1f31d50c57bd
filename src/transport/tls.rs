//! A TLS client session without I/O, for a readiness-driven transport stack: the layer below
//! hands it the ciphertext it read and drains the ciphertext it should write; the layer above
//! writes and reads plaintext through it.
//!
//! A transport drives it like this:
//! - readable: read from the socket, [`TlsSession::feed_ciphertext`] the bytes (it takes only
//!   what fits: read the plaintext out and feed the rest), then [`TlsSession::read_plaintext`]
//!   until it has [`Received::Nothing`]; on end of stream, [`TlsSession::feed_eof`];
//! - writable, or after any call: while [`TlsSession::wants_write`], write
//!   [`TlsSession::write_ciphertext_to`] the socket;
//! - [`TlsSession::is_handshake_done`] turns true once the handshake completes; only then does
//!   [`TlsSession::write_plaintext`] accept data (upstream refuses writes before it too).
//!
//! Buffers are bounded: at most [`SEND_BUFFER_LIMIT`] bytes of ciphertext wait to be written
//! (a plaintext write accepts what fits, possibly nothing); received plaintext waits in rustls'
//! 16 KiB buffer, which must be read before more ciphertext is taken; an incomplete incoming
//! record takes at most one record's size (64 KiB during the handshake).
//!
//! The context pieces live beside this file: [`tls_context`](super::tls_context) builds the
//! rustls configuration, [`tls_error`](super::tls_error) names the failures and their upstream
//! codes, [`tls_verifier`](super::tls_verifier) accepts any server when verification is off.

pub use crate::transport::tls_context::{
    ClientIdentity, MinimumVersion, TlsContext, TlsSettings, TrustAnchors,
};
pub use crate::transport::tls_error::TlsError;

use crate::transport::tls_context::parse_alpn_list;
use rustls::pki_types::ServerName;
use rustls::{AlertDescription, ClientConnection};
use std::io::{self, Read, Write};

/// The most ciphertext a session holds for the layer below to write.
pub const SEND_BUFFER_LIMIT: usize = 64 * 1024;

/// What a plaintext read found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    /// This many bytes were copied into the buffer.
    Data(usize),
    /// No plaintext now: feed more ciphertext.
    Nothing,
    /// The peer closed the session cleanly (a close_notify alert); nothing more will come.
    Closed,
    /// The stream below ended without a close_notify; what came before it was delivered.
    Eof,
}

/// Where a session is in its life.
#[derive(Clone, Debug, PartialEq)]
enum State {
    /// The handshake is under way. Next: `Established` or `Failed`.
    Handshaking,
    /// Application data flows both ways. Next: `Closing` or `Failed`.
    Established,
    /// This side sent close_notify; reading still works. Next: `Failed`.
    Closing,
    /// A fatal error; it is returned again by every call that needs the session. Terminal.
    Failed(TlsError),
}

/// One TLS client connection, fed and drained by the transport below it.
pub struct TlsSession {
    conn: ClientConnection,
    state: State,
}

impl TlsSession {
    /// Starts a client session for `server_name` (a DNS name, or an IP address, bracketed or
    /// not), which is sent in SNI and checked against the certificate. `alpn_override`, an
    /// upstream `"a;b"` list, replaces the context's ALPN protocols for this session.
    /// A name or list that does not parse is [`TlsError::Context`].
    pub fn new(
        ctx: &TlsContext,
        server_name: &str,
        alpn_override: Option<&str>,
    ) -> Result<TlsSession, TlsError> {
        let bare = server_name
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .unwrap_or(server_name);
        let name = ServerName::try_from(bare.to_owned())
            .map_err(|e| TlsError::context(&format!("server name {server_name:?}"), e))?;
        let config = ctx.config().clone();
        let conn = match alpn_override {
            Some(list) => ClientConnection::new_with_alpn(config, name, parse_alpn_list(list)?),
            None => ClientConnection::new(config, name),
        };
        let mut conn = conn.map_err(|e| TlsError::context("session", e))?;
        conn.set_buffer_limit(Some(SEND_BUFFER_LIMIT));
        Ok(TlsSession {
            conn,
            state: State::Handshaking,
        })
    }

    /// True once the handshake has completed (and until the session fails).
    pub fn is_handshake_done(&self) -> bool {
        matches!(self.state, State::Established | State::Closing)
    }

    /// The protocol the server chose from the ALPN list, once the handshake is done.
    pub fn negotiated_alpn(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// The failure that ended the session, if one did.
    pub fn error(&self) -> Option<&TlsError> {
        match &self.state {
            State::Failed(err) => Some(err),
            _ => None,
        }
    }

    /// True when ciphertext waits to be written (handshake messages, records, alerts).
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// True when the session can take more ciphertext (its plaintext buffer is not full and
    /// the peer has not closed).
    pub fn wants_read(&self) -> bool {
        !matches!(self.state, State::Failed(_)) && self.conn.wants_read()
    }

    /// Writes pending ciphertext to `sink` once, returning how much it took; the sink's errors
    /// (`WouldBlock` included) come back as they are. Works after a failure too, so the alert
    /// that explains it reaches the peer.
    pub fn write_ciphertext_to(&mut self, sink: &mut dyn Write) -> io::Result<usize> {
        self.conn.write_tls(sink)
    }

    /// Takes ciphertext the layer below received and processes it, returning how many bytes
    /// were taken: fewer than offered when the received plaintext buffer is full (read it,
    /// then offer the rest) or after the peer's close_notify (the rest is ignored).
    pub fn feed_ciphertext(&mut self, data: &[u8]) -> Result<usize, TlsError> {
        self.check_usable()?;
        let mut rest = data;
        while !rest.is_empty() {
            match self.conn.read_tls(&mut rest) {
                Ok(0) => break,
                Ok(_) => {}
                // The received plaintext buffer is full: the reader must empty it first.
                Err(e) if e.kind() == io::ErrorKind::Other => break,
                Err(e) => {
                    let cause = rustls::Error::General(format!("incoming record: {e}"));
                    return Err(self.fail(cause));
                }
            }
            if let Err(cause) = self.conn.process_new_packets() {
                return Err(self.fail(cause));
            }
            self.note_handshake_progress();
        }
        Ok(data.len() - rest.len())
    }

    /// Tells the session the stream below has ended. During the handshake that is a
    /// negotiation failure; afterwards reads report [`Received::Closed`] or [`Received::Eof`].
    pub fn feed_eof(&mut self) -> Result<(), TlsError> {
        self.check_usable()?;
        // An empty reader makes rustls record the end of the stream.
        let _ = self.conn.read_tls(&mut io::empty());
        if self.state == State::Handshaking {
            let err = TlsError::Negotiation(None);
            self.state = State::Failed(err.clone());
            return Err(err);
        }
        Ok(())
    }

    /// Copies received plaintext into `buf`.
    pub fn read_plaintext(&mut self, buf: &mut [u8]) -> Result<Received, TlsError> {
        self.check_usable()?;
        if buf.is_empty() {
            return Ok(Received::Nothing);
        }
        match self.conn.reader().read(buf) {
            Ok(0) => Ok(Received::Closed),
            Ok(n) => Ok(Received::Data(n)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(Received::Nothing),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(Received::Eof),
            Err(e) => Err(self.fail(rustls::Error::General(e.to_string()))),
        }
    }

    /// Encrypts plaintext for the peer, returning how much was taken: all of it or a prefix,
    /// possibly nothing when the ciphertext waiting to be written has reached
    /// [`SEND_BUFFER_LIMIT`] (write it out, then offer the rest).
    pub fn write_plaintext(&mut self, data: &[u8]) -> Result<usize, TlsError> {
        match &self.state {
            State::Handshaking => Err(TlsError::NotNegotiated),
            State::Closing => Err(TlsError::Write),
            State::Failed(err) => Err(err.clone()),
            State::Established => self.conn.writer().write(data).map_err(|_| TlsError::Write),
        }
    }

    /// Starts a clean close: queues a close_notify alert for the layer below to write.
    /// Further plaintext writes fail; the peer's remaining data can still be read.
    pub fn close(&mut self) {
        if matches!(self.state, State::Handshaking | State::Established) {
            self.conn.send_close_notify();
            self.state = State::Closing;
        }
    }

    /// Fails with the stored error once the session has failed.
    fn check_usable(&self) -> Result<(), TlsError> {
        match &self.state {
            State::Failed(err) => Err(err.clone()),
            _ => Ok(()),
        }
    }

    /// Moves from `Handshaking` to `Established` when rustls says the handshake is over.
    fn note_handshake_progress(&mut self) {
        if self.state == State::Handshaking && !self.conn.is_handshaking() {
            self.state = State::Established;
        }
    }

    /// Records a fatal rustls error as the session's failure, classified by when it came.
    fn fail(&mut self, cause: rustls::Error) -> TlsError {
        let err = if self.state == State::Handshaking || rejects_certificate(&cause) {
            TlsError::Negotiation(Some(cause))
        } else {
            TlsError::Read(cause)
        };
        crate::aws_log!(AWS_LL_WARN, AWS_LS_IO_TLS, "TLS session failed: {err}");
        self.state = State::Failed(err.clone());
        err
    }
}

/// True for the alerts a server sends when it refuses the client's certificate. In TLS 1.3 the
/// client's handshake is complete before the server has judged its certificate, so they can
/// arrive just after it; they still mean that the negotiation failed.
fn rejects_certificate(cause: &rustls::Error) -> bool {
    matches!(
        cause,
        rustls::Error::AlertReceived(
            AlertDescription::HandshakeFailure
                | AlertDescription::BadCertificate
                | AlertDescription::UnsupportedCertificate
                | AlertDescription::CertificateRevoked
                | AlertDescription::CertificateExpired
                | AlertDescription::CertificateUnknown
                | AlertDescription::UnknownCA
                | AlertDescription::AccessDenied
                | AlertDescription::CertificateRequired
        )
    )
}

/// What a connection's TLS options say, for the transport that starts its session.
#[derive(Clone, Debug)]
pub struct TlsConnectionSettings {
    /// The context the session is made from.
    pub context: std::sync::Arc<TlsContext>,
    /// The name for SNI and certificate checks; the host connected to when `None`.
    pub server_name: Option<String>,
    /// This connection's ALPN list, replacing the context's.
    pub alpn_list: Option<String>,
    /// How long the handshake may take, in milliseconds.
    pub timeout_ms: u32,
}

impl TlsConnectionSettings {
    /// A session for a connection to `host`, which names the server unless the settings do.
    pub fn session(&self, host: &str) -> Result<TlsSession, TlsError> {
        let name = self.server_name.as_deref().unwrap_or(host);
        TlsSession::new(&self.context, name, self.alpn_list.as_deref())
    }
}

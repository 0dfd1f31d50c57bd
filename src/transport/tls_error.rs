//! Why TLS failed, and the aws-c-io error code each reason raises.
//!
//! Upstream's Linux TLS handler reports failures with a handful of codes: any failure before the
//! handshake completes is `AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE`, whatever the cause (the cause
//! only reaches the log); afterwards a record that cannot be read is
//! `AWS_IO_TLS_ERROR_READ_FAILURE`, a write before the handshake is
//! `AWS_IO_TLS_ERROR_NOT_NEGOTIATED`. A context that cannot be built is `AWS_IO_TLS_CTX_ERROR`.
//! [`TlsError`] keeps rustls' cause beside the code so tests and logs can tell them apart.

use crate::error::aws_io_errors;
use std::ffi::c_int;
use std::fmt;

/// A TLS failure: the reason, and through [`TlsError::code`] the upstream error code.
#[derive(Clone, Debug, PartialEq)]
pub enum TlsError {
    /// The settings cannot make a context or a session: a certificate, key, CA or ALPN list
    /// that does not parse, a server name that is neither a DNS name nor an IP address
    /// (`AWS_IO_TLS_CTX_ERROR`).
    Context(String),
    /// A certificate or private key that is not text, so cannot be PEM
    /// (`AWS_IO_FILE_VALIDATION_FAILURE`); names which of the two.
    NotText(&'static str),
    /// Peer verification is on, no trust store override is set and the system has no CA
    /// certificates (`AWS_IO_TLS_ERROR_DEFAULT_TRUST_STORE_NOT_FOUND`).
    NoDefaultTrustStore,
    /// The handshake failed (`AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE`): with rustls' reason, or
    /// `None` when the peer closed the connection before the handshake completed. A fatal
    /// alert about certificates that arrives just after the handshake (TLS 1.3 servers reject
    /// a client certificate that way) counts as a handshake failure too.
    Negotiation(Option<rustls::Error>),
    /// Application data was written before the handshake completed
    /// (`AWS_IO_TLS_ERROR_NOT_NEGOTIATED`).
    NotNegotiated,
    /// A record from the peer could not be read after the handshake
    /// (`AWS_IO_TLS_ERROR_READ_FAILURE`).
    Read(rustls::Error),
    /// Application data was written after this side closed the session
    /// (`AWS_IO_TLS_ERROR_WRITE_FAILURE`).
    Write,
}

impl TlsError {
    /// The upstream aws-c-io error code this failure raises.
    pub fn code(&self) -> c_int {
        let code = match self {
            TlsError::Context(_) => aws_io_errors::AWS_IO_TLS_CTX_ERROR,
            TlsError::NotText(_) => aws_io_errors::AWS_IO_FILE_VALIDATION_FAILURE,
            TlsError::NoDefaultTrustStore => {
                aws_io_errors::AWS_IO_TLS_ERROR_DEFAULT_TRUST_STORE_NOT_FOUND
            }
            TlsError::Negotiation(_) => aws_io_errors::AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE,
            TlsError::NotNegotiated => aws_io_errors::AWS_IO_TLS_ERROR_NOT_NEGOTIATED,
            TlsError::Read(_) => aws_io_errors::AWS_IO_TLS_ERROR_READ_FAILURE,
            TlsError::Write => aws_io_errors::AWS_IO_TLS_ERROR_WRITE_FAILURE,
        };
        code as c_int
    }

    /// A context error with its reason.
    pub(crate) fn context(what: &str, why: impl fmt::Display) -> TlsError {
        TlsError::Context(format!("{what}: {why}"))
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::Context(why) => write!(f, "TLS context error: {why}"),
            TlsError::NotText(what) => write!(f, "the {what} is not PEM text"),
            TlsError::NoDefaultTrustStore => write!(f, "no system trust store found"),
            TlsError::Negotiation(Some(why)) => write!(f, "TLS negotiation failed: {why}"),
            TlsError::Negotiation(None) => {
                write!(f, "TLS negotiation failed: the peer closed the connection")
            }
            TlsError::NotNegotiated => write!(f, "TLS data written before the handshake"),
            TlsError::Read(why) => write!(f, "TLS read failed: {why}"),
            TlsError::Write => write!(f, "TLS data written after the session closed"),
        }
    }
}

impl std::error::Error for TlsError {}

impl From<TlsError> for crate::error::Error {
    fn from(err: TlsError) -> Self {
        crate::error::Error(err.code())
    }
}

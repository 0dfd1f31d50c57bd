//! Non-blocking byte streams driven by readiness, stacked as a connection needs them:
//! TCP (or a Unix socket) → HTTP CONNECT proxy → TLS → WebSocket.
//!
//! Today: validated socket options, URI parsing, and the TLS layer (a rustls session fed and
//! drained by whatever stream lies below). The TCP stream and the stacking follow.

pub mod socket_options;
pub mod tls;
pub mod tls_context;
pub mod tls_error;
#[cfg(test)]
mod tls_mosquitto_tests;
#[cfg(test)]
pub(crate) mod tls_test_pki;
#[cfg(test)]
mod tls_tests;
pub mod tls_verifier;
pub mod uri;

//! Non-blocking byte streams driven by readiness, stacked as a connection needs them:
//! TCP (or a Unix socket) → HTTP CONNECT proxy → TLS → WebSocket.
//!
//! Today: validated socket options, URI parsing, the TCP/Unix connect on an event loop (`tcp`),
//! the [`stream::Transport`] interface, the HTTP CONNECT tunnel (`http_connect`, the exchange;
//! `http_proxy`, the layer), and TLS as a session (`tls`) and as a transport layer
//! (`tls_transport`). The WebSocket layer follows.

pub mod base64;
pub mod handshake;
pub mod http_connect;
pub mod http_head;
pub mod http_proxy;
#[cfg(test)]
mod http_proxy_tests;
pub mod http_request;
pub mod libcrypto;
pub mod percent;
pub mod pkcs11;
pub mod pkcs12;
pub mod socket_options;
pub mod stream;
pub mod tcp;
#[cfg(test)]
mod tcp_tests;
pub mod tls;
pub mod tls_context;
pub mod tls_error;
#[cfg(test)]
mod tls_mosquitto_tests;
#[cfg(test)]
pub(crate) mod tls_test_pki;
#[cfg(test)]
mod tls_tests;
pub mod tls_transport;
#[cfg(test)]
mod tls_transport_records_tests;
#[cfg(test)]
mod tls_transport_tests;
pub mod tls_verifier;
pub mod uri;
pub mod websocket;
#[cfg(test)]
mod websocket_tests;

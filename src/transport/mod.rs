//! Non-blocking byte streams driven by readiness, stacked as a connection needs them:
//! TCP (or a Unix socket) → HTTP CONNECT proxy → TLS → WebSocket.
//!
//! Empty until the runtime and transport issues land; nothing here is exported yet.

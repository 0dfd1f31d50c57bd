//! The aws-c-mqtt C API, implemented in Rust.
//!
//! Data flows one way through the layers (see DESIGN.md); each imports only those listed
//! before it (`tests/layering.rs` keeps it so):
//! - [`error`] and [`log`]: the error codes and log subjects of every library we stand in for,
//!   one error type, and logging through the C program's logger;
//! - [`codec`]: MQTT packets ⇄ bytes, no I/O;
//! - [`client`]: the sans-IO protocol engines (MQTT 3.1.1 connection, MQTT 5 client);
//! - [`runtime`]: event-loop threads, timers, host resolution;
//! - [`transport`]: the stacked byte streams on a loop (TCP, proxy, TLS, WebSocket);
//! - [`connection`]: one engine over its transport stack on one loop;
//! - [`auth`]: SigV4 signing and the credentials sources of aws-c-auth;
//! - [`ffi`]: the only place that knows C: the exported functions and the types of the headers.

pub mod auth;
pub mod client;
pub mod codec;
pub mod connection;
// The error enums carry upstream's C names.
#[allow(non_camel_case_types)]
pub mod error;
// The FFI names are upstream's C names; its files are named after upstream's headers (so
// `ffi::mqtt::mqtt` is `aws/mqtt/mqtt.h`); and each exported function's safety contract is the
// C API's documentation, written once per module rather than on every function.
#[allow(
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals,
    clippy::module_inception,
    clippy::missing_safety_doc
)]
pub mod ffi;
// The level and subject enums carry upstream's C names.
#[allow(non_camel_case_types)]
pub mod log;
pub mod runtime;
pub mod transport;

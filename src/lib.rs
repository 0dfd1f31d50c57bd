//! The aws-c-mqtt C API, implemented in Rust.
//!
//! Data flows one way through five layers (see DESIGN.md):
//! - [`codec`]: MQTT packets ⇄ bytes, no I/O;
//! - [`client`]: the sans-IO protocol engines (MQTT 3.1.1 connection, MQTT 5 client);
//! - [`runtime`]: event-loop threads, host resolution, bootstrap;
//! - [`transport`]: the stacked byte streams (TCP, proxy, TLS, WebSocket);
//! - [`ffi`]: the only place that knows C: the exported functions and the types of the headers.

pub mod client;
pub mod codec;
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
pub mod runtime;
pub mod transport;

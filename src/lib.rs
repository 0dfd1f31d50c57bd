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
#[allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
pub mod ffi;
pub mod runtime;
pub mod transport;

//! The MQTT 3.1.1 connection engine behind `aws/mqtt/client.h`: a state machine free of I/O and
//! of the clock. The runtime feeds it `now`, received bytes, transport events and user requests,
//! and polls it for bytes to send, the next timer deadline, transport actions and events to
//! deliver.
//!
//! - [`settings`]: what one `connect` asks for (the CONNECT packet, timeouts, backoff).
//! - [`outcome`]: how connections and operations end ([`Failure`], [`Outcome`], [`Event`]).
//! - [`request`]: the operations a user submits and their in-flight records.
//! - [`PacketIds`]: packet identifier allocation (the one both clients use), done by the caller
//!   when a request is made (upstream returns the id from the API call).
//! - [`engine`]: the connection state machine itself.

pub mod engine;
#[cfg(test)]
mod engine_tests;
pub mod outcome;
pub mod request;
pub mod settings;

pub use crate::client::packet_ids::PacketIds;
pub use engine::{Action, Engine, State};
pub use outcome::{Event, Failure, Outcome};
pub use request::{Request, SubscribeTopic};
pub use settings::Settings;

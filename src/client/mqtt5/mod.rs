//! The MQTT 5 client engine behind `aws/mqtt/v5/mqtt5_client.h`: a state machine free of I/O
//! and of the clock, fed `now`, received bytes, transport events and user commands, and polled
//! for bytes to send, the next timer deadline, transport actions and events to deliver.
//!
//! - [`settings`]: the client's configuration (sessions, offline queue, timers, aliasing).
//! - [`negotiated`]: the settings a CONNECT/CONNACK exchange settles.
//! - [`outcome`]: how connections and operations end ([`Error`], [`Completion`], [`Event`]).
//! - [`operation`]: the operations a user submits and the offline queue policies.
//! - [`flow_control`]: Receive Maximum and AWS IoT Core's rate limits.
//! - [`topic_alias`]: outbound and inbound topic aliases.
//! - [`iot_core`]: AWS IoT Core's limits on topics and client ids.
//! - [`engine`]: the client state machine itself.

pub mod engine;
#[cfg(test)]
mod engine_tests;
pub mod flow_control;
pub mod iot_core;
pub mod negotiated;
pub mod operation;
pub mod operations;
pub mod outcome;
pub mod settings;
pub mod topic_alias;

pub use engine::{Action, Engine, State, Statistics};
pub use negotiated::Negotiated;
pub use operation::{Request, UserDisconnect};
pub use outcome::{Completion, Error, Event, ManualAckResult};
pub use settings::{OfflineQueuePolicy, OutboundAliasing, SessionBehavior, Settings};

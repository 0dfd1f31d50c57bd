//! The protocol engines, free of I/O and of the clock: an MQTT 3.1.1 connection and an MQTT 5
//! client, each a state machine fed with `now`, received bytes and user commands, and polled for
//! bytes to send, the next timer deadline and events to deliver.
//!
//! Shared by both: the subscription topic tree and the reconnect backoff. The engines: [`mqtt311`], [`mqtt5`].

pub mod action;
pub mod backoff;
pub mod iot_metrics;
pub mod mqtt311;
pub mod mqtt5;
pub mod packet_id_map;
pub mod topic_tree;

pub use action::Action;

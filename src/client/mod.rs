//! The protocol engines, free of I/O and of the clock: an MQTT 3.1.1 connection and an MQTT 5
//! client, each a state machine fed with `now`, received bytes and user commands, and polled for
//! bytes to send, the next timer deadline and events to deliver.
//!
//! So far the parts both engines share: the subscription topic tree and the reconnect backoff.

pub mod backoff;
pub mod topic_tree;

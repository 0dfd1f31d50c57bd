//! MQTT 3.1.1 and 5.0 packets ⇄ bytes: no I/O, no clock.
//!
//! Today it holds the text rules every layer shares: MQTT's UTF-8 profile and the syntax of
//! topic names and topic filters. The packet families follow with the codec issue.

pub mod topic;
pub mod utf8;

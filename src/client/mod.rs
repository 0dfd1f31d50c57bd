//! The protocol engines, free of I/O and of the clock: an MQTT 3.1.1 connection and an MQTT 5
//! client, each a state machine fed with `now`, received bytes and user commands, and polled for
//! bytes to send, the next timer deadline and events to deliver. The engines: [`mqtt311`],
//! [`mqtt5`].
//!
//! What both need exists once, beside them:
//! - [`wire`]: the decode loop over received bytes, and the packet write;
//! - [`keep_alive`]: when a PINGREQ is due and when a missing PINGRESP fails the connection;
//! - [`deadline`]: one timer (the CONNACK timeout, the reconnect delay);
//! - [`ack_deadlines`]: when operations waiting for their acknowledgement time out;
//! - [`send_queue`]: the operations waiting to be sent, and their requeue on reconnect;
//! - [`packet_ids`]: packet identifier allocation ([`packet_id_map`]: maps keyed by id);
//! - [`outbox`]: the events and transport actions an engine has for its runtime ([`Action`]);
//! - [`backoff`]: the reconnect delay; [`topic_tree`]: subscriptions by topic filter;
//!   [`iot_metrics`]: the user-name suffix AWS IoT counts SDKs by.
//!
//! [`request_response`]: the request-response client's engine, over either protocol client.

pub mod ack_deadlines;
pub mod action;
pub mod backoff;
pub mod deadline;
pub mod id_window;
pub mod iot_metrics;
pub mod journal;
pub mod keep_alive;
pub mod mqtt311;
pub mod mqtt311_view;
pub mod mqtt5;
pub mod outbox;
pub mod packet_id_map;
pub mod packet_ids;
pub mod paged_vec;
pub mod publish_stream;
pub mod queue_limits;
pub mod request_response;
pub mod send_queue;
#[cfg(test)]
pub mod test_support;
pub mod topic_tree;
pub mod wire;

pub use action::Action;

//! The MQTT 5 client's headers under `aws/mqtt/v5/` (and upstream's exported private helpers).

pub mod mqtt5_client;
pub mod mqtt5_listener;
pub mod mqtt5_packet_storage;
pub mod mqtt5_types;
pub mod mqtt5_utils;
pub mod mqtt5_views;

//! The MQTT 5 client's headers under `aws/mqtt/v5/` (and upstream's exported private helpers),
//! and the conversions between its C packet views and the codec's packets.

pub mod client;
pub mod client_delegate;
pub mod client_operations;
pub mod client_options;
pub mod connect_storage;
#[cfg(test)]
mod conversion_tests;
pub mod disconnect_storage;
pub mod listener;
pub mod mqtt5_client;
pub mod mqtt5_listener;
pub mod mqtt5_packet_storage;
pub mod mqtt5_types;
pub mod mqtt5_utils;
pub mod mqtt5_views;
pub mod negotiated_settings;
pub mod packets_from_views;
pub mod publish_storage;
mod storage_support;
#[cfg(test)]
mod storage_tests;
pub mod subscribe_storage;
pub mod user_property_set;
pub mod views_of_packets;

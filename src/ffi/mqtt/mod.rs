//! aws-c-mqtt: `aws/mqtt/mqtt.h`, the MQTT 3.1.1 client of `aws/mqtt/client.h` (`client*.rs`),
//! the MQTT 5 client (`v5/`), and the request-response client (`request_response/`).

pub mod adapter;
pub mod client;
pub mod client_connection;
pub mod client_delegate;
pub mod client_operations;
pub mod client_settings;
pub mod client_types;
pub mod connection_listeners;
pub mod ext;
pub mod handle;
pub mod mqtt;
pub mod publish_buffer;
pub mod request_response;
pub mod v5;
pub mod websocket_hooks;

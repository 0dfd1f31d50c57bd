//! The AWS IoT connection builders (`aws/iotdevice/`): one call per connection method of the
//! AWS IoT SDKs' guides (mutual TLS from files, memory, PKCS#11 or PKCS#12; WebSocket with
//! SigV4; custom authorizers, direct or over WebSocket), for the MQTT 5 client and the 3.1.1
//! connection, built from this library's own C API. Beyond upstream.

pub mod connection_config;
#[cfg(test)]
mod connection_config_tests;
pub mod constructors;
pub mod custom_authorizer;
pub mod endpoint;
pub mod iotdevice;
pub mod mqtt5_client_builder;
pub mod mqtt5_client_builder_setters;
pub mod mqtt_connection_builder;
pub mod mqtt_connection_builder_setters;
pub mod websocket_signing;

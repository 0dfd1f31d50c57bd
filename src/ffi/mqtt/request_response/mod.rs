//! The request-response client of `aws/mqtt/request-response/request_response_client.h`: its
//! types (`request_response_client.rs`), its functions (`api.rs`), the client object over the
//! engine (`client.rs`), and the protocol-adapter interface (`protocol.rs`) with its two
//! implementations, over an MQTT 5 client and over a 3.1.1 connection.

pub mod api;
pub mod client;
pub mod event_type;
pub mod protocol;
pub mod protocol_mqtt311;
pub mod protocol_mqtt5;
pub mod request_response_client;

//! Headers of our own beside upstream's (`aws/mqtt/ext/`): what upstream's users ask for and do
//! not get. Every name starts with `aws_mqtt_ext_`.

pub mod durable_store;
pub mod enhanced_auth;
pub mod queue_limits;
pub mod reconnect;

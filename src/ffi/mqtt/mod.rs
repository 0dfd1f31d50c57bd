//! aws-c-mqtt: `aws/mqtt/mqtt.h` today; the MQTT 3.1.1 client (`client.h`) and the MQTT 5 client
//! (`v5/`) follow with their issues.

pub mod mqtt;
pub mod v5;

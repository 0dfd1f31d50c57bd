//! `aws/mqtt/mqtt.h`: the log subjects of aws-c-mqtt.

/// The log subjects of aws-c-mqtt (5120 to 6143).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt_log_subject {
    /// Library-wide messages.
    AWS_LS_MQTT_GENERAL = 5120,
    /// The MQTT 3.1.1 client.
    AWS_LS_MQTT_CLIENT = 5121,
    /// The subscription topic tree.
    AWS_LS_MQTT_TOPIC_TREE = 5122,
    /// MQTT 5 messages not tied to one client.
    AWS_LS_MQTT5_GENERAL = 5123,
    /// The MQTT 5 client.
    AWS_LS_MQTT5_CLIENT = 5124,
    /// The MQTT 5 canary.
    AWS_LS_MQTT5_CANARY = 5125,
    /// The MQTT 3.1.1 API running on an MQTT 5 client.
    AWS_LS_MQTT5_TO_MQTT3_ADAPTER = 5126,
    /// The request-response client.
    AWS_LS_MQTT_REQUEST_RESPONSE = 5127,
}
crate::c_enum!(aws_mqtt_log_subject);

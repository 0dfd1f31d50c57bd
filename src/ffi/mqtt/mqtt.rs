//! `aws/mqtt/mqtt.h`: the MQTT error codes, log subjects, QoS and CONNACK return codes, topic
//! validation and library init.

/// The error codes of aws-c-mqtt (5120 to 6143).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage)]
pub enum aws_mqtt_error {
    /// Invalid reserved bits.
    AWS_ERROR_MQTT_INVALID_RESERVED_BITS = 5120,
    /// Buffer too big.
    AWS_ERROR_MQTT_BUFFER_TOO_BIG = 5121,
    /// Invalid remaining length.
    AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH = 5122,
    /// Unsupported protocol name.
    AWS_ERROR_MQTT_UNSUPPORTED_PROTOCOL_NAME = 5123,
    /// Unsupported protocol level.
    AWS_ERROR_MQTT_UNSUPPORTED_PROTOCOL_LEVEL = 5124,
    /// Invalid credentials.
    AWS_ERROR_MQTT_INVALID_CREDENTIALS = 5125,
    /// Invalid QoS.
    AWS_ERROR_MQTT_INVALID_QOS = 5126,
    /// Invalid packet type.
    AWS_ERROR_MQTT_INVALID_PACKET_TYPE = 5127,
    /// Invalid topic.
    AWS_ERROR_MQTT_INVALID_TOPIC = 5128,
    /// Timeout.
    AWS_ERROR_MQTT_TIMEOUT = 5129,
    /// Protocol error.
    AWS_ERROR_MQTT_PROTOCOL_ERROR = 5130,
    /// Not connected.
    AWS_ERROR_MQTT_NOT_CONNECTED = 5131,
    /// Already connected.
    AWS_ERROR_MQTT_ALREADY_CONNECTED = 5132,
    /// Built without websockets.
    AWS_ERROR_MQTT_BUILT_WITHOUT_WEBSOCKETS = 5133,
    /// Unexpected hangup.
    AWS_ERROR_MQTT_UNEXPECTED_HANGUP = 5134,
    /// Connection shutdown.
    AWS_ERROR_MQTT_CONNECTION_SHUTDOWN = 5135,
    /// Connection destroyed.
    AWS_ERROR_MQTT_CONNECTION_DESTROYED = 5136,
    /// Connection disconnecting.
    AWS_ERROR_MQTT_CONNECTION_DISCONNECTING = 5137,
    /// Cancelled for clean session.
    AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION = 5138,
    /// Queue full.
    AWS_ERROR_MQTT_QUEUE_FULL = 5139,
    /// Client options validation.
    AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION = 5140,
    /// Connect options validation.
    AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION = 5141,
    /// Disconnect options validation.
    AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION = 5142,
    /// Publish options validation.
    AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION = 5143,
    /// Subscribe options validation.
    AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION = 5144,
    /// Unsubscribe options validation.
    AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION = 5145,
    /// User property validation.
    AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION = 5146,
    /// Packet validation.
    AWS_ERROR_MQTT5_PACKET_VALIDATION = 5147,
    /// Encode failure.
    AWS_ERROR_MQTT5_ENCODE_FAILURE = 5148,
    /// Decode protocol error.
    AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR = 5149,
    /// CONNACK connection refused.
    AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED = 5150,
    /// CONNACK timeout.
    AWS_ERROR_MQTT5_CONNACK_TIMEOUT = 5151,
    /// Ping response timeout.
    AWS_ERROR_MQTT5_PING_RESPONSE_TIMEOUT = 5152,
    /// User requested stop.
    AWS_ERROR_MQTT5_USER_REQUESTED_STOP = 5153,
    /// Disconnect received.
    AWS_ERROR_MQTT5_DISCONNECT_RECEIVED = 5154,
    /// Client terminated.
    AWS_ERROR_MQTT5_CLIENT_TERMINATED = 5155,
    /// Operation failed due to offline queue policy.
    AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY = 5156,
    /// Encode size unsupported packet type.
    AWS_ERROR_MQTT5_ENCODE_SIZE_UNSUPPORTED_PACKET_TYPE = 5157,
    /// Operation processing failure.
    AWS_ERROR_MQTT5_OPERATION_PROCESSING_FAILURE = 5158,
    /// Invalid inbound topic alias.
    AWS_ERROR_MQTT5_INVALID_INBOUND_TOPIC_ALIAS = 5159,
    /// Invalid outbound topic alias.
    AWS_ERROR_MQTT5_INVALID_OUTBOUND_TOPIC_ALIAS = 5160,
    /// Invalid UTF-8 string.
    AWS_ERROR_MQTT5_INVALID_UTF8_STRING = 5161,
    /// Connection reset for adapter connect.
    AWS_ERROR_MQTT_CONNECTION_RESET_FOR_ADAPTER_CONNECT = 5162,
    /// Connection resubscribe no topics.
    AWS_ERROR_MQTT_CONNECTION_RESUBSCRIBE_NO_TOPICS = 5163,
    /// Connection subscribe failure.
    AWS_ERROR_MQTT_CONNECTION_SUBSCRIBE_FAILURE = 5164,
    /// ACK reason code failure.
    AWS_ERROR_MQTT_ACK_REASON_CODE_FAILURE = 5165,
    /// Protocol adapter failing reason code.
    AWS_ERROR_MQTT_PROTOCOL_ADAPTER_FAILING_REASON_CODE = 5166,
    /// Request response client shut down.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_CLIENT_SHUT_DOWN = 5167,
    /// Request response timeout.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_TIMEOUT = 5168,
    /// Request response no subscription capacity.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_NO_SUBSCRIPTION_CAPACITY = 5169,
    /// Request response subscribe failure.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_SUBSCRIBE_FAILURE = 5170,
    /// Request response internal error.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_INTERNAL_ERROR = 5171,
    /// Request response publish failure.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_PUBLISH_FAILURE = 5172,
    /// Reuqest response stream already activated.
    AWS_ERROR_MQTT_REUQEST_RESPONSE_STREAM_ALREADY_ACTIVATED = 5173,
    /// Request response modeled service error.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_MODELED_SERVICE_ERROR = 5174,
    /// Request response payload parse error.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_PAYLOAD_PARSE_ERROR = 5175,
    /// Request response invalid response path.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_INVALID_RESPONSE_PATH = 5176,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_ERROR_END_MQTT_RANGE = 6143,
}
crate::c_enum!(aws_mqtt_error);

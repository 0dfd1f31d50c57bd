//! `aws/mqtt/mqtt.h`: the error codes of aws-c-mqtt, numbered as upstream numbers them (the
//! enumerators' doc comments are the descriptions `aws_error_str` gives).

/// The error codes of aws-c-mqtt (5120 to 6143).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage,
)]
pub enum aws_mqtt_error {
    /// A packet has reserved bits set to values that the MQTT specification forbids.
    AWS_ERROR_MQTT_INVALID_RESERVED_BITS = 5120,
    /// [MQTT-1.5.3] A UTF-8 string field cannot be longer than 65535 bytes once encoded.
    AWS_ERROR_MQTT_BUFFER_TOO_BIG = 5121,
    /// [MQTT-2.2.3] The packet's Remaining Length field is malformed.
    AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH = 5122,
    /// [MQTT-3.1.2-1] The CONNECT packet names a protocol that is not supported.
    AWS_ERROR_MQTT_UNSUPPORTED_PROTOCOL_NAME = 5123,
    /// [MQTT-3.1.2-2] The CONNECT packet asks for a protocol level that is not supported.
    AWS_ERROR_MQTT_UNSUPPORTED_PROTOCOL_LEVEL = 5124,
    /// [MQTT-3.1.2-22] A CONNECT packet cannot carry a password without a user name.
    AWS_ERROR_MQTT_INVALID_CREDENTIALS = 5125,
    /// The QoS value is invalid; only 0, 1 and 2 are allowed.
    AWS_ERROR_MQTT_INVALID_QOS = 5126,
    /// The packet type in the fixed header is not a valid MQTT packet type.
    AWS_ERROR_MQTT_INVALID_PACKET_TYPE = 5127,
    /// The topic name or topic filter is not valid.
    AWS_ERROR_MQTT_INVALID_TOPIC = 5128,
    /// No response to the MQTT request arrived within the time limit.
    AWS_ERROR_MQTT_TIMEOUT = 5129,
    /// The MQTT protocol rules were broken, for example by an unexpected or malformed packet.
    AWS_ERROR_MQTT_PROTOCOL_ERROR = 5130,
    /// The operation needs an open MQTT connection, but the connection is not open.
    AWS_ERROR_MQTT_NOT_CONNECTED = 5131,
    /// The operation is not allowed because the MQTT connection is already open.
    AWS_ERROR_MQTT_ALREADY_CONNECTED = 5132,
    /// WebSocket support was requested, but the library was built without it.
    AWS_ERROR_MQTT_BUILT_WITHOUT_WEBSOCKETS = 5133,
    /// The MQTT connection was closed unexpectedly.
    AWS_ERROR_MQTT_UNEXPECTED_HANGUP = 5134,
    /// The MQTT operation was interrupted because the connection shut down.
    AWS_ERROR_MQTT_CONNECTION_SHUTDOWN = 5135,
    /// The MQTT connection is being destroyed, so every unfinished request fails.
    AWS_ERROR_MQTT_CONNECTION_DESTROYED = 5136,
    /// The MQTT connection is disconnecting; wait until it has fully shut down before doing this.
    AWS_ERROR_MQTT_CONNECTION_DISCONNECTING = 5137,
    /// The request was cancelled because a clean session drops requests left from the old session.
    AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION = 5138,
    /// The MQTT client has no room to queue another request.
    AWS_ERROR_MQTT_QUEUE_FULL = 5139,
    /// The MQTT5 client options contain an invalid value.
    AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION = 5140,
    /// The MQTT5 CONNECT packet options contain an invalid value.
    AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION = 5141,
    /// The MQTT5 DISCONNECT packet options contain an invalid value.
    AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION = 5142,
    /// The MQTT5 PUBLISH packet options contain an invalid value.
    AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION = 5143,
    /// The MQTT5 SUBSCRIBE packet options contain an invalid value.
    AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION = 5144,
    /// The MQTT5 UNSUBSCRIBE packet options contain an invalid value.
    AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION = 5145,
    /// An MQTT5 user property has an invalid name or value.
    AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION = 5146,
    /// An MQTT5 packet failed validation.
    AWS_ERROR_MQTT5_PACKET_VALIDATION = 5147,
    /// An outgoing MQTT5 packet could not be encoded.
    AWS_ERROR_MQTT5_ENCODE_FAILURE = 5148,
    /// An incoming MQTT5 packet broke the protocol rules and could not be decoded.
    AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR = 5149,
    /// The server refused the connection by answering CONNECT with a failing CONNACK.
    AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED = 5150,
    /// The server did not answer the CONNECT packet with a CONNACK before the timeout.
    AWS_ERROR_MQTT5_CONNACK_TIMEOUT = 5151,
    /// The server did not answer a PINGREQ with a PINGRESP before the timeout.
    AWS_ERROR_MQTT5_PING_RESPONSE_TIMEOUT = 5152,
    /// The MQTT5 connection was interrupted because the user stopped the client.
    AWS_ERROR_MQTT5_USER_REQUESTED_STOP = 5153,
    /// The MQTT5 connection was interrupted because the server sent DISCONNECT.
    AWS_ERROR_MQTT5_DISCONNECT_RECEIVED = 5154,
    /// The MQTT5 client was shut down for good at the user's request.
    AWS_ERROR_MQTT5_CLIENT_TERMINATED = 5155,
    /// The MQTT5 operation failed on disconnection because the offline queue policy does not keep it.
    AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY = 5156,
    /// The encoded size cannot be computed for this MQTT5 packet type.
    AWS_ERROR_MQTT5_ENCODE_SIZE_UNSUPPORTED_PACKET_TYPE = 5157,
    /// An error occurred while the MQTT5 client was processing its queued operations.
    AWS_ERROR_MQTT5_OPERATION_PROCESSING_FAILURE = 5158,
    /// An incoming PUBLISH used a topic alias that is unknown or larger than allowed.
    AWS_ERROR_MQTT5_INVALID_INBOUND_TOPIC_ALIAS = 5159,
    /// An outgoing PUBLISH used a topic alias that is unknown or larger than allowed.
    AWS_ERROR_MQTT5_INVALID_OUTBOUND_TOPIC_ALIAS = 5160,
    /// An outgoing MQTT5 packet has invalid UTF-8 in a field that must hold UTF-8 text.
    AWS_ERROR_MQTT5_INVALID_UTF8_STRING = 5161,
    /// The MQTT3 adapter reset the MQTT5 connection so that new connection settings take effect.
    AWS_ERROR_MQTT_CONNECTION_RESET_FOR_ADAPTER_CONNECT = 5162,
    /// Resubscribe was requested, but there are no subscriptions to restore.
    AWS_ERROR_MQTT_CONNECTION_RESUBSCRIBE_NO_TOPICS = 5163,
    /// The MQTT subscribe operation failed.
    AWS_ERROR_MQTT_CONNECTION_SUBSCRIBE_FAILURE = 5164,
    /// An MQTT acknowledgement packet arrived with a failure reason code.
    AWS_ERROR_MQTT_ACK_REASON_CODE_FAILURE = 5165,
    /// The MQTT operation completed with a failure reason code.
    AWS_ERROR_MQTT_PROTOCOL_ADAPTER_FAILING_REASON_CODE = 5166,
    /// The request failed because the request-response client shut down.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_CLIENT_SHUT_DOWN = 5167,
    /// The request failed because no response arrived before the timeout.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_TIMEOUT = 5168,
    /// The streaming request failed because no free slot was left for its subscription.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_NO_SUBSCRIPTION_CAPACITY = 5169,
    /// The request failed because its subscribe failed immediately.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_SUBSCRIBE_FAILURE = 5170,
    /// The request failed because of an internal error in the request-response client.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_INTERNAL_ERROR = 5171,
    /// The request failed because its publish failed immediately.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_PUBLISH_FAILURE = 5172,
    /// The streaming operation cannot be activated because it is already active.
    AWS_ERROR_MQTT_REUQEST_RESPONSE_STREAM_ALREADY_ACTIVATED = 5173,
    /// The service answered the request with an error response defined in its model.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_MODELED_SERVICE_ERROR = 5174,
    /// The request failed because the response payload could not be parsed.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_PAYLOAD_PARSE_ERROR = 5175,
    /// The request failed because its response arrived on an unexpected topic.
    AWS_ERROR_MQTT_REQUEST_RESPONSE_INVALID_RESPONSE_PATH = 5176,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_ERROR_END_MQTT_RANGE = 6143,
}
crate::c_enum!(aws_mqtt_error);

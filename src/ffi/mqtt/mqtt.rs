//! `aws/mqtt/mqtt.h`: the MQTT error codes, log subjects, QoS and CONNACK return codes, topic
//! validation and library init.

use crate::client::iot_metrics::IotMetrics;
use crate::codec::{topic, utf8};
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_UTF8;
use crate::ffi::common::thread::aws_thread_join_all_managed;
use crate::ffi::guard::{self, Error};
use crate::ffi::http::http::{aws_http_library_clean_up, aws_http_library_init};
use crate::ffi::io::io::{aws_io_library_clean_up, aws_io_library_init};
use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

/// Quality of service of a publish or a subscription [MQTT-4.3].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt_qos {
    /// At most once: fire and forget.
    AWS_MQTT_QOS_AT_MOST_ONCE = 0,
    /// At least once: acknowledged by PUBACK.
    AWS_MQTT_QOS_AT_LEAST_ONCE = 1,
    /// Exactly once: the PUBREC, PUBREL, PUBCOMP exchange.
    AWS_MQTT_QOS_EXACTLY_ONCE = 2,
    /// Only in a SUBACK: the subscription was refused.
    AWS_MQTT_QOS_FAILURE = 0x80,
}

/// A C `enum aws_mqtt_qos` received from the caller.
pub type aws_mqtt_qos_raw = c_int;

/// The return code of an MQTT 3.1.1 CONNACK [MQTT-3.2.2.3].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt_connect_return_code {
    /// Connection accepted.
    AWS_MQTT_CONNECT_ACCEPTED = 0,
    /// The server does not support the protocol level the client asked for.
    AWS_MQTT_CONNECT_UNACCEPTABLE_PROTOCOL_VERSION = 1,
    /// The client identifier is well-formed but not allowed.
    AWS_MQTT_CONNECT_IDENTIFIER_REJECTED = 2,
    /// The network connection is up but the MQTT service is unavailable.
    AWS_MQTT_CONNECT_SERVER_UNAVAILABLE = 3,
    /// The user name or password is malformed.
    AWS_MQTT_CONNECT_BAD_USERNAME_OR_PASSWORD = 4,
    /// The client is not authorized to connect.
    AWS_MQTT_CONNECT_NOT_AUTHORIZED = 5,
}

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

/// Called to release user data a caller handed over with a callback (the C typedef lives in the
/// header's fragment).
pub type aws_mqtt_userdata_cleanup_fn = unsafe extern "C" fn(userdata: *mut c_void);

/// One key/value pair of the AWS IoT SDK metrics' "Metadata" field.
#[repr(C)]
pub struct aws_mqtt_metadata_entry {
    /// The key.
    pub key: aws_byte_cursor,
    /// The value.
    pub value: aws_byte_cursor,
}

/// The AWS IoT SDK metrics a connection appends to its user name.
#[repr(C)]
pub struct aws_mqtt_iot_metrics {
    /// The SDK's name ("SDK" attribute).
    pub library_name: aws_byte_cursor,
    /// How many entries `metadata_entries` holds.
    pub metadata_count: usize,
    /// Key/value pairs for the "Metadata" attribute.
    pub metadata_entries: *const aws_mqtt_metadata_entry,
}

/// Copies C metrics; `AWS_ERROR_MQTT5_INVALID_UTF8_STRING` unless the library name and
/// metadata are MQTT UTF-8.
///
/// # Safety
/// `m` must hold valid cursors and `metadata_count` valid entries.
pub(crate) unsafe fn iot_metrics(m: &aws_mqtt_iot_metrics) -> guard::Result<IotMetrics> {
    let text = |cursor: &aws_byte_cursor| -> guard::Result<String> {
        // SAFETY: forwarded caller contract.
        let bytes = unsafe { guard::bytes(cursor.ptr, cursor.len) }?;
        utf8::validate(bytes)
            .map_err(|_| Error::from(aws_mqtt_error::AWS_ERROR_MQTT5_INVALID_UTF8_STRING))?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    };
    let entries = if m.metadata_count == 0 {
        &[][..]
    } else {
        guard::require(!m.metadata_entries.is_null())?;
        // SAFETY: forwarded caller contract.
        unsafe { std::slice::from_raw_parts(m.metadata_entries, m.metadata_count) }
    };
    let mut metadata = Vec::with_capacity(entries.len());
    for e in entries {
        metadata.push((text(&e.key)?, text(&e.value)?));
    }
    Ok(IotMetrics {
        library_name: text(&m.library_name)?,
        metadata,
    })
}

/// True when `topic` is a valid topic name for a PUBLISH: 1 to 65535 bytes of MQTT UTF-8 with
/// no wildcard [MQTT-4.7].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_is_valid_topic(topic: *const aws_byte_cursor) -> bool {
    // SAFETY: the caller lends a valid cursor or NULL.
    guard::guard(false, || {
        Ok(topic::is_valid_name(unsafe { cursor_bytes(topic) }?))
    })
}

/// True when `topic_filter` is a valid topic filter for a SUBSCRIBE or UNSUBSCRIBE [MQTT-4.7].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_is_valid_topic_filter(
    topic_filter: *const aws_byte_cursor,
) -> bool {
    // SAFETY: the caller lends a valid cursor or NULL.
    guard::guard(false, || {
        Ok(topic::is_valid_filter(unsafe {
            cursor_bytes(topic_filter)
        }?))
    })
}

/// `AWS_OP_SUCCESS` when `text` is valid MQTT UTF-8 [MQTT-1.5.3]; otherwise `AWS_OP_ERR` with
/// `AWS_ERROR_INVALID_UTF8` for ill-formed bytes, or `AWS_ERROR_MQTT5_INVALID_UTF8_STRING` for
/// U+0000, a control character or a non-character.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_validate_utf8_text(text: aws_byte_cursor) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends `len` readable bytes at `ptr`.
        let bytes = unsafe { guard::bytes(text.ptr, text.len) }?;
        match utf8::validate(bytes) {
            Ok(_) => Ok(()),
            Err(utf8::Utf8Error::IllFormed) => Err(AWS_ERROR_INVALID_UTF8.into()),
            Err(utf8::Utf8Error::Disallowed(_)) => {
                Err(aws_mqtt_error::AWS_ERROR_MQTT5_INVALID_UTF8_STRING.into())
            }
        }
    })
}

/// The bytes a cursor lent by the caller covers; NULL is an invalid argument.
unsafe fn cursor_bytes<'a>(cursor: *const aws_byte_cursor) -> Result<&'a [u8], Error> {
    // SAFETY: forwarded caller contract.
    let c = unsafe { guard::reference(cursor) }?;
    unsafe { guard::bytes(c.ptr, c.len) }
}

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Initialises aws-c-mqtt and the libraries beneath it. Calls after the first do nothing.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt_library_init(allocator: *mut aws_allocator) {
    if !INITIALIZED.swap(true, Ordering::AcqRel) {
        aws_io_library_init(allocator);
        aws_http_library_init(allocator);
    }
}

/// Undoes [`aws_mqtt_library_init`] once the library's threads have finished.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt_library_clean_up() {
    if INITIALIZED.swap(false, Ordering::AcqRel) {
        aws_thread_join_all_managed();
        aws_http_library_clean_up();
        aws_io_library_clean_up();
    }
}

/// Aborts the process, after saying why on stderr, unless [`aws_mqtt_library_init`] was called.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt_fatal_assert_library_initialized() {
    if !INITIALIZED.load(Ordering::Acquire) {
        eprintln!(
            "aws_mqtt_library_init() must be called before using any functionality in aws-c-mqtt."
        );
        std::process::abort();
    }
}

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
crate::c_enum!(
    aws_mqtt_error,
    aws_mqtt_qos,
    aws_mqtt_connect_return_code,
    aws_mqtt_log_subject
);

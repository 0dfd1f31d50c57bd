//! `aws/mqtt/client.h`: the structs the 3.1.1 client API exchanges with its caller (connection
//! options, topic subscriptions, operation statistics) and its callback types (their C typedefs
//! live in the header's fragment).

use crate::ffi::common::array_list::aws_array_list;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::http::request_response::{aws_http_header, aws_http_message};
use crate::ffi::io::socket::aws_socket_options;
use crate::ffi::io::tls_channel_handler::aws_tls_connection_options;
use crate::ffi::mqtt::client_connection::aws_mqtt_client_connection;
use crate::ffi::mqtt::mqtt::{
    aws_mqtt_connect_return_code, aws_mqtt_qos, aws_mqtt_qos_raw, aws_mqtt_userdata_cleanup_fn,
};
use std::ffi::{c_int, c_void};

/// An operation completed (`aws_mqtt_op_complete_fn`).
pub type aws_mqtt_op_complete_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    packet_id: u16,
    error_code: c_int,
    userdata: *mut c_void,
);

/// The first connection of a connect succeeded or failed.
pub type aws_mqtt_client_on_connection_complete_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    error_code: c_int,
    return_code: aws_mqtt_connect_return_code,
    session_present: bool,
    userdata: *mut c_void,
);

/// A CONNACK accepted a connection attempt.
pub type aws_mqtt_client_on_connection_success_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    return_code: aws_mqtt_connect_return_code,
    session_present: bool,
    userdata: *mut c_void,
);

/// The first connection attempt failed.
pub type aws_mqtt_client_on_connection_failure_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    error_code: c_int,
    userdata: *mut c_void,
);

/// An established connection was lost.
pub type aws_mqtt_client_on_connection_interrupted_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    error_code: c_int,
    userdata: *mut c_void,
);

/// A disconnect finished (`data` is NULL).
pub type aws_mqtt_client_on_connection_closed_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    data: *mut c_void,
    userdata: *mut c_void,
);

/// A lost connection was re-established.
pub type aws_mqtt_client_on_connection_resumed_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    return_code: aws_mqtt_connect_return_code,
    session_present: bool,
    userdata: *mut c_void,
);

/// A SUBACK for several topics.
pub type aws_mqtt_suback_multi_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    packet_id: u16,
    topic_subacks: *const aws_array_list,
    error_code: c_int,
    userdata: *mut c_void,
);

/// A SUBACK for one topic.
pub type aws_mqtt_suback_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    packet_id: u16,
    topic: *const aws_byte_cursor,
    qos: aws_mqtt_qos,
    error_code: c_int,
    userdata: *mut c_void,
);

/// A PUBLISH arrived.
pub type aws_mqtt_client_publish_received_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    topic: *const aws_byte_cursor,
    payload: *const aws_byte_cursor,
    dup: bool,
    qos: aws_mqtt_qos,
    retain: bool,
    userdata: *mut c_void,
);

/// A user disconnect finished.
pub type aws_mqtt_client_on_disconnect_fn =
    unsafe extern "C" fn(connection: *mut aws_mqtt_client_connection, userdata: *mut c_void);

/// The connection's memory is gone.
pub type aws_mqtt_client_on_connection_termination_fn = unsafe extern "C" fn(userdata: *mut c_void);

/// The WebSocket handshake transform is done with `request` (`error_code` 0 on success).
pub type aws_mqtt_transform_websocket_handshake_complete_fn = unsafe extern "C" fn(
    request: *mut aws_http_message,
    error_code: c_int,
    complete_ctx: *mut c_void,
);

/// Rewrites the WebSocket upgrade request (to sign it, say), then calls `complete_fn`.
pub type aws_mqtt_transform_websocket_handshake_fn = unsafe extern "C" fn(
    request: *mut aws_http_message,
    user_data: *mut c_void,
    complete_fn: Option<aws_mqtt_transform_websocket_handshake_complete_fn>,
    complete_ctx: *mut c_void,
);

/// Checks the server's WebSocket upgrade answer: non-zero (with an error raised) refuses it.
pub type aws_mqtt_validate_websocket_handshake_fn = unsafe extern "C" fn(
    connection: *mut aws_mqtt_client_connection,
    header_array: *const aws_http_header,
    num_headers: usize,
    userdata: *mut c_void,
) -> c_int;

/// One topic filter of a subscribe, with its handler; also what a SUBACK reports per topic.
#[repr(C)]
pub struct aws_mqtt_topic_subscription {
    /// The topic filter.
    pub topic: aws_byte_cursor,
    /// The QoS asked for; in a SUBACK, the QoS granted or `AWS_MQTT_QOS_FAILURE`. Read as an
    /// integer: a caller's value outside the enum is `AWS_ERROR_MQTT_INVALID_QOS`.
    pub qos: aws_mqtt_qos_raw,
    /// Called with each message matching the filter.
    pub on_publish: Option<aws_mqtt_client_publish_received_fn>,
    /// Called with `on_publish_ud` once the subscription is gone.
    pub on_cleanup: Option<aws_mqtt_userdata_cleanup_fn>,
    /// Passed to `on_publish` and `on_cleanup`.
    pub on_publish_ud: *mut c_void,
}

/// How `aws_mqtt_client_connection_connect` connects.
#[repr(C)]
pub struct aws_mqtt_connection_options {
    /// The server's host name or address.
    pub host_name: aws_byte_cursor,
    /// The server's port.
    pub port: u32,
    /// Required: how the socket is made.
    pub socket_options: *mut aws_socket_options,
    /// TLS, or NULL for plain TCP.
    pub tls_options: *mut aws_tls_connection_options,
    /// The client identifier (MQTT UTF-8).
    pub client_id: aws_byte_cursor,
    /// Keep alive in seconds; 0: 1200.
    pub keep_alive_time_secs: u16,
    /// How long to wait for a PINGRESP (and a CONNACK); 0: 3000 ms.
    pub ping_timeout_ms: u32,
    /// How long an operation waits for its ACK once sent; 0: forever.
    pub protocol_operation_timeout_ms: u32,
    /// Called once the first connection succeeds or fails.
    pub on_connection_complete: Option<aws_mqtt_client_on_connection_complete_fn>,
    /// Passed to `on_connection_complete`.
    pub user_data: *mut c_void,
    /// Clean Session [MQTT-3.1.2.4].
    pub clean_session: bool,
}

/// What `aws_mqtt_client_connection_get_stats` reports.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct aws_mqtt_connection_operation_statistics {
    /// Operations submitted and not yet completed.
    pub incomplete_operation_count: u64,
    /// Their total packet size (upstream's estimate).
    pub incomplete_operation_size: u64,
    /// Operations sent and waiting for their ACK (a subset of the incomplete ones).
    pub unacked_operation_count: u64,
    /// Their total packet size.
    pub unacked_operation_size: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn the_structs_have_upstreams_layout() {
        assert_eq!(size_of::<aws_mqtt_topic_subscription>(), 48);
        assert_eq!(offset_of!(aws_mqtt_topic_subscription, on_publish_ud), 40);
        assert_eq!(size_of::<aws_mqtt_connection_options>(), 96);
        assert_eq!(offset_of!(aws_mqtt_connection_options, clean_session), 88);
        assert_eq!(size_of::<aws_mqtt_connection_operation_statistics>(), 32);
    }
}

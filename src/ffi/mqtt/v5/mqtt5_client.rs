//! `aws/mqtt/v5/mqtt5_client.h`: the MQTT 5 client's option and event types: its behaviour
//! enums, callback types (their C typedefs live in the header's fragment), the per-operation
//! completion options, the settings negotiated with a server, and the client's options.
//!
//! The client's functions join this header from their own files as they are written.

use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor};
use crate::ffi::http::proxy::aws_http_proxy_options;
use crate::ffi::http::request_response::aws_http_message;
use crate::ffi::io::channel_bootstrap::aws_client_bootstrap;
use crate::ffi::io::host_resolver::aws_host_resolution_config;
use crate::ffi::io::retry_strategy::aws_exponential_backoff_jitter_mode_raw;
use crate::ffi::io::socket::aws_socket_options;
use crate::ffi::io::tls_channel_handler::aws_tls_connection_options;
use crate::ffi::mqtt::mqtt::aws_mqtt_iot_metrics;
use crate::ffi::mqtt::v5::mqtt5_types::{
    aws_mqtt5_manual_publish_acknowledgement_result, aws_mqtt5_packet_type, aws_mqtt5_qos_raw,
};
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_connack_view, aws_mqtt5_packet_connect_view, aws_mqtt5_packet_disconnect_view,
    aws_mqtt5_packet_publish_view, aws_mqtt5_packet_suback_view, aws_mqtt5_packet_unsuback_view,
};
use std::ffi::{c_int, c_void};

pub use crate::ffi::mqtt::v5::client::aws_mqtt5_client;

/// How the client treats the session a server may hold for it across connections.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_client_session_behavior_type {
    /// The default: `AWS_MQTT5_CSBT_CLEAN`.
    AWS_MQTT5_CSBT_DEFAULT = 0,
    /// Start every connection with a clean session.
    AWS_MQTT5_CSBT_CLEAN = 1,
    /// Clean on the first connection; try to resume the session on every reconnect after a
    /// successful connection.
    AWS_MQTT5_CSBT_REJOIN_POST_SUCCESS = 2,
    /// Try to resume a session on every connection, the first included.
    AWS_MQTT5_CSBT_REJOIN_ALWAYS = 3,
}

/// A C `enum aws_mqtt5_client_session_behavior_type` received from the caller.
pub type aws_mqtt5_client_session_behavior_type_raw = c_int;

/// How the client uses topic aliases on the PUBLISHes it sends.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_client_outbound_topic_alias_behavior_type {
    /// The default: `AWS_MQTT5_COTABT_DISABLED`.
    AWS_MQTT5_COTABT_DEFAULT = 0,
    /// The user sets each PUBLISH's topic alias.
    AWS_MQTT5_COTABT_MANUAL = 1,
    /// The client assigns aliases, replacing the least recently used.
    AWS_MQTT5_COTABT_LRU = 2,
    /// No outbound topic aliases.
    AWS_MQTT5_COTABT_DISABLED = 3,
}

/// A C `enum aws_mqtt5_client_outbound_topic_alias_behavior_type` received from the caller.
pub type aws_mqtt5_client_outbound_topic_alias_behavior_type_raw = c_int;

/// Whether the client lets the server use topic aliases on the PUBLISHes it receives.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_client_inbound_topic_alias_behavior_type {
    /// The default: `AWS_MQTT5_CITABT_DISABLED`.
    AWS_MQTT5_CITABT_DEFAULT = 0,
    /// Allowed, up to the inbound cache size.
    AWS_MQTT5_CITABT_ENABLED = 1,
    /// Not allowed.
    AWS_MQTT5_CITABT_DISABLED = 2,
}

/// A C `enum aws_mqtt5_client_inbound_topic_alias_behavior_type` received from the caller.
pub type aws_mqtt5_client_inbound_topic_alias_behavior_type_raw = c_int;

/// Extra limits the client checks before sending, beyond the specification's.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_extended_validation_and_flow_control_options {
    /// Only the specification's rules.
    AWS_MQTT5_EVAFCO_NONE = 0,
    /// AWS IoT Core's default limits too: stricter checks on topics, client ids and lists, and
    /// outbound flow control (512 KiB/s, 100 PUBLISHes per second).
    AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS = 1,
}

/// A C `enum aws_mqtt5_extended_validation_and_flow_control_options` received from the caller.
pub type aws_mqtt5_extended_validation_and_flow_control_options_raw = c_int;

/// What happens to queued operations when the connection drops.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_client_operation_queue_behavior_type {
    /// The default: `AWS_MQTT5_COQBT_FAIL_QOS0_PUBLISH_ON_DISCONNECT`.
    AWS_MQTT5_COQBT_DEFAULT = 0,
    /// Keep QoS 1+ PUBLISHes for the next connection (unacknowledged ones first); fail the rest.
    AWS_MQTT5_COQBT_FAIL_NON_QOS1_PUBLISH_ON_DISCONNECT = 1,
    /// Fail incomplete QoS 0 PUBLISHes; resend unacknowledged QoS 1+ PUBLISHes first, then the
    /// other operations in their order.
    AWS_MQTT5_COQBT_FAIL_QOS0_PUBLISH_ON_DISCONNECT = 2,
    /// Fail every incomplete operation except the unacknowledged QoS 1+ PUBLISHes the
    /// specification requires to be resent.
    AWS_MQTT5_COQBT_FAIL_ALL_ON_DISCONNECT = 3,
}

/// A C `enum aws_mqtt5_client_operation_queue_behavior_type` received from the caller.
pub type aws_mqtt5_client_operation_queue_behavior_type_raw = c_int;

/// What a lifecycle event reports.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt5_client_lifecycle_event_type {
    /// A connection attempt starts.
    AWS_MQTT5_CLET_ATTEMPTING_CONNECT = 0,
    /// A CONNACK accepted the connection.
    AWS_MQTT5_CLET_CONNECTION_SUCCESS = 1,
    /// The attempt failed (the event carries the error, and the CONNACK if one came).
    AWS_MQTT5_CLET_CONNECTION_FAILURE = 2,
    /// An established connection ended (with the server's DISCONNECT if one came).
    AWS_MQTT5_CLET_DISCONNECTION = 3,
    /// The client stopped and will not reconnect until started again.
    AWS_MQTT5_CLET_STOPPED = 4,
}

/// A C `enum aws_mqtt5_client_lifecycle_event_type` received from the caller.
pub type aws_mqtt5_client_lifecycle_event_type_raw = c_int;

crate::c_enum!(
    aws_mqtt5_client_session_behavior_type,
    aws_mqtt5_client_outbound_topic_alias_behavior_type,
    aws_mqtt5_client_inbound_topic_alias_behavior_type,
    aws_mqtt5_extended_validation_and_flow_control_options,
    aws_mqtt5_client_operation_queue_behavior_type,
    aws_mqtt5_client_lifecycle_event_type
);

/// The WebSocket handshake transform is done with `request` (`error_code` 0 on success).
pub type aws_mqtt5_transform_websocket_handshake_complete_fn = unsafe extern "C" fn(
    request: *mut aws_http_message,
    error_code: c_int,
    complete_ctx: *mut c_void,
);

/// Rewrites the WebSocket upgrade request (to sign it, say), then calls `complete_fn`.
pub type aws_mqtt5_transform_websocket_handshake_fn = unsafe extern "C" fn(
    request: *mut aws_http_message,
    user_data: *mut c_void,
    complete_fn: Option<aws_mqtt5_transform_websocket_handshake_complete_fn>,
    complete_ctx: *mut c_void,
);

/// A lifecycle event happened.
pub type aws_mqtt5_client_connection_event_callback_fn =
    unsafe extern "C" fn(event: *const aws_mqtt5_client_lifecycle_event);

/// A PUBLISH completed: `packet` is NULL at QoS 0 and a PUBACK view at QoS 1 (`packet_type`
/// says which).
pub type aws_mqtt5_publish_completion_fn = unsafe extern "C" fn(
    packet_type: aws_mqtt5_packet_type,
    packet: *const c_void,
    error_code: c_int,
    complete_ctx: *mut c_void,
);

/// A manually acknowledged PUBLISH's PUBACK was sent, or could not be.
pub type aws_mqtt5_manual_publish_acknowledgement_completion_fn = unsafe extern "C" fn(
    publish_acknowledgement_result: aws_mqtt5_manual_publish_acknowledgement_result,
    completion_user_data: *mut c_void,
);

/// A SUBSCRIBE completed, with its SUBACK unless `error_code` says otherwise.
pub type aws_mqtt5_subscribe_completion_fn = unsafe extern "C" fn(
    suback: *const aws_mqtt5_packet_suback_view,
    error_code: c_int,
    complete_ctx: *mut c_void,
);

/// An UNSUBSCRIBE completed, with its UNSUBACK unless `error_code` says otherwise.
pub type aws_mqtt5_unsubscribe_completion_fn = unsafe extern "C" fn(
    unsuback: *const aws_mqtt5_packet_unsuback_view,
    error_code: c_int,
    complete_ctx: *mut c_void,
);

/// A PUBLISH arrived.
pub type aws_mqtt5_publish_received_fn =
    unsafe extern "C" fn(publish: *const aws_mqtt5_packet_publish_view, user_data: *mut c_void);

/// A PUBLISH arrived at a listener; returning true keeps it from the next listener and the
/// client's own handler.
pub type aws_mqtt5_listener_publish_received_fn = unsafe extern "C" fn(
    publish: *const aws_mqtt5_packet_publish_view,
    user_data: *mut c_void,
) -> bool;

/// A DISCONNECT asked for by `aws_mqtt5_client_stop` was sent, or could not be.
pub type aws_mqtt5_disconnect_completion_fn =
    unsafe extern "C" fn(error_code: c_int, complete_ctx: *mut c_void);

/// The client's memory is gone.
pub type aws_mqtt5_client_termination_completion_fn =
    unsafe extern "C" fn(complete_ctx: *mut c_void);

/// How the client uses topic aliases.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_client_topic_alias_options {
    /// Aliases on the PUBLISHes the client sends.
    pub outbound_topic_alias_behavior: aws_mqtt5_client_outbound_topic_alias_behavior_type_raw,
    /// The LRU cache size for outbound aliases, when the client assigns them.
    pub outbound_alias_cache_max_size: u16,
    /// Aliases on the PUBLISHes the client receives.
    pub inbound_topic_alias_behavior: aws_mqtt5_client_inbound_topic_alias_behavior_type_raw,
    /// How many inbound aliases the client accepts (its CONNECT's Topic Alias Maximum).
    pub inbound_alias_cache_size: u16,
}

/// What `aws_mqtt5_client_publish` calls when the PUBLISH completes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_publish_completion_options {
    /// Called once, or NULL.
    pub completion_callback: Option<aws_mqtt5_publish_completion_fn>,
    /// Passed to `completion_callback`.
    pub completion_user_data: *mut c_void,
    /// This operation's ACK timeout in seconds; 0 keeps the client's.
    pub ack_timeout_seconds_override: u32,
}

/// What `aws_mqtt5_client_invoke_publish_acknowledgement` calls when its PUBACK is done.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_manual_publish_acknowledgement_completion_options {
    /// Called once, or NULL.
    pub completion_callback: Option<aws_mqtt5_manual_publish_acknowledgement_completion_fn>,
    /// Passed to `completion_callback`.
    pub completion_user_data: *mut c_void,
}

/// What `aws_mqtt5_client_subscribe` calls when the SUBSCRIBE completes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_subscribe_completion_options {
    /// Called once, or NULL.
    pub completion_callback: Option<aws_mqtt5_subscribe_completion_fn>,
    /// Passed to `completion_callback`.
    pub completion_user_data: *mut c_void,
    /// This operation's ACK timeout in seconds; 0 keeps the client's.
    pub ack_timeout_seconds_override: u32,
}

/// What `aws_mqtt5_client_unsubscribe` calls when the UNSUBSCRIBE completes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_unsubscribe_completion_options {
    /// Called once, or NULL.
    pub completion_callback: Option<aws_mqtt5_unsubscribe_completion_fn>,
    /// Passed to `completion_callback`.
    pub completion_user_data: *mut c_void,
    /// This operation's ACK timeout in seconds; 0 keeps the client's.
    pub ack_timeout_seconds_override: u32,
}

/// What `aws_mqtt5_client_stop` calls when its DISCONNECT is done.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_disconnect_completion_options {
    /// Called once, or NULL.
    pub completion_callback: Option<aws_mqtt5_disconnect_completion_fn>,
    /// Passed to `completion_callback`.
    pub completion_user_data: *mut c_void,
}

/// The settings in force on a connection: the client's CONNECT combined with the server's
/// CONNACK (a property the CONNACK leaves out takes the specification's default).
#[repr(C)]
pub struct aws_mqtt5_negotiated_settings {
    /// The highest QoS the server accepts.
    pub maximum_qos: aws_mqtt5_qos_raw,
    /// The Session Expiry Interval in force.
    pub session_expiry_interval: u32,
    /// How many unacknowledged QoS 1+ PUBLISHes the server accepts at once.
    pub receive_maximum_from_server: u16,
    /// The largest packet the server accepts.
    pub maximum_packet_size_to_server: u32,
    /// How many topic aliases the client may use towards the server.
    pub topic_alias_maximum_to_server: u16,
    /// How many topic aliases the server may use towards the client.
    pub topic_alias_maximum_to_client: u16,
    /// The Keep Alive in force, in seconds.
    pub server_keep_alive: u16,
    /// Whether the server supports retained messages.
    pub retain_available: bool,
    /// Whether the server supports wildcard subscriptions.
    pub wildcard_subscriptions_available: bool,
    /// Whether the server supports subscription identifiers.
    pub subscription_identifiers_available: bool,
    /// Whether the server supports shared subscriptions.
    pub shared_subscriptions_available: bool,
    /// Whether the connection resumed an existing session.
    pub rejoined_session: bool,
    /// The client identifier in force (the server may have assigned it); owned.
    pub client_id_storage: aws_byte_buf,
}

/// What `aws_mqtt5_client_get_stats` reports.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct aws_mqtt5_client_operation_statistics {
    /// Operations submitted and not yet completed.
    pub incomplete_operation_count: u64,
    /// Their total packet size.
    pub incomplete_operation_size: u64,
    /// Operations sent and waiting for their ACK (a subset of the incomplete ones).
    pub unacked_operation_count: u64,
    /// Their total packet size.
    pub unacked_operation_size: u64,
}

/// A change in the client's connection, handed to the lifecycle event handler.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_client_lifecycle_event {
    /// What happened.
    pub event_type: aws_mqtt5_client_lifecycle_event_type,
    /// The client it happened to.
    pub client: *mut aws_mqtt5_client,
    /// Why a connection failed or ended; 0 otherwise.
    pub error_code: c_int,
    /// The handler's user data.
    pub user_data: *mut c_void,
    /// The CONNACK, on success and on a failure that got one; NULL otherwise.
    pub connack_data: *const aws_mqtt5_packet_connack_view,
    /// The negotiated settings, on success; NULL otherwise.
    pub settings: *const aws_mqtt5_negotiated_settings,
    /// The server's DISCONNECT, on a disconnection it caused; NULL otherwise.
    pub disconnect_data: *const aws_mqtt5_packet_disconnect_view,
}

/// Everything `aws_mqtt5_client_new` needs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_client_options {
    /// The server's host name or address.
    pub host_name: aws_byte_cursor,
    /// The server's port.
    pub port: u32,
    /// Required: where the client's event loop and host resolver come from.
    pub bootstrap: *mut aws_client_bootstrap,
    /// Required: how the socket is made.
    pub socket_options: *const aws_socket_options,
    /// TLS, or NULL for a plain connection.
    pub tls_options: *const aws_tls_connection_options,
    /// An HTTP proxy to tunnel through, or NULL.
    pub http_proxy_options: *const aws_http_proxy_options,
    /// Set to connect over WebSockets: rewrites each upgrade request.
    pub websocket_handshake_transform: Option<aws_mqtt5_transform_websocket_handshake_fn>,
    /// Passed to `websocket_handshake_transform`.
    pub websocket_handshake_transform_user_data: *mut c_void,
    /// Required: the CONNECT every connection attempt sends.
    pub connect_options: *const aws_mqtt5_packet_connect_view,
    /// What to do with the server's session across connections.
    pub session_behavior: aws_mqtt5_client_session_behavior_type_raw,
    /// Extra checks beyond the specification's.
    pub extended_validation_and_flow_control_options:
        aws_mqtt5_extended_validation_and_flow_control_options_raw,
    /// What happens to queued operations on a disconnection.
    pub offline_queue_behavior: aws_mqtt5_client_operation_queue_behavior_type_raw,
    /// How reconnect delays are randomised.
    pub retry_jitter_mode: aws_exponential_backoff_jitter_mode_raw,
    /// The shortest reconnect delay; 0 takes the default (1000 ms).
    pub min_reconnect_delay_ms: u64,
    /// The longest reconnect delay; 0 takes the default (120000 ms).
    pub max_reconnect_delay_ms: u64,
    /// How long a connection must last before the reconnect delay starts over; 0 takes the
    /// default (30000 ms).
    pub min_connected_time_to_reset_reconnect_delay_ms: u64,
    /// How long to wait for a PINGRESP; 0 takes the default (30000 ms).
    pub ping_timeout_ms: u32,
    /// How long to wait for the CONNACK; 0 takes the default (20000 ms).
    pub connack_timeout_ms: u32,
    /// How long an operation waits for its ACK, in seconds; 0 takes the default (60).
    pub ack_timeout_seconds: u32,
    /// Topic alias behaviour, or NULL for the defaults.
    pub topic_aliasing_options: *const aws_mqtt5_client_topic_alias_options,
    /// Called with each PUBLISH no listener took.
    pub publish_received_handler: Option<aws_mqtt5_publish_received_fn>,
    /// Passed to `publish_received_handler`.
    pub publish_received_handler_user_data: *mut c_void,
    /// Called with each lifecycle event.
    pub lifecycle_event_handler: Option<aws_mqtt5_client_connection_event_callback_fn>,
    /// Passed to `lifecycle_event_handler` (as the event's `user_data`).
    pub lifecycle_event_handler_user_data: *mut c_void,
    /// Called once the client's memory is gone.
    pub client_termination_handler: Option<aws_mqtt5_client_termination_completion_fn>,
    /// Passed to `client_termination_handler`.
    pub client_termination_handler_user_data: *mut c_void,
    /// How the server's host name is resolved, or NULL for the bootstrap's.
    pub host_resolution_override: *mut aws_host_resolution_config,
    /// SDK metrics to append to the CONNECT's user name, or NULL.
    pub metrics: *const aws_mqtt_iot_metrics,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn the_client_options_have_upstreams_layout() {
        assert_eq!(size_of::<aws_mqtt5_client_options>(), 208);
        assert_eq!(offset_of!(aws_mqtt5_client_options, retry_jitter_mode), 92);
        assert_eq!(offset_of!(aws_mqtt5_client_options, metrics), 200);
        assert_eq!(size_of::<aws_mqtt5_negotiated_settings>(), 64);
        assert_eq!(size_of::<aws_mqtt5_client_lifecycle_event>(), 56);
    }
}

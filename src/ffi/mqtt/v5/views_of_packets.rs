//! The MQTT 5 client's way out: a codec packet shown to a C callback as a packet view, for the
//! length of one call. The view points into the packet's own strings and bytes; what the codec
//! keeps in another shape (small integers the view wants as C enums or bools, cursors for
//! optional strings, the user property and reason code arrays) is built for the call, on the
//! stack or in a Vec that the call outlives. Nothing is copied that the view can borrow.

use crate::codec::properties::Properties;
use crate::codec::{Connack, Disconnect, PubAck, Publish, Suback, Unsuback};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_connack_view, aws_mqtt5_packet_disconnect_view, aws_mqtt5_packet_puback_view,
    aws_mqtt5_packet_publish_view, aws_mqtt5_packet_suback_view, aws_mqtt5_packet_unsuback_view,
    aws_mqtt5_user_property,
};
use std::ffi::c_int;
use std::ptr;

/// A pointer to an optional value, NULL when absent: how a view says "not present".
fn optional<T>(value: &Option<T>) -> *const T {
    value.as_ref().map_or(ptr::null(), ptr::from_ref)
}

/// A pointer to an array's first item, NULL when it has none.
fn array<T>(items: &[T]) -> *const T {
    if items.is_empty() {
        ptr::null()
    } else {
        items.as_ptr()
    }
}

/// A cursor over a string the packet owns.
fn cursor(text: &str) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(text.as_bytes())
}

/// A cursor over an optional binary value the packet owns.
fn optional_cursor(value: Option<&[u8]>) -> Option<aws_byte_cursor> {
    value.map(aws_byte_cursor::from_slice)
}

/// A cursor over an optional string the packet owns.
fn text(value: &Option<String>) -> Option<aws_byte_cursor> {
    optional_cursor(value.as_deref().map(str::as_bytes))
}

/// The packet's user properties as the view's array of cursor pairs.
fn user_properties(properties: &Properties) -> Vec<aws_mqtt5_user_property> {
    properties
        .user_properties
        .iter()
        .map(|(name, value)| aws_mqtt5_user_property {
            name: cursor(name),
            value: cursor(value),
        })
        .collect()
}

/// A one-byte flag property as the view's bool.
fn flag(value: Option<u8>) -> Option<bool> {
    value.map(|v| v != 0)
}

/// Calls `f` with a PUBLISH view of `p` (a message received, or one being completed).
pub fn with_publish_view<R>(p: &Publish, f: impl FnOnce(&aws_mqtt5_packet_publish_view) -> R) -> R {
    let props = &p.properties;
    let payload_format = props.payload_format_indicator.map(c_int::from);
    let response_topic = text(&props.response_topic);
    let correlation_data = optional_cursor(props.correlation_data.as_deref());
    let content_type = text(&props.content_type);
    let user_properties = user_properties(props);
    let view = aws_mqtt5_packet_publish_view {
        payload: aws_byte_cursor::from_slice(&p.payload),
        packet_id: p.packet_id,
        qos: p.qos as c_int,
        duplicate: p.dup,
        retain: p.retain,
        topic: cursor(&p.topic),
        payload_format: optional(&payload_format),
        message_expiry_interval_seconds: optional(&props.message_expiry_interval),
        topic_alias: optional(&props.topic_alias),
        response_topic: optional(&response_topic),
        correlation_data: optional(&correlation_data),
        subscription_identifier_count: props.subscription_identifiers.len(),
        subscription_identifiers: array(&props.subscription_identifiers),
        content_type: optional(&content_type),
        user_property_count: user_properties.len(),
        user_properties: array(&user_properties),
    };
    f(&view)
}

/// Calls `f` with a CONNACK view of `p`.
pub fn with_connack_view<R>(p: &Connack, f: impl FnOnce(&aws_mqtt5_packet_connack_view) -> R) -> R {
    let props = &p.properties;
    let maximum_qos = props.maximum_qos.map(c_int::from);
    let retain_available = flag(props.retain_available);
    let wildcard = flag(props.wildcard_subscription_available);
    let identifiers = flag(props.subscription_identifiers_available);
    let shared = flag(props.shared_subscription_available);
    let assigned_client_identifier = text(&props.assigned_client_identifier);
    let reason_string = text(&props.reason_string);
    let response_information = text(&props.response_information);
    let server_reference = text(&props.server_reference);
    let authentication_method = text(&props.authentication_method);
    let authentication_data = optional_cursor(props.authentication_data.as_deref());
    let user_properties = user_properties(props);
    let view = aws_mqtt5_packet_connack_view {
        session_present: p.session_present,
        reason_code: c_int::from(p.reason_code),
        session_expiry_interval: optional(&props.session_expiry_interval),
        receive_maximum: optional(&props.receive_maximum),
        maximum_qos: optional(&maximum_qos),
        retain_available: optional(&retain_available),
        maximum_packet_size: optional(&props.maximum_packet_size),
        assigned_client_identifier: optional(&assigned_client_identifier),
        topic_alias_maximum: optional(&props.topic_alias_maximum),
        reason_string: optional(&reason_string),
        user_property_count: user_properties.len(),
        user_properties: array(&user_properties),
        wildcard_subscriptions_available: optional(&wildcard),
        subscription_identifiers_available: optional(&identifiers),
        shared_subscriptions_available: optional(&shared),
        server_keep_alive: optional(&props.server_keep_alive),
        response_information: optional(&response_information),
        server_reference: optional(&server_reference),
        authentication_method: optional(&authentication_method),
        authentication_data: optional(&authentication_data),
    };
    f(&view)
}

/// Calls `f` with a DISCONNECT view of `p` (the server's, or the one the client sent).
pub fn with_disconnect_view<R>(
    p: &Disconnect,
    f: impl FnOnce(&aws_mqtt5_packet_disconnect_view) -> R,
) -> R {
    let props = &p.properties;
    let reason_string = text(&props.reason_string);
    let server_reference = text(&props.server_reference);
    let user_properties = user_properties(props);
    let view = aws_mqtt5_packet_disconnect_view {
        reason_code: c_int::from(p.reason_code),
        session_expiry_interval_seconds: optional(&props.session_expiry_interval),
        reason_string: optional(&reason_string),
        user_property_count: user_properties.len(),
        user_properties: array(&user_properties),
        server_reference: optional(&server_reference),
    };
    f(&view)
}

/// Calls `f` with a PUBACK view of `p`.
pub fn with_puback_view<R>(p: &PubAck, f: impl FnOnce(&aws_mqtt5_packet_puback_view) -> R) -> R {
    let props = &p.properties;
    let reason_string = text(&props.reason_string);
    let user_properties = user_properties(props);
    let view = aws_mqtt5_packet_puback_view {
        packet_id: p.packet_id,
        reason_code: c_int::from(p.reason_code),
        reason_string: optional(&reason_string),
        user_property_count: user_properties.len(),
        user_properties: array(&user_properties),
    };
    f(&view)
}

/// SUBACK and UNSUBACK: packets with the same fields, shown as views with the same fields.
macro_rules! with_ack_view {
    ($(#[$doc:meta])* $name:ident, $packet:ty, $view:ident) => {
        $(#[$doc])*
        pub fn $name<R>(p: &$packet, f: impl FnOnce(&$view) -> R) -> R {
            let props = &p.properties;
            let reason_string = text(&props.reason_string);
            let user_properties = user_properties(props);
            let reason_codes: Vec<c_int> =
                p.reason_codes.iter().map(|&c| c_int::from(c)).collect();
            let view = $view {
                packet_id: p.packet_id,
                reason_string: optional(&reason_string),
                user_property_count: user_properties.len(),
                user_properties: array(&user_properties),
                reason_code_count: reason_codes.len(),
                reason_codes: array(&reason_codes),
            };
            f(&view)
        }
    };
}

with_ack_view!(
    /// Calls `f` with a SUBACK view of `p`.
    with_suback_view,
    Suback,
    aws_mqtt5_packet_suback_view
);

with_ack_view!(
    /// Calls `f` with an UNSUBACK view of `p`.
    with_unsuback_view,
    Unsuback,
    aws_mqtt5_packet_unsuback_view
);

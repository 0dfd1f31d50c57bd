//! `aws/mqtt/v5/mqtt5_types.h`: the packet views, the read-only C picture of an MQTT 5 packet
//! that the client API exchanges with its caller.
//!
//! A view owns nothing: its cursors and pointers lend memory that belongs to whoever built the
//! view, for as long as the call (or callback) that receives it lasts. An optional property is a
//! pointer, NULL when the property is absent; a list is a count and a pointer to its first item.
//! Enum fields are read as integers (`*_raw`) because a caller may put any value there.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::ref_count::aws_ref_count;
use crate::ffi::mqtt::v5::mqtt5_types::{
    aws_mqtt5_connect_reason_code_raw, aws_mqtt5_disconnect_reason_code_raw, aws_mqtt5_packet_id_t,
    aws_mqtt5_payload_format_indicator_raw, aws_mqtt5_puback_reason_code_raw, aws_mqtt5_qos_raw,
    aws_mqtt5_retain_handling_type_raw, aws_mqtt5_suback_reason_code_raw,
    aws_mqtt5_unsuback_reason_code_raw,
};

/// A User Property [MQTT-3.1.2.11.8]: a name and a value, both MQTT UTF-8 strings.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_user_property {
    /// The property's name.
    pub name: aws_byte_cursor,
    /// The property's value.
    pub value: aws_byte_cursor,
}

/// One topic filter of a SUBSCRIBE, with its subscription options [MQTT-3.8.3.1].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_subscription_view {
    /// The topic filter.
    pub topic_filter: aws_byte_cursor,
    /// The highest QoS the subscriber accepts; the server may grant less.
    pub qos: aws_mqtt5_qos_raw,
    /// Do not receive the messages this client publishes itself.
    pub no_local: bool,
    /// Keep the RETAIN flag of forwarded messages as the publisher set it.
    pub retain_as_published: bool,
    /// Whether subscribing makes the server send matching retained messages.
    pub retain_handling_type: aws_mqtt5_retain_handling_type_raw,
}

/// A DISCONNECT packet [MQTT-3.14].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_disconnect_view {
    /// Why the connection ends.
    pub reason_code: aws_mqtt5_disconnect_reason_code_raw,
    /// The new Session Expiry Interval, or NULL to keep the CONNECT's.
    pub session_expiry_interval_seconds: *const u32,
    /// A human-readable reason, or NULL.
    pub reason_string: *const aws_byte_cursor,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
    /// Another server the client may use (sent by servers only), or NULL.
    pub server_reference: *const aws_byte_cursor,
}

/// A SUBSCRIBE packet [MQTT-3.8].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_subscribe_view {
    /// The packet identifier; the client assigns it, so a caller leaves it 0.
    pub packet_id: aws_mqtt5_packet_id_t,
    /// How many items `subscriptions` holds.
    pub subscription_count: usize,
    /// The topic filters and their options.
    pub subscriptions: *const aws_mqtt5_subscription_view,
    /// The Subscription Identifier, or NULL.
    pub subscription_identifier: *const u32,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
}

/// An UNSUBSCRIBE packet [MQTT-3.10].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_unsubscribe_view {
    /// The packet identifier; the client assigns it, so a caller leaves it 0.
    pub packet_id: aws_mqtt5_packet_id_t,
    /// How many items `topic_filters` holds.
    pub topic_filter_count: usize,
    /// The topic filters to remove.
    pub topic_filters: *const aws_byte_cursor,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
}

/// A PUBLISH packet [MQTT-3.3], sent or received.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_publish_view {
    /// The application message.
    pub payload: aws_byte_cursor,
    /// The packet identifier, meaningful only at QoS 1 and 2.
    pub packet_id: aws_mqtt5_packet_id_t,
    /// The delivery guarantee.
    pub qos: aws_mqtt5_qos_raw,
    /// The DUP flag: this is a redelivery (never on a first attempt or at QoS 0).
    pub duplicate: bool,
    /// The RETAIN flag.
    pub retain: bool,
    /// The topic name; may be empty when `topic_alias` names the topic.
    pub topic: aws_byte_cursor,
    /// The Payload Format Indicator, or NULL.
    pub payload_format: *const aws_mqtt5_payload_format_indicator_raw,
    /// The Message Expiry Interval, or NULL.
    pub message_expiry_interval_seconds: *const u32,
    /// The Topic Alias, or NULL.
    pub topic_alias: *const u16,
    /// The Response Topic, or NULL.
    pub response_topic: *const aws_byte_cursor,
    /// The Correlation Data, or NULL.
    pub correlation_data: *const aws_byte_cursor,
    /// How many items `subscription_identifiers` holds (received messages only).
    pub subscription_identifier_count: usize,
    /// The Subscription Identifiers of the subscriptions that matched (received messages only:
    /// a client sending a PUBLISH never sets them).
    pub subscription_identifiers: *const u32,
    /// The Content Type, or NULL.
    pub content_type: *const aws_byte_cursor,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
}

/// A CONNECT packet [MQTT-3.1].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_connect_view {
    /// The Keep Alive in seconds; 0 turns keep-alive off.
    pub keep_alive_interval_seconds: u16,
    /// The Client Identifier; empty asks the server to assign one.
    pub client_id: aws_byte_cursor,
    /// The User Name, or NULL.
    pub username: *const aws_byte_cursor,
    /// The Password, or NULL.
    pub password: *const aws_byte_cursor,
    /// The Clean Start flag.
    pub clean_start: bool,
    /// The Session Expiry Interval, or NULL (0: the session ends with the connection).
    pub session_expiry_interval_seconds: *const u32,
    /// Request Response Information (0 or 1), or NULL.
    pub request_response_information: *const u8,
    /// Request Problem Information (0 or 1), or NULL.
    pub request_problem_information: *const u8,
    /// The Receive Maximum, or NULL.
    pub receive_maximum: *const u16,
    /// The Topic Alias Maximum, or NULL.
    pub topic_alias_maximum: *const u16,
    /// The Maximum Packet Size, or NULL.
    pub maximum_packet_size_bytes: *const u32,
    /// The Will Delay Interval, or NULL.
    pub will_delay_interval_seconds: *const u32,
    /// The Will Message, or NULL.
    pub will: *const aws_mqtt5_packet_publish_view,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
    /// The Authentication Method, or NULL (enhanced authentication).
    pub authentication_method: *const aws_byte_cursor,
    /// The Authentication Data, or NULL (enhanced authentication).
    pub authentication_data: *const aws_byte_cursor,
}

/// A CONNACK packet [MQTT-3.2].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_connack_view {
    /// The Session Present flag.
    pub session_present: bool,
    /// Whether the server accepted the connection, and why not.
    pub reason_code: aws_mqtt5_connect_reason_code_raw,
    /// The Session Expiry Interval the server decided, or NULL.
    pub session_expiry_interval: *const u32,
    /// The server's Receive Maximum, or NULL.
    pub receive_maximum: *const u16,
    /// The Maximum QoS, or NULL.
    pub maximum_qos: *const aws_mqtt5_qos_raw,
    /// Retain Available, or NULL.
    pub retain_available: *const bool,
    /// The server's Maximum Packet Size, or NULL.
    pub maximum_packet_size: *const u32,
    /// The Assigned Client Identifier, or NULL.
    pub assigned_client_identifier: *const aws_byte_cursor,
    /// The server's Topic Alias Maximum, or NULL.
    pub topic_alias_maximum: *const u16,
    /// The Reason String, or NULL.
    pub reason_string: *const aws_byte_cursor,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
    /// Wildcard Subscription Available, or NULL.
    pub wildcard_subscriptions_available: *const bool,
    /// Subscription Identifiers Available, or NULL.
    pub subscription_identifiers_available: *const bool,
    /// Shared Subscription Available, or NULL.
    pub shared_subscriptions_available: *const bool,
    /// The Server Keep Alive, or NULL.
    pub server_keep_alive: *const u16,
    /// The Response Information, or NULL.
    pub response_information: *const aws_byte_cursor,
    /// The Server Reference, or NULL.
    pub server_reference: *const aws_byte_cursor,
    /// The Authentication Method, or NULL.
    pub authentication_method: *const aws_byte_cursor,
    /// The Authentication Data, or NULL.
    pub authentication_data: *const aws_byte_cursor,
}

/// A PUBACK packet [MQTT-3.4].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_puback_view {
    /// The packet identifier of the PUBLISH acknowledged.
    pub packet_id: aws_mqtt5_packet_id_t,
    /// The outcome.
    pub reason_code: aws_mqtt5_puback_reason_code_raw,
    /// The Reason String, or NULL.
    pub reason_string: *const aws_byte_cursor,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
}

/// A received QoS 1 PUBLISH whose PUBACK the user took over, as the client tracks it.
#[repr(C)]
pub struct aws_mqtt5_manual_pub_ack_entry {
    /// Where the entry came from.
    pub allocator: *mut aws_allocator,
    /// Keeps the entry alive while either of the client's tables holds it.
    pub ref_count: aws_ref_count,
    /// The id handed to the user, which names this entry later.
    pub pub_ack_control_id: u64,
    /// The packet identifier of the PUBLISH to acknowledge.
    pub packet_id: u16,
}

/// A SUBACK packet [MQTT-3.9].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_suback_view {
    /// The packet identifier of the SUBSCRIBE acknowledged.
    pub packet_id: aws_mqtt5_packet_id_t,
    /// The Reason String, or NULL.
    pub reason_string: *const aws_byte_cursor,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
    /// How many items `reason_codes` holds: one per topic filter of the SUBSCRIBE.
    pub reason_code_count: usize,
    /// The outcome of each subscription, in the SUBSCRIBE's order.
    pub reason_codes: *const aws_mqtt5_suback_reason_code_raw,
}

/// An UNSUBACK packet [MQTT-3.11].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_packet_unsuback_view {
    /// The packet identifier of the UNSUBSCRIBE acknowledged.
    pub packet_id: aws_mqtt5_packet_id_t,
    /// The Reason String, or NULL.
    pub reason_string: *const aws_byte_cursor,
    /// How many items `user_properties` holds.
    pub user_property_count: usize,
    /// The User Properties.
    pub user_properties: *const aws_mqtt5_user_property,
    /// How many items `reason_codes` holds: one per topic filter of the UNSUBSCRIBE.
    pub reason_code_count: usize,
    /// The outcome of each topic filter, in the UNSUBSCRIBE's order.
    pub reason_codes: *const aws_mqtt5_unsuback_reason_code_raw,
}

//! `aws/mqtt/v5/mqtt5_packet_storage.h`: owning copies of the packet views. Each storage struct
//! holds a `storage_view` whose pointers lead into the struct itself (its optional fields, its
//! lists) and into one byte buffer holding every string and binary value; so a storage struct
//! must not move while its view is in use. The functions that fill and free them live beside
//! this file, one packet per file.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::aws_array_list;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor};
use crate::ffi::mqtt::v5::mqtt5_types::{
    aws_mqtt5_payload_format_indicator_raw, aws_mqtt5_qos_raw,
};
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_connack_view, aws_mqtt5_packet_connect_view, aws_mqtt5_packet_disconnect_view,
    aws_mqtt5_packet_puback_view, aws_mqtt5_packet_publish_view, aws_mqtt5_packet_suback_view,
    aws_mqtt5_packet_subscribe_view, aws_mqtt5_packet_unsuback_view,
    aws_mqtt5_packet_unsubscribe_view,
};

/// The client's own copy of its options (upstream passes it to `connect_storage_init`, which
/// ignores it). Opaque.
pub struct aws_mqtt5_client_options_storage {
    _opaque: [u8; 0],
}

/// A list of user properties whose names and values live in a storage buffer.
#[repr(C)]
pub struct aws_mqtt5_user_property_set {
    /// The `struct aws_mqtt5_user_property` items.
    pub properties: aws_array_list,
}

/// An owning copy of a CONNECT.
#[repr(C)]
pub struct aws_mqtt5_packet_connect_storage {
    /// Where the copy's memory came from.
    pub allocator: *mut aws_allocator,
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_connect_view,
    /// The User Name, when present.
    pub username: aws_byte_cursor,
    /// The Password, when present.
    pub password: aws_byte_cursor,
    /// The Session Expiry Interval, when present.
    pub session_expiry_interval_seconds: u32,
    /// Request Response Information, when present.
    pub request_response_information: u8,
    /// Request Problem Information, when present.
    pub request_problem_information: u8,
    /// The Receive Maximum, when present.
    pub receive_maximum: u16,
    /// The Topic Alias Maximum, when present.
    pub topic_alias_maximum: u16,
    /// The Maximum Packet Size, when present.
    pub maximum_packet_size_bytes: u32,
    /// The Will Message, allocated separately; NULL when absent.
    pub will: *mut aws_mqtt5_packet_publish_storage,
    /// The Will Delay Interval, when present.
    pub will_delay_interval_seconds: u32,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// The Authentication Method, when present.
    pub authentication_method: aws_byte_cursor,
    /// The Authentication Data, when present.
    pub authentication_data: aws_byte_cursor,
    /// Every string and binary value of the copy.
    pub storage: aws_byte_buf,
}

/// An owning copy of a CONNACK.
#[repr(C)]
pub struct aws_mqtt5_packet_connack_storage {
    /// Where the copy's memory came from.
    pub allocator: *mut aws_allocator,
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_connack_view,
    /// The Session Expiry Interval, when present.
    pub session_expiry_interval: u32,
    /// The Receive Maximum, when present.
    pub receive_maximum: u16,
    /// The Maximum QoS, when present.
    pub maximum_qos: aws_mqtt5_qos_raw,
    /// Retain Available, when present.
    pub retain_available: bool,
    /// The Maximum Packet Size, when present.
    pub maximum_packet_size: u32,
    /// The Assigned Client Identifier, when present.
    pub assigned_client_identifier: aws_byte_cursor,
    /// The Topic Alias Maximum, when present.
    pub topic_alias_maximum: u16,
    /// The Reason String, when present.
    pub reason_string: aws_byte_cursor,
    /// Wildcard Subscription Available, when present.
    pub wildcard_subscriptions_available: bool,
    /// Subscription Identifiers Available, when present.
    pub subscription_identifiers_available: bool,
    /// Shared Subscription Available, when present.
    pub shared_subscriptions_available: bool,
    /// The Server Keep Alive, when present.
    pub server_keep_alive: u16,
    /// The Response Information, when present.
    pub response_information: aws_byte_cursor,
    /// The Server Reference, when present.
    pub server_reference: aws_byte_cursor,
    /// The Authentication Method, when present.
    pub authentication_method: aws_byte_cursor,
    /// The Authentication Data, when present.
    pub authentication_data: aws_byte_cursor,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// Every string and binary value of the copy.
    pub storage: aws_byte_buf,
}

/// An owning copy of a SUBACK.
#[repr(C)]
pub struct aws_mqtt5_packet_suback_storage {
    /// Where the copy's memory came from.
    pub allocator: *mut aws_allocator,
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_suback_view,
    /// The Reason String, when present.
    pub reason_string: aws_byte_cursor,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// The `enum aws_mqtt5_suback_reason_code` items.
    pub reason_codes: aws_array_list,
    /// Every string value of the copy.
    pub storage: aws_byte_buf,
}

/// An owning copy of an UNSUBACK.
#[repr(C)]
pub struct aws_mqtt5_packet_unsuback_storage {
    /// Where the copy's memory came from.
    pub allocator: *mut aws_allocator,
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_unsuback_view,
    /// The Reason String, when present.
    pub reason_string: aws_byte_cursor,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// The `enum aws_mqtt5_unsuback_reason_code` items.
    pub reason_codes: aws_array_list,
    /// Every string value of the copy.
    pub storage: aws_byte_buf,
}

/// An owning copy of a PUBLISH.
#[repr(C)]
pub struct aws_mqtt5_packet_publish_storage {
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_publish_view,
    /// The Payload Format Indicator, when present.
    pub payload_format: aws_mqtt5_payload_format_indicator_raw,
    /// The Message Expiry Interval, when present.
    pub message_expiry_interval_seconds: u32,
    /// The Topic Alias, when present.
    pub topic_alias: u16,
    /// The Response Topic, when present.
    pub response_topic: aws_byte_cursor,
    /// The Correlation Data, when present.
    pub correlation_data: aws_byte_cursor,
    /// The Content Type, when present.
    pub content_type: aws_byte_cursor,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// The `uint32_t` Subscription Identifiers.
    pub subscription_identifiers: aws_array_list,
    /// Every string and binary value of the copy, the payload included.
    pub storage: aws_byte_buf,
}

/// An owning copy of a PUBACK.
#[repr(C)]
pub struct aws_mqtt5_packet_puback_storage {
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_puback_view,
    /// The Reason String, when present.
    pub reason_string: aws_byte_cursor,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// Every string value of the copy.
    pub storage: aws_byte_buf,
}

/// An owning copy of a DISCONNECT.
#[repr(C)]
pub struct aws_mqtt5_packet_disconnect_storage {
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_disconnect_view,
    /// The Session Expiry Interval, when present.
    pub session_expiry_interval_seconds: u32,
    /// The Reason String, when present.
    pub reason_string: aws_byte_cursor,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// The Server Reference, when present.
    pub server_reference: aws_byte_cursor,
    /// Every string value of the copy.
    pub storage: aws_byte_buf,
}

/// An owning copy of a SUBSCRIBE.
#[repr(C)]
pub struct aws_mqtt5_packet_subscribe_storage {
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_subscribe_view,
    /// The Subscription Identifier, when present.
    pub subscription_identifier: u32,
    /// The `struct aws_mqtt5_subscription_view` items.
    pub subscriptions: aws_array_list,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// Every topic filter and string value of the copy.
    pub storage: aws_byte_buf,
}

/// An owning copy of an UNSUBSCRIBE.
#[repr(C)]
pub struct aws_mqtt5_packet_unsubscribe_storage {
    /// The copy, as a view.
    pub storage_view: aws_mqtt5_packet_unsubscribe_view,
    /// The `struct aws_byte_cursor` topic filters.
    pub topic_filters: aws_array_list,
    /// The User Properties.
    pub user_properties: aws_mqtt5_user_property_set,
    /// Every topic filter and string value of the copy.
    pub storage: aws_byte_buf,
}

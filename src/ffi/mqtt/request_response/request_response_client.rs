//! `aws/mqtt/request-response/request_response_client.h`: the request-response client's
//! types: the options of the client, of a request and of a streaming operation, the incoming
//! publish their callbacks see, and the streaming subscription events. The functions are in
//! `api.rs`; the client object in `client.rs`. The streaming event enum is written in the
//! header's fragment (see `event_type.rs`).

use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_user_property;
use std::ffi::{c_int, c_void};

pub use crate::ffi::mqtt::request_response::event_type::aws_rr_streaming_subscription_event_type;

/// A topic a response may arrive on, and the JSON path of the correlation token in its payload.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt_request_operation_response_path {
    /// The topic name.
    pub topic: aws_byte_cursor,
    /// Dotted path of the token (`"clientToken"`); empty when responses carry none.
    pub correlation_token_json_path: aws_byte_cursor,
}

/// A PUBLISH handed to a request's completion or a streaming operation, lent for the call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt_rr_incoming_publish_event {
    /// The payload.
    pub payload: aws_byte_cursor,
    /// The topic name.
    pub topic: aws_byte_cursor,
    /// MQTT 5's content type, if the PUBLISH had one (always NULL over 3.1.1).
    pub content_type: *const aws_byte_cursor,
    /// How many user properties (MQTT 5).
    pub user_property_count: usize,
    /// The user properties.
    pub user_properties: *const aws_mqtt5_user_property,
    /// MQTT 5's message expiry interval, if present.
    pub message_expiry_interval_seconds: *const u32,
}

/// A request completed: with the response (`error_code` 0), or with an error and no publish.
pub type aws_mqtt_request_operation_completion_fn = unsafe extern "C" fn(
    publish_event: *const aws_mqtt_rr_incoming_publish_event,
    error_code: c_int,
    user_data: *mut c_void,
);

/// A request (`aws_mqtt_request_response_client_submit_request`); everything is copied.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt_request_operation_options {
    /// The filters to subscribe to before publishing: they cover every response path.
    pub subscription_topic_filters: *mut aws_byte_cursor,
    /// How many.
    pub subscription_topic_filter_count: usize,
    /// Where responses arrive.
    pub response_paths: *mut aws_mqtt_request_operation_response_path,
    /// How many.
    pub response_path_count: usize,
    /// Where the request is published.
    pub publish_topic: aws_byte_cursor,
    /// The request payload (not empty).
    pub serialized_request: aws_byte_cursor,
    /// The token a response must carry; empty for none (such requests run one at a time).
    pub correlation_token: aws_byte_cursor,
    /// Called once with the outcome.
    pub completion_callback: Option<aws_mqtt_request_operation_completion_fn>,
    /// Passed to `completion_callback`.
    pub user_data: *mut c_void,
}

/// A streaming operation's subscription status changed.
pub type aws_mqtt_streaming_operation_subscription_status_fn = unsafe extern "C" fn(
    status: aws_rr_streaming_subscription_event_type,
    error_code: c_int,
    user_data: *mut c_void,
);

/// A PUBLISH matching a streaming operation's filter arrived.
pub type aws_mqtt_streaming_operation_incoming_publish_fn = unsafe extern "C" fn(
    publish_event: *const aws_mqtt_rr_incoming_publish_event,
    user_data: *mut c_void,
);

/// A streaming operation is gone: none of its callbacks will run again.
pub type aws_mqtt_streaming_operation_terminated_fn = unsafe extern "C" fn(user_data: *mut c_void);

/// A streaming operation (`aws_mqtt_request_response_client_create_streaming_operation`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt_streaming_operation_options {
    /// The filter to listen on.
    pub topic_filter: aws_byte_cursor,
    /// Subscription status changes.
    pub subscription_status_callback: Option<aws_mqtt_streaming_operation_subscription_status_fn>,
    /// Matching publishes.
    pub incoming_publish_callback: Option<aws_mqtt_streaming_operation_incoming_publish_fn>,
    /// The end.
    pub terminated_callback: Option<aws_mqtt_streaming_operation_terminated_fn>,
    /// Passed to every callback.
    pub user_data: *mut c_void,
}

/// The client finished initializing on its loop.
pub type aws_mqtt_request_response_client_initialized_callback_fn =
    unsafe extern "C" fn(user_data: *mut c_void);

/// The client is gone.
pub type aws_mqtt_request_response_client_terminated_callback_fn =
    unsafe extern "C" fn(user_data: *mut c_void);

/// The client's options.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt_request_response_client_options {
    /// Filters requests may hold subscribed at once (at least 2).
    pub max_request_response_subscriptions: usize,
    /// Filters streaming operations may hold subscribed at once.
    pub max_streaming_subscriptions: usize,
    /// How long a request may take (not 0).
    pub operation_timeout_seconds: u32,
    /// Called once the client is ready on its loop.
    pub initialized_callback: Option<aws_mqtt_request_response_client_initialized_callback_fn>,
    /// Called once the client is gone.
    pub terminated_callback: Option<aws_mqtt_request_response_client_terminated_callback_fn>,
    /// Passed to both.
    pub user_data: *mut c_void,
}

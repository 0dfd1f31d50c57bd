//! `aws/mqtt/v5/mqtt5_listener.h`: the types of a listener, an extra set of callbacks attached
//! to an MQTT 5 client that sees its PUBLISHes and lifecycle events before the client's own
//! handlers do. The listener's functions come with the client.

use crate::ffi::mqtt::v5::mqtt5_client::{
    aws_mqtt5_client, aws_mqtt5_client_connection_event_callback_fn,
    aws_mqtt5_listener_publish_received_fn,
};
use std::ffi::c_void;

pub use crate::ffi::mqtt::v5::listener::aws_mqtt5_listener;

/// The listener is gone: no callback of its will run again.
pub type aws_mqtt5_listener_termination_completion_fn =
    unsafe extern "C" fn(complete_ctx: *mut c_void);

/// The callbacks a listener adds to a client.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_callback_set {
    /// Sees each PUBLISH first; returning true keeps it from later listeners and the client.
    pub listener_publish_received_handler: Option<aws_mqtt5_listener_publish_received_fn>,
    /// Passed to `listener_publish_received_handler`.
    pub listener_publish_received_handler_user_data: *mut c_void,
    /// Sees each lifecycle event.
    pub lifecycle_event_handler: Option<aws_mqtt5_client_connection_event_callback_fn>,
    /// Passed to `lifecycle_event_handler` (as the event's `user_data`).
    pub lifecycle_event_handler_user_data: *mut c_void,
}

/// Everything `aws_mqtt5_listener_new` needs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt5_listener_config {
    /// The client to listen to.
    pub client: *mut aws_mqtt5_client,
    /// The callbacks.
    pub listener_callbacks: aws_mqtt5_callback_set,
    /// Called once the listener is gone, since its release finishes asynchronously.
    pub termination_callback: Option<aws_mqtt5_listener_termination_completion_fn>,
    /// Passed to `termination_callback`.
    pub termination_callback_user_data: *mut c_void,
}

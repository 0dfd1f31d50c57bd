//! `aws/mqtt/v5/mqtt5_client.h`: the MQTT 5 client's operations: publish, subscribe,
//! unsubscribe, and manual control of a received publish's acknowledgement. Each call checks the
//! view as upstream does (same error codes), copies it and queues it; the completion callback
//! runs on the client's loop exactly once.
//!
//! Differences from upstream: QoS 2 publishes and subscriptions work (upstream fails them):
//! a QoS 2 publish completes with `AWS_MQTT5_PT_PUBCOMP` (or `AWS_MQTT5_PT_PUBREC` when the
//! server refused it there) and a view of that packet shaped as a PUBACK view.
//!
//! # Safety
//! As for `client.rs`: pointers are NULL or valid; views and options are only read during the
//! call.

use crate::client::mqtt5::Request;
use crate::codec::{EncodedPublish, Version};
use crate::connection::mqtt5_protocol::Mqtt5Command;
use crate::ffi::guard::{self, Error};
use crate::ffi::mqtt::client_delegate::Callback;
use crate::ffi::mqtt::ext::durable_store::record_publish;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION;
use crate::ffi::mqtt::publish_buffer::with_publish_buffer;
use crate::ffi::mqtt::v5::client::{aws_mqtt5_client, client_of};
use crate::ffi::mqtt::v5::client_delegate::OpToken;
use crate::ffi::mqtt::v5::mqtt5_client::*;
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_publish_view, aws_mqtt5_packet_subscribe_view,
    aws_mqtt5_packet_unsubscribe_view,
};
use crate::ffi::mqtt::v5::packets_from_views::{
    publish_from_view, subscribe_from_view, unsubscribe_from_view,
};
use std::ffi::c_int;

/// Completion options of an acknowledged operation: a callback, its data, an ACK timeout.
trait CompletionOptions {
    type Callback;
    fn parts(&self) -> (Callback<Self::Callback>, u32);
}

macro_rules! completion_options {
    ($options:ty, $callback:ty) => {
        impl CompletionOptions for $options {
            type Callback = $callback;
            fn parts(&self) -> (Callback<$callback>, u32) {
                let cb = Callback {
                    function: self.completion_callback,
                    user_data: self.completion_user_data,
                };
                (cb, self.ack_timeout_seconds_override)
            }
        }
    };
}

completion_options!(
    aws_mqtt5_publish_completion_options,
    aws_mqtt5_publish_completion_fn
);
completion_options!(
    aws_mqtt5_subscribe_completion_options,
    aws_mqtt5_subscribe_completion_fn
);
completion_options!(
    aws_mqtt5_unsubscribe_completion_options,
    aws_mqtt5_unsubscribe_completion_fn
);

/// The callback and ACK timeout of the caller's completion options: none and 0 for NULL.
///
/// # Safety
/// `options` NULL or valid for the call.
unsafe fn parts_of<O: CompletionOptions>(options: *const O) -> (Callback<O::Callback>, u32) {
    // SAFETY: the caller's contract.
    unsafe { options.as_ref() }.map_or_else(|| (Callback::default(), 0), O::parts)
}

/// Queues the operation `convert` makes of the caller's `view`, completing through the
/// callback of `options` (made into a token by `token`).
///
/// # Safety
/// `client` must be NULL or a live client the caller holds a reference to; `view` and
/// `options` NULL or valid for the call.
unsafe fn submit<V, O: CompletionOptions>(
    client: *mut aws_mqtt5_client,
    view: *const V,
    options: *const O,
    convert: unsafe fn(&V, bool) -> std::result::Result<Request, c_int>,
    token: fn(Callback<O::Callback>) -> OpToken,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        unsafe {
            let c = client_of(client)?;
            let view = guard::reference(view)?;
            let (cb, timeout) = parts_of(options);
            match convert(view, c.iot_core()) {
                Ok(request) => c.send(Mqtt5Command::Submit(request, token(cb), timeout, 0)),
                Err(code) => return Err(Error(code)),
            }
        }
        Ok(())
    })
}

/// Publishes. `AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION` (or
/// `AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION`) for an invalid view; offline, a publish the
/// offline queue policy would drop fails through its callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_publish(
    client: *mut aws_mqtt5_client,
    publish_options: *const aws_mqtt5_packet_publish_view,
    completion_options: *const aws_mqtt5_publish_completion_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        unsafe {
            let c = client_of(client)?;
            let view = guard::reference(publish_options)?;
            let (cb, timeout) = parts_of(completion_options);
            // The view's topic was checked (`checked_publish`): not checked again.
            let publish = publish_from_view(view, c.iot_core()).map_err(Error)?;
            let invalid = |_| Error(AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION as c_int);
            let Some(store) = c.store() else {
                // Encoded here, on the caller's thread, once, into this thread's buffer, and
                // copied into the queue the loop reads (under the client's lock, held for the
                // copy only): what the loop then sends and resends.
                return with_publish_buffer(|packet| {
                    EncodedPublish::write_checked_parts(publish.parts(), Version::V5, packet)
                        .map_err(invalid)?;
                    let alias = publish.topic_alias.unwrap_or(0);
                    c.send_publish(OpToken::Publish(cb), timeout, alias, packet);
                    Ok(())
                });
            };
            // Beyond upstream: a QoS 1 or 2 publish is in the durable store first.
            let mut encoded = EncodedPublish::from_checked_parts(publish.parts(), Version::V5)
                .map_err(invalid)?;
            encoded.set_user_alias(publish.topic_alias);
            let record = record_publish(store, Some(&encoded))?;
            let request = Request::Publish(encoded);
            c.send(Mqtt5Command::Submit(
                request,
                OpToken::Publish(cb),
                timeout,
                record,
            ));
            Ok(())
        }
    })
}

/// Subscribes. `AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION` for an invalid view.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_subscribe(
    client: *mut aws_mqtt5_client,
    subscribe_options: *const aws_mqtt5_packet_subscribe_view,
    completion_options: *const aws_mqtt5_subscribe_completion_options,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        submit(
            client,
            subscribe_options,
            completion_options,
            |v, iot_core| subscribe_from_view(v, iot_core).map(Request::subscribe),
            OpToken::Subscribe,
        )
    }
}

/// Unsubscribes. `AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION` for an invalid view.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_unsubscribe(
    client: *mut aws_mqtt5_client,
    unsubscribe_options: *const aws_mqtt5_packet_unsubscribe_view,
    completion_options: *const aws_mqtt5_unsubscribe_completion_options,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        submit(
            client,
            unsubscribe_options,
            completion_options,
            |v, iot_core| unsubscribe_from_view(v, iot_core).map(Request::unsubscribe),
            OpToken::Unsubscribe,
        )
    }
}

/// From inside the publish received callback: takes the acknowledgement of `publish_view`
/// (QoS 1 or 2) out of the client's hands, returning the id to pass to
/// `aws_mqtt5_client_invoke_publish_acknowledgement`; 0 for QoS 0 or outside that callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_acquire_publish_acknowledgement(
    client: *mut aws_mqtt5_client,
    publish_view: *const aws_mqtt5_packet_publish_view,
) -> u64 {
    guard::guard(0, || {
        // SAFETY: the caller holds a reference and lends the view it was given.
        unsafe {
            let c = client_of(client)?;
            let view = guard::reference(publish_view)?;
            Ok(c.acquire_ack(view.packet_id))
        }
    })
}

/// Sends the acknowledgement acquired under `pub_ack_control_id`; the completion reports
/// whether it went out, was cancelled by a reconnection, or was unknown.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_client_invoke_publish_acknowledgement(
    client: *mut aws_mqtt5_client,
    pub_ack_control_id: u64,
    completion_options: *const aws_mqtt5_manual_publish_acknowledgement_completion_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends valid options for the call.
        unsafe {
            let c = client_of(client)?;
            let cb = completion_options
                .as_ref()
                .map_or_else(Callback::default, |o| Callback {
                    function: o.completion_callback,
                    user_data: o.completion_user_data,
                });
            c.send(Mqtt5Command::ReleaseAck(
                pub_ack_control_id,
                OpToken::ManualAck(cb),
            ));
        }
        Ok(())
    })
}

/// Whether a publish completion reports a PUBACK whose reason code is a failure (0x80 and up):
/// the operation completed, refused by the server.
///
/// # Safety
/// `packet` is what the completion callback was given with `packet_type`.
pub(crate) unsafe fn puback_refused(
    packet_type: crate::ffi::mqtt::v5::mqtt5_types::aws_mqtt5_packet_type,
    packet: *const std::ffi::c_void,
) -> bool {
    use crate::ffi::mqtt::v5::mqtt5_types::aws_mqtt5_packet_type::AWS_MQTT5_PT_PUBACK;
    use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_packet_puback_view;
    packet_type == AWS_MQTT5_PT_PUBACK
        // SAFETY: a PUBACK view, lent for the call (the caller's contract).
        && unsafe { packet.cast::<aws_mqtt5_packet_puback_view>().as_ref() }
            .is_some_and(|p| p.reason_code as u32 >= 0x80)
}

//! `aws/mqtt/client.h`: the operations of a 3.1.1 connection: publish, subscribe (one topic,
//! several, or again all of them), unsubscribe and ping. Each checks its arguments, copies what
//! it was lent, and returns the packet id its completion callback will carry (0 on failure).
//! Operations submitted while not connected wait in the offline queue, except QoS 0 publishes
//! and pings, which fail with `AWS_ERROR_MQTT_NOT_CONNECTED` as upstream's do.
//!
//! # Safety
//! As for `client_connection.rs`: pointer arguments are NULL or valid, and the caller holds a
//! reference to the connection.

use crate::client::mqtt311::request::publish_size;
use crate::client::mqtt311::{Request, SubscribeTopic};
use crate::codec::{EncodedPublish, Properties, PublishRef, QoS, Version, topic};
use crate::ffi::common::array_list::aws_array_list;
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::mqtt::client_connection::{
    Kind, Mqtt311Connection, aws_mqtt_client_connection, handle_of, payload_bytes, qos_arg,
    topic_name, topic_str,
};
use crate::ffi::mqtt::client_delegate::{
    Callback, Completion, MultiTopic, OpToken, SubHandler, c_qos,
};
use crate::ffi::mqtt::client_types::*;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::AWS_ERROR_MQTT_INVALID_TOPIC;
use crate::ffi::mqtt::mqtt::{aws_mqtt_qos_raw, aws_mqtt_userdata_cleanup_fn};
use crate::ffi::mqtt::publish_buffer::with_publish_buffer;
use std::ffi::{c_int, c_void};

/// A topic filter from a cursor: valid for a SUBSCRIBE (`AWS_ERROR_MQTT_INVALID_TOPIC`
/// otherwise).
unsafe fn topic_filter(filter: *const aws_byte_cursor) -> Result<String> {
    // SAFETY: forwarded caller contract.
    let bytes =
        unsafe { cursor_bytes(filter) }.map_err(|_| Error::from(AWS_ERROR_MQTT_INVALID_TOPIC))?;
    if !topic::is_valid_filter(bytes) {
        return Err(AWS_ERROR_MQTT_INVALID_TOPIC.into());
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| AWS_ERROR_MQTT_INVALID_TOPIC.into())
}

/// The handler a topic of a multi-topic subscribe lends.
fn handler_of(item: &aws_mqtt_topic_subscription) -> SubHandler {
    SubHandler {
        on_publish: item.on_publish,
        on_cleanup: item.on_cleanup,
        user_data: item.on_publish_ud,
    }
}

/// Runs an operation body; the packet id, or 0 with the error raised.
fn packet_id(body: impl FnOnce() -> Result<u16>) -> u16 {
    guard::guard(0, body)
}

/// Publishes on `c` (what `aws_mqtt_client_connection_publish` does once its arguments are
/// checked: the topic with `topic::checked_name`, as `topic_str` and the request-response API
/// do), with the operation's own ACK timeout in milliseconds (0: the connection's).
/// Inlined: the packet is built in place, not moved through a call (the publish path).
#[inline(always)]
pub(crate) fn publish(
    c: &Mqtt311Connection,
    topic: &str,
    payload: &[u8],
    qos: QoS,
    retain: bool,
    on_complete: Callback<aws_mqtt_op_complete_fn>,
    timeout_ms: u32,
) -> Result<u16> {
    let properties = Properties::default();
    let publish = PublishRef {
        dup: false,
        qos,
        retain,
        topic,
        packet_id: 0,
        payload,
        properties: &properties,
    };
    let too_long = |_| Error::from(AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH);
    let completion = Completion::Op(on_complete);
    let acknowledged = publish.qos != QoS::AtMostOnce;
    if c.store().is_some() {
        // Beyond upstream: a stored publish goes to the store before the call returns.
        let request = Request::checked_publish(publish).map_err(too_long)?;
        let size = request.statistics_size();
        let token = OpToken { size, completion };
        return c.submit_with_timeout(acknowledged, timeout_ms, move || (request, token));
    }
    // Encoded here, on the caller's thread, once, straight from the caller's buffers, and
    // copied into the queue the loop reads and sends from. Only a payload beyond the
    // protocol's 256 MB fails to encode.
    with_publish_buffer(|packet| {
        EncodedPublish::write_checked_parts(publish, Version::V311, packet).map_err(too_long)?;
        let size = publish_size(publish.topic.len(), publish.payload.len());
        let token = OpToken { size, completion };
        c.submit_publish(acknowledged, timeout_ms, token, packet)
    })
}

/// Subscribes `c` to one filter (what `aws_mqtt_client_connection_subscribe` does once its
/// arguments are checked). The handler is dropped (its cleanup runs) only once the
/// subscription is: a refused call leaves it to the caller, as upstream does.
pub(crate) fn subscribe(
    c: &Mqtt311Connection,
    filter: String,
    qos: QoS,
    handler: SubHandler,
    on_suback: Callback<aws_mqtt_suback_fn>,
    timeout_ms: u32,
) -> Result<u16> {
    let completion = Completion::suback(filter.as_bytes().to_vec(), c_qos(qos), on_suback);
    // A refusal must not run the handler's cleanup: it only leaves this function inside the
    // operation.
    let handler = std::mem::ManuallyDrop::new(handler);
    c.submit_with_timeout(true, timeout_ms, || {
        let handler = std::mem::ManuallyDrop::into_inner(handler);
        let request = Request::Subscribe(vec![SubscribeTopic {
            filter,
            qos,
            handler: Some(handler),
        }]);
        let token = OpToken {
            size: request.statistics_size(),
            completion,
        };
        (request, token)
    })
}

/// Unsubscribes `c` from `filter` (what `aws_mqtt_client_connection_unsubscribe` does once its
/// arguments are checked).
pub(crate) fn unsubscribe(
    c: &Mqtt311Connection,
    filter: String,
    on_unsuback: Callback<aws_mqtt_op_complete_fn>,
    timeout_ms: u32,
) -> Result<u16> {
    let request = Request::Unsubscribe(filter);
    let token = OpToken {
        size: request.statistics_size(),
        completion: Completion::Op(on_unsuback),
    };
    c.submit_with_timeout(true, timeout_ms, move || (request, token))
}

/// Publishes `payload` (NULL: empty) to `topic`; `on_complete` runs once acknowledged (QoS 1
/// and 2) or written (QoS 0). `AWS_ERROR_MQTT_INVALID_TOPIC`, `AWS_ERROR_MQTT_INVALID_QOS`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_publish(
    connection: *mut aws_mqtt_client_connection,
    topic: *const aws_byte_cursor,
    qos: aws_mqtt_qos_raw,
    retain: bool,
    payload: *const aws_byte_cursor,
    on_complete: Option<aws_mqtt_op_complete_fn>,
    userdata: *mut c_void,
) -> u16 {
    packet_id(|| {
        // SAFETY: the caller lends valid cursors and holds a reference to the connection.
        unsafe {
            let on_complete = Callback {
                function: on_complete,
                user_data: userdata,
            };
            let c = match handle_of(connection)?.kind() {
                Kind::Native(c) => c,
                Kind::Adapter(a) => {
                    let qos = qos_arg(qos)?;
                    topic_name(topic)?;
                    let payload = payload
                        .as_ref()
                        .copied()
                        .unwrap_or(aws_byte_cursor::from_slice(&[]));
                    return a.publish(*topic, qos, retain, payload, on_complete);
                }
            };
            // Checked in this order, as before: an invalid QoS is reported before the topic.
            let qos = qos_arg(qos)?;
            let topic = topic_str(topic)?;
            self::publish(
                c,
                topic,
                payload_bytes(payload)?,
                qos,
                retain,
                on_complete,
                0,
            )
        }
    })
}

/// Subscribes to one topic filter: `on_publish` gets its messages, `on_ud_cleanup` runs with
/// `on_publish_ud` once the subscription is gone, `on_suback` reports the SUBACK.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // upstream's signature
pub unsafe extern "C" fn aws_mqtt_client_connection_subscribe(
    connection: *mut aws_mqtt_client_connection,
    topic_filter: *const aws_byte_cursor,
    qos: aws_mqtt_qos_raw,
    on_publish: Option<aws_mqtt_client_publish_received_fn>,
    on_publish_ud: *mut c_void,
    on_ud_cleanup: Option<aws_mqtt_userdata_cleanup_fn>,
    on_suback: Option<aws_mqtt_suback_fn>,
    on_suback_ud: *mut c_void,
) -> u16 {
    packet_id(|| {
        // SAFETY: the caller lends a valid cursor and holds a reference to the connection.
        unsafe {
            let handle = handle_of(connection)?;
            let filter = self::topic_filter(topic_filter)?;
            let qos = qos_arg(qos)?;
            let handler = SubHandler {
                on_publish,
                on_cleanup: on_ud_cleanup,
                user_data: on_publish_ud,
            };
            let on_suback = Callback {
                function: on_suback,
                user_data: on_suback_ud,
            };
            match handle.kind() {
                Kind::Native(c) => self::subscribe(c, filter, qos, handler, on_suback, 0),
                Kind::Adapter(a) => {
                    let completion =
                        Completion::suback(filter.as_bytes().to_vec(), c_qos(qos), on_suback);
                    a.subscribe(vec![(filter, qos, handler)], completion)
                }
            }
        }
    })
}

/// README entry point: [`aws_mqtt_client_connection_subscribe`] without a cleanup function.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_subscribe_single(
    connection: *mut aws_mqtt_client_connection,
    topic_filter: *const aws_byte_cursor,
    qos: aws_mqtt_qos_raw,
    on_publish: Option<aws_mqtt_client_publish_received_fn>,
    on_publish_ud: *mut c_void,
    on_suback: Option<aws_mqtt_suback_fn>,
    on_suback_ud: *mut c_void,
) -> u16 {
    // SAFETY: forwarded caller contract.
    unsafe {
        aws_mqtt_client_connection_subscribe(
            connection,
            topic_filter,
            qos,
            on_publish,
            on_publish_ud,
            None,
            on_suback,
            on_suback_ud,
        )
    }
}

/// Subscribes to every `struct aws_mqtt_topic_subscription` of `topic_filters` in one
/// SUBSCRIBE; `on_suback` gets a list of pointers to them with the QoS each was granted.
/// `AWS_ERROR_INVALID_ARGUMENT` for an empty list, `AWS_ERROR_MQTT_INVALID_TOPIC`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_subscribe_multiple(
    connection: *mut aws_mqtt_client_connection,
    topic_filters: *const aws_array_list,
    on_suback: Option<aws_mqtt_suback_multi_fn>,
    on_suback_ud: *mut c_void,
) -> u16 {
    packet_id(|| {
        // SAFETY: the caller lends a valid list and holds a reference to the connection.
        unsafe {
            let handle = handle_of(connection)?;
            let list = guard::reference(topic_filters)?;
            guard::require(list.is_valid() && list.length > 0)?;
            guard::require(list.item_size == size_of::<aws_mqtt_topic_subscription>())?;
            let items = std::slice::from_raw_parts(
                list.data.cast::<aws_mqtt_topic_subscription>(),
                list.length,
            );
            let mut topics = Vec::with_capacity(items.len());
            let mut kept = Vec::with_capacity(items.len());
            for item in items {
                let filter = self::topic_filter(&item.topic)?;
                let qos = qos_arg(item.qos)?;
                kept.push(MultiTopic {
                    filter: filter.as_bytes().to_vec(),
                    qos: c_qos(qos),
                    on_publish: item.on_publish,
                    on_cleanup: item.on_cleanup,
                    on_publish_ud: item.on_publish_ud,
                });
                topics.push((filter, qos, item));
            }
            let on_suback = Callback {
                function: on_suback,
                user_data: on_suback_ud,
            };
            let c = match handle.kind() {
                Kind::Native(c) => c,
                Kind::Adapter(a) => {
                    let topics = topics
                        .into_iter()
                        .map(|(filter, qos, item)| (filter, qos, handler_of(item)))
                        .collect();
                    let completion = Completion::suback_multi(kept, on_suback);
                    return a.subscribe(topics, completion);
                }
            };
            c.submit(true, move || {
                let topics = topics
                    .into_iter()
                    .map(|(filter, qos, item)| SubscribeTopic {
                        filter,
                        qos,
                        handler: Some(handler_of(item)),
                    })
                    .collect();
                let request = Request::Subscribe(topics);
                let token = OpToken {
                    size: request.statistics_size(),
                    completion: Completion::suback_multi(kept, on_suback),
                };
                (request, token)
            })
        }
    })
}

/// Subscribes again to every topic filter subscribed so far, in one SUBSCRIBE (useful after a
/// clean-session reconnect); `on_suback` gets them with the QoS each was granted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_resubscribe_existing_topics(
    connection: *mut aws_mqtt_client_connection,
    on_suback: Option<aws_mqtt_suback_multi_fn>,
    on_suback_ud: *mut c_void,
) -> u16 {
    packet_id(|| {
        let on_suback = Callback {
            function: on_suback,
            user_data: on_suback_ud,
        };
        // SAFETY: the caller holds a reference to the connection.
        let c = match unsafe { handle_of(connection) }?.kind() {
            Kind::Native(c) => c,
            Kind::Adapter(a) => return a.resubscribe(on_suback),
        };
        let token = OpToken {
            size: Request::<SubHandler>::Resubscribe.statistics_size(),
            completion: Completion::Resubscribe(on_suback),
        };
        c.submit(true, move || (Request::Resubscribe, token))
    })
}

/// Unsubscribes from `topic_filter`: its messages stop at once, its cleanup runs, and
/// `on_unsuback` reports the UNSUBACK.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_unsubscribe(
    connection: *mut aws_mqtt_client_connection,
    topic_filter: *const aws_byte_cursor,
    on_unsuback: Option<aws_mqtt_op_complete_fn>,
    on_unsuback_ud: *mut c_void,
) -> u16 {
    packet_id(|| {
        // SAFETY: the caller lends a valid cursor and holds a reference to the connection.
        unsafe {
            let filter = self::topic_filter(topic_filter)?;
            let on_unsuback = Callback {
                function: on_unsuback,
                user_data: on_unsuback_ud,
            };
            match handle_of(connection)?.kind() {
                Kind::Native(c) => self::unsubscribe(c, filter, on_unsuback, 0),
                Kind::Adapter(a) => a.unsubscribe(filter, on_unsuback),
            }
        }
    })
}

/// README entry point: sends a PINGREQ now. `AWS_ERROR_MQTT_NOT_CONNECTED` unless connected;
/// `AWS_ERROR_UNSUPPORTED_OPERATION` through the view of an MQTT 5 client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_ping(
    connection: *mut aws_mqtt_client_connection,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection.
        let c = match unsafe { handle_of(connection) }?.kind() {
            Kind::Native(c) => c,
            // The MQTT 5 client behind the view pings on its own schedule.
            Kind::Adapter(_) => return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into()),
        };
        let token = OpToken {
            size: 0,
            completion: Completion::Op(Callback::default()),
        };
        c.submit(false, move || (Request::Ping, token)).map(drop)
    })
}

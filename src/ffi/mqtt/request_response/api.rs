//! `aws/mqtt/request-response/request_response_client.h`: the ten functions: clients over
//! either protocol client, their references, requests, streaming operations and theirs.
//!
//! Options are checked as upstream checks them (`AWS_ERROR_INVALID_ARGUMENT` for anything
//! invalid) and copied before the call returns. Operations run on the protocol client's loop;
//! their callbacks run there.
//!
//! # Safety
//! Every exported function has the same contract: a pointer argument is NULL or points to a
//! valid object of its type; a client or operation is one these functions made and that the
//! caller holds a reference to.

use super::client::{
    Core, StreamCallbacks, aws_mqtt_request_response_client, aws_mqtt_rr_client_operation,
};
use super::protocol::Protocol;
use super::protocol_mqtt5::Mqtt5Protocol;
use super::protocol_mqtt311::Mqtt311Protocol;
use super::request_response_client::*;
use crate::client::request_response::{Budget, Config, Engine, RequestSpec, ResponsePath};
use crate::codec::topic;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use crate::ffi::io::event_loop::aws_event_loop;
use crate::ffi::mqtt::client_connection::{Kind, aws_mqtt_client_connection, handle_of};
use crate::ffi::mqtt::client_delegate::Callback;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::AWS_ERROR_MQTT_REUQEST_RESPONSE_STREAM_ALREADY_ACTIVATED;
use crate::ffi::mqtt::v5::client::{aws_mqtt5_client, client_of};
use std::ffi::c_int;
use std::sync::Arc;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicUsize};

const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// The engine configuration of valid options.
fn config(options: &aws_mqtt_request_response_client_options) -> Result<Config> {
    let config = Config {
        budget: Budget {
            max_request: options.max_request_response_subscriptions,
            max_streaming: options.max_streaming_subscriptions,
        },
        timeout_ns: u64::from(options.operation_timeout_seconds) * NANOS_PER_SECOND,
    };
    guard::require(config.is_valid())?;
    Ok(config)
}

/// A user callback moved to the loop thread.
struct SendCallback<F>(Callback<F>);

// SAFETY: the user data goes back to the user's callback on the loop thread, as the API says.
unsafe impl<F> Send for SendCallback<F> {}

/// Makes a client over `protocol` (not yet checked to be usable: `make` builds it once the
/// options passed).
fn new_client(
    options: *const aws_mqtt_request_response_client_options,
    make: impl FnOnce() -> Result<Box<dyn Protocol>>,
) -> Result<*mut aws_mqtt_request_response_client> {
    // SAFETY: the caller lends valid options or NULL.
    let options = *unsafe { guard::reference(options) }?;
    let config = config(&options)?;
    let protocol = make()?;
    let core = Core::new(
        Engine::new(config, false),
        protocol,
        options.operation_timeout_seconds,
        Callback {
            function: options.terminated_callback,
            user_data: options.user_data,
        },
    );
    core.protocol().attach(core.clone());
    // Initialization finishes on the loop, after the listener is attached there: the client's
    // state is read where it changes.
    let initializing = core.clone();
    let initialized = SendCallback(Callback {
        function: options.initialized_callback,
        user_data: options.user_data,
    });
    core.event_loop().schedule_now(Box::new(move || {
        let initialized = initialized;
        if initializing.protocol().is_connected() {
            initializing.on_loop(|engine| engine.connected(true));
        }
        if let Some(f) = initialized.0.function {
            // SAFETY: the user's callback with its data, on the loop thread.
            unsafe { f(initialized.0.user_data) };
        }
    }));
    Ok(Box::into_raw(Box::new(aws_mqtt_request_response_client {
        refs: AtomicUsize::new(1),
        core,
    })))
}

/// Adds a reference to a handle whose count `refs` reads; returns the handle.
///
/// # Safety
/// `handle` is NULL or a handle the caller holds a reference to.
unsafe fn acquire<T>(handle: *mut T, refs: fn(&T) -> &AtomicUsize) -> *mut T {
    // SAFETY: the caller's contract.
    if let Some(h) = unsafe { handle.as_ref() } {
        refs(h).fetch_add(1, Relaxed);
    }
    handle
}

/// Drops a reference; the last one gives the handle back, boxed.
///
/// # Safety
/// `handle` is NULL or a `Box` the caller holds a reference to, which it gives up.
unsafe fn release_last<T>(handle: *mut T, refs: fn(&T) -> &AtomicUsize) -> Option<Box<T>> {
    // SAFETY: the caller's contract.
    let h = unsafe { handle.as_ref() }?;
    if refs(h).fetch_sub(1, Release) != 1 {
        return None;
    }
    std::sync::atomic::fence(Acquire);
    // SAFETY: the last reference is gone: the handle is ours.
    Some(unsafe { Box::from_raw(handle) })
}

/// A request-response client over a 3.1.1 connection, with one reference. NULL with
/// `AWS_ERROR_INVALID_ARGUMENT` for a NULL connection or invalid options (fewer than two
/// request subscriptions, a zero timeout).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_request_response_client_new_from_mqtt311_client(
    allocator: *mut aws_allocator,
    client: *mut aws_mqtt_client_connection,
    options: *const aws_mqtt_request_response_client_options,
) -> *mut aws_mqtt_request_response_client {
    guard::ptr(|| {
        let _ = allocator;
        new_client(options, || {
            // SAFETY: the caller holds a reference to the connection (and the adapter to its
            // MQTT 5 client).
            unsafe {
                match handle_of(client)?.kind() {
                    Kind::Native(_) => {
                        Ok(Box::new(Mqtt311Protocol::new(client)) as Box<dyn Protocol>)
                    }
                    // As upstream: the view of an MQTT 5 client is served by that client.
                    Kind::Adapter(a) => {
                        Ok(Box::new(Mqtt5Protocol::new(a.mqtt5_client())) as Box<dyn Protocol>)
                    }
                }
            }
        })
    })
}

/// A request-response client over an MQTT 5 client, with one reference. NULL with
/// `AWS_ERROR_INVALID_ARGUMENT` as for the 3.1.1 variant.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_request_response_client_new_from_mqtt5_client(
    allocator: *mut aws_allocator,
    client: *mut aws_mqtt5_client,
    options: *const aws_mqtt_request_response_client_options,
) -> *mut aws_mqtt_request_response_client {
    guard::ptr(|| {
        let _ = allocator;
        new_client(options, || {
            // SAFETY: the caller holds a reference to the client.
            unsafe {
                client_of(client)?;
                Ok(Box::new(Mqtt5Protocol::new(client)) as Box<dyn Protocol>)
            }
        })
    })
}

/// Adds a reference; returns `client`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_request_response_client_acquire(
    client: *mut aws_mqtt_request_response_client,
) -> *mut aws_mqtt_request_response_client {
    // SAFETY: the caller holds a reference.
    guard::ptr(|| Ok(unsafe { acquire(client, |c| &c.refs) }))
}

/// Drops a reference. The last one shuts the client down on its loop: requests fail and
/// streaming operations halt with `AWS_ERROR_MQTT_REQUEST_RESPONSE_CLIENT_SHUT_DOWN`, its
/// subscriptions are unsubscribed; the terminated callback runs once every streaming operation
/// has been released too. Returns NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_request_response_client_release(
    client: *mut aws_mqtt_request_response_client,
) -> *mut aws_mqtt_request_response_client {
    guard::ptr(|| {
        // SAFETY: the caller gives up a reference it held.
        if let Some(handle) = unsafe { release_last(client, |c| &c.refs) } {
            let core = handle.core.clone();
            core.event_loop().schedule_now(Box::new(move || {
                handle.core.shut_down();
                drop(handle);
            }));
        }
        Ok(std::ptr::null_mut())
    })
}

/// The bytes of a cursor, or `AWS_ERROR_INVALID_ARGUMENT`.
///
/// # Safety
/// The cursor is valid.
unsafe fn bytes(c: &aws_byte_cursor) -> Result<Vec<u8>> {
    // SAFETY: forwarded caller contract.
    Ok(unsafe { cursor_bytes(c) }?.to_vec())
}

/// A valid topic name, or `AWS_ERROR_INVALID_ARGUMENT`.
///
/// # Safety
/// The cursor is valid.
unsafe fn topic_name(c: &aws_byte_cursor) -> Result<String> {
    // SAFETY: forwarded caller contract.
    let b = unsafe { bytes(c) }?;
    guard::require(topic::is_valid_name(&b))?;
    String::from_utf8(b).map_err(|_| INVALID_ARGUMENT)
}

/// A valid topic filter, or `AWS_ERROR_INVALID_ARGUMENT`.
///
/// # Safety
/// The cursor is valid.
unsafe fn topic_filter(c: &aws_byte_cursor) -> Result<String> {
    // SAFETY: forwarded caller contract.
    let b = unsafe { bytes(c) }?;
    guard::require(topic::is_valid_filter(&b))?;
    String::from_utf8(b).map_err(|_| INVALID_ARGUMENT)
}

/// The items of a C array, or `AWS_ERROR_INVALID_ARGUMENT` for none.
///
/// # Safety
/// `items` points to `count` items.
unsafe fn items<'a, T>(items: *const T, count: usize) -> Result<&'a [T]> {
    guard::require(count > 0 && !items.is_null())?;
    // SAFETY: the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(items, count) })
}

/// Checks and copies a request as upstream checks it: response paths and filters present and
/// valid, a valid publish topic, a non-empty payload.
///
/// # Safety
/// Every pointer in `o` is valid for its count.
unsafe fn request_spec(o: &aws_mqtt_request_operation_options) -> Result<RequestSpec> {
    // SAFETY: the caller's contract.
    unsafe {
        let mut paths = Vec::new();
        for p in items(o.response_paths, o.response_path_count)? {
            let token_path = String::from_utf8(bytes(&p.correlation_token_json_path)?)
                .map_err(|_| INVALID_ARGUMENT)?;
            paths.push(ResponsePath {
                topic: topic_name(&p.topic)?,
                token_path,
            });
        }
        let filters = items(
            o.subscription_topic_filters,
            o.subscription_topic_filter_count,
        )?
        .iter()
        .map(|f| topic_filter(f))
        .collect::<Result<Vec<_>>>()?;
        let payload = bytes(&o.serialized_request)?;
        guard::require(!payload.is_empty())?;
        Ok(RequestSpec {
            filters,
            paths,
            publish_topic: topic_name(&o.publish_topic)?,
            payload,
            token: bytes(&o.correlation_token)?,
        })
    }
}

/// Submits a request; its completion callback runs once, on the loop, with the response or an
/// error (`AWS_ERROR_MQTT_REQUEST_RESPONSE_TIMEOUT`, `_SUBSCRIBE_FAILURE`, `_PUBLISH_FAILURE`,
/// `_NO_SUBSCRIPTION_CAPACITY`, `_CLIENT_SHUT_DOWN`). `AWS_ERROR_INVALID_ARGUMENT` for invalid
/// options, and then the callback never runs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_request_response_client_submit_request(
    client: *mut aws_mqtt_request_response_client,
    request_options: *const aws_mqtt_request_operation_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends valid options.
        unsafe {
            let c = guard::reference(client)?;
            let o = guard::reference(request_options)?;
            let spec = request_spec(o)?;
            let completion = Callback {
                function: o.completion_callback,
                user_data: o.user_data,
            };
            c.core.submit(spec, completion);
        }
        Ok(())
    })
}

/// Makes a streaming operation with one reference, inactive until
/// `aws_mqtt_rr_client_operation_activate`. NULL with `AWS_ERROR_INVALID_ARGUMENT` for an
/// invalid topic filter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_request_response_client_create_streaming_operation(
    client: *mut aws_mqtt_request_response_client,
    streaming_options: *const aws_mqtt_streaming_operation_options,
) -> *mut aws_mqtt_rr_client_operation {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference and lends valid options.
        unsafe {
            let c = guard::reference(client)?;
            let o = guard::reference(streaming_options)?;
            let filter = topic_filter(&o.topic_filter)?;
            let id = c.core.new_stream(StreamCallbacks {
                status: o.subscription_status_callback,
                publish: o.incoming_publish_callback,
                terminated: o.terminated_callback,
                user_data: o.user_data,
            });
            Ok(Box::into_raw(Box::new(aws_mqtt_rr_client_operation {
                refs: AtomicUsize::new(1),
                id,
                filter,
                activated: AtomicBool::new(false),
                core: c.core.clone(),
            })))
        }
    })
}

/// The C handle of the loop the client (and its protocol client) runs on; NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_request_response_client_get_event_loop(
    client: *mut aws_mqtt_request_response_client,
) -> *mut aws_event_loop {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference.
        Ok(unsafe { guard::reference(client) }?.core.c_event_loop())
    })
}

/// Starts a streaming operation's subscription. Once only:
/// `AWS_ERROR_MQTT_REUQEST_RESPONSE_STREAM_ALREADY_ACTIVATED` (upstream's spelling) after that.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_rr_client_operation_activate(
    operation: *mut aws_mqtt_rr_client_operation,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference.
        let op = unsafe { guard::reference(operation) }?;
        if op.activated.swap(true, AcqRel) {
            return Err(AWS_ERROR_MQTT_REUQEST_RESPONSE_STREAM_ALREADY_ACTIVATED.into());
        }
        op.core.activate(op.id, op.filter.clone());
        Ok(())
    })
}

/// Adds a reference; returns `operation`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_rr_client_operation_acquire(
    operation: *mut aws_mqtt_rr_client_operation,
) -> *mut aws_mqtt_rr_client_operation {
    // SAFETY: the caller holds a reference.
    guard::ptr(|| Ok(unsafe { acquire(operation, |o| &o.refs) }))
}

/// Drops a reference. The last one closes the operation on the loop (its subscription is
/// released), then its terminated callback runs. Returns NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_rr_client_operation_release(
    operation: *mut aws_mqtt_rr_client_operation,
) -> *mut aws_mqtt_rr_client_operation {
    guard::ptr(|| {
        // SAFETY: the caller gives up a reference it held.
        if let Some(op) = unsafe { release_last(operation, |o| &o.refs) } {
            let core: Arc<Core> = op.core.clone();
            core.event_loop().schedule_now(Box::new(move || {
                let callbacks = op.core.close_stream(op.id);
                drop(op);
                if let Some(StreamCallbacks {
                    terminated: Some(f),
                    user_data,
                    ..
                }) = callbacks
                {
                    // SAFETY: the user's callback with its data, once, on the loop thread.
                    unsafe { f(user_data) };
                }
            }));
        }
        Ok(std::ptr::null_mut())
    })
}

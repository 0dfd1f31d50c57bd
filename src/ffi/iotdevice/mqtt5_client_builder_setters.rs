//! `aws/iotdevice/mqtt5_client_builder.h`: the MQTT 5 builder's setters, for what the SDKs'
//! guides configure. Each applies to the clients built after it; each copies what it is lent.
//! An enum value out of range is `AWS_ERROR_INVALID_ARGUMENT`; the other options are checked
//! by `aws_mqtt5_client_new` at build, with its errors.
//!
//! # Safety
//! Pointer arguments are NULL or valid; a builder is one a constructor returned and that was
//! not destroyed.

use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, Result};
use crate::ffi::http::proxy::aws_http_proxy_options;
use crate::ffi::io::channel_bootstrap::aws_client_bootstrap;
use crate::ffi::io::retry_strategy::aws_exponential_backoff_jitter_mode_raw;
use crate::ffi::io::socket::aws_socket_options;
use crate::ffi::iotdevice::mqtt5_client_builder::{
    Builder5, aws_iot_mqtt5_client_builder, builder_of,
};
use crate::ffi::mqtt::v5::mqtt5_client::{
    aws_mqtt5_client_connection_event_callback_fn,
    aws_mqtt5_client_operation_queue_behavior_type_raw, aws_mqtt5_client_session_behavior_type_raw,
    aws_mqtt5_client_termination_completion_fn, aws_mqtt5_client_topic_alias_options,
    aws_mqtt5_extended_validation_and_flow_control_options_raw, aws_mqtt5_publish_received_fn,
};
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_packet_connect_view;
use std::ffi::{c_char, c_int, c_void};

/// The largest value of the session behaviour, offline queue behaviour and jitter enums.
const LAST_OF_FOUR: c_int = 3;
/// The largest value of the extended validation enum.
const LAST_OF_TWO: c_int = 1;

/// Runs `set` on the builder behind `builder`.
///
/// # Safety
/// `builder` must be NULL or live.
unsafe fn with(
    builder: *mut aws_iot_mqtt5_client_builder,
    set: impl FnOnce(&mut Builder5) -> Result<()>,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| set(unsafe { builder_of(builder) }?))
}

/// `AWS_ERROR_INVALID_ARGUMENT` unless `0 <= raw <= last`.
fn in_range(raw: c_int, last: c_int) -> Result<c_int> {
    guard::require((0..=last).contains(&raw))?;
    Ok(raw)
}

/// Sets the port (0: the method's default, 443 where TLS offers ALPN or over WebSockets,
/// else 8883). On 443, mutual TLS offers the ALPN protocol `x-amzn-mqtt-ca`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_port(
    builder: *mut aws_iot_mqtt5_client_builder,
    port: u32,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            guard::require(port <= u32::from(u16::MAX))?;
            b.config.port = port;
            Ok(())
        })
    }
}

/// Trusts the PEM CA certificates of the file `ca_file` instead of the system's (upstream's
/// `aws_tls_ctx_options_override_default_trust_store_from_path` errors).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(
    builder: *mut aws_iot_mqtt5_client_builder,
    ca_file: *const c_char,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_ca_file(ca_file)) }
}

/// Trusts the PEM CA certificates in `ca` (copied) instead of the system's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_certificate_authority(
    builder: *mut aws_iot_mqtt5_client_builder,
    ca: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_ca(ca)) }
}

/// Connects through an HTTP proxy (copied; NULL: none). A proxy strategy is
/// `AWS_ERROR_UNSUPPORTED_OPERATION`, as for the clients.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_http_proxy_options(
    builder: *mut aws_iot_mqtt5_client_builder,
    proxy_options: *const aws_http_proxy_options,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_proxy(proxy_options)) }
}

/// Makes clients with `bootstrap` (a reference is taken) rather than with a bootstrap of the
/// builder's own (one event-loop thread and a host resolver, made at the first build).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_bootstrap(
    builder: *mut aws_iot_mqtt5_client_builder,
    bootstrap: *mut aws_client_bootstrap,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_bootstrap(bootstrap)) }
}

/// Replaces the socket options (copied; the default: TCP over IPv4, a 5 s connect timeout).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_socket_options(
    builder: *mut aws_iot_mqtt5_client_builder,
    socket_options: *const aws_socket_options,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.config.socket = *guard::reference(socket_options)?;
            Ok(())
        })
    }
}

/// Replaces the CONNECT (copied: client id, keep alive, user name and password, session
/// expiry, will, user properties...). Without it the CONNECT has an empty client id and a keep
/// alive of 1200 s. With a custom authorizer, the user name given here comes before the
/// authorizer's query unless the authorizer configuration has its own.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_connect_options(
    builder: *mut aws_iot_mqtt5_client_builder,
    connect_options: *const aws_mqtt5_packet_connect_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.set_connect(guard::reference(connect_options)?)
        })
    }
}

/// Sets how the clients treat the server's session across connections.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_session_behavior(
    builder: *mut aws_iot_mqtt5_client_builder,
    session_behavior: aws_mqtt5_client_session_behavior_type_raw,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.session_behavior = in_range(session_behavior, LAST_OF_FOUR)?;
            Ok(())
        })
    }
}

/// Sets what happens to queued operations when a connection ends.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_offline_queue_behavior(
    builder: *mut aws_iot_mqtt5_client_builder,
    offline_queue_behavior: aws_mqtt5_client_operation_queue_behavior_type_raw,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.offline_queue_behavior = in_range(offline_queue_behavior, LAST_OF_FOUR)?;
            Ok(())
        })
    }
}

/// Sets the reconnect backoff: the jitter, the shortest and longest delays, and how long a
/// connection must last for the delay to start over (0s: the client's defaults).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_reconnect_options(
    builder: *mut aws_iot_mqtt5_client_builder,
    jitter_mode: aws_exponential_backoff_jitter_mode_raw,
    min_reconnect_delay_ms: u64,
    max_reconnect_delay_ms: u64,
    min_connected_time_to_reset_reconnect_delay_ms: u64,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.retry_jitter_mode = in_range(jitter_mode, LAST_OF_FOUR)?;
            b.options.min_reconnect_delay_ms = min_reconnect_delay_ms;
            b.options.max_reconnect_delay_ms = max_reconnect_delay_ms;
            b.options.min_connected_time_to_reset_reconnect_delay_ms =
                min_connected_time_to_reset_reconnect_delay_ms;
            Ok(())
        })
    }
}

/// Sets how long to wait for a PINGRESP (0: the client's default).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_ping_timeout_ms(
    builder: *mut aws_iot_mqtt5_client_builder,
    ping_timeout_ms: u32,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.ping_timeout_ms = ping_timeout_ms;
            Ok(())
        })
    }
}

/// Sets how long to wait for the CONNACK (0: the client's default).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_connack_timeout_ms(
    builder: *mut aws_iot_mqtt5_client_builder,
    connack_timeout_ms: u32,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.connack_timeout_ms = connack_timeout_ms;
            Ok(())
        })
    }
}

/// Sets how long an operation waits for its acknowledgement, in seconds (0: the default).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_ack_timeout_seconds(
    builder: *mut aws_iot_mqtt5_client_builder,
    ack_timeout_seconds: u32,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.ack_timeout_seconds = ack_timeout_seconds;
            Ok(())
        })
    }
}

/// Sets the topic alias behaviour (copied; NULL: the defaults).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_topic_aliasing_options(
    builder: *mut aws_iot_mqtt5_client_builder,
    topic_aliasing_options: *const aws_mqtt5_client_topic_alias_options,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.topic_aliasing = topic_aliasing_options.as_ref().copied();
            Ok(())
        })
    }
}

/// Sets the extra checks and flow control (`AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS`: AWS IoT
/// Core's limits).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_extended_validation_and_flow_control(
    builder: *mut aws_iot_mqtt5_client_builder,
    extended_validation_and_flow_control: aws_mqtt5_extended_validation_and_flow_control_options_raw,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.extended_validation_and_flow_control_options =
                in_range(extended_validation_and_flow_control, LAST_OF_TWO)?;
            Ok(())
        })
    }
}

/// Sets the lifecycle event handler and its user data (the event's `user_data`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_lifecycle_event_handler(
    builder: *mut aws_iot_mqtt5_client_builder,
    handler: Option<aws_mqtt5_client_connection_event_callback_fn>,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.lifecycle_event_handler = handler;
            b.options.lifecycle_event_handler_user_data = user_data;
            Ok(())
        })
    }
}

/// Sets the handler of PUBLISHes no listener took, and its user data.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_publish_received_handler(
    builder: *mut aws_iot_mqtt5_client_builder,
    handler: Option<aws_mqtt5_publish_received_fn>,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.options.publish_received_handler = handler;
            b.options.publish_received_handler_user_data = user_data;
            Ok(())
        })
    }
}

/// Sets the handler called once a built client's memory is gone, and its user data.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_client_termination_handler(
    builder: *mut aws_iot_mqtt5_client_builder,
    handler: Option<aws_mqtt5_client_termination_completion_fn>,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.on_termination = handler;
            b.on_termination_user_data = user_data;
            Ok(())
        })
    }
}

/// Switches the SDK metrics (`SDK=...&Platform=...` in the CONNECT's user name) on (the
/// default, as the SDKs) or off.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_metrics_enabled(
    builder: *mut aws_iot_mqtt5_client_builder,
    enabled: bool,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.config.metrics_enabled = enabled;
            Ok(())
        })
    }
}

/// Sets the SDK name (empty: `IoTDeviceSDK/C`) and version (empty: none; else reported as
/// `Metadata=(IoTSDKVersion=...)`) the metrics carry (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_set_sdk_metrics(
    builder: *mut aws_iot_mqtt5_client_builder,
    sdk_name: aws_byte_cursor,
    sdk_version: aws_byte_cursor,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_sdk(&sdk_name, &sdk_version)) }
}

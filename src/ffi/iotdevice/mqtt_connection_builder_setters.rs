//! `aws/iotdevice/mqtt_connection_builder.h`: the 3.1.1 builder's setters. Each applies to the
//! connections built after it and copies what it is lent; what both builders share is done by
//! [`ConnectionConfig`](crate::ffi::iotdevice::connection_config::ConnectionConfig).
//!
//! # Safety
//! Pointer arguments are NULL or valid; a builder is one a constructor returned and that was
//! not destroyed.

use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, Result};
use crate::ffi::http::proxy::aws_http_proxy_options;
use crate::ffi::io::channel_bootstrap::aws_client_bootstrap;
use crate::ffi::io::socket::aws_socket_options;
use crate::ffi::iotdevice::connection_config::cursor_copy;
use crate::ffi::iotdevice::mqtt_connection_builder::{
    Builder311, aws_iot_mqtt_connection_builder, builder_of,
};
use crate::ffi::mqtt::client_types::aws_mqtt_client_on_connection_termination_fn;
use std::ffi::{c_char, c_int, c_void};

/// Runs `set` on the builder behind `builder`.
///
/// # Safety
/// `builder` must be NULL or live.
unsafe fn with(
    builder: *mut aws_iot_mqtt_connection_builder,
    set: impl FnOnce(&mut Builder311) -> Result<()>,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| set(unsafe { builder_of(builder) }?))
}

/// Sets the port (0: the method's default, as for the MQTT 5 builder).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_port(
    builder: *mut aws_iot_mqtt_connection_builder,
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

/// Trusts the PEM CA certificates of the file `ca_file` instead of the system's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_certificate_authority_from_path(
    builder: *mut aws_iot_mqtt_connection_builder,
    ca_file: *const c_char,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_ca_file(ca_file)) }
}

/// Trusts the PEM CA certificates in `ca` (copied) instead of the system's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_certificate_authority(
    builder: *mut aws_iot_mqtt_connection_builder,
    ca: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_ca(ca)) }
}

/// Connects through an HTTP proxy (copied; NULL: none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_http_proxy_options(
    builder: *mut aws_iot_mqtt_connection_builder,
    proxy_options: *const aws_http_proxy_options,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_proxy(proxy_options)) }
}

/// Makes connections with `bootstrap` (a reference is taken) rather than with a bootstrap of
/// the builder's own.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_bootstrap(
    builder: *mut aws_iot_mqtt_connection_builder,
    bootstrap: *mut aws_client_bootstrap,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_bootstrap(bootstrap)) }
}

/// Replaces the socket options (copied; the default: TCP over IPv4, a 5 s connect timeout).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_socket_options(
    builder: *mut aws_iot_mqtt_connection_builder,
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

/// Sets the client id the filled connect options carry (copied; default empty).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_client_id(
    builder: *mut aws_iot_mqtt_connection_builder,
    client_id: aws_byte_cursor,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.client_id = cursor_copy(&client_id)?;
            Ok(())
        })
    }
}

/// Sets the keep alive, the PINGRESP timeout and the operations' ACK timeout of the filled
/// connect options (0: the connection's defaults), and its clean session flag (default true).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_connect_settings(
    builder: *mut aws_iot_mqtt_connection_builder,
    keep_alive_time_secs: u16,
    ping_timeout_ms: u32,
    protocol_operation_timeout_ms: u32,
    clean_session: bool,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            b.keep_alive_time_secs = keep_alive_time_secs;
            b.ping_timeout_ms = ping_timeout_ms;
            b.protocol_operation_timeout_ms = protocol_operation_timeout_ms;
            b.clean_session = clean_session;
            Ok(())
        })
    }
}

/// Sets the CONNECT's user name and password (copied; NULL: none). With a custom authorizer,
/// the user name comes before the authorizer's query unless its configuration has its own,
/// and its password wins.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_login(
    builder: *mut aws_iot_mqtt_connection_builder,
    username: *const aws_byte_cursor,
    password: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe {
        with(builder, |b| {
            let username = username.as_ref().map(|c| cursor_copy(c)).transpose()?;
            if let Some(u) = &username {
                guard::require(std::str::from_utf8(u).is_ok())?;
            }
            b.password = password.as_ref().map(|c| cursor_copy(c)).transpose()?;
            b.username = username;
            Ok(())
        })
    }
}

/// Sets the handler called once a built connection's memory is gone, and its user data (the
/// builder installs its own termination handler on each connection, which calls this one).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_connection_termination_handler(
    builder: *mut aws_iot_mqtt_connection_builder,
    handler: Option<aws_mqtt_client_on_connection_termination_fn>,
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

/// Switches the SDK metrics in the CONNECT's user name on (the default) or off.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_metrics_enabled(
    builder: *mut aws_iot_mqtt_connection_builder,
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

/// Sets the SDK name (empty: `IoTDeviceSDK/C`) and version (empty: none) the metrics carry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_set_sdk_metrics(
    builder: *mut aws_iot_mqtt_connection_builder,
    sdk_name: aws_byte_cursor,
    sdk_version: aws_byte_cursor,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { with(builder, |b| b.config.set_sdk(&sdk_name, &sdk_version)) }
}

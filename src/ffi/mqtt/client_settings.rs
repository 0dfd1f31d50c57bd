//! `aws/mqtt/client.h`: the settings of a 3.1.1 connection that later CONNECTs carry or that
//! decide where its events go: will, login, reconnect timeouts, the connection-level handlers,
//! host resolution, IoT metrics, WebSockets and the HTTP proxy. Each setter copies what it is
//! lent; setters work from inside callbacks too (upstream refuses with `AWS_ERROR_INVALID_STATE`).
//!
//! # Safety
//! As for `client_connection.rs`: a pointer argument is NULL or points to a valid object of its
//! type; a connection is one the caller holds a reference to.

use crate::client::mqtt311::State;
use crate::codec::Will;
use crate::error::aws_common_error::AWS_ERROR_INVALID_STATE;
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::guard;
use crate::ffi::http::proxy::{aws_http_proxy_options, proxy_settings};
use crate::ffi::io::host_resolver::{aws_host_resolution_config, resolution_config};
use crate::ffi::mqtt::client_connection::{
    Callbacks, Kind, aws_mqtt_client_connection, handle_of, payload_copy, qos_arg, topic_name,
    utf8_text,
};
use crate::ffi::mqtt::client_delegate::Callback;
use crate::ffi::mqtt::client_types::*;
use crate::ffi::mqtt::handle::Termination;
use crate::ffi::mqtt::mqtt::{aws_mqtt_iot_metrics, aws_mqtt_qos_raw, iot_metrics};
use crate::ffi::mqtt::websocket_hooks::CHooks;
use bytes::Bytes;
use std::ffi::{c_int, c_void};
use std::sync::Arc;
use std::sync::atomic::Ordering::Release;

/// Sets the will the next CONNECT carries. `AWS_ERROR_MQTT_INVALID_TOPIC`,
/// `AWS_ERROR_MQTT_INVALID_QOS`, or `AWS_ERROR_INVALID_STATE` unless disconnected or connected.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_will(
    connection: *mut aws_mqtt_client_connection,
    topic: *const aws_byte_cursor,
    qos: aws_mqtt_qos_raw,
    retain: bool,
    payload: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends valid cursors and holds a reference to the connection.
        unsafe {
            let handle = handle_of(connection)?;
            let qos = qos_arg(qos)?;
            let will = Will {
                topic: topic_name(topic)?,
                payload: payload_copy(payload)?,
                qos,
                retain,
                properties: Default::default(),
            };
            match handle.kind() {
                Kind::Native(c) => c.reconfigure(|config| config.will = Some(will)),
                Kind::Adapter(a) => a.set_will(will),
            }
        }
    })
}

/// Sets the user name (MQTT UTF-8) and password the next CONNECT carries; a NULL password
/// clears it. `AWS_ERROR_INVALID_STATE` unless disconnected or connected.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_login(
    connection: *mut aws_mqtt_client_connection,
    username: *const aws_byte_cursor,
    password: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends valid cursors and holds a reference to the connection.
        unsafe {
            let handle = handle_of(connection)?;
            let username = utf8_text(cursor_bytes(username)?)?;
            let password = if password.is_null() {
                None
            } else {
                Some(Bytes::copy_from_slice(cursor_bytes(password)?))
            };
            match handle.kind() {
                Kind::Native(c) => c.reconfigure(|config| {
                    config.username = Some(username);
                    config.password = password;
                }),
                // As upstream's adapter: empty is absent.
                Kind::Adapter(a) => a.set_login(
                    Some(username).filter(|u| !u.is_empty()),
                    password.filter(|p| !p.is_empty()),
                ),
            }
        }
    })
}

/// Reconnect attempts start `min_timeout` seconds after a loss and double up to `max_timeout`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_reconnect_timeout(
    connection: *mut aws_mqtt_client_connection,
    min_timeout: u64,
    max_timeout: u64,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection.
        match unsafe { handle_of(connection) }?.kind() {
            Kind::Native(c) => {
                c.reconfigure(|config| config.reconnect_secs = Some((min_timeout, max_timeout)))
            }
            Kind::Adapter(a) => a.set_reconnect_timeout(min_timeout, max_timeout),
        }
    })
}

/// Sets the handlers of every successful CONNACK and of a failed first attempt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_connection_result_handlers(
    connection: *mut aws_mqtt_client_connection,
    on_connection_success: Option<aws_mqtt_client_on_connection_success_fn>,
    on_connection_success_ud: *mut c_void,
    on_connection_failure: Option<aws_mqtt_client_on_connection_failure_fn>,
    on_connection_failure_ud: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection.
        unsafe {
            set_callbacks(connection, |cb| {
                cb.on_success = Callback {
                    function: on_connection_success,
                    user_data: on_connection_success_ud,
                };
                cb.on_failure = Callback {
                    function: on_connection_failure,
                    user_data: on_connection_failure_ud,
                };
            })
        }
    })
}

/// Sets the handlers of a lost connection and of its resumption.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_connection_interruption_handlers(
    connection: *mut aws_mqtt_client_connection,
    on_interrupted: Option<aws_mqtt_client_on_connection_interrupted_fn>,
    on_interrupted_ud: *mut c_void,
    on_resumed: Option<aws_mqtt_client_on_connection_resumed_fn>,
    on_resumed_ud: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection.
        unsafe {
            set_callbacks(connection, |cb| {
                cb.on_interrupted = Callback {
                    function: on_interrupted,
                    user_data: on_interrupted_ud,
                };
                cb.on_resumed = Callback {
                    function: on_resumed,
                    user_data: on_resumed_ud,
                };
            })
        }
    })
}

/// Sets the handler called after each finished disconnect.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_connection_closed_handler(
    connection: *mut aws_mqtt_client_connection,
    on_closed: Option<aws_mqtt_client_on_connection_closed_fn>,
    on_closed_ud: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection.
        unsafe {
            set_callbacks(connection, |cb| {
                cb.on_closed = Callback {
                    function: on_closed,
                    user_data: on_closed_ud,
                }
            })
        }
    })
}

/// Sets the handler every received PUBLISH goes to (after its subscriptions' handlers).
/// `AWS_ERROR_INVALID_STATE` while connected, as upstream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_on_any_publish_handler(
    connection: *mut aws_mqtt_client_connection,
    on_any_publish: Option<aws_mqtt_client_publish_received_fn>,
    on_any_publish_ud: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection.
        let c = match unsafe { handle_of(connection) }?.kind() {
            Kind::Native(c) => c,
            Kind::Adapter(a) => {
                return a.set_callbacks(|cb| {
                    cb.on_any_publish = Callback {
                        function: on_any_publish,
                        user_data: on_any_publish_ud,
                    }
                });
            }
        };
        let mut s = c.synced();
        if s.state == State::Connected {
            return Err(AWS_ERROR_INVALID_STATE.into());
        }
        s.callbacks.on_any_publish = Callback {
            function: on_any_publish,
            user_data: on_any_publish_ud,
        };
        c.callbacks_version.fetch_add(1, Release);
        Ok(())
    })
}

/// Sets the handler called once the connection's memory is gone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_connection_termination_handler(
    connection: *mut aws_mqtt_client_connection,
    on_termination: Option<aws_mqtt_client_on_connection_termination_fn>,
    on_termination_ud: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection.
        let termination = Termination {
            function: on_termination,
            user_data: on_termination_ud,
        };
        match unsafe { handle_of(connection) }?.kind() {
            Kind::Native(c) => c.set_termination(termination),
            Kind::Adapter(a) => a.set_termination(termination),
        }
    })
}

/// Sets how the host is resolved (deep-copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_host_resolution_options(
    connection: *mut aws_mqtt_client_connection,
    host_resolution_config: *const aws_host_resolution_config,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid config and holds a reference to the connection.
        unsafe {
            let handle = handle_of(connection)?;
            guard::require(!host_resolution_config.is_null())?;
            let config = resolution_config(host_resolution_config, std::ptr::null_mut());
            match handle.kind() {
                Kind::Native(c) => c.reconfigure(|cfg| cfg.resolution = Some(config)),
                Kind::Adapter(a) => a.update_endpoint(|e| e.connector.resolution = config),
            }
        }
    })
}

/// Appends the AWS IoT SDK metrics to the user name of later CONNECTs (NULL turns them off).
/// The library name and metadata must be MQTT UTF-8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_metrics(
    connection: *mut aws_mqtt_client_connection,
    metrics: *const aws_mqtt_iot_metrics,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends valid metrics and holds a reference to the connection.
        unsafe {
            let handle = handle_of(connection)?;
            let copied = match metrics.as_ref() {
                None => None,
                Some(m) => Some(iot_metrics(m)?),
            };
            match handle.kind() {
                Kind::Native(c) => c.reconfigure(|config| config.metrics = copied),
                Kind::Adapter(a) => a.set_metrics(copied),
            }
        }
    })
}

/// Makes later connects speak MQTT over WebSocket (`GET /mqtt`, subprotocol `mqtt`, over TLS
/// when the connection has TLS options). `transformer` (optional) may rewrite the upgrade
/// request before each attempt and finishes through its completion function, from any thread;
/// a non-zero error code there fails the attempt with that code. `validator` (optional) sees
/// the server's answer fields; a non-zero return fails the attempt with the raised error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_use_websockets(
    connection: *mut aws_mqtt_client_connection,
    transformer: Option<aws_mqtt_transform_websocket_handshake_fn>,
    transformer_ud: *mut c_void,
    validator: Option<aws_mqtt_validate_websocket_handshake_fn>,
    validator_ud: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection.
        let handle = unsafe { handle_of(connection) }?;
        let hooks = CHooks {
            transform: transformer.map(|t| (t, transformer_ud)),
            validate: validator.map(|v| (v, validator_ud, connection)),
        };
        match handle.kind() {
            Kind::Native(c) => c.reconfigure(|config| config.websocket = Some(Arc::new(hooks))),
            // Upstream's adapter ignores the validator: MQTT 5 has no use for it.
            Kind::Adapter(a) => {
                let hooks = CHooks {
                    validate: None,
                    ..hooks
                };
                a.update_endpoint(|e| e.websocket = Some(Arc::new(hooks)))
            }
        }
    })
}

/// Sets the HTTP proxy that the next connect tunnels through (with CONNECT, whatever the
/// options' connection type, as upstream): host, port, TLS to the proxy and basic credentials are
/// copied. `AWS_ERROR_INVALID_STATE` while connecting or disconnecting (as upstream);
/// `AWS_ERROR_INVALID_ARGUMENT` for NULL options (upstream asserts) or an unknown
/// authentication type; `AWS_ERROR_UNSUPPORTED_OPERATION` for a proxy strategy.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_set_http_proxy_options(
    connection: *mut aws_mqtt_client_connection,
    proxy_options: *mut aws_http_proxy_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends valid options and holds a reference to the connection.
        unsafe {
            let handle = handle_of(connection)?;
            let settings = proxy_settings(guard::reference(proxy_options)?)?;
            match handle.kind() {
                Kind::Native(c) => c.reconfigure(|config| config.proxy = Some(settings)),
                Kind::Adapter(a) => a.update_endpoint(|e| e.proxy = Some(settings)),
            }
        }
    })
}

/// Changes a connection-level callback of either kind of handle.
///
/// # Safety
/// `connection` is NULL or a handle the caller holds a reference to.
unsafe fn set_callbacks(
    connection: *mut aws_mqtt_client_connection,
    change: impl FnOnce(&mut Callbacks),
) -> guard::Result<()> {
    // SAFETY: the caller's contract.
    match unsafe { handle_of(connection) }?.kind() {
        Kind::Native(c) => c.set_callbacks(change),
        Kind::Adapter(a) => a.set_callbacks(change),
    }
}

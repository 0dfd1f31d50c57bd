//! `struct aws_mqtt5_client_options`, checked as upstream's `aws_mqtt5_client_options_validate`
//! checks it (same order, same error codes), with upstream's defaults for zero fields, and
//! copied into the engine's settings and the transport's endpoint.
//!
//! Differences from upstream:
//! - HTTP proxy options with a `proxy_strategy` fail with `AWS_ERROR_UNSUPPORTED_OPERATION`
//!   (this library makes no strategies); other invalid proxy options (an unknown
//!   authentication type, text that is not UTF-8) fail validation.
//! - `outbound_alias_cache_max_size` bounds the LRU cache as the header documents (upstream
//!   ignores it and uses the server's maximum alone).

use crate::client::backoff::{BackoffConfig, JitterMode};
use crate::client::iot_metrics::connect_username;
use crate::client::mqtt5::settings::{
    DEFAULT_ACK_TIMEOUT_SECS, DEFAULT_CONNACK_TIMEOUT_MS, DEFAULT_MAX_INFLIGHT,
    DEFAULT_PING_TIMEOUT_MS, DEFAULT_TOPIC_ALIAS_CACHE_SIZE,
};
use crate::client::mqtt5::{OfflineQueuePolicy, OutboundAliasing, SessionBehavior, Settings};
use crate::connection::Endpoint;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result};
use crate::ffi::http::proxy::proxy_settings;
use crate::ffi::io::channel_bootstrap::{
    Connector, aws_client_bootstrap, aws_client_bootstrap_acquire, aws_client_bootstrap_release,
};
use crate::ffi::io::host_resolver::resolution_config;
use crate::ffi::io::socket::socket_options;
use crate::ffi::io::tls_connection_options::connection_settings;
use crate::ffi::mqtt::client_delegate::Callback;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::*;
use crate::ffi::mqtt::mqtt::iot_metrics;
use crate::ffi::mqtt::v5::mqtt5_client::*;
use crate::ffi::mqtt::v5::packets_from_views::connect_from_view;
use crate::ffi::mqtt::websocket_hooks::CHooks;
use crate::transport::http_proxy::ProxySettings;
use crate::transport::socket_options::{SocketDomain, SocketOptions, SocketType};
use crate::transport::tls::TlsConnectionSettings;
use crate::transport::websocket::WebSocketHooks;
use std::sync::Arc;
use std::time::Duration;

/// Upstream's socket connect timeout when no socket options are given
/// (`AWS_MQTT5_DEFAULT_SOCKET_CONNECT_TIMEOUT_MS`).
const DEFAULT_SOCKET_CONNECT_TIMEOUT: Duration = Duration::from_millis(10_000);

/// A client's validated, copied options.
pub struct ClientOptions {
    /// The engine's configuration.
    pub settings: Settings,
    /// A reference the client holds until it is destroyed.
    pub bootstrap: *mut aws_client_bootstrap,
    host: String,
    port: u32,
    socket: SocketOptions,
    tls: Option<TlsConnectionSettings>,
    proxy: Option<ProxySettings>,
    websocket: Option<Arc<dyn WebSocketHooks>>,
    /// The caller's resolution override; else the bootstrap's.
    resolution: Option<crate::runtime::host_resolver::ResolutionConfig>,
    /// AWS IoT Core's limits apply to what is submitted.
    pub iot_core: bool,
    /// The lifecycle event handler.
    pub lifecycle: Callback<aws_mqtt5_client_connection_event_callback_fn>,
    /// The publish handler.
    pub publish: Callback<aws_mqtt5_publish_received_fn>,
    /// The termination handler.
    pub termination: Callback<aws_mqtt5_client_termination_completion_fn>,
}

fn invalid() -> Error {
    Error::from(AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION)
}

/// The text of a cursor, `AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION` unless UTF-8.
///
/// # Safety
/// `cursor` must be valid.
unsafe fn text(cursor: &aws_byte_cursor) -> Result<String> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { guard::bytes(cursor.ptr, cursor.len) }?;
    String::from_utf8(bytes.to_vec()).map_err(|_| invalid())
}

impl ClientOptions {
    /// Checks and copies `options`, taking a reference to its bootstrap.
    ///
    /// # Safety
    /// `options` must be NULL or valid options whose pointers are NULL or valid.
    pub unsafe fn from_c(options: *const aws_mqtt5_client_options) -> Result<ClientOptions> {
        // SAFETY: forwarded caller contract (every dereference below).
        unsafe {
            let o = guard::reference(options)?;
            if o.host_name.len == 0 {
                return Err(invalid());
            }
            let host = text(&o.host_name)?;
            if o.bootstrap.is_null() {
                return Err(invalid());
            }
            let socket = match o.socket_options.as_ref() {
                None => SocketOptions {
                    connect_timeout: DEFAULT_SOCKET_CONNECT_TIMEOUT,
                    ..SocketOptions::default()
                },
                Some(s) => {
                    let socket = socket_options(s).map_err(|_| invalid())?;
                    if socket.socket_type == SocketType::Datagram
                        || socket.connect_timeout.is_zero()
                    {
                        return Err(invalid());
                    }
                    socket
                }
            };
            let port_ok = match socket.domain {
                SocketDomain::Ipv4 | SocketDomain::Ipv6 => (1..=65_535).contains(&o.port),
                _ => true,
            };
            if !port_ok {
                return Err(invalid());
            }
            // With a handshake transform the client speaks MQTT over WebSocket (as upstream).
            let websocket = o.websocket_handshake_transform.map(|transform| {
                Arc::new(CHooks {
                    transform: Some((transform, o.websocket_handshake_transform_user_data)),
                    validate: None,
                }) as Arc<dyn WebSocketHooks>
            });
            let proxy = match o.http_proxy_options.as_ref() {
                None => None,
                Some(p) => {
                    if p.host.len == 0 || !(1..=65_535).contains(&p.port) {
                        return Err(invalid());
                    }
                    Some(proxy_settings(p).map_err(|e| {
                        if e == Error::from(AWS_ERROR_UNSUPPORTED_OPERATION) {
                            e
                        } else {
                            invalid()
                        }
                    })?)
                }
            };
            if o.lifecycle_event_handler.is_none() || o.publish_received_handler.is_none() {
                return Err(invalid());
            }
            let iot_core = o.extended_validation_and_flow_control_options
                == aws_mqtt5_extended_validation_and_flow_control_options::AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS
                    as i32;
            let view = o.connect_options.as_ref().ok_or(INVALID_ARGUMENT)?;
            let mut connect = connect_from_view(view, iot_core).map_err(Error)?;
            let (outbound_aliasing, inbound_alias_maximum) =
                aliasing(o.topic_aliasing_options.as_ref())?;
            if let Some(m) = o.metrics.as_ref() {
                let metrics = iot_metrics(m).map_err(|_| invalid())?;
                connect.username = connect_username(connect.username.as_deref(), Some(&metrics));
            }
            if iot_core && connect.client_id.is_empty() {
                connect.client_id = generated_client_id();
            }
            let tls = match o.tls_options.is_null() {
                true => None,
                false => Some(connection_settings(o.tls_options)?),
            };
            let or = |value: u64, default: u64| if value == 0 { default } else { value };
            let backoff_default = BackoffConfig::MQTT5_DEFAULT;
            let max_delay_ms = or(o.max_reconnect_delay_ms, backoff_default.max_delay_ms);
            let resolution = (!o.host_resolution_override.is_null())
                .then(|| resolution_config(o.host_resolution_override, std::ptr::null_mut()));
            let settings = Settings {
                connect,
                session_behavior: session_behavior(o.session_behavior),
                offline_queue: offline_queue(o.offline_queue_behavior),
                backoff: BackoffConfig {
                    min_delay_ms: or(o.min_reconnect_delay_ms, backoff_default.min_delay_ms),
                    max_delay_ms,
                    jitter: JitterMode::from_upstream(o.retry_jitter_mode as u32)
                        .unwrap_or(JitterMode::Full),
                    reset_after_ms: or(
                        o.min_connected_time_to_reset_reconnect_delay_ms,
                        backoff_default.reset_after_ms,
                    ),
                },
                ping_timeout_ms: or32(o.ping_timeout_ms, DEFAULT_PING_TIMEOUT_MS),
                connack_timeout_ms: or32(o.connack_timeout_ms, DEFAULT_CONNACK_TIMEOUT_MS),
                ack_timeout_secs: or32(o.ack_timeout_seconds, DEFAULT_ACK_TIMEOUT_SECS),
                outbound_aliasing,
                inbound_alias_maximum,
                iot_core_flow_control: iot_core,
                max_inflight: DEFAULT_MAX_INFLIGHT,
            };
            Ok(ClientOptions {
                settings,
                bootstrap: aws_client_bootstrap_acquire(o.bootstrap),
                host,
                port: o.port,
                socket,
                tls,
                proxy,
                websocket,
                resolution,
                iot_core,
                lifecycle: Callback {
                    function: o.lifecycle_event_handler,
                    user_data: o.lifecycle_event_handler_user_data,
                },
                publish: Callback {
                    function: o.publish_received_handler,
                    user_data: o.publish_received_handler_user_data,
                },
                termination: Callback {
                    function: o.client_termination_handler,
                    user_data: o.client_termination_handler_user_data,
                },
            })
        }
    }

    /// Where the client connects, through `connector`'s loops and resolver.
    pub(crate) fn endpoint(&self, mut connector: Connector) -> Endpoint {
        if let Some(resolution) = &self.resolution {
            connector.resolution = resolution.clone();
        }
        Endpoint {
            host: self.host.clone(),
            port: self.port,
            socket: self.socket.clone(),
            tls: self.tls.clone(),
            proxy: self.proxy.clone(),
            websocket: self.websocket.clone(),
            connector,
        }
    }
}

impl Drop for ClientOptions {
    fn drop(&mut self) {
        // SAFETY: the reference `from_c` took.
        unsafe { aws_client_bootstrap_release(self.bootstrap) };
    }
}

fn or32(value: u32, default: u32) -> u32 {
    if value == 0 { default } else { value }
}

fn session_behavior(raw: aws_mqtt5_client_session_behavior_type_raw) -> SessionBehavior {
    use aws_mqtt5_client_session_behavior_type::*;
    match raw {
        x if x == AWS_MQTT5_CSBT_REJOIN_POST_SUCCESS as i32 => SessionBehavior::RejoinPostSuccess,
        x if x == AWS_MQTT5_CSBT_REJOIN_ALWAYS as i32 => SessionBehavior::RejoinAlways,
        _ => SessionBehavior::Clean,
    }
}

fn offline_queue(raw: aws_mqtt5_client_operation_queue_behavior_type_raw) -> OfflineQueuePolicy {
    use aws_mqtt5_client_operation_queue_behavior_type::*;
    match raw {
        x if x == AWS_MQTT5_COQBT_FAIL_NON_QOS1_PUBLISH_ON_DISCONNECT as i32 => {
            OfflineQueuePolicy::FailNonQos1PublishOnDisconnect
        }
        x if x == AWS_MQTT5_COQBT_FAIL_ALL_ON_DISCONNECT as i32 => {
            OfflineQueuePolicy::FailAllOnDisconnect
        }
        _ => OfflineQueuePolicy::FailQos0PublishOnDisconnect,
    }
}

/// The topic alias options: `CLIENT_OPTIONS_VALIDATION` for an unknown behaviour.
fn aliasing(
    options: Option<&aws_mqtt5_client_topic_alias_options>,
) -> Result<(OutboundAliasing, Option<u16>)> {
    use aws_mqtt5_client_inbound_topic_alias_behavior_type::*;
    use aws_mqtt5_client_outbound_topic_alias_behavior_type::*;
    let Some(o) = options else {
        return Ok((OutboundAliasing::Disabled, None));
    };
    let size = |s: u16| {
        if s == 0 {
            DEFAULT_TOPIC_ALIAS_CACHE_SIZE
        } else {
            s
        }
    };
    let outbound = match o.outbound_topic_alias_behavior {
        x if x == AWS_MQTT5_COTABT_DEFAULT as i32 || x == AWS_MQTT5_COTABT_DISABLED as i32 => {
            OutboundAliasing::Disabled
        }
        x if x == AWS_MQTT5_COTABT_MANUAL as i32 => OutboundAliasing::Manual,
        x if x == AWS_MQTT5_COTABT_LRU as i32 => {
            OutboundAliasing::Lru(size(o.outbound_alias_cache_max_size))
        }
        _ => return Err(invalid()),
    };
    let inbound = match o.inbound_topic_alias_behavior {
        x if x == AWS_MQTT5_CITABT_DEFAULT as i32 || x == AWS_MQTT5_CITABT_DISABLED as i32 => None,
        x if x == AWS_MQTT5_CITABT_ENABLED as i32 => Some(size(o.inbound_alias_cache_size)),
        _ => return Err(invalid()),
    };
    Ok((outbound, inbound))
}

/// Upstream's generated client id under IoT Core's limits: "gen" and 32 hex digits.
fn generated_client_id() -> String {
    let mut random = crate::client::backoff::SplitMix64::from_entropy();
    format!("gen{:016x}{:016x}", random.next_u64(), random.next_u64())
}

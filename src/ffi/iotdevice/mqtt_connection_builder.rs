//! `aws/iotdevice/mqtt_connection_builder.h`: the AWS IoT builder for the MQTT 3.1.1
//! connection, the counterpart of the MQTT 5 builder with the same constructors (the SDKs'
//! `MqttClientConnectionConfigBuilder`). `aws_iot_mqtt_connection_builder_build` makes a
//! `struct aws_mqtt_client_connection` configured for the method (login with the
//! custom-authorizer user name, SDK metrics, WebSocket transform, HTTP proxy) and fills a
//! `struct aws_mqtt_connection_options` (host, port, socket, TLS, client id, timeouts, clean
//! session) for the caller's `aws_mqtt_client_connection_connect`, after setting its
//! completion callback.
//!
//! Beyond upstream. A builder is used from one thread at a time; it may be destroyed while its
//! connections live. The options it fills point into the builder: they stay valid until the
//! next build or the builder's destruction (`connect` copies them). The builder owns each
//! connection's termination handler (set it on the builder, not on the connection).
//!
//! # Safety
//! Pointer arguments are NULL or valid; a builder is one a constructor returned and that was
//! not destroyed.

use crate::ffi::auth::credentials_provider::aws_credentials_provider;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::io::tls_channel_handler::aws_tls_ctx_pkcs11_options;
use crate::ffi::iotdevice::connection_config::{
    ClientExtras, ConnectionConfig, TlsConnection, on_client_terminated,
};
use crate::ffi::iotdevice::custom_authorizer::Order;
use crate::ffi::iotdevice::iotdevice::aws_iot_custom_authorizer_config;
use crate::ffi::mqtt::client::{aws_mqtt_client_new, aws_mqtt_client_release};
use crate::ffi::mqtt::client_connection::{
    aws_mqtt_client_connection, aws_mqtt_client_connection_new, aws_mqtt_client_connection_release,
};
use crate::ffi::mqtt::client_settings::{
    aws_mqtt_client_connection_set_connection_termination_handler,
    aws_mqtt_client_connection_set_http_proxy_options, aws_mqtt_client_connection_set_login,
    aws_mqtt_client_connection_set_metrics, aws_mqtt_client_connection_use_websockets,
};
use crate::ffi::mqtt::client_types::{
    aws_mqtt_client_on_connection_termination_fn, aws_mqtt_connection_options,
};
use crate::ffi::mqtt::mqtt::aws_mqtt_metadata_entry;
use std::ffi::{c_char, c_int, c_void};
use std::ptr;

/// An AWS IoT MQTT 3.1.1 connection builder. Opaque.
pub struct aws_iot_mqtt_connection_builder {
    _private: [u8; 0],
}

/// What a 3.1.1 builder holds.
pub(crate) struct Builder311 {
    pub config: ConnectionConfig,
    pub client_id: Vec<u8>,
    pub username: Option<Vec<u8>>,
    pub password: Option<Vec<u8>>,
    pub keep_alive_time_secs: u16,
    pub ping_timeout_ms: u32,
    pub protocol_operation_timeout_ms: u32,
    pub clean_session: bool,
    pub on_termination: Option<aws_mqtt_client_on_connection_termination_fn>,
    pub on_termination_user_data: *mut c_void,
    /// The TLS options of the last build, which the filled connect options point to.
    tls: Option<TlsConnection>,
}

/// A CONNECT's user name and password, each when present.
type Login = (Option<Vec<u8>>, Option<Vec<u8>>);

/// `AWS_OP_SUCCESS` or the last error.
fn status(code: c_int) -> Result<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(Error(aws_last_error()))
    }
}

impl Builder311 {
    fn new(config: ConnectionConfig) -> Self {
        Self {
            config,
            client_id: Vec::new(),
            username: None,
            password: None,
            keep_alive_time_secs: 0,
            ping_timeout_ms: 0,
            protocol_operation_timeout_ms: 0,
            clean_session: true,
            on_termination: None,
            on_termination_user_data: ptr::null_mut(),
            tls: None,
        }
    }

    /// The login: the custom authorizer's user name (the signature before the token, as the
    /// SDKs' 3.1.1 builder writes it) and password, else the builder's.
    fn login(&self) -> Result<Login> {
        let Some(auth) = self.config.custom_authorizer() else {
            return Ok((self.username.clone(), self.password.clone()));
        };
        let own = match &self.username {
            Some(u) => Some(String::from_utf8(u.clone()).map_err(|_| guard::INVALID_ARGUMENT)?),
            None => None,
        };
        let username = auth.username(own.as_deref(), Order::SignatureFirst);
        let password = auth.password.clone().or_else(|| self.password.clone());
        Ok((Some(username.into_bytes()), password))
    }

    /// Sets up `connection` for the method (its termination handler is already the builder's).
    ///
    /// # Safety
    /// `connection` must be live; `extras` the boxed extras its termination frees.
    unsafe fn configure(
        &mut self,
        connection: *mut aws_mqtt_client_connection,
        extras: *mut ClientExtras,
    ) -> Result<()> {
        // SAFETY: the connection is live; every pointer lent lives through its call.
        unsafe {
            let (username, password) = self.login()?;
            if username.is_some() || password.is_some() {
                let user = aws_byte_cursor::from_slice(username.as_deref().unwrap_or_default());
                let pass = password.as_deref().map(aws_byte_cursor::from_slice);
                status(aws_mqtt_client_connection_set_login(
                    connection,
                    &user,
                    pass.as_ref().map_or(ptr::null(), ptr::from_ref),
                ))?;
            }
            let mut entry: aws_mqtt_metadata_entry = std::mem::zeroed();
            if let Some(metrics) = self.config.metrics(&mut entry) {
                status(aws_mqtt_client_connection_set_metrics(connection, &metrics))?;
            }
            if let Some((transform, signer)) = self.config.websocket_transform()? {
                (*extras).signer = signer;
                let user_data = (*extras)
                    .signer
                    .as_deref()
                    .map_or(ptr::null_mut(), |s| ptr::from_ref(s).cast_mut().cast());
                status(aws_mqtt_client_connection_use_websockets(
                    connection,
                    Some(transform),
                    user_data,
                    None,
                    ptr::null_mut(),
                ))?;
            }
            if let Some(mut proxy) = self.config.proxy_view() {
                status(aws_mqtt_client_connection_set_http_proxy_options(
                    connection, &mut proxy,
                ))?;
            }
        }
        Ok(())
    }

    /// Makes a connection and fills `out` for its connect.
    fn build(
        &mut self,
        out: &mut aws_mqtt_connection_options,
    ) -> Result<*mut aws_mqtt_client_connection> {
        let endpoint = self.config.endpoint();
        let bootstrap = self.config.bootstrap()?;
        let tls = self.config.tls_connection(&endpoint)?;
        // SAFETY: a live bootstrap; the client is released once the connection holds it.
        let connection = unsafe {
            let client = aws_mqtt_client_new(self.config.allocator, bootstrap);
            if client.is_null() {
                return Err(Error(aws_last_error()));
            }
            let connection = aws_mqtt_client_connection_new(client);
            aws_mqtt_client_release(client);
            connection
        };
        if connection.is_null() {
            return Err(Error(aws_last_error()));
        }
        let extras = Box::into_raw(Box::new(ClientExtras {
            signer: None,
            on_termination: self.on_termination,
            on_termination_user_data: self.on_termination_user_data,
        }));
        // SAFETY: a live connection; from here its termination frees the extras.
        let configured = unsafe {
            let set = aws_mqtt_client_connection_set_connection_termination_handler(
                connection,
                Some(on_client_terminated),
                extras.cast(),
            );
            if set != 0 {
                drop(Box::from_raw(extras));
                Err(Error(aws_last_error()))
            } else {
                self.configure(connection, extras)
            }
        };
        if let Err(e) = configured {
            // SAFETY: the builder's reference; the termination frees the extras.
            unsafe { aws_mqtt_client_connection_release(connection) };
            return Err(e);
        }
        let tls = self.tls.insert(tls);
        *out = aws_mqtt_connection_options {
            host_name: aws_byte_cursor::from_slice(&self.config.host),
            port: endpoint.port,
            socket_options: &mut self.config.socket,
            tls_options: &mut tls.options,
            client_id: aws_byte_cursor::from_slice(&self.client_id),
            keep_alive_time_secs: self.keep_alive_time_secs,
            ping_timeout_ms: self.ping_timeout_ms,
            protocol_operation_timeout_ms: self.protocol_operation_timeout_ms,
            on_connection_complete: None,
            user_data: ptr::null_mut(),
            clean_session: self.clean_session,
        };
        Ok(connection)
    }
}

/// The builder behind a handle.
///
/// # Safety
/// `builder` must be NULL or live.
pub(crate) unsafe fn builder_of<'a>(
    builder: *mut aws_iot_mqtt_connection_builder,
) -> Result<&'a mut Builder311> {
    // SAFETY: a live handle is a boxed `Builder311`.
    unsafe { guard::mutable(builder.cast::<Builder311>()) }
}

/// A handle for a new builder.
fn handle(config: Result<ConnectionConfig>) -> Result<*mut aws_iot_mqtt_connection_builder> {
    Ok(Box::into_raw(Box::new(Builder311::new(config?))).cast())
}

/// A builder for mutual TLS with a PEM certificate and private key read from files.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_new_mtls_from_path(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    cert_path: *const c_char,
    key_path: *const c_char,
) -> *mut aws_iot_mqtt_connection_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::mtls_from_path(allocator, &host_name, cert_path, key_path)
        })
    })
}

/// A builder for mutual TLS with a PEM certificate and private key in memory (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_new_mtls_from_memory(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    cert: *const aws_byte_cursor,
    key: *const aws_byte_cursor,
) -> *mut aws_iot_mqtt_connection_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe { ConnectionConfig::mtls_from_memory(allocator, &host_name, cert, key) })
    })
}

/// A builder for mutual TLS with the private key on a PKCS#11 token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_new_mtls_pkcs11(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    pkcs11_options: *const aws_tls_ctx_pkcs11_options,
) -> *mut aws_iot_mqtt_connection_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe { ConnectionConfig::mtls_pkcs11(allocator, &host_name, pkcs11_options) })
    })
}

/// A builder for mutual TLS with a PKCS#12 file and its password.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_new_mtls_pkcs12(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    pkcs12_path: *const c_char,
    password: *const aws_byte_cursor,
) -> *mut aws_iot_mqtt_connection_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::mtls_pkcs12(allocator, &host_name, pkcs12_path, password)
        })
    })
}

/// A builder for the Windows certificate store: Windows only; elsewhere NULL with
/// `AWS_ERROR_PLATFORM_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_new_mtls_windows_cert_store_path(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    cert_store_path: *const c_char,
) -> *mut aws_iot_mqtt_connection_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::windows_cert_store(allocator, &host_name, cert_store_path)
        })
    })
}

/// A builder for MQTT over a TLS WebSocket presigned with SigV4 (`iotdevicegateway`,
/// `region`), credentials from `provider` (a reference is taken; NULL: the default chain).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_new_websocket_sigv4(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    region: aws_byte_cursor,
    provider: *mut aws_credentials_provider,
) -> *mut aws_iot_mqtt_connection_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::websocket_sigv4(allocator, &host_name, &region, provider)
        })
    })
}

/// A builder for an AWS IoT custom authorizer over direct TLS (port 443, ALPN `mqtt`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_new_custom_authorizer(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    config: *const aws_iot_custom_authorizer_config,
) -> *mut aws_iot_mqtt_connection_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::with_custom_authorizer(allocator, &host_name, config, false)
        })
    })
}

/// A builder for an AWS IoT custom authorizer over a TLS WebSocket (the upgrade not signed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_new_websocket_custom_authorizer(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    config: *const aws_iot_custom_authorizer_config,
) -> *mut aws_iot_mqtt_connection_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::with_custom_authorizer(allocator, &host_name, config, true)
        })
    })
}

/// Makes a 3.1.1 connection (one reference) set up for the method, and fills
/// `connection_options` for its connect (set `on_connection_complete` and `user_data`, then
/// call `aws_mqtt_client_connection_connect`). NULL with the error of the TLS context or of the
/// connection's setters when one fails. Each call makes a new connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_build(
    builder: *mut aws_iot_mqtt_connection_builder,
    connection_options: *mut aws_mqtt_connection_options,
) -> *mut aws_mqtt_client_connection {
    guard::ptr(|| {
        // SAFETY: the module's contract.
        let (b, out) = unsafe { (builder_of(builder)?, guard::mutable(connection_options)?) };
        b.build(out)
    })
}

/// Destroys the builder; the connections it made live on. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt_connection_builder_destroy(
    builder: *mut aws_iot_mqtt_connection_builder,
) {
    guard::guard((), || {
        if !builder.is_null() {
            // SAFETY: a live handle is a boxed `Builder311`, given back once.
            drop(unsafe { Box::from_raw(builder.cast::<Builder311>()) });
        }
        Ok(())
    })
}

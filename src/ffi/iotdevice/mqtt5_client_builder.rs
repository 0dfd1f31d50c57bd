//! `aws/iotdevice/mqtt5_client_builder.h`: the AWS IoT MQTT 5 client builder: one constructor
//! per connection method of the SDKs' guides, setters for what the guides configure, and
//! `aws_iot_mqtt5_client_builder_build`, which makes a `struct aws_mqtt5_client` through
//! `aws_mqtt5_client_new` with the SDKs' conventions applied (port, ALPN, the custom-authorizer
//! user name, the SDK metrics, the SigV4 WebSocket transform).
//!
//! Beyond upstream. A builder is used from one thread at a time; it can build several clients,
//! and may be destroyed while they live (each holds what it needs). Every function checks its
//! arguments: NULL and invalid values are `AWS_ERROR_INVALID_ARGUMENT`; a constructor fails with
//! the error of the TLS options of its method.
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
    ClientExtras, ConnectionConfig, cursor_copy, on_client_terminated,
};
use crate::ffi::iotdevice::custom_authorizer::Order;
use crate::ffi::iotdevice::iotdevice::aws_iot_custom_authorizer_config;
use crate::ffi::mqtt::mqtt::aws_mqtt_metadata_entry;
use crate::ffi::mqtt::v5::client::aws_mqtt5_client_new;
use crate::ffi::mqtt::v5::connect_storage::{
    aws_mqtt5_packet_connect_storage_clean_up, aws_mqtt5_packet_connect_storage_init,
};
use crate::ffi::mqtt::v5::mqtt5_client::{
    aws_mqtt5_client, aws_mqtt5_client_options, aws_mqtt5_client_termination_completion_fn,
    aws_mqtt5_client_topic_alias_options,
};
use crate::ffi::mqtt::v5::mqtt5_packet_storage::aws_mqtt5_packet_connect_storage;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_packet_connect_view;
use std::ffi::{c_char, c_void};
use std::mem::MaybeUninit;
use std::ptr;

/// The keep alive of a CONNECT the caller did not give (the SDKs' default).
const DEFAULT_KEEP_ALIVE_SECONDS: u16 = 1200;

/// An AWS IoT MQTT 5 client builder. Opaque.
pub struct aws_iot_mqtt5_client_builder {
    _private: [u8; 0],
}

/// What a builder holds.
pub(crate) struct Builder5 {
    pub config: ConnectionConfig,
    /// The client options set so far; the pointers are filled at build.
    pub options: aws_mqtt5_client_options,
    pub topic_aliasing: Option<aws_mqtt5_client_topic_alias_options>,
    pub connect: Option<Box<aws_mqtt5_packet_connect_storage>>,
    pub on_termination: Option<aws_mqtt5_client_termination_completion_fn>,
    pub on_termination_user_data: *mut c_void,
}

impl Builder5 {
    fn new(config: ConnectionConfig) -> Self {
        // SAFETY: all-zero is "not set" for every field of the options (NULL pointers, no
        // handlers, zero numbers and enums: the defaults).
        let options = unsafe { MaybeUninit::<aws_mqtt5_client_options>::zeroed().assume_init() };
        Self {
            config,
            options,
            topic_aliasing: None,
            connect: None,
            on_termination: None,
            on_termination_user_data: ptr::null_mut(),
        }
    }

    /// Replaces the CONNECT with a copy of `view`.
    ///
    /// # Safety
    /// `view` must be valid.
    pub unsafe fn set_connect(&mut self, view: &aws_mqtt5_packet_connect_view) -> Result<()> {
        let mut storage = Box::new(MaybeUninit::<aws_mqtt5_packet_connect_storage>::zeroed());
        // SAFETY: writable storage; the caller's view. On failure the storage is left zeroed.
        let code = unsafe {
            aws_mqtt5_packet_connect_storage_init(
                storage.as_mut_ptr(),
                self.config.allocator,
                view,
                ptr::null(),
            )
        };
        if code != 0 {
            return Err(Error(aws_last_error()));
        }
        self.clear_connect();
        // SAFETY: initialised above.
        self.connect = Some(unsafe {
            Box::from_raw(Box::into_raw(storage).cast::<aws_mqtt5_packet_connect_storage>())
        });
        Ok(())
    }

    fn clear_connect(&mut self) {
        if let Some(mut storage) = self.connect.take() {
            // SAFETY: initialised by `set_connect`.
            unsafe { aws_mqtt5_packet_connect_storage_clean_up(&mut *storage) };
        }
    }

    /// The custom authorizer's user name and password for `connect`, if one signs in: its
    /// query after the authorizer's user name or the CONNECT's.
    fn custom_login(
        &self,
        connect: &aws_mqtt5_packet_connect_view,
    ) -> Result<Option<(String, Option<Vec<u8>>)>> {
        let Some(auth) = self.config.custom_authorizer() else {
            return Ok(None);
        };
        // SAFETY: the view's user name is NULL or points into the builder's storage.
        let current = match unsafe { connect.username.as_ref() } {
            // SAFETY: as above.
            Some(c) => Some(
                String::from_utf8(unsafe { cursor_copy(c) }?)
                    .map_err(|_| guard::INVALID_ARGUMENT)?,
            ),
            None => None,
        };
        let username = auth.username(current.as_deref(), Order::TokenFirst);
        Ok(Some((username, auth.password.clone())))
    }

    /// Makes a client.
    fn build(&mut self) -> Result<*mut aws_mqtt5_client> {
        let endpoint = self.config.endpoint();
        let bootstrap = self.config.bootstrap()?;
        let tls = self.config.tls_connection(&endpoint)?;
        let transform = self.config.websocket_transform()?;
        let proxy = self.config.proxy_view();
        // SAFETY: all-zero is a valid entry.
        let mut entry: aws_mqtt_metadata_entry = unsafe { std::mem::zeroed() };
        let metrics = self.config.metrics(&mut entry);

        let mut connect = match &self.connect {
            Some(storage) => storage.storage_view,
            None => {
                // SAFETY: all-zero is an empty CONNECT view.
                let mut view: aws_mqtt5_packet_connect_view = unsafe { std::mem::zeroed() };
                view.keep_alive_interval_seconds = DEFAULT_KEEP_ALIVE_SECONDS;
                view
            }
        };
        let login = self.custom_login(&connect)?;
        let username = login
            .as_ref()
            .map(|(name, _)| aws_byte_cursor::from_slice(name.as_bytes()));
        let password = login
            .as_ref()
            .and_then(|(_, password)| password.as_deref().map(aws_byte_cursor::from_slice));
        if let Some(name) = &username {
            connect.username = name;
        }
        if let Some(password) = &password {
            connect.password = password;
        }

        let (transform_fn, signer) = match transform {
            Some((f, signer)) => (Some(f), signer),
            None => (None, None),
        };
        let extras = Box::into_raw(Box::new(ClientExtras {
            signer,
            on_termination: self.on_termination,
            on_termination_user_data: self.on_termination_user_data,
        }));
        let mut options = self.options;
        options.host_name = aws_byte_cursor::from_slice(&self.config.host);
        options.port = endpoint.port;
        options.bootstrap = bootstrap;
        options.socket_options = &self.config.socket;
        options.tls_options = &tls.options;
        options.http_proxy_options = proxy.as_ref().map_or(ptr::null(), ptr::from_ref);
        options.websocket_handshake_transform = transform_fn;
        // SAFETY: the extras live until the client terminates.
        options.websocket_handshake_transform_user_data = unsafe { &*extras }
            .signer
            .as_deref()
            .map_or(ptr::null_mut(), |s| ptr::from_ref(s).cast_mut().cast());
        options.connect_options = &connect;
        options.topic_aliasing_options = self
            .topic_aliasing
            .as_ref()
            .map_or(ptr::null(), ptr::from_ref);
        options.client_termination_handler = Some(on_client_terminated);
        options.client_termination_handler_user_data = extras.cast();
        options.metrics = metrics.as_ref().map_or(ptr::null(), ptr::from_ref);
        // SAFETY: every pointer above lives through the call, which copies what it keeps.
        let client = unsafe { aws_mqtt5_client_new(self.config.allocator, &options) };
        if client.is_null() {
            let error = aws_last_error();
            // SAFETY: no client took the extras.
            drop(unsafe { Box::from_raw(extras) });
            return Err(Error(error));
        }
        Ok(client)
    }
}

impl Drop for Builder5 {
    fn drop(&mut self) {
        self.clear_connect();
    }
}

/// The builder behind a handle.
///
/// # Safety
/// `builder` must be NULL or live.
pub(crate) unsafe fn builder_of<'a>(
    builder: *mut aws_iot_mqtt5_client_builder,
) -> Result<&'a mut Builder5> {
    // SAFETY: a live handle is a boxed `Builder5`.
    unsafe { guard::mutable(builder.cast::<Builder5>()) }
}

/// A handle for a new builder.
fn handle(config: Result<ConnectionConfig>) -> Result<*mut aws_iot_mqtt5_client_builder> {
    Ok(Box::into_raw(Box::new(Builder5::new(config?))).cast())
}

/// A builder for mutual TLS with a PEM certificate and private key read from files
/// (`cert_path`, `key_path`). The SDKs' `NewMqtt5ClientBuilderWithMtlsFromPath`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_new_mtls_from_path(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    cert_path: *const c_char,
    key_path: *const c_char,
) -> *mut aws_iot_mqtt5_client_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::mtls_from_path(allocator, &host_name, cert_path, key_path)
        })
    })
}

/// A builder for mutual TLS with a PEM certificate and private key in memory (copied).
/// The SDKs' `NewMqtt5ClientBuilderWithMtlsFromMemory`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_new_mtls_from_memory(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    cert: *const aws_byte_cursor,
    key: *const aws_byte_cursor,
) -> *mut aws_iot_mqtt5_client_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe { ConnectionConfig::mtls_from_memory(allocator, &host_name, cert, key) })
    })
}

/// A builder for mutual TLS with the private key on a PKCS#11 token (upstream's
/// `aws_tls_ctx_options_init_client_mtls_with_pkcs11`: its errors, such as
/// `AWS_ERROR_PKCS11_TOKEN_NOT_FOUND`). The SDKs' `NewMqtt5ClientBuilderWithMtlsPkcs11`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_new_mtls_pkcs11(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    pkcs11_options: *const aws_tls_ctx_pkcs11_options,
) -> *mut aws_iot_mqtt5_client_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe { ConnectionConfig::mtls_pkcs11(allocator, &host_name, pkcs11_options) })
    })
}

/// A builder for mutual TLS with a PKCS#12 file and its password (a wrong password:
/// `AWS_IO_FILE_VALIDATION_FAILURE`). The SDKs' `NewMqtt5ClientBuilderWithMtlsPkcs12`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_new_mtls_pkcs12(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    pkcs12_path: *const c_char,
    password: *const aws_byte_cursor,
) -> *mut aws_iot_mqtt5_client_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::mtls_pkcs12(allocator, &host_name, pkcs12_path, password)
        })
    })
}

/// A builder for mutual TLS with a certificate of the Windows certificate store
/// (`CurrentUser\MY\<thumbprint>`): Windows only; elsewhere NULL with
/// `AWS_ERROR_PLATFORM_NOT_SUPPORTED`. The SDKs' `NewMqtt5ClientBuilderWithWindowsCertStorePath`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_new_mtls_windows_cert_store_path(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    cert_store_path: *const c_char,
) -> *mut aws_iot_mqtt5_client_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::windows_cert_store(allocator, &host_name, cert_store_path)
        })
    })
}

/// A builder for MQTT over a TLS WebSocket (port 443) whose upgrade request is presigned with
/// SigV4 for `region` and the service `iotdevicegateway`, with credentials from `provider` (a
/// reference is taken; NULL: the default chain, made with the builder's bootstrap at the first
/// build). The SDKs' `NewMqtt5ClientBuilderWithWebsocket`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_new_websocket_sigv4(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    region: aws_byte_cursor,
    provider: *mut aws_credentials_provider,
) -> *mut aws_iot_mqtt5_client_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::websocket_sigv4(allocator, &host_name, &region, provider)
        })
    })
}

/// A builder for an AWS IoT custom authorizer over direct TLS (port 443, ALPN `mqtt`): the
/// CONNECT's user name and password come from `config` (copied). The SDKs'
/// `NewMqtt5ClientBuilderWithCustomAuthorizer`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_new_custom_authorizer(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    config: *const aws_iot_custom_authorizer_config,
) -> *mut aws_iot_mqtt5_client_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::with_custom_authorizer(allocator, &host_name, config, false)
        })
    })
}

/// A builder for an AWS IoT custom authorizer over a TLS WebSocket (port 443, the upgrade not
/// signed). The SDKs' `NewMqtt5ClientBuilderWithCustomAuthorizerWebsocket`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_new_websocket_custom_authorizer(
    allocator: *mut aws_allocator,
    host_name: aws_byte_cursor,
    config: *const aws_iot_custom_authorizer_config,
) -> *mut aws_iot_mqtt5_client_builder {
    // SAFETY: the module's contract.
    guard::ptr(|| {
        handle(unsafe {
            ConnectionConfig::with_custom_authorizer(allocator, &host_name, config, true)
        })
    })
}

/// Makes an MQTT 5 client (stopped, one reference) from what the builder holds; NULL with
/// the error of the TLS context or of `aws_mqtt5_client_new` when that fails. Each call makes
/// a new client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_build(
    builder: *mut aws_iot_mqtt5_client_builder,
) -> *mut aws_mqtt5_client {
    // SAFETY: the module's contract.
    guard::ptr(|| unsafe { builder_of(builder) }?.build())
}

/// Destroys the builder; the clients it made live on. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_iot_mqtt5_client_builder_destroy(
    builder: *mut aws_iot_mqtt5_client_builder,
) {
    guard::guard((), || {
        if !builder.is_null() {
            // SAFETY: a live handle is a boxed `Builder5`, given back once.
            drop(unsafe { Box::from_raw(builder.cast::<Builder5>()) });
        }
        Ok(())
    })
}

//! The connection methods of the AWS IoT SDKs' guides, one constructor each, shared by the
//! MQTT 5 and the 3.1.1 builders: each initialises the TLS options with upstream's function
//! for that identity (so its errors are upstream's: a missing file, a wrong PKCS#12 password,
//! an absent PKCS#11 token, the Windows store refused elsewhere with
//! `AWS_ERROR_PLATFORM_NOT_SUPPORTED`) and records how the connection signs in.

use crate::ffi::auth::credentials_provider::aws_credentials_provider;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, Result};
use crate::ffi::io::tls_channel_handler::{aws_tls_ctx_options, aws_tls_ctx_pkcs11_options};
use crate::ffi::io::tls_ctx_options::{
    aws_tls_ctx_options_init_client_mtls, aws_tls_ctx_options_init_client_mtls_from_path,
    aws_tls_ctx_options_init_client_mtls_from_system_path,
    aws_tls_ctx_options_init_client_mtls_pkcs12_from_path,
    aws_tls_ctx_options_init_client_mtls_with_pkcs11, aws_tls_ctx_options_init_default_client,
};
use crate::ffi::iotdevice::connection_config::{ConnectionConfig, Method};
use crate::ffi::iotdevice::custom_authorizer::CustomAuth;
use crate::ffi::iotdevice::iotdevice::aws_iot_custom_authorizer_config;
use std::ffi::{c_char, c_int};

/// TLS options that trust the system's CAs and present no identity (WebSockets and custom
/// authorizers).
///
/// # Safety
/// `options` must be writable, `allocator` valid.
unsafe fn default_client(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { aws_tls_ctx_options_init_default_client(options, allocator) };
    0
}

impl ConnectionConfig {
    /// Mutual TLS with a PEM certificate and key read from files.
    ///
    /// # Safety
    /// Pointers NULL or valid; `host` a valid cursor.
    pub unsafe fn mtls_from_path(
        allocator: *mut aws_allocator,
        host: &aws_byte_cursor,
        cert_path: *const c_char,
        key_path: *const c_char,
    ) -> Result<Self> {
        guard::require(!cert_path.is_null() && !key_path.is_null())?;
        // SAFETY: forwarded caller contract.
        unsafe {
            Self::new(allocator, host, Method::Mtls, |o, a| {
                aws_tls_ctx_options_init_client_mtls_from_path(o, a, cert_path, key_path)
            })
        }
    }

    /// Mutual TLS with a PEM certificate and key in memory.
    ///
    /// # Safety
    /// Pointers NULL or valid; `host` a valid cursor.
    pub unsafe fn mtls_from_memory(
        allocator: *mut aws_allocator,
        host: &aws_byte_cursor,
        cert: *const aws_byte_cursor,
        key: *const aws_byte_cursor,
    ) -> Result<Self> {
        // SAFETY: forwarded caller contract.
        unsafe {
            Self::new(allocator, host, Method::Mtls, |o, a| {
                aws_tls_ctx_options_init_client_mtls(o, a, cert, key)
            })
        }
    }

    /// Mutual TLS with the private key on a PKCS#11 token.
    ///
    /// # Safety
    /// Pointers NULL or valid; `host` a valid cursor.
    pub unsafe fn mtls_pkcs11(
        allocator: *mut aws_allocator,
        host: &aws_byte_cursor,
        pkcs11: *const aws_tls_ctx_pkcs11_options,
    ) -> Result<Self> {
        // SAFETY: forwarded caller contract.
        unsafe {
            Self::new(allocator, host, Method::Mtls, |o, a| {
                aws_tls_ctx_options_init_client_mtls_with_pkcs11(o, a, pkcs11)
            })
        }
    }

    /// Mutual TLS with a PKCS#12 file and its password.
    ///
    /// # Safety
    /// Pointers NULL or valid; `host` a valid cursor.
    pub unsafe fn mtls_pkcs12(
        allocator: *mut aws_allocator,
        host: &aws_byte_cursor,
        path: *const c_char,
        password: *const aws_byte_cursor,
    ) -> Result<Self> {
        guard::require(!path.is_null() && !password.is_null())?;
        // SAFETY: forwarded caller contract.
        unsafe {
            Self::new(allocator, host, Method::Mtls, |o, a| {
                aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(o, a, path, password)
            })
        }
    }

    /// Mutual TLS with a certificate of the Windows certificate store: refused on every other
    /// platform with `AWS_ERROR_PLATFORM_NOT_SUPPORTED`, as upstream's TLS options refuse it.
    ///
    /// # Safety
    /// Pointers NULL or valid; `host` a valid cursor.
    pub unsafe fn windows_cert_store(
        allocator: *mut aws_allocator,
        host: &aws_byte_cursor,
        store_path: *const c_char,
    ) -> Result<Self> {
        // SAFETY: forwarded caller contract.
        unsafe {
            Self::new(allocator, host, Method::Mtls, |o, a| {
                aws_tls_ctx_options_init_client_mtls_from_system_path(o, a, store_path)
            })
        }
    }

    /// A WebSocket over TLS whose upgrade is presigned with SigV4 for `region`, credentials
    /// from `provider` (NULL: the default chain).
    ///
    /// # Safety
    /// Pointers NULL or valid; cursors valid.
    pub unsafe fn websocket_sigv4(
        allocator: *mut aws_allocator,
        host: &aws_byte_cursor,
        region: &aws_byte_cursor,
        provider: *mut aws_credentials_provider,
    ) -> Result<Self> {
        // SAFETY: forwarded caller contract.
        unsafe {
            let method = Method::websocket_sigv4(region, provider)?;
            Self::new(allocator, host, method, |o, a| default_client(o, a))
        }
    }

    /// A custom authorizer, directly over TLS (ALPN `mqtt`) or over a WebSocket.
    ///
    /// # Safety
    /// Pointers NULL or valid; `host` a valid cursor.
    pub unsafe fn with_custom_authorizer(
        allocator: *mut aws_allocator,
        host: &aws_byte_cursor,
        config: *const aws_iot_custom_authorizer_config,
        websocket: bool,
    ) -> Result<Self> {
        // SAFETY: forwarded caller contract.
        unsafe {
            let auth = CustomAuth::from_c(guard::reference(config)?)?;
            let method = Method::CustomAuthorizer { auth, websocket };
            Self::new(allocator, host, method, |o, a| default_client(o, a))
        }
    }
}

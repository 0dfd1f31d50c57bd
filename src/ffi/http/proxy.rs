//! `aws/http/proxy.h`: how a connection reaches its server through an HTTP proxy: the options'
//! types, which the MQTT clients' proxy setters take and copy with [`proxy_settings`]; the
//! tunnel itself is `transport/http_proxy.rs`.
//!
//! As upstream's MQTT clients do, the connection type is ignored (an MQTT connection always
//! tunnels with CONNECT) and so are `no_proxy_hosts`. Differences from upstream: a
//! `proxy_strategy` (which this library has no constructor for) is
//! `AWS_ERROR_UNSUPPORTED_OPERATION`; an unknown `auth_type` is `AWS_ERROR_INVALID_ARGUMENT`.

use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use crate::ffi::io::tls_channel_handler::aws_tls_connection_options;
use crate::ffi::io::tls_connection_options::connection_settings;
use crate::transport::http_connect::ProxyCredentials;
use crate::transport::http_proxy::ProxySettings;
use std::ffi::c_int;

/// How the proxy authenticates the client.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_http_proxy_authentication_type {
    /// No authentication.
    AWS_HPAT_NONE = 0,
    /// HTTP basic authentication (RFC 7617).
    AWS_HPAT_BASIC = 1,
}

/// A C `enum aws_http_proxy_authentication_type` received from the caller.
pub type aws_http_proxy_authentication_type_raw = c_int;

/// How the proxy carries the connection.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_http_proxy_connection_type {
    /// Forwarding for plain HTTP, tunnelling for TLS (the old default).
    AWS_HPCT_HTTP_LEGACY = 0,
    /// The proxy forwards HTTP requests.
    AWS_HPCT_HTTP_FORWARD = 1,
    /// A CONNECT tunnel: the only kind an MQTT connection can use.
    AWS_HPCT_HTTP_TUNNEL = 2,
}

/// A C `enum aws_http_proxy_connection_type` received from the caller.
pub type aws_http_proxy_connection_type_raw = c_int;

/// A proxy negotiation strategy (upstream's extension point). Opaque.
pub struct aws_http_proxy_strategy {
    _opaque: [u8; 0],
}

/// Where the proxy is and how to use it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_http_proxy_options {
    /// How the proxy carries the connection.
    pub connection_type: aws_http_proxy_connection_type_raw,
    /// The proxy's host.
    pub host: aws_byte_cursor,
    /// The proxy's port.
    pub port: u32,
    /// TLS to the proxy itself, if any.
    pub tls_options: *const aws_tls_connection_options,
    /// A negotiation strategy; NULL for the one `auth_type` names.
    pub proxy_strategy: *mut aws_http_proxy_strategy,
    /// The authentication when there is no strategy.
    pub auth_type: aws_http_proxy_authentication_type_raw,
    /// The basic authentication user name.
    pub auth_username: aws_byte_cursor,
    /// The basic authentication password.
    pub auth_password: aws_byte_cursor,
    /// Hosts reached without the proxy (comma-separated).
    pub no_proxy_hosts: aws_byte_cursor,
}

/// The text of a cursor; `AWS_ERROR_INVALID_ARGUMENT` unless UTF-8.
///
/// # Safety
/// `cursor` must be valid.
unsafe fn text(cursor: &aws_byte_cursor) -> Result<String> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { guard::bytes(cursor.ptr, cursor.len) }?;
    String::from_utf8(bytes.to_vec()).map_err(|_| INVALID_ARGUMENT)
}

/// Copies `options` (host, port, TLS to the proxy, basic credentials) for the transport.
///
/// # Safety
/// `options` must be valid, with valid cursors and NULL or valid TLS options.
pub(crate) unsafe fn proxy_settings(options: &aws_http_proxy_options) -> Result<ProxySettings> {
    if !options.proxy_strategy.is_null() {
        return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into());
    }
    // SAFETY: forwarded caller contract (every dereference below).
    unsafe {
        let credentials = match options.auth_type {
            t if t == aws_http_proxy_authentication_type::AWS_HPAT_NONE as c_int => None,
            t if t == aws_http_proxy_authentication_type::AWS_HPAT_BASIC as c_int => {
                Some(ProxyCredentials {
                    user: text(&options.auth_username)?,
                    password: text(&options.auth_password)?,
                })
            }
            _ => return Err(INVALID_ARGUMENT),
        };
        let tls = if options.tls_options.is_null() {
            None
        } else {
            Some(connection_settings(options.tls_options)?)
        };
        Ok(ProxySettings {
            host: text(&options.host)?,
            port: options.port,
            tls,
            credentials,
        })
    }
}

//! `aws/http/proxy.h`: how a connection reaches its server through an HTTP proxy. Today the
//! options' types, which the MQTT clients' proxy setters take; the tunnel itself is
//! `transport/http_connect.rs`, and the setters use it once it is wired beneath the clients.

use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::io::tls_channel_handler::aws_tls_connection_options;
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

//! `aws/auth/credentials.h`: the ECS container credentials provider. Each request is a GET of
//! the configured path with `Accept: application/json`, `Accept-Encoding: identity`, upstream's
//! User-Agent and, when configured, `Authorization` (the token, or the token file read at each
//! request), over one of the bootstrap's loops; the answer (a JSON document with `Token` and a
//! required `Expiration`) comes on that loop's thread. A 4xx answer fails at once
//! (`AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE`); a 5xx answer or a connection failure
//! is tried twice more, as upstream's retry strategy allows, without its backoff. Over plain
//! HTTP the host must be loopback or the ECS/EKS container host
//! (`AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_HOST`), as upstream requires.
//!
//! With a `tls_ctx` (or an `https://` full URI and the options' context) the endpoint is asked
//! over TLS, any host allowed. Difference: over plain HTTP a host name is allowed only when it
//! is `localhost` (upstream resolves it and checks each address).

use crate::auth::document::{self, CONTAINER};
use crate::auth::http_fetch::{self, Request, Response};
use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_HOST,
    AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_TOKEN_FILE_PATH,
    AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE,
    AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT,
};
use crate::ffi::auth::credentials_provider::{
    Completion, Source, aws_credentials_provider, new_provider,
};
use crate::ffi::auth::provider_options::{
    aws_credentials_provider_ecs_environment_options, aws_credentials_provider_ecs_options,
};
use crate::ffi::auth::provider_support::{credentials, text, tls_settings};
use crate::ffi::auth::providers_basic::env_bytes;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result, require};
use crate::ffi::io::channel_bootstrap::connector_of;
use crate::transport::tls::TlsConnectionSettings;
use crate::transport::uri;
use std::ffi::c_int;
use std::net::IpAddr;
use std::time::Duration;

/// Upstream's connect timeout for the ECS endpoint.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Tries per request: the first and upstream's default of two retries.
const ATTEMPTS: usize = 3;
/// The ECS container host a relative URI is asked of.
const ECS_HOST: &str = "169.254.170.2";

/// Where the credentials are and how to ask.
struct Ecs {
    connector: Connector,
    /// TLS to the endpoint when the options carry a context.
    tls: Option<TlsConnectionSettings>,
    host: String,
    port: u32,
    path: String,
    token: Vec<u8>,
    token_file: Vec<u8>,
}

/// Whether plain HTTP may go to `host`: loopback, or the ECS and EKS container hosts.
fn allowed_over_http(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => {
            ip.is_loopback()
                || ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"]
                    .iter()
                    .any(|allowed| allowed.parse::<IpAddr>().ok() == Some(ip))
        }
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// Asks the endpoint and completes with its document.
fn attempt(connector: Connector, request: Request, done: Completion) {
    http_fetch::fetch_with_retries(
        &connector,
        request,
        TIMEOUT,
        ATTEMPTS,
        Box::new(
            move |answer: std::result::Result<Response, c_int>| match answer {
                Ok(r) if r.status == 200 => {
                    done.finish(document::parse(&r.body, &CONTAINER).map(credentials))
                }
                Ok(_) => done.fail(AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int),
                Err(code) => done.fail(code),
            },
        ),
    );
}

impl Source for Ecs {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let token = if self.token_file.is_empty() {
            self.token.clone()
        } else {
            let path = &self.token_file;
            let path = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(path);
            std::fs::read(path)
                .map_err(|_| AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_TOKEN_FILE_PATH)?
        };
        if self.tls.is_none() && !allowed_over_http(&self.host) {
            done.fail(AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_HOST as c_int);
            return Ok(());
        }
        let mut headers = vec![];
        if !token.is_empty() {
            headers.push(("Authorization".to_string(), token));
        }
        headers.extend([
            ("Accept".to_string(), b"application/json".to_vec()),
            ("Accept-Encoding".to_string(), b"identity".to_vec()),
            (
                "User-Agent".to_string(),
                b"aws-sdk-crt/ecs-credentials-provider".to_vec(),
            ),
        ]);
        let request = Request {
            method: "GET",
            host: self.host.clone(),
            port: self.port,
            path: self.path.clone(),
            headers,
            tls: self.tls.clone(),
            body: Vec::new(),
        };
        attempt(self.connector.clone(), request, done);
        Ok(())
    }
}

/// A provider asking the ECS endpoint the options name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_ecs(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_ecs_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        require(!o.bootstrap.is_null())?;
        let host = text(&o.host)?;
        let tls = if o.tls_ctx.is_null() {
            None
        } else {
            Some(tls_settings(o.tls_ctx, &host)?)
        };
        let path = text(&o.path_and_query)?;
        require(!host.is_empty() && !path.is_empty())?;
        let ecs = Ecs {
            connector: connector_of(o.bootstrap)?,
            host,
            port: match (o.port, &tls) {
                (0, Some(_)) => 443,
                (0, None) => 80,
                (port, _) => port,
            },
            tls,
            path,
            token: o.auth_token.as_bytes()?.to_vec(),
            token_file: o.auth_token_file_path.as_bytes()?.to_vec(),
        };
        new_provider(allocator, o.shutdown_options, ecs)
    })
}

/// A provider asking the ECS endpoint the environment names:
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`. As upstream, the options need a `tls_ctx`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_ecs_from_environment(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_ecs_environment_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        require(!o.tls_ctx.is_null())?;
        from_environment(allocator, o)
    })
}

/// Where a container endpoint is.
#[derive(Debug, PartialEq, Eq)]
struct Endpoint {
    host: Vec<u8>,
    port: u32,
    path: Vec<u8>,
    https: bool,
}

/// The container endpoint a relative URI (on the ECS host) or a full URI names;
/// `AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT` when neither is set.
fn container_endpoint(relative: &[u8], full: &[u8]) -> Result<Endpoint> {
    if !relative.is_empty() {
        return Ok(Endpoint {
            host: ECS_HOST.as_bytes().to_vec(),
            port: 80,
            path: relative.to_vec(),
            https: false,
        });
    }
    if full.is_empty() {
        return Err(AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT.into());
    }
    let parts = uri::parse(full).map_err(|_| INVALID_ARGUMENT)?;
    let part = |r: Option<std::ops::Range<usize>>| r.map_or(&b""[..], |r| &full[r]);
    let https = part(parts.scheme.clone()).eq_ignore_ascii_case(b"https");
    let path = match part(parts.path_and_query.clone()) {
        b"" => b"/".to_vec(),
        p => p.to_vec(),
    };
    let port = match (parts.port, https) {
        (0, true) => 443,
        (0, false) => 80,
        (port, _) => port,
    };
    Ok(Endpoint {
        host: part(parts.host_name.clone()).to_vec(),
        port,
        path,
        https,
    })
}

#[cfg(test)]
#[test]
fn container_endpoints_come_from_a_relative_or_a_full_uri() {
    let got = |r: &str, f: &str| {
        container_endpoint(r.as_bytes(), f.as_bytes())
            .map(|e| {
                (
                    String::from_utf8(e.host).unwrap(),
                    e.port,
                    String::from_utf8(e.path).unwrap(),
                    e.https,
                )
            })
            .map_err(|e| e.code())
    };
    let owned = |h: &str, port, p: &str, https| Ok((h.to_string(), port, p.to_string(), https));
    assert_eq!(
        got("/v2/x", "http://ignored/"),
        owned("169.254.170.2", 80, "/v2/x", false)
    );
    assert_eq!(
        got("", "http://127.0.0.1:8080/c?a=b"),
        owned("127.0.0.1", 8080, "/c?a=b", false)
    );
    assert_eq!(
        got("", "http://localhost"),
        owned("localhost", 80, "/", false)
    );
    assert_eq!(got("", "https://x/creds"), owned("x", 443, "/creds", true));
    assert_eq!(
        got("", ""),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT as i32)
    );
}

/// The ECS provider the environment describes (the TLS context is not needed: HTTPS endpoints
/// are refused).
///
/// # Safety
/// The options' bootstrap must be live.
pub(crate) unsafe fn from_environment(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_ecs_environment_options,
) -> Result<*mut aws_credentials_provider> {
    unsafe {
        let relative = env_bytes("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        let full = env_bytes("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        let token_file = env_bytes("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        let token = env_bytes("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        let endpoint = container_endpoint(&relative, &full)?;
        // An HTTPS endpoint goes through the options' TLS context.
        let tls_ctx = if endpoint.https {
            guard::require(!o.tls_ctx.is_null())?;
            o.tls_ctx
        } else {
            std::ptr::null_mut()
        };
        let explicit = aws_credentials_provider_ecs_options {
            shutdown_options: o.shutdown_options,
            bootstrap: o.bootstrap,
            host: aws_byte_cursor::from_slice(&endpoint.host),
            path_and_query: aws_byte_cursor::from_slice(&endpoint.path),
            auth_token_file_path: aws_byte_cursor::from_slice(&token_file),
            auth_token: aws_byte_cursor::from_slice(&token),
            tls_ctx,
            proxy_ev_settings: o.proxy_ev_settings,
            function_table: o.function_table,
            port: endpoint.port,
        };
        let provider = aws_credentials_provider_new_ecs(allocator, &explicit);
        if provider.is_null() {
            return Err(guard::Error(crate::ffi::common::error::aws_last_error()));
        }
        Ok(provider)
    }
}

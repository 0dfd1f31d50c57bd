//! `aws/auth/credentials.h`: the EC2 instance metadata (IMDS) provider. Each request takes an
//! IMDSv2 session token (`PUT /latest/api/token` with a 21600 s TTL), finds the instance's role
//! (`GET /latest/meta-data/iam/security-credentials/`) and reads its credentials (`GET
//! .../<role>`, a JSON document), the token sent as `x-aws-ec2-metadata-token`; each answer
//! comes on one of the bootstrap's loops. As upstream: a token request answered 400 fails, any
//! other failure of it falls back to IMDSv1 (no token) unless `ec2_metadata_v1_disabled`;
//! `IMDS_PROTOCOL_V1` asks without a token; the endpoint is the options' `imds_endpoint`, else
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else 169.254.169.254 (or `[fd00:ec2::254]` in IPv6
//! mode, from the options or `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`); each request is tried
//! once more after a connection failure or a 5xx; every failure ends with
//! `AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE`.
//!
//! Differences: a new session token for each credentials request (upstream keeps one for six
//! hours), no backoff between tries, plain HTTP only (an `https://` endpoint is refused with
//! `AWS_ERROR_UNSUPPORTED_OPERATION`).

use crate::auth::document::{self, IMDS};
use crate::auth::http_fetch::{self, Request, Response};
use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE;
use crate::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::auth::credentials_provider::{
    Completion, Source, aws_credentials_provider, new_provider,
};
use crate::ffi::auth::provider_options::{
    aws_credentials_provider_imds_options, aws_imds_endpoint_mode, aws_imds_protocol_version,
};
use crate::ffi::auth::provider_support::credentials;
use crate::ffi::auth::providers_basic::env_bytes;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result, require};
use crate::ffi::io::channel_bootstrap::connector_of;
use crate::transport::uri;
use std::ffi::c_int;
use std::sync::Arc;
use std::time::Duration;

/// Upstream's connect timeout for IMDS.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Tries per request: the first and upstream's one retry.
const ATTEMPTS: usize = 2;
/// Where the roles are listed.
const ROLES: &str = "/latest/meta-data/iam/security-credentials/";

/// Where IMDS is and how to ask it.
struct Imds {
    connector: Connector,
    host: String,
    port: u32,
    token_first: bool,
    v1_disabled: bool,
}

impl Imds {
    fn request(
        &self,
        method: &'static str,
        path: String,
        headers: Vec<(String, Vec<u8>)>,
    ) -> Request {
        let mut all = vec![
            ("Accept".to_string(), b"*/*".to_vec()),
            (
                "User-Agent".to_string(),
                b"aws-sdk-crt/aws-imds-client".to_vec(),
            ),
        ];
        all.extend(headers);
        Request {
            method,
            host: self.host.clone(),
            port: self.port,
            path,
            headers: all,
            tls: None,
            body: Vec::new(),
        }
    }

    /// GETs `path` (with the token, if any); `then` gets the body of a 200 answer.
    fn get(self: Arc<Self>, path: String, token: Option<Vec<u8>>, done: Completion, then: Step) {
        let headers = token
            .iter()
            .map(|t| ("x-aws-ec2-metadata-token".to_string(), t.clone()))
            .collect();
        let request = self.request("GET", path, headers);
        let connector = self.connector.clone();
        http_fetch::fetch_with_retries(
            &connector,
            request,
            TIMEOUT,
            ATTEMPTS,
            Box::new(
                move |answer: std::result::Result<Response, c_int>| match answer {
                    Ok(r) if r.status == 200 => then(self, token, r.body, done),
                    _ => done.fail(AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE as c_int),
                },
            ),
        );
    }
}

/// What to do with a resource's body.
type Step = Box<dyn FnOnce(Arc<Imds>, Option<Vec<u8>>, Vec<u8>, Completion) + Send>;

/// The role's name: the first line of the listing.
fn role_of(body: &[u8]) -> Option<String> {
    let line = body.split(|&b| b == b'\n').next()?;
    let role = std::str::from_utf8(line).ok()?.trim();
    (!role.is_empty()).then(|| role.to_string())
}

/// Lists the role, then reads its credentials.
fn find_role(imds: Arc<Imds>, token: Option<Vec<u8>>, done: Completion) {
    imds.get(
        ROLES.to_string(),
        token,
        done,
        Box::new(|imds, token, body, done| match role_of(&body) {
            None => done.fail(AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE as c_int),
            Some(role) => imds.get(
                format!("{ROLES}{role}"),
                token,
                done,
                Box::new(|_, _, body, done| {
                    let parsed = document::parse(&body, &IMDS)
                        .map(credentials)
                        .map_err(|_| AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE.into());
                    done.finish(parsed);
                }),
            ),
        }),
    );
}

struct Provider(Arc<Imds>);

impl Source for Provider {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let imds = self.0.clone();
        if !imds.token_first {
            find_role(imds, None, done);
            return Ok(());
        }
        let request = imds.request(
            "PUT",
            "/latest/api/token".to_string(),
            vec![(
                "x-aws-ec2-metadata-token-ttl-seconds".to_string(),
                b"21600".to_vec(),
            )],
        );
        let connector = imds.connector.clone();
        http_fetch::fetch_with_retries(
            &connector,
            request,
            TIMEOUT,
            ATTEMPTS,
            Box::new(move |answer: std::result::Result<Response, c_int>| {
                let token = match &answer {
                    Ok(r) if r.status == 200 => {
                        Some(r.body.trim_ascii().to_vec()).filter(|t| !t.is_empty())
                    }
                    _ => None,
                };
                let refused = matches!(&answer, Ok(r) if r.status == 400);
                match token {
                    Some(t) => find_role(imds, Some(t), done),
                    None if refused || imds.v1_disabled => {
                        done.fail(AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE as c_int)
                    }
                    // Falling back to IMDSv1.
                    None => find_role(imds, None, done),
                }
            }),
        );
        Ok(())
    }
}

/// The endpoint's host and port: an `http://host[:port]` URI, or the default for the mode.
fn endpoint(configured: &[u8], ipv6: bool) -> Result<(String, u32)> {
    if configured.is_empty() {
        let host = if ipv6 {
            "fd00:ec2::254"
        } else {
            "169.254.169.254"
        };
        return Ok((host.to_string(), 80));
    }
    let parts = uri::parse(configured).map_err(|_| INVALID_ARGUMENT)?;
    let part = |r: Option<std::ops::Range<usize>>| r.map_or(&b""[..], |r| &configured[r]);
    if part(parts.scheme.clone()).eq_ignore_ascii_case(b"https") {
        return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into());
    }
    let host =
        String::from_utf8(part(parts.host_name.clone()).to_vec()).map_err(|_| INVALID_ARGUMENT)?;
    require(!host.is_empty())?;
    Ok((host, if parts.port == 0 { 80 } else { parts.port }))
}

/// A provider reading the instance role's credentials from IMDS.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_imds(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_imds_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        require(!o.bootstrap.is_null())?;
        let version = guard::enum_value::<aws_imds_protocol_version>(o.imds_version)?;
        let mode = guard::enum_value::<aws_imds_endpoint_mode>(o.imds_endpoint_mode)?;
        let ipv6 = match mode {
            aws_imds_endpoint_mode::AWS_IMDS_ENDPOINT_MODE_IPV6 => true,
            aws_imds_endpoint_mode::AWS_IMDS_ENDPOINT_MODE_IPV4 => false,
            aws_imds_endpoint_mode::AWS_IMDS_ENDPOINT_MODE_DEFAULT => {
                env_bytes("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").eq_ignore_ascii_case(b"IPv6")
            }
        };
        let mut configured = o.imds_endpoint.as_bytes()?.to_vec();
        if configured.is_empty() {
            configured = env_bytes("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        }
        let (host, port) = endpoint(&configured, ipv6)?;
        let imds = Imds {
            connector: connector_of(o.bootstrap)?,
            host,
            port,
            token_first: version == aws_imds_protocol_version::IMDS_PROTOCOL_V2,
            v1_disabled: o.ec2_metadata_v1_disabled,
        };
        new_provider(allocator, o.shutdown_options, Provider(Arc::new(imds)))
    })
}

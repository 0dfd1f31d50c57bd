//! `aws/auth/credentials.h`: the STS web identity provider. Each request reads the web identity
//! token file and POSTs `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=..&
//! RoleSessionName=..&WebIdentityToken=..` (form-encoded) to STS over HTTPS through the options'
//! TLS context, on one of the bootstrap's loops, and reads the `Credentials` of the XML answer.
//! As upstream: the region, role ARN, session name and token file come from the options, else
//! `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`,
//! `AWS_WEB_IDENTITY_TOKEN_FILE`, else the profile's `region`, `role_arn`, `role_session_name`,
//! `web_identity_token_file` (a session name is made up when none is given); the endpoint is
//! `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`, else
//! `sts.<region>.amazonaws.com` (`.com.cn` in China); an answer whose error code is
//! `IDPCommunicationError` or `InvalidIdentityToken` is asked again, up to three tries; every
//! failure ends with `AWS_AUTH_CREDENTIALS_PROVIDER_STS_WEB_IDENTITY_SOURCE_FAILURE`.
//!
//! Differences: an endpoint override is read as a URL (`https://host[:port]`; upstream takes the
//! whole text as a host name); the profile's `services` sections are not consulted; connection
//! failures and 5xx answers are tried again too.

use crate::auth::http_fetch::{self, Request, Response};
use crate::auth::profile::Collection;
use crate::auth::{sts_document, time};
use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_STS_WEB_IDENTITY_SOURCE_FAILURE;
use crate::ffi::auth::credentials_provider::{
    Completion, Source, aws_credentials_provider, aws_credentials_provider_shutdown_options,
    new_provider,
};
use crate::ffi::auth::provider_options::{
    aws_credentials_provider_sts_web_identity_options, proxy_env_var_settings,
};
use crate::ffi::auth::provider_support::{credentials, endpoint_override, tls_settings};
use crate::ffi::auth::providers_basic::env_bytes;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result, require};
use crate::ffi::io::channel_bootstrap::{aws_client_bootstrap, connector_of};
use crate::ffi::io::tls_channel_handler::aws_tls_ctx;
use crate::ffi::sdkutils::aws_profile::{
    aws_profile_collection, chosen, collection_of, config_path, read_collection,
};
use crate::transport::percent;
use crate::transport::tls::TlsConnectionSettings;
use crate::transport::uri;
use std::ffi::c_int;
use std::sync::Arc;
use std::time::Duration;

/// Upstream's connect timeout for STS.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Tries per request (upstream's maximum).
const ATTEMPTS: usize = 3;

/// Where STS is and what to ask it.
struct WebIdentity {
    connector: Connector,
    host: String,
    port: u32,
    tls: TlsConnectionSettings,
    role_arn: Vec<u8>,
    session_name: Vec<u8>,
    token_file: Vec<u8>,
}

impl WebIdentity {
    fn request(&self) -> Option<Request> {
        let path = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&self.token_file);
        let token = std::fs::read(path).ok()?;
        let mut body = b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=".to_vec();
        body.extend_from_slice(&percent::encode_param(&self.role_arn));
        body.extend_from_slice(b"&RoleSessionName=");
        body.extend_from_slice(&percent::encode_param(&self.session_name));
        body.extend_from_slice(b"&WebIdentityToken=");
        body.extend_from_slice(&percent::encode_param(&token));
        Some(Request {
            method: "POST",
            host: self.host.clone(),
            port: self.port,
            path: "/".into(),
            headers: vec![(
                "content-type".into(),
                b"application/x-www-form-urlencoded".to_vec(),
            )],
            tls: Some(self.tls.clone()),
            body,
        })
    }
}

/// One try; a retryable error answer is asked again while `tries` last.
fn ask(this: Arc<WebIdentity>, tries: usize, done: Completion) {
    let failure = AWS_AUTH_CREDENTIALS_PROVIDER_STS_WEB_IDENTITY_SOURCE_FAILURE as c_int;
    let Some(request) = this.request() else {
        return done.fail(failure);
    };
    let connector = this.connector.clone();
    http_fetch::fetch_with_retries(
        &connector,
        request,
        TIMEOUT,
        tries,
        Box::new(
            move |answer: std::result::Result<Response, c_int>| match answer {
                Ok(r) if r.status == 200 => match sts_document::parse(&r.body) {
                    Some(s) => done.give(credentials(s)),
                    None => done.fail(failure),
                },
                Ok(r) if tries > 1 && sts_document::is_retryable_error(&r.body) => {
                    ask(this, tries - 1, done)
                }
                _ => done.fail(failure),
            },
        ),
    );
}

struct Provider(Arc<WebIdentity>);

impl Source for Provider {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        ask(self.0.clone(), ATTEMPTS, done);
        Ok(())
    }
}

/// The option's bytes, else the environment variable's.
fn option_or_env(option: &aws_byte_cursor, env: &str) -> Result<Vec<u8>> {
    // SAFETY: the caller lends the cursor's bytes.
    let bytes = unsafe { option.as_bytes() }?;
    Ok(if bytes.is_empty() {
        env_bytes(env)
    } else {
        bytes.to_vec()
    })
}

/// STS's host and port: an override URL (or `host[:port]`), else the regional endpoint.
pub(crate) fn sts_endpoint(override_url: &[u8], region: &[u8]) -> Result<(String, u32)> {
    service_endpoint("sts", override_url, region)
}

/// A service's host and port: an override URL (or `host[:port]`), else
/// `<prefix>.<region>.amazonaws.com` (`.com.cn` in China), port 443.
pub(crate) fn service_endpoint(
    prefix: &str,
    override_url: &[u8],
    region: &[u8],
) -> Result<(String, u32)> {
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| INVALID_ARGUMENT);
    if !override_url.is_empty() {
        if override_url.windows(3).any(|w| w == b"://") {
            let parts = uri::parse(override_url).map_err(|_| INVALID_ARGUMENT)?;
            let host = parts.host_name.map_or(&b""[..], |r| &override_url[r]);
            let port = if parts.port == 0 { 443 } else { parts.port };
            return Ok((text(host)?, port));
        }
        return http_fetch::host_and_port(&text(override_url)?);
    }
    require(!region.is_empty())?;
    let suffix = if region.starts_with(b"cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Ok((format!("{prefix}.{}.{suffix}", text(region)?), 443))
}

/// A session name when none is configured: upstream makes one up too.
fn made_up_session_name() -> Vec<u8> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let (y, m, d) = time::civil_from_days((now / 86_400_000_000_000) as i64);
    format!("aws-sdk-c-{y:04}{m:02}{d:02}-{:x}", now % 0xffff_ffff).into_bytes()
}

/// A provider assuming the role with the web identity token, through STS.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_sts_web_identity(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_sts_web_identity_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        require(!o.bootstrap.is_null() && !o.tls_ctx.is_null())?;
        let mut region = o.region.as_bytes()?.to_vec();
        if region.is_empty() {
            region = env_bytes("AWS_REGION");
        }
        if region.is_empty() {
            region = env_bytes("AWS_DEFAULT_REGION");
        }
        let mut role_arn = option_or_env(&o.role_arn, "AWS_ROLE_ARN")?;
        let mut session_name = option_or_env(&o.role_session_name, "AWS_ROLE_SESSION_NAME")?;
        let mut token_file = option_or_env(&o.token_file_path, "AWS_WEB_IDENTITY_TOKEN_FILE")?;
        let mut override_url = endpoint_override("STS");
        if region.is_empty() || role_arn.is_empty() || token_file.is_empty() {
            let profiles: Arc<Collection> = if o.config_profile_collection_cached.is_null() {
                Arc::new(read_collection(
                    &config_path(std::ptr::null())?,
                    crate::auth::profile::Source::Config,
                )?)
            } else {
                collection_of(o.config_profile_collection_cached)?
            };
            let name = chosen(&o.profile_name_override, "AWS_PROFILE", b"default")?;
            let profile = profiles
                .profile(&name)
                .ok_or(AWS_AUTH_CREDENTIALS_PROVIDER_STS_WEB_IDENTITY_SOURCE_FAILURE)?;
            let fill = |target: &mut Vec<u8>, key: &str| {
                if target.is_empty() {
                    *target = profile.get(key.as_bytes()).unwrap_or_default().to_vec();
                }
            };
            fill(&mut region, "region");
            fill(&mut role_arn, "role_arn");
            fill(&mut session_name, "role_session_name");
            fill(&mut token_file, "web_identity_token_file");
            fill(&mut override_url, "endpoint_url");
        }
        require(!role_arn.is_empty() && !token_file.is_empty())?;
        if session_name.is_empty() {
            session_name = made_up_session_name();
        }
        let (host, port) = sts_endpoint(&override_url, &region)?;
        let web_identity = WebIdentity {
            connector: connector_of(o.bootstrap)?,
            tls: tls_settings(o.tls_ctx, &host)?,
            host,
            port,
            role_arn,
            session_name,
            token_file,
        };
        new_provider(
            allocator,
            o.shutdown_options,
            Provider(Arc::new(web_identity)),
        )
    })
}

/// Options naming nothing but where to look: the environment, then the profile
/// `profile_name` of `collection` (NULL: the config file). What upstream's default chain and
/// profile provider hand the web identity provider.
pub(crate) fn from_profile_options(
    bootstrap: *mut aws_client_bootstrap,
    tls_ctx: *mut aws_tls_ctx,
    collection: *mut aws_profile_collection,
    profile_name: aws_byte_cursor,
    proxy_ev_settings: *const proxy_env_var_settings,
    shutdown_options: aws_credentials_provider_shutdown_options,
) -> aws_credentials_provider_sts_web_identity_options {
    let empty = aws_byte_cursor::from_slice(&[]);
    aws_credentials_provider_sts_web_identity_options {
        shutdown_options,
        bootstrap,
        config_profile_collection_cached: collection,
        tls_ctx,
        proxy_ev_settings,
        function_table: std::ptr::null_mut(),
        profile_name_override: profile_name,
        region: empty,
        role_arn: empty,
        role_session_name: empty,
        token_file_path: empty,
    }
}

#[cfg(test)]
#[test]
fn the_endpoint_is_the_override_or_the_regional_one() {
    let got = |o: &str, r: &str| sts_endpoint(o.as_bytes(), r.as_bytes()).map_err(|e| e.code());
    assert_eq!(
        got("", "us-west-2"),
        Ok(("sts.us-west-2.amazonaws.com".to_string(), 443))
    );
    assert_eq!(
        got("", "cn-north-1"),
        Ok(("sts.cn-north-1.amazonaws.com.cn".to_string(), 443))
    );
    assert_eq!(
        got("https://localhost:8443", ""),
        Ok(("localhost".to_string(), 8443))
    );
    assert_eq!(got("sts.example", ""), Ok(("sts.example".to_string(), 443)));
    assert!(got("", "").is_err());
}

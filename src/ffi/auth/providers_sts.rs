//! `aws/auth/credentials.h`: the STS AssumeRole provider. Each request gets credentials from the
//! options' `creds_provider`, signs (SigV4, headers) a form-encoded POST of
//! `Version=2011-06-15&Action=AssumeRole&RoleArn=..&RoleSessionName=..[&ExternalId=..]&
//! DurationSeconds=..` to STS, sends it over HTTPS through the options' TLS context on one of the
//! bootstrap's loops, and reads the `Credentials` of the XML answer, expiring `duration_seconds`
//! (at least upstream's 900) after the request, as upstream computes it. The region (for the
//! endpoint and the signature) comes from `AWS_REGION`/`AWS_DEFAULT_REGION`, else the profile's
//! `region`; without one the global `sts.amazonaws.com` is asked, signed for `us-east-1`.
//! Overrides as the web identity provider's. Connection failures and 5xx answers are tried
//! twice more; every failure ends with `AWS_AUTH_CREDENTIALS_PROVIDER_STS_SOURCE_FAILURE`.
//!
//! Differences: HTTP proxies are refused (`AWS_ERROR_UNSUPPORTED_OPERATION`); no backoff.

use crate::auth::http_fetch::{self, Request, Response};
use crate::auth::sigv4::{self, Config, SignatureType};
use crate::auth::sts_document;
use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_STS_SOURCE_FAILURE;
use crate::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::auth::credentials::{credentials_of, new_handle};
use crate::ffi::auth::credentials_provider::{
    Completion, Held, Source, aws_credentials_provider, new_provider,
};
use crate::ffi::auth::provider_options::aws_credentials_provider_sts_options;
use crate::ffi::auth::provider_support::{endpoint_override, epoch_now, tls_settings};
use crate::ffi::auth::providers_basic::env_bytes;
use crate::ffi::auth::providers_sts_web_identity::sts_endpoint;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard::{self, Result, require};
use crate::ffi::io::channel_bootstrap::connector_of;
use crate::ffi::io::event_loop::aws_io_clock_fn;
use crate::ffi::sdkutils::aws_profile::{chosen, collection_of, config_path, read_collection};
use crate::transport::percent;
use crate::transport::tls::TlsConnectionSettings;
use std::ffi::c_int;
use std::sync::Arc;
use std::time::Duration;

/// STS's minimum session length, the default (`aws_sts_assume_role_default_duration_secs`).
#[unsafe(no_mangle)]
pub static aws_sts_assume_role_default_duration_secs: u16 = 900;

/// Upstream's connect timeout for STS.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Tries per request: the first and two retries.
const ATTEMPTS: usize = 3;

/// What to ask STS and how to sign it.
struct AssumeRole {
    connector: Connector,
    host: String,
    port: u32,
    tls: TlsConnectionSettings,
    signing_region: Vec<u8>,
    source: Held,
    body: Vec<u8>,
    duration: u64,
    clock: Option<aws_io_clock_fn>,
}

// SAFETY: the program's clock is called from whichever thread asks, as upstream's is.
unsafe impl Send for AssumeRole {}
unsafe impl Sync for AssumeRole {}

impl AssumeRole {
    /// The time now, in seconds since the epoch (the program's clock when it gave one).
    fn now(&self) -> i64 {
        epoch_now(self.clock)
    }

    /// The signed request, with the source's `keys`.
    fn signed_request(&self, keys: &sigv4::Credentials, now: i64) -> Result<Request> {
        let content_type = b"application/x-www-form-urlencoded".as_slice();
        let all = |_: &[u8]| true;
        let config = Config {
            signature_type: SignatureType::Headers,
            region: &self.signing_region,
            service: b"sts",
            timestamp: now,
            use_double_uri_encode: false,
            should_normalize_uri_path: true,
            omit_session_token: false,
            signed_body_value: b"",
            signed_body_header: false,
            expiration_in_seconds: 0,
            should_sign_header: &all,
        };
        let request = sigv4::Request {
            method: b"POST",
            uri: b"/",
            headers: vec![
                (b"host", self.host.as_bytes()),
                (b"content-type", content_type),
            ],
            payload: &self.body,
        };
        let signed = sigv4::sign(&config, &request, keys)?;
        let mut headers = vec![("content-type".to_string(), content_type.to_vec())];
        for (name, value) in signed.headers {
            headers.push((String::from_utf8_lossy(&name).into_owned(), value));
        }
        Ok(Request {
            method: "POST",
            host: self.host.clone(),
            port: self.port,
            path: "/".into(),
            headers,
            tls: Some(self.tls.clone()),
            body: self.body.clone(),
        })
    }
}

struct Provider(Arc<AssumeRole>);

impl Source for Provider {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let this = self.0.clone();
        let failure = AWS_AUTH_CREDENTIALS_PROVIDER_STS_SOURCE_FAILURE as c_int;
        self.0
            .source
            .get_credentials(Box::new(move |credentials, _| {
                // SAFETY: the source lends live credentials for this call.
                let keys = match unsafe { credentials_of(credentials) }
                    .ok()
                    .and_then(|c| c.keys.clone())
                {
                    Some(keys) => keys,
                    None => return done.fail(failure),
                };
                let now = this.now();
                let request = match this.signed_request(&keys, now) {
                    Ok(r) => r,
                    Err(_) => return done.fail(failure),
                };
                let expiration = u64::try_from(now).unwrap_or(0) + this.duration;
                http_fetch::fetch_with_retries(
                    &this.connector,
                    request,
                    TIMEOUT,
                    ATTEMPTS,
                    Box::new(
                        move |answer: std::result::Result<Response, c_int>| match answer {
                            Ok(r) if r.status == 200 => match sts_document::parse(&r.body) {
                                Some(s) => {
                                    done.give(new_handle(Some(s.keys), &s.account_id, expiration))
                                }
                                None => done.fail(failure),
                            },
                            _ => done.fail(failure),
                        },
                    ),
                );
            }));
        Ok(())
    }
}

/// A provider assuming `role_arn` with the credentials of `creds_provider`, through STS.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_sts(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_sts_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        require(!o.bootstrap.is_null() && !o.tls_ctx.is_null() && !o.creds_provider.is_null())?;
        let (role_arn, session_name) = (o.role_arn.as_bytes()?, o.session_name.as_bytes()?);
        require(!role_arn.is_empty() && !session_name.is_empty())?;
        if !o.http_proxy_options.is_null() {
            return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into());
        }
        let mut region = env_bytes("AWS_REGION");
        if region.is_empty() {
            region = env_bytes("AWS_DEFAULT_REGION");
        }
        let mut override_url = endpoint_override("STS");
        let profiles = if o.profile_collection_cached.is_null() {
            config_path(&o.config_file_name_override)
                .and_then(|p| read_collection(&p, crate::auth::profile::Source::Config))
                .ok()
                .map(Arc::new)
        } else {
            Some(collection_of(o.profile_collection_cached)?)
        };
        let name = chosen(&o.profile_name_override, "AWS_PROFILE", b"default")?;
        if let Some(profile) = profiles.as_ref().and_then(|c| c.profile(&name)) {
            if region.is_empty() {
                region = profile.get(b"region").unwrap_or_default().to_vec();
            }
            if override_url.is_empty() {
                override_url = profile.get(b"endpoint_url").unwrap_or_default().to_vec();
            }
        }
        let (host, port, signing_region) = if region.is_empty() && override_url.is_empty() {
            ("sts.amazonaws.com".to_string(), 443, b"us-east-1".to_vec())
        } else {
            let (host, port) = sts_endpoint(&override_url, &region)?;
            let signing = if region.is_empty() {
                b"us-east-1".to_vec()
            } else {
                region
            };
            (host, port, signing)
        };
        let mut body = b"Version=2011-06-15&Action=AssumeRole&RoleArn=".to_vec();
        body.extend_from_slice(&percent::encode_param(role_arn));
        body.extend_from_slice(b"&RoleSessionName=");
        body.extend_from_slice(&percent::encode_param(session_name));
        let external_id = o.external_id.as_bytes()?;
        if !external_id.is_empty() {
            body.extend_from_slice(b"&ExternalId=");
            body.extend_from_slice(&percent::encode_param(external_id));
        }
        let duration = o
            .duration_seconds
            .max(aws_sts_assume_role_default_duration_secs);
        body.extend_from_slice(format!("&DurationSeconds={duration}").as_bytes());
        let assume = AssumeRole {
            connector: connector_of(o.bootstrap)?,
            tls: tls_settings(o.tls_ctx, &host)?,
            host,
            port,
            signing_region,
            source: Held::acquire(o.creds_provider)?,
            body,
            duration: u64::from(duration),
            clock: o.system_clock_fn,
        };
        new_provider(allocator, o.shutdown_options, Provider(Arc::new(assume)))
    })
}

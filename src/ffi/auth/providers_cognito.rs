//! `aws/auth/credentials.h`: the Cognito providers. Each request POSTs GetCredentialsForIdentity
//! (`X-Amz-Target: AWSCognitoIdentityService.GetCredentialsForIdentity`, a JSON body with the
//! identity, the optional custom role and the logins: the options' static ones and those the
//! program's `get_token_pairs` gives for this request) to `https://<endpoint>/` through the
//! options' TLS context, on one of the bootstrap's loops, and reads `Credentials` (`SecretKey`,
//! a token and an epoch expiration, all required). As upstream: a non-200 answer is
//! `AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE` (tried again, up to three times, unless a
//! 4xx), an answer that is not such a document `AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE`;
//! the caching variant reuses answers for 15 minutes or until shortly before they expire.
//!
//! Differences: HTTP proxies are refused (`AWS_ERROR_UNSUPPORTED_OPERATION`); the endpoint may
//! name its port (`host:port`), 443 otherwise; no backoff between tries.

use crate::auth::document::{self, COGNITO};
use crate::auth::http_fetch::{self, Request, Response};
use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE, AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE,
};
use crate::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::auth::credentials_provider::{
    Completion, Held, Source, aws_credentials_provider, aws_credentials_provider_shutdown_options,
    new_provider,
};
use crate::ffi::auth::provider_options::{
    aws_cognito_identity_provider_token_pair, aws_credentials_provider_cached_options,
    aws_credentials_provider_cognito_get_token_pairs_async_fn,
    aws_credentials_provider_cognito_options,
};
use crate::ffi::auth::provider_support::{QUIET, credentials, text, tls_settings};
use crate::ffi::auth::providers_composite::aws_credentials_provider_new_cached;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard::{self, Result, require};
use crate::ffi::io::channel_bootstrap::connector_of;
use crate::transport::tls::TlsConnectionSettings;
use std::ffi::{c_int, c_void};
use std::sync::Arc;
use std::time::Duration;

/// Upstream's connect timeout for Cognito.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Tries per request: the first and upstream's three retries.
const ATTEMPTS: usize = 4;
/// How long the caching variant reuses an answer (upstream's 15 minutes).
const CACHE_MS: u64 = 15 * 60 * 1000;

/// One login: an identity provider's name and its token.
type Login = (String, String);

/// What the provider asks and where.
struct Cognito {
    connector: Connector,
    host: String,
    port: u32,
    tls: TlsConnectionSettings,
    identity: String,
    custom_role_arn: Option<String>,
    logins: Vec<Login>,
}

/// The logins of a C array.
///
/// # Safety
/// `pairs` must point to `count` pairs (or be NULL with 0).
unsafe fn logins(
    pairs: *const aws_cognito_identity_provider_token_pair,
    count: usize,
) -> Result<Vec<Login>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    require(!pairs.is_null())?;
    // SAFETY: caller contract.
    unsafe { std::slice::from_raw_parts(pairs, count) }
        .iter()
        .map(|p| {
            Ok((
                text(&p.identity_provider_name)?,
                text(&p.identity_provider_token)?,
            ))
        })
        .collect()
}

impl Cognito {
    /// The GetCredentialsForIdentity body.
    fn body(&self, dynamic: &[Login]) -> Vec<u8> {
        let mut doc = serde_json::Map::new();
        doc.insert("IdentityId".into(), self.identity.clone().into());
        if let Some(arn) = &self.custom_role_arn {
            doc.insert("CustomRoleArn".into(), arn.clone().into());
        }
        let all: serde_json::Map<String, serde_json::Value> = self
            .logins
            .iter()
            .chain(dynamic)
            .map(|(name, token)| (name.clone(), token.clone().into()))
            .collect();
        if !all.is_empty() {
            doc.insert("Logins".into(), all.into());
        }
        serde_json::Value::Object(doc).to_string().into_bytes()
    }

    /// Sends the request with these extra logins and completes with the answer.
    fn ask(&self, dynamic: &[Login], done: Completion) {
        let request = Request {
            method: "POST",
            host: self.host.clone(),
            port: self.port,
            path: "/".into(),
            headers: vec![
                (
                    "content-type".into(),
                    b"application/x-amz-json-1.1".to_vec(),
                ),
                (
                    "X-Amz-Target".into(),
                    b"AWSCognitoIdentityService.GetCredentialsForIdentity".to_vec(),
                ),
            ],
            tls: Some(self.tls.clone()),
            body: self.body(dynamic),
        };
        http_fetch::fetch_with_retries(
            &self.connector,
            request,
            TIMEOUT,
            ATTEMPTS,
            Box::new(
                move |answer: std::result::Result<Response, c_int>| match answer {
                    Ok(r) if r.status == 200 => done.finish(
                        document::parse(&r.body, &COGNITO)
                            .map(credentials)
                            .map_err(|_| AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE.into()),
                    ),
                    Ok(_) => done.fail(AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int),
                    Err(code) => done.fail(code),
                },
            ),
        );
    }
}

impl Source for Cognito {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        self.ask(&[], done);
        Ok(())
    }
}

/// A Cognito source that first asks the program for this request's logins.
struct WithTokenPairs {
    cognito: Arc<Cognito>,
    get: aws_credentials_provider_cognito_get_token_pairs_async_fn,
    data: *mut c_void,
}

// SAFETY: the program's token-pair function and its data are called from whichever thread asks,
// as upstream's are.
unsafe impl Send for WithTokenPairs {}
unsafe impl Sync for WithTokenPairs {}

/// A request waiting for the program's token pairs.
struct Pending {
    cognito: Arc<Cognito>,
    done: Completion,
}

unsafe extern "C" fn on_token_pairs(
    logins: *mut aws_cognito_identity_provider_token_pair,
    login_count: usize,
    error_code: c_int,
    user_data: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: `user_data` is the `Pending` boxed by `get_credentials`, taken back once.
        let Pending { cognito, done } = *unsafe { Box::from_raw(user_data.cast::<Pending>()) };
        if error_code != 0 {
            done.fail(error_code);
            return Ok(());
        }
        // SAFETY: the program lends `login_count` pairs for the duration of this call.
        match unsafe { self::logins(logins, login_count) } {
            Ok(dynamic) => cognito.ask(&dynamic, done),
            Err(e) => done.fail(e.code()),
        }
        Ok(())
    })
}

impl Source for WithTokenPairs {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let pending = Box::into_raw(Box::new(Pending {
            cognito: self.cognito.clone(),
            done,
        }));
        // SAFETY: the program's function; `on_token_pairs` takes the box back once.
        let rc = unsafe { (self.get)(self.data, Some(on_token_pairs), pending.cast()) };
        if rc != 0 {
            // Refused without calling back: the request fails with its error.
            drop(unsafe { Box::from_raw(pending) });
            return Err(guard::Error(crate::ffi::common::error::aws_last_error()));
        }
        Ok(())
    }
}

/// Makes the provider `options` describe (with `shutdown` as its shutdown options).
///
/// # Safety
/// As the exported constructors.
unsafe fn make(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_cognito_options,
    shutdown: aws_credentials_provider_shutdown_options,
) -> Result<*mut aws_credentials_provider> {
    unsafe {
        require(!o.tls_ctx.is_null() && !o.bootstrap.is_null())?;
        let (endpoint, identity) = (text(&o.endpoint)?, text(&o.identity)?);
        require(!endpoint.is_empty() && !identity.is_empty())?;
        if !o.http_proxy_options.is_null() {
            return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into());
        }
        let (host, port) = http_fetch::host_and_port(&endpoint)?;
        let cognito = Cognito {
            connector: connector_of(o.bootstrap)?,
            tls: tls_settings(o.tls_ctx, &host)?,
            host,
            port,
            identity,
            custom_role_arn: o.custom_role_arn.as_ref().map(text).transpose()?,
            logins: logins(o.logins, o.login_count)?,
        };
        match o.get_token_pairs {
            None => new_provider(allocator, shutdown, cognito),
            Some(get) => new_provider(
                allocator,
                shutdown,
                WithTokenPairs {
                    cognito: Arc::new(cognito),
                    get,
                    data: o.get_token_pairs_user_data,
                },
            ),
        }
    }
}

/// A provider asking Cognito for the identity's credentials at each request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_cognito(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_cognito_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        make(allocator, o, o.shutdown_options)
    })
}

/// The Cognito provider behind a cache of 15 minutes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_cognito_caching(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_cognito_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        let quiet = QUIET;
        let source = Held::adopt(make(allocator, o, quiet)?)?;
        let cached = aws_credentials_provider_cached_options {
            shutdown_options: o.shutdown_options,
            source: source.as_ptr(),
            refresh_time_in_milliseconds: CACHE_MS,
            high_res_clock_fn: None,
            system_clock_fn: None,
        };
        let provider = aws_credentials_provider_new_cached(allocator, &cached);
        if provider.is_null() {
            return Err(guard::Error(crate::ffi::common::error::aws_last_error()));
        }
        Ok(provider)
    })
}

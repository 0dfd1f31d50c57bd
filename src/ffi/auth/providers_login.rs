//! `aws/auth/credentials.h`: the login provider, for sessions made by `aws login`. The profile
//! (or the options) names the session (`login_session`, an ARN) and the `region`; each request
//! reads the session's cache file (`~/.aws/login/cache/<hex SHA-256 of the session>.json`, or
//! in the options' directory, or in `AWS_LOGIN_CACHE_DIRECTORY`), then asks the sign-in
//! service (`<region>.signin.aws.amazon.com`, or `AWS_ENDPOINT_URL_SIGNIN`,
//! `AWS_ENDPOINT_URL`, the profile's `endpoint_url`) for new keys: a POST to `/v1/token`
//! (CreateOAuth2Token) with the client id and refresh token, and a DPoP proof signed with the
//! session's P-256 key. The answer's keys are handed out and written back to the cache file
//! with the new refresh token. As upstream v0.10.5, every request refreshes (the cached keys
//! are never handed out), and the default chain does not include this provider.
//!
//! Upstream's error codes: a provider whose profile names no session or region is refused
//! with `AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING` (upstream reports every
//! parameter failure so); a request fails with the file error of an unreadable cache
//! (`AWS_ERROR_FILE_INVALID_PATH`, ...), `_LOGIN_FAILED_TO_CREATE_TOKEN` for a malformed one,
//! `_LOGIN_TOKEN_EXPIRED` when its keys have expired, `_LOGIN_FAILED_TO_CREATE_DPOP_HEADER`
//! for a key that is not one P-256 `EC PRIVATE KEY`, the connection's error when the service
//! cannot be reached, `AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE` for a 4xx answer,
//! `AWS_IO_MAX_RETRIES_EXCEEDED` after four 5xx (or 429) answers, and
//! `_LOGIN_FAILED_TO_CREATE_REFRESH_TOKEN` for a 200 answer it cannot read. Upstream's
//! `system_clock_fn` is not consulted (upstream's is not either).
//!
//! The cache file is read on the caller's thread (a small local file, as the SSO provider
//! reads its token); everything after, the callback included, happens on a loop thread. The
//! rewritten cache is on disk before the callback runs: the refresh token rotates, and the
//! next request must present the new one.

use crate::auth::http_fetch::{self, Request};
use crate::auth::login_token::{DpopKey, LoginToken, Refreshed, TOKEN_PATH, cache_path, new_jti};
use crate::auth::{document::Sourced, profile};
use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_DPOP_HEADER,
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN_PATH,
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_REGION_MISSING,
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING,
};
use crate::ffi::auth::credentials_provider::{
    Completion, Source, aws_credentials_provider, new_provider,
};
use crate::ffi::auth::provider_options::aws_credentials_provider_login_options;
use crate::ffi::auth::provider_support::{credentials, endpoint_override, epoch_now, tls_settings};
use crate::ffi::auth::providers_basic::env_bytes;
use crate::ffi::auth::providers_sso::home;
use crate::ffi::auth::providers_sts_web_identity::service_endpoint;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::byte_buf_file::read_all;
use crate::ffi::common::json_text::print_value;
use crate::ffi::guard::{self, Error, Result, require};
use crate::ffi::io::channel_bootstrap::connector_of;
use crate::ffi::io::pem;
use crate::ffi::sdkutils::aws_profile::{chosen, collection_of, config_path, read_collection};
use crate::transport::tls::TlsConnectionSettings;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;
use std::time::Duration;

/// Upstream's connect timeout for its credentials endpoints.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Tries per request: upstream's standard retry strategy allows three retries.
const ATTEMPTS: usize = 4;

/// The sign-in service and the session to refresh.
struct LoginSource {
    connector: Connector,
    host: String,
    port: u32,
    tls: TlsConnectionSettings,
    /// The proof's `htu`: the token operation's URL.
    htu: String,
    session: Vec<u8>,
    /// The cache directory, when not the home directory's.
    directory: Option<Vec<u8>>,
}

/// One request's state: the cache file, the token read from it and its key.
struct Refresh {
    path: Vec<u8>,
    token: LoginToken,
    key: DpopKey,
}

/// The key of a cache's `dpopKey`: exactly one PEM object, an `EC PRIVATE KEY` on P-256.
fn dpop_key(pem_text: &str) -> Option<DpopKey> {
    DpopKey::from_sec1_der(&pem::single_ec_private_key(pem_text.as_bytes())?)
}

impl LoginSource {
    /// The session's cache file and what it holds.
    fn load(&self) -> Result<Refresh> {
        let home = match self.directory {
            Some(_) => Vec::new(),
            None => home().map_err(|_| {
                Error::from(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN_PATH)
            })?,
        };
        let path = cache_path(self.directory.as_deref(), &home, &self.session);
        let text = read_all(OsStr::from_bytes(&path))?;
        let token = LoginToken::parse(&text, epoch_now(None))?;
        let key = dpop_key(&token.dpop_key).ok_or(Error::from(
            AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_DPOP_HEADER,
        ))?;
        Ok(Refresh { path, token, key })
    }

    /// The CreateOAuth2Token request, with a proof of its own (each try has a fresh `jti`).
    fn request(&self, refresh: &Refresh) -> Result<Request> {
        let proof = new_jti()
            .and_then(|jti| refresh.key.proof(&self.htu, &jti, epoch_now(None)))
            .ok_or(Error::from(
                AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_DPOP_HEADER,
            ))?;
        Ok(Request {
            method: "POST",
            host: self.host.clone(),
            port: self.port,
            path: TOKEN_PATH.into(),
            headers: vec![
                ("Content-Type".into(), b"application/json".to_vec()),
                ("DPoP".into(), proof.into_bytes()),
            ],
            tls: Some(self.tls.clone()),
            body: refresh.token.request_body(),
        })
    }
}

/// Takes the service's answer: credentials for the caller, the cache file rewritten first.
fn finish(refresh: &Refresh, body: &[u8], done: Completion) {
    let refreshed = match Refreshed::parse(body, epoch_now(None)) {
        Ok(r) => r,
        Err(e) => return done.fail(e.code()),
    };
    let mut token = refresh.token.clone();
    token.refresh(refreshed);
    let text = print_value(token.document(), true);
    if std::fs::write(OsStr::from_bytes(&refresh.path), text).is_err() {
        // Upstream logs this (AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_WRITE_TOKEN) and
        // still hands out the credentials.
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_AUTH_CREDENTIALS_PROVIDER,
            "login: failed to write the refreshed token back to its cache file"
        );
    }
    done.give(credentials(Sourced {
        keys: token.keys.clone(),
        account_id: token.account_id.clone().into_bytes(),
        expiration: u64::try_from(token.expires_at).unwrap_or(0),
    }));
}

struct Provider(Arc<LoginSource>);

impl Source for Provider {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let source = self.0.clone();
        let refresh = match source.load() {
            Ok(refresh) => Arc::new(refresh),
            Err(e) => {
                let failed = Box::new(move || done.fail(e.code()));
                source.connector.next_loop().schedule_now(failed);
                return Ok(());
            }
        };
        let answered = refresh.clone();
        let connector = source.connector.clone();
        http_fetch::query(
            &connector,
            Arc::new(move || source.request(&refresh).map_err(|e| e.code())),
            TIMEOUT,
            ATTEMPTS,
            Box::new(move |answer| match answer {
                Ok(body) => finish(&answered, &body, done),
                Err(code) => done.fail(code),
            }),
        );
        Ok(())
    }
}

/// A cursor's bytes when it holds any.
///
/// # Safety
/// The cursor lends valid bytes.
unsafe fn given(c: &aws_byte_cursor) -> Result<Option<Vec<u8>>> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { c.as_bytes() }?;
    Ok((!bytes.is_empty()).then(|| bytes.to_vec()))
}

/// What the options and the profile say, as upstream resolves it.
struct Parameters {
    session: Vec<u8>,
    region: Vec<u8>,
    directory: Option<Vec<u8>>,
    endpoint_override: Vec<u8>,
}

/// # Safety
/// As the exported constructor.
unsafe fn parameters(o: &aws_credentials_provider_login_options) -> Result<Parameters> {
    unsafe {
        let profiles = if o.config_file_cached.is_null() {
            Arc::new(read_collection(
                &config_path(&o.config_file_name_override)?,
                profile::Source::Config,
            )?)
        } else {
            collection_of(o.config_file_cached)?
        };
        let name = chosen(&o.profile_name_override, "AWS_PROFILE", b"default")?;
        let profile = profiles.profile(&name).ok_or(Error::from(
            AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING,
        ))?;
        let from_profile = |key: &[u8]| profile.get(key).map(<[u8]>::to_vec);
        let session = given(&o.login_session)?
            .or_else(|| from_profile(b"login_session"))
            .ok_or(Error::from(
                AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING,
            ))?;
        let region = given(&o.login_region)?
            .or_else(|| from_profile(b"region"))
            .ok_or(Error::from(
                AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_REGION_MISSING,
            ))?;
        let directory = given(&o.login_cache_directory_override)?
            .or_else(|| Some(env_bytes("AWS_LOGIN_CACHE_DIRECTORY")).filter(|d| !d.is_empty()));
        let mut endpoint_override = endpoint_override("SIGNIN");
        if endpoint_override.is_empty() {
            endpoint_override = from_profile(b"endpoint_url").unwrap_or_default();
        }
        Ok(Parameters {
            session,
            region,
            directory,
            endpoint_override,
        })
    }
}

/// The sign-in service's host and port: an override, else `<region>.signin.aws.amazon.com`
/// (one name in every partition, as upstream's).
pub(crate) fn signin_host(endpoint_override: &[u8], region: &[u8]) -> Result<(String, u32)> {
    if !endpoint_override.is_empty() {
        return service_endpoint("signin", endpoint_override, region);
    }
    let region = String::from_utf8(region.to_vec()).map_err(|_| guard::INVALID_ARGUMENT)?;
    require(!region.is_empty())?;
    Ok((format!("{region}.signin.aws.amazon.com"), 443))
}

/// A provider refreshing an `aws login` session's credentials through the sign-in service.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_login(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_login_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        // Upstream reports any failure to resolve its parameters as a missing session.
        let p = parameters(o)
            .map_err(|_| Error::from(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING))?;
        require(!o.bootstrap.is_null() && !o.tls_ctx.is_null())?;
        let (host, port) = signin_host(&p.endpoint_override, &p.region)?;
        let authority = if port == 443 {
            host.clone()
        } else {
            format!("{host}:{port}")
        };
        let source = LoginSource {
            connector: connector_of(o.bootstrap)?,
            tls: tls_settings(o.tls_ctx, &host)?,
            htu: format!("https://{authority}{TOKEN_PATH}"),
            host,
            port,
            session: p.session,
            directory: p.directory,
        };
        new_provider(allocator, o.shutdown_options, Provider(Arc::new(source)))
    })
}

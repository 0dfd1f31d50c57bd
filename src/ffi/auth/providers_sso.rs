//! `aws/auth/credentials.h`: the SSO provider. The profile names the account
//! (`sso_account_id`), the role (`sso_role_name`) and either an `sso_session` (whose
//! `[sso-session]` section gives `sso_region` and `sso_start_url`) or, the legacy way,
//! `sso_region` and `sso_start_url` itself. Each request reads the cached SSO token
//! (`~/.aws/sso/cache/<hex SHA-1 of the session name or start URL>.json`: `accessToken`,
//! `expiresAt`), then GETs `/federation/credentials?account_id=..&role_name=..` from
//! `portal.sso.<region>.amazonaws.com` (or `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL`, the
//! profile's `endpoint_url`) over HTTPS through the options' TLS context, with the token in
//! `x-amz-sso_bearer_token`, and reads `roleCredentials`. As upstream: an incomplete profile is
//! refused when the provider is made (`AWS_AUTH_CREDENTIALS_PROVIDER_SSO_SOURCE_FAILURE`), an
//! expired token fails the request with `AWS_AUTH_SSO_TOKEN_EXPIRED`, an unreadable one with
//! `AWS_AUTH_SSO_TOKEN_INVALID`; the portal's answers as upstream's HTTP provider base reports
//! them ([`http_fetch::query`]: `AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE` for a 4xx,
//! 5xx tried three more times, then `AWS_IO_MAX_RETRIES_EXCEEDED`, a connection failure's own
//! code), and an unreadable 200 answer with `AWS_AUTH_CREDENTIALS_PROVIDER_SSO_SOURCE_FAILURE`.
//! The credentials carry the profile's account id and every answer comes on a loop thread.

use crate::auth::document::{self, SSO, Sourced};
use crate::auth::http_fetch::{self, Request};
use crate::auth::sigv4::hex;
use crate::auth::time;
use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_SSO_SOURCE_FAILURE, AWS_AUTH_SSO_TOKEN_EXPIRED,
    AWS_AUTH_SSO_TOKEN_INVALID,
};
use crate::ffi::auth::credentials_provider::{
    Completion, Source, aws_credentials_provider, new_provider,
};
use crate::ffi::auth::provider_options::aws_credentials_provider_sso_options;
use crate::ffi::auth::provider_support::{credentials, endpoint_override, epoch_now, tls_settings};
use crate::ffi::auth::providers_sts_web_identity::service_endpoint;
use crate::ffi::common::allocator::{aws_allocator, aws_default_allocator};
use crate::ffi::common::file::aws_get_home_directory;
use crate::ffi::common::string::{aws_string_destroy, string_bytes};
use crate::ffi::guard::{self, Error, Result, require};
use crate::ffi::io::channel_bootstrap::connector_of;
use crate::ffi::io::event_loop::aws_io_clock_fn;
use crate::ffi::sdkutils::aws_profile::{chosen, collection_of, config_path, read_collection};
use crate::transport::percent;
use crate::transport::tls::TlsConnectionSettings;
use std::sync::Arc;
use std::time::Duration;

/// Upstream's connect timeout for the SSO portal.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Tries per request: upstream's standard retry strategy allows three retries.
const ATTEMPTS: usize = 4;
/// The `User-Agent` upstream sends.
const USER_AGENT: &[u8] = b"aws-sdk-crt/sso-credentials-provider";

/// The portal and what to ask it.
struct SsoSource {
    connector: Connector,
    host: String,
    port: u32,
    tls: TlsConnectionSettings,
    path: String,
    /// The profile's `sso_account_id`, which the credentials carry.
    account_id: Vec<u8>,
    token_file: Vec<u8>,
    clock: Option<aws_io_clock_fn>,
}

// SAFETY: the program's clock is called from whichever thread asks, as upstream's is.
unsafe impl Send for SsoSource {}
unsafe impl Sync for SsoSource {}

impl SsoSource {
    fn now(&self) -> i64 {
        epoch_now(self.clock)
    }

    /// The cached token, if it is readable and not expired.
    fn token(&self) -> Result<Vec<u8>> {
        let invalid = || Error::from(AWS_AUTH_SSO_TOKEN_INVALID);
        let path = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&self.token_file);
        let text = std::fs::read(path).map_err(|_| invalid())?;
        let doc: serde_json::Value = serde_json::from_slice(&text).map_err(|_| invalid())?;
        let token = doc
            .get("accessToken")
            .and_then(|v| v.as_str())
            .ok_or_else(invalid)?;
        let expires = doc
            .get("expiresAt")
            .and_then(|v| v.as_str())
            .and_then(|s| time::parse_iso8601(s.as_bytes()))
            .ok_or_else(invalid)?;
        if expires <= self.now() {
            return Err(AWS_AUTH_SSO_TOKEN_EXPIRED.into());
        }
        Ok(token.as_bytes().to_vec())
    }
}

struct Provider(Arc<SsoSource>);

impl Source for Provider {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let token = match self.0.token() {
            Ok(t) => t,
            Err(e) => {
                let failed = Box::new(move || done.fail(e.code()));
                self.0.connector.next_loop().schedule_now(failed);
                return Ok(());
            }
        };
        let request = Request {
            method: "GET",
            host: self.0.host.clone(),
            port: self.0.port,
            path: self.0.path.clone(),
            headers: vec![
                ("x-amz-sso_bearer_token".into(), token),
                ("User-Agent".into(), USER_AGENT.to_vec()),
            ],
            tls: Some(self.0.tls.clone()),
            body: Vec::new(),
        };
        let account_id = self.0.account_id.clone();
        http_fetch::query(
            &self.0.connector,
            Arc::new(move || Ok(request.clone())),
            TIMEOUT,
            ATTEMPTS,
            Box::new(move |answer| match answer {
                Ok(body) => done.finish(
                    document::parse(&body, &SSO)
                        .map(|sourced| {
                            credentials(Sourced {
                                account_id,
                                ..sourced
                            })
                        })
                        .map_err(|_| AWS_AUTH_CREDENTIALS_PROVIDER_SSO_SOURCE_FAILURE.into()),
                ),
                Err(code) => done.fail(code),
            }),
        );
        Ok(())
    }
}

/// The home directory (`aws_get_home_directory`).
pub(crate) fn home() -> Result<Vec<u8>> {
    // SAFETY: the default allocator; the string is destroyed below.
    let home = unsafe { aws_get_home_directory(aws_default_allocator()) };
    if home.is_null() {
        return Err(Error(crate::ffi::common::error::aws_last_error()));
    }
    let bytes = unsafe { string_bytes(home) }.map(<[u8]>::to_vec);
    unsafe { aws_string_destroy(home) };
    bytes
}

/// `<home>/.aws/sso/cache/<hex SHA-1 of key>.json`.
fn token_path(home: &[u8], key: &[u8]) -> Vec<u8> {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key);
    [home, b"/.aws/sso/cache/", &hex(digest.as_ref()), b".json"].concat()
}

/// A provider getting the profile's SSO role credentials from the SSO portal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_sso(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_sso_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        new_sso(allocator, o, &home()?)
    })
}

/// The SSO provider `o` describes, its token cache under `home`.
///
/// # Safety
/// As the exported constructor.
pub(crate) unsafe fn new_sso(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_sso_options,
    home: &[u8],
) -> Result<*mut aws_credentials_provider> {
    unsafe {
        require(!o.bootstrap.is_null() && !o.tls_ctx.is_null())?;
        let failure = || Error::from(AWS_AUTH_CREDENTIALS_PROVIDER_SSO_SOURCE_FAILURE);
        let profiles = if o.config_file_cached.is_null() {
            Arc::new(
                read_collection(
                    &config_path(&o.config_file_name_override)?,
                    crate::auth::profile::Source::Config,
                )
                .map_err(|_| failure())?,
            )
        } else {
            collection_of(o.config_file_cached)?
        };
        let name = chosen(&o.profile_name_override, "AWS_PROFILE", b"default")?;
        let profile = profiles.profile(&name).ok_or_else(failure)?;
        let account = profile.get(b"sso_account_id").ok_or_else(failure)?;
        let role = profile.get(b"sso_role_name").ok_or_else(failure)?;
        let (region, token_key) = match profile.get(b"sso_session") {
            Some(session_name) => {
                let session = profiles.sections[crate::auth::profile::Section::SsoSession as usize]
                    .get(session_name)
                    .ok_or_else(failure)?;
                let start_url = session.get(b"sso_start_url").ok_or_else(failure)?;
                let region = session.get(b"sso_region").ok_or_else(failure)?;
                // A profile that repeats them must agree with its session.
                for (key, value) in [(&b"sso_start_url"[..], start_url), (b"sso_region", region)] {
                    if profile.get(key).is_some_and(|v| v != value) {
                        return Err(failure());
                    }
                }
                (region.to_vec(), session_name.to_vec())
            }
            None => (
                profile.get(b"sso_region").ok_or_else(failure)?.to_vec(),
                profile.get(b"sso_start_url").ok_or_else(failure)?.to_vec(),
            ),
        };
        let mut override_url = endpoint_override("SSO");
        if override_url.is_empty() {
            override_url = profile.get(b"endpoint_url").unwrap_or_default().to_vec();
        }
        let (host, port) = service_endpoint("portal.sso", &override_url, &region)?;
        let path = format!(
            "/federation/credentials?account_id={}&role_name={}",
            String::from_utf8_lossy(&percent::encode_param(account)),
            String::from_utf8_lossy(&percent::encode_param(role))
        );
        let source = SsoSource {
            connector: connector_of(o.bootstrap)?,
            tls: tls_settings(o.tls_ctx, &host)?,
            host,
            port,
            path,
            account_id: account.to_vec(),
            token_file: token_path(home, &token_key),
            clock: o.system_clock_fn,
        };
        new_provider(allocator, o.shutdown_options, Provider(Arc::new(source)))
    }
}

#[cfg(test)]
#[test]
fn token_files_are_named_by_the_sha1_of_their_key() {
    assert_eq!(
        token_path(b"/home/u", b"abc"),
        b"/home/u/.aws/sso/cache/a9993e364706816aba3e25717850c26c9cd0d89d.json"
    );
}

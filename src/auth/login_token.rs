//! The AWS login cache and the sign-in service's token refresh, without I/O: what the login
//! credentials provider reads, sends and writes back, as aws-c-auth's `login_token_utils.c`
//! does it.
//!
//! `aws login` leaves a JSON file per login session, named by the hex SHA-256 of the session
//! (an ARN) under `~/.aws/login/cache/`: an `accessToken` object (`accessKeyId`,
//! `secretAccessKey`, `sessionToken`, `accountId`, `expiresAt` in ISO 8601) and, beside it,
//! `tokenType`, `refreshToken`, `idToken`, `clientId` and `dpopKey` (a PEM `EC PRIVATE KEY`
//! on P-256). Every field is required; a cache whose `expiresAt` has passed cannot be
//! refreshed. A refresh POSTs `{"clientId", "refreshToken", "grantType": "refresh_token"}` with
//! a DPoP proof (RFC 9449) signed by that key; the answer carries new keys in an `accessToken`
//! object, `expiresIn` seconds and a new `refreshToken`, which go back into the cache file.

use crate::auth::{sigv4, time};
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_REFRESH_TOKEN,
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN,
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_TOKEN_EXPIRED,
};
use crate::error::{Error, Result};
use crate::transport::base64::{URL_SAFE, encode_with};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Map, Value, json};

/// The cache directory under the home directory.
pub const CACHE_UNDER_HOME: &[u8] = b"/.aws/login/cache/";

/// The sign-in service's token operation (CreateOAuth2Token).
pub const TOKEN_PATH: &str = "/v1/token";

/// The cache file of `session`: its hex SHA-256 and `.json`.
pub fn file_name(session: &[u8]) -> Vec<u8> {
    let digest = ring::digest::digest(&ring::digest::SHA256, session);
    [&sigv4::hex(digest.as_ref())[..], b".json"].concat()
}

/// The cache file of `session`: in `directory` when one is configured, else under `home`.
pub fn cache_path(directory: Option<&[u8]>, home: &[u8], session: &[u8]) -> Vec<u8> {
    let name = file_name(session);
    match directory {
        // Upstream appends the name to the directory as given; a directory written without
        // its final slash would then name a sibling file, so one is added here.
        Some(dir) if dir.ends_with(b"/") => [dir, &name].concat(),
        Some(dir) => [dir, b"/", &name].concat(),
        None => [home, CACHE_UNDER_HOME, &name].concat(),
    }
}

/// A login cache file's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginToken {
    /// The temporary keys and token.
    pub keys: sigv4::Credentials,
    /// The account the session belongs to.
    pub account_id: String,
    /// When the keys expire (seconds since the epoch).
    pub expires_at: i64,
    /// `tokenType`, kept for writing back.
    pub token_type: String,
    /// What a refresh presents.
    pub refresh_token: String,
    /// `idToken`, kept for writing back.
    pub id_token: String,
    /// The OAuth client the session was made for.
    pub client_id: String,
    /// The PEM text of the session's P-256 key.
    pub dpop_key: String,
}

/// The string member `key` of `object`.
fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key)?.as_str().map(str::to_string)
}

/// The keys and token of an `accessToken` object (the cache's and the service's).
fn keys(access: &Map<String, Value>) -> Option<sigv4::Credentials> {
    Some(sigv4::Credentials {
        access_key_id: string(access, "accessKeyId")?.into_bytes(),
        secret_access_key: string(access, "secretAccessKey")?.into_bytes(),
        session_token: string(access, "sessionToken")?.into_bytes(),
    })
}

impl LoginToken {
    /// Reads a cache file: `AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN` when it
    /// is no JSON or lacks a field, `_LOGIN_TOKEN_EXPIRED` when its keys expired before `now`.
    pub fn parse(text: &[u8], now: i64) -> Result<LoginToken> {
        let token = Self::fields(text).ok_or(Error::from(
            AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN,
        ))?;
        if token.expires_at < now {
            return Err(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_TOKEN_EXPIRED.into());
        }
        Ok(token)
    }

    fn fields(text: &[u8]) -> Option<LoginToken> {
        let root: Value = serde_json::from_slice(text).ok()?;
        let root = root.as_object()?;
        let access = root.get("accessToken")?.as_object()?;
        Some(LoginToken {
            keys: keys(access)?,
            expires_at: time::parse_iso8601(string(access, "expiresAt")?.as_bytes())?,
            account_id: string(access, "accountId")?,
            token_type: string(root, "tokenType")?,
            refresh_token: string(root, "refreshToken")?,
            id_token: string(root, "idToken")?,
            client_id: string(root, "clientId")?,
            dpop_key: string(root, "dpopKey")?,
        })
    }

    /// The CreateOAuth2Token request body.
    pub fn request_body(&self) -> Vec<u8> {
        json!({
            "clientId": self.client_id,
            "refreshToken": self.refresh_token,
            "grantType": "refresh_token",
        })
        .to_string()
        .into_bytes()
    }

    /// Takes what a refresh gave: the new keys, their expiry and the next refresh token.
    pub fn refresh(&mut self, refreshed: Refreshed) {
        self.keys = refreshed.keys;
        self.expires_at = refreshed.expires_at;
        self.refresh_token = refreshed.refresh_token;
    }

    /// The cache file's document, its members in upstream's order (only the known fields).
    pub fn document(&self) -> Value {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        json!({
            "accessToken": {
                "accessKeyId": text(&self.keys.access_key_id),
                "secretAccessKey": text(&self.keys.secret_access_key),
                "sessionToken": text(&self.keys.session_token),
                "accountId": self.account_id,
                "expiresAt": time::format_iso8601(self.expires_at),
            },
            "tokenType": self.token_type,
            "refreshToken": self.refresh_token,
            "idToken": self.id_token,
            "clientId": self.client_id,
            "dpopKey": self.dpop_key,
        })
    }
}

/// What a successful refresh answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refreshed {
    /// The new keys and token.
    pub keys: sigv4::Credentials,
    /// When they expire: `expiresIn` seconds after the answer.
    pub expires_at: i64,
    /// The refresh token for next time.
    pub refresh_token: String,
}

impl Refreshed {
    /// Reads the sign-in service's answer, received at `now`
    /// (`AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_REFRESH_TOKEN` when it lacks a
    /// field).
    pub fn parse(text: &[u8], now: i64) -> Result<Refreshed> {
        let fields = || -> Option<Refreshed> {
            let root: Value = serde_json::from_slice(text).ok()?;
            let root = root.as_object()?;
            let access = root.get("accessToken")?.as_object()?;
            let expires_in = root.get("expiresIn")?.as_f64()?;
            Some(Refreshed {
                keys: keys(access)?,
                expires_at: now.saturating_add(expires_in as i64),
                refresh_token: string(root, "refreshToken")?,
            })
        };
        fields().ok_or(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_REFRESH_TOKEN.into())
    }
}

/// Unpadded URL-safe base64, as JWTs write their parts.
fn base64url(bytes: &[u8]) -> String {
    // The alphabet is ASCII.
    encode_with(bytes, URL_SAFE, false)
        .into_iter()
        .map(char::from)
        .collect()
}

/// A session's P-256 key, which signs its DPoP proofs.
pub struct DpopKey(EcdsaKeyPair);

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DpopKey")
    }
}

impl DpopKey {
    /// The key of a SEC 1 `ECPrivateKey` (the DER inside `EC PRIVATE KEY`), P-256 only.
    /// libcrypto (loaded on demand) reads the structure and works out the public point when
    /// the file leaves it out, which ring cannot; ring signs.
    pub fn from_sec1_der(der: &[u8]) -> Option<DpopKey> {
        let (private, public) = crate::transport::libcrypto::p256_key_parts(der).ok()?;
        // A point of another curve has another size: refused here, or by ring.
        EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &private,
            &public,
            &SystemRandom::new(),
        )
        .ok()
        .map(DpopKey)
    }

    /// The public point, uncompressed (`04 || x || y`).
    pub fn public_key(&self) -> &[u8] {
        self.0.public_key().as_ref()
    }

    /// A DPoP proof for a POST to `htu`, identified by `jti`, issued at `iat` (seconds since
    /// the epoch): the JWT `header.payload.signature`, ES256 over the first two parts, the
    /// header carrying the public key as a JWK. Members are in upstream's order.
    pub fn proof(&self, htu: &str, jti: &str, iat: i64) -> Option<String> {
        let point = self.public_key();
        let header = json!({
            "jwk": {
                "kty": "EC",
                "x": base64url(&point[1..33]),
                "y": base64url(&point[33..65]),
                "crv": "P-256",
            },
            "typ": "dpop+jwt",
            "alg": "ES256",
        });
        let payload = json!({ "jti": jti, "htm": "POST", "htu": htu, "iat": iat });
        let message = format!(
            "{}.{}",
            base64url(header.to_string().as_bytes()),
            base64url(payload.to_string().as_bytes())
        );
        // FIXED signing: r and s as two 32-byte integers, as JWS wants (not DER).
        let signature = self.0.sign(&SystemRandom::new(), message.as_bytes()).ok()?;
        Some(format!("{message}.{}", base64url(signature.as_ref())))
    }
}

/// A fresh proof identifier: a random UUID in its 8-4-4-4-12 text form.
pub fn new_jti() -> Option<String> {
    let mut b = [0u8; 16];
    SystemRandom::new().fill(&mut b).ok()?;
    let hex = String::from_utf8(sigv4::hex(&b)).ok()?;
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

#[cfg(test)]
#[path = "login_token_tests.rs"]
pub(crate) mod tests;

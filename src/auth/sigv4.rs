//! SigV4 signing of an HTTP request (sans-IO: a request, a configuration and credentials in;
//! the canonical request, the string to sign, the signature and what to add to the request
//! out), step for step as aws-c-auth's `aws_signing.c` does it, so that its signing test suite
//! passes byte for byte.
//!
//! What signing adds, in upstream's order: into headers, `X-Amz-Security-Token` (unsigned when
//! the session token is omitted from signing), `X-Amz-Date`, `x-amz-content-sha256` when asked,
//! then `Authorization`; into the query, `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
//! `X-Amz-SignedHeaders`, `X-Amz-Expires` (when not 0), `X-Amz-Security-Token`, then
//! `X-Amz-Signature`, each percent-encoded.

use crate::auth::sigv4_canonical::{self as canonical, Param};
use crate::auth::time;
use crate::error::Result;
use crate::error::aws_auth_errors::AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE;
use crate::error::aws_common_error::AWS_ERROR_MALFORMED_INPUT_STRING;
use crate::transport::{percent, uri};
use ring::{digest, hmac};

/// The algorithm name in the string to sign, the Authorization value and X-Amz-Algorithm.
pub const ALGORITHM: &[u8] = b"AWS4-HMAC-SHA256";

/// Where the signature goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureType {
    /// An `Authorization` header (`AWS_ST_HTTP_REQUEST_HEADERS`).
    Headers,
    /// Presigning: `X-Amz-*` query parameters (`AWS_ST_HTTP_REQUEST_QUERY_PARAMS`).
    QueryParams,
}

/// The secret a signature proves possession of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id, named in the credential scope.
    pub access_key_id: Vec<u8>,
    /// The secret access key the signing key is derived from.
    pub secret_access_key: Vec<u8>,
    /// A session token (empty when there is none).
    pub session_token: Vec<u8>,
}

/// What `aws_signing_config_aws` says, checked and copied.
pub struct Config<'a> {
    /// Headers or query parameters.
    pub signature_type: SignatureType,
    /// The region, such as `us-east-1`.
    pub region: &'a [u8],
    /// The service, such as `iotdevicegateway`.
    pub service: &'a [u8],
    /// The signing time, in seconds since the epoch.
    pub timestamp: i64,
    /// Encode the (already encoded) path once more.
    pub use_double_uri_encode: bool,
    /// Resolve `.`, `..` and repeated slashes in the path.
    pub should_normalize_uri_path: bool,
    /// Add the session token after signing, outside the signature.
    pub omit_session_token: bool,
    /// The payload hash to sign; empty: the SHA-256 of the payload.
    pub signed_body_value: &'a [u8],
    /// Add the payload hash as `x-amz-content-sha256`.
    pub signed_body_header: bool,
    /// `X-Amz-Expires` for presigning (0: none).
    pub expiration_in_seconds: u64,
    /// The caller's filter: whether a header takes part in the signature.
    pub should_sign_header: &'a dyn Fn(&[u8]) -> bool,
}

/// The request to sign.
pub struct Request<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a [u8],
    /// The path with its query, as sent (so already percent-encoded).
    pub uri: &'a [u8],
    /// The header fields, in order.
    pub headers: Vec<(&'a [u8], &'a [u8])>,
    /// The body.
    pub payload: &'a [u8],
}

/// The outcome of signing.
#[derive(Clone, Debug, Default)]
pub struct Signed {
    /// The canonical request that was hashed.
    pub canonical_request: Vec<u8>,
    /// The string the signature is the HMAC of.
    pub string_to_sign: Vec<u8>,
    /// The signature, in lower-case hex.
    pub signature: Vec<u8>,
    /// Header fields to add, in order.
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// Query parameters to add (encoded), in order.
    pub query_params: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> Vec<u8> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> Vec<u8> {
    hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
}

/// The signing time as `YYYYMMDDTHHMMSSZ`, and its first eight characters, in UTC.
pub fn amz_date(timestamp: i64) -> (Vec<u8>, Vec<u8>) {
    let days = timestamp.div_euclid(86_400);
    let secs = timestamp.rem_euclid(86_400);
    let (year, month, day) = time::civil_from_days(days);
    let full = format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    let short = full.as_bytes()[..8].to_vec();
    (full.into_bytes(), short)
}

/// `date/region/service/aws4_request`.
fn credential_scope(config: &Config<'_>, short_date: &[u8]) -> Vec<u8> {
    [short_date, config.region, config.service, b"aws4_request"].join(&b'/')
}

/// The signing key: HMAC chained over the date, region, service and terminator.
fn signing_key(config: &Config<'_>, secret: &[u8], short_date: &[u8]) -> hmac::Tag {
    let k_secret = [b"AWS4".as_slice(), secret].concat();
    let k_date = hmac_sha256(&k_secret, short_date);
    let k_region = hmac_sha256(k_date.as_ref(), config.region);
    let k_service = hmac_sha256(k_region.as_ref(), config.service);
    hmac_sha256(k_service.as_ref(), b"aws4_request")
}

/// Signs `request` with `credentials` as `config` says.
pub fn sign(
    config: &Config<'_>,
    request: &Request<'_>,
    credentials: &Credentials,
) -> Result<Signed> {
    let mut out = Signed::default();
    let (date, short_date) = amz_date(config.timestamp);
    let payload_hash = if config.signed_body_value.is_empty() {
        sha256_hex(request.payload)
    } else {
        config.signed_body_value.to_vec()
    };
    let scope = credential_scope(config, &short_date);
    let access_scope = [credentials.access_key_id.as_slice(), b"/", &scope].concat();
    let token = credentials.session_token.as_slice();

    let parts = uri::parse(request.uri).map_err(|_| AWS_ERROR_MALFORMED_INPUT_STRING)?;
    let path = parts.path.map_or(&b""[..], |r| &request.uri[r]);
    let query = parts.query_string.map_or(&b""[..], |r| &request.uri[r]);

    // Headers: the request's own (those it may sign), then what signing adds.
    canonical::check_headers(request.headers.iter().map(|(n, _)| *n))?;
    let mut to_sign: Vec<(&[u8], &[u8])> = request
        .headers
        .iter()
        .filter(|(n, _)| (config.should_sign_header)(n) && !canonical::is_skipped_header(n))
        .copied()
        .collect();
    if config.signature_type == SignatureType::Headers {
        let mut add = |name: &'static [u8], value: Vec<u8>, signed: bool| {
            out.headers.push((name.to_vec(), value));
            signed
        };
        if !token.is_empty()
            && add(
                b"X-Amz-Security-Token",
                token.to_vec(),
                !config.omit_session_token,
            )
        {
            to_sign.push((b"X-Amz-Security-Token", token));
        }
        add(b"X-Amz-Date", date.clone(), true);
        to_sign.push((b"X-Amz-Date", &date));
        if config.signed_body_header {
            add(b"x-amz-content-sha256", payload_hash.clone(), true);
            to_sign.push((b"x-amz-content-sha256", &payload_hash));
        }
    }
    let (header_block, signed_headers) = canonical::canonical_headers(&to_sign);

    // Query: the request's own, then (presigning) the authorization parameters.
    let mut params = canonical::decoded_params(query)?;
    if config.signature_type == SignatureType::QueryParams {
        let expires = config.expiration_in_seconds.to_string().into_bytes();
        let mut auth: Vec<(&[u8], Vec<u8>, bool)> = vec![
            (b"X-Amz-Algorithm", ALGORITHM.to_vec(), true),
            (b"X-Amz-Credential", access_scope.clone(), true),
            (b"X-Amz-Date", date.clone(), true),
            (b"X-Amz-SignedHeaders", signed_headers.clone(), true),
        ];
        if config.expiration_in_seconds > 0 {
            auth.push((b"X-Amz-Expires", expires, true));
        }
        if !token.is_empty() {
            auth.push((
                b"X-Amz-Security-Token",
                token.to_vec(),
                !config.omit_session_token,
            ));
        }
        for (key, value, signed) in auth {
            out.query_params
                .push((percent::encode_param(key), percent::encode_param(&value)));
            if signed {
                params.push((key.to_vec(), value));
            }
        }
    }

    out.canonical_request = [
        request.method,
        &canonical::canonical_path(
            path,
            config.should_normalize_uri_path,
            config.use_double_uri_encode,
        ),
        &canonical::canonical_query(&params as &[Param]),
        &header_block,
    ]
    .join(&b'\n');
    out.canonical_request.push(b'\n');
    out.canonical_request.extend_from_slice(&signed_headers);
    out.canonical_request.push(b'\n');
    out.canonical_request.extend_from_slice(&payload_hash);

    out.string_to_sign = [
        ALGORITHM,
        &date,
        &scope,
        &sha256_hex(&out.canonical_request),
    ]
    .join(&b'\n');
    let key = signing_key(config, &credentials.secret_access_key, &short_date);
    out.signature = hex(hmac_sha256(key.as_ref(), &out.string_to_sign).as_ref());

    match config.signature_type {
        SignatureType::Headers => {
            let authorization = [
                ALGORITHM,
                b" Credential=",
                &access_scope,
                b", SignedHeaders=",
                &signed_headers,
                b", Signature=",
                &out.signature,
            ]
            .concat();
            out.headers.push((b"Authorization".to_vec(), authorization));
        }
        SignatureType::QueryParams => {
            out.query_params
                .push((b"X-Amz-Signature".to_vec(), out.signature.clone()));
        }
    }
    Ok(out)
}

/// The signature type for an `enum aws_signature_type` value: only whole HTTP requests are
/// signed here (`AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE` for chunks, events, trailers and
/// canonical requests).
pub fn signature_type(raw: i32) -> Result<SignatureType> {
    match raw {
        0 => Ok(SignatureType::Headers),
        1 => Ok(SignatureType::QueryParams),
        _ => Err(AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE.into()),
    }
}

/// The request path with `params` (already encoded) appended to its query, as
/// `aws_apply_signing_result_to_http_request` rebuilds it (empty parameters of the old query
/// dropped, a parameter without `=` given one).
pub fn path_with_params(old: &[u8], params: &[(Vec<u8>, Vec<u8>)]) -> Result<Vec<u8>> {
    if params.is_empty() {
        return Ok(old.to_vec());
    }
    let parts = uri::parse(old).map_err(|_| AWS_ERROR_MALFORMED_INPUT_STRING)?;
    let part = |r: Option<std::ops::Range<usize>>| r.map_or(&b""[..], |r| &old[r]);
    let mut out = Vec::new();
    let scheme = part(parts.scheme.clone());
    if !scheme.is_empty() {
        out.extend_from_slice(scheme);
        out.extend_from_slice(b"://");
    }
    out.extend_from_slice(part(parts.host_name.clone()));
    if parts.port != 0 {
        out.extend_from_slice(format!(":{}", parts.port).as_bytes());
    }
    out.extend_from_slice(part(parts.path.clone()));
    let query = part(parts.query_string.clone());
    let mut all: Vec<(&[u8], &[u8])> = Vec::new();
    let mut after = None;
    while let Some(p) = uri::next_query_param(query, after) {
        after = Some(p.value.end);
        all.push((&query[p.key], &query[p.value]));
    }
    all.extend(params.iter().map(|(k, v)| (k.as_slice(), v.as_slice())));
    for (i, (k, v)) in all.iter().enumerate() {
        out.push(if i == 0 { b'?' } else { b'&' });
        out.extend_from_slice(k);
        out.push(b'=');
        out.extend_from_slice(v);
    }
    Ok(out)
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;

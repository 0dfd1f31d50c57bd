//! `aws/auth/signing_config.h`: the AWS signing configuration (algorithm, signature type,
//! region, service, date, flags, payload hash and header, credentials or a provider, expiry),
//! its validation, and the well-known payload hash values.
//!
//! Fields C writes are read as integers and checked (an unknown algorithm or signature type is
//! refused, not undefined behaviour). Differences: a NULL configuration is
//! `AWS_AUTH_SIGNING_INVALID_CONFIGURATION` as upstream, every other NULL
//! `AWS_ERROR_INVALID_ARGUMENT`.

use crate::aws_log;
use crate::error::aws_auth_errors::{
    AWS_AUTH_SIGNING_INVALID_CONFIGURATION, AWS_AUTH_SIGNING_INVALID_CREDENTIALS,
};
use crate::ffi::auth::credentials::{aws_credentials, credentials_of};
use crate::ffi::auth::credentials_provider::aws_credentials_provider;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::date_time::aws_date_time;
use crate::ffi::guard::{self, Result};
use std::ffi::{c_char, c_int, c_void};

/// Which configuration struct a `aws_signing_config_base` pointer leads to.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_signing_config_type {
    /// `struct aws_signing_config_aws`.
    AWS_SIGNING_CONFIG_AWS = 1,
}
crate::c_enum!(aws_signing_config_type);

/// A C `enum aws_signing_config_type` received from the caller.
pub type aws_signing_config_type_raw = c_int;

/// The common head of every signing configuration.
#[repr(C)]
pub struct aws_signing_config_base {
    /// What follows.
    pub config_type: aws_signing_config_type_raw,
}

/// The signing algorithm.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_signing_algorithm {
    /// SigV4: HMAC-SHA256 with a key derived from the secret.
    AWS_SIGNING_ALGORITHM_V4 = 0,
    /// SigV4a: ECDSA P-256 (not implemented here).
    AWS_SIGNING_ALGORITHM_V4_ASYMMETRIC = 1,
    /// SigV4 for S3 Express (not implemented here).
    AWS_SIGNING_ALGORITHM_V4_S3EXPRESS = 2,
}
crate::c_enum!(aws_signing_algorithm);

/// A C `enum aws_signing_algorithm` received from the caller.
pub type aws_signing_algorithm_raw = c_int;

/// What is signed and where the signature goes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_signature_type {
    /// A request, signed into an Authorization header.
    AWS_ST_HTTP_REQUEST_HEADERS = 0,
    /// A request, signed into query parameters (presigning).
    AWS_ST_HTTP_REQUEST_QUERY_PARAMS = 1,
    /// A chunk of a streamed body.
    AWS_ST_HTTP_REQUEST_CHUNK = 2,
    /// An event of an event stream.
    AWS_ST_HTTP_REQUEST_EVENT = 3,
    /// A canonical request, signed into headers.
    AWS_ST_CANONICAL_REQUEST_HEADERS = 4,
    /// A canonical request, signed into query parameters.
    AWS_ST_CANONICAL_REQUEST_QUERY_PARAMS = 5,
    /// Trailing headers.
    AWS_ST_HTTP_REQUEST_TRAILING_HEADERS = 6,
}
crate::c_enum!(aws_signature_type);

/// A C `enum aws_signature_type` received from the caller.
pub type aws_signature_type_raw = c_int;

/// Whether the payload hash is also sent as a header.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_signed_body_header_type {
    /// No header.
    AWS_SBHT_NONE = 0,
    /// `x-amz-content-sha256`.
    AWS_SBHT_X_AMZ_CONTENT_SHA256 = 1,
}
crate::c_enum!(aws_signed_body_header_type);

/// A C `enum aws_signed_body_header_type` received from the caller.
pub type aws_signed_body_header_type_raw = c_int;

/// Whether a header takes part in the signature (true) or not.
pub type aws_should_sign_header_fn =
    unsafe extern "C" fn(name: *const aws_byte_cursor, userdata: *mut c_void) -> bool;

/// The three one-bit flags of the configuration; C declares them as bit-fields in
/// `private/signing_config_fragment.h` (bit 0: use_double_uri_encode, 1:
/// should_normalize_uri_path, 2: omit_session_token).
///
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_signing_config_aws_flags {
    bits: u32,
}

impl aws_signing_config_aws_flags {
    /// The flags with these bits set (bit 0: use_double_uri_encode, 1:
    /// should_normalize_uri_path, 2: omit_session_token).
    pub fn from_bits(bits: u32) -> Self {
        Self { bits }
    }

    /// Bit `n`.
    pub fn bit(self, n: u32) -> bool {
        self.bits & (1 << n) != 0
    }
}

/// How to sign a request for AWS.
#[repr(C)]
pub struct aws_signing_config_aws {
    /// `AWS_SIGNING_CONFIG_AWS`.
    pub config_type: aws_signing_config_type_raw,
    /// The algorithm.
    pub algorithm: aws_signing_algorithm_raw,
    /// What is signed, and where the signature goes.
    pub signature_type: aws_signature_type_raw,
    /// The region.
    pub region: aws_byte_cursor,
    /// The service.
    pub service: aws_byte_cursor,
    /// The signing time.
    pub date: aws_date_time,
    /// Which headers to sign (NULL: all that may be).
    pub should_sign_header: Option<aws_should_sign_header_fn>,
    /// Passed to `should_sign_header`.
    pub should_sign_header_ud: *mut c_void,
    /// The one-bit options.
    pub flags: aws_signing_config_aws_flags,
    /// The payload hash to sign (empty: the SHA-256 of the payload).
    pub signed_body_value: aws_byte_cursor,
    /// Whether to send the payload hash as a header.
    pub signed_body_header: aws_signed_body_header_type_raw,
    /// The credentials (or NULL, then `credentials_provider`).
    pub credentials: *const aws_credentials,
    /// Where to get credentials when `credentials` is NULL.
    pub credentials_provider: *mut aws_credentials_provider,
    /// For presigning: how long the signature is valid (0: no X-Amz-Expires).
    pub expiration_in_seconds: u64,
}

/// The SHA-256 of an empty payload.
#[unsafe(no_mangle)]
pub static mut g_aws_signed_body_value_empty_sha256: aws_byte_cursor =
    cursor(b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// The payload is not signed.
#[unsafe(no_mangle)]
pub static mut g_aws_signed_body_value_unsigned_payload: aws_byte_cursor =
    cursor(b"UNSIGNED-PAYLOAD");
/// An unsigned streamed payload with a signed trailer.
#[unsafe(no_mangle)]
pub static mut g_aws_signed_body_value_streaming_unsigned_payload_trailer: aws_byte_cursor =
    cursor(b"STREAMING-UNSIGNED-PAYLOAD-TRAILER");
/// A payload streamed in SigV4-signed chunks.
#[unsafe(no_mangle)]
pub static mut g_aws_signed_body_value_streaming_aws4_hmac_sha256_payload: aws_byte_cursor =
    cursor(b"STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
/// A payload streamed in SigV4-signed chunks with a trailer.
#[unsafe(no_mangle)]
pub static mut g_aws_signed_body_value_streaming_aws4_hmac_sha256_payload_trailer: aws_byte_cursor =
    cursor(b"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
/// A payload streamed in SigV4a-signed chunks.
#[unsafe(no_mangle)]
pub static mut g_aws_signed_body_value_streaming_aws4_ecdsa_p256_sha256_payload: aws_byte_cursor =
    cursor(b"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD");
/// A payload streamed in SigV4a-signed chunks with a trailer.
#[unsafe(no_mangle)]
pub static mut g_aws_signed_body_value_streaming_aws4_ecdsa_p256_sha256_payload_trailer:
    aws_byte_cursor = cursor(b"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER");
/// An event stream signed event by event.
#[unsafe(no_mangle)]
pub static mut g_aws_signed_body_value_streaming_aws4_hmac_sha256_events: aws_byte_cursor =
    cursor(b"STREAMING-AWS4-HMAC-SHA256-EVENTS");

/// A cursor over static bytes.
const fn cursor(bytes: &'static [u8]) -> aws_byte_cursor {
    aws_byte_cursor {
        len: bytes.len(),
        ptr: bytes.as_ptr().cast_mut(),
    }
}

/// The algorithm's name for logs: `SigV4`, `SigV4Asymmetric`, `SigV4S3Express` or `Unknown`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_signing_algorithm_to_string(
    algorithm: aws_signing_algorithm_raw,
) -> *const c_char {
    guard::guard(c"Unknown".as_ptr(), || {
        Ok(
            match guard::enum_value::<aws_signing_algorithm>(algorithm) {
                Ok(aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4) => c"SigV4",
                Ok(aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4_S3EXPRESS) => c"SigV4S3Express",
                Ok(aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4_ASYMMETRIC) => {
                    c"SigV4Asymmetric"
                }
                Err(_) => c"Unknown",
            }
            .as_ptr(),
        )
    })
}

/// Upstream's checks of a configuration, in its order.
///
/// # Safety
/// A non-NULL `config` must point to a valid configuration whose credentials, if any, are live.
pub(crate) unsafe fn validate(
    config: *const aws_signing_config_aws,
) -> Result<&'static aws_signing_config_aws> {
    let invalid = |why: &str| {
        aws_log!(AWS_LL_ERROR, AWS_LS_AUTH_SIGNING, "signing config: {why}");
        AWS_AUTH_SIGNING_INVALID_CONFIGURATION.into()
    };
    // SAFETY: caller contract.
    let Some(c) = (unsafe { config.as_ref() }) else {
        return Err(invalid("NULL"));
    };
    let signature_type = c.signature_type;
    let algorithm = guard::enum_value::<aws_signing_algorithm>(c.algorithm)
        .map_err(|_| invalid("unknown algorithm"))?;
    guard::enum_value::<aws_signature_type>(signature_type)
        .map_err(|_| invalid("unknown signature type"))?;
    guard::enum_value::<aws_signed_body_header_type>(c.signed_body_header)?;
    if signature_type == aws_signature_type::AWS_ST_HTTP_REQUEST_EVENT as c_int
        && algorithm != aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4
    {
        return Err(invalid("event signing is SigV4 only"));
    }
    let whole_request = signature_type == aws_signature_type::AWS_ST_HTTP_REQUEST_HEADERS as c_int
        || signature_type == aws_signature_type::AWS_ST_HTTP_REQUEST_QUERY_PARAMS as c_int;
    if !whole_request && c.credentials.is_null() {
        return Err(invalid("chunks and events need explicit credentials"));
    }
    // SAFETY: caller contract.
    if unsafe { c.region.as_bytes() }?.is_empty() {
        return Err(invalid("no region"));
    }
    if unsafe { c.service.as_bytes() }?.is_empty() {
        return Err(invalid("no service"));
    }
    if c.credentials.is_null() && c.credentials_provider.is_null() {
        return Err(invalid("neither credentials nor a provider"));
    }
    if !c.credentials.is_null() {
        let creds = unsafe { credentials_of(c.credentials) }?;
        let bad = match (algorithm, &creds.keys) {
            (aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4, Some(k)) => {
                k.access_key_id.is_empty() || k.secret_access_key.is_empty()
            }
            (aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4_S3EXPRESS, None) => true,
            (aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4_S3EXPRESS, Some(k)) => {
                k.access_key_id.is_empty()
                    || k.secret_access_key.is_empty()
                    || k.session_token.is_empty()
            }
            _ => false,
        };
        if bad {
            return Err(AWS_AUTH_SIGNING_INVALID_CREDENTIALS.into());
        }
    }
    Ok(c)
}

/// Checks a configuration as upstream does: `AWS_AUTH_SIGNING_INVALID_CONFIGURATION` (no
/// region, no service, neither credentials nor provider, ...) or
/// `AWS_AUTH_SIGNING_INVALID_CREDENTIALS`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_validate_aws_signing_config_aws(
    config: *const aws_signing_config_aws,
) -> c_int {
    guard::op(|| unsafe { validate(config) }.map(|_| ()))
}

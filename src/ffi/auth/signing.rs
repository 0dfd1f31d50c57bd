//! `aws/auth/signing.h`: `aws_sign_request_aws`, SigV4 into headers or query parameters. As
//! upstream, with credentials in the configuration the completion runs before the call returns;
//! with a provider it runs when the provider answers (at once for the providers that read
//! memory, files or the environment). The result is valid during the completion only.
//!
//! Differences: SigV4a and S3 Express signing, and the chunk, event, trailer and
//! canonical-request signature types, are refused when called
//! (`AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`, `AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE`), as
//! are the SigV4a verification helpers; a signable whose payload is a stream needs a
//! `signed_body_value` (`AWS_ERROR_UNSUPPORTED_OPERATION` otherwise: no streams are read here).

use crate::auth::sigv4::{self, Config, Request};
use crate::error::aws_auth_errors::{
    AWS_AUTH_SIGNING_MISMATCHED_CONFIGURATION, AWS_AUTH_SIGNING_NO_CREDENTIALS,
    AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM,
};
use crate::error::aws_common_error::{AWS_ERROR_UNKNOWN, AWS_ERROR_UNSUPPORTED_OPERATION};
use crate::ffi::auth::credentials::{
    aws_credentials, aws_credentials_acquire, aws_credentials_release, aws_ecc_key_pair,
    credentials_of,
};
use crate::ffi::auth::credentials_provider::Held;
use crate::ffi::auth::signable::{
    aws_input_stream, aws_signable, aws_signable_get_payload_stream, aws_signable_get_property,
    aws_signable_get_property_list, aws_signable_property_list_pair,
    g_aws_http_headers_property_list_name, g_aws_http_method_property_name,
    g_aws_http_query_params_property_list_name, g_aws_http_uri_property_name,
    g_aws_signature_property_name,
};
use crate::ffi::auth::signing_config::{
    aws_signed_body_header_type, aws_signing_algorithm, aws_signing_config_aws,
    aws_signing_config_base, aws_signing_config_type, validate,
};
use crate::ffi::auth::signing_result::{
    append_pair, aws_signing_result, aws_signing_result_clean_up, aws_signing_result_init,
    aws_signing_result_set_property, status,
};
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::array_list::aws_array_list;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use std::ffi::{c_int, c_void};
use std::ptr;

/// Receives the signing result (NULL on failure) and an error code (0 on success).
pub type aws_signing_complete_fn =
    unsafe extern "C" fn(result: *mut aws_signing_result, error_code: c_int, userdata: *mut c_void);

/// What a signing needs after the call returns: the configuration, copied.
struct Job {
    allocator: *mut aws_allocator,
    signable: *const aws_signable,
    signature_type: sigv4::SignatureType,
    region: Vec<u8>,
    service: Vec<u8>,
    timestamp: i64,
    flags: [bool; 3],
    signed_body_value: Vec<u8>,
    signed_body_header: bool,
    expiration_in_seconds: u64,
    should_sign_header: Option<(
        crate::ffi::auth::signing_config::aws_should_sign_header_fn,
        *mut c_void,
    )>,
    on_complete: aws_signing_complete_fn,
    userdata: *mut c_void,
}

// SAFETY: the signable and user data are the caller's, who accepts completion on the thread
// its provider answers on, as upstream.
unsafe impl Send for Job {}

/// The bytes of a signable's property.
unsafe fn property<'a>(
    signable: *const aws_signable,
    name: *const crate::ffi::common::string::aws_string,
) -> Result<&'a [u8]> {
    let mut value = aws_byte_cursor::from_slice(&[]);
    // SAFETY: forwarded caller contract.
    status(unsafe { aws_signable_get_property(signable, name, &mut value) })?;
    unsafe { value.as_bytes() }
}

impl Job {
    /// Signs with `credentials` and completes, exactly once.
    fn run(self, credentials: *const aws_credentials) {
        let mut result: aws_signing_result = unsafe { std::mem::zeroed() };
        let outcome = unsafe { status(aws_signing_result_init(&mut result, self.allocator)) }
            .and_then(|()| self.sign_into(credentials, &mut result));
        // SAFETY: the caller's completion, with the result alive for its duration.
        match outcome {
            Ok(()) => unsafe { (self.on_complete)(&mut result, 0, self.userdata) },
            Err(e) => unsafe { (self.on_complete)(ptr::null_mut(), e.code(), self.userdata) },
        }
        unsafe { aws_signing_result_clean_up(&mut result) };
    }

    fn sign_into(
        &self,
        credentials: *const aws_credentials,
        result: &mut aws_signing_result,
    ) -> Result<()> {
        let Some(keys) = &unsafe { credentials_of(credentials) }?.keys else {
            // Anonymous credentials: an empty result leaves the request unsigned, as upstream.
            return Ok(());
        };
        let signable = self.signable;
        // SAFETY: the caller keeps the signable alive until completion, as upstream requires.
        let (method, uri, pairs) = unsafe {
            let mut list: *mut aws_array_list = ptr::null_mut();
            status(aws_signable_get_property_list(
                signable,
                g_aws_http_headers_property_list_name,
                &mut list,
            ))?;
            let list = guard::reference(list)?;
            let pairs: &[aws_signable_property_list_pair] =
                if list.length == 0 || list.data.is_null() {
                    &[]
                } else {
                    std::slice::from_raw_parts(list.data.cast(), list.length)
                };
            (
                property(signable, g_aws_http_method_property_name)?,
                property(signable, g_aws_http_uri_property_name)?,
                pairs,
            )
        };
        let mut stream: *mut aws_input_stream = ptr::null_mut();
        status(unsafe { aws_signable_get_payload_stream(signable, &mut stream) })?;
        if !stream.is_null() && self.signed_body_value.is_empty() {
            return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into());
        }
        let mut headers = Vec::with_capacity(pairs.len());
        for p in pairs {
            headers.push(unsafe { (p.name.as_bytes()?, p.value.as_bytes()?) });
        }
        let filter = |name: &[u8]| match self.should_sign_header {
            // SAFETY: the caller's filter with its own data.
            Some((f, ud)) => unsafe { f(&aws_byte_cursor::from_slice(name), ud) },
            None => true,
        };
        let config = Config {
            signature_type: self.signature_type,
            region: &self.region,
            service: &self.service,
            timestamp: self.timestamp,
            use_double_uri_encode: self.flags[0],
            should_normalize_uri_path: self.flags[1],
            omit_session_token: self.flags[2],
            signed_body_value: &self.signed_body_value,
            signed_body_header: self.signed_body_header,
            expiration_in_seconds: self.expiration_in_seconds,
            should_sign_header: &filter,
        };
        let request = Request {
            method,
            uri,
            headers,
            payload: b"",
        };
        let signed = sigv4::sign(&config, &request, keys)?;
        crate::aws_log!(
            AWS_LL_DEBUG,
            AWS_LS_AUTH_SIGNING,
            "canonical request:\n{}\nstring to sign:\n{}",
            String::from_utf8_lossy(&signed.canonical_request),
            String::from_utf8_lossy(&signed.string_to_sign)
        );
        unsafe {
            for (name, value) in &signed.headers {
                append_pair(result, g_aws_http_headers_property_list_name, name, value)?;
            }
            for (name, value) in &signed.query_params {
                append_pair(
                    result,
                    g_aws_http_query_params_property_list_name,
                    name,
                    value,
                )?;
            }
            let signature = aws_byte_cursor::from_slice(&signed.signature);
            status(aws_signing_result_set_property(
                result,
                g_aws_signature_property_name,
                &signature,
            ))
        }
    }
}

/// Signs `signable` as `base_config` (an `aws_signing_config_aws`) says and calls
/// `on_complete` once with the result. Fails without calling it for a configuration that is
/// not valid or asks for what is not implemented here.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_sign_request_aws(
    allocator: *mut aws_allocator,
    signable: *const aws_signable,
    base_config: *const aws_signing_config_base,
    on_complete: Option<aws_signing_complete_fn>,
    userdata: *mut c_void,
) -> c_int {
    guard::op(|| unsafe {
        allocator::checked(allocator)?;
        let base = guard::reference(base_config)?;
        if base.config_type != aws_signing_config_type::AWS_SIGNING_CONFIG_AWS as c_int {
            return Err(AWS_AUTH_SIGNING_MISMATCHED_CONFIGURATION.into());
        }
        let config = validate(base_config.cast::<aws_signing_config_aws>())?;
        guard::require(!signable.is_null())?;
        let on_complete = on_complete.ok_or(INVALID_ARGUMENT)?;
        if config.algorithm != aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4 as c_int {
            return Err(AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM.into());
        }
        let job = Job {
            allocator,
            signable,
            signature_type: sigv4::signature_type(config.signature_type)?,
            region: config.region.as_bytes()?.to_vec(),
            service: config.service.as_bytes()?.to_vec(),
            timestamp: config.date.timestamp,
            flags: [
                config.flags.bit(0),
                config.flags.bit(1),
                config.flags.bit(2),
            ],
            signed_body_value: config.signed_body_value.as_bytes()?.to_vec(),
            signed_body_header: config.signed_body_header
                == aws_signed_body_header_type::AWS_SBHT_X_AMZ_CONTENT_SHA256 as c_int,
            expiration_in_seconds: config.expiration_in_seconds,
            should_sign_header: config
                .should_sign_header
                .map(|f| (f, config.should_sign_header_ud)),
            on_complete,
            userdata,
        };
        if !config.credentials.is_null() {
            aws_credentials_acquire(config.credentials);
            job.run(config.credentials);
            aws_credentials_release(config.credentials);
            return Ok(());
        }
        // Held across the request, as upstream holds the provider in its signing state.
        let provider = Held::acquire(config.credentials_provider)?;
        provider.get_credentials(Box::new(move |credentials, error_code| {
            if credentials.is_null() {
                let code = if error_code == 0 {
                    AWS_ERROR_UNKNOWN as c_int
                } else {
                    error_code
                };
                crate::aws_log!(
                    AWS_LL_ERROR,
                    AWS_LS_AUTH_SIGNING,
                    "no credentials: error {code}"
                );
                // SAFETY: the caller's completion.
                (job.on_complete)(
                    ptr::null_mut(),
                    AWS_AUTH_SIGNING_NO_CREDENTIALS as c_int,
                    job.userdata,
                );
            } else {
                job.run(credentials);
            }
        }));
        Ok(())
    })
}

/// SigV4a verification: not implemented here (`AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_verify_sigv4a_signing(
    allocator: *mut aws_allocator,
    signable: *const aws_signable,
    base_config: *const aws_signing_config_base,
    expected_canonical_request_cursor: aws_byte_cursor,
    signature_cursor: aws_byte_cursor,
    ecc_key_pub_x: aws_byte_cursor,
    ecc_key_pub_y: aws_byte_cursor,
) -> c_int {
    guard::op(|| unsafe {
        let _ = (
            signable,
            base_config,
            expected_canonical_request_cursor,
            signature_cursor,
        );
        let _ = (ecc_key_pub_x, ecc_key_pub_y);
        allocator::checked(allocator)?;
        Err(AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM.into())
    })
}

/// SigV4a verification: not implemented here (`AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_validate_v4a_authorization_value(
    allocator: *mut aws_allocator,
    ecc_key: *mut aws_ecc_key_pair,
    string_to_sign_cursor: aws_byte_cursor,
    signature_value_cursor: aws_byte_cursor,
) -> c_int {
    guard::op(|| unsafe {
        let _ = (ecc_key, string_to_sign_cursor, signature_value_cursor);
        allocator::checked(allocator)?;
        Err(AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM.into())
    })
}

/// A SigV4a signature without the `*` padding chunked signing appends.
#[unsafe(no_mangle)]
pub extern "C" fn aws_trim_padded_sigv4a_signature(signature: aws_byte_cursor) -> aws_byte_cursor {
    guard::guard(signature, || {
        // SAFETY: the caller lends the cursor's bytes.
        let bytes = unsafe { signature.as_bytes() }?;
        let end = bytes.iter().rposition(|&b| b != b'*').map_or(0, |i| i + 1);
        Ok(aws_byte_cursor {
            len: end,
            ptr: signature.ptr,
        })
    })
}

//! The WebSocket handshake transforms the builders install: SigV4 presigning of the upgrade
//! request as the AWS IoT SDKs do it (service `iotdevicegateway`, the signature in the query
//! string, the session token left out of the signature and appended after it), and the
//! identity transform a custom authorizer over WebSockets uses (nothing to sign: the user name
//! carries the credentials). Both go through this library's aws-c-auth API, as a C program
//! would.
//!
//! The MQTT 5 and 3.1.1 transform types have the same shape (the same Rust type), so one
//! function serves both clients.

use crate::ffi::auth::credentials_provider::{
    aws_credentials_provider, aws_credentials_provider_acquire, aws_credentials_provider_release,
};
use crate::ffi::auth::signable::{
    aws_signable, aws_signable_destroy, aws_signable_new_http_request,
};
use crate::ffi::auth::signing::aws_sign_request_aws;
use crate::ffi::auth::signing_config::{
    aws_signature_type, aws_signed_body_header_type, aws_signing_algorithm, aws_signing_config_aws,
    aws_signing_config_aws_flags, aws_signing_config_base, aws_signing_config_type,
};
use crate::ffi::auth::signing_result::{
    aws_apply_signing_result_to_http_request, aws_signing_result,
};
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::date_time::{aws_date_time, aws_date_time_init_now};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard;
use crate::ffi::http::request_response::aws_http_message;
use crate::ffi::mqtt::v5::mqtt5_client::aws_mqtt5_transform_websocket_handshake_complete_fn;
use std::ffi::{c_int, c_void};
use std::mem::MaybeUninit;
use std::ptr;

/// The service AWS IoT's WebSocket endpoint signs for.
pub const IOT_SERVICE: &str = "iotdevicegateway";

/// The flags the SDKs sign with: double URI encoding and path normalisation (aws-c-auth's
/// defaults for a SigV4 request), and the session token omitted from the signature.
const SIGNING_FLAGS: u32 = 0b111;

/// What the SigV4 transform of one built client signs with. Made by the builder for each
/// client and freed when that client terminates.
pub struct Sigv4Signer {
    allocator: *mut aws_allocator,
    /// One reference held.
    provider: *mut aws_credentials_provider,
    region: Vec<u8>,
}

// SAFETY: the provider is reference counted and thread safe (aws-c-auth's contract); the rest
// is owned data.
unsafe impl Send for Sigv4Signer {}

impl Sigv4Signer {
    /// A signer holding a reference to `provider`.
    ///
    /// # Safety
    /// `provider` must be a live provider.
    pub unsafe fn new(
        allocator: *mut aws_allocator,
        provider: *mut aws_credentials_provider,
        region: &[u8],
    ) -> Self {
        // SAFETY: the caller's contract.
        unsafe { aws_credentials_provider_acquire(provider) };
        Self {
            allocator,
            provider,
            region: region.to_vec(),
        }
    }
}

impl Drop for Sigv4Signer {
    fn drop(&mut self) {
        // SAFETY: the reference taken by `new`.
        unsafe { aws_credentials_provider_release(self.provider) };
    }
}

/// One signing in flight, until its completion.
struct Signing {
    allocator: *mut aws_allocator,
    request: *mut aws_http_message,
    signable: *mut aws_signable,
    complete: aws_mqtt5_transform_websocket_handshake_complete_fn,
    complete_ctx: *mut c_void,
}

impl Signing {
    /// Hands the request back to the client with `error_code` and frees the signable.
    ///
    /// # Safety
    /// The fields must be what the transform was given.
    unsafe fn finish(self, error_code: c_int) {
        // SAFETY: the signable is ours; the completion is the client's.
        unsafe {
            aws_signable_destroy(self.signable);
            (self.complete)(self.request, error_code, self.complete_ctx);
        }
    }
}

/// The signing configuration of AWS IoT's WebSocket upgrade, dated now.
fn signing_config(signer: &Sigv4Signer) -> aws_signing_config_aws {
    let mut date = MaybeUninit::<aws_date_time>::zeroed();
    // SAFETY: a writable date.
    unsafe { aws_date_time_init_now(date.as_mut_ptr()) };
    aws_signing_config_aws {
        config_type: aws_signing_config_type::AWS_SIGNING_CONFIG_AWS as c_int,
        algorithm: aws_signing_algorithm::AWS_SIGNING_ALGORITHM_V4 as c_int,
        signature_type: aws_signature_type::AWS_ST_HTTP_REQUEST_QUERY_PARAMS as c_int,
        region: aws_byte_cursor::from_slice(&signer.region),
        service: aws_byte_cursor::from_slice(IOT_SERVICE.as_bytes()),
        // SAFETY: filled by `aws_date_time_init_now` (zeroed at worst).
        date: unsafe { date.assume_init() },
        should_sign_header: None,
        should_sign_header_ud: ptr::null_mut(),
        flags: aws_signing_config_aws_flags::from_bits(SIGNING_FLAGS),
        signed_body_value: aws_byte_cursor::EMPTY,
        signed_body_header: aws_signed_body_header_type::AWS_SBHT_NONE as c_int,
        credentials: ptr::null(),
        credentials_provider: signer.provider,
        expiration_in_seconds: 0,
    }
}

/// Applies the signing result to the request and completes the handshake transform.
unsafe extern "C" fn on_signed(
    result: *mut aws_signing_result,
    error_code: c_int,
    userdata: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: `userdata` is the `Signing` boxed by `sigv4_transform`, given back once.
        let signing = unsafe { Box::from_raw(userdata.cast::<Signing>()) };
        let mut error_code = error_code;
        // SAFETY: the request is the client's until completion; the result lives for this call.
        if error_code == 0
            && unsafe {
                aws_apply_signing_result_to_http_request(signing.request, signing.allocator, result)
            } != 0
        {
            error_code = aws_last_error();
        }
        // SAFETY: the transform's own arguments.
        unsafe { signing.finish(error_code) };
        Ok(())
    })
}

/// The SigV4 transform: presigns the upgrade request with the signer in `user_data`.
///
/// # Safety
/// `user_data` must be a live [`Sigv4Signer`]; the rest is the client's transform contract.
pub unsafe extern "C" fn sigv4_transform(
    request: *mut aws_http_message,
    user_data: *mut c_void,
    complete_fn: Option<aws_mqtt5_transform_websocket_handshake_complete_fn>,
    complete_ctx: *mut c_void,
) {
    guard::guard((), || {
        let Some(complete) = complete_fn else {
            return Ok(());
        };
        // SAFETY: the caller's contract.
        let signer = unsafe { &*user_data.cast::<Sigv4Signer>() };
        // SAFETY: the request is the client's, lent until completion.
        let signable = unsafe { aws_signable_new_http_request(signer.allocator, request) };
        if signable.is_null() {
            // SAFETY: the client's completion.
            unsafe { complete(request, aws_last_error(), complete_ctx) };
            return Ok(());
        }
        let signing = Box::into_raw(Box::new(Signing {
            allocator: signer.allocator,
            request,
            signable,
            complete,
            complete_ctx,
        }));
        let config = signing_config(signer);
        // SAFETY: the configuration is a valid AWS one; `on_signed` takes the box back.
        let status = unsafe {
            aws_sign_request_aws(
                signer.allocator,
                signable,
                ptr::from_ref(&config).cast::<aws_signing_config_base>(),
                Some(on_signed),
                signing.cast(),
            )
        };
        if status != 0 {
            let error = aws_last_error();
            // SAFETY: the signing was refused, so the box is still ours.
            unsafe { Box::from_raw(signing).finish(error) };
        }
        Ok(())
    })
}

/// The transform of a custom authorizer over WebSockets: the request goes out as it is.
///
/// # Safety
/// The client's transform contract.
pub unsafe extern "C" fn identity_transform(
    request: *mut aws_http_message,
    _user_data: *mut c_void,
    complete_fn: Option<aws_mqtt5_transform_websocket_handshake_complete_fn>,
    complete_ctx: *mut c_void,
) {
    guard::guard((), || {
        if let Some(complete) = complete_fn {
            // SAFETY: the client's completion.
            unsafe { complete(request, 0, complete_ctx) };
        }
        Ok(())
    })
}

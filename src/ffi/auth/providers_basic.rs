//! `aws/auth/credentials.h`: the providers that answer from memory, the environment or a
//! delegate: static, anonymous, environment and delegate, each answering before
//! `aws_credentials_provider_get_credentials` returns, as upstream's do.

use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT;
use crate::ffi::auth::credentials::{self, aws_credentials, aws_credentials_release};
use crate::ffi::auth::credentials_provider::{
    Completion, Source, aws_credentials_provider, aws_credentials_provider_shutdown_options,
    aws_on_get_credentials_callback_fn, new_provider,
};
use crate::ffi::auth::signing_result::status;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use std::ffi::{c_int, c_void};

/// Options of the static provider: the credentials it always answers.
#[repr(C)]
pub struct aws_credentials_provider_static_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The access key id.
    pub access_key_id: aws_byte_cursor,
    /// The secret access key.
    pub secret_access_key: aws_byte_cursor,
    /// The session token (may be empty).
    pub session_token: aws_byte_cursor,
    /// The account id (may be empty).
    pub account_id: aws_byte_cursor,
}

/// Options of the environment provider.
#[repr(C)]
pub struct aws_credentials_provider_environment_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
}

/// A delegate's way of answering: it must call `callback` once (or fail).
pub type aws_credentials_provider_delegate_get_credentials_fn = unsafe extern "C" fn(
    delegate_user_data: *mut c_void,
    callback: Option<aws_on_get_credentials_callback_fn>,
    callback_user_data: *mut c_void,
) -> c_int;

/// Options of the delegate provider.
#[repr(C)]
pub struct aws_credentials_provider_delegate_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// Answers each request (required).
    pub get_credentials: Option<aws_credentials_provider_delegate_get_credentials_fn>,
    /// Passed to `get_credentials`.
    pub delegate_user_data: *mut c_void,
}

/// Always the same credentials (one reference held, lent to each answer).
struct Fixed(*mut aws_credentials);

// SAFETY: credentials are immutable and their references atomic.
unsafe impl Send for Fixed {}
unsafe impl Sync for Fixed {}

impl Source for Fixed {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        done.lend(self.0);
        Ok(())
    }
}

impl Drop for Fixed {
    fn drop(&mut self) {
        // SAFETY: the reference this holds.
        unsafe { aws_credentials_release(self.0) };
    }
}

/// A provider that always answers the given credentials.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_static(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_static_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        let credentials = credentials::from_parts(
            o.access_key_id.as_bytes()?,
            o.secret_access_key.as_bytes()?,
            o.session_token.as_bytes()?,
            o.account_id.as_bytes()?,
            u64::MAX,
        )?;
        new_provider(allocator, o.shutdown_options, Fixed(credentials))
    })
}

/// A provider that always answers anonymous credentials.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_anonymous(
    allocator: *mut aws_allocator,
    shutdown_options: *const aws_credentials_provider_shutdown_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let shutdown = match shutdown_options.as_ref() {
            Some(s) => *s,
            None => aws_credentials_provider_shutdown_options {
                shutdown_callback: None,
                shutdown_user_data: std::ptr::null_mut(),
            },
        };
        new_provider(
            allocator,
            shutdown,
            Fixed(credentials::new_handle(None, &[], u64::MAX)),
        )
    })
}

/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` and
/// `AWS_ACCOUNT_ID` at each request.
struct Environment;

/// The bytes of an environment variable, empty when unset.
pub(crate) fn env_bytes(name: &str) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    std::env::var_os(name)
        .map(|v| v.into_vec())
        .unwrap_or_default()
}

impl Source for Environment {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let access = env_bytes("AWS_ACCESS_KEY_ID");
        let secret = env_bytes("AWS_SECRET_ACCESS_KEY");
        if access.is_empty() || secret.is_empty() {
            done.fail(AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT as c_int);
            return Ok(());
        }
        let token = env_bytes("AWS_SESSION_TOKEN");
        let account = env_bytes("AWS_ACCOUNT_ID");
        done.finish(credentials::from_parts(
            &access,
            &secret,
            &token,
            &account,
            u64::MAX,
        ));
        Ok(())
    }
}

/// A provider that reads the credentials from the process environment at each request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_environment(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_environment_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        new_provider(allocator, o.shutdown_options, Environment)
    })
}

/// Hands each request to the program's function.
struct Delegate {
    get: aws_credentials_provider_delegate_get_credentials_fn,
    data: *mut c_void,
}

// SAFETY: the program's delegate is called from whichever thread asks, as upstream.
unsafe impl Send for Delegate {}
unsafe impl Sync for Delegate {}

impl Source for Delegate {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let (callback, user_data) = done.into_parts();
        // SAFETY: the program's function with the caller's callback, as upstream passes it.
        status(unsafe { (self.get)(self.data, Some(callback), user_data) })
    }
}

/// A provider that hands each request to the program's `get_credentials`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_delegate(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_delegate_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        let get = o.get_credentials.ok_or(INVALID_ARGUMENT)?;
        new_provider(
            allocator,
            o.shutdown_options,
            Delegate {
                get,
                data: o.delegate_user_data,
            },
        )
    })
}

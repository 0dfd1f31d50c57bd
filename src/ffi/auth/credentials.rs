//! `aws/auth/credentials.h`: AWS credentials (an access key id, a secret access key, an
//! optional session token and account id, an expiration), reference counted and immutable, as
//! upstream's `aws_credentials`.
//!
//! Differences: NULL arguments are `AWS_ERROR_INVALID_ARGUMENT` (getters answer an empty
//! cursor, 0 or false) instead of assertions; SigV4a is not implemented, so the ECC
//! credentials cannot be made (`AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`) and
//! `aws_credentials_get_ecc_key_pair` is always NULL.

use crate::auth::sigv4;
use crate::error::aws_auth_errors::AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM;
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::string::{aws_string, string_bytes};
use crate::ffi::guard::{self, Result, require};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A set of credentials; opaque.
pub struct aws_credentials {
    _private: [u8; 0],
}

/// An ECC key pair (aws-c-cal's); opaque, never made here.
pub struct aws_ecc_key_pair {
    _private: [u8; 0],
}

/// The fields of new credentials.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_credentials_options {
    /// The access key id (required).
    pub access_key_id_cursor: aws_byte_cursor,
    /// The secret access key (required).
    pub secret_access_key_cursor: aws_byte_cursor,
    /// The session token, if any.
    pub session_token_cursor: aws_byte_cursor,
    /// The account id, if any.
    pub account_id_cursor: aws_byte_cursor,
    /// When they stop being valid, in seconds since the epoch (`UINT64_MAX`: never).
    pub expiration_timepoint_seconds: u64,
}

/// What an `aws_credentials` handle points to.
pub(crate) struct Credentials {
    refs: AtomicUsize,
    /// `None` for anonymous credentials.
    pub(crate) keys: Option<sigv4::Credentials>,
    pub(crate) account_id: Vec<u8>,
    pub(crate) expiration: u64,
}

impl Drop for Credentials {
    fn drop(&mut self) {
        // Secrets do not outlive their credentials in freed memory.
        if let Some(keys) = &mut self.keys {
            keys.secret_access_key.fill(0);
            keys.session_token.fill(0);
        }
    }
}

/// The credentials behind a handle the caller lent.
///
/// # Safety
/// A non-NULL `credentials` must be live credentials made here.
pub(crate) unsafe fn credentials_of<'a>(
    credentials: *const aws_credentials,
) -> Result<&'a Credentials> {
    // SAFETY: caller contract; NULL refused.
    unsafe { guard::reference(credentials.cast::<Credentials>()) }
}

/// A handle with one reference to new credentials.
pub(crate) fn new_handle(
    keys: Option<sigv4::Credentials>,
    account_id: &[u8],
    expiration: u64,
) -> *mut aws_credentials {
    Box::into_raw(Box::new(Credentials {
        refs: AtomicUsize::new(1),
        keys,
        account_id: account_id.to_vec(),
        expiration,
    }))
    .cast()
}

/// Credentials from their parts: `AWS_ERROR_INVALID_ARGUMENT` without an access key id or a
/// secret access key, as upstream.
pub(crate) fn from_parts(
    access_key_id: &[u8],
    secret_access_key: &[u8],
    session_token: &[u8],
    account_id: &[u8],
    expiration: u64,
) -> Result<*mut aws_credentials> {
    require(!access_key_id.is_empty() && !secret_access_key.is_empty())?;
    let keys = sigv4::Credentials {
        access_key_id: access_key_id.to_vec(),
        secret_access_key: secret_access_key.to_vec(),
        session_token: session_token.to_vec(),
    };
    Ok(new_handle(Some(keys), account_id, expiration))
}

/// New credentials from cursors (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_new(
    allocator: *mut aws_allocator,
    access_key_id_cursor: aws_byte_cursor,
    secret_access_key_cursor: aws_byte_cursor,
    session_token_cursor: aws_byte_cursor,
    expiration_timepoint_seconds: u64,
) -> *mut aws_credentials {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        from_parts(
            access_key_id_cursor.as_bytes()?,
            secret_access_key_cursor.as_bytes()?,
            session_token_cursor.as_bytes()?,
            &[],
            expiration_timepoint_seconds,
        )
    })
}

/// New credentials from an options struct (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_new_with_options(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_options,
) -> *mut aws_credentials {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        let o = guard::reference(options)?;
        from_parts(
            o.access_key_id_cursor.as_bytes()?,
            o.secret_access_key_cursor.as_bytes()?,
            o.session_token_cursor.as_bytes()?,
            o.account_id_cursor.as_bytes()?,
            o.expiration_timepoint_seconds,
        )
    })
}

/// Anonymous credentials: signing with them leaves a request unsigned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_new_anonymous(
    allocator: *mut aws_allocator,
) -> *mut aws_credentials {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        Ok(new_handle(None, &[], u64::MAX))
    })
}

/// New credentials from strings (copied); `session_token` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_new_from_string(
    allocator: *mut aws_allocator,
    access_key_id: *const aws_string,
    secret_access_key: *const aws_string,
    session_token: *const aws_string,
    expiration_timepoint_seconds: u64,
) -> *mut aws_credentials {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        let token = if session_token.is_null() {
            &[]
        } else {
            string_bytes(session_token)?
        };
        from_parts(
            string_bytes(access_key_id)?,
            string_bytes(secret_access_key)?,
            token,
            &[],
            expiration_timepoint_seconds,
        )
    })
}

/// SigV4a credentials: not made here (`AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_new_ecc(
    allocator: *mut aws_allocator,
    access_key_id: aws_byte_cursor,
    ecc_key: *mut aws_ecc_key_pair,
    session_token: aws_byte_cursor,
    expiration_timepoint_in_seconds: u64,
) -> *mut aws_credentials {
    guard::ptr(|| unsafe {
        let _ = (
            access_key_id,
            ecc_key,
            session_token,
            expiration_timepoint_in_seconds,
        );
        allocator::checked(allocator)?;
        Err(AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM.into())
    })
}

/// SigV4a credentials derived from SigV4 ones: not made here
/// (`AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_new_ecc_from_aws_credentials(
    allocator: *mut aws_allocator,
    credentials: *const aws_credentials,
) -> *mut aws_credentials {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        credentials_of(credentials)?;
        Err(AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM.into())
    })
}

/// The P-256 key SigV4a derives from credentials: not derived here
/// (`AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_ecc_key_pair_new_ecdsa_p256_key_from_aws_credentials(
    allocator: *mut aws_allocator,
    credentials: *const aws_credentials,
) -> *mut aws_ecc_key_pair {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        credentials_of(credentials)?;
        Err(AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM.into())
    })
}

/// Adds a reference (NULL is ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_acquire(credentials: *const aws_credentials) {
    guard::guard((), || {
        if let Ok(c) = unsafe { credentials_of(credentials) } {
            c.refs.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    })
}

/// Drops a reference; the last frees the credentials, their secrets zeroed (NULL is ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_release(credentials: *const aws_credentials) {
    guard::guard((), || {
        if let Ok(c) = unsafe { credentials_of(credentials) }
            && c.refs.fetch_sub(1, Ordering::AcqRel) == 1
        {
            // SAFETY: the last reference: nobody else sees them.
            drop(unsafe { Box::from_raw(credentials.cast::<Credentials>().cast_mut()) });
        }
        Ok(())
    })
}

/// A getter's answer: the field's cursor, or an empty one (also for NULL credentials).
fn field(
    credentials: *const aws_credentials,
    get: impl FnOnce(&Credentials) -> &[u8],
) -> aws_byte_cursor {
    guard::guard(aws_byte_cursor::from_slice(&[]), || {
        let c = unsafe { credentials_of(credentials) }?;
        let bytes = get(c);
        // Upstream answers a NULL cursor for a field it does not have.
        Ok(if bytes.is_empty() {
            aws_byte_cursor {
                len: 0,
                ptr: std::ptr::null_mut(),
            }
        } else {
            aws_byte_cursor::from_slice(bytes)
        })
    })
}

/// The access key id (empty for anonymous credentials).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_get_access_key_id(
    credentials: *const aws_credentials,
) -> aws_byte_cursor {
    field(credentials, |c| {
        c.keys.as_ref().map_or(&[], |k| &k.access_key_id)
    })
}

/// The secret access key (empty for anonymous credentials).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_get_secret_access_key(
    credentials: *const aws_credentials,
) -> aws_byte_cursor {
    field(credentials, |c| {
        c.keys.as_ref().map_or(&[], |k| &k.secret_access_key)
    })
}

/// The session token (empty when there is none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_get_session_token(
    credentials: *const aws_credentials,
) -> aws_byte_cursor {
    field(credentials, |c| {
        c.keys.as_ref().map_or(&[], |k| &k.session_token)
    })
}

/// The account id (empty when there is none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_get_account_id(
    credentials: *const aws_credentials,
) -> aws_byte_cursor {
    field(credentials, |c| &c.account_id)
}

/// When the credentials expire, in seconds since the epoch (`UINT64_MAX`: never).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_get_expiration_timepoint_seconds(
    credentials: *const aws_credentials,
) -> u64 {
    guard::guard(0, || Ok(unsafe { credentials_of(credentials) }?.expiration))
}

/// The SigV4a key: always NULL (no ECC credentials are made here).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_get_ecc_key_pair(
    credentials: *const aws_credentials,
) -> *mut aws_ecc_key_pair {
    guard::ptr(|| {
        unsafe { credentials_of(credentials) }?;
        Ok(std::ptr::null_mut())
    })
}

/// Whether these are anonymous credentials.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_is_anonymous(credentials: *const aws_credentials) -> bool {
    guard::guard(false, || {
        Ok(unsafe { credentials_of(credentials) }?.keys.is_none())
    })
}

#[cfg(test)]
#[path = "credentials_tests.rs"]
mod tests;

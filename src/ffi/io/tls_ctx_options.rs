//! `aws/io/tls_channel_handler.h`: filling and cleaning up `aws_tls_ctx_options`, and reading
//! them into the settings a context is built from.
//!
//! As upstream: the options own copies of what they are given (buffers and strings from the
//! options' allocator), released by `aws_tls_ctx_options_clean_up`; certificates, keys and CA
//! bundles are kept as their PEM blocks only, and text without any PEM block is
//! `AWS_ERROR_INVALID_ARGUMENT`; whether they parse is checked when a context is made. Files
//! are read when the call is made, failing with aws-c-common's file codes
//! (`AWS_ERROR_FILE_INVALID_PATH` for a missing file, `AWS_ERROR_NO_PERMISSION` for an
//! unreadable one); a CA directory is only read when a context is made.
//!
//! A failing `init` call leaves the options zeroed (safe to clean up); a failing setter leaves
//! them as they were. Where upstream asserts or crashes (NULL options, a NULL cursor, an
//! out-of-range enum), these calls raise `AWS_ERROR_INVALID_ARGUMENT`.
//!
//! The safety contract of these functions is in [`tls_channel_handler`](super::tls_channel_handler).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::{self, aws_byte_buf, aws_byte_cursor, cursor_bytes};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_FILE_INVALID_PATH, AWS_ERROR_INVALID_STATE, AWS_ERROR_PLATFORM_NOT_SUPPORTED,
};
use crate::ffi::common::string::{aws_string, aws_string_destroy, new_string, string_bytes};
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::io::io::aws_io_errors::AWS_IO_FILE_VALIDATION_FAILURE;
use crate::ffi::io::pkcs11::library_of;
use crate::ffi::io::pkcs11_key_handler::{token_key_handler, token_signing_key};
use crate::ffi::io::tls_channel_handler::{
    aws_custom_key_op_handler_release, aws_tls_cipher_pref, aws_tls_cipher_pref_raw,
    aws_tls_ctx_options, aws_tls_ctx_pkcs11_options, aws_tls_versions, aws_tls_versions_raw,
    minimum_version,
};
use crate::ffi::io::tls_files::{Wiped, os_path, pem_buf, read_file};
use crate::transport::pkcs11::{self, KeyQuery};
use crate::transport::pkcs12;
use crate::transport::tls::{ClientIdentity, TlsError, TlsSettings, TrustAnchors};
use std::ffi::CString;
use std::ffi::{c_char, c_int, c_void};
use std::ptr;

/// Upstream's default maximum TLS fragment: `g_aws_channel_max_fragment_size`, 16 KiB.
const DEFAULT_MAX_FRAGMENT_SIZE: usize = 16 * 1024;

/// Options with nothing set and nothing owned: what clean-up leaves.
const ZEROED: aws_tls_ctx_options = aws_tls_ctx_options {
    allocator: ptr::null_mut(),
    minimum_tls_version: 0,
    cipher_pref: 0,
    ca_file: aws_byte_buf::EMPTY,
    ca_path: ptr::null_mut(),
    alpn_list: ptr::null_mut(),
    certificate: aws_byte_buf::EMPTY,
    private_key: aws_byte_buf::EMPTY,
    max_fragment_size: 0,
    verify_peer: false,
    ctx_options_extension: ptr::null_mut(),
    custom_key_op_handler: ptr::null_mut(),
    no_certificate_revocation: false,
};

/// Upstream's default client options on `allocator`.
fn default_client(allocator: *mut aws_allocator) -> aws_tls_ctx_options {
    aws_tls_ctx_options {
        allocator,
        minimum_tls_version: aws_tls_versions::AWS_IO_TLS_VER_SYS_DEFAULTS as c_int,
        cipher_pref: aws_tls_cipher_pref::AWS_IO_TLS_CIPHER_PREF_SYSTEM_DEFAULT as c_int,
        max_fragment_size: DEFAULT_MAX_FRAGMENT_SIZE,
        verify_peer: true,
        ..ZEROED
    }
}

/// Releases everything the options own and zeroes them.
///
/// # Safety
/// The options' buffers and strings must be owned as `aws_tls_ctx_options_clean_up` expects.
unsafe fn clean_up(options: &mut aws_tls_ctx_options) {
    // SAFETY: forwarded caller contract; each buffer's storage came from its allocator.
    unsafe {
        byte_buf::clean_up(&mut options.ca_file);
        aws_string_destroy(options.ca_path);
        byte_buf::clean_up(&mut options.certificate);
        byte_buf::secure_zero(options.private_key.buffer, options.private_key.capacity);
        byte_buf::clean_up(&mut options.private_key);
        aws_string_destroy(options.alpn_list);
        aws_custom_key_op_handler_release(options.custom_key_op_handler);
    }
    *options = ZEROED;
}

/// Runs an `init` call: zeroes `options`, builds default client options on `allocator`,
/// lets `fill` add to them, and stores the result; on failure the options stay zeroed and
/// nothing is leaked.
///
/// # Safety
/// A non-NULL `options` must point to writable options; a non-NULL `allocator` must be valid.
unsafe fn init(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
    fill: impl FnOnce(&mut aws_tls_ctx_options) -> Result<()>,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let out = unsafe { guard::mutable(options) }?;
        *out = ZEROED;
        unsafe { allocator::checked(allocator) }?;
        let mut built = default_client(allocator);
        if let Err(e) = fill(&mut built) {
            // SAFETY: `built` owns only what `fill` allocated from `allocator`.
            unsafe { clean_up(&mut built) };
            return Err(e);
        }
        *out = built;
        Ok(())
    })
}

/// Initialises `options` as upstream's default client: system default versions and ciphers,
/// the peer verified against the system trust store, no client certificate, no ALPN.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_init_default_client(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
) {
    // SAFETY: forwarded caller contract.
    unsafe { init(options, allocator, |_| Ok(())) };
}

/// Releases what `options` own (the private key's bytes wiped first) and zeroes them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_clean_up(options: *mut aws_tls_ctx_options) {
    guard::guard((), || {
        // SAFETY: the caller lends initialised (or zeroed) options.
        unsafe { clean_up(guard::mutable(options)?) };
        Ok(())
    })
}

/// Initialises `options` as the default client presenting the PEM certificate chain and
/// private key read from the files at `cert_path` and `pkey_path`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_init_client_mtls_from_path(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
    cert_path: *const c_char,
    pkey_path: *const c_char,
) -> c_int {
    // SAFETY: forwarded caller contract: two NUL-terminated paths.
    unsafe {
        init(options, allocator, |o| {
            let cert = read_file(cert_path)?;
            o.certificate = pem_buf(allocator, &cert.0, "certificate")?;
            let key = read_file(pkey_path)?;
            o.private_key = pem_buf(allocator, &key.0, "private key")?;
            Ok(())
        })
    }
}

/// Initialises `options` as the default client presenting the PEM certificate chain `cert` and
/// private key `pkey`, both copied.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_init_client_mtls(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
    cert: *const aws_byte_cursor,
    pkey: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract: two cursors over readable bytes.
    unsafe {
        init(options, allocator, |o| {
            let (cert, pkey) = (cursor_bytes(cert)?, cursor_bytes(pkey)?);
            o.certificate = pem_buf(allocator, cert, "certificate")?;
            o.private_key = pem_buf(allocator, pkey, "private key")?;
            Ok(())
        })
    }
}

/// Windows only, as upstream: mutual TLS with a certificate and key of the Windows certificate
/// store (`CurrentUser\\MY\\<thumbprint>`). Everywhere else upstream exports it too, zeroes the
/// options and fails with `AWS_ERROR_PLATFORM_NOT_SUPPORTED`; so does this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_init_client_mtls_from_system_path(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
    cert_reg_path: *const c_char,
) -> c_int {
    guard::op(|| {
        let _ = (allocator, cert_reg_path);
        // SAFETY: the caller lends writable options (NULL is refused).
        *unsafe { guard::mutable(options) }? = ZEROED;
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_TLS,
            "static: System certificate path can only be set on Windows."
        );
        Err(AWS_ERROR_PLATFORM_NOT_SUPPORTED.into())
    })
}

/// The bytes of an optional cursor: `None` when its pointer is NULL (upstream's "zeroed").
///
/// # Safety
/// A cursor with a non-NULL pointer must cover readable bytes that outlive `'a`.
unsafe fn optional_cursor<'a>(c: &aws_byte_cursor) -> Result<Option<&'a [u8]>> {
    if c.ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded caller contract.
    unsafe { c.as_bytes() }.map(Some)
}

/// Mutual TLS with a private key on a PKCS#11 token (upstream's order and codes): the token is
/// found (by slot id and/or label, else the only one: `AWS_ERROR_PKCS11_TOKEN_NOT_FOUND`), the
/// user logs in (a wrong PIN is `AWS_ERROR_PKCS11_CKR_PIN_INCORRECT`), the private key is found
/// (by label, else the only one: `AWS_ERROR_PKCS11_KEY_NOT_FOUND`), and the certificate is read
/// from memory or a file (both given: `AWS_ERROR_INVALID_ARGUMENT`). The options hold the
/// session until cleaned up; handshakes sign on the token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_init_client_mtls_with_pkcs11(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
    pkcs11_options: *const aws_tls_ctx_pkcs11_options,
) -> c_int {
    // SAFETY: forwarded caller contract: options describing a live library and valid cursors.
    unsafe {
        init(options, allocator, |o| {
            let p = guard::reference(pkcs11_options)?;
            let library = library_of(p.pkcs11_lib)?;
            let query = KeyQuery {
                user_pin: optional_cursor(&p.user_pin)?,
                slot_id: p.slot_id.as_ref().copied(),
                token_label: optional_cursor(&p.token_label)?,
                key_label: optional_cursor(&p.private_key_object_label)?,
            };
            let key = pkcs11::open_key(library, &query).map_err(Error)?;
            let certificate = match (
                optional_cursor(&p.cert_file_contents)?,
                optional_cursor(&p.cert_file_path)?,
            ) {
                (Some(_), Some(_)) => {
                    crate::aws_log!(
                        AWS_LL_ERROR,
                        AWS_LS_IO_TLS,
                        "static: a certificate and a certificate file: give one"
                    );
                    return Err(guard::INVALID_ARGUMENT);
                }
                (Some(pem), None) => Wiped(pem.to_vec()),
                (None, path) => {
                    let path = CString::new(path.unwrap_or_default())
                        .map_err(|_| Error(AWS_ERROR_FILE_INVALID_PATH as c_int))?;
                    read_file(path.as_ptr())?
                }
            };
            o.certificate = pem_buf(allocator, &certificate.0, "certificate")?;
            o.custom_key_op_handler = token_key_handler(key);
            Ok(())
        })
    }
}

/// Puts the identity of the PKCS#12 bytes `der` into `o`, decrypted with the password under
/// `password`. `AWS_IO_FILE_VALIDATION_FAILURE` when the bytes are no PKCS#12 file, the password
/// is wrong, or the file lacks a certificate or key (upstream, on Apple, fails with its own
/// import error when the context is made).
///
/// # Safety
/// `password` must be NULL or a valid cursor.
unsafe fn set_pkcs12_identity(
    o: &mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
    der: &[u8],
    password: *const aws_byte_cursor,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let password = unsafe { cursor_bytes(password) }?;
    let id = pkcs12::identity(der, password).map_err(|e| {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_TLS,
            "static: PKCS#12 file unusable: {e:?}"
        );
        Error::from(AWS_IO_FILE_VALIDATION_FAILURE)
    })?;
    // SAFETY: forwarded caller contract.
    unsafe {
        o.certificate = pem_buf(allocator, &id.certificate_pem, "certificate")?;
        o.private_key = pem_buf(allocator, &id.private_key_pem.0, "private key")?;
    }
    Ok(())
}

/// Mutual TLS with the PKCS#12 file at `pkcs12_path` and its password (on Linux too; upstream
/// has it on Apple only). See `set_pkcs12_identity` for the errors.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_init_client_mtls_pkcs12_from_path(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
    pkcs12_path: *const c_char,
    pkcs_pwd: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract: a NUL-terminated path and a cursor.
    unsafe {
        init(options, allocator, |o| {
            let file = read_file(pkcs12_path)?;
            set_pkcs12_identity(o, allocator, &file.0, pkcs_pwd)
        })
    }
}

/// Mutual TLS with PKCS#12 bytes and their password (copied; on Linux too). See
/// `set_pkcs12_identity` for the errors.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_init_client_mtls_pkcs12(
    options: *mut aws_tls_ctx_options,
    allocator: *mut aws_allocator,
    pkcs12: *mut aws_byte_cursor,
    pkcs_pwd: *mut aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract: two cursors over readable bytes.
    unsafe {
        init(options, allocator, |o| {
            let der = cursor_bytes(pkcs12)?;
            set_pkcs12_identity(o, allocator, der, pkcs_pwd)
        })
    }
}

/// Sets the ALPN protocols offered, `"a;b"` (at most four; checked when a context is made);
/// the string is copied.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_set_alpn_list(
    options: *mut aws_tls_ctx_options,
    alpn_list: *const c_char,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends initialised options and a NUL-terminated string.
        let o = unsafe { guard::mutable(options) }?;
        let list = unsafe { guard::c_str(alpn_list) }?;
        let copy = unsafe { new_string(o.allocator, list.to_bytes()) }?;
        unsafe { aws_string_destroy(o.alpn_list) };
        o.alpn_list = copy.as_ptr();
        Ok(())
    })
}

/// Turns verification of the server's certificate chain and name on or off. Off accepts any
/// server (handshake signatures are still checked): for tests only.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_set_verify_peer(
    options: *mut aws_tls_ctx_options,
    verify_peer: bool,
) {
    guard::guard((), || {
        // SAFETY: the caller lends initialised options.
        unsafe { guard::mutable(options) }?.verify_peer = verify_peer;
        Ok(())
    })
}

/// Sets whether revocation checks are skipped. Kept for upstream's sake: rustls checks none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_set_no_certificate_revocation(
    options: *mut aws_tls_ctx_options,
    no_revocation: bool,
) {
    guard::guard((), || {
        // SAFETY: the caller lends initialised options.
        unsafe { guard::mutable(options) }?.no_certificate_revocation = no_revocation;
        Ok(())
    })
}

/// Sets the cipher preference; one this build does not support fails when a context is made
/// (`AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED`). A value outside the enum is refused.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_set_tls_cipher_preference(
    options: *mut aws_tls_ctx_options,
    cipher_pref: aws_tls_cipher_pref_raw,
) {
    guard::guard((), || {
        // SAFETY: the caller lends initialised options.
        let o = unsafe { guard::mutable(options) }?;
        guard::enum_value::<aws_tls_cipher_pref>(cipher_pref)?;
        o.cipher_pref = cipher_pref;
        Ok(())
    })
}

/// Sets the oldest TLS version accepted (see the header's module comment for how versions
/// before TLS 1.2 are treated). A value outside the enum is refused.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_set_minimum_tls_version(
    options: *mut aws_tls_ctx_options,
    minimum_tls_version: aws_tls_versions_raw,
) {
    guard::guard((), || {
        // SAFETY: the caller lends initialised options.
        let o = unsafe { guard::mutable(options) }?;
        guard::enum_value::<aws_tls_versions>(minimum_tls_version)?;
        o.minimum_tls_version = minimum_tls_version;
        Ok(())
    })
}

/// Replaces the system trust store with the PEM CA certificates in `ca_file`, copied.
/// `AWS_ERROR_INVALID_STATE` when a CA file is already set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_override_default_trust_store(
    options: *mut aws_tls_ctx_options,
    ca_file: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends initialised options and a cursor over readable bytes.
        let o = unsafe { guard::mutable(options) }?;
        let ca = unsafe { cursor_bytes(ca_file) }?;
        if !o.ca_file.allocator.is_null() {
            return Err(overridden_twice());
        }
        o.ca_file = unsafe { pem_buf(o.allocator, ca, "CA file") }?;
        Ok(())
    })
}

/// Replaces the system trust store with the PEM certificates in the files of the directory
/// `ca_path` (read when a context is made) and/or those in the file `ca_file` (read now).
/// Either may be NULL. `AWS_ERROR_INVALID_STATE` when the one given is already set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_override_default_trust_store_from_path(
    options: *mut aws_tls_ctx_options,
    ca_path: *const c_char,
    ca_file: *const c_char,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends initialised options and NUL-terminated paths or NULLs.
        let o = unsafe { guard::mutable(options) }?;
        let set_path = !ca_path.is_null();
        let set_file = !ca_file.is_null();
        if (set_path && !o.ca_path.is_null()) || (set_file && !o.ca_file.allocator.is_null()) {
            return Err(overridden_twice());
        }
        let mut file = aws_byte_buf::EMPTY;
        if set_file {
            let text = unsafe { read_file(ca_file) }?;
            file = unsafe { pem_buf(o.allocator, &text.0, "CA file") }?;
        }
        if set_path {
            let path = unsafe { guard::c_str(ca_path) }?;
            match unsafe { new_string(o.allocator, path.to_bytes()) } {
                Ok(copy) => o.ca_path = copy.as_ptr(),
                Err(e) => {
                    // SAFETY: `file` is empty or owns storage from the options' allocator.
                    unsafe { byte_buf::clean_up(&mut file) };
                    return Err(e);
                }
            }
        }
        if set_file {
            o.ca_file = file;
        }
        Ok(())
    })
}

/// Stores data for a bring-your-own-crypto implementation; kept, not used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_options_set_extension_data(
    options: *mut aws_tls_ctx_options,
    extension_data: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: the caller lends initialised options.
        unsafe { guard::mutable(options) }?.ctx_options_extension = extension_data;
        Ok(())
    })
}

/// The error for a second trust store override, logged.
fn overridden_twice() -> Error {
    crate::aws_log!(
        AWS_LL_ERROR,
        AWS_LS_IO_TLS,
        "static: cannot override trust store multiple times"
    );
    AWS_ERROR_INVALID_STATE.into()
}

/// The bytes of an owned buffer that is set (upstream: its allocator is), else `None`.
///
/// # Safety
/// The buffer's bytes in use must be readable.
unsafe fn set_bytes(buf: &aws_byte_buf) -> Result<Option<Vec<u8>>> {
    if buf.allocator.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded caller contract.
    Ok(Some(unsafe { byte_buf::buf_bytes(buf) }?.to_vec()))
}

/// The bytes of an optional owned string.
///
/// # Safety
/// A non-NULL `s` must be a valid string.
unsafe fn optional_string(s: *const aws_string) -> Result<Option<Vec<u8>>> {
    // SAFETY: forwarded caller contract.
    Ok(if s.is_null() {
        None
    } else {
        Some(unsafe { string_bytes(s) }?.to_vec())
    })
}

/// The settings a context is built from, copied out of `options`. A minimum version outside
/// the enum is `AWS_IO_TLS_VERSION_UNSUPPORTED`; an ALPN list that is not UTF-8 is
/// `AWS_IO_TLS_CTX_ERROR`. As upstream, a certificate without a key (or a key without a
/// certificate) is ignored.
///
/// # Safety
/// `options` must be initialised options whose buffers and strings are valid.
pub unsafe fn ctx_settings(options: &aws_tls_ctx_options) -> Result<TlsSettings> {
    let minimum_version = minimum_version(options.minimum_tls_version)?;
    // SAFETY: forwarded caller contract.
    let (ca_pem, ca_dir, certificate, key, alpn) = unsafe {
        (
            set_bytes(&options.ca_file)?,
            optional_string(options.ca_path)?,
            set_bytes(&options.certificate)?,
            set_bytes(&options.private_key)?.map(Wiped),
            optional_string(options.alpn_list)?,
        )
    };
    let trust = if ca_pem.is_some() || ca_dir.is_some() {
        TrustAnchors::Override {
            ca_dir: ca_dir.as_deref().map(os_path),
            ca_pem,
        }
    } else {
        TrustAnchors::System
    };
    // SAFETY: the options' handler is NULL or live.
    let signer = unsafe { token_signing_key(options.custom_key_op_handler) };
    let identity = match (certificate, key, signer) {
        (Some(certificate_pem), None, Some(signer)) => Some(ClientIdentity {
            certificate_pem,
            private_key_pem: Vec::new(),
            signer: Some(signer),
        }),
        (Some(certificate_pem), Some(mut key), _) => Some(ClientIdentity {
            certificate_pem,
            private_key_pem: std::mem::take(&mut key.0),
            signer: None,
        }),
        (None, None, _) => None,
        _ => {
            crate::aws_log!(
                AWS_LL_WARN,
                AWS_LS_IO_TLS,
                "static: a certificate or private key without the other is ignored"
            );
            None
        }
    };
    let alpn_list = alpn
        .map(String::from_utf8)
        .transpose()
        .map_err(|e| TlsError::context("ALPN list", e))?;
    Ok(TlsSettings {
        minimum_version,
        verify_peer: options.verify_peer,
        trust,
        identity,
        alpn_list,
    })
}

//! `aws/io/tls_channel_handler.h`: TLS versions and cipher preferences, the context and
//! connection option structs, and the TLS context itself: made once from context options
//! (`aws_tls_client_ctx_new`), shared by reference count, and holding the rustls client
//! configuration every connection made from it starts from.
//!
//! The option calls live beside this file: [`tls_ctx_options`](super::tls_ctx_options) fills
//! and cleans up `aws_tls_ctx_options`, [`tls_connection_options`](super::tls_connection_options)
//! does the same for `aws_tls_connection_options`.
//!
//! How upstream's options map onto rustls (see `transport::tls_context`):
//! - `minimum_tls_version`: rustls speaks TLS 1.2 and 1.3 only. `AWS_IO_SSLv3` up to
//!   `AWS_IO_TLSv1_2` and `AWS_IO_TLS_VER_SYS_DEFAULTS` all allow TLS 1.2 and 1.3 (what a
//!   program asking for "at least 1.0" gets from any current server anyway); `AWS_IO_TLSv1_3`
//!   allows 1.3 only. A value outside the enum is `AWS_IO_TLS_VERSION_UNSUPPORTED`.
//! - `cipher_pref`: rustls' default suites serve `SYSTEM_DEFAULT`, `TLSV1_2_2025_07`,
//!   `TLSV1_0_2023_06` and `NON_PQ_DEFAULT`; the post-quantum and deprecated preferences are
//!   `AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED` (the ring provider has no hybrid key exchange).
//! - `verify_peer` off accepts any server certificate, for any name, but still checks the
//!   handshake signatures, as upstream's s2n handler does.
//! - `max_fragment_size` and `no_certificate_revocation` are kept but have no effect: rustls
//!   neither requests a maximum fragment length nor checks stapled OCSP responses.
//!
//! # Safety
//! Every exported function of the header, in this file and the ones beside it, has the same
//! contract, so it is stated once here rather than on each: a pointer argument is NULL or
//! points to a valid object of its type (an options struct initialised by its `init` call or
//! zeroed, a C string NUL-terminated, a cursor's bytes readable) that nothing else mutates
//! during the call.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNIMPLEMENTED;
use crate::ffi::common::ref_count::{
    aws_ref_count, aws_ref_count_acquire, aws_ref_count_init, aws_ref_count_release,
};
use crate::ffi::common::string::aws_string;
use crate::ffi::guard::{self, Result};
use crate::ffi::io::io::aws_io_errors::{
    AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED, AWS_IO_TLS_VERSION_UNSUPPORTED,
};
use crate::ffi::io::pkcs11::aws_pkcs11_lib;
use crate::ffi::io::pkcs11_key_handler::token_signing_key;
use crate::ffi::io::tls_ctx_options::ctx_settings;
use crate::transport::tls::{MinimumVersion, TlsContext};
use std::ffi::{c_char, c_int, c_void};
use std::ptr;
use std::sync::Arc;

/// The oldest TLS version a context accepts (upstream's `enum aws_tls_versions`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_tls_versions {
    /// SSL 3.0 (here: TLS 1.2 and up).
    AWS_IO_SSLv3 = 0,
    /// TLS 1.0 (here: TLS 1.2 and up).
    AWS_IO_TLSv1 = 1,
    /// TLS 1.1 (here: TLS 1.2 and up).
    AWS_IO_TLSv1_1 = 2,
    /// TLS 1.2.
    AWS_IO_TLSv1_2 = 3,
    /// TLS 1.3 only.
    AWS_IO_TLSv1_3 = 4,
    /// The TLS library's choice: TLS 1.2 and 1.3.
    AWS_IO_TLS_VER_SYS_DEFAULTS = 128,
}

/// A C `enum aws_tls_versions` received from C.
pub type aws_tls_versions_raw = c_int;

/// A named set of cipher suites (upstream's `enum aws_tls_cipher_pref`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_tls_cipher_pref {
    /// The TLS library's default suites.
    AWS_IO_TLS_CIPHER_PREF_SYSTEM_DEFAULT = 0,
    /// Deprecated post-quantum preference; unsupported.
    AWS_IO_TLS_CIPHER_PREF_KMS_PQ_TLSv1_0_2019_06 = 1,
    /// Deprecated post-quantum preference; unsupported.
    AWS_IO_TLS_CIPHER_PREF_KMS_PQ_SIKE_TLSv1_0_2019_11 = 2,
    /// Deprecated post-quantum preference; unsupported.
    AWS_IO_TLS_CIPHER_PREF_KMS_PQ_TLSv1_0_2020_02 = 3,
    /// Deprecated post-quantum preference; unsupported.
    AWS_IO_TLS_CIPHER_PREF_KMS_PQ_SIKE_TLSv1_0_2020_02 = 4,
    /// Deprecated post-quantum preference; unsupported.
    AWS_IO_TLS_CIPHER_PREF_KMS_PQ_TLSv1_0_2020_07 = 5,
    /// Deprecated post-quantum preference; unsupported.
    AWS_IO_TLS_CIPHER_PREF_PQ_TLSv1_0_2021_05 = 6,
    /// Hybrid post-quantum key exchange with TLS 1.2 and up; unsupported here.
    AWS_IO_TLS_CIPHER_PREF_PQ_TLSV1_2_2024_10 = 7,
    /// The recommended post-quantum policy; unsupported here.
    AWS_IO_TLS_CIPHER_PREF_PQ_DEFAULT = 8,
    /// TLS 1.2 and up with strong suites.
    AWS_IO_TLS_CIPHER_PREF_TLSV1_2_2025_07 = 9,
    /// The default before post-quantum support.
    AWS_IO_TLS_CIPHER_PREF_TLSV1_0_2023_06 = 10,
    /// The recommended policy without post-quantum key exchange.
    AWS_IO_TLS_CIPHER_PREF_NON_PQ_DEFAULT = 11,
    /// The end of the range; not a preference.
    AWS_IO_TLS_CIPHER_PREF_END_RANGE = 0xFFFF,
}

/// A C `enum aws_tls_cipher_pref` received from C.
pub type aws_tls_cipher_pref_raw = c_int;

/// The hash of a custom private key operation (upstream's `enum aws_tls_hash_algorithm`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_tls_hash_algorithm {
    /// Not known.
    AWS_TLS_HASH_UNKNOWN = 0,
    /// SHA-1.
    AWS_TLS_HASH_SHA1 = 1,
    /// SHA-224.
    AWS_TLS_HASH_SHA224 = 2,
    /// SHA-256.
    AWS_TLS_HASH_SHA256 = 3,
    /// SHA-384.
    AWS_TLS_HASH_SHA384 = 4,
    /// SHA-512.
    AWS_TLS_HASH_SHA512 = 5,
}

/// The signature of a custom private key operation (upstream's
/// `enum aws_tls_signature_algorithm`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_tls_signature_algorithm {
    /// Not known.
    AWS_TLS_SIGNATURE_UNKNOWN = 0,
    /// RSA.
    AWS_TLS_SIGNATURE_RSA = 1,
    /// ECDSA.
    AWS_TLS_SIGNATURE_ECDSA = 2,
}

/// What a custom private key operation does (upstream's `enum aws_tls_key_operation_type`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_tls_key_operation_type {
    /// Not known.
    AWS_TLS_KEY_OPERATION_UNKNOWN = 0,
    /// Sign the input.
    AWS_TLS_KEY_OPERATION_SIGN = 1,
    /// Decrypt the input.
    AWS_TLS_KEY_OPERATION_DECRYPT = 2,
}

/// Where a TLS handler's negotiation stands (upstream's `enum aws_tls_negotiation_status`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_tls_negotiation_status {
    /// Not started.
    AWS_TLS_NEGOTIATION_STATUS_NONE = 0,
    /// Under way.
    AWS_TLS_NEGOTIATION_STATUS_ONGOING = 1,
    /// Completed.
    AWS_TLS_NEGOTIATION_STATUS_SUCCESS = 2,
    /// Failed.
    AWS_TLS_NEGOTIATION_STATUS_FAILURE = 3,
}

crate::c_enum!(aws_tls_versions, aws_tls_cipher_pref);

/// A TLS context: the configuration shared by every connection made from it, reference
/// counted (upstream's `struct aws_tls_ctx`). `impl` holds the Rust context; C code treats
/// the struct as a handle.
#[repr(C)]
pub struct aws_tls_ctx {
    /// The allocator the struct came from.
    pub alloc: *mut aws_allocator,
    /// The implementation's state.
    pub r#impl: *mut c_void,
    /// The references held; the last release frees the context.
    pub ref_count: aws_ref_count,
}

/// Called with the handshake's result: `AWS_OP_SUCCESS` or the error (C typedef in the
/// fragment).
pub type aws_tls_on_negotiation_result_fn = unsafe extern "C" fn(
    handler: *mut c_void,
    slot: *mut c_void,
    error_code: c_int,
    user_data: *mut c_void,
);

/// Called with decrypted data when the TLS handler is the last in its channel (C typedef in
/// the fragment).
pub type aws_tls_on_data_read_fn = unsafe extern "C" fn(
    handler: *mut c_void,
    slot: *mut c_void,
    buffer: *mut aws_byte_buf,
    user_data: *mut c_void,
);

/// Called when the TLS handler fails after the handshake (C typedef in the fragment).
pub type aws_tls_on_error_fn = unsafe extern "C" fn(
    handler: *mut c_void,
    slot: *mut c_void,
    err: c_int,
    message: *const c_char,
    user_data: *mut c_void,
);

/// What one connection adds to its context (upstream's `struct aws_tls_connection_options`).
/// The strings are owned by the struct; `ctx` holds a reference.
#[repr(C)]
pub struct aws_tls_connection_options {
    /// The ALPN protocols for this connection, `"a;b"`, replacing the context's; or NULL.
    pub alpn_list: *mut aws_string,
    /// The name sent in SNI and checked against the server's certificate; or NULL.
    pub server_name: *mut aws_string,
    /// Called with the handshake's result.
    pub on_negotiation_result: Option<aws_tls_on_negotiation_result_fn>,
    /// Called with decrypted data when TLS is the channel's last handler.
    pub on_data_read: Option<aws_tls_on_data_read_fn>,
    /// Called on a failure after the handshake.
    pub on_error: Option<aws_tls_on_error_fn>,
    /// Passed to the callbacks.
    pub user_data: *mut c_void,
    /// The context, one reference held.
    pub ctx: *mut aws_tls_ctx,
    /// Whether the negotiated protocol is announced down the channel.
    pub advertise_alpn_message: bool,
    /// How long the handshake may take, in milliseconds.
    pub timeout_ms: u32,
}

/// A private key operation a custom key handler performs; opaque.
pub struct aws_tls_key_operation {
    _private: [u8; 0],
}

/// The functions of a custom key operation handler (upstream's
/// `struct aws_custom_key_op_handler_vtable`).
#[repr(C)]
pub struct aws_custom_key_op_handler_vtable {
    /// Performs `operation`, then completes it.
    pub on_key_operation: Option<
        unsafe extern "C" fn(
            key_op_handler: *mut aws_custom_key_op_handler,
            operation: *mut aws_tls_key_operation,
        ),
    >,
}

/// Private key operations done by the caller's code, e.g. a PKCS#11 token (upstream's
/// `struct aws_custom_key_op_handler`); reference counted.
#[repr(C)]
pub struct aws_custom_key_op_handler {
    /// The implementation's state.
    pub r#impl: *mut c_void,
    /// The implementation's functions.
    pub vtable: *const aws_custom_key_op_handler_vtable,
    /// The references held.
    pub ref_count: aws_ref_count,
}

/// Labels for Apple's keychain items (upstream's `struct aws_secitem_options`); unused here.
#[repr(C)]
pub struct aws_secitem_options {
    /// The certificate's label.
    pub cert_label: *mut aws_string,
    /// The private key's label.
    pub key_label: *mut aws_string,
}

/// Everything a TLS context is made from (upstream's `struct aws_tls_ctx_options`, Linux
/// layout). The buffers and strings are owned by the struct and freed by
/// `aws_tls_ctx_options_clean_up`.
#[repr(C)]
pub struct aws_tls_ctx_options {
    /// The allocator the owned buffers and strings come from.
    pub allocator: *mut aws_allocator,
    /// The oldest version accepted.
    pub minimum_tls_version: aws_tls_versions_raw,
    /// The cipher suites preferred.
    pub cipher_pref: aws_tls_cipher_pref_raw,
    /// PEM CA certificates replacing the system trust store; set when its allocator is.
    pub ca_file: aws_byte_buf,
    /// A directory of PEM CA certificates replacing the system trust store; or NULL.
    pub ca_path: *mut aws_string,
    /// The ALPN protocols offered, `"a;b"`; or NULL.
    pub alpn_list: *mut aws_string,
    /// The PEM client certificate chain for mutual TLS; set when its allocator is.
    pub certificate: aws_byte_buf,
    /// The PEM private key for mutual TLS; set when its allocator is.
    pub private_key: aws_byte_buf,
    /// The largest TLS fragment wanted; kept, not used by rustls.
    pub max_fragment_size: usize,
    /// Whether the server's certificate is verified (true by default).
    pub verify_peer: bool,
    /// Data for a bring-your-own-crypto implementation; kept, not used.
    pub ctx_options_extension: *mut c_void,
    /// Custom private key operations; one reference held. Not supported yet.
    pub custom_key_op_handler: *mut aws_custom_key_op_handler,
    /// Whether to skip revocation checks; kept, rustls does none.
    pub no_certificate_revocation: bool,
}

/// The protocol ALPN chose, sent down a channel (upstream's
/// `struct aws_tls_negotiated_protocol_message`).
#[repr(C)]
pub struct aws_tls_negotiated_protocol_message {
    /// The protocol's name.
    pub protocol: aws_byte_buf,
}

/// How to find a private key on a PKCS#11 token for mutual TLS (upstream's
/// `struct aws_tls_ctx_pkcs11_options`). Borrowed for the duration of the init call.
#[repr(C)]
pub struct aws_tls_ctx_pkcs11_options {
    /// The PKCS#11 library; required.
    pub pkcs11_lib: *mut aws_pkcs11_lib,
    /// The user PIN; zeroed for a protected authentication path.
    pub user_pin: aws_byte_cursor,
    /// The slot holding the token; or NULL to choose by label.
    pub slot_id: *const u64,
    /// The token's label; or zeroed.
    pub token_label: aws_byte_cursor,
    /// The private key's label; or zeroed.
    pub private_key_object_label: aws_byte_cursor,
    /// The PEM certificate's path; or zeroed.
    pub cert_file_path: aws_byte_cursor,
    /// The PEM certificate itself; or zeroed.
    pub cert_file_contents: aws_byte_cursor,
}

/// The Rust context behind a C handle, shared: the caller may release the handle while
/// connections made from it live on.
///
/// # Safety
/// A non-NULL `ctx` must be a context made by [`aws_tls_client_ctx_new`] and still referenced.
pub unsafe fn tls_context(ctx: *const aws_tls_ctx) -> Result<Arc<TlsContext>> {
    // SAFETY: forwarded caller contract; `impl` is an `Arc<TlsContext>` made by `new`.
    let ctx = unsafe { guard::reference(ctx) }?;
    guard::require(!ctx.r#impl.is_null())?;
    let inner = ctx.r#impl.cast_const().cast::<TlsContext>();
    unsafe { Arc::increment_strong_count(inner) };
    Ok(unsafe { Arc::from_raw(inner) })
}

/// The rustls minimum version for an upstream one: everything up to TLS 1.2, and the system
/// default, allow TLS 1.2 and 1.3; TLS 1.3 allows 1.3 only.
pub fn minimum_version(raw: aws_tls_versions_raw) -> Result<MinimumVersion> {
    use aws_tls_versions::*;
    match guard::enum_value::<aws_tls_versions>(raw) {
        Ok(AWS_IO_TLSv1_3) => Ok(MinimumVersion::Tls13),
        Ok(_) => Ok(MinimumVersion::Tls12),
        Err(_) => Err(AWS_IO_TLS_VERSION_UNSUPPORTED.into()),
    }
}

/// True for the cipher preferences rustls' default suites serve.
fn cipher_pref_supported(raw: aws_tls_cipher_pref_raw) -> bool {
    use aws_tls_cipher_pref::*;
    matches!(
        guard::enum_value::<aws_tls_cipher_pref>(raw),
        Ok(AWS_IO_TLS_CIPHER_PREF_SYSTEM_DEFAULT
            | AWS_IO_TLS_CIPHER_PREF_TLSV1_2_2025_07
            | AWS_IO_TLS_CIPHER_PREF_TLSV1_0_2023_06
            | AWS_IO_TLS_CIPHER_PREF_NON_PQ_DEFAULT)
    )
}

/// Frees a context when its last reference goes: the Rust side, then the struct.
unsafe extern "C" fn destroy_ctx(object: *mut c_void) {
    guard::guard((), || {
        let ctx = object.cast::<aws_tls_ctx>();
        // SAFETY: `object` is the context registered with its count, now unreferenced; `impl` is
        // the `Arc` made by `aws_tls_client_ctx_new`.
        unsafe {
            drop(Arc::from_raw(
                (*ctx).r#impl.cast_const().cast::<TlsContext>(),
            ));
            allocator::release((*ctx).alloc, ctx.cast());
        }
        Ok(())
    })
}

/// A new client context from `options`, which are copied: one reference, released with
/// [`aws_tls_ctx_release`]. NULL on failure: `AWS_IO_TLS_VERSION_UNSUPPORTED` or
/// `AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED` for options this build cannot honour,
/// `AWS_IO_FILE_VALIDATION_FAILURE` for a certificate or key that is not text,
/// `AWS_IO_TLS_CTX_ERROR` for one that does not parse, a key that does not match its
/// certificate, a CA file or directory that cannot be used or an invalid ALPN list,
/// `AWS_IO_TLS_ERROR_DEFAULT_TRUST_STORE_NOT_FOUND` when the system store is needed and empty,
/// `AWS_ERROR_UNIMPLEMENTED` for custom private key operations other than a PKCS#11 key made by
/// `aws_tls_ctx_options_init_client_mtls_with_pkcs11`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_client_ctx_new(
    alloc: *mut aws_allocator,
    options: *const aws_tls_ctx_options,
) -> *mut aws_tls_ctx {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator and initialised options.
        unsafe { allocator::checked(alloc) }?;
        let options = unsafe { guard::reference(options) }?;
        if !cipher_pref_supported(options.cipher_pref) {
            crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_IO_TLS,
                "static: TLS cipher preference {} is not supported",
                options.cipher_pref
            );
            return Err(AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED.into());
        }
        // A PKCS#11 token key is ours; other custom key operations are not supported.
        if !options.custom_key_op_handler.is_null()
            && unsafe { token_signing_key(options.custom_key_op_handler) }.is_none()
        {
            return Err(AWS_ERROR_UNIMPLEMENTED.into());
        }
        let settings = unsafe { ctx_settings(options) }?;
        let context = TlsContext::new(&settings).inspect_err(|e| {
            crate::aws_log!(AWS_LL_ERROR, AWS_LS_IO_TLS, "static: {e}");
        })?;
        let block = unsafe { allocator::calloc(alloc, 1, size_of::<aws_tls_ctx>()) }?;
        let ctx = block.as_ptr().cast::<aws_tls_ctx>();
        // SAFETY: a fresh, zeroed, suitably aligned block for the struct.
        unsafe {
            (*ctx).alloc = alloc;
            (*ctx).r#impl = Arc::into_raw(Arc::new(context)).cast_mut().cast();
            aws_ref_count_init(&raw mut (*ctx).ref_count, ctx.cast(), Some(destroy_ctx));
        }
        Ok(ctx)
    })
}

/// Adds a reference to `ctx` and returns it; NULL gives NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_acquire(ctx: *mut aws_tls_ctx) -> *mut aws_tls_ctx {
    guard::ptr(|| {
        if !ctx.is_null() {
            // SAFETY: the caller lends a live context.
            unsafe { aws_ref_count_acquire(&raw mut (*ctx).ref_count) };
        }
        Ok(ctx)
    })
}

/// Drops a reference to `ctx`; the last one frees it. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_ctx_release(ctx: *mut aws_tls_ctx) {
    guard::guard((), || {
        if !ctx.is_null() {
            // SAFETY: the caller gives back a reference it holds.
            unsafe { aws_ref_count_release(&raw mut (*ctx).ref_count) };
        }
        Ok(())
    })
}

/// True: rustls supports ALPN.
#[unsafe(no_mangle)]
pub extern "C" fn aws_tls_is_alpn_available() -> bool {
    guard::guard(false, || Ok(true))
}

/// True when contexts can be made with `cipher_pref` (see the module comment).
#[unsafe(no_mangle)]
pub extern "C" fn aws_tls_is_cipher_pref_supported(cipher_pref: aws_tls_cipher_pref_raw) -> bool {
    guard::guard(false, || Ok(cipher_pref_supported(cipher_pref)))
}

/// Adds a reference to a custom key operation handler and returns it; NULL gives NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_custom_key_op_handler_acquire(
    key_op_handler: *mut aws_custom_key_op_handler,
) -> *mut aws_custom_key_op_handler {
    guard::ptr(|| {
        if !key_op_handler.is_null() {
            // SAFETY: the caller lends a live handler.
            unsafe { aws_ref_count_acquire(&raw mut (*key_op_handler).ref_count) };
        }
        Ok(key_op_handler)
    })
}

/// Drops a reference to a custom key operation handler and returns NULL; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_custom_key_op_handler_release(
    key_op_handler: *mut aws_custom_key_op_handler,
) -> *mut aws_custom_key_op_handler {
    guard::ptr(|| {
        if !key_op_handler.is_null() {
            // SAFETY: the caller gives back a reference it holds.
            unsafe { aws_ref_count_release(&raw mut (*key_op_handler).ref_count) };
        }
        Ok(ptr::null_mut())
    })
}

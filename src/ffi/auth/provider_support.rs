//! What the providers that ask an endpoint share: their TLS settings from a context, the time
//! from the program's clock, endpoint overrides from the environment, the text of option
//! cursors, and credentials made from a parsed document.

use crate::auth::document::Sourced;
use crate::ffi::auth::credentials::{aws_credentials, new_handle};
use crate::ffi::auth::credentials_provider::aws_credentials_provider_shutdown_options;
use crate::ffi::auth::providers_basic::env_bytes;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{INVALID_ARGUMENT, Result};
use crate::ffi::io::event_loop::aws_io_clock_fn;
use crate::ffi::io::tls_channel_handler::{aws_tls_ctx, tls_context};
use crate::transport::tls::TlsConnectionSettings;

/// Shutdown options that call nothing: for the providers a composite makes for itself.
pub(crate) const QUIET: aws_credentials_provider_shutdown_options =
    aws_credentials_provider_shutdown_options {
        shutdown_callback: None,
        shutdown_user_data: std::ptr::null_mut(),
    };

/// TLS to `host` with the program's context (SNI and the certificate checked for `host`).
///
/// # Safety
/// `ctx` must be a live context made by `aws_tls_client_ctx_new`.
pub(crate) unsafe fn tls_settings(
    ctx: *mut aws_tls_ctx,
    host: &str,
) -> Result<TlsConnectionSettings> {
    Ok(TlsConnectionSettings {
        // SAFETY: forwarded caller contract.
        context: unsafe { tls_context(ctx) }?,
        server_name: Some(host.to_string()),
        alpn_list: None,
        timeout_ms: 0,
    })
}

/// Seconds since the epoch: the program's clock (nanoseconds) when it gave one and it works,
/// the system's otherwise.
pub(crate) fn epoch_now(clock: Option<aws_io_clock_fn>) -> i64 {
    if let Some(clock) = clock {
        let mut ns = 0;
        // SAFETY: the program's clock, writing one integer.
        if unsafe { clock(&mut ns) } == 0 {
            return (ns / 1_000_000_000) as i64;
        }
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// An endpoint override from the environment: `AWS_ENDPOINT_URL_<SERVICE>`, else
/// `AWS_ENDPOINT_URL` (empty when neither is set).
pub(crate) fn endpoint_override(service: &str) -> Vec<u8> {
    let specific = env_bytes(&format!("AWS_ENDPOINT_URL_{service}"));
    if specific.is_empty() {
        env_bytes("AWS_ENDPOINT_URL")
    } else {
        specific
    }
}

/// The text of an option's cursor (`AWS_ERROR_INVALID_ARGUMENT` when it is not UTF-8).
pub(crate) fn text(c: &aws_byte_cursor) -> Result<String> {
    // SAFETY: the caller lends the cursor's bytes.
    let bytes = unsafe { c.as_bytes() }?;
    String::from_utf8(bytes.to_vec()).map_err(|_| INVALID_ARGUMENT)
}

/// New credentials (one reference) from what a source answered.
pub(crate) fn credentials(s: Sourced) -> *mut aws_credentials {
    new_handle(Some(s.keys), &s.account_id, s.expiration)
}

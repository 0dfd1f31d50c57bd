//! `aws/io/tls_channel_handler.h`: filling, copying and cleaning up
//! `aws_tls_connection_options`, and reading them into what a transport needs to start a TLS
//! session.
//!
//! As upstream: the options hold a reference to their context and own their strings (each from
//! the allocator given when it was set); the handshake timeout defaults to 10 seconds. Where
//! upstream asserts or crashes (NULL options, a NULL cursor or string), these calls raise
//! `AWS_ERROR_INVALID_ARGUMENT` and change nothing; a failing setter keeps the old value.
//!
//! The safety contract of these functions is in [`tls_channel_handler`](super::tls_channel_handler).

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::common::string::{aws_string, aws_string_destroy, new_string, string_bytes};
use crate::ffi::guard::{self, Result};
use crate::ffi::io::tls_channel_handler::{
    aws_tls_connection_options, aws_tls_ctx, aws_tls_ctx_acquire, aws_tls_ctx_release,
    aws_tls_on_data_read_fn, aws_tls_on_error_fn, aws_tls_on_negotiation_result_fn, tls_context,
};
use crate::transport::tls::{TlsConnectionSettings, TlsError};
use std::ffi::{c_char, c_int, c_void};
use std::ptr;

/// Upstream's default handshake timeout, in milliseconds.
const DEFAULT_TLS_TIMEOUT_MS: u32 = 10_000;

/// Connection options with nothing set and nothing held.
const ZEROED: aws_tls_connection_options = aws_tls_connection_options {
    alpn_list: ptr::null_mut(),
    server_name: ptr::null_mut(),
    on_negotiation_result: None,
    on_data_read: None,
    on_error: None,
    user_data: ptr::null_mut(),
    ctx: ptr::null_mut(),
    advertise_alpn_message: false,
    timeout_ms: 0,
};

/// Releases what the options hold and zeroes them.
///
/// # Safety
/// The options' strings and context reference must be owned as clean-up expects.
unsafe fn clean_up(options: &mut aws_tls_connection_options) {
    // SAFETY: forwarded caller contract.
    unsafe {
        aws_tls_ctx_release(options.ctx);
        aws_string_destroy(options.alpn_list);
        aws_string_destroy(options.server_name);
    }
    *options = ZEROED;
}

/// A copy of an optional string from its own allocator (a literal, which has none, is reused).
///
/// # Safety
/// A non-NULL `s` must be a valid string.
unsafe fn copy_string(s: *mut aws_string) -> Result<*mut aws_string> {
    if s.is_null() {
        return Ok(ptr::null_mut());
    }
    // SAFETY: forwarded caller contract; the string's header names its allocator.
    unsafe {
        let bytes = string_bytes(s)?;
        let allocator = ptr::addr_of!((*s).allocator).read();
        if allocator.is_null() {
            return Ok(s);
        }
        Ok(new_string(allocator, bytes)?.as_ptr())
    }
}

/// Initialises `conn_options` for a connection using `ctx` (one reference taken; NULL allowed,
/// as upstream), with the default 10 s handshake timeout and nothing else set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_connection_options_init_from_ctx(
    conn_options: *mut aws_tls_connection_options,
    ctx: *mut aws_tls_ctx,
) {
    guard::guard((), || {
        // SAFETY: the caller lends options to fill and a live context or NULL.
        let o = unsafe { guard::mutable(conn_options) }?;
        *o = aws_tls_connection_options {
            ctx: unsafe { aws_tls_ctx_acquire(ctx) },
            timeout_ms: DEFAULT_TLS_TIMEOUT_MS,
            ..ZEROED
        };
        Ok(())
    })
}

/// Releases the context reference and the strings `connection_options` hold, and zeroes them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_connection_options_clean_up(
    connection_options: *mut aws_tls_connection_options,
) {
    guard::guard((), || {
        // SAFETY: the caller lends initialised (or zeroed) options.
        unsafe { clean_up(guard::mutable(connection_options)?) };
        Ok(())
    })
}

/// Cleans up `to`, then makes it a copy of `from`: its own context reference and its own
/// copies of the strings. On failure `to` is left zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_connection_options_copy(
    to: *mut aws_tls_connection_options,
    from: *const aws_tls_connection_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends two initialised option structs (possibly the same one).
        let from = unsafe { guard::reference(from) }?;
        let mut copy = aws_tls_connection_options {
            alpn_list: ptr::null_mut(),
            server_name: ptr::null_mut(),
            ctx: ptr::null_mut(),
            ..*from
        };
        let copied = unsafe { copy_string(from.alpn_list) }
            .map(|s| copy.alpn_list = s)
            .and_then(|()| unsafe { copy_string(from.server_name) })
            .map(|s| copy.server_name = s);
        copy.ctx = unsafe { aws_tls_ctx_acquire(from.ctx) };
        let to = unsafe { guard::mutable(to) }?;
        // SAFETY: `to` is initialised; `copy` owns only what was made above.
        unsafe { clean_up(to) };
        match copied {
            Ok(()) => {
                *to = copy;
                Ok(())
            }
            Err(e) => {
                unsafe { clean_up(&mut copy) };
                Err(e)
            }
        }
    })
}

/// Sets the callbacks a TLS channel handler calls and their user data.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_connection_options_set_callbacks(
    conn_options: *mut aws_tls_connection_options,
    on_negotiation_result: Option<aws_tls_on_negotiation_result_fn>,
    on_data_read: Option<aws_tls_on_data_read_fn>,
    on_error: Option<aws_tls_on_error_fn>,
    user_data: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: the caller lends initialised options.
        let o = unsafe { guard::mutable(conn_options) }?;
        o.on_negotiation_result = on_negotiation_result;
        o.on_data_read = on_data_read;
        o.on_error = on_error;
        o.user_data = user_data;
        Ok(())
    })
}

/// Sets the name sent in SNI and checked against the server's certificate, copied from
/// `allocator`. Without one, the transport uses the host it connects to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_connection_options_set_server_name(
    conn_options: *mut aws_tls_connection_options,
    allocator: *mut aws_allocator,
    server_name: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends initialised options, an allocator and a valid cursor.
        let o = unsafe { guard::mutable(conn_options) }?;
        let name = unsafe { cursor_bytes(server_name) }?;
        let copy = unsafe { new_string(allocator, name) }?;
        unsafe { aws_string_destroy(o.server_name) };
        o.server_name = copy.as_ptr();
        Ok(())
    })
}

/// Sets this connection's ALPN protocols, `"a;b"`, replacing the context's; copied from
/// `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_tls_connection_options_set_alpn_list(
    conn_options: *mut aws_tls_connection_options,
    allocator: *mut aws_allocator,
    alpn_list: *const c_char,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends initialised options, an allocator and a C string.
        let o = unsafe { guard::mutable(conn_options) }?;
        let list = unsafe { guard::c_str(alpn_list) }?;
        let copy = unsafe { new_string(allocator, list.to_bytes()) }?;
        unsafe { aws_string_destroy(o.alpn_list) };
        o.alpn_list = copy.as_ptr();
        Ok(())
    })
}

/// What a transport needs from connection options to start a TLS session: their context
/// (shared: the caller may clean the options up meanwhile), server name, ALPN list and
/// handshake timeout. Options without a context are `AWS_ERROR_INVALID_ARGUMENT`; strings
/// that are not UTF-8 are `AWS_IO_TLS_CTX_ERROR`.
///
/// # Safety
/// A non-NULL `options` must be initialised connection options.
pub unsafe fn connection_settings(
    options: *const aws_tls_connection_options,
) -> Result<TlsConnectionSettings> {
    // SAFETY: forwarded caller contract.
    let o = unsafe { guard::reference(options) }?;
    let text = |s: *mut aws_string, what: &str| -> Result<Option<String>> {
        if s.is_null() {
            return Ok(None);
        }
        // SAFETY: the options own a valid string.
        let bytes = unsafe { string_bytes(s) }?;
        String::from_utf8(bytes.to_vec())
            .map(Some)
            .map_err(|e| TlsError::context(what, e).into())
    };
    Ok(TlsConnectionSettings {
        context: unsafe { tls_context(o.ctx) }?,
        server_name: text(o.server_name, "server name")?,
        alpn_list: text(o.alpn_list, "ALPN list")?,
        timeout_ms: o.timeout_ms,
    })
}

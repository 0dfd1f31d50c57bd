//! `aws/common/uri.h`: making a URI from its parts (`aws_uri_init_from_builder_options`),
//! collecting a query string's parameters into a list, and the percent-encoding helpers
//! SigV4 signing and HTTP requests use.
//!
//! As upstream: a builder with both a query string and a parameter list is an invalid
//! argument; path encoding keeps letters, digits, `-_.~` and `/`, parameter encoding the same
//! without `/`, both writing `%XX` in upper case; decoding turns `%xx` (either case) back into
//! bytes and fails with `AWS_ERROR_MALFORMED_INPUT_STRING` on a `%` without two hex digits,
//! leaving what it appended so far. Buffers grow only when they have an allocator.
//!
//! # Safety
//! The safety contract of every exported function is the one stated in [`uri`](super::uri);
//! a parameter list holds `aws_uri_param` items.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::array_list::{aws_array_list, aws_array_list_push_back};
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut, cursor_bytes};
use crate::ffi::common::byte_buf_append::{append, reserve};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_MALFORMED_INPUT_STRING, AWS_ERROR_OVERFLOW_DETECTED,
};
use crate::ffi::common::uri::{aws_query_string_next_param, aws_uri, aws_uri_param, init_parse};
use crate::ffi::guard::{self, Error, Result, require};
use crate::transport::percent;
use std::ffi::c_int;

/// The parts `aws_uri_init_from_builder_options` puts together as
/// `scheme://host_name:port path?query`.
#[repr(C)]
pub struct aws_uri_builder_options {
    /// Left out (with its `://`) when empty.
    pub scheme: aws_byte_cursor,
    /// Written as it is, after the port.
    pub path: aws_byte_cursor,
    /// The host.
    pub host_name: aws_byte_cursor,
    /// Left out when 0.
    pub port: u32,
    /// `aws_uri_param` items written as `key=value&...`; NULL for none.
    pub query_params: *mut aws_array_list,
    /// A query string written as it is (not with `query_params`).
    pub query_string: aws_byte_cursor,
}

/// The text a builder describes.
///
/// # Safety
/// As the module's contract.
unsafe fn build(options: &aws_uri_builder_options) -> Result<Vec<u8>> {
    // SAFETY: forwarded caller contract.
    let bytes = |c: aws_byte_cursor| unsafe { c.as_bytes() };
    require(options.query_string.len == 0 || options.query_params.is_null())?;
    let mut text = Vec::new();
    if options.scheme.len > 0 {
        text.extend_from_slice(bytes(options.scheme)?);
        text.extend_from_slice(b"://");
    }
    text.extend_from_slice(bytes(options.host_name)?);
    if options.port != 0 {
        text.extend_from_slice(format!(":{}", options.port).as_bytes());
    }
    text.extend_from_slice(bytes(options.path)?);
    if let Some(list) = unsafe { options.query_params.as_ref() } {
        require(list.is_valid() && list.item_size == size_of::<aws_uri_param>())?;
        text.push(b'?');
        for i in 0..list.length {
            // SAFETY: a valid list of `aws_uri_param` items.
            let param = unsafe { &*list.data.cast::<aws_uri_param>().add(i) };
            if i > 0 {
                text.push(b'&');
            }
            text.extend_from_slice(bytes(param.key)?);
            text.push(b'=');
            text.extend_from_slice(bytes(param.value)?);
        }
    } else if options.query_string.len > 0 {
        text.push(b'?');
        text.extend_from_slice(bytes(options.query_string)?);
    }
    Ok(text)
}

/// Sets `uri` up from `options`' parts and parses the result. `AWS_ERROR_INVALID_ARGUMENT` when
/// both a query string and parameters are given; the parser's errors otherwise. On failure the
/// URI is left zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_init_from_builder_options(
    uri: *mut aws_uri,
    allocator: *mut aws_allocator,
    options: *mut aws_uri_builder_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let uri = unsafe { guard::mutable(uri) }?;
        *uri = aws_uri::ZERO;
        let options = unsafe { guard::reference(options) }?;
        unsafe { allocator::checked(allocator) }?;
        let text = unsafe { build(options) }?;
        unsafe { init_parse(uri, allocator, &text) }
    })
}

/// Appends each parameter of `query_string` to `out_params` (a list of `aws_uri_param`, which
/// point into the query string). Empty entries are skipped.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_query_string_params(
    query_string: aws_byte_cursor,
    out_params: *mut aws_array_list,
) -> c_int {
    guard::op(|| {
        require(!out_params.is_null())?;
        let mut param = aws_uri_param {
            key: aws_byte_cursor::EMPTY,
            value: aws_byte_cursor::EMPTY,
        };
        // SAFETY: forwarded caller contract.
        while unsafe { aws_query_string_next_param(query_string, &mut param) } {
            if unsafe { aws_array_list_push_back(out_params, (&raw const param).cast()) }
                != guard::OP_SUCCESS
            {
                return Err(Error(crate::ffi::common::error::aws_last_error()));
            }
        }
        Ok(())
    })
}

/// [`aws_query_string_params`] over `uri`'s query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_query_string_params(
    uri: *const aws_uri,
    out_params: *mut aws_array_list,
) -> c_int {
    guard::guard(guard::OP_ERR, || {
        // SAFETY: forwarded caller contract.
        let query = unsafe { guard::reference(uri) }?.query_string;
        Ok(unsafe { aws_query_string_params(query, out_params) })
    })
}

/// Appends `bytes` to `out`, making room first (growing only a buffer with an allocator).
///
/// # Safety
/// `out` must be a valid buffer.
unsafe fn append_room(out: &mut aws_byte_buf, bytes: &[u8], worst_case: usize) -> Result<()> {
    if out.capacity - out.len < worst_case {
        let needed = out
            .len
            .checked_add(worst_case)
            .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
        // SAFETY: forwarded caller contract.
        unsafe { reserve(out, needed) }?;
    }
    unsafe { append(out, aws_byte_cursor::from_slice(bytes)) }
}

/// Percent-encodes `cursor` onto `buffer` with `encode` (a path or a parameter).
///
/// # Safety
/// As the module's contract.
unsafe fn encode(
    buffer: *mut aws_byte_buf,
    cursor: *const aws_byte_cursor,
    encode: fn(&[u8]) -> Vec<u8>,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let input = unsafe { cursor_bytes(cursor) }?;
        let out = unsafe { buf_mut(buffer) }?;
        let worst = input
            .len()
            .checked_mul(3)
            .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
        unsafe { append_room(out, &encode(input), worst) }
    })
}

/// Appends `cursor` percent-encoded as a URI path (SigV4's variant: `/` kept).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_encoding_uri_path(
    buffer: *mut aws_byte_buf,
    cursor: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { encode(buffer, cursor, percent::encode_path) }
}

/// Appends `cursor` percent-encoded as a query parameter (`a b_c` becomes `a%20b_c`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_encoding_uri_param(
    buffer: *mut aws_byte_buf,
    cursor: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { encode(buffer, cursor, percent::encode_param) }
}

/// Appends `cursor` with its `%xx` escapes decoded. `AWS_ERROR_MALFORMED_INPUT_STRING` for a
/// `%` not followed by two hex digits (what came before it stays appended, as upstream).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_decoding_uri(
    buffer: *mut aws_byte_buf,
    cursor: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let input = unsafe { cursor_bytes(cursor) }?;
        let out = unsafe { buf_mut(buffer) }?;
        let (text, malformed) = match percent::decode(input) {
            Ok(text) => (text, false),
            Err(text) => (text, true),
        };
        unsafe { append_room(out, &text, input.len()) }?;
        if malformed {
            return Err(AWS_ERROR_MALFORMED_INPUT_STRING.into());
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::array_list::{aws_array_list_clean_up, aws_array_list_init_dynamic};
    use crate::ffi::common::byte_buf::test_support::{cur, text};
    use crate::ffi::common::byte_buf::{aws_byte_buf_clean_up, aws_byte_buf_init};
    use crate::ffi::common::error::aws_last_error;
    use crate::ffi::common::uri::aws_uri_clean_up;
    use crate::ffi::guard::INVALID_ARGUMENT;

    fn encoded(
        f: unsafe extern "C" fn(*mut aws_byte_buf, *const aws_byte_cursor) -> c_int,
        input: &[u8],
    ) -> (c_int, String) {
        unsafe {
            let mut buf = aws_byte_buf::EMPTY;
            aws_byte_buf_init(&mut buf, aws_default_allocator(), 1);
            let c = aws_byte_cursor::from_slice(input);
            let rc = f(&mut buf, &c);
            let out = String::from_utf8_lossy(std::slice::from_raw_parts(buf.buffer, buf.len))
                .into_owned();
            aws_byte_buf_clean_up(&mut buf);
            (rc, out)
        }
    }

    #[test]
    fn percent_encoding_and_decoding() {
        assert_eq!(
            encoded(aws_byte_buf_append_encoding_uri_param, b"a b_c/~\xff"),
            (0, "a%20b_c%2F~%FF".into())
        );
        assert_eq!(
            encoded(aws_byte_buf_append_encoding_uri_path, b"/a b/c.d"),
            (0, "/a%20b/c.d".into())
        );
        assert_eq!(
            encoded(aws_byte_buf_append_decoding_uri, b"a%20b%2fc+"),
            (0, "a b/c+".into())
        );
        let (rc, partial) = encoded(aws_byte_buf_append_decoding_uri, b"ab%2");
        assert_eq!((rc, partial.as_str()), (-1, "ab"));
        assert_eq!(aws_last_error(), AWS_ERROR_MALFORMED_INPUT_STRING as c_int);
    }

    #[test]
    fn a_uri_is_built_from_parts_and_params_collected() {
        unsafe {
            let mut params = std::mem::zeroed::<aws_array_list>();
            aws_array_list_init_dynamic(
                &mut params,
                aws_default_allocator(),
                2,
                size_of::<aws_uri_param>(),
            );
            assert_eq!(aws_query_string_params(cur("a=1&&b"), &mut params), 0);
            assert_eq!(params.length, 2);
            let mut options = aws_uri_builder_options {
                scheme: cur("https"),
                path: cur("/p"),
                host_name: cur("example.com"),
                port: 8443,
                query_params: &mut params,
                query_string: aws_byte_cursor::EMPTY,
            };
            let mut uri = std::mem::zeroed::<aws_uri>();
            assert_eq!(
                aws_uri_init_from_builder_options(&mut uri, aws_default_allocator(), &mut options),
                0
            );
            assert_eq!(
                text(aws_byte_cursor {
                    len: uri.uri_str.len,
                    ptr: uri.uri_str.buffer
                }),
                "https://example.com:8443/p?a=1&b="
            );
            assert_eq!(uri.port, 8443);
            let mut again = std::mem::zeroed::<aws_array_list>();
            aws_array_list_init_dynamic(
                &mut again,
                aws_default_allocator(),
                0,
                size_of::<aws_uri_param>(),
            );
            assert_eq!(aws_uri_query_string_params(&uri, &mut again), 0);
            assert_eq!(again.length, 2);
            aws_array_list_clean_up(&mut again);
            aws_uri_clean_up(&mut uri);
            options.query_string = cur("x=1");
            assert_eq!(
                aws_uri_init_from_builder_options(&mut uri, aws_default_allocator(), &mut options),
                -1
            );
            assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
            aws_array_list_clean_up(&mut params);
        }
    }
}

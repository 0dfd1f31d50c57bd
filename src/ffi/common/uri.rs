//! `aws/common/uri.h`: a URI parsed into its parts (scheme, authority, userinfo, host, port,
//! path, query), and the iteration over a query string's parameters.
//!
//! `aws_uri_init_parse` copies the string into `uri_str`, with storage from the caller's
//! allocator, and every part is a cursor into that copy; the parsing itself is
//! [`crate::transport::uri`], by upstream's rules. A part the string lacks is a cursor with a
//! NULL pointer and length 0; a port the string lacks is 0.
//!
//! The URI builder, the parameter lists and the percent-encoding helpers live in
//! [`uri_build`](super::uri_build). Where upstream would crash on a NULL argument, these calls raise
//! `AWS_ERROR_INVALID_ARGUMENT` and return their failure value.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a cursor's bytes readable) that nothing else mutates
//! during the call; an `aws_uri` passed to a function other than `aws_uri_init_parse` was set up
//! by it (or zeroed).

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{self, aws_byte_buf, aws_byte_cursor, cursor_bytes};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_MALFORMED_INPUT_STRING;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result, require};
use crate::transport::uri::{self as parser, UriParts};
use std::ffi::c_int;
use std::mem::size_of;
use std::ops::Range;
use std::ptr;

/// A parsed URI (upstream's `struct aws_uri`): its own copy of the string, and cursors into that
/// copy for each part.
#[repr(C)]
pub struct aws_uri {
    /// `sizeof(struct aws_uri)`, set by `aws_uri_init_parse`.
    pub self_size: usize,
    /// The allocator `uri_str`'s storage came from.
    pub allocator: *mut aws_allocator,
    /// The whole URI, copied.
    pub uri_str: aws_byte_buf,
    /// `mqtt` in `mqtt://host`.
    pub scheme: aws_byte_cursor,
    /// `[userinfo@]host[:port]`.
    pub authority: aws_byte_cursor,
    /// What comes before the authority's `@`.
    pub userinfo: aws_byte_cursor,
    /// The userinfo before its first `:`.
    pub user: aws_byte_cursor,
    /// The userinfo after its first `:`.
    pub password: aws_byte_cursor,
    /// The host, without an IPv6 literal's brackets.
    pub host_name: aws_byte_cursor,
    /// The port, 0 when the URI has none.
    pub port: u32,
    /// The path with its leading `/`, before any `?`.
    pub path: aws_byte_cursor,
    /// The query string, without its `?`.
    pub query_string: aws_byte_cursor,
    /// The path and the query with its `?`.
    pub path_and_query: aws_byte_cursor,
}

/// One parameter of a query string: `key=value`, or all key (and an empty value) without `=`.
#[repr(C)]
pub struct aws_uri_param {
    /// Before the first `=`.
    pub key: aws_byte_cursor,
    /// After the first `=`.
    pub value: aws_byte_cursor,
}

impl aws_uri {
    /// The all-zero URI, which `aws_uri_clean_up` leaves behind.
    pub(super) const ZERO: Self = Self {
        self_size: 0,
        allocator: ptr::null_mut(),
        uri_str: aws_byte_buf::EMPTY,
        scheme: aws_byte_cursor::EMPTY,
        authority: aws_byte_cursor::EMPTY,
        userinfo: aws_byte_cursor::EMPTY,
        user: aws_byte_cursor::EMPTY,
        password: aws_byte_cursor::EMPTY,
        host_name: aws_byte_cursor::EMPTY,
        port: 0,
        path: aws_byte_cursor::EMPTY,
        query_string: aws_byte_cursor::EMPTY,
        path_and_query: aws_byte_cursor::EMPTY,
    };

    /// Points each part at `self.uri_str`, which `parts` was parsed from.
    fn set_parts(&mut self, parts: &UriParts) {
        let base = self.uri_str.cursor();
        let at = |range: &Option<Range<usize>>| match range {
            Some(r) => base.sub(r.start, r.len()),
            None => aws_byte_cursor::EMPTY,
        };
        self.scheme = at(&parts.scheme);
        self.authority = at(&parts.authority);
        self.userinfo = at(&parts.userinfo);
        self.user = at(&parts.user);
        self.password = at(&parts.password);
        self.host_name = at(&parts.host_name);
        self.port = parts.port;
        self.path = at(&parts.path);
        self.query_string = at(&parts.query_string);
        self.path_and_query = at(&parts.path_and_query);
    }
}

/// Copies `source` into `uri.uri_str` and parses the copy.
///
/// # Safety
/// A non-NULL `allocator` must be a valid allocator; `source` must be readable.
pub(super) unsafe fn init_parse(
    uri: &mut aws_uri,
    allocator: *mut aws_allocator,
    source: &[u8],
) -> Result<()> {
    let mut copy = aws_byte_buf::EMPTY;
    // SAFETY: forwarded caller contract; the fresh storage holds `source.len()` bytes.
    unsafe {
        byte_buf::init(&mut copy, allocator, source.len())?;
        if !source.is_empty() {
            ptr::copy_nonoverlapping(source.as_ptr(), copy.buffer, source.len());
        }
    }
    copy.len = source.len();
    let parts = match parser::parse(source) {
        Ok(parts) => parts,
        Err(_) => {
            // SAFETY: `copy` owns storage from `allocator`.
            unsafe { byte_buf::clean_up(&mut copy) };
            return Err(AWS_ERROR_MALFORMED_INPUT_STRING.into());
        }
    };
    *uri = aws_uri {
        self_size: size_of::<aws_uri>(),
        allocator,
        uri_str: copy,
        ..aws_uri::ZERO
    };
    uri.set_parts(&parts);
    Ok(())
}

/// Parses `uri_str` into `uri`, copying it with storage from `allocator`. A malformed URI (no
/// authority, a scheme without `//`, an unclosed `[`, a port that is not a 32-bit number)
/// fails with `AWS_ERROR_MALFORMED_INPUT_STRING`. On failure `uri` is left zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_init_parse(
    uri: *mut aws_uri,
    allocator: *mut aws_allocator,
    uri_str: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the URI to fill, an allocator and the string's cursor.
        let uri = unsafe { guard::mutable(uri) }?;
        *uri = aws_uri::ZERO;
        let source = unsafe { cursor_bytes(uri_str) }?;
        unsafe { init_parse(uri, allocator, source) }
    })
}

/// Gives back `uri`'s copy of the string and zeroes it. A zeroed URI is left as it is.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_clean_up(uri: *mut aws_uri) {
    guard::guard((), || {
        // SAFETY: the caller lends a URI that aws_uri_init_parse set up, or a zeroed one.
        let uri = unsafe { guard::mutable(uri) }?;
        if !uri.uri_str.allocator.is_null() {
            require(uri.uri_str.is_valid())?;
            // SAFETY: the copy's storage came from its allocator.
            unsafe { byte_buf::clean_up(&mut uri.uri_str) };
        }
        *uri = aws_uri::ZERO;
        Ok(())
    })
}

/// A pointer to one of a URI's cursors; NULL (and `AWS_ERROR_INVALID_ARGUMENT`) for a NULL URI.
///
/// # Safety
/// A non-NULL `uri` must point to a valid `aws_uri`.
unsafe fn part(
    uri: *const aws_uri,
    field: impl FnOnce(*const aws_uri) -> *const aws_byte_cursor,
) -> *const aws_byte_cursor {
    guard::guard(ptr::null(), || {
        require(!uri.is_null())?;
        Ok(field(uri))
    })
}

/// The scheme (`mqtt`, `https`, ...); empty when the URI has none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_scheme(uri: *const aws_uri) -> *const aws_byte_cursor {
    // SAFETY: forwarded caller contract; only the field's address is taken.
    unsafe { part(uri, |u| ptr::addr_of!((*u).scheme)) }
}

/// The authority (`host[:port]`, with any userinfo); empty when the URI has none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_authority(uri: *const aws_uri) -> *const aws_byte_cursor {
    // SAFETY: forwarded caller contract; only the field's address is taken.
    unsafe { part(uri, |u| ptr::addr_of!((*u).authority)) }
}

/// The path with its leading `/`; empty when the URI has none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_path(uri: *const aws_uri) -> *const aws_byte_cursor {
    // SAFETY: forwarded caller contract; only the field's address is taken.
    unsafe { part(uri, |u| ptr::addr_of!((*u).path)) }
}

/// The query string without its `?`; empty when the URI has none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_query_string(uri: *const aws_uri) -> *const aws_byte_cursor {
    // SAFETY: forwarded caller contract; only the field's address is taken.
    unsafe { part(uri, |u| ptr::addr_of!((*u).query_string)) }
}

/// The host name, without an IPv6 literal's brackets; empty when the URI has no authority.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_host_name(uri: *const aws_uri) -> *const aws_byte_cursor {
    // SAFETY: forwarded caller contract; only the field's address is taken.
    unsafe { part(uri, |u| ptr::addr_of!((*u).host_name)) }
}

/// The path and the query (what a request line carries).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_path_and_query(uri: *const aws_uri) -> *const aws_byte_cursor {
    // SAFETY: forwarded caller contract; only the field's address is taken.
    unsafe { part(uri, |u| ptr::addr_of!((*u).path_and_query)) }
}

/// The port; 0 when the URI has none (the caller then picks the scheme's default), and for a
/// NULL URI (with `AWS_ERROR_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_port(uri: *const aws_uri) -> u32 {
    guard::guard(0, || {
        // SAFETY: the caller lends a valid URI.
        Ok(unsafe { guard::reference(uri) }?.port)
    })
}

/// Where the parameter in `param` ends in `query`, or `None` when `param` is zeroed (the first
/// call). A parameter that does not lie within `query` is an invalid argument.
fn previous_end(query: &aws_byte_cursor, param: &aws_uri_param) -> Result<Option<usize>> {
    if param.value.ptr.is_null() {
        return Ok(None);
    }
    let start = query.ptr as usize;
    let value = param.value.ptr as usize;
    let end = value
        .checked_sub(start)
        .and_then(|offset| offset.checked_add(param.value.len))
        .filter(|&end| end <= query.len)
        .ok_or(INVALID_ARGUMENT)?;
    Ok(Some(end))
}

/// Moves `param` to the next parameter of `query_string`. Start with a zeroed `param`; true
/// when `param` now holds a parameter, false when there are no more (`param` is then left as it
/// was). Empty entries are skipped; an entry without `=` has an empty value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_query_string_next_param(
    query_string: aws_byte_cursor,
    param: *mut aws_uri_param,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends the parameter to advance and a cursor over readable bytes.
        let param = unsafe { guard::mutable(param) }?;
        let query = unsafe { query_string.as_bytes() }?;
        let after = previous_end(&query_string, param)?;
        let Some(next) = parser::next_query_param(query, after) else {
            return Ok(false);
        };
        param.key = query_string.sub(next.key.start, next.key.len());
        param.value = query_string.sub(next.value.start, next.value.len());
        Ok(true)
    })
}

/// [`aws_query_string_next_param`] over `uri`'s query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uri_query_string_next_param(
    uri: *const aws_uri,
    param: *mut aws_uri_param,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a valid URI and the parameter to advance.
        let query = unsafe { guard::reference(uri) }?.query_string;
        Ok(unsafe { aws_query_string_next_param(query, param) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::byte_buf::test_support::{cur, text};
    use crate::ffi::common::error::{aws_common_error, aws_last_error};
    use crate::ffi::guard::{OP_ERR, OP_SUCCESS};

    fn parsed(s: &str) -> aws_uri {
        let mut uri = aws_uri::ZERO;
        let c = cur(s);
        assert_eq!(
            unsafe { aws_uri_init_parse(&mut uri, aws_default_allocator(), &c) },
            OP_SUCCESS
        );
        uri
    }

    #[test]
    fn parts_point_into_the_uris_own_copy() {
        let source = String::from("mqtts://user:pw@[::1]:8883/mqtt?a=1");
        let mut uri = parsed(&source);
        drop(source);
        assert_eq!(uri.self_size, size_of::<aws_uri>());
        assert_eq!(text(unsafe { *aws_uri_scheme(&uri) }), "mqtts");
        assert_eq!(text(unsafe { *aws_uri_host_name(&uri) }), "::1");
        assert_eq!(unsafe { aws_uri_port(&uri) }, 8883);
        assert_eq!(text(uri.user), "user");
        assert_eq!(text(uri.password), "pw");
        assert_eq!(text(unsafe { *aws_uri_path(&uri) }), "/mqtt");
        assert_eq!(text(unsafe { *aws_uri_query_string(&uri) }), "a=1");
        assert_eq!(text(unsafe { *aws_uri_path_and_query(&uri) }), "/mqtt?a=1");
        let start = uri.uri_str.buffer as usize;
        let host = uri.host_name.ptr as usize;
        assert!(host > start && host < start + uri.uri_str.len);
        unsafe { aws_uri_clean_up(&mut uri) };
        assert!(uri.uri_str.buffer.is_null() && uri.self_size == 0);
    }

    #[test]
    fn missing_parts_are_null_cursors() {
        let mut uri = parsed("localhost");
        assert!(uri.scheme.ptr.is_null() && uri.scheme.len == 0);
        assert!(uri.path.ptr.is_null() && uri.path_and_query.ptr.is_null());
        assert_eq!(uri.port, 0);
        unsafe { aws_uri_clean_up(&mut uri) };
    }

    #[test]
    fn a_malformed_uri_fails_and_leaves_the_struct_zeroed() {
        let mut uri = parsed("x");
        unsafe { aws_uri_clean_up(&mut uri) };
        uri.port = 7;
        let c = cur("host:99999999999");
        let rc = unsafe { aws_uri_init_parse(&mut uri, aws_default_allocator(), &c) };
        assert_eq!(rc, OP_ERR);
        assert_eq!(
            aws_last_error(),
            aws_common_error::AWS_ERROR_MALFORMED_INPUT_STRING as c_int
        );
        assert_eq!(uri.port, 0);
        assert!(uri.uri_str.buffer.is_null() && uri.allocator.is_null());
    }

    #[test]
    fn null_arguments_are_invalid() {
        let c = cur("host");
        let mut uri = aws_uri::ZERO;
        let invalid = aws_common_error::AWS_ERROR_INVALID_ARGUMENT as c_int;
        unsafe {
            assert_eq!(
                aws_uri_init_parse(ptr::null_mut(), aws_default_allocator(), &c),
                OP_ERR
            );
            assert_eq!(aws_uri_init_parse(&mut uri, ptr::null_mut(), &c), OP_ERR);
            assert_eq!(aws_last_error(), invalid);
            assert_eq!(
                aws_uri_init_parse(&mut uri, aws_default_allocator(), ptr::null()),
                OP_ERR
            );
            assert!(aws_uri_host_name(ptr::null()).is_null());
            assert_eq!(aws_uri_port(ptr::null()), 0);
            assert_eq!(aws_last_error(), invalid);
            aws_uri_clean_up(ptr::null_mut());
            assert!(!aws_uri_query_string_next_param(&uri, ptr::null_mut()));
        }
    }

    #[test]
    fn query_parameters_are_iterated_through_the_in_out_param() {
        let mut uri = parsed("h/p?a=1&&b&c=2");
        let mut param = aws_uri_param {
            key: aws_byte_cursor::EMPTY,
            value: aws_byte_cursor::EMPTY,
        };
        let mut seen = Vec::new();
        while unsafe { aws_uri_query_string_next_param(&uri, &mut param) } {
            seen.push(format!("{}={}", text(param.key), text(param.value)));
        }
        assert_eq!(seen, ["a=1", "b=", "c=2"]);
        unsafe { aws_uri_clean_up(&mut uri) };
    }
}

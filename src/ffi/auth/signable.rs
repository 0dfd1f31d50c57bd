//! `aws/auth/signable.h`: what a signer signs, behind a vtable a program may implement itself:
//! named properties (`method`, `uri`, `previous-signature`, `canonical-request`), named property
//! lists (`headers`) and a payload stream. The three kinds made here wrap an HTTP request, a
//! chunk of a streamed body and trailing headers, as upstream's do.
//!
//! Differences: NULL arguments are `AWS_ERROR_INVALID_ARGUMENT` instead of assertions; a
//! request made by this library has no body stream, so its payload stream is NULL.

use crate::ffi::auth::signing_result::status;
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::array_list::{
    aws_array_list, aws_array_list_clean_up, aws_array_list_init_dynamic, aws_array_list_push_back,
};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::common::string::{aws_string, string_bytes};
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use crate::ffi::http::request_response::{
    aws_http_header, aws_http_headers, aws_http_headers_acquire, aws_http_headers_count,
    aws_http_headers_get_index, aws_http_headers_release, aws_http_message,
    aws_http_message_acquire, aws_http_message_get_header, aws_http_message_get_header_count,
    aws_http_message_get_request_method, aws_http_message_get_request_path,
    aws_http_message_release,
};
use std::ffi::{c_int, c_void};
use std::mem::size_of;
use std::ptr;

/// A stream of bytes: aws-c-io's (`aws/io/stream.h`).
pub use crate::ffi::io::stream::aws_input_stream;

/// One name-value pair of a signable's property list (cursors into the signable's source).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_signable_property_list_pair {
    /// The name.
    pub name: aws_byte_cursor,
    /// The value.
    pub value: aws_byte_cursor,
}

/// Reads a named property.
pub type aws_signable_get_property_fn = unsafe extern "C" fn(
    signable: *const aws_signable,
    name: *const aws_string,
    out_value: *mut aws_byte_cursor,
) -> c_int;

/// Reads a named property list.
pub type aws_signable_get_property_list_fn = unsafe extern "C" fn(
    signable: *const aws_signable,
    name: *const aws_string,
    out_list: *mut *mut aws_array_list,
) -> c_int;

/// Reads the payload stream (NULL: none).
pub type aws_signable_get_payload_stream_fn = unsafe extern "C" fn(
    signable: *const aws_signable,
    out_input_stream: *mut *mut aws_input_stream,
) -> c_int;

/// Frees the signable.
pub type aws_signable_destroy_fn = unsafe extern "C" fn(signable: *mut aws_signable);

/// A signable's behaviour.
#[repr(C)]
pub struct aws_signable_vtable {
    /// See [`aws_signable_get_property_fn`].
    pub get_property: Option<aws_signable_get_property_fn>,
    /// See [`aws_signable_get_property_list_fn`].
    pub get_property_list: Option<aws_signable_get_property_list_fn>,
    /// See [`aws_signable_get_payload_stream_fn`].
    pub get_payload_stream: Option<aws_signable_get_payload_stream_fn>,
    /// See [`aws_signable_destroy_fn`].
    pub destroy: Option<aws_signable_destroy_fn>,
}

/// Something to sign.
#[repr(C)]
pub struct aws_signable {
    /// Where it came from.
    pub allocator: *mut aws_allocator,
    /// The implementation's state.
    pub r#impl: *mut c_void,
    /// The implementation.
    pub vtable: *mut aws_signable_vtable,
}

/// An `AWS_STATIC_STRING_FROM_LITERAL`: a string header followed by its bytes and a NUL.
#[repr(C)]
pub(crate) struct Literal<const N: usize> {
    pub(crate) allocator: *mut aws_allocator,
    pub(crate) len: usize,
    pub(crate) bytes: [u8; N],
}

// SAFETY: never written; the allocator pointer is NULL.
unsafe impl<const N: usize> Sync for Literal<N> {}

macro_rules! literal {
    ($store:ident, $text:literal) => {
        static $store: $crate::ffi::auth::signable::Literal<{ $text.len() + 1 }> =
            $crate::ffi::auth::signable::Literal {
                allocator: std::ptr::null_mut(),
                len: $text.len(),
                bytes: *$crate::ffi::auth::signable::concat_bytes_nul!($text),
            };
    };
}

/// `b"text"` with a NUL appended, as an array.
macro_rules! concat_bytes_nul {
    ($text:literal) => {{
        const T: &[u8] = $text;
        const N: usize = T.len() + 1;
        const A: [u8; N] = {
            let mut a = [0u8; N];
            let mut i = 0;
            while i < T.len() {
                a[i] = T[i];
                i += 1;
            }
            a
        };
        &A
    }};
}
pub(crate) use {concat_bytes_nul, literal};

literal!(HEADERS, b"headers");
literal!(PARAMS, b"params");
literal!(METHOD, b"method");
literal!(URI, b"uri");
literal!(SIGNATURE, b"signature");
literal!(PREVIOUS_SIGNATURE, b"previous-signature");
literal!(CANONICAL_REQUEST, b"canonical-request");

/// The name of the header list of a request's signable and of a signing result.
#[unsafe(no_mangle)]
pub static mut g_aws_http_headers_property_list_name: *const aws_string =
    (&raw const HEADERS).cast();
/// The name of a signing result's query parameter list.
#[unsafe(no_mangle)]
pub static mut g_aws_http_query_params_property_list_name: *const aws_string =
    (&raw const PARAMS).cast();
/// The name of a request's method property.
#[unsafe(no_mangle)]
pub static mut g_aws_http_method_property_name: *const aws_string = (&raw const METHOD).cast();
/// The name of a request's path-and-query property.
#[unsafe(no_mangle)]
pub static mut g_aws_http_uri_property_name: *const aws_string = (&raw const URI).cast();
/// The name of a signing result's signature property.
#[unsafe(no_mangle)]
pub static mut g_aws_signature_property_name: *const aws_string = (&raw const SIGNATURE).cast();
/// The name of a chunk's or trailer's previous-signature property.
#[unsafe(no_mangle)]
pub static mut g_aws_previous_signature_property_name: *const aws_string =
    (&raw const PREVIOUS_SIGNATURE).cast();
/// The name of a canonical request's property.
#[unsafe(no_mangle)]
pub static mut g_aws_canonical_request_property_name: *const aws_string =
    (&raw const CANONICAL_REQUEST).cast();

/// What the signables made here hold.
struct Source {
    /// A request, whose method and path are read live (one reference held).
    request: *mut aws_http_message,
    /// Trailing headers (one reference held).
    trailers: *mut aws_http_headers,
    /// The header pairs, copied as cursors when the signable is made.
    headers: aws_array_list,
    /// A chunk's data.
    stream: *mut aws_input_stream,
    /// `previous-signature` or `canonical-request`, with the property's name.
    property: Option<(*const aws_string, Vec<u8>)>,
}

/// # Safety
/// `signable` must be one made here.
unsafe fn source<'a>(signable: *const aws_signable) -> Result<&'a Source> {
    // SAFETY: caller contract.
    let s = unsafe { guard::reference(signable) }?;
    unsafe { s.r#impl.cast::<Source>().as_ref() }.ok_or(INVALID_ARGUMENT)
}

/// Whether two strings hold the same bytes.
unsafe fn same(a: *const aws_string, b: *const aws_string) -> Result<bool> {
    // SAFETY: forwarded caller contract.
    Ok(unsafe { string_bytes(a)? == string_bytes(b)? })
}

unsafe extern "C" fn get_property(
    signable: *const aws_signable,
    name: *const aws_string,
    out_value: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| unsafe {
        let src = source(signable)?;
        let out = guard::mutable(out_value)?;
        *out = aws_byte_cursor::from_slice(&[]);
        if !src.request.is_null() && same(name, g_aws_http_uri_property_name)? {
            return status(aws_http_message_get_request_path(src.request, out));
        }
        if !src.request.is_null() && same(name, g_aws_http_method_property_name)? {
            return status(aws_http_message_get_request_method(src.request, out));
        }
        match &src.property {
            Some((n, value)) if same(name, *n)? => {
                *out = aws_byte_cursor::from_slice(value);
                Ok(())
            }
            _ => Err(INVALID_ARGUMENT),
        }
    })
}

unsafe extern "C" fn get_property_list(
    signable: *const aws_signable,
    name: *const aws_string,
    out_list: *mut *mut aws_array_list,
) -> c_int {
    guard::op(|| unsafe {
        let src = source(signable)?;
        let out = guard::mutable(out_list)?;
        *out = ptr::null_mut();
        if (src.request.is_null() && src.trailers.is_null())
            || !same(name, g_aws_http_headers_property_list_name)?
        {
            return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into());
        }
        *out = (&raw const src.headers).cast_mut();
        Ok(())
    })
}

unsafe extern "C" fn get_payload_stream(
    signable: *const aws_signable,
    out_input_stream: *mut *mut aws_input_stream,
) -> c_int {
    guard::op(|| unsafe {
        let src = source(signable)?;
        *guard::mutable(out_input_stream)? = src.stream;
        Ok(())
    })
}

unsafe extern "C" fn destroy(signable: *mut aws_signable) {
    guard::guard((), || unsafe {
        let s = guard::mutable(signable)?;
        let mut src = Box::from_raw(s.r#impl.cast::<Source>());
        aws_http_message_release(src.request);
        aws_http_headers_release(src.trailers);
        aws_array_list_clean_up(&mut src.headers);
        allocator::release(s.allocator, signable.cast());
        Ok(())
    })
}

static VTABLE: aws_signable_vtable = aws_signable_vtable {
    get_property: Some(get_property),
    get_property_list: Some(get_property_list),
    get_payload_stream: Some(get_payload_stream),
    destroy: Some(destroy),
};

/// Makes a signable over `src`, its header list filled from `pairs`.
///
/// # Safety
/// `allocator` must be checked; the pairs' cursors must stay valid while the signable lives.
unsafe fn make(
    allocator: *mut aws_allocator,
    mut src: Source,
    pairs: &[aws_signable_property_list_pair],
) -> Result<*mut aws_signable> {
    unsafe {
        status(aws_array_list_init_dynamic(
            &mut src.headers,
            allocator,
            pairs.len().max(1),
            size_of::<aws_signable_property_list_pair>(),
        ))?;
        for pair in pairs {
            status(aws_array_list_push_back(
                &mut src.headers,
                (pair as *const aws_signable_property_list_pair).cast(),
            ))?;
        }
        let signable = allocator::calloc(allocator, 1, size_of::<aws_signable>())?
            .as_ptr()
            .cast::<aws_signable>();
        signable.write(aws_signable {
            allocator,
            r#impl: Box::into_raw(Box::new(src)).cast(),
            vtable: (&raw const VTABLE).cast_mut(),
        });
        Ok(signable)
    }
}

fn empty_source() -> Source {
    Source {
        request: ptr::null_mut(),
        trailers: ptr::null_mut(),
        // SAFETY: an all-zero list is the "not set up" state the init call overwrites.
        headers: unsafe { std::mem::zeroed() },
        stream: ptr::null_mut(),
        property: None,
    }
}

/// Wraps an HTTP request (one reference taken): its method, path and headers as of now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signable_new_http_request(
    allocator: *mut aws_allocator,
    request: *mut aws_http_message,
) -> *mut aws_signable {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        guard::require(!request.is_null())?;
        let mut pairs = Vec::new();
        for i in 0..aws_http_message_get_header_count(request) {
            let mut h: aws_http_header = std::mem::zeroed();
            status(aws_http_message_get_header(request, &mut h, i))?;
            pairs.push(aws_signable_property_list_pair {
                name: h.name,
                value: h.value,
            });
        }
        let src = Source {
            request: aws_http_message_acquire(request),
            ..empty_source()
        };
        make(allocator, src, &pairs)
    })
}

/// Wraps a chunk of a streamed body and the previous signature (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signable_new_chunk(
    allocator: *mut aws_allocator,
    chunk_data: *mut aws_input_stream,
    previous_signature: aws_byte_cursor,
) -> *mut aws_signable {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        let src = Source {
            stream: chunk_data,
            property: Some((
                g_aws_previous_signature_property_name,
                previous_signature.as_bytes()?.to_vec(),
            )),
            ..empty_source()
        };
        make(allocator, src, &[])
    })
}

/// Wraps trailing headers (one reference taken) and the previous signature (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signable_new_trailing_headers(
    allocator: *mut aws_allocator,
    trailing_headers: *mut aws_http_headers,
    previous_signature: aws_byte_cursor,
) -> *mut aws_signable {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        guard::require(!trailing_headers.is_null())?;
        let mut pairs = Vec::new();
        for i in 0..aws_http_headers_count(trailing_headers) {
            let mut h: aws_http_header = std::mem::zeroed();
            status(aws_http_headers_get_index(trailing_headers, i, &mut h))?;
            pairs.push(aws_signable_property_list_pair {
                name: h.name,
                value: h.value,
            });
        }
        aws_http_headers_acquire(trailing_headers);
        let src = Source {
            trailers: trailing_headers,
            property: Some((
                g_aws_previous_signature_property_name,
                previous_signature.as_bytes()?.to_vec(),
            )),
            ..empty_source()
        };
        make(allocator, src, &pairs)
    })
}

/// Wraps a canonical request someone else built (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signable_new_canonical_request(
    allocator: *mut aws_allocator,
    canonical_request: aws_byte_cursor,
) -> *mut aws_signable {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        let src = Source {
            property: Some((
                g_aws_canonical_request_property_name,
                canonical_request.as_bytes()?.to_vec(),
            )),
            ..empty_source()
        };
        make(allocator, src, &[])
    })
}

/// Frees a signable through its vtable (NULL is ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signable_destroy(signable: *mut aws_signable) {
    guard::guard((), || unsafe {
        if let Some(s) = signable.as_ref()
            && let Some(destroy) = s.vtable.as_ref().and_then(|v| v.destroy)
        {
            destroy(signable);
        }
        Ok(())
    })
}

/// The vtable of a signable the caller lent.
unsafe fn vtable<'a>(signable: *const aws_signable) -> Result<&'a aws_signable_vtable> {
    // SAFETY: caller contract.
    unsafe { guard::reference(guard::reference(signable)?.vtable) }
}

/// Reads a named property through the signable's vtable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signable_get_property(
    signable: *const aws_signable,
    name: *const aws_string,
    out_value: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| unsafe {
        let f = vtable(signable)?.get_property.ok_or(INVALID_ARGUMENT)?;
        status(f(signable, name, out_value))
    })
}

/// Reads a named property list through the signable's vtable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signable_get_property_list(
    signable: *const aws_signable,
    name: *const aws_string,
    out_property_list: *mut *mut aws_array_list,
) -> c_int {
    guard::op(|| unsafe {
        let f = vtable(signable)?
            .get_property_list
            .ok_or(INVALID_ARGUMENT)?;
        status(f(signable, name, out_property_list))
    })
}

/// Reads the payload stream through the signable's vtable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signable_get_payload_stream(
    signable: *const aws_signable,
    out_input_stream: *mut *mut aws_input_stream,
) -> c_int {
    guard::op(|| unsafe {
        let f = vtable(signable)?
            .get_payload_stream
            .ok_or(INVALID_ARGUMENT)?;
        status(f(signable, out_input_stream))
    })
}

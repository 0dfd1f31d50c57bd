//! `aws/http/request_response.h`: HTTP messages and header lists, as much as the MQTT clients'
//! WebSocket handshake transform needs (read and change the method, the path with its query and
//! the header fields, as SigV4 presigning does).
//!
//! A message and its header list are reference counted (a message holds one reference to its
//! list); neither is synchronised, as upstream. Cursors handed out stay valid until the field
//! (or the path, or method) they point into is replaced or erased. Differences: NULL arguments
//! are `AWS_ERROR_INVALID_ARGUMENT` instead of assertions.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::http::http::aws_http_errors::AWS_ERROR_HTTP_DATA_NOT_AVAILABLE;
use crate::transport::http_request::{Field, HttpHeaders, HttpRequest};
use std::ffi::c_int;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How HTTP/2 may compress a field (HPACK); HTTP/1.1 ignores it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_http_header_compression {
    /// The encoder may index the field.
    AWS_HTTP_HEADER_COMPRESSION_USE_CACHE = 0,
    /// The field is not indexed.
    AWS_HTTP_HEADER_COMPRESSION_NO_CACHE = 1,
    /// The field is never indexed, by any intermediary either.
    AWS_HTTP_HEADER_COMPRESSION_NO_FORWARD_CACHE = 2,
}

/// A C `enum aws_http_header_compression` received from the caller.
pub type aws_http_header_compression_raw = c_int;

/// One header field: cursors to its name and value.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_http_header {
    /// The name.
    pub name: aws_byte_cursor,
    /// The value.
    pub value: aws_byte_cursor,
    /// How HTTP/2 may compress it.
    pub compression: aws_http_header_compression_raw,
}

/// A list of header fields; opaque.
pub struct aws_http_headers {
    _private: [u8; 0],
}

/// An HTTP request or response; opaque.
pub struct aws_http_message {
    _private: [u8; 0],
}

/// What an `aws_http_headers` handle points to.
struct Headers {
    refs: AtomicUsize,
    list: HttpHeaders,
}

/// What an `aws_http_message` handle points to.
struct Message {
    refs: AtomicUsize,
    method: Option<Vec<u8>>,
    path: Option<Vec<u8>>,
    headers: *mut aws_http_headers,
}

/// # Safety
/// A non-NULL `headers` must be a live list made here.
unsafe fn headers_of<'a>(headers: *const aws_http_headers) -> Result<&'a mut Headers> {
    guard::require(!headers.is_null())?;
    // SAFETY: caller contract: a live `Headers` made by `headers_new`.
    Ok(unsafe { &mut *(headers as *mut Headers) })
}

/// # Safety
/// A non-NULL `message` must be a live message made here.
unsafe fn message_of<'a>(message: *const aws_http_message) -> Result<&'a mut Message> {
    guard::require(!message.is_null())?;
    // SAFETY: caller contract: a live `Message` made by `message_new`.
    Ok(unsafe { &mut *(message as *mut Message) })
}

fn headers_new() -> *mut aws_http_headers {
    Box::into_raw(Box::new(Headers {
        refs: AtomicUsize::new(1),
        list: HttpHeaders::default(),
    })) as *mut aws_http_headers
}

fn header_view(f: &Field) -> aws_http_header {
    aws_http_header {
        name: aws_byte_cursor::from_slice(f.name()),
        value: aws_byte_cursor::from_slice(f.value()),
        compression: f.compression,
    }
}

/// Makes an empty header list with one reference. NULL with `AWS_ERROR_INVALID_ARGUMENT` for a
/// NULL allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_new(
    allocator: *mut aws_allocator,
) -> *mut aws_http_headers {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator.
        unsafe { allocator::checked(allocator) }?;
        Ok(headers_new())
    })
}

/// Adds a reference to `headers` (NULL is ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_acquire(headers: *mut aws_http_headers) {
    guard::guard((), || {
        // SAFETY: the caller holds a reference.
        if let Ok(h) = unsafe { headers_of(headers) } {
            h.refs.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    })
}

/// Drops a reference to `headers`; the last one frees the list. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_release(headers: *mut aws_http_headers) {
    guard::guard((), || {
        // SAFETY: the caller gives up a reference it holds.
        if let Ok(h) = unsafe { headers_of(headers) }
            && h.refs.fetch_sub(1, Ordering::AcqRel) == 1
        {
            // SAFETY: the last reference: nobody else sees the list.
            drop(unsafe { Box::from_raw(headers as *mut Headers) });
        }
        Ok(())
    })
}

/// Appends a field (copied; whitespace around the value dropped).
/// `AWS_ERROR_HTTP_INVALID_HEADER_NAME` for an empty name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_add(
    headers: *mut aws_http_headers,
    name: aws_byte_cursor,
    value: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends the cursors' bytes.
        unsafe {
            let h = headers_of(headers)?;
            h.list
                .add(cursor_bytes(&name)?, cursor_bytes(&value)?, 0)
                .map_err(Error)
        }
    })
}

/// Replaces every field named `name` (case-insensitive) with one field, placed last.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_set(
    headers: *mut aws_http_headers,
    name: aws_byte_cursor,
    value: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends the cursors' bytes.
        unsafe {
            let h = headers_of(headers)?;
            h.list
                .set(cursor_bytes(&name)?, cursor_bytes(&value)?)
                .map_err(Error)
        }
    })
}

/// The value of the first field named `name`: `AWS_ERROR_HTTP_HEADER_NOT_FOUND` when none is.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_get(
    headers: *const aws_http_headers,
    name: aws_byte_cursor,
    out_value: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference, lends the name and an output cursor.
        unsafe {
            let h = headers_of(headers)?;
            let out = guard::mutable(out_value)?;
            let field = h.list.get(cursor_bytes(&name)?).map_err(Error)?;
            *out = aws_byte_cursor::from_slice(field.value());
            Ok(())
        }
    })
}

/// Whether a field named `name` is present.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_has(
    headers: *const aws_http_headers,
    name: aws_byte_cursor,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller holds a reference and lends the name.
        unsafe { Ok(headers_of(headers)?.list.get(cursor_bytes(&name)?).is_ok()) }
    })
}

/// How many fields there are (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_count(headers: *const aws_http_headers) -> usize {
    guard::guard(0, || {
        // SAFETY: the caller holds a reference.
        unsafe { Ok(headers_of(headers)?.list.len()) }
    })
}

/// The field at `index`: `AWS_ERROR_INVALID_INDEX` past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_get_index(
    headers: *const aws_http_headers,
    index: usize,
    out_header: *mut aws_http_header,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends an output header.
        unsafe {
            let h = headers_of(headers)?;
            let out = guard::mutable(out_header)?;
            *out = header_view(h.list.at(index).map_err(Error)?);
            Ok(())
        }
    })
}

/// Removes every field named `name`: `AWS_ERROR_HTTP_HEADER_NOT_FOUND` when none is.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_erase(
    headers: *mut aws_http_headers,
    name: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends the name.
        unsafe {
            let h = headers_of(headers)?;
            h.list.erase(cursor_bytes(&name)?).map_err(Error)
        }
    })
}

/// Removes the field at `index`: `AWS_ERROR_INVALID_INDEX` past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_headers_erase_index(
    headers: *mut aws_http_headers,
    index: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference.
        unsafe { headers_of(headers)?.list.erase_index(index).map_err(Error) }
    })
}

/// Makes an empty HTTP/1.1 request with one reference. NULL with `AWS_ERROR_INVALID_ARGUMENT`
/// for a NULL allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_new_request(
    allocator: *mut aws_allocator,
) -> *mut aws_http_message {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator.
        unsafe { allocator::checked(allocator) }?;
        Ok(message_from(HttpRequest::default()))
    })
}

/// Adds a reference to `message`; returns it (NULL stays NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_acquire(
    message: *mut aws_http_message,
) -> *mut aws_http_message {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference.
        if let Ok(m) = unsafe { message_of(message) } {
            m.refs.fetch_add(1, Ordering::Relaxed);
        }
        Ok(message)
    })
}

/// Drops a reference to `message`; the last one frees it. Returns NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_release(
    message: *mut aws_http_message,
) -> *mut aws_http_message {
    guard::ptr(|| {
        // SAFETY: the caller gives up a reference it holds.
        if let Ok(m) = unsafe { message_of(message) }
            && m.refs.fetch_sub(1, Ordering::AcqRel) == 1
        {
            // SAFETY: the last reference: nobody else sees the message.
            let m = unsafe { Box::from_raw(message as *mut Message) };
            // SAFETY: the message held one reference to its list.
            unsafe { aws_http_headers_release(m.headers) };
        }
        Ok(std::ptr::null_mut())
    })
}

/// Copies `bytes` into `slot` (a method or path).
///
/// # Safety
/// `bytes` must be NULL or a valid cursor.
unsafe fn set_part(slot: &mut Option<Vec<u8>>, bytes: *const aws_byte_cursor) -> Result<()> {
    // SAFETY: forwarded caller contract.
    *slot = Some(unsafe { cursor_bytes(bytes) }?.to_vec());
    Ok(())
}

/// Points `out` at a method or path: `AWS_ERROR_HTTP_DATA_NOT_AVAILABLE` (and a zeroed
/// cursor) when it was never set.
fn get_part(part: &Option<Vec<u8>>, out: &mut aws_byte_cursor) -> Result<()> {
    match part {
        Some(bytes) => {
            *out = aws_byte_cursor::from_slice(bytes);
            Ok(())
        }
        None => {
            *out = aws_byte_cursor::from_slice(&[]);
            Err(Error(AWS_ERROR_HTTP_DATA_NOT_AVAILABLE as c_int))
        }
    }
}

/// Sets the request's method (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_set_request_method(
    request_message: *mut aws_http_message,
    method: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends the method's bytes.
        unsafe { set_part(&mut message_of(request_message)?.method, &method) }
    })
}

/// The request's method: `AWS_ERROR_HTTP_DATA_NOT_AVAILABLE` when unset.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_get_request_method(
    request_message: *const aws_http_message,
    out_method: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends an output cursor.
        unsafe {
            get_part(
                &message_of(request_message)?.method,
                guard::mutable(out_method)?,
            )
        }
    })
}

/// Sets the request's path, query included (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_set_request_path(
    request_message: *mut aws_http_message,
    path: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends the path's bytes.
        unsafe { set_part(&mut message_of(request_message)?.path, &path) }
    })
}

/// The request's path with its query: `AWS_ERROR_HTTP_DATA_NOT_AVAILABLE` when unset.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_get_request_path(
    request_message: *const aws_http_message,
    out_path: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends an output cursor.
        unsafe {
            get_part(
                &message_of(request_message)?.path,
                guard::mutable(out_path)?,
            )
        }
    })
}

/// The message's header list (the message keeps its reference; acquire one to keep the list
/// longer). NULL with `AWS_ERROR_INVALID_ARGUMENT` for a NULL message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_get_headers(
    message: *const aws_http_message,
) -> *mut aws_http_headers {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference.
        unsafe { Ok(message_of(message)?.headers) }
    })
}

/// Appends a field (see [`aws_http_headers_add`]).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_add_header(
    message: *mut aws_http_message,
    header: aws_http_header,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends the header's bytes.
        unsafe {
            let h = headers_of(message_of(message)?.headers)?;
            h.list
                .add(
                    cursor_bytes(&header.name)?,
                    cursor_bytes(&header.value)?,
                    header.compression,
                )
                .map_err(Error)
        }
    })
}

/// How many fields the message has (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_get_header_count(
    message: *const aws_http_message,
) -> usize {
    guard::guard(0, || {
        // SAFETY: the caller holds a reference.
        unsafe { Ok(headers_of(message_of(message)?.headers)?.list.len()) }
    })
}

/// The message's field at `index`: `AWS_ERROR_INVALID_INDEX` past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_get_header(
    message: *const aws_http_message,
    out_header: *mut aws_http_header,
    index: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference and lends an output header.
        unsafe {
            let h = headers_of(message_of(message)?.headers)?;
            let out = guard::mutable(out_header)?;
            *out = header_view(h.list.at(index).map_err(Error)?);
            Ok(())
        }
    })
}

/// Removes the message's field at `index`: `AWS_ERROR_INVALID_INDEX` past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_http_message_erase_header(
    message: *mut aws_http_message,
    index: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference.
        unsafe {
            headers_of(message_of(message)?.headers)?
                .list
                .erase_index(index)
                .map_err(Error)
        }
    })
}

/// A new message (one reference) holding `request`.
pub(crate) fn message_from(request: HttpRequest) -> *mut aws_http_message {
    let headers = headers_new();
    // SAFETY: just made, one reference, ours.
    unsafe { (*(headers as *mut Headers)).list = request.headers };
    Box::into_raw(Box::new(Message {
        refs: AtomicUsize::new(1),
        method: request.method,
        path: request.path,
        headers,
    })) as *mut aws_http_message
}

/// A copy of what `message` holds.
///
/// # Safety
/// A non-NULL `message` must be a live message made here.
pub(crate) unsafe fn request_of(message: *const aws_http_message) -> Result<HttpRequest> {
    // SAFETY: forwarded caller contract.
    let m = unsafe { message_of(message) }?;
    // SAFETY: a message holds a reference to its list.
    let h = unsafe { headers_of(m.headers) }?;
    Ok(HttpRequest {
        method: m.method.clone(),
        path: m.path.clone(),
        headers: h.list.clone(),
    })
}

/// Header views of `fields` (pointing into them) for a C callback.
pub(crate) fn header_views(fields: &[(String, Vec<u8>)]) -> Vec<aws_http_header> {
    fields
        .iter()
        .map(|(name, value)| aws_http_header {
            name: aws_byte_cursor::from_slice(name.as_bytes()),
            value: aws_byte_cursor::from_slice(value),
            compression: 0,
        })
        .collect()
}

//! `aws/auth/signing_result.h`: what signing produced (named properties and named lists of
//! name-value pairs, in aws-c-common hash tables and array lists as upstream keeps them, so a
//! program may look inside), and applying it to an HTTP request.
//!
//! Differences: NULL arguments are `AWS_ERROR_INVALID_ARGUMENT` instead of assertions.

use crate::auth::sigv4;
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::array_list::{
    aws_array_list, aws_array_list_clean_up, aws_array_list_init_dynamic, aws_array_list_push_back,
};
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::hash_functions::{
    aws_hash_callback_string_destroy, aws_hash_callback_string_eq, aws_hash_string,
};
use crate::ffi::common::hash_table::{
    aws_hash_element, aws_hash_table, aws_hash_table_clean_up, aws_hash_table_find,
    aws_hash_table_init, aws_hash_table_put,
};
use crate::ffi::common::string::{
    aws_string, aws_string_destroy, aws_string_eq_ignore_case, aws_string_new_from_array,
    aws_string_new_from_string, string_bytes,
};
use crate::ffi::guard::{self, Error, OP_SUCCESS, Result};
use crate::ffi::http::request_response::{
    aws_http_header, aws_http_message, aws_http_message_add_header,
    aws_http_message_get_request_path, aws_http_message_set_request_path,
};
use std::ffi::{c_int, c_void};
use std::mem::size_of;
use std::ptr;

/// One name-value pair of a property list; both strings belong to the result.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_signing_result_property {
    /// The name.
    pub name: *mut aws_string,
    /// The value.
    pub value: *mut aws_string,
}

/// What a signing produced: `properties` maps names to strings, `property_lists` names to
/// `aws_array_list`s of `aws_signing_result_property`.
#[repr(C)]
pub struct aws_signing_result {
    /// Where the strings and lists come from.
    pub allocator: *mut aws_allocator,
    /// `aws_string *` to `aws_string *`.
    pub properties: aws_hash_table,
    /// `aws_string *` to `aws_array_list *`.
    pub property_lists: aws_hash_table,
}

crate::ffi::auth::signable::literal!(AUTHORIZATION, b"Authorization");
crate::ffi::auth::signable::literal!(X_AMZ_SIGNATURE, b"X-Amz-Signature");

/// The name of the header that carries a header signature.
#[unsafe(no_mangle)]
pub static mut g_aws_signing_authorization_header_name: *const aws_string =
    (&raw const AUTHORIZATION).cast();
/// The name of the query parameter that carries a presigned signature.
#[unsafe(no_mangle)]
pub static mut g_aws_signing_authorization_query_param_name: *const aws_string =
    (&raw const X_AMZ_SIGNATURE).cast();

/// Turns a C-style status into a `Result` carrying the error just raised.
pub(crate) fn status(rc: c_int) -> Result<()> {
    match rc {
        OP_SUCCESS => Ok(()),
        _ => Err(Error(aws_last_error())),
    }
}

/// A string made from bytes, owned by the caller.
pub(crate) fn new_string(allocator: *mut aws_allocator, bytes: &[u8]) -> Result<*mut aws_string> {
    // SAFETY: the bytes are a valid slice; the allocator was checked by the caller.
    let s = unsafe { aws_string_new_from_array(allocator, bytes.as_ptr(), bytes.len()) };
    if s.is_null() {
        return Err(Error(aws_last_error()));
    }
    Ok(s)
}

/// Frees a property list: its strings, its storage and the list itself.
unsafe extern "C" fn destroy_property_list(value: *mut c_void) {
    guard::guard((), || {
        let list = value.cast::<aws_array_list>();
        // SAFETY: the table only holds lists made by `list_for`.
        unsafe {
            for property in properties_of(list) {
                aws_string_destroy(property.name);
                aws_string_destroy(property.value);
            }
            let alloc = (*list).alloc;
            aws_array_list_clean_up(list);
            allocator::release(alloc, list.cast());
        }
        Ok(())
    })
}

/// The pairs of a property list made here.
///
/// # Safety
/// `list` must be NULL or a live list of `aws_signing_result_property`.
pub(crate) unsafe fn properties_of<'a>(
    list: *const aws_array_list,
) -> &'a [aws_signing_result_property] {
    // SAFETY: caller contract; an empty list may have no storage.
    match unsafe { list.as_ref() } {
        Some(l) if l.length > 0 && !l.data.is_null() => unsafe {
            std::slice::from_raw_parts(l.data.cast(), l.length)
        },
        _ => &[],
    }
}

/// Sets up an empty result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signing_result_init(
    result: *mut aws_signing_result,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a result to set up and an allocator.
        let result = unsafe { guard::mutable(result) }?;
        unsafe { allocator::checked(allocator) }?;
        // SAFETY: zeroed tables are what the init calls expect to overwrite.
        unsafe { ptr::write_bytes(result as *mut aws_signing_result, 0, 1) };
        result.allocator = allocator;
        let init = |table: &mut aws_hash_table,
                    destroy_value: unsafe extern "C" fn(*mut c_void)| {
            // SAFETY: a zeroed table and upstream's string callbacks.
            status(unsafe {
                aws_hash_table_init(
                    table,
                    allocator,
                    10,
                    Some(aws_hash_string),
                    Some(aws_hash_callback_string_eq),
                    Some(aws_hash_callback_string_destroy),
                    Some(destroy_value),
                )
            })
        };
        let made = init(&mut result.properties, aws_hash_callback_string_destroy)
            .and_then(|()| init(&mut result.property_lists, destroy_property_list));
        if made.is_err() {
            // SAFETY: clean-up takes zeroed and set-up tables alike.
            unsafe { aws_signing_result_clean_up(result) };
        }
        made
    })
}

/// Frees every property and list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signing_result_clean_up(result: *mut aws_signing_result) {
    guard::guard((), || {
        // SAFETY: the caller lends a result, set up or zeroed.
        let result = unsafe { guard::mutable(result) }?;
        unsafe {
            aws_hash_table_clean_up(&mut result.properties);
            aws_hash_table_clean_up(&mut result.property_lists);
        }
        Ok(())
    })
}

/// Sets (or replaces) a property, copying name and value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signing_result_set_property(
    result: *mut aws_signing_result,
    property_name: *const aws_string,
    property_value: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a result, a string and a cursor.
        let result = unsafe { guard::mutable(result) }?;
        let value = unsafe { cursor_bytes(property_value) }?;
        unsafe { string_bytes(property_name) }?;
        let name = unsafe { aws_string_new_from_string(result.allocator, property_name) };
        if name.is_null() {
            return Err(Error(aws_last_error()));
        }
        let value = new_string(result.allocator, value).inspect_err(|_| unsafe {
            aws_string_destroy(name);
        })?;
        // SAFETY: the table owns both strings from here (it destroys a replaced pair).
        status(unsafe {
            aws_hash_table_put(
                &mut result.properties,
                name.cast(),
                value.cast(),
                ptr::null_mut(),
            )
        })
        .inspect_err(|_| unsafe {
            aws_string_destroy(name);
            aws_string_destroy(value);
        })
    })
}

/// The element of `table` under `name`, if any.
///
/// # Safety
/// `table` must be a set-up table keyed by strings.
unsafe fn find(
    table: &aws_hash_table,
    name: *const aws_string,
) -> Result<Option<&aws_hash_element>> {
    unsafe { string_bytes(name) }?;
    let mut element: *mut aws_hash_element = ptr::null_mut();
    // SAFETY: caller contract.
    status(unsafe { aws_hash_table_find(table, name.cast(), &mut element) })?;
    Ok(unsafe { element.as_ref() })
}

/// Points `*out_property_value` at the property's value (owned by the result), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signing_result_get_property(
    result: *const aws_signing_result,
    property_name: *const aws_string,
    out_property_value: *mut *mut aws_string,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a result, a string and a place for the answer.
        let result = unsafe { guard::reference(result) }?;
        let out = unsafe { guard::mutable(out_property_value) }?;
        *out = ptr::null_mut();
        if let Some(element) = unsafe { find(&result.properties, property_name) }? {
            *out = element.value.cast();
        }
        Ok(())
    })
}

/// The list named `name`, made empty when there is none yet.
///
/// # Safety
/// `result` must be set up; `name` a valid string.
unsafe fn list_for(
    result: &mut aws_signing_result,
    name: *const aws_string,
) -> Result<*mut aws_array_list> {
    if let Some(element) = unsafe { find(&result.property_lists, name) }? {
        return Ok(element.value.cast());
    }
    let alloc = result.allocator;
    // SAFETY: a fresh block for one list header, set up below.
    let list = unsafe { allocator::calloc(alloc, 1, size_of::<aws_array_list>()) }?
        .as_ptr()
        .cast::<aws_array_list>();
    let made = (|| {
        status(unsafe {
            aws_array_list_init_dynamic(list, alloc, 10, size_of::<aws_signing_result_property>())
        })?;
        let key = unsafe { aws_string_new_from_string(alloc, name) };
        if key.is_null() {
            return Err(Error(aws_last_error()));
        }
        status(unsafe {
            aws_hash_table_put(
                &mut result.property_lists,
                key.cast(),
                list.cast(),
                ptr::null_mut(),
            )
        })
        .inspect_err(|_| unsafe { aws_string_destroy(key) })
    })();
    if let Err(e) = made {
        // SAFETY: the list never reached the table.
        unsafe {
            aws_array_list_clean_up(list);
            allocator::release(alloc, list.cast());
        }
        return Err(e);
    }
    Ok(list)
}

/// Appends a pair (copied) to the list named `list_name`, making the list when needed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signing_result_append_property_list(
    result: *mut aws_signing_result,
    list_name: *const aws_string,
    property_name: *const aws_byte_cursor,
    property_value: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a result, a string and two cursors.
        let result = unsafe { guard::mutable(result) }?;
        let name = unsafe { cursor_bytes(property_name) }?;
        let value = unsafe { cursor_bytes(property_value) }?;
        unsafe { append_pair(result, list_name, name, value) }
    })
}

/// Appends one pair to a list of `result`.
///
/// # Safety
/// `result` must be set up; `list_name` a valid string.
pub(crate) unsafe fn append_pair(
    result: &mut aws_signing_result,
    list_name: *const aws_string,
    name: &[u8],
    value: &[u8],
) -> Result<()> {
    let list = unsafe { list_for(result, list_name) }?;
    let name = new_string(result.allocator, name)?;
    let value = new_string(result.allocator, value).inspect_err(|_| unsafe {
        aws_string_destroy(name);
    })?;
    let property = aws_signing_result_property { name, value };
    // SAFETY: the list holds properties; it copies this one.
    status(unsafe { aws_array_list_push_back(list, (&raw const property).cast()) }).inspect_err(
        |_| unsafe {
            aws_string_destroy(property.name);
            aws_string_destroy(property.value);
        },
    )
}

/// Points `*out_list` at the list named `list_name` (owned by the result), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signing_result_get_property_list(
    result: *const aws_signing_result,
    list_name: *const aws_string,
    out_list: *mut *mut aws_array_list,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a result, a string and a place for the answer.
        let out = unsafe { guard::mutable(out_list) }?;
        *out = ptr::null_mut();
        let result = unsafe { guard::reference(result) }?;
        if let Some(element) = unsafe { find(&result.property_lists, list_name) }? {
            *out = element.value.cast();
        }
        Ok(())
    })
}

/// Points `*out_value` at the value of the first pair of the list whose name matches
/// `property_name` without regard to case, or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_signing_result_get_property_value_in_property_list(
    result: *const aws_signing_result,
    list_name: *const aws_string,
    property_name: *const aws_string,
    out_value: *mut *mut aws_string,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a result, two strings and a place for the answer.
        let out = unsafe { guard::mutable(out_value) }?;
        *out = ptr::null_mut();
        let mut list = ptr::null_mut();
        unsafe { aws_signing_result_get_property_list(result, list_name, &mut list) };
        for pair in unsafe { properties_of(list) } {
            if !pair.name.is_null()
                && unsafe { aws_string_eq_ignore_case(property_name, pair.name) }
            {
                *out = pair.value;
                break;
            }
        }
        Ok(())
    })
}

/// Adds what signing produced to `request`: the query parameters of the `params` list to its
/// path, the `headers` list as header fields.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_apply_signing_result_to_http_request(
    request: *mut aws_http_message,
    allocator: *mut aws_allocator,
    result: *const aws_signing_result,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a request, an allocator and a result.
        unsafe { allocator::checked(allocator) }?;
        let result = unsafe { guard::reference(result) }?;
        let pairs = |name: *const aws_string| -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
            let mut list = ptr::null_mut();
            unsafe { aws_signing_result_get_property_list(result, name, &mut list) };
            unsafe { properties_of(list) }
                .iter()
                .map(|p| unsafe {
                    Ok((
                        string_bytes(p.name)?.to_vec(),
                        string_bytes(p.value)?.to_vec(),
                    ))
                })
                .collect()
        };
        let params = pairs(unsafe {
            crate::ffi::auth::signable::g_aws_http_query_params_property_list_name
        })?;
        if !params.is_empty() {
            let mut path = aws_byte_cursor::from_slice(&[]);
            status(unsafe { aws_http_message_get_request_path(request, &mut path) })?;
            let old = unsafe { path.as_bytes() }?.to_vec();
            let new = sigv4::path_with_params(&old, &params)?;
            status(unsafe {
                aws_http_message_set_request_path(request, aws_byte_cursor::from_slice(&new))
            })?;
        }
        for (name, value) in
            pairs(unsafe { crate::ffi::auth::signable::g_aws_http_headers_property_list_name })?
        {
            let header = aws_http_header {
                name: aws_byte_cursor::from_slice(&name),
                value: aws_byte_cursor::from_slice(&value),
                compression: 0,
            };
            status(unsafe { aws_http_message_add_header(request, header) })?;
        }
        Ok(())
    })
}

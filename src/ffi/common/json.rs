//! `aws/common/json.h`: JSON values made, read, changed, compared, parsed and printed from C.
//!
//! The tree is [`json_value`](super::json_value) (nodes at stable addresses, containers owning
//! their children), the text [`json_text`](super::json_text). Upstream's quirks are kept: adding
//! a key an object already has, or removing one it lacks, fails with no error raised; an array
//! index equal to the length reads as NULL (and removes nothing) without an error, one past it is
//! `AWS_ERROR_INVALID_INDEX`; the `is_*` checks answer false for NULL. The allocator arguments
//! are unused, as upstream's are (it allocates through the allocator given at library init).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a value pointer is NULL or
//! a value made by this API that is alive (not destroyed, nor inside a destroyed container), a
//! cursor's bytes are readable, a C string is NUL-terminated, a buffer is valid.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut};
use crate::ffi::common::byte_buf_append::{append, append_dynamic};
use crate::ffi::common::json_text::{parse, print};
pub use crate::ffi::common::json_value::aws_json_value;
use crate::ffi::common::json_value::{Child, Kind, c_text, free_node, new_node};
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result, require};
use std::ffi::{c_char, c_int, c_void};
use std::ptr::{self, NonNull};

/// Called for each member by `aws_json_const_iterate_object`; clearing `*out_should_continue`
/// stops the walk, returning `AWS_OP_ERR` fails it.
pub type aws_json_on_member_encountered_const_fn = unsafe extern "C" fn(
    key: *const aws_byte_cursor,
    value: *const aws_json_value,
    out_should_continue: *mut bool,
    user_data: *mut c_void,
) -> c_int;

/// Called for each element by `aws_json_const_iterate_array`, as the member callback.
pub type aws_json_on_value_encountered_const_fn = unsafe extern "C" fn(
    index: usize,
    value: *const aws_json_value,
    out_should_continue: *mut bool,
    user_data: *mut c_void,
) -> c_int;

/// The value behind a pointer C lent.
///
/// # Safety
/// As the module's contract.
unsafe fn value<'a>(p: *const aws_json_value) -> Result<&'a aws_json_value> {
    // SAFETY: forwarded caller contract.
    unsafe { guard::reference(p) }
}

/// The value behind a pointer C lent for changing.
///
/// # Safety
/// As the module's contract.
unsafe fn value_mut<'a>(p: *mut aws_json_value) -> Result<&'a mut aws_json_value> {
    // SAFETY: forwarded caller contract.
    unsafe { guard::mutable(p) }
}

/// A new node for C, or NULL. The allocator is unused (see the module comment).
fn make(_allocator: *mut aws_allocator, kind: Result<Kind>) -> *mut aws_json_value {
    guard::ptr(|| Ok(new_node(kind?).as_ptr()))
}

/// A new string value holding `string` (up to a NUL in it, as upstream's C strings do).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_new_string(
    allocator: *mut aws_allocator,
    string: aws_byte_cursor,
) -> *mut aws_json_value {
    // SAFETY: forwarded caller contract.
    make(
        allocator,
        unsafe { string.as_bytes() }.map(|s| Kind::String(c_text(s))),
    )
}

/// A new string value holding the C string `string`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_new_string_from_c_str(
    allocator: *mut aws_allocator,
    string: *const c_char,
) -> *mut aws_json_value {
    // SAFETY: forwarded caller contract.
    make(
        allocator,
        unsafe { guard::c_str(string) }.map(|s| Kind::String(s.to_bytes().to_vec())),
    )
}

/// A new number value.
#[unsafe(no_mangle)]
pub extern "C" fn aws_json_value_new_number(
    allocator: *mut aws_allocator,
    number: f64,
) -> *mut aws_json_value {
    make(allocator, Ok(Kind::Number(number)))
}

/// A new empty array; it frees its elements when destroyed.
#[unsafe(no_mangle)]
pub extern "C" fn aws_json_value_new_array(allocator: *mut aws_allocator) -> *mut aws_json_value {
    make(allocator, Ok(Kind::Array(Vec::new())))
}

/// A new boolean value.
#[unsafe(no_mangle)]
pub extern "C" fn aws_json_value_new_boolean(
    allocator: *mut aws_allocator,
    boolean: bool,
) -> *mut aws_json_value {
    make(allocator, Ok(Kind::Bool(boolean)))
}

/// A new null value.
#[unsafe(no_mangle)]
pub extern "C" fn aws_json_value_new_null(allocator: *mut aws_allocator) -> *mut aws_json_value {
    make(allocator, Ok(Kind::Null))
}

/// A new empty object; it frees its members when destroyed.
#[unsafe(no_mangle)]
pub extern "C" fn aws_json_value_new_object(allocator: *mut aws_allocator) -> *mut aws_json_value {
    make(allocator, Ok(Kind::Object(Vec::new())))
}

/// Sets `*output` to a string value's bytes (valid while the value lives).
/// `AWS_ERROR_INVALID_ARGUMENT` for anything else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_get_string(
    value: *const aws_json_value,
    output: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let (v, out) = unsafe { (self::value(value)?, guard::mutable(output)?) };
        let Kind::String(s) = &v.kind else {
            return Err(INVALID_ARGUMENT);
        };
        *out = aws_byte_cursor::from_slice(s);
        Ok(())
    })
}

/// Sets `*output` to a number value's number. `AWS_ERROR_INVALID_ARGUMENT` for anything else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_get_number(
    value: *const aws_json_value,
    output: *mut f64,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let (v, out) = unsafe { (self::value(value)?, guard::mutable(output)?) };
        let Kind::Number(n) = v.kind else {
            return Err(INVALID_ARGUMENT);
        };
        *out = n;
        Ok(())
    })
}

/// Sets `*output` to a boolean value's truth. `AWS_ERROR_INVALID_ARGUMENT` for anything else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_get_boolean(
    value: *const aws_json_value,
    output: *mut bool,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let (v, out) = unsafe { (self::value(value)?, guard::mutable(output)?) };
        let Kind::Bool(b) = v.kind else {
            return Err(INVALID_ARGUMENT);
        };
        *out = b;
        Ok(())
    })
}

/// Adds `value` to `object` under `key`; the object takes it. `AWS_ERROR_INVALID_ARGUMENT` for
/// a non-object or NULL value; `AWS_OP_ERR` with no error raised when the key is taken.
///
/// # Safety
/// As the module's contract.
unsafe fn add_member(
    object: *mut aws_json_value,
    key: Result<&[u8]>,
    value: *mut aws_json_value,
) -> c_int {
    guard::guard(guard::OP_ERR, || {
        // SAFETY: forwarded caller contract.
        let object = unsafe { value_mut(object) }?;
        let key = c_text(key?);
        let node = NonNull::new(value).ok_or(INVALID_ARGUMENT)?;
        require(matches!(object.kind, Kind::Object(_)))?;
        if object.member_index(&key).is_some() {
            return Ok(guard::OP_ERR);
        }
        let Kind::Object(members) = &mut object.kind else {
            return Err(INVALID_ARGUMENT);
        };
        // SAFETY: C gives the value away to the object.
        members.push((key, unsafe { Child::adopt(node) }));
        Ok(guard::OP_SUCCESS)
    })
}

/// Adds `value` to `object` under `key` (the object takes it); see the module comment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_add_to_object(
    object: *mut aws_json_value,
    key: aws_byte_cursor,
    value: *mut aws_json_value,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { add_member(object, key.as_bytes(), value) }
}

/// As [`aws_json_value_add_to_object`], the key a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_add_to_object_c_str(
    object: *mut aws_json_value,
    key: *const c_char,
    value: *mut aws_json_value,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { add_member(object, guard::c_str(key).map(|k| k.to_bytes()), value) }
}

/// The member of `object` named `key` (ignoring ASCII case); NULL when missing, and with
/// `AWS_ERROR_INVALID_ARGUMENT` when `object` is no object.
///
/// # Safety
/// As the module's contract.
unsafe fn member(object: *const aws_json_value, key: Result<&[u8]>) -> *mut aws_json_value {
    guard::guard(ptr::null_mut(), || {
        // SAFETY: forwarded caller contract.
        let object = unsafe { value(object) }?;
        let Kind::Object(members) = &object.kind else {
            return Err(INVALID_ARGUMENT);
        };
        let index = object.member_index(&c_text(key?));
        Ok(index.map_or(ptr::null_mut(), |i| members[i].1.as_ptr()))
    })
}

/// The member of `object` named `key`, or NULL; see the module comment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_get_from_object(
    object: *const aws_json_value,
    key: aws_byte_cursor,
) -> *mut aws_json_value {
    // SAFETY: forwarded caller contract.
    unsafe { member(object, key.as_bytes()) }
}

/// As [`aws_json_value_get_from_object`], the key a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_get_from_object_c_str(
    object: *const aws_json_value,
    key: *const c_char,
) -> *mut aws_json_value {
    // SAFETY: forwarded caller contract.
    unsafe { member(object, guard::c_str(key).map(|k| k.to_bytes())) }
}

/// Whether `object` is an object with a member named `key`.
///
/// # Safety
/// As the module's contract.
unsafe fn has_member(object: *const aws_json_value, key: Result<&[u8]>) -> bool {
    guard::guard(false, || {
        // SAFETY: forwarded caller contract.
        let object = unsafe { value(object) }?;
        Ok(object.member_index(&c_text(key?)).is_some())
    })
}

/// True when `object` is an object with a member named `key` (ignoring ASCII case).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_has_key(
    object: *const aws_json_value,
    key: aws_byte_cursor,
) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { has_member(object, key.as_bytes()) }
}

/// As [`aws_json_value_has_key`], the key a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_has_key_c_str(
    object: *const aws_json_value,
    key: *const c_char,
) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { has_member(object, guard::c_str(key).map(|k| k.to_bytes())) }
}

/// Removes and frees the member named `key`. `AWS_ERROR_INVALID_ARGUMENT` for a non-object;
/// `AWS_OP_ERR` with no error raised when there is no such member.
///
/// # Safety
/// As the module's contract.
unsafe fn remove_member(object: *mut aws_json_value, key: Result<&[u8]>) -> c_int {
    guard::guard(guard::OP_ERR, || {
        // SAFETY: forwarded caller contract.
        let object = unsafe { value_mut(object) }?;
        let index = object.member_index(&c_text(key?));
        let Kind::Object(members) = &mut object.kind else {
            return Err(INVALID_ARGUMENT);
        };
        Ok(match index {
            Some(i) => {
                members.remove(i);
                guard::OP_SUCCESS
            }
            None => guard::OP_ERR,
        })
    })
}

/// Removes and frees the member of `object` named `key`; see the module comment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_remove_from_object(
    object: *mut aws_json_value,
    key: aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { remove_member(object, key.as_bytes()) }
}

/// As [`aws_json_value_remove_from_object`], the key a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_remove_from_object_c_str(
    object: *mut aws_json_value,
    key: *const c_char,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { remove_member(object, guard::c_str(key).map(|k| k.to_bytes())) }
}

/// Frees `value` and everything it holds; NULL does nothing. A value inside a container is
/// freed with the container, not on its own.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_destroy(value: *mut aws_json_value) {
    guard::guard((), || {
        if let Some(node) = NonNull::new(value) {
            // SAFETY: forwarded caller contract: C owns this top-level value.
            unsafe { free_node(node) };
        }
        Ok(())
    })
}

/// Appends the text of `value` to `output`, growing it when it owns its storage.
///
/// # Safety
/// As the module's contract.
unsafe fn append_text(
    value: *const aws_json_value,
    output: *mut aws_byte_buf,
    formatted: bool,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let v = unsafe { self::value(value) }?;
        let out = unsafe { buf_mut(output) }?;
        let text = print(v, formatted);
        let cursor = aws_byte_cursor::from_slice(&text);
        if out.capacity - out.len >= text.len() {
            unsafe { append(out, cursor) }
        } else {
            unsafe { append_dynamic(out, cursor, true) }
        }
    })
}

/// Appends `value` as compact JSON to `output` (grown when it has an allocator).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_json_string(
    value: *const aws_json_value,
    output: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { append_text(value, output, false) }
}

/// Appends `value` as formatted JSON (tabs and newlines, as upstream) to `output`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_json_string_formatted(
    value: *const aws_json_value,
    output: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { append_text(value, output, true) }
}

/// The value the JSON text in `string` starts with, as a new tree; NULL (with
/// `AWS_ERROR_INVALID_ARGUMENT`) when it starts with none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_new_from_string(
    allocator: *mut aws_allocator,
    string: aws_byte_cursor,
) -> *mut aws_json_value {
    guard::ptr(|| {
        let _unused = allocator;
        // SAFETY: forwarded caller contract.
        let text = unsafe { string.as_bytes() }?;
        Ok(parse(text).ok_or(INVALID_ARGUMENT)?.as_ptr())
    })
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;

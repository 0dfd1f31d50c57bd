//! `aws/common/json.h`: arrays (adding, reading, removing elements), walking arrays and objects
//! with a callback, comparing, duplicating and telling values' kinds.
//!
//! The safety contract of every exported function is the one stated in [`json`](super::json).

use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_INDEX;
use crate::ffi::common::json::{
    aws_json_on_member_encountered_const_fn, aws_json_on_value_encountered_const_fn,
};
use crate::ffi::common::json_value::{Child, Kind, aws_json_value};
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use std::ffi::{c_int, c_void};
use std::ptr::{self, NonNull};

/// The elements of an array value; `AWS_ERROR_INVALID_ARGUMENT` for anything else.
///
/// # Safety
/// As the module's contract.
unsafe fn elements<'a>(array: *const aws_json_value) -> Result<&'a Vec<Child>> {
    // SAFETY: forwarded caller contract.
    match &unsafe { guard::reference(array) }?.kind {
        Kind::Array(items) => Ok(items),
        _ => Err(INVALID_ARGUMENT),
    }
}

/// Adds `value` to the end of `array`, which takes it.
/// `AWS_ERROR_INVALID_ARGUMENT` for a non-array or a NULL value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_add_array_element(
    array: *mut aws_json_value,
    value: *const aws_json_value,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let Kind::Array(items) = &mut unsafe { guard::mutable(array) }?.kind else {
            return Err(INVALID_ARGUMENT);
        };
        let node = NonNull::new(value.cast_mut()).ok_or(INVALID_ARGUMENT)?;
        // SAFETY: C gives the value away to the array.
        items.push(unsafe { Child::adopt(node) });
        Ok(())
    })
}

/// Element `index` of `array`. NULL for the index equal to the length (no error, as upstream),
/// `AWS_ERROR_INVALID_INDEX` past it, `AWS_ERROR_INVALID_ARGUMENT` for a non-array.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_get_array_element(
    array: *const aws_json_value,
    index: usize,
) -> *mut aws_json_value {
    guard::guard(ptr::null_mut(), || {
        // SAFETY: forwarded caller contract.
        let items = unsafe { elements(array) }?;
        if index > items.len() {
            return Err(AWS_ERROR_INVALID_INDEX.into());
        }
        Ok(items.get(index).map_or(ptr::null_mut(), Child::as_ptr))
    })
}

/// How many elements `array` has; 0 (with `AWS_ERROR_INVALID_ARGUMENT`) for a non-array.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_get_array_size(array: *const aws_json_value) -> usize {
    // SAFETY: forwarded caller contract.
    guard::guard(0, || Ok(unsafe { elements(array) }?.len()))
}

/// Removes and frees element `index`. The index equal to the length removes nothing and
/// succeeds (as upstream); past it is `AWS_ERROR_INVALID_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_remove_array_element(
    array: *mut aws_json_value,
    index: usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let Kind::Array(items) = &mut unsafe { guard::mutable(array) }?.kind else {
            return Err(INVALID_ARGUMENT);
        };
        if index > items.len() {
            return Err(AWS_ERROR_INVALID_INDEX.into());
        }
        if index < items.len() {
            items.remove(index);
        }
        Ok(())
    })
}

/// Calls `visit(i)` for i = 0, 1, ... while it returns Some(true) and `len()` allows; Some(false)
/// stops, None fails (the callback raised its error).
fn walk(len: impl Fn() -> usize, mut visit: impl FnMut(usize) -> Option<bool>) -> Result<()> {
    let mut i = 0;
    while i < len() {
        match visit(i) {
            Some(true) => i += 1,
            Some(false) => break,
            None => return Err(guard::Error(crate::ffi::common::error::aws_last_error())),
        }
    }
    Ok(())
}

/// Calls `on_member` for each member of `object`, in order. `AWS_ERROR_INVALID_ARGUMENT` for a
/// non-object; a callback's `AWS_OP_ERR` stops the walk and is returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_const_iterate_object(
    object: *const aws_json_value,
    on_member: Option<aws_json_on_member_encountered_const_fn>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        let on_member = on_member.ok_or(INVALID_ARGUMENT)?;
        // The members are read afresh for each call: the callback is C code.
        // SAFETY: forwarded caller contract.
        let members = || match &unsafe { &*object }.kind {
            Kind::Object(m) => m,
            _ => unreachable!("checked below"),
        };
        // SAFETY: forwarded caller contract.
        if !matches!(unsafe { guard::reference(object) }?.kind, Kind::Object(_)) {
            return Err(INVALID_ARGUMENT);
        }
        walk(
            || members().len(),
            |i| {
                let (key, value) = &members()[i];
                let key = aws_byte_cursor::from_slice(key);
                let mut go_on = true;
                // SAFETY: the caller's callback, given the member and its user data.
                let rc = unsafe { on_member(&key, value.as_ptr(), &mut go_on, user_data) };
                (rc == guard::OP_SUCCESS).then_some(go_on)
            },
        )
    })
}

/// Calls `on_value` for each element of `array`, in order. `AWS_ERROR_INVALID_ARGUMENT` for a
/// non-array; a callback's `AWS_OP_ERR` stops the walk and is returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_const_iterate_array(
    array: *const aws_json_value,
    on_value: Option<aws_json_on_value_encountered_const_fn>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        let on_value = on_value.ok_or(INVALID_ARGUMENT)?;
        // SAFETY: forwarded caller contract; checked to be an array first.
        unsafe { elements(array) }?;
        let items = || unsafe { elements(array) }.map_or(&[][..], |v| v.as_slice());
        walk(
            || items().len(),
            |i| {
                let mut go_on = true;
                // SAFETY: the caller's callback, given the element and its user data.
                let rc = unsafe { on_value(i, items()[i].as_ptr(), &mut go_on, user_data) };
                (rc == guard::OP_SUCCESS).then_some(go_on)
            },
        )
    })
}

/// True when `a` and `b` are equivalent (see `aws_json_value::equals`); false if either is
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_compare(
    a: *const aws_json_value,
    b: *const aws_json_value,
    is_case_sensitive: bool,
) -> bool {
    guard::guard(false, || {
        // SAFETY: forwarded caller contract.
        Ok(match unsafe { (a.as_ref(), b.as_ref()) } {
            (Some(a), Some(b)) => a.equals(b, is_case_sensitive),
            _ => false,
        })
    })
}

/// A deep copy of `value`, which the caller owns. NULL (with `AWS_ERROR_INVALID_ARGUMENT`) for
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_duplicate(
    value: *const aws_json_value,
) -> *mut aws_json_value {
    // SAFETY: forwarded caller contract.
    guard::ptr(|| Ok(unsafe { guard::reference(value) }?.duplicate().as_ptr()))
}

/// Whether `value` is not NULL and `is` holds for its kind.
///
/// # Safety
/// As the module's contract.
unsafe fn kind_is(value: *const aws_json_value, is: fn(&Kind) -> bool) -> bool {
    // SAFETY: forwarded caller contract.
    guard::guard(false, || {
        Ok(unsafe { value.as_ref() }.is_some_and(|v| is(&v.kind)))
    })
}

/// True for a string value (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_is_string(value: *const aws_json_value) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { kind_is(value, |k| matches!(k, Kind::String(_))) }
}

/// True for a number value (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_is_number(value: *const aws_json_value) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { kind_is(value, |k| matches!(k, Kind::Number(_))) }
}

/// True for an array (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_is_array(value: *const aws_json_value) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { kind_is(value, |k| matches!(k, Kind::Array(_))) }
}

/// True for a boolean value (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_is_boolean(value: *const aws_json_value) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { kind_is(value, |k| matches!(k, Kind::Bool(_))) }
}

/// True for the null value (false for a NULL pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_is_null(value: *const aws_json_value) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { kind_is(value, |k| matches!(k, Kind::Null)) }
}

/// True for an object (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_json_value_is_object(value: *const aws_json_value) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { kind_is(value, |k| matches!(k, Kind::Object(_))) }
}

//! `aws/common/environment.h`: reading, setting and unsetting the process's environment
//! variables through the C library (`getenv`, `setenv`, `unsetenv`), as upstream does, so a
//! C program and this library see the same environment.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a name is NULL or a
//! NUL-terminated C string (or a valid `aws_string`); outputs are NULL or writable. As with
//! `setenv` itself, changing the environment while another thread reads it is the caller's
//! race to avoid.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_ENVIRONMENT_GET, AWS_ERROR_ENVIRONMENT_SET, AWS_ERROR_ENVIRONMENT_UNSET,
};
use crate::ffi::common::string::{aws_string, new_string, string_bytes};
use crate::ffi::guard::{self, Result};
use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr;

/// The value of variable `name`; None when it is not set.
fn lookup(name: &CStr) -> Option<&'static [u8]> {
    // SAFETY: a NUL-terminated name; getenv's result is read at once.
    let value = unsafe { libc::getenv(name.as_ptr()) };
    // SAFETY: getenv returns NULL or a NUL-terminated string.
    (!value.is_null()).then(|| unsafe { CStr::from_ptr(value) }.to_bytes())
}

/// The value of `name` as a new string, NULL when unset (or empty, with `skip_empty`).
///
/// # Safety
/// As the module's contract.
unsafe fn get(
    allocator: *mut aws_allocator,
    name: *const c_char,
    skip_empty: bool,
) -> *mut aws_string {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let name = unsafe { guard::c_str(name) }?;
        match lookup(name) {
            Some(value) if !(skip_empty && value.is_empty()) => {
                Ok(unsafe { new_string(allocator, value) }?.as_ptr())
            }
            // Unset is not an error: NULL without one raised, as upstream.
            _ => Ok(ptr::null_mut()),
        }
    })
}

/// The value of environment variable `name` as a new string, or NULL when it is not set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_get_env(
    allocator: *mut aws_allocator,
    name: *const c_char,
) -> *mut aws_string {
    // SAFETY: forwarded caller contract.
    unsafe { get(allocator, name, false) }
}

/// As [`aws_get_env`], but NULL for a variable that is set to the empty string too.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_get_env_nonempty(
    allocator: *mut aws_allocator,
    name: *const c_char,
) -> *mut aws_string {
    // SAFETY: forwarded caller contract.
    unsafe { get(allocator, name, true) }
}

/// A string's bytes as a C string; `AWS_ERROR_INVALID_ARGUMENT` for NULL or an inner NUL.
///
/// # Safety
/// As the module's contract.
unsafe fn c_name(s: *const aws_string) -> Result<CString> {
    // SAFETY: forwarded caller contract.
    CString::new(unsafe { string_bytes(s) }?).map_err(|_| guard::INVALID_ARGUMENT)
}

/// Deprecated upstream: sets `*value_out` to the value of `variable_name` as a new string, or
/// to NULL when it is not set. `AWS_ERROR_ENVIRONMENT_GET` if the string cannot be made.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_get_environment_value(
    allocator: *mut aws_allocator,
    variable_name: *const aws_string,
    value_out: *mut *mut aws_string,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let out = unsafe { guard::mutable(value_out) }?;
        let name = unsafe { c_name(variable_name) }?;
        *out = ptr::null_mut();
        if let Some(value) = lookup(&name) {
            unsafe { allocator::checked(allocator) }?;
            let made = unsafe { new_string(allocator, value) };
            *out = made.map_err(|_| AWS_ERROR_ENVIRONMENT_GET)?.as_ptr();
        }
        Ok(())
    })
}

/// Sets `variable_name` to `value`, replacing any value. `AWS_ERROR_ENVIRONMENT_SET` when the C
/// library refuses (an empty name, or one with `=`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_set_environment_value(
    variable_name: *const aws_string,
    value: *const aws_string,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let (name, value) = unsafe { (c_name(variable_name)?, c_name(value)?) };
        // SAFETY: two NUL-terminated strings.
        if unsafe { libc::setenv(name.as_ptr(), value.as_ptr(), 1) } != 0 {
            return Err(AWS_ERROR_ENVIRONMENT_SET.into());
        }
        Ok(())
    })
}

/// Removes `variable_name` from the environment (unsetting an unset one succeeds).
/// `AWS_ERROR_ENVIRONMENT_UNSET` when the C library refuses.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_unset_environment_value(variable_name: *const aws_string) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let name = unsafe { c_name(variable_name) }?;
        // SAFETY: a NUL-terminated string.
        if unsafe { libc::unsetenv(name.as_ptr()) } != 0 {
            return Err(AWS_ERROR_ENVIRONMENT_UNSET.into());
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::error::aws_last_error;
    use crate::ffi::common::string::aws_string_destroy;

    fn string(s: &str) -> *mut aws_string {
        unsafe { new_string(aws_default_allocator(), s.as_bytes()) }
            .unwrap()
            .as_ptr()
    }

    #[test]
    fn set_get_and_unset_a_variable() {
        unsafe {
            let alloc = aws_default_allocator();
            let (name, value, empty) = (string("AWSRS_ENV_TEST"), string("v=1"), string(""));
            assert_eq!(aws_set_environment_value(name, value), 0);
            let got = aws_get_env(alloc, c"AWSRS_ENV_TEST".as_ptr());
            assert_eq!(string_bytes(got).unwrap(), b"v=1");
            aws_string_destroy(got);
            let mut out = ptr::null_mut();
            assert_eq!(aws_get_environment_value(alloc, name, &mut out), 0);
            assert_eq!(string_bytes(out).unwrap(), b"v=1");
            aws_string_destroy(out);
            assert_eq!(aws_set_environment_value(name, empty), 0);
            assert!(aws_get_env_nonempty(alloc, c"AWSRS_ENV_TEST".as_ptr()).is_null());
            let got = aws_get_env(alloc, c"AWSRS_ENV_TEST".as_ptr());
            assert_eq!(string_bytes(got).unwrap(), b"");
            aws_string_destroy(got);
            assert_eq!(aws_unset_environment_value(name), 0);
            assert!(aws_get_env(alloc, c"AWSRS_ENV_TEST".as_ptr()).is_null());
            assert_eq!(aws_get_environment_value(alloc, name, &mut out), 0);
            assert!(out.is_null());
            assert_eq!(aws_unset_environment_value(name), 0);
            for s in [name, value, empty] {
                aws_string_destroy(s);
            }
        }
    }

    #[test]
    fn names_the_c_library_refuses_fail_with_environment_set() {
        unsafe {
            let (bad, value) = (string("A=B"), string("x"));
            assert_eq!(aws_set_environment_value(bad, value), -1);
            assert_eq!(aws_last_error(), AWS_ERROR_ENVIRONMENT_SET as c_int);
            aws_string_destroy(bad);
            aws_string_destroy(value);
            assert!(aws_get_env(aws_default_allocator(), ptr::null()).is_null());
            assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        }
    }
}

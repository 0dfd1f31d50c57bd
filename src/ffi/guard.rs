//! The conventions every exported function follows.
//!
//! - Its body runs inside [`guard`] (or one of the shorthands [`op`], [`ptr`]), so a panic never
//!   unwinds into C: it becomes `AWS_ERROR_UNKNOWN` and the function's failure value.
//! - A failure is an [`Error`] carrying upstream's error code; the guard raises it as the
//!   thread's last error, so `aws_last_error()` reads it, and returns the failure value
//!   (`AWS_OP_ERR`, NULL, false, 0: whatever upstream returns on failure).
//! - Arguments are checked with [`reference`], [`mutable`], [`bytes`], [`c_str`] and [`enum_value`]
//!   before use: a NULL, an out-of-range enum or a malformed buffer is `AWS_ERROR_INVALID_ARGUMENT`.

use crate::error::aws_common_error;
use crate::ffi::common::error::raise;
use std::ffi::{CStr, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

pub use crate::error::{Error, Result};

/// `AWS_OP_SUCCESS`.
pub const OP_SUCCESS: c_int = 0;
/// `AWS_OP_ERR`.
pub const OP_ERR: c_int = -1;

/// The `AWS_ERROR_INVALID_ARGUMENT` error, the answer to any malformed argument.
pub const INVALID_ARGUMENT: Error = Error(aws_common_error::AWS_ERROR_INVALID_ARGUMENT as c_int);

/// Runs an exported function's body. On `Err` the error is raised and `failure` returned; a panic
/// raises `AWS_ERROR_UNKNOWN` and returns `failure` too.
pub fn guard<T>(failure: T, body: impl FnOnce() -> Result<T>) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(Error(code))) => {
            raise(code);
            failure
        }
        Err(_) => {
            raise(aws_common_error::AWS_ERROR_UNKNOWN as c_int);
            failure
        }
    }
}

/// [`guard`] for the functions that return `AWS_OP_SUCCESS` or `AWS_OP_ERR`.
pub fn op(body: impl FnOnce() -> Result<()>) -> c_int {
    guard(OP_ERR, || body().map(|()| OP_SUCCESS))
}

/// [`guard`] for the functions that return a pointer, NULL on failure.
pub fn ptr<T>(body: impl FnOnce() -> Result<*mut T>) -> *mut T {
    guard(std::ptr::null_mut(), body)
}

/// Fails with `AWS_ERROR_INVALID_ARGUMENT` unless `ok`.
pub fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(INVALID_ARGUMENT) }
}

/// The value behind a pointer the caller lent for reading.
///
/// # Safety
/// A non-NULL `p` must point to a valid `T` that outlives `'a`.
pub unsafe fn reference<'a, T>(p: *const T) -> Result<&'a T> {
    // SAFETY: the caller vouches for non-NULL pointers; NULL is refused here.
    unsafe { p.as_ref() }.ok_or(INVALID_ARGUMENT)
}

/// The value behind a pointer the caller lent for writing.
///
/// # Safety
/// A non-NULL `p` must point to a valid `T`, not aliased elsewhere, that outlives `'a`.
pub unsafe fn mutable<'a, T>(p: *mut T) -> Result<&'a mut T> {
    // SAFETY: the caller vouches for non-NULL pointers; NULL is refused here.
    unsafe { p.as_mut() }.ok_or(INVALID_ARGUMENT)
}

/// The bytes of a (pointer, length) pair; NULL is allowed only with length 0.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes that outlive `'a`.
pub unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    require(!ptr.is_null() && len <= isize::MAX as usize)?;
    // SAFETY: checked non-NULL and in range; the caller vouches for the rest.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A NUL-terminated C string the caller lent.
///
/// # Safety
/// A non-NULL `p` must point to a NUL-terminated string that outlives `'a`.
pub unsafe fn c_str<'a>(p: *const c_char) -> Result<&'a CStr> {
    require(!p.is_null())?;
    // SAFETY: checked non-NULL; the caller vouches for the terminator.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// A C enum value received as an integer, checked against the Rust enum's variants.
pub fn enum_value<E>(raw: c_int) -> Result<E>
where
    E: strum::IntoEnumIterator + Copy + Into<c_int>,
{
    E::iter()
        .find(|v| (*v).into() == raw)
        .ok_or(INVALID_ARGUMENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_last_error;

    #[test]
    fn a_panic_becomes_aws_error_unknown_and_the_failure_value() {
        let got = guard(7, || -> Result<i32> { panic!("boom") });
        assert_eq!(got, 7);
        assert_eq!(
            aws_last_error(),
            aws_common_error::AWS_ERROR_UNKNOWN as c_int
        );
    }

    #[test]
    fn an_error_is_raised_and_op_returns_aws_op_err() {
        assert_eq!(op(|| Err(INVALID_ARGUMENT)), OP_ERR);
        assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
        assert_eq!(op(|| Ok(())), OP_SUCCESS);
    }

    #[test]
    fn null_pointers_are_invalid_arguments() {
        // SAFETY: NULL is the case under test and is never dereferenced.
        unsafe {
            assert_eq!(reference::<u8>(std::ptr::null()), Err(INVALID_ARGUMENT));
            assert_eq!(bytes(std::ptr::null(), 3), Err(INVALID_ARGUMENT));
            assert_eq!(bytes(std::ptr::null(), 0), Ok(&[][..]));
            assert!(c_str(std::ptr::null()).is_err());
        }
    }
}

//! `aws/common/byte_buf.h`: trimming byte cursors, dropping the bytes at either end that a
//! caller's predicate picks, and checking that every byte satisfies one.
//!
//! The safety contract of every exported function is the one stated in
//! [`byte_buf`](super::byte_buf).

use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_arg};
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};

/// Says whether a byte belongs to a class, for the trim calls (upstream's
/// `aws_byte_predicate_fn`; the C typedef lives in the header's fragment).
pub type aws_byte_predicate_fn = unsafe extern "C" fn(value: u8) -> bool;

/// The cursor left after dropping leading bytes that satisfy `predicate`.
///
/// # Safety
/// `source` must cover readable bytes.
unsafe fn left_trim(
    source: aws_byte_cursor,
    predicate: aws_byte_predicate_fn,
) -> Result<aws_byte_cursor> {
    // SAFETY: forwarded caller contract; the predicate is the caller's function.
    let bytes = unsafe { source.as_bytes() }?;
    let n = bytes
        .iter()
        .take_while(|&&b| unsafe { predicate(b) })
        .count();
    Ok(source.sub(n, source.len - n))
}

/// The cursor left after dropping trailing bytes that satisfy `predicate`.
///
/// # Safety
/// `source` must cover readable bytes.
unsafe fn right_trim(
    source: aws_byte_cursor,
    predicate: aws_byte_predicate_fn,
) -> Result<aws_byte_cursor> {
    // SAFETY: forwarded caller contract; the predicate is the caller's function.
    let bytes = unsafe { source.as_bytes() }?;
    let n = bytes
        .iter()
        .rev()
        .take_while(|&&b| unsafe { predicate(b) })
        .count();
    Ok(source.sub(0, source.len - n))
}

/// `source` without its trailing bytes that satisfy `predicate`. A NULL argument or malformed
/// cursor gives an empty cursor and `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_right_trim_pred(
    source: *const aws_byte_cursor,
    predicate: Option<aws_byte_predicate_fn>,
) -> aws_byte_cursor {
    // SAFETY: the caller lends a valid cursor and a predicate.
    guard::guard(aws_byte_cursor::EMPTY, || unsafe {
        right_trim(cursor_arg(source)?, predicate.ok_or(INVALID_ARGUMENT)?)
    })
}

/// `source` without its leading bytes that satisfy `predicate`. A NULL argument or malformed
/// cursor gives an empty cursor and `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_left_trim_pred(
    source: *const aws_byte_cursor,
    predicate: Option<aws_byte_predicate_fn>,
) -> aws_byte_cursor {
    // SAFETY: the caller lends a valid cursor and a predicate.
    guard::guard(aws_byte_cursor::EMPTY, || unsafe {
        left_trim(cursor_arg(source)?, predicate.ok_or(INVALID_ARGUMENT)?)
    })
}

/// `source` without its leading and trailing bytes that satisfy `predicate`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_trim_pred(
    source: *const aws_byte_cursor,
    predicate: Option<aws_byte_predicate_fn>,
) -> aws_byte_cursor {
    guard::guard(aws_byte_cursor::EMPTY, || {
        let predicate = predicate.ok_or(INVALID_ARGUMENT)?;
        // SAFETY: the caller lends a valid cursor and a predicate.
        unsafe { right_trim(left_trim(cursor_arg(source)?, predicate)?, predicate) }
    })
}

/// True when every byte of `source` satisfies `predicate` (so also when it is empty).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_satisfies_pred(
    source: *const aws_byte_cursor,
    predicate: Option<aws_byte_predicate_fn>,
) -> bool {
    // SAFETY: the caller lends a valid cursor and a predicate.
    guard::guard(false, || unsafe {
        Ok(left_trim(cursor_arg(source)?, predicate.ok_or(INVALID_ARGUMENT)?)?.len == 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::byte_buf::test_support::{cur, text};

    unsafe extern "C" fn is_x(v: u8) -> bool {
        v == b'x'
    }

    #[test]
    fn trim_drops_matching_bytes_at_each_end() {
        let c = cur("xxabxcxx");
        unsafe {
            assert_eq!(
                text(aws_byte_cursor_left_trim_pred(&c, Some(is_x))),
                "abxcxx"
            );
            assert_eq!(
                text(aws_byte_cursor_right_trim_pred(&c, Some(is_x))),
                "xxabxc"
            );
            assert_eq!(text(aws_byte_cursor_trim_pred(&c, Some(is_x))), "abxc");
            assert_eq!(aws_byte_cursor_trim_pred(&cur("xxx"), Some(is_x)).len, 0);
            assert!(aws_byte_cursor_satisfies_pred(&cur("xx"), Some(is_x)));
            assert!(aws_byte_cursor_trim_pred(&c, None).ptr.is_null());
        }
    }
}

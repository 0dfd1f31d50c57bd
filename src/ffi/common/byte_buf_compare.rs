//! `aws/common/byte_buf.h`: comparing bytes: arrays, buffers and cursors with each other and
//! with C strings, exactly or ignoring ASCII case, by prefix and in lexical order.
//!
//! The safety contract of every exported function is the one stated in
//! [`byte_buf`](super::byte_buf).

use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_bytes, cursor_bytes};
use crate::ffi::guard::{self, require};
use std::cmp::Ordering;
use std::ffi::{c_char, c_int, c_void};

/// Compares `bytes` with the NUL-terminated `c_str`, reading `c_str` no further than one byte
/// past `bytes.len()`: equal when the string has exactly those bytes.
///
/// # Safety
/// `c_str` must be a NUL-terminated string.
unsafe fn eq_c_str(bytes: &[u8], c_str: *const c_char, same: fn(u8, u8) -> bool) -> bool {
    let s = c_str.cast::<u8>();
    for (i, &b) in bytes.iter().enumerate() {
        // SAFETY: the string's bytes up to and including its NUL are readable; we stop at it.
        let c = unsafe { *s.add(i) };
        if c == 0 || !same(b, c) {
            return false;
        }
    }
    // SAFETY: every earlier byte was non-NUL, so this one is still within the string.
    unsafe { *s.add(bytes.len()) == 0 }
}

fn same_byte(a: u8, b: u8) -> bool {
    a == b
}

fn same_ignoring_case(a: u8, b: u8) -> bool {
    a.eq_ignore_ascii_case(&b)
}

/// `-1`, `0` or `1` for an ordering, as the C comparison calls return.
fn ordering_to_int(order: Ordering) -> c_int {
    order as c_int
}

/// True when two arrays hold the same bytes. NULL is allowed with a length of 0; with a length
/// it is an invalid argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_eq(
    array_a: *const c_void,
    len_a: usize,
    array_b: *const c_void,
    len_b: usize,
) -> bool {
    // SAFETY: the caller lends `len` readable bytes at each pointer.
    guard::guard(false, || unsafe {
        Ok(guard::bytes(array_a.cast(), len_a)? == guard::bytes(array_b.cast(), len_b)?)
    })
}

/// As [`aws_array_eq`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_eq_ignore_case(
    array_a: *const c_void,
    len_a: usize,
    array_b: *const c_void,
    len_b: usize,
) -> bool {
    // SAFETY: the caller lends `len` readable bytes at each pointer.
    guard::guard(false, || unsafe {
        Ok(guard::bytes(array_a.cast(), len_a)?
            .eq_ignore_ascii_case(guard::bytes(array_b.cast(), len_b)?))
    })
}

/// True when the array holds exactly the bytes of the NUL-terminated `c_str` (so never when the
/// array contains a NUL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_eq_c_str(
    array: *const c_void,
    array_len: usize,
    c_str: *const c_char,
) -> bool {
    guard::guard(false, || {
        require(!c_str.is_null())?;
        // SAFETY: the caller lends the array and a NUL-terminated string.
        Ok(unsafe { eq_c_str(guard::bytes(array.cast(), array_len)?, c_str, same_byte) })
    })
}

/// As [`aws_array_eq_c_str`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_eq_c_str_ignore_case(
    array: *const c_void,
    array_len: usize,
    c_str: *const c_char,
) -> bool {
    guard::guard(false, || {
        require(!c_str.is_null())?;
        // SAFETY: the caller lends the array and a NUL-terminated string.
        Ok(unsafe {
            eq_c_str(
                guard::bytes(array.cast(), array_len)?,
                c_str,
                same_ignoring_case,
            )
        })
    })
}

/// True when two buffers hold the same bytes in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_eq(a: *const aws_byte_buf, b: *const aws_byte_buf) -> bool {
    // SAFETY: the caller lends two valid buffers.
    guard::guard(false, || unsafe { Ok(buf_bytes(a)? == buf_bytes(b)?) })
}

/// As [`aws_byte_buf_eq`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_eq_ignore_case(
    a: *const aws_byte_buf,
    b: *const aws_byte_buf,
) -> bool {
    // SAFETY: the caller lends two valid buffers.
    guard::guard(false, || unsafe {
        Ok(buf_bytes(a)?.eq_ignore_ascii_case(buf_bytes(b)?))
    })
}

/// True when the bytes in use are exactly those of the NUL-terminated `c_str`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_eq_c_str(
    buf: *const aws_byte_buf,
    c_str: *const c_char,
) -> bool {
    guard::guard(false, || {
        require(!c_str.is_null())?;
        // SAFETY: the caller lends a valid buffer and a NUL-terminated string.
        Ok(unsafe { eq_c_str(buf_bytes(buf)?, c_str, same_byte) })
    })
}

/// As [`aws_byte_buf_eq_c_str`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_eq_c_str_ignore_case(
    buf: *const aws_byte_buf,
    c_str: *const c_char,
) -> bool {
    guard::guard(false, || {
        require(!c_str.is_null())?;
        // SAFETY: the caller lends a valid buffer and a NUL-terminated string.
        Ok(unsafe { eq_c_str(buf_bytes(buf)?, c_str, same_ignoring_case) })
    })
}

/// True when two cursors cover the same bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_eq(
    a: *const aws_byte_cursor,
    b: *const aws_byte_cursor,
) -> bool {
    // SAFETY: the caller lends two valid cursors.
    guard::guard(false, || unsafe {
        Ok(cursor_bytes(a)? == cursor_bytes(b)?)
    })
}

/// As [`aws_byte_cursor_eq`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_eq_ignore_case(
    a: *const aws_byte_cursor,
    b: *const aws_byte_cursor,
) -> bool {
    // SAFETY: the caller lends two valid cursors.
    guard::guard(false, || unsafe {
        Ok(cursor_bytes(a)?.eq_ignore_ascii_case(cursor_bytes(b)?))
    })
}

/// True when the cursor covers the same bytes as the buffer has in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_eq_byte_buf(
    a: *const aws_byte_cursor,
    b: *const aws_byte_buf,
) -> bool {
    // SAFETY: the caller lends a valid cursor and a valid buffer.
    guard::guard(false, || unsafe { Ok(cursor_bytes(a)? == buf_bytes(b)?) })
}

/// As [`aws_byte_cursor_eq_byte_buf`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_eq_byte_buf_ignore_case(
    a: *const aws_byte_cursor,
    b: *const aws_byte_buf,
) -> bool {
    // SAFETY: the caller lends a valid cursor and a valid buffer.
    guard::guard(false, || unsafe {
        Ok(cursor_bytes(a)?.eq_ignore_ascii_case(buf_bytes(b)?))
    })
}

/// True when the cursor covers exactly the bytes of the NUL-terminated `c_str`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_eq_c_str(
    cursor: *const aws_byte_cursor,
    c_str: *const c_char,
) -> bool {
    guard::guard(false, || {
        require(!c_str.is_null())?;
        // SAFETY: the caller lends a valid cursor and a NUL-terminated string.
        Ok(unsafe { eq_c_str(cursor_bytes(cursor)?, c_str, same_byte) })
    })
}

/// As [`aws_byte_cursor_eq_c_str`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_eq_c_str_ignore_case(
    cursor: *const aws_byte_cursor,
    c_str: *const c_char,
) -> bool {
    guard::guard(false, || {
        require(!c_str.is_null())?;
        // SAFETY: the caller lends a valid cursor and a NUL-terminated string.
        Ok(unsafe { eq_c_str(cursor_bytes(cursor)?, c_str, same_ignoring_case) })
    })
}

/// True when `input` begins with the bytes of `prefix`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_starts_with(
    input: *const aws_byte_cursor,
    prefix: *const aws_byte_cursor,
) -> bool {
    // SAFETY: the caller lends two valid cursors.
    guard::guard(false, || unsafe {
        Ok(cursor_bytes(input)?.starts_with(cursor_bytes(prefix)?))
    })
}

/// As [`aws_byte_cursor_starts_with`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_starts_with_ignore_case(
    input: *const aws_byte_cursor,
    prefix: *const aws_byte_cursor,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends two valid cursors.
        let (input, prefix) = unsafe { (cursor_bytes(input)?, cursor_bytes(prefix)?) };
        Ok(input.len() >= prefix.len() && input[..prefix.len()].eq_ignore_ascii_case(prefix))
    })
}

/// Orders two cursors by their bytes as unsigned values, a proper prefix first: negative, 0 or
/// positive. A NULL or malformed cursor gives 0 and `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_compare_lexical(
    lhs: *const aws_byte_cursor,
    rhs: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: the caller lends two valid cursors.
    guard::guard(0, || unsafe {
        Ok(ordering_to_int(cursor_bytes(lhs)?.cmp(cursor_bytes(rhs)?)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::byte_buf::test_support::cur;

    #[test]
    fn comparisons_with_c_strings_need_the_exact_length() {
        let with_nul = aws_byte_cursor::from_slice(b"ab\0");
        unsafe {
            assert!(aws_byte_cursor_eq_c_str(&cur("ab"), c"ab".as_ptr()));
            assert!(!aws_byte_cursor_eq_c_str(&with_nul, c"ab".as_ptr()));
            assert!(!aws_byte_cursor_eq_c_str(&cur("a"), c"ab".as_ptr()));
            assert!(aws_byte_cursor_eq_c_str_ignore_case(
                &cur("aB"),
                c"Ab".as_ptr()
            ));
            assert!(!aws_byte_cursor_eq_c_str_ignore_case(
                &cur("["),
                c"{".as_ptr()
            ));
        }
    }

    #[test]
    fn lexical_order_puts_a_prefix_first() {
        unsafe {
            assert!(aws_byte_cursor_compare_lexical(&cur("ab"), &cur("abc")) < 0);
            assert!(aws_byte_cursor_compare_lexical(&cur("b"), &cur("abc")) > 0);
            assert_eq!(
                aws_byte_cursor_compare_lexical(&cur(""), &aws_byte_cursor::EMPTY),
                0
            );
            let high = aws_byte_cursor::from_slice(&[0xff]);
            assert!(aws_byte_cursor_compare_lexical(&cur("a"), &high) < 0);
        }
    }
}

//! `aws/common/byte_buf.h`: byte cursors: made over a C string, an array or a buffer's bytes,
//! checked, advanced, split on a separator and searched.
//!
//! The safety contract of every exported function is the one stated in
//! [`byte_buf`](super::byte_buf).

use crate::ffi::common::byte_buf::{
    aws_byte_buf, aws_byte_cursor, buf_arg, c_str_len, cursor_arg, cursor_bytes,
};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_SHORT_BUFFER, AWS_ERROR_STRING_MATCH_NOT_FOUND,
};
use crate::ffi::guard::{self, Error, Result, require};
use std::ffi::{c_char, c_int, c_void};

/// Lengths above this are treated as overflow by the cursor-advancing calls, as upstream does.
const HALF_OF_SIZE: usize = usize::MAX >> 1;

/// Where `needle` first occurs in `haystack`; `needle` must not be empty.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() == 1 {
        return haystack.iter().position(|&b| b == needle[0]);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits off the first `len` bytes of `cursor`, or returns [`aws_byte_cursor::EMPTY`] and
/// leaves it alone when it has fewer (or either length is past half the address space).
pub fn advance(cursor: &mut aws_byte_cursor, len: usize) -> aws_byte_cursor {
    if cursor.len > HALF_OF_SIZE || len > HALF_OF_SIZE || len > cursor.len {
        return aws_byte_cursor::EMPTY;
    }
    let head = aws_byte_cursor {
        len,
        ptr: cursor.ptr,
    };
    if !cursor.ptr.is_null() {
        cursor.ptr = cursor.ptr.wrapping_add(len);
    }
    cursor.len -= len;
    head
}

/// One step of the split iteration: moves `substr` to the next piece of `input` between
/// occurrences of `split_on`, or clears it and returns false when there are no more.
///
/// A `substr` with a NULL pointer starts the iteration. An empty input has one empty piece; a
/// separator at either end or two in a row make empty pieces.
///
/// # Safety
/// `input` must cover readable bytes; `substr` must be zeroed or the previous step's result.
unsafe fn next_split(
    input: aws_byte_cursor,
    split_on: &[u8],
    substr: &mut aws_byte_cursor,
) -> Result<bool> {
    require(!split_on.is_empty())?;
    let first = substr.ptr.is_null();
    if input.ptr.is_null() {
        // Only an empty input has no pointer: its one piece is empty but must not look unset.
        *substr = if first {
            aws_byte_cursor {
                len: 0,
                ptr: c"".as_ptr().cast_mut().cast(),
            }
        } else {
            aws_byte_cursor::EMPTY
        };
        return Ok(first);
    }
    let start = if first {
        0
    } else {
        // Compare addresses rather than offsetting pointers, so a stale `substr` cannot
        // produce an out-of-bounds pointer.
        let base = input.ptr as usize;
        let next = (substr.ptr as usize)
            .checked_add(substr.len)
            .and_then(|a| a.checked_add(split_on.len()));
        match next {
            Some(at) if at >= base && at - base <= input.len => at - base,
            _ => {
                *substr = aws_byte_cursor::EMPTY;
                return Ok(false);
            }
        }
    };
    // SAFETY: forwarded caller contract.
    let rest = &unsafe { input.as_bytes() }?[start..];
    let piece = find(rest, split_on).unwrap_or(rest.len());
    *substr = input.sub(start, piece);
    Ok(true)
}

/// True when `cursor` is non-NULL and its pointer is set or it covers nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_is_valid(cursor: *const aws_byte_cursor) -> bool {
    // SAFETY: the caller lends a cursor or NULL.
    guard::guard(false, || {
        Ok(unsafe { cursor.as_ref() }.is_some_and(aws_byte_cursor::is_valid))
    })
}

/// The cursor over the bytes `buf` has in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_from_buf(buf: *const aws_byte_buf) -> aws_byte_cursor {
    // SAFETY: the caller lends a valid buffer.
    guard::guard(aws_byte_cursor::EMPTY, || {
        Ok(unsafe { buf_arg(buf) }?.cursor())
    })
}

/// The cursor over the NUL-terminated `c_str`, the NUL excluded. NULL gives the empty cursor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_from_c_str(c_str: *const c_char) -> aws_byte_cursor {
    guard::guard(aws_byte_cursor::EMPTY, || {
        Ok(aws_byte_cursor {
            // SAFETY: the caller lends a NUL-terminated string or NULL.
            len: unsafe { c_str_len(c_str) },
            ptr: c_str.cast_mut().cast(),
        })
    })
}

/// The cursor over `len` bytes at `bytes`. NULL with a non-zero length gives the empty cursor
/// and `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_from_array(
    bytes: *const c_void,
    len: usize,
) -> aws_byte_cursor {
    guard::guard(aws_byte_cursor::EMPTY, || {
        let cursor = aws_byte_cursor {
            len,
            ptr: bytes.cast_mut().cast(),
        };
        require(cursor.is_valid())?;
        Ok(cursor)
    })
}

/// Splits off the first `len` bytes of `*cursor` and returns them, moving the cursor past them.
/// When the cursor has fewer (or a length is past half the address space) it is left alone and
/// the result is empty with a NULL pointer; no error is raised for that.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_advance(
    cursor: *mut aws_byte_cursor,
    len: usize,
) -> aws_byte_cursor {
    guard::guard(aws_byte_cursor::EMPTY, || {
        // SAFETY: the caller lends a valid cursor.
        let c = unsafe { guard::mutable(cursor) }?;
        require(c.is_valid())?;
        Ok(advance(c, len))
    })
}

/// As [`aws_byte_cursor_advance`]. Upstream adds a speculation barrier for untrusted lengths;
/// here the bounds check decides before any byte is read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_advance_nospec(
    cursor: *mut aws_byte_cursor,
    len: usize,
) -> aws_byte_cursor {
    // SAFETY: forwarded caller contract.
    unsafe { aws_byte_cursor_advance(cursor, len) }
}

/// Moves `substr` to the next piece of `input_str` between occurrences of `split_on`, without
/// copying; returns false (and clears `substr`) when there are no more. Start with `substr`
/// zeroed. An empty input has one empty piece; a separator at either end, or two in a row,
/// make empty pieces.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_next_split(
    input_str: *const aws_byte_cursor,
    split_on: c_char,
    substr: *mut aws_byte_cursor,
) -> bool {
    guard::guard(false, || {
        let separator = [split_on as u8];
        // SAFETY: the caller lends a valid input and the previous step's piece.
        unsafe { next_split(cursor_arg(input_str)?, &separator, guard::mutable(substr)?) }
    })
}

/// As [`aws_byte_cursor_next_split`], splitting on a run of bytes. An empty `split_on` is an
/// invalid argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_next_split_on_cursor(
    input_str: *const aws_byte_cursor,
    split_on: aws_byte_cursor,
    substr: *mut aws_byte_cursor,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a valid input, the separator bytes and the previous piece.
        let separator = unsafe { split_on.as_bytes() }?;
        unsafe { next_split(cursor_arg(input_str)?, separator, guard::mutable(substr)?) }
    })
}

/// Finds the first occurrence of `to_find` in `input_str`; on success `first_find` covers
/// `input_str` from there to its end. Fails with `AWS_ERROR_STRING_MATCH_NOT_FOUND`, or
/// `AWS_ERROR_SHORT_BUFFER` when `to_find` is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_find_exact(
    input_str: *const aws_byte_cursor,
    to_find: *const aws_byte_cursor,
    first_find: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends two valid cursors and a cursor to fill.
        let (input, needle) = unsafe { (cursor_arg(input_str)?, cursor_bytes(to_find)?) };
        let out = unsafe { guard::mutable(first_find) }?;
        if needle.len() > input.len {
            return Err(AWS_ERROR_STRING_MATCH_NOT_FOUND.into());
        }
        if needle.is_empty() {
            return Err(AWS_ERROR_SHORT_BUFFER.into());
        }
        let at = find(unsafe { input.as_bytes() }?, needle)
            .ok_or(Error::from(AWS_ERROR_STRING_MATCH_NOT_FOUND))?;
        *out = input.sub(at, input.len - at);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::byte_buf::test_support::{cur, text};
    use crate::ffi::common::error::{aws_last_error, aws_reset_error};
    use crate::ffi::guard::INVALID_ARGUMENT;

    fn splits(input: aws_byte_cursor, on: u8) -> Vec<String> {
        let mut piece = aws_byte_cursor::EMPTY;
        let mut out = Vec::new();
        while unsafe { aws_byte_cursor_next_split(&input, on as c_char, &mut piece) } {
            out.push(text(piece));
            assert!(out.len() < 100, "split never ends");
        }
        assert!(piece.ptr.is_null() && piece.len == 0);
        out
    }

    #[test]
    fn split_follows_the_edge_case_rules() {
        assert_eq!(splits(cur(""), b';'), [""]);
        assert_eq!(splits(aws_byte_cursor::EMPTY, b';'), [""]);
        assert_eq!(splits(cur(";A"), b';'), ["", "A"]);
        assert_eq!(splits(cur("A;;B"), b';'), ["A", "", "B"]);
        assert_eq!(splits(cur("A;"), b';'), ["A", ""]);
        assert_eq!(splits(cur("abc"), b';'), ["abc"]);
    }

    #[test]
    fn split_on_a_cursor_matches_whole_separators() {
        let input = cur("a--b-c--");
        let mut piece = aws_byte_cursor::EMPTY;
        let mut out = Vec::new();
        while unsafe { aws_byte_cursor_next_split_on_cursor(&input, cur("--"), &mut piece) } {
            out.push(text(piece));
        }
        assert_eq!(out, ["a", "b-c", ""]);
    }

    #[test]
    fn split_on_an_empty_separator_is_refused_rather_than_looping() {
        let input = cur("abc");
        let mut piece = aws_byte_cursor::EMPTY;
        aws_reset_error();
        assert!(!unsafe { aws_byte_cursor_next_split_on_cursor(&input, cur(""), &mut piece) });
        assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
    }

    #[test]
    fn advancing_past_the_end_returns_an_empty_cursor_and_leaves_it_alone() {
        let mut c = cur("abcd");
        let head = unsafe { aws_byte_cursor_advance(&mut c, 3) };
        assert_eq!((text(head), text(c)), ("abc".into(), "d".into()));
        let none = unsafe { aws_byte_cursor_advance(&mut c, 2) };
        assert!(none.ptr.is_null() && none.len == 0);
        assert_eq!(text(c), "d");
    }

    #[test]
    fn find_exact_reports_where_and_why_not() {
        let mut found = aws_byte_cursor::EMPTY;
        unsafe {
            assert_eq!(
                aws_byte_cursor_find_exact(&cur("hello world"), &cur("o w"), &mut found),
                0
            );
            assert_eq!(text(found), "o world");
            assert_eq!(
                aws_byte_cursor_find_exact(&cur("ab"), &cur(""), &mut found),
                guard::OP_ERR
            );
            assert_eq!(aws_last_error(), AWS_ERROR_SHORT_BUFFER as c_int);
            assert_eq!(
                aws_byte_cursor_find_exact(&cur("ab"), &cur("abc"), &mut found),
                guard::OP_ERR
            );
            assert_eq!(aws_last_error(), AWS_ERROR_STRING_MATCH_NOT_FOUND as c_int);
        }
    }
}

//! `aws/common/string.h`: immutable strings whose header and bytes (plus a NUL) live in one
//! block from the caller's allocator, and the calls that make, compare and destroy them.
//!
//! A string's bytes follow its header directly, so C reads them through `bytes` like a flexible
//! array. Strings made with `AWS_STATIC_STRING_FROM_LITERAL` have no allocator and are never
//! freed. A string may be shorter in memory than `sizeof(struct aws_string)` (as upstream's
//! literals are), so this file never makes a Rust reference to a whole `aws_string`: it reads
//! the fields through the raw pointer.
//!
//! # Safety
//! Every exported function has the same contract, so it is stated once here rather than on
//! each: a pointer argument is NULL or points to a valid object of its type (a cursor's or
//! buffer's bytes readable, a C string NUL-terminated) that nothing else mutates during the call.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::{self, aws_byte_buf, aws_byte_cursor, buf_arg, cursor_arg};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_C_STRING_BUFFER_NOT_NULL_TERMINATED, AWS_ERROR_OVERFLOW_DETECTED,
};
use crate::ffi::guard::{self, Error, Result, require};
use std::cmp::Ordering;
use std::ffi::{CStr, c_char, c_int};
use std::mem::{offset_of, size_of};
use std::ptr::{self, NonNull};

/// An immutable run of bytes followed by a NUL, in one block with its header (upstream's
/// `struct aws_string`). `bytes` is declared with one element, as upstream does; the string's
/// `len` bytes and the NUL start there.
#[repr(C)]
pub struct aws_string {
    /// Where the block came from, or NULL for a string that is never freed.
    pub allocator: *mut aws_allocator,
    /// How many bytes the string has, the NUL excluded.
    pub len: usize,
    /// The first byte; the rest and the NUL follow.
    pub bytes: [u8; 1],
}

/// Where the bytes start in the block.
const BYTES_AT: usize = offset_of!(aws_string, bytes);

/// Allocates a string holding `bytes` from `allocator`.
///
/// # Safety
/// A non-NULL `allocator` must point to a valid allocator.
pub unsafe fn new_string(
    allocator: *mut aws_allocator,
    bytes: &[u8],
) -> Result<NonNull<aws_string>> {
    let overflow = || Error::from(AWS_ERROR_OVERFLOW_DETECTED);
    let size = bytes.len().checked_add(BYTES_AT + 1).ok_or_else(overflow)?;
    // SAFETY: forwarded caller contract.
    let block = unsafe { allocator::acquire(allocator, size.max(size_of::<aws_string>())) }?;
    let s = block.as_ptr().cast::<aws_string>();
    // SAFETY: the block is fresh, aligned by the allocator and holds the header, the bytes
    // and the NUL.
    unsafe {
        ptr::addr_of_mut!((*s).allocator).write(allocator);
        ptr::addr_of_mut!((*s).len).write(bytes.len());
        let data = ptr::addr_of_mut!((*s).bytes).cast::<u8>();
        ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
        data.add(bytes.len()).write(0);
    }
    Ok(block.cast())
}

/// The bytes of a string the caller lent, the NUL excluded. NULL, or a string whose NUL is
/// missing, is an invalid argument.
///
/// # Safety
/// A non-NULL `s` must point to a string header followed by its `len` bytes and one more.
pub unsafe fn string_bytes<'a>(s: *const aws_string) -> Result<&'a [u8]> {
    require(!s.is_null())?;
    // SAFETY: the caller vouches for the header and the `len + 1` bytes after it.
    unsafe {
        let len = ptr::addr_of!((*s).len).read();
        let data = ptr::addr_of!((*s).bytes).cast::<u8>();
        require(len < isize::MAX as usize && *data.add(len) == 0)?;
        // Built here rather than by `guard::bytes`, so that even an empty string's slice
        // points at its own bytes (callers hand that address back to C).
        Ok(std::slice::from_raw_parts(data, len))
    }
}

/// The bytes of an optional string: `None` for NULL, an error for a malformed one.
///
/// # Safety
/// As [`string_bytes`].
unsafe fn optional_bytes<'a>(s: *const aws_string) -> Result<Option<&'a [u8]>> {
    // SAFETY: forwarded caller contract.
    if s.is_null() {
        Ok(None)
    } else {
        unsafe { string_bytes(s) }.map(Some)
    }
}

/// Compares a string with another optional byte run: two NULLs are equal, one NULL is not.
fn eq_optional(a: Option<&[u8]>, b: Option<&[u8]>, ignore_case: bool) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) if ignore_case => a.eq_ignore_ascii_case(b),
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The bytes of an optional cursor: `None` for NULL, an error for a malformed one.
///
/// # Safety
/// A non-NULL `cur` must point to a cursor over readable bytes.
unsafe fn optional_cursor<'a>(cur: *const aws_byte_cursor) -> Result<Option<&'a [u8]>> {
    // SAFETY: forwarded caller contract.
    if cur.is_null() {
        Ok(None)
    } else {
        unsafe { cursor_arg(cur)?.as_bytes() }.map(Some)
    }
}

/// The bytes in use of an optional buffer: `None` for NULL, an error for a malformed one.
///
/// # Safety
/// A non-NULL `buf` must point to a buffer whose bytes in use are readable.
unsafe fn optional_buf<'a>(buf: *const aws_byte_buf) -> Result<Option<&'a [u8]>> {
    // SAFETY: forwarded caller contract.
    if buf.is_null() {
        Ok(None)
    } else {
        unsafe { buf_arg(buf)?.cursor().as_bytes() }.map(Some)
    }
}

/// The bytes of an optional NUL-terminated string.
///
/// # Safety
/// A non-NULL `c_str` must be NUL-terminated.
unsafe fn optional_c_str<'a>(c_str: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: forwarded caller contract.
    (!c_str.is_null()).then(|| unsafe { CStr::from_ptr(c_str) }.to_bytes())
}

/// True when two strings hold the same bytes; two NULLs are equal, one NULL is not.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_eq(a: *const aws_string, b: *const aws_string) -> bool {
    // SAFETY: the caller lends two strings or NULLs.
    guard::guard(false, || unsafe {
        Ok(eq_optional(optional_bytes(a)?, optional_bytes(b)?, false))
    })
}

/// As [`aws_string_eq`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_eq_ignore_case(
    a: *const aws_string,
    b: *const aws_string,
) -> bool {
    // SAFETY: the caller lends two strings or NULLs.
    guard::guard(false, || unsafe {
        Ok(eq_optional(optional_bytes(a)?, optional_bytes(b)?, true))
    })
}

/// True when the string holds the bytes the cursor covers; two NULLs are equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_eq_byte_cursor(
    str: *const aws_string,
    cur: *const aws_byte_cursor,
) -> bool {
    // SAFETY: the caller lends a string and a cursor, or NULLs.
    guard::guard(false, || unsafe {
        Ok(eq_optional(
            optional_bytes(str)?,
            optional_cursor(cur)?,
            false,
        ))
    })
}

/// As [`aws_string_eq_byte_cursor`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_eq_byte_cursor_ignore_case(
    str: *const aws_string,
    cur: *const aws_byte_cursor,
) -> bool {
    // SAFETY: the caller lends a string and a cursor, or NULLs.
    guard::guard(false, || unsafe {
        Ok(eq_optional(
            optional_bytes(str)?,
            optional_cursor(cur)?,
            true,
        ))
    })
}

/// True when the string holds the bytes the buffer has in use; two NULLs are equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_eq_byte_buf(
    str: *const aws_string,
    buf: *const aws_byte_buf,
) -> bool {
    // SAFETY: the caller lends a string and a buffer, or NULLs.
    guard::guard(false, || unsafe {
        Ok(eq_optional(optional_bytes(str)?, optional_buf(buf)?, false))
    })
}

/// As [`aws_string_eq_byte_buf`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_eq_byte_buf_ignore_case(
    str: *const aws_string,
    buf: *const aws_byte_buf,
) -> bool {
    // SAFETY: the caller lends a string and a buffer, or NULLs.
    guard::guard(false, || unsafe {
        Ok(eq_optional(optional_bytes(str)?, optional_buf(buf)?, true))
    })
}

/// True when the string holds exactly the bytes of the NUL-terminated `c_str`; two NULLs are
/// equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_eq_c_str(str: *const aws_string, c_str: *const c_char) -> bool {
    // SAFETY: the caller lends a string and a NUL-terminated string, or NULLs.
    guard::guard(false, || unsafe {
        Ok(eq_optional(
            optional_bytes(str)?,
            optional_c_str(c_str),
            false,
        ))
    })
}

/// As [`aws_string_eq_c_str`], treating ASCII letters of either case as equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_eq_c_str_ignore_case(
    str: *const aws_string,
    c_str: *const c_char,
) -> bool {
    // SAFETY: the caller lends a string and a NUL-terminated string, or NULLs.
    guard::guard(false, || unsafe {
        Ok(eq_optional(
            optional_bytes(str)?,
            optional_c_str(c_str),
            true,
        ))
    })
}

/// A new string from `allocator` holding the bytes of the NUL-terminated `c_str`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_new_from_c_str(
    allocator: *mut aws_allocator,
    c_str: *const c_char,
) -> *mut aws_string {
    // SAFETY: the caller lends an allocator and a NUL-terminated string.
    guard::ptr(|| unsafe { Ok(new_string(allocator, guard::c_str(c_str)?.to_bytes())?.as_ptr()) })
}

/// A new string from `allocator` holding `len` bytes copied from `bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_new_from_array(
    allocator: *mut aws_allocator,
    bytes: *const u8,
    len: usize,
) -> *mut aws_string {
    // SAFETY: the caller lends an allocator and `len` readable bytes.
    guard::ptr(|| unsafe { Ok(new_string(allocator, guard::bytes(bytes, len)?)?.as_ptr()) })
}

/// A new string from `allocator` with the same bytes as `str`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_new_from_string(
    allocator: *mut aws_allocator,
    str: *const aws_string,
) -> *mut aws_string {
    // SAFETY: the caller lends an allocator and a valid string.
    guard::ptr(|| unsafe { Ok(new_string(allocator, string_bytes(str)?)?.as_ptr()) })
}

/// A new string from `allocator` holding the bytes the cursor covers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_new_from_cursor(
    allocator: *mut aws_allocator,
    cursor: *const aws_byte_cursor,
) -> *mut aws_string {
    // SAFETY: the caller lends an allocator and a valid cursor.
    guard::ptr(|| unsafe { Ok(new_string(allocator, byte_buf::cursor_bytes(cursor)?)?.as_ptr()) })
}

/// A new string from `allocator` holding the bytes the buffer has in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_new_from_buf(
    allocator: *mut aws_allocator,
    buf: *const aws_byte_buf,
) -> *mut aws_string {
    // SAFETY: the caller lends an allocator and a valid buffer.
    guard::ptr(|| unsafe {
        Ok(new_string(allocator, buf_arg(buf)?.cursor().as_bytes()?)?.as_ptr())
    })
}

/// Gives a string's block back to its allocator. NULL, and a string without an allocator
/// (a literal), are left alone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_destroy(str: *mut aws_string) {
    guard::guard((), || {
        if !str.is_null() {
            // SAFETY: the caller lends a string whose block came from its allocator.
            unsafe { allocator::release(ptr::addr_of!((*str).allocator).read(), str.cast()) };
        }
        Ok(())
    })
}

/// Zeroes a string's bytes, then destroys it as [`aws_string_destroy`]. A string without an
/// allocator lives in read-only memory and is left alone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_destroy_secure(str: *mut aws_string) {
    guard::guard((), || {
        if str.is_null() {
            return Ok(());
        }
        // SAFETY: the caller lends a valid string; one with an allocator is writable.
        unsafe {
            let owner = ptr::addr_of!((*str).allocator).read();
            if !owner.is_null() {
                let len = string_bytes(str)?.len();
                byte_buf::secure_zero(ptr::addr_of_mut!((*str).bytes).cast(), len);
                allocator::release(owner, str.cast());
            }
        }
        Ok(())
    })
}

/// Orders two strings by their bytes as unsigned values, a proper prefix first, NULL before
/// any string: negative, 0 or positive.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_compare(a: *const aws_string, b: *const aws_string) -> c_int {
    // SAFETY: the caller lends two strings or NULLs.
    guard::guard(0, || unsafe {
        let order: Ordering = optional_bytes(a)?.cmp(&optional_bytes(b)?);
        Ok(order as c_int)
    })
}

/// The cursor over a string's bytes (the NUL excluded). NULL gives the empty cursor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_from_string(src: *const aws_string) -> aws_byte_cursor {
    // SAFETY: the caller lends a valid string or NULL.
    guard::guard(aws_byte_cursor::EMPTY, || unsafe {
        Ok(optional_bytes(src)?.map_or(aws_byte_cursor::EMPTY, aws_byte_cursor::from_slice))
    })
}

/// A copy of `str` from `allocator`, or `str` itself when it has no allocator (a literal,
/// which lives as long as the program).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_clone_or_reuse(
    allocator: *mut aws_allocator,
    str: *const aws_string,
) -> *mut aws_string {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator and a valid string.
        let bytes = unsafe { string_bytes(str) }?;
        if unsafe { ptr::addr_of!((*str).allocator).read() }.is_null() {
            return Ok(str.cast_mut());
        }
        Ok(unsafe { new_string(allocator, bytes) }?.as_ptr())
    })
}

/// Stores in `*str_len` the length of `str` before its NUL, looking at no more than
/// `max_read_len` bytes; `AWS_ERROR_C_STRING_BUFFER_NOT_NULL_TERMINATED` when none is there.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_secure_strlen(
    str: *const c_char,
    max_read_len: usize,
    str_len: *mut usize,
) -> c_int {
    guard::op(|| {
        require(!str.is_null())?;
        // SAFETY: the caller lends `max_read_len` readable bytes and a place for the answer.
        let out = unsafe { guard::mutable(str_len) }?;
        let bytes = unsafe { guard::bytes(str.cast(), max_read_len) }?;
        *out = bytes
            .iter()
            .position(|&b| b == 0)
            .ok_or(Error::from(AWS_ERROR_C_STRING_BUFFER_NOT_NULL_TERMINATED))?;
        Ok(())
    })
}

/// The string's bytes, followed by a NUL. NULL or a malformed string gives NULL and
/// `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_bytes(str: *const aws_string) -> *const u8 {
    // SAFETY: the caller lends a valid string.
    guard::guard(ptr::null(), || unsafe { Ok(string_bytes(str)?.as_ptr()) })
}

/// The string's bytes as a C string. NULL or a malformed string gives NULL and
/// `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_c_str(str: *const aws_string) -> *const c_char {
    // SAFETY: forwarded caller contract.
    guard::guard(ptr::null(), || Ok(unsafe { aws_string_bytes(str) }.cast()))
}

/// True when `str` is non-NULL and a NUL follows its `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_string_is_valid(str: *const aws_string) -> bool {
    // SAFETY: the caller lends a string or NULL.
    guard::guard(false, || Ok(unsafe { string_bytes(str) }.is_ok()))
}

/// The best check possible without a length: `str` is non-NULL.
#[unsafe(no_mangle)]
pub extern "C" fn aws_c_string_is_valid(str: *const c_char) -> bool {
    guard::guard(false, || Ok(!str.is_null()))
}

/// True for the ASCII white-space bytes, as `aws_isspace`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_char_is_space(c: u8) -> bool {
    guard::guard(false, || Ok(byte_buf::aws_isspace(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::error::{aws_last_error, aws_reset_error};

    fn new(s: &str) -> *mut aws_string {
        let p = unsafe { aws_string_new_from_array(aws_default_allocator(), s.as_ptr(), s.len()) };
        assert!(!p.is_null());
        p
    }

    /// A string laid out as the C macro lays out a literal: no allocator, just enough room.
    #[repr(C)]
    struct Literal<const N: usize> {
        allocator: *mut aws_allocator,
        len: usize,
        bytes: [u8; N],
    }

    #[test]
    fn a_new_string_is_one_block_ending_in_nul() {
        let s = new("hello");
        unsafe {
            assert_eq!((*s).len, 5);
            assert_eq!((*s).allocator, aws_default_allocator());
            assert_eq!(CStr::from_ptr(aws_string_c_str(s)).to_bytes(), b"hello");
            assert!(aws_string_is_valid(s));
            aws_string_destroy(s);
        }
    }

    #[test]
    fn the_empty_string_is_valid_and_equal_to_an_empty_c_string() {
        let s = new("");
        unsafe {
            assert!(aws_string_eq_c_str(s, c"".as_ptr()));
            let c = aws_byte_cursor_from_string(s);
            assert_eq!(c.len, 0);
            assert_eq!(c.ptr.cast_const(), ptr::addr_of!((*s).bytes).cast::<u8>());
            assert_eq!(aws_string_bytes(s), c.ptr.cast_const());
            aws_string_destroy_secure(s);
        }
    }

    #[test]
    fn null_strings_compare_equal_only_to_null() {
        let s = new("x");
        unsafe {
            assert!(aws_string_eq(ptr::null(), ptr::null()));
            assert!(!aws_string_eq(s, ptr::null()));
            assert!(aws_string_eq_c_str(ptr::null(), ptr::null()));
            assert!(!aws_string_eq_byte_cursor(s, ptr::null()));
            assert!(aws_string_compare(ptr::null(), s) < 0);
            aws_string_destroy(s);
        }
    }

    #[test]
    fn comparison_orders_bytes_then_length() {
        let (a, ab, b) = (new("a"), new("ab"), new("b"));
        unsafe {
            assert!(aws_string_compare(a, ab) < 0);
            assert!(aws_string_compare(b, ab) > 0);
            assert_eq!(aws_string_compare(ab, ab), 0);
            for s in [a, ab, b] {
                aws_string_destroy(s);
            }
        }
    }

    #[test]
    fn a_literal_is_reused_and_never_freed() {
        let lit = Literal {
            allocator: ptr::null_mut(),
            len: 3,
            bytes: *b"abc\0",
        };
        let p = (&lit as *const Literal<4>).cast::<aws_string>();
        unsafe {
            assert!(aws_string_eq_c_str(p, c"abc".as_ptr()));
            assert_eq!(
                aws_string_clone_or_reuse(aws_default_allocator(), p).cast_const(),
                p
            );
            aws_string_destroy(p.cast_mut());
            let owned = new("abc");
            let copy = aws_string_clone_or_reuse(aws_default_allocator(), owned);
            assert!(copy != owned && aws_string_eq(copy, p));
            aws_string_destroy(copy);
            aws_string_destroy(owned);
        }
    }

    #[test]
    fn a_string_without_its_nul_is_refused() {
        let broken = Literal {
            allocator: ptr::null_mut(),
            len: 3,
            bytes: *b"abcd",
        };
        let p = (&broken as *const Literal<4>).cast::<aws_string>();
        aws_reset_error();
        unsafe {
            assert!(!aws_string_is_valid(p));
            assert!(aws_string_c_str(p).is_null());
        }
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
    }

    #[test]
    fn secure_strlen_stops_at_the_limit() {
        let mut n = 0;
        unsafe {
            assert_eq!(aws_secure_strlen(c"abc".as_ptr(), 4, &mut n), 0);
            assert_eq!(n, 3);
            assert_eq!(aws_secure_strlen(c"abc".as_ptr(), 3, &mut n), guard::OP_ERR);
        }
        assert_eq!(
            aws_last_error(),
            AWS_ERROR_C_STRING_BUFFER_NOT_NULL_TERMINATED as c_int
        );
    }
}

//! `aws/common/byte_buf.h`, continued: parsing numbers out of a cursor
//! (`aws_byte_cursor_utf8_parse_*`), splitting it on a character into an array list, comparing
//! and hashing through upstream's byte lookup tables (to lower case, hex digit to value), and
//! the tables themselves.
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; a cursor covers `len`
//! readable bytes; a lookup table has 256 entries.

use crate::ffi::common::array_list::{aws_array_list, aws_array_list_push_back};
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_OVERFLOW_DETECTED;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, Error, Result, require};
use std::ffi::{c_char, c_int, c_void};

/// Each byte in lower case (ASCII letters only), upstream's `aws_lookup_table_to_lower_get()`.
static TO_LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).to_ascii_lowercase();
        i += 1;
    }
    t
};

/// Each hex digit's value (either case), 255 for every other byte, upstream's
/// `aws_lookup_table_hex_to_num_get()`.
static HEX_TO_NUM: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// A hex digit's value.
pub fn hex_value(c: u8) -> Option<u8> {
    let v = HEX_TO_NUM[usize::from(c)];
    (v != 255).then_some(v)
}

/// The 256-byte table mapping each byte to its lower case (ASCII letters only).
#[unsafe(no_mangle)]
pub extern "C" fn aws_lookup_table_to_lower_get() -> *const u8 {
    guard::guard(std::ptr::null(), || Ok(TO_LOWER.as_ptr()))
}

/// The 256-byte table mapping each hex digit to its value and every other byte to 255.
#[unsafe(no_mangle)]
pub extern "C" fn aws_lookup_table_hex_to_num_get() -> *const u8 {
    guard::guard(std::ptr::null(), || Ok(HEX_TO_NUM.as_ptr()))
}

/// The unsigned number `digits` spell in `base` (10 or 16): an empty cursor or another
/// character is an invalid argument, a value past `u64::MAX` `AWS_ERROR_OVERFLOW_DETECTED`.
fn parse_unsigned(digits: &[u8], base: u8) -> Result<u64> {
    require(!digits.is_empty())?;
    let mut value = 0u64;
    for &c in digits {
        let d = HEX_TO_NUM[usize::from(c)];
        require(d < base)?;
        value = value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
            .ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))?;
    }
    Ok(value)
}

/// Parses the whole cursor as a decimal number (digits only, no sign, no spaces). `*dst` is 0
/// on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_utf8_parse_u64(
    cursor: aws_byte_cursor,
    dst: *mut u64,
) -> c_int {
    // SAFETY: the caller lends a valid cursor and a value to set.
    guard::op(|| unsafe { parse_into(cursor, dst, |d| parse_unsigned(d, 10)) })
}

/// Parses the whole cursor as a hexadecimal number (digits of either case, no `0x`). `*dst` is
/// 0 on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_utf8_parse_u64_hex(
    cursor: aws_byte_cursor,
    dst: *mut u64,
) -> c_int {
    // SAFETY: as above.
    guard::op(|| unsafe { parse_into(cursor, dst, |d| parse_unsigned(d, 16)) })
}

/// Parses the whole cursor as a decimal number with an optional leading `-`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_utf8_parse_i64(
    cursor: aws_byte_cursor,
    dst: *mut i64,
) -> c_int {
    // SAFETY: as above.
    guard::op(|| unsafe {
        parse_into(cursor, dst, |d| {
            let (negative, digits) = match d.split_first() {
                Some((b'-', rest)) => (true, rest),
                _ => (false, d),
            };
            let magnitude = parse_unsigned(digits, 10)?;
            let value = if negative {
                0i64.checked_sub_unsigned(magnitude)
            } else {
                i64::try_from(magnitude).ok()
            };
            value.ok_or(Error::from(AWS_ERROR_OVERFLOW_DETECTED))
        })
    })
}

/// Parses the cursor's bytes with `parse` into `*dst` (zeroed first, as upstream does).
///
/// # Safety
/// As for the exported functions.
unsafe fn parse_into<T: Default>(
    cursor: aws_byte_cursor,
    dst: *mut T,
    parse: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let out = unsafe { guard::mutable(dst) }?;
    *out = T::default();
    *out = parse(unsafe { cursor.as_bytes() }?)?;
    Ok(())
}

/// Pushes onto `output` (a list of `aws_byte_cursor`) the pieces of `input_str` between
/// occurrences of `split_on`: an input without it is one piece, and empty pieces count.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_split_on_char(
    input_str: *const aws_byte_cursor,
    split_on: c_char,
    output: *mut aws_array_list,
) -> c_int {
    // SAFETY: the caller lends a cursor and a list of cursors.
    guard::op(|| unsafe { split(input_str, split_on, 0, output) })
}

/// [`aws_byte_cursor_split_on_char`] making at most `n` splits (`n + 1` pieces, the last one
/// the rest of the input); `n` 0 means no limit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_split_on_char_n(
    input_str: *const aws_byte_cursor,
    split_on: c_char,
    n: usize,
    output: *mut aws_array_list,
) -> c_int {
    // SAFETY: as above.
    guard::op(|| unsafe { split(input_str, split_on, n, output) })
}

/// Both splits.
///
/// # Safety
/// As for the exported functions.
unsafe fn split(
    input: *const aws_byte_cursor,
    on: c_char,
    n: usize,
    output: *mut aws_array_list,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { cursor_bytes(input) }?;
    let base = unsafe { (*input).ptr };
    let list = unsafe { guard::reference(output) }?;
    require(list.item_size >= size_of::<aws_byte_cursor>())?;
    let max_splits = if n == 0 { usize::MAX } else { n };
    let mut start = 0;
    let mut splits = 0;
    loop {
        let end = match bytes[start..].iter().position(|&b| b == on as u8) {
            Some(at) if splits < max_splits => start + at,
            _ => bytes.len(),
        };
        let piece = aws_byte_cursor {
            len: end - start,
            ptr: base.wrapping_add(start),
        };
        if unsafe { aws_array_list_push_back(output, std::ptr::from_ref(&piece).cast::<c_void>()) }
            != 0
        {
            return Err(Error(aws_last_error()));
        }
        if end == bytes.len() {
            return Ok(());
        }
        start = end + 1;
        splits += 1;
    }
}

/// Compares two cursors byte by byte through the 256-entry `lookup_table` (a shorter prefix
/// sorts first): negative, 0 or positive.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_cursor_compare_lookup(
    lhs: *const aws_byte_cursor,
    rhs: *const aws_byte_cursor,
    lookup_table: *const u8,
) -> c_int {
    guard::guard(0, || {
        // SAFETY: the caller lends two cursors and a 256-byte table.
        let (a, b) = unsafe { (cursor_bytes(lhs)?, cursor_bytes(rhs)?) };
        let table = unsafe { guard::bytes(lookup_table, 256) }?;
        let map = |s: &[u8]| {
            s.iter()
                .map(|&c| table[usize::from(c)])
                .collect::<Vec<u8>>()
        };
        Ok(map(a).cmp(&map(b)) as c_int)
    })
}

/// FNV-1a over the bytes in lower case (upstream's function, so the values match its).
pub fn hash_ignore_case(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| {
        (h ^ u64::from(TO_LOWER[usize::from(c)])).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A case-insensitive hash of `len` bytes at `array` (FNV-1a, as upstream's).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_array_ignore_case(array: *const c_void, len: usize) -> u64 {
    // SAFETY: the caller lends `len` readable bytes.
    guard::guard(0, || {
        Ok(hash_ignore_case(unsafe {
            guard::bytes(array.cast(), len)
        }?))
    })
}

/// A case-insensitive hash of the bytes the cursor (`item` points to one) covers, for hash
/// tables keyed by cursors compared with `aws_byte_cursor_eq_ignore_case`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_byte_cursor_ptr_ignore_case(item: *const c_void) -> u64 {
    // SAFETY: the table lends a key that is a cursor.
    guard::guard(0, || {
        Ok(hash_ignore_case(unsafe { cursor_bytes(item.cast()) }?))
    })
}

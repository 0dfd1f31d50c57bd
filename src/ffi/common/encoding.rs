//! `aws/common/encoding.h`: hex and base64 (standard and URL-safe) encoding and decoding into
//! byte buffers, with upstream's length rules and errors.
//!
//! The codecs are written here rather than taken from the `hex` and `base64` crates because
//! upstream's rules differ from theirs: hex decoding accepts an odd length (the first digit is a
//! byte of its own), and base64 decoding accepts both alphabets in one text, missing padding,
//! and any number of trailing `=` (up to the length rule). Differences from upstream: a NUL
//! byte in base64 text is invalid (upstream's table gives it the value 64 and decodes garbage).
//!
//! Where output goes: `aws_hex_encode`, `aws_hex_decode` and `aws_base64_decode` write from the
//! start of the buffer and set its length; `aws_base64_encode`/`_url_encode` and
//! `aws_hex_encode_append_dynamic` append.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a cursor's bytes readable, a buffer's storage
//! writable up to its capacity).

use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut, cursor_bytes};
use crate::ffi::common::byte_buf_append::{append, reserve};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_BASE64_STR, AWS_ERROR_INVALID_HEX_STR, AWS_ERROR_OVERFLOW_DETECTED,
    AWS_ERROR_SHORT_BUFFER,
};
use crate::ffi::guard::{self, Error, Result};
use crate::transport::base64::{STANDARD, URL_SAFE, encode_with};
use std::ffi::c_int;

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn overflow() -> Error {
    AWS_ERROR_OVERFLOW_DETECTED.into()
}

/// Writes `len` to the caller's slot.
///
/// # Safety
/// `slot` must be NULL or writable.
unsafe fn put_len(slot: *mut usize, len: Result<usize>) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let slot = unsafe { guard::mutable(slot) }?;
        *slot = len?;
        Ok(())
    })
}

/// Copies `bytes` to the start of `out` (its old contents dropped) and sets its length.
fn overwrite(out: &mut aws_byte_buf, bytes: &[u8]) -> Result<()> {
    if out.capacity < bytes.len() {
        return Err(AWS_ERROR_SHORT_BUFFER.into());
    }
    out.len = 0;
    // SAFETY: a valid buffer with room for `bytes` from its start.
    unsafe { append(out, aws_byte_cursor::from_slice(bytes)) }
}

/// Two lower-case hex digits per byte.
pub(crate) fn hex(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .flat_map(|b| {
            [
                HEX_DIGITS[usize::from(b >> 4)],
                HEX_DIGITS[usize::from(b & 15)],
            ]
        })
        .collect()
}

/// Sets `*encoded_length` to the hex length of `to_encode_len` bytes (twice it).
/// `AWS_ERROR_OVERFLOW_DETECTED` when that does not fit a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hex_compute_encoded_len(
    to_encode_len: usize,
    encoded_length: *mut usize,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        put_len(
            encoded_length,
            to_encode_len.checked_mul(2).ok_or_else(overflow),
        )
    }
}

/// Writes `to_encode` as lower-case hex at the start of `output` and sets its length.
/// `AWS_ERROR_SHORT_BUFFER` when the capacity is too small.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hex_encode(
    to_encode: *const aws_byte_cursor,
    output: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let input = unsafe { cursor_bytes(to_encode) }?;
        let out = unsafe { buf_mut(output) }?;
        input.len().checked_mul(2).ok_or_else(overflow)?;
        overwrite(out, &hex(input))
    })
}

/// Appends `to_encode` as lower-case hex to `output`, growing it (it must own its storage).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hex_encode_append_dynamic(
    to_encode: *const aws_byte_cursor,
    output: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let input = unsafe { cursor_bytes(to_encode) }?;
        let out = unsafe { buf_mut(output) }?;
        let needed = input
            .len()
            .checked_mul(2)
            .and_then(|n| n.checked_add(out.len));
        unsafe { reserve(out, needed.ok_or_else(overflow)?) }?;
        unsafe { append(out, aws_byte_cursor::from_slice(&hex(input))) }
    })
}

/// Sets `*decoded_len` to the room hex decoding needs for `to_decode_len` digits (upstream
/// reserves one byte more than the decoded length).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hex_compute_decoded_len(
    to_decode_len: usize,
    decoded_len: *mut usize,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        put_len(
            decoded_len,
            to_decode_len
                .checked_add(1)
                .map(|n| n >> 1)
                .ok_or_else(overflow),
        )
    }
}

/// Decodes hex digits (either case) to bytes; an odd count makes the first digit a byte alone.
fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let (head, pairs) = text.split_at(text.len() % 2);
    let mut out = Vec::with_capacity(text.len() / 2 + 1);
    if let [c] = head {
        out.push(digit(*c)?);
    }
    for pair in pairs.chunks_exact(2) {
        out.push((digit(pair[0])? << 4) | digit(pair[1])?);
    }
    Some(out)
}

/// Decodes the hex in `to_decode` to the start of `output` and sets its length.
/// `AWS_ERROR_SHORT_BUFFER` when the capacity is too small, `AWS_ERROR_INVALID_HEX_STR` for a
/// character that is no hex digit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hex_decode(
    to_decode: *const aws_byte_cursor,
    output: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let input = unsafe { cursor_bytes(to_decode) }?;
        let out = unsafe { buf_mut(output) }?;
        if out.capacity < input.len().div_ceil(2) {
            return Err(AWS_ERROR_SHORT_BUFFER.into());
        }
        overwrite(out, &unhex(input).ok_or(AWS_ERROR_INVALID_HEX_STR)?)
    })
}

/// The padded base64 length of `n` bytes: 4 per started group of 3.
fn base64_len(n: usize) -> Result<usize> {
    n.checked_add(2)
        .map(|n| n / 3)
        .and_then(|g| g.checked_mul(4))
        .ok_or_else(overflow)
}

/// The unpadded URL-safe base64 length of `n` bytes: one character per started 6 bits.
fn base64_url_len(n: usize) -> Result<usize> {
    n.checked_mul(8)
        .and_then(|b| b.checked_add(5))
        .map(|b| b / 6)
        .ok_or_else(overflow)
}

/// Sets `*encoded_len` to the padded base64 length of `to_encode_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_base64_compute_encoded_len(
    to_encode_len: usize,
    encoded_len: *mut usize,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { put_len(encoded_len, base64_len(to_encode_len)) }
}

/// Sets `*encoded_len` to the unpadded URL-safe base64 length of `to_encode_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_base64_url_compute_encoded_len(
    to_encode_len: usize,
    encoded_len: *mut usize,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { put_len(encoded_len, base64_url_len(to_encode_len)) }
}

/// Appends the base64 of `to_encode` to `output`; `AWS_ERROR_SHORT_BUFFER` when it does not fit.
///
/// # Safety
/// Forwarded from the exported functions.
unsafe fn encode_base64(
    to_encode: *const aws_byte_cursor,
    output: *mut aws_byte_buf,
    url: bool,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let input = unsafe { cursor_bytes(to_encode) }?;
        let out = unsafe { buf_mut(output) }?;
        let len = if url {
            base64_url_len(input.len())
        } else {
            base64_len(input.len())
        }?;
        if out.len.checked_add(len).ok_or_else(overflow)? > out.capacity {
            return Err(AWS_ERROR_SHORT_BUFFER.into());
        }
        let text = if url {
            encode_with(input, URL_SAFE, false)
        } else {
            encode_with(input, STANDARD, true)
        };
        unsafe { append(out, aws_byte_cursor::from_slice(&text)) }
    })
}

/// Appends the padded base64 of `to_encode` to `output`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_base64_encode(
    to_encode: *const aws_byte_cursor,
    output: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { encode_base64(to_encode, output, false) }
}

/// Appends the unpadded URL-safe base64 of `to_encode` to `output`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_base64_url_encode(
    to_encode: *const aws_byte_cursor,
    output: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { encode_base64(to_encode, output, true) }
}

/// The decoded length of base64 text: 3 bytes per 4 characters once trailing `=` are dropped.
/// A length of 1 modulo 4 is no base64.
fn base64_decoded_len(text: &[u8]) -> Result<usize> {
    let trimmed = text.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    if trimmed % 4 == 1 {
        return Err(AWS_ERROR_INVALID_BASE64_STR.into());
    }
    Ok(trimmed.checked_mul(3).ok_or_else(overflow)? / 4)
}

/// Sets `*decoded_len` to the decoded length of the base64 in `to_decode` (either alphabet).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_base64_compute_decoded_len(
    to_decode: *const aws_byte_cursor,
    decoded_len: *mut usize,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let text = unsafe { cursor_bytes(to_decode) }?;
        let slot = unsafe { guard::mutable(decoded_len) }?;
        *slot = base64_decoded_len(text)?;
        Ok(())
    })
}

/// The 6-bit value of a base64 character of either alphabet; `Some(None)` for `=`.
fn sextet(c: u8) -> Option<Option<u32>> {
    let value = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        b'=' => return Some(None),
        _ => return None,
    };
    Some(Some(u32::from(value)))
}

/// Decodes base64 text as upstream does: groups of 4, `=` only as the third and fourth
/// characters of the last group (the fourth too when the third is one), a short last group of
/// 2 or 3 characters, and the result exactly as long as [`base64_decoded_len`] says.
fn unbase64(text: &[u8], expected: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(expected);
    let groups = text.len().div_ceil(4);
    for (g, group) in text.chunks(4).enumerate() {
        let last = g + 1 == groups;
        if group.len() < 2 {
            return None;
        }
        let values: Vec<Option<u32>> = group.iter().map(|&c| sextet(c)).collect::<Option<_>>()?;
        // The first two characters are never padding; padding only ends the last group.
        if values[..2].iter().any(Option::is_none) || (!last && values.iter().any(Option::is_none))
        {
            return None;
        }
        if values.len() == 4 && values[2].is_none() && values[3].is_some() {
            return None;
        }
        let known: Vec<u32> = values.iter().map_while(|v| *v).collect();
        let block = known.iter().fold(0u32, |b, v| (b << 6) | v) << (6 * (4 - known.len()));
        let bytes = [(block >> 16) as u8, (block >> 8) as u8, block as u8];
        out.extend_from_slice(&bytes[..known.len() - 1]);
    }
    (out.len() == expected).then_some(out)
}

/// Decodes the base64 in `to_decode` (either alphabet, padding optional) to the start of
/// `output` and sets its length. `AWS_ERROR_SHORT_BUFFER` when the capacity is too small,
/// `AWS_ERROR_INVALID_BASE64_STR` for text that is no base64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_base64_decode(
    to_decode: *const aws_byte_cursor,
    output: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let text = unsafe { cursor_bytes(to_decode) }?;
        let out = unsafe { buf_mut(output) }?;
        let expected = base64_decoded_len(text)?;
        if out.capacity < expected {
            return Err(AWS_ERROR_SHORT_BUFFER.into());
        }
        let bytes = unbase64(text, expected).ok_or(AWS_ERROR_INVALID_BASE64_STR)?;
        overwrite(out, &bytes)
    })
}

#[cfg(test)]
#[path = "encoding_tests.rs"]
mod tests;

//! `aws/common/cbor.h`: the CBOR (RFC 8949) encoder, which appends each item to a growing
//! buffer in its shortest form, and the type names. The decoder lives in
//! [`cbor_decoder`](super::cbor_decoder).
//!
//! As upstream: integers and lengths take the shortest head; a float is written as an integer
//! when that loses nothing, else as a single-precision float when that loses nothing, else as a
//! double (never half precision); NaN and the infinities as single-precision floats. Upstream
//! goes through libcbor; the encoding is a few lines, so it is written here.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: an encoder pointer is NULL
//! or an encoder from `aws_cbor_encoder_new` not yet destroyed; a cursor's bytes are readable.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::log_state::{place, unplace};
use crate::ffi::guard;
use std::ffi::{c_char, c_int};

/// What the next item of CBOR data is, as the decoder reports it (not one to one with the
/// major types: lengths known or not, and simple values, are told apart).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_cbor_type {
    /// Nothing decoded yet (or an unsupported simple value).
    AWS_CBOR_TYPE_UNKNOWN = 0,
    /// Major type 0.
    AWS_CBOR_TYPE_UINT,
    /// Major type 1: the value is -1 - n.
    AWS_CBOR_TYPE_NEGINT,
    /// A half, single or double precision float.
    AWS_CBOR_TYPE_FLOAT,
    /// A byte string of known length.
    AWS_CBOR_TYPE_BYTES,
    /// A text string of known length.
    AWS_CBOR_TYPE_TEXT,
    /// An array of known length.
    AWS_CBOR_TYPE_ARRAY_START,
    /// A map of known length.
    AWS_CBOR_TYPE_MAP_START,
    /// A tag; the next item is its content.
    AWS_CBOR_TYPE_TAG,
    /// `false` or `true`.
    AWS_CBOR_TYPE_BOOL,
    /// `null`.
    AWS_CBOR_TYPE_NULL,
    /// `undefined`.
    AWS_CBOR_TYPE_UNDEFINED,
    /// The end of an item of unknown length.
    AWS_CBOR_TYPE_BREAK,
    /// A byte string of unknown length: chunks until a break.
    AWS_CBOR_TYPE_INDEF_BYTES_START,
    /// A text string of unknown length: chunks until a break.
    AWS_CBOR_TYPE_INDEF_TEXT_START,
    /// An array of unknown length: items until a break.
    AWS_CBOR_TYPE_INDEF_ARRAY_START,
    /// A map of unknown length: pairs until a break.
    AWS_CBOR_TYPE_INDEF_MAP_START,
}

/// A C `enum aws_cbor_type` received from C.
pub type aws_cbor_type_raw = c_int;

crate::c_enum!(aws_cbor_type);

/// The name [`aws_cbor_type_cstr`] gives values outside the enum.
const UNKNOWN_TYPE: &std::ffi::CStr = c"<UNKNOWN TYPE>";

/// The name of a type, `"AWS_CBOR_TYPE_UINT"` and so on, or `"<UNKNOWN TYPE>"`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_cbor_type_cstr(r#type: aws_cbor_type_raw) -> *const c_char {
    guard::guard(UNKNOWN_TYPE.as_ptr(), || {
        use aws_cbor_type::*;
        let Ok(t) = guard::enum_value::<aws_cbor_type>(r#type) else {
            return Ok(UNKNOWN_TYPE.as_ptr());
        };
        Ok(match t {
            AWS_CBOR_TYPE_UNKNOWN => UNKNOWN_TYPE.as_ptr(),
            AWS_CBOR_TYPE_UINT => c"AWS_CBOR_TYPE_UINT".as_ptr(),
            AWS_CBOR_TYPE_NEGINT => c"AWS_CBOR_TYPE_NEGINT".as_ptr(),
            AWS_CBOR_TYPE_FLOAT => c"AWS_CBOR_TYPE_FLOAT".as_ptr(),
            AWS_CBOR_TYPE_BYTES => c"AWS_CBOR_TYPE_BYTES".as_ptr(),
            AWS_CBOR_TYPE_TEXT => c"AWS_CBOR_TYPE_TEXT".as_ptr(),
            AWS_CBOR_TYPE_ARRAY_START => c"AWS_CBOR_TYPE_ARRAY_START".as_ptr(),
            AWS_CBOR_TYPE_MAP_START => c"AWS_CBOR_TYPE_MAP_START".as_ptr(),
            AWS_CBOR_TYPE_TAG => c"AWS_CBOR_TYPE_TAG".as_ptr(),
            AWS_CBOR_TYPE_BOOL => c"AWS_CBOR_TYPE_BOOL".as_ptr(),
            AWS_CBOR_TYPE_NULL => c"AWS_CBOR_TYPE_NULL".as_ptr(),
            AWS_CBOR_TYPE_UNDEFINED => c"AWS_CBOR_TYPE_UNDEFINED".as_ptr(),
            AWS_CBOR_TYPE_BREAK => c"AWS_CBOR_TYPE_BREAK".as_ptr(),
            AWS_CBOR_TYPE_INDEF_BYTES_START => c"AWS_CBOR_TYPE_INDEF_BYTES_START".as_ptr(),
            AWS_CBOR_TYPE_INDEF_TEXT_START => c"AWS_CBOR_TYPE_INDEF_TEXT_START".as_ptr(),
            AWS_CBOR_TYPE_INDEF_ARRAY_START => c"AWS_CBOR_TYPE_INDEF_ARRAY_START".as_ptr(),
            AWS_CBOR_TYPE_INDEF_MAP_START => c"AWS_CBOR_TYPE_INDEF_MAP_START".as_ptr(),
        })
    })
}

/// An encoder: the items written so far (opaque to C).
pub struct aws_cbor_encoder {
    allocator: *mut aws_allocator,
    encoded: Vec<u8>,
}

/// Major types (the top three bits of an item's first byte).
pub(crate) const MAJOR_UINT: u8 = 0;
pub(crate) const MAJOR_NEGINT: u8 = 1;
pub(crate) const MAJOR_BYTES: u8 = 2;
pub(crate) const MAJOR_TEXT: u8 = 3;
pub(crate) const MAJOR_ARRAY: u8 = 4;
pub(crate) const MAJOR_MAP: u8 = 5;
pub(crate) const MAJOR_TAG: u8 = 6;
pub(crate) const MAJOR_SIMPLE: u8 = 7;

impl aws_cbor_encoder {
    /// An item head: the major type and `value` in the fewest bytes.
    fn head(&mut self, major: u8, value: u64) {
        let m = major << 5;
        let out = &mut self.encoded;
        match value {
            0..=23 => out.push(m | value as u8),
            24..=0xFF => out.extend_from_slice(&[m | 24, value as u8]),
            0x100..=0xFFFF => {
                out.push(m | 25);
                out.extend_from_slice(&(value as u16).to_be_bytes());
            }
            0x1_0000..=0xFFFF_FFFF => {
                out.push(m | 26);
                out.extend_from_slice(&(value as u32).to_be_bytes());
            }
            _ => {
                out.push(m | 27);
                out.extend_from_slice(&value.to_be_bytes());
            }
        }
    }

    /// A float in its shortest lossless form (see the module comment).
    fn float(&mut self, value: f64) {
        let single = |e: &mut Self, f: f32| {
            e.encoded.push((MAJOR_SIMPLE << 5) | 26);
            e.encoded.extend_from_slice(&f.to_bits().to_be_bytes());
        };
        if !value.is_finite() {
            return single(self, value as f32);
        }
        if value <= i64::MAX as f64 && value >= i64::MIN as f64 {
            let int = value as i64;
            if value == int as f64 {
                return if int < 0 {
                    self.head(MAJOR_NEGINT, (-1 - int) as u64)
                } else {
                    self.head(MAJOR_UINT, int as u64)
                };
            }
        }
        if value.abs() <= f64::from(f32::MAX) && f64::from(value as f32) == value {
            return single(self, value as f32);
        }
        self.encoded.push((MAJOR_SIMPLE << 5) | 27);
        self.encoded
            .extend_from_slice(&value.to_bits().to_be_bytes());
    }
}

/// A new encoder with an empty buffer; NULL (with the allocator's error) on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_new(
    allocator: *mut aws_allocator,
) -> *mut aws_cbor_encoder {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let encoder = aws_cbor_encoder {
            allocator,
            encoded: Vec::with_capacity(256),
        };
        Ok(unsafe { place(allocator, encoder) }?.cast())
    })
}

/// Frees `encoder` (NULL does nothing) and returns NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_destroy(
    encoder: *mut aws_cbor_encoder,
) -> *mut aws_cbor_encoder {
    guard::guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded caller contract.
        if let Some(e) = unsafe { encoder.as_ref() } {
            unsafe { unplace::<aws_cbor_encoder>(e.allocator, encoder.cast()) };
        }
        Ok(std::ptr::null_mut())
    })
}

/// The bytes encoded so far; valid until the next call on the encoder.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_get_encoded_data(
    encoder: *const aws_cbor_encoder,
) -> aws_byte_cursor {
    guard::guard(aws_byte_cursor::EMPTY, || {
        // SAFETY: forwarded caller contract.
        Ok(aws_byte_cursor::from_slice(
            &unsafe { guard::reference(encoder) }?.encoded,
        ))
    })
}

/// Runs `write` on the encoder C lent.
///
/// # Safety
/// As the module's contract.
unsafe fn with_encoder(encoder: *mut aws_cbor_encoder, write: impl FnOnce(&mut aws_cbor_encoder)) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        write(unsafe { guard::mutable(encoder) }?);
        Ok(())
    })
}

/// Drops everything encoded so far (the buffer is kept for reuse).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_reset(encoder: *mut aws_cbor_encoder) {
    // SAFETY: forwarded caller contract.
    unsafe { with_encoder(encoder, |e| e.encoded.clear()) }
}

/// Writes an unsigned integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_uint(encoder: *mut aws_cbor_encoder, value: u64) {
    // SAFETY: forwarded caller contract.
    unsafe { with_encoder(encoder, |e| e.head(MAJOR_UINT, value)) }
}

/// Writes the negative integer -1 - `value`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_negint(encoder: *mut aws_cbor_encoder, value: u64) {
    // SAFETY: forwarded caller contract.
    unsafe { with_encoder(encoder, |e| e.head(MAJOR_NEGINT, value)) }
}

/// Writes a number in its shortest lossless form: integer, single or double float.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_float(encoder: *mut aws_cbor_encoder, value: f64) {
    // SAFETY: forwarded caller contract.
    unsafe { with_encoder(encoder, |e| e.float(value)) }
}

/// Writes a string item of major type `major` holding the bytes of `from`.
///
/// # Safety
/// As the module's contract.
unsafe fn write_string(encoder: *mut aws_cbor_encoder, major: u8, from: aws_byte_cursor) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let bytes = unsafe { from.as_bytes() }?;
        let e = unsafe { guard::mutable(encoder) }?;
        e.head(major, bytes.len() as u64);
        e.encoded.extend_from_slice(bytes);
        Ok(())
    })
}

/// Writes a byte string holding `from`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_bytes(
    encoder: *mut aws_cbor_encoder,
    from: aws_byte_cursor,
) {
    // SAFETY: forwarded caller contract.
    unsafe { write_string(encoder, MAJOR_BYTES, from) }
}

/// Writes a text string holding `from` (not checked to be UTF-8, as upstream).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_text(
    encoder: *mut aws_cbor_encoder,
    from: aws_byte_cursor,
) {
    // SAFETY: forwarded caller contract.
    unsafe { write_string(encoder, MAJOR_TEXT, from) }
}

/// Starts an array of `number_entries` items; the caller writes them next.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_array_start(
    encoder: *mut aws_cbor_encoder,
    number_entries: usize,
) {
    // SAFETY: forwarded caller contract.
    unsafe { with_encoder(encoder, |e| e.head(MAJOR_ARRAY, number_entries as u64)) }
}

/// Starts a map of `number_entries` key/value pairs; the caller writes them next.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_map_start(
    encoder: *mut aws_cbor_encoder,
    number_entries: usize,
) {
    // SAFETY: forwarded caller contract.
    unsafe { with_encoder(encoder, |e| e.head(MAJOR_MAP, number_entries as u64)) }
}

/// Writes a tag; the caller writes its content next.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_tag(
    encoder: *mut aws_cbor_encoder,
    tag_number: u64,
) {
    // SAFETY: forwarded caller contract.
    unsafe { with_encoder(encoder, |e| e.head(MAJOR_TAG, tag_number)) }
}

/// Writes a one-byte item: a simple value or an indefinite-length start.
///
/// # Safety
/// As the module's contract.
unsafe fn write_byte(encoder: *mut aws_cbor_encoder, byte: u8) {
    // SAFETY: forwarded caller contract.
    unsafe { with_encoder(encoder, |e| e.encoded.push(byte)) }
}

/// Writes `null`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_null(encoder: *mut aws_cbor_encoder) {
    // SAFETY: forwarded caller contract.
    unsafe { write_byte(encoder, 0xF6) }
}

/// Writes `undefined`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_undefined(encoder: *mut aws_cbor_encoder) {
    // SAFETY: forwarded caller contract.
    unsafe { write_byte(encoder, 0xF7) }
}

/// Writes `true` or `false`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_bool(encoder: *mut aws_cbor_encoder, value: bool) {
    // SAFETY: forwarded caller contract.
    unsafe { write_byte(encoder, if value { 0xF5 } else { 0xF4 }) }
}

/// Writes a break, which ends the innermost item of unknown length (not checked).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_break(encoder: *mut aws_cbor_encoder) {
    // SAFETY: forwarded caller contract.
    unsafe { write_byte(encoder, 0xFF) }
}

/// Starts a byte string of unknown length (chunks, then a break).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_indef_bytes_start(encoder: *mut aws_cbor_encoder) {
    // SAFETY: forwarded caller contract.
    unsafe { write_byte(encoder, (MAJOR_BYTES << 5) | 31) }
}

/// Starts a text string of unknown length (chunks, then a break).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_indef_text_start(encoder: *mut aws_cbor_encoder) {
    // SAFETY: forwarded caller contract.
    unsafe { write_byte(encoder, (MAJOR_TEXT << 5) | 31) }
}

/// Starts an array of unknown length (items, then a break).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_indef_array_start(encoder: *mut aws_cbor_encoder) {
    // SAFETY: forwarded caller contract.
    unsafe { write_byte(encoder, (MAJOR_ARRAY << 5) | 31) }
}

/// Starts a map of unknown length (pairs, then a break).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_encoder_write_indef_map_start(encoder: *mut aws_cbor_encoder) {
    // SAFETY: forwarded caller contract.
    unsafe { write_byte(encoder, (MAJOR_MAP << 5) | 31) }
}

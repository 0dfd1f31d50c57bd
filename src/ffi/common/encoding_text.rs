//! `aws/common/encoding.h`: text encodings: telling one from its byte order mark, and the
//! RFC 3629 UTF-8 decoder, whole or incremental, with an optional callback per code point.
//!
//! As upstream, the decoder refuses overlong forms and UTF-16 surrogates but, like upstream,
//! lets four-byte sequences run past U+10FFFF.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (`bytes` readable for `size` bytes, a decoder made
//! by `aws_utf8_decoder_new` and not yet destroyed).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_UTF8;
use crate::ffi::common::log_state::{place, unplace};
use crate::ffi::guard::{self, Error, Result};
use std::ffi::{c_int, c_void};

/// What a byte order mark says a text is.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_text_encoding {
    /// No mark, and bytes above 0x7F.
    AWS_TEXT_UNKNOWN,
    /// The UTF-8 mark.
    AWS_TEXT_UTF8,
    /// A UTF-16 mark, either byte order.
    AWS_TEXT_UTF16,
    /// A UTF-32 mark, either byte order.
    AWS_TEXT_UTF32,
    /// No mark, and only bytes up to 0x7F.
    AWS_TEXT_ASCII,
}

/// A C `enum aws_text_encoding` handed to C.
pub type aws_text_encoding_raw = c_int;

/// The decoder's options: a callback for each code point and its user data (both optional).
#[repr(C)]
pub struct aws_utf8_decoder_options {
    /// Called with each decoded code point; returning `AWS_OP_ERR` (with an error raised)
    /// stops decoding with that error.
    pub on_codepoint: Option<unsafe extern "C" fn(codepoint: u32, user_data: *mut c_void) -> c_int>,
    /// Passed to `on_codepoint`.
    pub user_data: *mut c_void,
}

/// An incremental UTF-8 decoder (opaque to C).
pub struct aws_utf8_decoder {
    allocator: *mut aws_allocator,
    state: Utf8State,
    on_codepoint: Option<unsafe extern "C" fn(codepoint: u32, user_data: *mut c_void) -> c_int>,
    user_data: *mut c_void,
}

/// Where the decoder is within a code point.
#[derive(Clone, Copy, Default)]
struct Utf8State {
    /// The bits decoded so far.
    codepoint: u32,
    /// The smallest code point the sequence's length may encode (anything less is overlong).
    min: u32,
    /// Continuation bytes still expected.
    remaining: u8,
}

/// What the byte order mark at the start of `bytes` says.
fn detect(bytes: &[u8]) -> aws_text_encoding {
    use aws_text_encoding::*;
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => AWS_TEXT_UTF8,
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => AWS_TEXT_UTF32,
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => AWS_TEXT_UTF16,
        _ if bytes.is_ascii() => AWS_TEXT_ASCII,
        _ => AWS_TEXT_UNKNOWN,
    }
}

/// The encoding the byte order mark of the `size` bytes at `bytes` names; without one, ASCII if
/// every byte is, else unknown.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_text_detect_encoding(
    bytes: *const u8,
    size: usize,
) -> aws_text_encoding_raw {
    guard::guard(aws_text_encoding::AWS_TEXT_UNKNOWN as c_int, || {
        // SAFETY: forwarded caller contract.
        Ok(detect(unsafe { guard::bytes(bytes, size) }?) as c_int)
    })
}

/// True when the text starts with the UTF-8 mark or is all ASCII (use `aws_decode_utf8` to
/// validate every byte).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_text_is_utf8(bytes: *const u8, size: usize) -> bool {
    guard::guard(false, || {
        // SAFETY: forwarded caller contract.
        let encoding = detect(unsafe { guard::bytes(bytes, size) }?);
        Ok(matches!(
            encoding,
            aws_text_encoding::AWS_TEXT_UTF8 | aws_text_encoding::AWS_TEXT_ASCII
        ))
    })
}

impl aws_utf8_decoder {
    /// Feeds `bytes`, calling the callback for each completed code point.
    fn update(&mut self, bytes: &[u8]) -> Result<()> {
        let invalid = || Error::from(AWS_ERROR_INVALID_UTF8);
        for &byte in bytes {
            let s = &mut self.state;
            if s.remaining == 0 {
                (s.remaining, s.codepoint, s.min) = match byte {
                    0x00..=0x7F => (0, u32::from(byte), 0),
                    _ if byte & 0xE0 == 0xC0 => (1, u32::from(byte & 0x1F), 0x80),
                    _ if byte & 0xF0 == 0xE0 => (2, u32::from(byte & 0x0F), 0x800),
                    _ if byte & 0xF8 == 0xF0 => (3, u32::from(byte & 0x07), 0x10000),
                    _ => return Err(invalid()),
                };
            } else {
                if byte & 0xC0 != 0x80 {
                    return Err(invalid());
                }
                s.codepoint = (s.codepoint << 6) | u32::from(byte & 0x3F);
                s.remaining -= 1;
                if s.remaining == 0
                    && (s.codepoint < s.min || (0xD800..=0xDFFF).contains(&s.codepoint))
                {
                    return Err(invalid());
                }
            }
            if let (Some(callback), 0) = (self.on_codepoint, s.remaining) {
                // SAFETY: the caller's callback with its user data.
                if unsafe { callback(s.codepoint, self.user_data) } != guard::OP_SUCCESS {
                    return Err(Error(crate::ffi::common::error::aws_last_error()));
                }
            }
        }
        Ok(())
    }

    /// Ends the text: it must not stop inside a code point. Resets the decoder either way.
    fn finalize(&mut self) -> Result<()> {
        let complete = self.state.remaining == 0;
        self.state = Utf8State::default();
        if complete {
            Ok(())
        } else {
            Err(AWS_ERROR_INVALID_UTF8.into())
        }
    }
}

/// The decoder's callback and user data from `options` (none for NULL).
///
/// # Safety
/// `options` must be NULL or valid.
unsafe fn callback_of(
    options: *const aws_utf8_decoder_options,
) -> (
    Option<unsafe extern "C" fn(u32, *mut c_void) -> c_int>,
    *mut c_void,
) {
    // SAFETY: forwarded caller contract.
    match unsafe { options.as_ref() } {
        Some(o) => (o.on_codepoint, o.user_data),
        None => (None, std::ptr::null_mut()),
    }
}

/// Validates (and with a callback, decodes) a whole UTF-8 text. `AWS_ERROR_INVALID_UTF8` for
/// text that is not, or the callback's error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_decode_utf8(
    bytes: aws_byte_cursor,
    options: *const aws_utf8_decoder_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let text = unsafe { bytes.as_bytes() }?;
        let (on_codepoint, user_data) = unsafe { callback_of(options) };
        let mut decoder = aws_utf8_decoder {
            allocator: std::ptr::null_mut(),
            state: Utf8State::default(),
            on_codepoint,
            user_data,
        };
        decoder.update(text)?;
        decoder.finalize()
    })
}

/// A decoder for text that arrives in pieces; NULL options only validate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_utf8_decoder_new(
    allocator: *mut aws_allocator,
    options: *const aws_utf8_decoder_options,
) -> *mut aws_utf8_decoder {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let (on_codepoint, user_data) = unsafe { callback_of(options) };
        let decoder = aws_utf8_decoder {
            allocator,
            state: Utf8State::default(),
            on_codepoint,
            user_data,
        };
        Ok(unsafe { place(allocator, decoder) }?.cast())
    })
}

/// Frees `decoder`; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_utf8_decoder_destroy(decoder: *mut aws_utf8_decoder) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract: a decoder from aws_utf8_decoder_new.
        if let Some(d) = unsafe { decoder.as_ref() } {
            unsafe { unplace::<aws_utf8_decoder>(d.allocator, decoder.cast()) };
        }
        Ok(())
    })
}

/// Forgets any partial code point, to start a new text.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_utf8_decoder_reset(decoder: *mut aws_utf8_decoder) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        unsafe { guard::mutable(decoder) }?.state = Utf8State::default();
        Ok(())
    })
}

/// Feeds more text. `AWS_ERROR_INVALID_UTF8` (or the callback's error) stops it; a code point
/// may be split across calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_utf8_decoder_update(
    decoder: *mut aws_utf8_decoder,
    bytes: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let decoder = unsafe { guard::mutable(decoder) }?;
        decoder.update(unsafe { bytes.as_bytes() }?)
    })
}

/// Ends the text; `AWS_ERROR_INVALID_UTF8` if it stopped inside a code point. Resets the
/// decoder.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_utf8_decoder_finalize(decoder: *mut aws_utf8_decoder) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        unsafe { guard::mutable(decoder) }?.finalize()
    })
}

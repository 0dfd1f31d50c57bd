//! `aws/common/cbor.h`: the CBOR decoder, which reads one element at a time from the caller's
//! bytes: peek at the next element's type, pop it as the type expected, or skip a whole item.
//!
//! As upstream (over libcbor): a malformed or truncated element fails with
//! `AWS_ERROR_INVALID_CBOR` and so does every later call until `aws_cbor_decoder_reset_src`;
//! popping an element of another type fails with `AWS_ERROR_CBOR_UNEXPECTED_TYPE` and leaves it
//! there; arrays or maps of more than 10000 entries and items nested deeper than 128 fail with
//! `AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED` (also lasting). Simple values other than booleans,
//! null and undefined are malformed; half floats are read.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a decoder pointer is NULL
//! or a decoder from `aws_cbor_decoder_new` not yet destroyed, whose source bytes are still
//! alive; output pointers are NULL or writable.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::cbor::{
    MAJOR_ARRAY, MAJOR_BYTES, MAJOR_MAP, MAJOR_NEGINT, MAJOR_SIMPLE, MAJOR_TAG, MAJOR_TEXT,
    MAJOR_UINT, aws_cbor_type, aws_cbor_type_raw,
};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED, AWS_ERROR_CBOR_UNEXPECTED_TYPE, AWS_ERROR_INVALID_CBOR,
};
use crate::ffi::common::log_state::{place, unplace};
use crate::ffi::guard::{self, Error, Result};
use std::ffi::c_int;

/// The most entries an array or map may announce.
const MAX_CONTAINER: u64 = 10_000;
/// The deepest nesting `aws_cbor_decoder_consume_next_whole_data_item` follows.
const MAX_DEPTH: usize = 128;

/// One decoded element.
#[derive(Clone, Copy)]
enum Element {
    Uint(u64),
    Negint(u64),
    Float(f64),
    Bytes(aws_byte_cursor),
    Text(aws_byte_cursor),
    ArrayStart(u64),
    MapStart(u64),
    Tag(u64),
    Bool(bool),
    /// An element with no value: null, undefined, a break or an indefinite-length start.
    Bare(aws_cbor_type),
}

impl Element {
    fn kind(&self) -> aws_cbor_type {
        use aws_cbor_type::*;
        match self {
            Element::Uint(_) => AWS_CBOR_TYPE_UINT,
            Element::Negint(_) => AWS_CBOR_TYPE_NEGINT,
            Element::Float(_) => AWS_CBOR_TYPE_FLOAT,
            Element::Bytes(_) => AWS_CBOR_TYPE_BYTES,
            Element::Text(_) => AWS_CBOR_TYPE_TEXT,
            Element::ArrayStart(_) => AWS_CBOR_TYPE_ARRAY_START,
            Element::MapStart(_) => AWS_CBOR_TYPE_MAP_START,
            Element::Tag(_) => AWS_CBOR_TYPE_TAG,
            Element::Bool(_) => AWS_CBOR_TYPE_BOOL,
            Element::Bare(t) => *t,
        }
    }
}

/// A half-precision float's value.
fn half(bits: u16) -> f64 {
    let exponent = i32::from((bits >> 10) & 0x1F);
    let mantissa = f64::from(bits & 0x3FF);
    let magnitude = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mantissa + 1024.0) * 2f64.powi(exponent - 25),
    };
    if bits & 0x8000 != 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// Decodes the element at the start of `src`: the element and how many bytes it took (a string
/// element's bytes included). `AWS_ERROR_INVALID_CBOR` when it is malformed or cut short.
fn decode(src: &[u8]) -> Result<(Element, usize)> {
    let invalid = || Error::from(AWS_ERROR_INVALID_CBOR);
    let first = *src.first().ok_or_else(invalid)?;
    let (major, info) = (first >> 5, first & 0x1F);
    let argument = |n: usize| -> Result<u64> {
        let bytes = src.get(1..1 + n).ok_or_else(invalid)?;
        Ok(bytes.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b)))
    };
    let width = match info {
        0..=23 => 0,
        24 => 1,
        25 => 2,
        26 => 4,
        27 => 8,
        31 => return indefinite(major).map(|e| (e, 1)).ok_or_else(invalid),
        _ => return Err(invalid()),
    };
    let value = if width == 0 {
        u64::from(info)
    } else {
        argument(width)?
    };
    let head = 1 + width;
    let string = |len: u64| -> Result<(aws_byte_cursor, usize)> {
        let len = usize::try_from(len).map_err(|_| invalid())?;
        let end = head.checked_add(len).ok_or_else(invalid)?;
        let bytes = src.get(head..end).ok_or_else(invalid)?;
        Ok((aws_byte_cursor::from_slice(bytes), end))
    };
    let element = match major {
        MAJOR_UINT => Element::Uint(value),
        MAJOR_NEGINT => Element::Negint(value),
        MAJOR_BYTES => {
            let (bytes, end) = string(value)?;
            return Ok((Element::Bytes(bytes), end));
        }
        MAJOR_TEXT => {
            let (text, end) = string(value)?;
            return Ok((Element::Text(text), end));
        }
        MAJOR_ARRAY => Element::ArrayStart(value),
        MAJOR_MAP => Element::MapStart(value),
        MAJOR_TAG => Element::Tag(value),
        _ => simple(info, value).ok_or_else(invalid)?,
    };
    Ok((element, head))
}

/// The element of an indefinite-length head (additional information 31).
fn indefinite(major: u8) -> Option<Element> {
    use aws_cbor_type::*;
    Some(Element::Bare(match major {
        MAJOR_BYTES => AWS_CBOR_TYPE_INDEF_BYTES_START,
        MAJOR_TEXT => AWS_CBOR_TYPE_INDEF_TEXT_START,
        MAJOR_ARRAY => AWS_CBOR_TYPE_INDEF_ARRAY_START,
        MAJOR_MAP => AWS_CBOR_TYPE_INDEF_MAP_START,
        MAJOR_SIMPLE => AWS_CBOR_TYPE_BREAK,
        _ => return None,
    }))
}

/// A major type 7 element: booleans, null, undefined and floats; other simple values are not
/// supported (malformed, as libcbor reports them).
fn simple(info: u8, value: u64) -> Option<Element> {
    use aws_cbor_type::*;
    Some(match info {
        20 => Element::Bool(false),
        21 => Element::Bool(true),
        22 => Element::Bare(AWS_CBOR_TYPE_NULL),
        23 => Element::Bare(AWS_CBOR_TYPE_UNDEFINED),
        25 => Element::Float(half(value as u16)),
        26 => Element::Float(f64::from(f32::from_bits(value as u32))),
        27 => Element::Float(f64::from_bits(value)),
        _ => return None,
    })
}

/// A decoder over the caller's bytes (opaque to C).
pub struct aws_cbor_decoder {
    allocator: *mut aws_allocator,
    /// The bytes not yet decoded.
    src: aws_byte_cursor,
    /// The element peeked at and not yet popped, with the bytes it took.
    cached: Option<(Element, usize)>,
    /// The error every call reports until the source is reset; 0 for none.
    error: c_int,
    /// How deep `consume_next_whole_data_item` is.
    depth: usize,
}

impl aws_cbor_decoder {
    /// Fails with the lasting error, if any.
    fn check(&self) -> Result<()> {
        if self.error != 0 {
            Err(Error(self.error))
        } else {
            Ok(())
        }
    }

    /// Records a lasting error and returns it.
    fn fail(&mut self, code: impl Into<Error>) -> Error {
        let e = code.into();
        self.error = e.0;
        e
    }

    /// The next element, decoded and cached if it was not already.
    fn peek(&mut self) -> Result<Element> {
        self.check()?;
        if let Some((element, _)) = self.cached {
            return Ok(element);
        }
        // SAFETY: the module's contract: the source bytes are alive.
        let src = unsafe { self.src.as_bytes() }?;
        let (element, used) = decode(src).map_err(|e| self.fail(e))?;
        self.src = self.src.sub(used, self.src.len - used);
        self.cached = Some((element, used));
        Ok(element)
    }

    /// Takes the next element, which must be of type `expected`.
    fn pop(&mut self, expected: aws_cbor_type) -> Result<Element> {
        let element = self.peek()?;
        if element.kind() != expected {
            return Err(AWS_ERROR_CBOR_UNEXPECTED_TYPE.into());
        }
        self.cached = None;
        Ok(element)
    }

    /// Skips the next item and everything inside it.
    fn skip_item(&mut self) -> Result<()> {
        self.check()?;
        if self.depth >= MAX_DEPTH {
            return Err(self.fail(AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED));
        }
        self.depth += 1;
        let result = self.skip_inside();
        self.depth -= 1;
        result
    }

    fn skip_inside(&mut self) -> Result<()> {
        use aws_cbor_type::*;
        let element = self.peek()?;
        self.cached = None;
        match element {
            Element::Tag(_) => self.skip_item(),
            Element::ArrayStart(n) => (0..n).try_for_each(|_| self.skip_item()),
            Element::MapStart(n) => (0..n).try_for_each(|_| {
                self.skip_item()?;
                self.skip_item()
            }),
            Element::Bare(
                AWS_CBOR_TYPE_INDEF_BYTES_START
                | AWS_CBOR_TYPE_INDEF_TEXT_START
                | AWS_CBOR_TYPE_INDEF_ARRAY_START
                | AWS_CBOR_TYPE_INDEF_MAP_START,
            ) => {
                while self.peek()?.kind() != AWS_CBOR_TYPE_BREAK {
                    self.skip_item()?;
                }
                // The break belongs to the item.
                self.cached = None;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// A decoder over `src`, which must outlive it; NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_new(
    allocator: *mut aws_allocator,
    src: aws_byte_cursor,
) -> *mut aws_cbor_decoder {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        guard::require(src.is_valid())?;
        let decoder = aws_cbor_decoder {
            allocator,
            src,
            cached: None,
            error: 0,
            depth: 0,
        };
        Ok(unsafe { place(allocator, decoder) }?.cast())
    })
}

/// Frees `decoder` (NULL does nothing) and returns NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_destroy(
    decoder: *mut aws_cbor_decoder,
) -> *mut aws_cbor_decoder {
    guard::guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded caller contract.
        if let Some(d) = unsafe { decoder.as_ref() } {
            unsafe { unplace::<aws_cbor_decoder>(d.allocator, decoder.cast()) };
        }
        Ok(std::ptr::null_mut())
    })
}

/// The source bytes not yet decoded (a peeked element counts as decoded).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_get_remaining_length(
    decoder: *const aws_cbor_decoder,
) -> usize {
    // SAFETY: forwarded caller contract.
    guard::guard(0, || Ok(unsafe { guard::reference(decoder) }?.src.len))
}

/// The source bytes not yet popped (a peeked element counts as not consumed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_get_unconsumed_length(
    decoder: *const aws_cbor_decoder,
) -> usize {
    guard::guard(0, || {
        // SAFETY: forwarded caller contract.
        let d = unsafe { guard::reference(decoder) }?;
        Ok(d.src.len + d.cached.map_or(0, |(_, used)| used))
    })
}

/// Starts over on `src`, forgetting any peeked element and any lasting error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_reset_src(
    decoder: *mut aws_cbor_decoder,
    src: aws_byte_cursor,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let d = unsafe { guard::mutable(decoder) }?;
        guard::require(src.is_valid())?;
        d.src = src;
        d.cached = None;
        d.error = 0;
        Ok(())
    })
}

/// Sets `*out_type` to the next element's type, decoding it if needed (it stays next).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_peek_type(
    decoder: *mut aws_cbor_decoder,
    out_type: *mut aws_cbor_type_raw,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let (d, out) = unsafe { (guard::mutable(decoder)?, guard::mutable(out_type)?) };
        *out = d.peek()?.kind() as c_int;
        Ok(())
    })
}

/// Skips the next item with everything inside it (an array's items, a map's pairs, a tag's
/// content, an indefinite item's contents and its break).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_consume_next_whole_data_item(
    decoder: *mut aws_cbor_decoder,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| unsafe { guard::mutable(decoder) }?.skip_item())
}

/// Skips the next element only (for null, undefined, a break or an indefinite start).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_consume_next_single_element(
    decoder: *mut aws_cbor_decoder,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let d = unsafe { guard::mutable(decoder) }?;
        d.peek()?;
        d.cached = None;
        Ok(())
    })
}

/// Pops the next element as `expected` and writes what `value` makes of it to `out`.
///
/// # Safety
/// As the module's contract.
unsafe fn pop_into<T>(
    decoder: *mut aws_cbor_decoder,
    out: *mut T,
    expected: aws_cbor_type,
    value: fn(Element) -> Option<T>,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let (d, out) = unsafe { (guard::mutable(decoder)?, guard::mutable(out)?) };
        let element = d.pop(expected)?;
        *out = value(element).ok_or(guard::INVALID_ARGUMENT)?;
        if let Element::ArrayStart(n) | Element::MapStart(n) = element {
            if n > MAX_CONTAINER {
                return Err(d.fail(AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED));
            }
        }
        Ok(())
    })
}

/// Pops an unsigned integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_unsigned_int_val(
    decoder: *mut aws_cbor_decoder,
    out: *mut u64,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out,
            aws_cbor_type::AWS_CBOR_TYPE_UINT,
            |e| match e {
                Element::Uint(v) => Some(v),
                _ => None,
            },
        )
    }
}

/// Pops a negative integer: `*out` is n for the value -1 - n.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_negative_int_val(
    decoder: *mut aws_cbor_decoder,
    out: *mut u64,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out,
            aws_cbor_type::AWS_CBOR_TYPE_NEGINT,
            |e| match e {
                Element::Negint(v) => Some(v),
                _ => None,
            },
        )
    }
}

/// Pops a float of any precision.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_float_val(
    decoder: *mut aws_cbor_decoder,
    out: *mut f64,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out,
            aws_cbor_type::AWS_CBOR_TYPE_FLOAT,
            |e| match e {
                Element::Float(v) => Some(v),
                _ => None,
            },
        )
    }
}

/// Pops a boolean.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_boolean_val(
    decoder: *mut aws_cbor_decoder,
    out: *mut bool,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out,
            aws_cbor_type::AWS_CBOR_TYPE_BOOL,
            |e| match e {
                Element::Bool(v) => Some(v),
                _ => None,
            },
        )
    }
}

/// Pops a byte string of known length; the cursor points into the source.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_bytes_val(
    decoder: *mut aws_cbor_decoder,
    out: *mut aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out,
            aws_cbor_type::AWS_CBOR_TYPE_BYTES,
            |e| match e {
                Element::Bytes(v) => Some(v),
                _ => None,
            },
        )
    }
}

/// Pops a text string of known length; the cursor points into the source.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_text_val(
    decoder: *mut aws_cbor_decoder,
    out: *mut aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out,
            aws_cbor_type::AWS_CBOR_TYPE_TEXT,
            |e| match e {
                Element::Text(v) => Some(v),
                _ => None,
            },
        )
    }
}

/// Pops an array start: `*out_size` items follow. More than 10000 is
/// `AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED` (lasting).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_array_start(
    decoder: *mut aws_cbor_decoder,
    out_size: *mut u64,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out_size,
            aws_cbor_type::AWS_CBOR_TYPE_ARRAY_START,
            |e| match e {
                Element::ArrayStart(v) => Some(v),
                _ => None,
            },
        )
    }
}

/// Pops a map start: `*out_size` key/value pairs follow. More than 10000 is
/// `AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED` (lasting).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_map_start(
    decoder: *mut aws_cbor_decoder,
    out_size: *mut u64,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out_size,
            aws_cbor_type::AWS_CBOR_TYPE_MAP_START,
            |e| match e {
                Element::MapStart(v) => Some(v),
                _ => None,
            },
        )
    }
}

/// Pops a tag; its content is the next item.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cbor_decoder_pop_next_tag_val(
    decoder: *mut aws_cbor_decoder,
    out_tag_val: *mut u64,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe {
        pop_into(
            decoder,
            out_tag_val,
            aws_cbor_type::AWS_CBOR_TYPE_TAG,
            |e| match e {
                Element::Tag(v) => Some(v),
                _ => None,
            },
        )
    }
}

#[cfg(test)]
#[path = "cbor_tests.rs"]
mod tests;

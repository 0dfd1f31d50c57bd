//! `aws/io/private/pem_utils.h`: `aws_sanitize_pem`, which upstream declares in a private header
//! and exports (its PEM tests and TLS code call it): a PEM text is rewritten to hold only its
//! objects, `-----BEGIN` to the `-----` closing the END line, each END line ending in a newline;
//! what lies before, between and after objects goes.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_buf_reset, aws_byte_cursor};
use crate::ffi::common::byte_buf_append::aws_byte_buf_append_dynamic;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use crate::ffi::io::stream::forwarded;
use std::ffi::c_int;

const BEGIN: &[u8] = b"-----BEGIN";
const END: &[u8] = b"-----END";
const DASHES: &[u8] = b"-----";

/// The objects of `pem` and nothing else, as upstream's sanitizer keeps them; None when there is
/// none, or the last one is left open.
pub(crate) fn sanitized(pem: &[u8]) -> Option<Vec<u8>> {
    let mut clean = Vec::with_capacity(pem.len());
    let mut rest = pem;
    let mut in_object = false;
    while !rest.is_empty() {
        if !in_object {
            if rest.starts_with(BEGIN) {
                clean.extend_from_slice(BEGIN);
                rest = &rest[BEGIN.len()..];
                in_object = true;
            } else {
                rest = &rest[1..];
            }
        } else if rest.starts_with(END) {
            clean.extend_from_slice(END);
            rest = &rest[END.len()..];
            // The label, one byte at least, up to the closing dashes.
            while let Some((&byte, after)) = rest.split_first() {
                clean.push(byte);
                rest = after;
                if rest.starts_with(DASHES) {
                    clean.extend_from_slice(DASHES);
                    clean.push(b'\n');
                    rest = &rest[DASHES.len()..];
                    in_object = false;
                    break;
                }
            }
        } else {
            clean.push(rest[0]);
            rest = &rest[1..];
        }
    }
    (!clean.is_empty() && !in_object).then_some(clean)
}

/// Rewrites `pem` to hold only its PEM objects (see the module comment).
/// `AWS_ERROR_INVALID_ARGUMENT`, `pem` unchanged, when it is empty, holds no object, or ends
/// inside one.
///
/// # Safety
/// `pem` NULL or a valid buffer that may grow (it has an allocator); `allocator` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_sanitize_pem(
    pem: *mut aws_byte_buf,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| unsafe { sanitize(pem, allocator) })
}

/// [`aws_sanitize_pem`]'s body.
///
/// # Safety
/// As that function's.
unsafe fn sanitize(pem: *mut aws_byte_buf, allocator: *mut aws_allocator) -> Result<()> {
    // SAFETY: forwarded caller contract.
    unsafe { crate::ffi::common::allocator::checked(allocator) }?;
    let buf = unsafe { guard::mutable(pem) }?;
    let text = unsafe { buf.cursor().as_bytes() }?;
    let clean = sanitized(text).ok_or(INVALID_ARGUMENT)?;
    // SAFETY: the caller's buffer; the clean text is ours until appended.
    unsafe {
        aws_byte_buf_reset(pem, true);
        forwarded(aws_byte_buf_append_dynamic(
            pem,
            &aws_byte_cursor::from_slice(&clean),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_around_objects_go_and_end_lines_end_in_a_newline() {
        let text = b"comment\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----trailing\nmore\n\
            -----BEGIN X-----\nAA==\n-----END X-----";
        let clean = sanitized(text).unwrap();
        assert_eq!(
            clean,
            b"-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n-----BEGIN X-----\nAA==\n-----END X-----\n"
        );
    }

    #[test]
    fn nothing_or_an_open_object_is_refused() {
        assert_eq!(sanitized(b""), None);
        assert_eq!(sanitized(b"no pem here"), None);
        assert_eq!(sanitized(b"-----BEGIN CERTIFICATE-----\nAQID\n"), None);
        assert_eq!(sanitized(b"-----BEGIN C-----\nAQID\n-----END C"), None);
    }
}

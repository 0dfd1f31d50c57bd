//! What the TLS option calls do with certificate and key bytes before keeping them: read a file
//! with upstream's error codes, keep only the PEM blocks (upstream's "sanitize"), and copy the
//! result into a buffer from the caller's allocator. Secret bytes on the Rust heap are wiped
//! when dropped.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{self, aws_byte_buf};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_FILE_INVALID_PATH, AWS_ERROR_FILE_OPEN_FAILURE, AWS_ERROR_FILE_READ_FAILURE,
};
use crate::ffi::file_logger::io_error;
use crate::ffi::guard::{self, Error, Result};
use std::ffi::{OsStr, c_char};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;

/// Bytes that may be secret (a private key), wiped when dropped.
pub struct Wiped(pub Vec<u8>);

impl Drop for Wiped {
    fn drop(&mut self) {
        // SAFETY: the vector's own initialised bytes.
        unsafe { byte_buf::secure_zero(self.0.as_mut_ptr(), self.0.len()) };
    }
}

/// The whole content of the file at `path`. A NULL or empty path is
/// `AWS_ERROR_FILE_INVALID_PATH`; a failure to open or read raises upstream's code for its
/// `errno` (`AWS_ERROR_FILE_INVALID_PATH` for a missing file or a directory,
/// `AWS_ERROR_NO_PERMISSION` for an unreadable one, ...).
///
/// # Safety
/// A non-NULL `path` must be NUL-terminated.
pub unsafe fn read_file(path: *const c_char) -> Result<Wiped> {
    let invalid = Error(AWS_ERROR_FILE_INVALID_PATH as i32);
    // SAFETY: forwarded caller contract.
    let path = unsafe { guard::c_str(path) }.map_err(|_| invalid)?;
    if path.is_empty() {
        return Err(invalid);
    }
    let fail = |e: std::io::Error, fallback, what: &str| {
        let code = io_error(e.raw_os_error().unwrap_or(0), fallback);
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_TLS,
            "static: failed to {what} file '{}': {e}",
            path.to_string_lossy()
        );
        Error(code)
    };
    let mut file = std::fs::File::open(OsStr::from_bytes(path.to_bytes()))
        .map_err(|e| fail(e, AWS_ERROR_FILE_OPEN_FAILURE, "open"))?;
    let mut content = Wiped(Vec::new());
    file.read_to_end(&mut content.0)
        .map_err(|e| fail(e, AWS_ERROR_FILE_READ_FAILURE, "read"))?;
    Ok(content)
}

/// A path from the bytes of a C string.
pub fn os_path(bytes: &[u8]) -> std::path::PathBuf {
    OsStr::from_bytes(bytes).into()
}

/// Only the PEM blocks of `text`, each from its `-----BEGIN` to the `-----` closing its
/// `-----END` line, followed by a newline; whatever lies between blocks is dropped. `None`
/// when there is no block, or the last one never ends: upstream then raises
/// `AWS_ERROR_INVALID_ARGUMENT`.
pub fn sanitize_pem(text: &[u8]) -> Option<Wiped> {
    const BEGIN: &[u8] = b"-----BEGIN";
    const END: &[u8] = b"-----END";
    const DASHES: &[u8] = b"-----";
    let mut out = Wiped(Vec::with_capacity(text.len() + 1));
    let mut rest = text;
    while let Some(start) = find(rest, BEGIN) {
        let block = &rest[start..];
        let end = BEGIN.len() + find(&block[BEGIN.len()..], END)?;
        // The END label runs to the next five dashes, at least one byte on.
        let label = end + END.len() + 1;
        let close = label + find(block.get(label..)?, DASHES)? + DASHES.len();
        out.0.extend_from_slice(&block[..close]);
        out.0.push(b'\n');
        rest = &block[close..];
    }
    (!out.0.is_empty()).then_some(out)
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `text`'s PEM blocks in a new buffer from `allocator`, NUL-terminated past its length as
/// upstream's file buffers are. Text without a PEM block is `AWS_ERROR_INVALID_ARGUMENT`.
///
/// # Safety
/// A non-NULL `allocator` must point to a valid allocator.
pub unsafe fn pem_buf(
    allocator: *mut aws_allocator,
    text: &[u8],
    what: &str,
) -> Result<aws_byte_buf> {
    let Some(pem) = sanitize_pem(text) else {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_TLS,
            "static: invalid {what}: it must contain PEM encoded data"
        );
        return Err(guard::INVALID_ARGUMENT);
    };
    let mut buf = aws_byte_buf::EMPTY;
    // SAFETY: forwarded caller contract; the fresh storage holds the PEM and its NUL.
    unsafe {
        byte_buf::init(&mut buf, allocator, pem.0.len() + 1)?;
        std::ptr::copy_nonoverlapping(pem.0.as_ptr(), buf.buffer, pem.0.len());
        buf.buffer.add(pem.0.len()).write(0);
    }
    buf.len = pem.0.len();
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(text: &str) -> Option<String> {
        sanitize_pem(text.as_bytes()).map(|w| String::from_utf8(w.0.clone()).unwrap())
    }

    #[test]
    fn text_around_pem_blocks_is_dropped() {
        let text = "Bag Attributes\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\
                    trailing\nnoise-----BEGIN X-----\nBB\n-----END X-----";
        assert_eq!(
            clean(text).unwrap(),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n\
             -----BEGIN X-----\nBB\n-----END X-----\n"
        );
    }

    #[test]
    fn text_without_a_block_or_with_an_unfinished_one_is_refused() {
        assert_eq!(clean(""), None);
        assert_eq!(clean("just some text"), None);
        assert_eq!(clean("-----BEGIN CERTIFICATE-----\nAAAA\n"), None);
        assert_eq!(clean("-----BEGIN X-----\nAAAA\n-----END X"), None);
    }

    #[test]
    fn a_missing_file_is_an_invalid_path() {
        let err = unsafe { read_file(c"/nonexistent/dir/cert.pem".as_ptr()) }.err();
        assert_eq!(err, Some(Error(AWS_ERROR_FILE_INVALID_PATH as i32)));
        let err = unsafe { read_file(std::ptr::null()) }.err();
        assert_eq!(err, Some(Error(AWS_ERROR_FILE_INVALID_PATH as i32)));
    }
}

//! `aws/io/pem.h`: PEM files read into a list of objects (their label, its type, the decoded
//! bytes), and a DER certificate written as PEM.
//!
//! Parsing follows upstream's reader: lines are trimmed of white space; outside an object,
//! lines are skipped until one starts with `-----BEGIN`, whose label runs from after the
//! character following `BEGIN` to the closing `-----`; inside, lines are base64 until one starts
//! with `-----END` (its label is not compared). A malformed BEGIN line stops the reading, which
//! succeeds with what came before it, if anything; an object left open at the end, no object
//! at all, or bad base64 in any object fails the whole read with `AWS_ERROR_PEM_MALFORMED`.

use crate::error::aws_io_errors::AWS_ERROR_PEM_MALFORMED;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::{
    aws_array_list, aws_array_list_clean_up, aws_array_list_get_at_ptr,
    aws_array_list_init_dynamic, aws_array_list_length, aws_array_list_push_back,
};
use crate::ffi::common::array_list_edit::aws_array_list_clear;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_buf_clean_up_secure, aws_byte_cursor};
use crate::ffi::common::byte_buf_file::aws_byte_buf_init_from_file;
use crate::ffi::common::encoding::{
    aws_base64_compute_decoded_len, aws_base64_decode, aws_base64_encode,
};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::common::string::{aws_string, aws_string_destroy, new_string};
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::io::stream::forwarded;
use std::ffi::{c_char, c_int};

/// The kinds of PEM object, named after OpenSSL's labels (each variant's label below).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_pem_object_type {
    /// A label not listed here.
    AWS_PEM_TYPE_UNKNOWN = 0,
    /// `X509 CERTIFICATE`
    AWS_PEM_TYPE_X509_OLD,
    /// `CERTIFICATE`
    AWS_PEM_TYPE_X509,
    /// `TRUSTED CERTIFICATE`
    AWS_PEM_TYPE_X509_TRUSTED,
    /// `NEW CERTIFICATE REQUEST`
    AWS_PEM_TYPE_X509_REQ_OLD,
    /// `CERTIFICATE REQUEST`
    AWS_PEM_TYPE_X509_REQ,
    /// `X509 CRL`
    AWS_PEM_TYPE_X509_CRL,
    /// `ANY PRIVATE KEY`
    AWS_PEM_TYPE_EVP_PKEY,
    /// `PUBLIC KEY`
    AWS_PEM_TYPE_PUBLIC_KEY,
    /// `RSA PRIVATE KEY`
    AWS_PEM_TYPE_PRIVATE_RSA_PKCS1,
    /// `RSA PUBLIC KEY`
    AWS_PEM_TYPE_PUBLIC_RSA_PKCS1,
    /// `DSA PRIVATE KEY`
    AWS_PEM_TYPE_PRIVATE_DSA_PKCS1,
    /// `DSA PUBLIC KEY`
    AWS_PEM_TYPE_PUBLIC_DSA_PKCS1,
    /// `PKCS7`
    AWS_PEM_TYPE_PKCS7,
    /// `PKCS #7 SIGNED DATA`
    AWS_PEM_TYPE_PKCS7_SIGNED_DATA,
    /// `ENCRYPTED PRIVATE KEY`
    AWS_PEM_TYPE_PRIVATE_PKCS8_ENCRYPTED,
    /// `PRIVATE KEY`
    AWS_PEM_TYPE_PRIVATE_PKCS8,
    /// `DH PARAMETERS`
    AWS_PEM_TYPE_DH_PARAMETERS,
    /// `X9.42 DH PARAMETERS`
    AWS_PEM_TYPE_DH_PARAMETERS_X942,
    /// `SSL SESSION PARAMETERS`
    AWS_PEM_TYPE_SSL_SESSION_PARAMETERS,
    /// `DSA PARAMETERS`
    AWS_PEM_TYPE_DSA_PARAMETERS,
    /// `ECDSA PUBLIC KEY`
    AWS_PEM_TYPE_ECDSA_PUBLIC,
    /// `EC PARAMETERS`
    AWS_PEM_TYPE_EC_PARAMETERS,
    /// `EC PRIVATE KEY`
    AWS_PEM_TYPE_EC_PRIVATE,
    /// `PARAMETERS`
    AWS_PEM_TYPE_PARAMETERS,
    /// `CMS`
    AWS_PEM_TYPE_CMS,
    /// `SM2 PARAMETERS`
    AWS_PEM_TYPE_SM2_PARAMETERS,
}

/// A C `enum aws_pem_object_type` (as stored in `aws_pem_object`).
pub type aws_pem_object_type_raw = c_int;

/// One object of a PEM file.
#[repr(C)]
pub struct aws_pem_object {
    /// Its kind, from the label (`AWS_PEM_TYPE_UNKNOWN` for another label).
    pub r#type: aws_pem_object_type_raw,
    /// The label between `-----BEGIN ` and `-----`.
    pub type_string: *mut aws_string,
    /// The decoded bytes.
    pub data: aws_byte_buf,
}

/// The label of each kind, in the enum's order from `AWS_PEM_TYPE_X509_OLD`.
const LABELS: [&[u8]; 26] = [
    b"X509 CERTIFICATE",
    b"CERTIFICATE",
    b"TRUSTED CERTIFICATE",
    b"NEW CERTIFICATE REQUEST",
    b"CERTIFICATE REQUEST",
    b"X509 CRL",
    b"ANY PRIVATE KEY",
    b"PUBLIC KEY",
    b"RSA PRIVATE KEY",
    b"RSA PUBLIC KEY",
    b"DSA PRIVATE KEY",
    b"DSA PUBLIC KEY",
    b"PKCS7",
    b"PKCS #7 SIGNED DATA",
    b"ENCRYPTED PRIVATE KEY",
    b"PRIVATE KEY",
    b"DH PARAMETERS",
    b"X9.42 DH PARAMETERS",
    b"SSL SESSION PARAMETERS",
    b"DSA PARAMETERS",
    b"ECDSA PUBLIC KEY",
    b"EC PARAMETERS",
    b"EC PRIVATE KEY",
    b"PARAMETERS",
    b"CMS",
    b"SM2 PARAMETERS",
];

/// The kind a label names.
pub(crate) fn object_type(label: &[u8]) -> aws_pem_object_type {
    use strum::IntoEnumIterator;
    LABELS
        .iter()
        .position(|l| *l == label)
        .and_then(|i| aws_pem_object_type::iter().nth(i + 1))
        .unwrap_or(aws_pem_object_type::AWS_PEM_TYPE_UNKNOWN)
}

const BEGIN: &[u8] = b"-----BEGIN";
const END: &[u8] = b"-----END";
const DASHES: &[u8] = b"-----";

/// An object as read from the text: its label and its base64, lines joined.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RawObject {
    pub label: Vec<u8>,
    pub base64: Vec<u8>,
}

/// The label of a BEGIN line: after `-----BEGIN` and one more character, up to the final
/// `-----`; None when the line does not end so.
fn begin_label(line: &[u8]) -> Option<&[u8]> {
    let rest = line.strip_prefix(BEGIN)?;
    let rest = rest.get(1..).unwrap_or(rest);
    rest.strip_suffix(DASHES)
}

/// Reads the objects of PEM text, as the module comment says.
pub(crate) fn parse(text: &[u8]) -> Result<Vec<RawObject>> {
    let mut objects = Vec::new();
    let mut open: Option<RawObject> = None;
    for line in text.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        match open.as_mut() {
            None if line.starts_with(BEGIN) => match begin_label(line) {
                Some(label) => {
                    open = Some(RawObject {
                        label: label.to_vec(),
                        base64: Vec::new(),
                    })
                }
                None => break,
            },
            None => {}
            Some(_) if line.starts_with(END) => objects.extend(open.take()),
            Some(object) => object.base64.extend_from_slice(line),
        }
    }
    if open.is_some() || objects.is_empty() {
        return Err(AWS_ERROR_PEM_MALFORMED.into());
    }
    Ok(objects)
}

/// The bytes of a base64 text, through the library's strict decoder.
fn unbase64(text: &[u8]) -> Result<Vec<u8>> {
    if text.is_empty() {
        // An object with no data (upstream reads it as empty; an empty buffer over a Vec's
        // dangling pointer would not pass the decoder's buffer check).
        return Ok(Vec::new());
    }
    let cursor = aws_byte_cursor::from_slice(text);
    let mut len = 0;
    // SAFETY: a cursor over `text` and a buffer over `out`, both live through the calls.
    unsafe {
        forwarded(aws_base64_compute_decoded_len(&cursor, &mut len))
            .map_err(|_| AWS_ERROR_PEM_MALFORMED)?;
        let mut out = vec![0u8; len];
        let mut buf = aws_byte_buf {
            len: 0,
            buffer: out.as_mut_ptr(),
            capacity: len,
            allocator: std::ptr::null_mut(),
        };
        forwarded(aws_base64_decode(&cursor, &mut buf)).map_err(|_| AWS_ERROR_PEM_MALFORMED)?;
        out.truncate(buf.len);
        Ok(out)
    }
}

/// A decoded PEM object: its kind, its bytes and its label.
pub(crate) type Decoded = (aws_pem_object_type, Vec<u8>, Vec<u8>);

/// The objects of PEM text, as `aws_pem_objects_init_from_file_contents` reads them.
pub(crate) fn decode(text: &[u8]) -> Result<Vec<Decoded>> {
    parse(text)?
        .into_iter()
        .map(|raw| Ok((object_type(&raw.label), unbase64(&raw.base64)?, raw.label)))
        .collect()
}

/// The DER of PEM text that holds exactly one object, an `EC PRIVATE KEY` (how aws-c-auth's
/// login provider reads a session's key); None otherwise.
pub(crate) fn single_ec_private_key(text: &[u8]) -> Option<Vec<u8>> {
    match decode(text).ok()?.as_mut_slice() {
        [(aws_pem_object_type::AWS_PEM_TYPE_EC_PRIVATE, der, _)] => Some(std::mem::take(der)),
        _ => None,
    }
}

/// An owned buffer from `allocator` holding `bytes`.
///
/// # Safety
/// `allocator` valid.
unsafe fn owned_buf(allocator: *mut aws_allocator, bytes: &[u8]) -> Result<aws_byte_buf> {
    let mut buf = aws_byte_buf::EMPTY;
    // SAFETY: forwarded caller contract; `bytes.len()` bytes fit the fresh storage.
    unsafe {
        crate::ffi::common::byte_buf::init(&mut buf, allocator, bytes.len())?;
        if !bytes.is_empty() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.buffer, bytes.len());
        }
    }
    buf.len = bytes.len();
    Ok(buf)
}

/// Fills the caller's list (initialised here) with the decoded objects of `text`; on failure
/// the list is left cleaned up (empty, no storage).
///
/// # Safety
/// `list` writable; `allocator` valid.
unsafe fn fill(
    list: *mut aws_array_list,
    allocator: *mut aws_allocator,
    text: &[u8],
) -> Result<()> {
    // As upstream, the list is initialised first, and left empty (cleaned up) on failure.
    // SAFETY: forwarded caller contract.
    forwarded(unsafe {
        aws_array_list_init_dynamic(list, allocator, 1, size_of::<aws_pem_object>())
    })?;
    let decoded = match decode(text) {
        Ok(decoded) => decoded,
        Err(e) => {
            // SAFETY: the list was initialised above and holds nothing.
            unsafe { aws_pem_objects_clean_up(list) };
            return Err(e);
        }
    };
    for (kind, bytes, label) in decoded {
        let pushed = (|| -> Result<()> {
            // SAFETY: forwarded caller contract; the list takes the object by value.
            let type_string = unsafe { new_string(allocator, &label) }?.as_ptr();
            let mut object = aws_pem_object {
                r#type: kind as c_int,
                type_string,
                data: unsafe { owned_buf(allocator, &bytes) }
                    .inspect_err(|_| unsafe { aws_string_destroy(type_string) })?,
            };
            let result =
                forwarded(unsafe { aws_array_list_push_back(list, (&raw const object).cast()) });
            if result.is_err() {
                unsafe {
                    aws_byte_buf_clean_up_secure(&mut object.data);
                    aws_string_destroy(object.type_string);
                }
            }
            result
        })();
        if let Err(e) = pushed {
            // SAFETY: the list was initialised above.
            unsafe { aws_pem_objects_clean_up(list) };
            return Err(e);
        }
    }
    Ok(())
}

/// Frees every object of the list (their bytes zeroed first) and the list itself.
///
/// # Safety
/// `pem_objects` NULL or a list filled by the functions here.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pem_objects_clean_up(pem_objects: *mut aws_array_list) {
    guard::guard((), || {
        guard::require(!pem_objects.is_null())?;
        // SAFETY: forwarded caller contract: a list of `aws_pem_object`.
        unsafe {
            for i in 0..aws_array_list_length(pem_objects) {
                let mut item: *mut aws_pem_object = std::ptr::null_mut();
                aws_array_list_get_at_ptr(pem_objects, (&raw mut item).cast(), i);
                if let Some(object) = item.as_mut() {
                    aws_byte_buf_clean_up_secure(&mut object.data);
                    aws_string_destroy(object.type_string);
                    object.type_string = std::ptr::null_mut();
                }
            }
            aws_array_list_clear(pem_objects);
            aws_array_list_clean_up(pem_objects);
        }
        Ok(())
    })
}

/// Initialises `pem_objects` with the objects of the PEM text `pem_cursor` (each an
/// `aws_pem_object` by value). `AWS_ERROR_PEM_MALFORMED` as the module comment says.
///
/// # Safety
/// `pem_objects` NULL or writable; `alloc` NULL or valid; the cursor over live bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pem_objects_init_from_file_contents(
    pem_objects: *mut aws_array_list,
    alloc: *mut aws_allocator,
    pem_cursor: aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        guard::require(!pem_objects.is_null())?;
        // SAFETY: forwarded caller contract.
        let text = unsafe { pem_cursor.as_bytes() }?;
        unsafe { fill(pem_objects, alloc, text) }
    })
}

/// As [`aws_pem_objects_init_from_file_contents`] with the contents of the file `filename`;
/// the file's errors (`AWS_ERROR_FILE_INVALID_PATH`, ...) when it cannot be read.
///
/// # Safety
/// `pem_objects` NULL or writable; `allocator` NULL or valid; `filename` NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pem_objects_init_from_file_path(
    pem_objects: *mut aws_array_list,
    allocator: *mut aws_allocator,
    filename: *const c_char,
) -> c_int {
    guard::op(|| {
        guard::require(!pem_objects.is_null())?;
        let mut contents = aws_byte_buf::EMPTY;
        // SAFETY: forwarded caller contract.
        forwarded(unsafe { aws_byte_buf_init_from_file(&mut contents, allocator, filename) })?;
        let text = unsafe { contents.cursor().as_bytes() };
        let result = text.and_then(|text| unsafe { fill(pem_objects, allocator, text) });
        unsafe { aws_byte_buf_clean_up_secure(&mut contents) };
        result
    })
}

/// The PEM text of a DER certificate: `-----BEGIN CERTIFICATE-----`, base64 in lines of 64,
/// `-----END CERTIFICATE-----`, each line ending in `\n`. Empty input is
/// `AWS_ERROR_INVALID_ARGUMENT`.
///
/// # Safety
/// `alloc` NULL or valid; the cursor over live bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_der_cert_to_pem(
    alloc: *mut aws_allocator,
    der_cert: aws_byte_cursor,
) -> *mut aws_string {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        let der = unsafe { der_cert.as_bytes() }?;
        if der.is_empty() {
            return Err(Error(AWS_ERROR_INVALID_ARGUMENT as c_int));
        }
        let mut text = b"-----BEGIN CERTIFICATE-----\n".to_vec();
        for chunk in der.chunks(48) {
            let mut line = [0u8; 64];
            let mut buf = aws_byte_buf {
                len: 0,
                buffer: line.as_mut_ptr(),
                capacity: line.len(),
                allocator: std::ptr::null_mut(),
            };
            let cursor = aws_byte_cursor::from_slice(chunk);
            // SAFETY: 48 bytes encode to 64 characters, which fit `line`.
            forwarded(unsafe { aws_base64_encode(&cursor, &mut buf) })?;
            text.extend_from_slice(&line[..buf.len]);
            text.push(b'\n');
        }
        text.extend_from_slice(b"-----END CERTIFICATE-----\n");
        // SAFETY: forwarded caller contract.
        Ok(unsafe { new_string(alloc, &text) }?.as_ptr())
    })
}

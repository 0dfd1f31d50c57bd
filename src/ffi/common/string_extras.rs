//! `aws/common/string.h`, continued: sorting an array list of `struct aws_string *`
//! (`aws_array_list_comparator_string`) and writing a string into a buffer's spare capacity.
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type.

use crate::ffi::common::byte_buf::aws_byte_buf;
use crate::ffi::common::byte_buf_write::aws_byte_buf_write;
use crate::ffi::common::string::{aws_string, aws_string_compare, string_bytes};
use crate::ffi::guard;
use std::ffi::{c_int, c_void};

/// Orders two items of a list of `struct aws_string *` (each argument points to one) by
/// `aws_string_compare`; a NULL string sorts first.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_array_list_comparator_string(
    a: *const c_void,
    b: *const c_void,
) -> c_int {
    guard::guard(0, || {
        // SAFETY: the list lends two items, each a string pointer.
        let (a, b) = unsafe {
            (
                *guard::reference(a.cast::<*const aws_string>())?,
                *guard::reference(b.cast::<*const aws_string>())?,
            )
        };
        Ok(match (a.is_null(), b.is_null()) {
            _ if a == b => 0,
            (true, _) => -1,
            (_, true) => 1,
            _ => unsafe { aws_string_compare(a, b) },
        })
    })
}

/// Copies the string's bytes into the buffer's spare capacity; false (nothing written) when
/// they do not fit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_write_from_whole_string(
    buf: *mut aws_byte_buf,
    src: *const aws_string,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a buffer and a string.
        let bytes = unsafe { string_bytes(src) }?;
        Ok(unsafe { aws_byte_buf_write(buf, bytes.as_ptr(), bytes.len()) })
    })
}

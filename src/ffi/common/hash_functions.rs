//! `aws/common/hash_table.h`, continued: the ready-made hash and equality callbacks for common
//! key types (C strings, `aws_string`, byte cursors, pointers, `uint64_t`).
//!
//! The hash values are not upstream's (lookup3): programs only rely on them being stable within
//! a process and equal for equal bytes, which holds: C strings, `aws_string`s and cursors with
//! the same bytes hash the same, as upstream documents.

use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::common::string::{aws_string, aws_string_destroy, string_bytes};
use crate::ffi::guard::{self};
use std::ffi::{c_char, c_void};
use std::hash::Hasher;

/// The hash of a run of bytes (SipHash-1-3 with fixed keys: stable for the process's life).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// The hash of a NUL-terminated C string's bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_c_string(item: *const c_void) -> u64 {
    // SAFETY: the table lends a key that is a C string.
    guard::guard(0, || {
        Ok(hash_bytes(
            unsafe { guard::c_str(item.cast::<c_char>()) }?.to_bytes(),
        ))
    })
}

/// The hash of an `aws_string`'s bytes (the same as `aws_hash_c_string` of the same bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_string(item: *const c_void) -> u64 {
    // SAFETY: the table lends a key that is an aws_string.
    guard::guard(0, || {
        Ok(hash_bytes(unsafe {
            string_bytes(item.cast::<aws_string>())
        }?))
    })
}

/// The hash of the bytes an `aws_byte_cursor` (the key is a pointer to one) covers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_byte_cursor_ptr(item: *const c_void) -> u64 {
    // SAFETY: the table lends a key that is a cursor.
    guard::guard(0, || {
        Ok(hash_bytes(unsafe {
            cursor_bytes(item.cast::<aws_byte_cursor>())
        }?))
    })
}

/// The hash of the pointer's value itself (nothing is read through it; NULL is fine).
#[unsafe(no_mangle)]
pub extern "C" fn aws_hash_ptr(item: *const c_void) -> u64 {
    guard::guard(0, || Ok(hash_bytes(&(item as usize).to_ne_bytes())))
}

/// Mixes two hashes into one (order matters).
#[unsafe(no_mangle)]
pub extern "C" fn aws_hash_combine(item1: u64, item2: u64) -> u64 {
    guard::guard(0, || {
        let mut h = std::hash::DefaultHasher::new();
        h.write_u64(item2);
        h.write_u64(item1);
        Ok(h.finish())
    })
}

/// A `uint64_t` key (the key points to one) as its own hash.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_uint64_t_by_identity(item: *const c_void) -> u64 {
    // SAFETY: the table lends a key that points to a uint64_t.
    guard::guard(0, || Ok(*unsafe { guard::reference(item.cast::<u64>()) }?))
}

/// Whether two C strings have the same bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_callback_c_str_eq(a: *const c_void, b: *const c_void) -> bool {
    guard::guard(false, || {
        // SAFETY: the table lends two keys that are C strings.
        let (a, b) = unsafe { (guard::c_str(a.cast())?, guard::c_str(b.cast())?) };
        Ok(a == b)
    })
}

/// Whether two `aws_string`s have the same bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_callback_string_eq(a: *const c_void, b: *const c_void) -> bool {
    guard::guard(false, || {
        // SAFETY: the table lends two keys that are aws_strings.
        let (a, b) = unsafe { (string_bytes(a.cast())?, string_bytes(b.cast())?) };
        Ok(a == b)
    })
}

/// Destroys an `aws_string` key or value (`aws_string_destroy`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_callback_string_destroy(a: *mut c_void) {
    // SAFETY: the table hands over an aws_string it held (or NULL).
    guard::guard((), || {
        unsafe { aws_string_destroy(a.cast()) };
        Ok(())
    })
}

/// Whether two pointers are the same pointer.
#[unsafe(no_mangle)]
pub extern "C" fn aws_ptr_eq(a: *const c_void, b: *const c_void) -> bool {
    guard::guard(false, || Ok(a == b))
}

/// Whether two `uint64_t` keys (each points to one) are equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_hash_compare_uint64_t_eq(a: *const c_void, b: *const c_void) -> bool {
    guard::guard(false, || {
        // SAFETY: the table lends two keys that point to uint64_t values.
        let (a, b) = unsafe {
            (
                guard::reference(a.cast::<u64>())?,
                guard::reference(b.cast::<u64>())?,
            )
        };
        Ok(a == b)
    })
}

//! `aws/common/error.h`, continued: error tables a program registers for its own codes
//! (`aws_register_error_info`), which `aws_error_str`, `_name`, `_lib_name` and `_debug_str`
//! then consult before the library's own; upstream's exported `aws_raise_error`; and the
//! translation of an `errno` value into upstream's error codes (`aws_translate_and_raise_io_error*`).
//!
//! A table covers one library's range of 1024 codes (its first entry's code, shifted right by
//! `AWS_ERROR_ENUM_STRIDE_BITS`, picks the slot, one of `AWS_PACKAGE_SLOTS`); registering a slot
//! again replaces its table. The table must stay valid until it is unregistered.
//!
//! # Safety
//! A table pointer is NULL or points to a valid table whose strings outlive its registration.

use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_DIRECTORY_NOT_EMPTY, AWS_ERROR_FILE_INVALID_PATH, AWS_ERROR_INVALID_ARGUMENT,
    AWS_ERROR_MAX_FDS_EXCEEDED, AWS_ERROR_NO_PERMISSION, AWS_ERROR_NO_SPACE, AWS_ERROR_OOM,
    AWS_ERROR_SYS_CALL_FAILURE,
};
use crate::ffi::common::error::raise;
use crate::ffi::guard::{self, OP_ERR, OP_SUCCESS, Result, require};
use crate::runtime::lock::lock;
use std::ffi::{c_char, c_int};
use std::sync::Mutex;

/// One error code's texts (upstream's `struct aws_error_info`; `AWS_DEFINE_ERROR_INFO` makes one).
#[repr(C)]
pub struct aws_error_info {
    /// The code.
    pub error_code: c_int,
    /// The enumerator's name, such as `"AWS_ERROR_OOM"`.
    pub literal_name: *const c_char,
    /// The description.
    pub error_str: *const c_char,
    /// The library's name.
    pub lib_name: *const c_char,
    /// `"lib: NAME, description"`.
    pub formatted_name: *const c_char,
}

/// A library's table of error texts (upstream's `struct aws_error_info_list`).
#[repr(C)]
pub struct aws_error_info_list {
    /// The entries, one per code, from the range's first code on.
    pub error_list: *const aws_error_info,
    /// How many entries there are.
    pub count: u16,
}

/// How many libraries' ranges there are (`AWS_PACKAGE_SLOTS`).
const SLOTS: usize = 32;
/// Codes per library (`1 << AWS_ERROR_ENUM_STRIDE_BITS`).
const STRIDE_BITS: u32 = 10;

/// A registered table's address.
#[derive(Clone, Copy)]
struct Table(*const aws_error_info_list);

// SAFETY: a registered table is read-only and must outlive its registration (the caller's
// promise); it is only read through this pointer.
unsafe impl Send for Table {}

/// The registered tables, by slot.
static REGISTERED: Mutex<[Option<Table>; SLOTS]> = Mutex::new([None; SLOTS]);

/// The slot a table covers, checked: a non-empty list whose first code is in range.
///
/// # Safety
/// A non-NULL `info` points to a valid table.
unsafe fn slot_of(info: *const aws_error_info_list) -> Result<usize> {
    // SAFETY: forwarded caller contract.
    let list = unsafe { guard::reference(info) }?;
    require(!list.error_list.is_null() && list.count > 0)?;
    let first = unsafe { (*list.error_list).error_code };
    let slot = usize::try_from(first >> STRIDE_BITS).map_err(|_| guard::INVALID_ARGUMENT)?;
    require(slot < SLOTS)?;
    Ok(slot)
}

/// Registers a table of error texts for its library's range (replacing any before it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_register_error_info(error_info: *const aws_error_info_list) {
    guard::guard((), || {
        // SAFETY: the caller lends a table that outlives its registration.
        let slot = unsafe { slot_of(error_info) }?;
        lock(&REGISTERED)[slot] = Some(Table(error_info));
        Ok(())
    })
}

/// Unregisters the table registered for `error_info`'s range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_unregister_error_info(error_info: *const aws_error_info_list) {
    guard::guard((), || {
        // SAFETY: the caller lends a table.
        let slot = unsafe { slot_of(error_info) }?;
        lock(&REGISTERED)[slot] = None;
        Ok(())
    })
}

/// The registered entry for `err`, when a registered table covers it.
pub fn registered(err: c_int) -> Option<&'static aws_error_info> {
    let slot = usize::try_from(err >> STRIDE_BITS)
        .ok()
        .filter(|&s| s < SLOTS)?;
    let Table(list) = lock(&REGISTERED)[slot]?;
    // SAFETY: a registered table stays valid while registered.
    let list = unsafe { &*list };
    let first = unsafe { (*list.error_list).error_code };
    let index = usize::try_from(err - first)
        .ok()
        .filter(|&i| i < usize::from(list.count))?;
    // SAFETY: `index` is within the table's `count` entries.
    let entry = unsafe { &*list.error_list.add(index) };
    (entry.error_code == err).then_some(entry)
}

/// Raises `err` and returns `AWS_OP_ERR` (upstream inlines it from `error.inl`, and exports it
/// too for programs that call it by address; the header keeps the inline one).
/// cbindgen:ignore
#[unsafe(no_mangle)]
pub extern "C" fn aws_raise_error(err: c_int) -> c_int {
    guard::guard(OP_ERR, || {
        raise(err);
        Ok(OP_ERR)
    })
}

/// Raises the upstream error code for the `errno` value `error_no` (`AWS_ERROR_SYS_CALL_FAILURE`
/// for one without its own) and returns `AWS_OP_ERR`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_translate_and_raise_io_error(error_no: c_int) -> c_int {
    aws_translate_and_raise_io_error_or(error_no, AWS_ERROR_SYS_CALL_FAILURE as c_int)
}

/// [`aws_translate_and_raise_io_error`] raising `fallback_aws_error_code` for an `errno` value
/// without its own code (and for `EINVAL`, unless the fallback is `AWS_ERROR_SYS_CALL_FAILURE`).
#[unsafe(no_mangle)]
pub extern "C" fn aws_translate_and_raise_io_error_or(
    error_no: c_int,
    fallback_aws_error_code: c_int,
) -> c_int {
    guard::guard(OP_ERR, || {
        raise(translate_errno(error_no, fallback_aws_error_code));
        Ok(OP_ERR)
    })
}

/// The result of a call that returns `AWS_OP_SUCCESS` or `AWS_OP_ERR`: on failure, the error
/// it raised (for Rust code that calls the library's own exported functions).
pub fn status(rc: c_int) -> Result<()> {
    if rc == OP_SUCCESS {
        Ok(())
    } else {
        Err(guard::Error(crate::ffi::common::error::aws_last_error()))
    }
}

/// Upstream's `errno` to error code mapping.
pub fn translate_errno(error_no: c_int, fallback: c_int) -> c_int {
    let code = match error_no {
        libc::EINVAL if fallback == AWS_ERROR_SYS_CALL_FAILURE as c_int => {
            AWS_ERROR_INVALID_ARGUMENT
        }
        libc::EPERM | libc::EACCES => AWS_ERROR_NO_PERMISSION,
        libc::EISDIR | libc::ENAMETOOLONG | libc::ENOENT | libc::ENOTDIR => {
            AWS_ERROR_FILE_INVALID_PATH
        }
        libc::EMFILE | libc::ENFILE => AWS_ERROR_MAX_FDS_EXCEEDED,
        libc::ENOMEM => AWS_ERROR_OOM,
        libc::ENOSPC => AWS_ERROR_NO_SPACE,
        libc::ENOTEMPTY => AWS_ERROR_DIRECTORY_NOT_EMPTY,
        _ => return fallback,
    };
    code as c_int
}

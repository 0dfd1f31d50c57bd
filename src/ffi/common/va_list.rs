//! C's `va_list` as Rust receives and forwards it, and the helpers in `log_pipeline_shim.c` that
//! use one (stable Rust can neither define a variadic function nor walk a `va_list`).
//!
//! On the Linux targets we build (x86_64, aarch64) a `va_list` argument is passed as a pointer,
//! so Rust takes it as [`va_list`] and hands the same pointer on to C, which sees its `va_list`.
//! The generated headers print this type's name, `va_list`, which `<stdarg.h>` defines.

use std::ffi::{c_char, c_int, c_void};

/// A C `va_list` argument, as the pointer it is passed by.
pub type va_list = *mut c_void;

unsafe extern "C" {
    /// `vsnprintf`: expands `format` with `args` (consuming them) into `size` bytes at `buffer`.
    pub fn awsrs_vsnprintf(
        buffer: *mut c_char,
        size: usize,
        format: *const c_char,
        args: va_list,
    ) -> c_int;
    /// The length `format` expands to with `args`, leaving `args` unconsumed.
    pub fn awsrs_vformat_length(format: *const c_char, args: va_list) -> c_int;
    /// The pipeline logger's variadic `log`; calls `awsrs_pipeline_log_v`.
    pub fn awsrs_pipeline_logger_log(
        logger: *mut crate::ffi::common::logging::aws_logger,
        log_level: c_int,
        subject: u32,
        format: *const c_char,
        ...
    ) -> c_int;
    /// The C library's `stdout`.
    pub fn awsrs_stdout() -> *mut libc::FILE;
}

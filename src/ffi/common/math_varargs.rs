//! `aws/common/math.h`, continued: `aws_add_size_checked_varargs`, upstream's one C-variadic
//! function here: a naked entry (see `varargs.rs`) that hands the arguments to [`sum_sizes`].

use crate::ffi::common::math::aws_add_size_checked;
use crate::ffi::guard::{self, Error, OP_SUCCESS};
use std::ffi::c_int;

/// Adds the `num` values at `args` into `*r`, through `aws_add_size_checked` (so an overflow
/// raises `AWS_ERROR_OVERFLOW_DETECTED` and a NULL `r` is an invalid argument).
///
/// # Safety
/// `args` points to `num` readable `size_t` values (or `num` is 0).
unsafe extern "C" fn sum_sizes(num: usize, r: *mut usize, args: *const usize) -> c_int {
    guard::op(|| {
        let mut total = 0usize;
        for i in 0..num {
            // SAFETY: the naked entry laid out the caller's arguments at `args`.
            let next = unsafe { args.add(i).read() };
            if unsafe { aws_add_size_checked(total, next, &mut total) } != OP_SUCCESS {
                return Err(Error(crate::ffi::common::error::aws_last_error()));
            }
        }
        if unsafe { aws_add_size_checked(total, 0, r) } != OP_SUCCESS {
            return Err(Error(crate::ffi::common::error::aws_last_error()));
        }
        Ok(())
    })
}

/// `int aws_add_size_checked_varargs(size_t num, size_t *r, ...)`: adds the `num` `size_t`
/// arguments after `r` into `*r`; `AWS_ERROR_OVERFLOW_DETECTED` when the sum overflows. (The
/// prototype is the fragment's.)
/// cbindgen:ignore
#[unsafe(no_mangle)]
#[unsafe(naked)]
pub unsafe extern "C" fn aws_add_size_checked_varargs() -> c_int {
    crate::naked_varargs_entry!(sum_sizes)
}

//! `aws/common/math.h`, continued: `aws_add_size_checked_varargs`, upstream's one C-variadic
//! function here. Stable Rust cannot define a C-variadic function, and a C definition linked
//! into the library would not be exported (the shared library exports only Rust's symbols), so
//! the entry point is a naked function: it lays the variadic arguments out as one array (the
//! register ones pushed in front of those the caller put on the stack, which the x86-64 and
//! AArch64 Linux calling conventions make contiguous) and calls [`sum_sizes`] with it. Its
//! prototype is in the header's fragment, since cbindgen does not write variadic prototypes.

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
/// arguments after `r` into `*r`; `AWS_ERROR_OVERFLOW_DETECTED` when the sum overflows.
/// (The prototype is the fragment's.)
/// cbindgen:ignore
#[cfg(target_arch = "x86_64")]
#[unsafe(no_mangle)]
#[unsafe(naked)]
pub unsafe extern "C" fn aws_add_size_checked_varargs() -> c_int {
    // num in rdi, r in rsi, the first four variadic arguments in rdx, rcx, r8, r9, the rest at
    // [rsp + 8] upward. With the return address popped, pushing r9..rdx puts all of them in
    // order at rsp. The return address is kept twice, which also aligns the call.
    std::arch::naked_asm!(
        "pop rax",
        "push r9",
        "push r8",
        "push rcx",
        "push rdx",
        "mov rdx, rsp",
        "push rax",
        "push rax",
        "call {sum}",
        "pop rcx",
        "pop rcx",
        "add rsp, 32",
        "push rcx",
        "ret",
        sum = sym sum_sizes,
    )
}

/// See the x86-64 version: num in x0, r in x1, the first six variadic arguments in x2..x7, the
/// rest at [sp] upward; storing x2..x7 below sp makes one array.
/// cbindgen:ignore
#[cfg(target_arch = "aarch64")]
#[unsafe(no_mangle)]
#[unsafe(naked)]
pub unsafe extern "C" fn aws_add_size_checked_varargs() -> c_int {
    std::arch::naked_asm!(
        "stp x6, x7, [sp, #-16]!",
        "stp x4, x5, [sp, #-16]!",
        "stp x2, x3, [sp, #-16]!",
        "stp x29, x30, [sp, #-16]!",
        "mov x29, sp",
        "add x2, sp, #16",
        "bl {sum}",
        "ldp x29, x30, [sp], #16",
        "add sp, sp, #48",
        "ret",
        sum = sym sum_sizes,
    )
}

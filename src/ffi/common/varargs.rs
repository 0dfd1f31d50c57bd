//! The entry point of upstream's C-variadic functions whose fixed arguments are two integers or
//! pointers and whose variadic ones are all integers or pointers (`aws_add_size_checked_varargs`,
//! `aws_byte_buf_cat`, `aws_byte_buf_init_cache_and_update_cursors`, `aws_mem_acquire_many`).
//!
//! Stable Rust cannot define a C-variadic function, and a C definition linked into the library
//! would not be exported (the shared library exports only Rust's symbols). So each is a naked
//! function whose body is [`naked_varargs_entry!`]: it lays the variadic arguments out as one
//! array of words (the register ones pushed in front of those the caller left on the stack,
//! which the x86-64 System V and AArch64 Linux calling conventions make contiguous) and calls
//! `helper(first, second, words)`, a guarded Rust function. Each prototype is written in its
//! header's fragment (cbindgen writes no variadic prototype), and the naked functions are
//! listed in `tests/ffi_guard.rs` as the only bodies outside the guard.

/// The body of a naked C-variadic entry: calls `$helper(a0, a1, *const usize)` and returns
/// what it returns (an `int` or a pointer, left in the return register).
#[cfg(target_arch = "x86_64")]
#[macro_export]
macro_rules! naked_varargs_entry {
    ($helper:path) => {
        // a0 in rdi, a1 in rsi, the first four variadic words in rdx, rcx, r8, r9, the rest at
        // [rsp + 8] upward. With the return address popped, pushing r9..rdx puts them all in
        // order at rsp. The return address is pushed twice, which also aligns the call.
        std::arch::naked_asm!(
            "pop rax",
            "push r9",
            "push r8",
            "push rcx",
            "push rdx",
            "mov rdx, rsp",
            "push rax",
            "push rax",
            "call {helper}",
            "pop rcx",
            "pop rcx",
            "add rsp, 32",
            "push rcx",
            "ret",
            helper = sym $helper,
        )
    };
}

/// See the x86-64 version: a0 in x0, a1 in x1, the first six variadic words in x2..x7, the
/// rest at [sp] upward; storing x2..x7 just below sp makes one array.
#[cfg(target_arch = "aarch64")]
#[macro_export]
macro_rules! naked_varargs_entry {
    ($helper:path) => {
        std::arch::naked_asm!(
            "stp x6, x7, [sp, #-16]!",
            "stp x4, x5, [sp, #-16]!",
            "stp x2, x3, [sp, #-16]!",
            "stp x29, x30, [sp, #-16]!",
            "mov x29, sp",
            "add x2, sp, #16",
            "bl {helper}",
            "ldp x29, x30, [sp], #16",
            "add sp, sp, #48",
            "ret",
            helper = sym $helper,
        )
    };
}

//! `aws/common/atomics.h`: the atomic variable that C structs embed (a reference count holds
//! one), and the sequentially consistent operations on it that programs use. A NULL variable
//! raises `AWS_ERROR_INVALID_ARGUMENT`; loads and read-modify-writes then return 0 (or NULL).

use crate::ffi::guard::{self, Result};
use std::ffi::c_void;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering::SeqCst};

/// A pointer-sized value manipulated atomically.
#[repr(C)]
pub struct aws_atomic_var {
    /// The value, an integer or a pointer.
    pub value: *mut c_void,
}

impl aws_atomic_var {
    /// The value as an atomic integer.
    pub fn as_int(&self) -> &AtomicUsize {
        // SAFETY: AtomicUsize has the size and alignment of a pointer on every target we build,
        // and every access to this slot goes through atomics.
        unsafe { AtomicUsize::from_ptr((&raw const self.value).cast_mut().cast()) }
    }

    /// The value as an atomic pointer.
    pub fn as_ptr(&self) -> &AtomicPtr<c_void> {
        // SAFETY: as for `as_int`.
        unsafe { AtomicPtr::from_ptr((&raw const self.value).cast_mut()) }
    }
}

/// `volatile struct aws_atomic_var`, as upstream's functions take it (C code may pass a pointer
/// to a volatile variable without a cast); the header spells it so (tools/headergen).
pub type aws_atomic_var_volatile = aws_atomic_var;

/// The variable behind a caller's pointer; NULL is `AWS_ERROR_INVALID_ARGUMENT`.
///
/// # Safety
/// A non-NULL `var` must point to a valid `aws_atomic_var` that outlives `'a`.
pub(crate) unsafe fn variable<'a>(var: *const aws_atomic_var) -> Result<&'a aws_atomic_var> {
    // SAFETY: forwarded caller contract.
    unsafe { guard::reference(var) }
}

/// Sets the integer value without ordering other memory (nothing else can see it yet).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_init_int(var: *mut aws_atomic_var_volatile, n: usize) {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard((), || {
        unsafe { variable(var) }?.as_int().store(n, SeqCst);
        Ok(())
    })
}

/// Sets the pointer value without ordering other memory (nothing else can see it yet).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_init_ptr(var: *mut aws_atomic_var_volatile, p: *mut c_void) {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard((), || {
        unsafe { variable(var) }?.as_ptr().store(p, SeqCst);
        Ok(())
    })
}

/// Reads the integer value; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_load_int(var: *const aws_atomic_var_volatile) -> usize {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard(0, || Ok(unsafe { variable(var) }?.as_int().load(SeqCst)))
}

/// Reads the pointer value; NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_load_ptr(var: *const aws_atomic_var_volatile) -> *mut c_void {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard(std::ptr::null_mut(), || {
        Ok(unsafe { variable(var) }?.as_ptr().load(SeqCst))
    })
}

/// Writes the integer value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_store_int(var: *mut aws_atomic_var_volatile, n: usize) {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard((), || {
        unsafe { variable(var) }?.as_int().store(n, SeqCst);
        Ok(())
    })
}

/// Writes the pointer value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_store_ptr(var: *mut aws_atomic_var_volatile, p: *mut c_void) {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard((), || {
        unsafe { variable(var) }?.as_ptr().store(p, SeqCst);
        Ok(())
    })
}

/// Adds `n` (wrapping) and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_add(
    var: *mut aws_atomic_var_volatile,
    n: usize,
) -> usize {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_add(n, SeqCst))
    })
}

/// Subtracts `n` (wrapping) and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_sub(
    var: *mut aws_atomic_var_volatile,
    n: usize,
) -> usize {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_sub(n, SeqCst))
    })
}

/// Writes `n` and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_exchange_int(
    var: *mut aws_atomic_var_volatile,
    n: usize,
) -> usize {
    // SAFETY: the caller lends a valid variable or NULL.
    guard::guard(0, || Ok(unsafe { variable(var) }?.as_int().swap(n, SeqCst)))
}

/// Writes `desired` if the value is `*expected`, returning true; otherwise stores the value
/// found in `*expected` and returns false.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_compare_exchange_int(
    var: *mut aws_atomic_var_volatile,
    expected: *mut usize,
    desired: usize,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a valid variable and expected slot, or NULLs.
        let (v, e) = unsafe { (variable(var)?, guard::mutable(expected)?) };
        match v.as_int().compare_exchange(*e, desired, SeqCst, SeqCst) {
            Ok(_) => Ok(true),
            Err(found) => {
                *e = found;
                Ok(false)
            }
        }
    })
}

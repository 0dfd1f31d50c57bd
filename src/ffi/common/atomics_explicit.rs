//! `aws/common/atomics.h`, continued: the operations with an explicit memory order
//! (`*_explicit`), the bitwise read-modify-writes, pointer exchange and compare-exchange, and
//! the fence. An order an operation cannot have (a load with release, a store with acquire, a
//! failure order with release) is strengthened to sequentially consistent rather than refused
//! (upstream leaves it to the compiler); a value outside `enum aws_memory_order` is an invalid
//! argument.
//!
//! # Safety
//! A variable pointer is NULL or points to a valid `aws_atomic_var`; an `expected` pointer is
//! NULL or points to a writable value.

use crate::ffi::common::atomics::{aws_atomic_var_volatile, variable};
use crate::ffi::guard::{self, Result};
use std::ffi::{c_int, c_void};
use std::sync::atomic::Ordering::{self, AcqRel, Acquire, Relaxed, Release, SeqCst};

/// A memory order, as C11's (upstream's `enum aws_memory_order`; there is no consume).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_memory_order {
    /// No ordering, only atomicity.
    aws_memory_order_relaxed = 0,
    /// Later accesses stay after this load.
    aws_memory_order_acquire = 2,
    /// Earlier accesses stay before this store.
    aws_memory_order_release = 3,
    /// Both.
    aws_memory_order_acq_rel = 4,
    /// Both, and one total order of all such operations.
    aws_memory_order_seq_cst = 5,
}

/// A C `enum aws_memory_order` received from C.
pub type aws_memory_order_raw = c_int;

crate::c_enum!(aws_memory_order);

/// The order for a read-modify-write.
fn rmw(order: aws_memory_order_raw) -> Result<Ordering> {
    Ok(match guard::enum_value::<aws_memory_order>(order)? {
        aws_memory_order::aws_memory_order_relaxed => Relaxed,
        aws_memory_order::aws_memory_order_acquire => Acquire,
        aws_memory_order::aws_memory_order_release => Release,
        aws_memory_order::aws_memory_order_acq_rel => AcqRel,
        aws_memory_order::aws_memory_order_seq_cst => SeqCst,
    })
}

/// The order for a load (or a compare-exchange's failure): release kinds strengthened.
fn load(order: aws_memory_order_raw) -> Result<Ordering> {
    Ok(match rmw(order)? {
        Release | AcqRel => SeqCst,
        o => o,
    })
}

/// The order for a store: acquire kinds strengthened.
fn store(order: aws_memory_order_raw) -> Result<Ordering> {
    Ok(match rmw(order)? {
        Acquire | AcqRel => SeqCst,
        o => o,
    })
}

/// Adds `n` (wrapping) with `order` and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_add_explicit(
    var: *mut aws_atomic_var_volatile,
    n: usize,
    order: aws_memory_order_raw,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_add(n, rmw(order)?))
    })
}

/// Subtracts `n` (wrapping) with `order` and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_sub_explicit(
    var: *mut aws_atomic_var_volatile,
    n: usize,
    order: aws_memory_order_raw,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_sub(n, rmw(order)?))
    })
}

/// Ors in `n` with `order` and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_or_explicit(
    var: *mut aws_atomic_var_volatile,
    n: usize,
    order: aws_memory_order_raw,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_or(n, rmw(order)?))
    })
}

/// Ands with `n` with `order` and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_and_explicit(
    var: *mut aws_atomic_var_volatile,
    n: usize,
    order: aws_memory_order_raw,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_and(n, rmw(order)?))
    })
}

/// Xors with `n` with `order` and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_xor_explicit(
    var: *mut aws_atomic_var_volatile,
    n: usize,
    order: aws_memory_order_raw,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_xor(n, rmw(order)?))
    })
}

/// Writes `n` with `order` and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_exchange_int_explicit(
    var: *mut aws_atomic_var_volatile,
    n: usize,
    order: aws_memory_order_raw,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().swap(n, rmw(order)?))
    })
}

/// Ors in `n`, sequentially consistent, and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_or(var: *mut aws_atomic_var_volatile, n: usize) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_or(n, SeqCst))
    })
}

/// Ands with `n`, sequentially consistent, and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_and(
    var: *mut aws_atomic_var_volatile,
    n: usize,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_and(n, SeqCst))
    })
}

/// Xors with `n`, sequentially consistent, and returns the previous value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_fetch_xor(
    var: *mut aws_atomic_var_volatile,
    n: usize,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().fetch_xor(n, SeqCst))
    })
}

/// Reads the integer value with `order`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_load_int_explicit(
    var: *const aws_atomic_var_volatile,
    order: aws_memory_order_raw,
) -> usize {
    // SAFETY: the caller lends a variable.
    guard::guard(0, || {
        Ok(unsafe { variable(var) }?.as_int().load(load(order)?))
    })
}

/// Reads the pointer value with `order`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_load_ptr_explicit(
    var: *const aws_atomic_var_volatile,
    order: aws_memory_order_raw,
) -> *mut c_void {
    // SAFETY: the caller lends a variable.
    guard::ptr(|| Ok(unsafe { variable(var) }?.as_ptr().load(load(order)?)))
}

/// Writes the integer value with `order`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_store_int_explicit(
    var: *mut aws_atomic_var_volatile,
    n: usize,
    order: aws_memory_order_raw,
) {
    // SAFETY: the caller lends a variable.
    guard::guard((), || {
        unsafe { variable(var) }?.as_int().store(n, store(order)?);
        Ok(())
    })
}

/// Writes the pointer value with `order`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_store_ptr_explicit(
    var: *mut aws_atomic_var_volatile,
    p: *mut c_void,
    order: aws_memory_order_raw,
) {
    // SAFETY: the caller lends a variable.
    guard::guard((), || {
        unsafe { variable(var) }?.as_ptr().store(p, store(order)?);
        Ok(())
    })
}

/// Writes the pointer `p`, sequentially consistent, and returns the previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_exchange_ptr(
    var: *mut aws_atomic_var_volatile,
    p: *mut c_void,
) -> *mut c_void {
    // SAFETY: the caller lends a variable.
    guard::ptr(|| Ok(unsafe { variable(var) }?.as_ptr().swap(p, SeqCst)))
}

/// Writes the pointer `p` with `order` and returns the previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_exchange_ptr_explicit(
    var: *mut aws_atomic_var_volatile,
    p: *mut c_void,
    order: aws_memory_order_raw,
) -> *mut c_void {
    // SAFETY: the caller lends a variable.
    guard::ptr(|| Ok(unsafe { variable(var) }?.as_ptr().swap(p, rmw(order)?)))
}

/// Writes `desired` if the value is `*expected` (with `order_success`), returning true;
/// otherwise stores the value found in `*expected` (read with `order_failure`) and returns false.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_compare_exchange_int_explicit(
    var: *mut aws_atomic_var_volatile,
    expected: *mut usize,
    desired: usize,
    order_success: aws_memory_order_raw,
    order_failure: aws_memory_order_raw,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a variable and an expected value.
        let (v, e) = unsafe { (variable(var)?, guard::mutable(expected)?) };
        let found =
            v.as_int()
                .compare_exchange(*e, desired, rmw(order_success)?, load(order_failure)?);
        Ok(settle(found, e))
    })
}

/// [`aws_atomic_compare_exchange_int_explicit`] on the pointer value, sequentially consistent.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_compare_exchange_ptr(
    var: *mut aws_atomic_var_volatile,
    expected: *mut *mut c_void,
    desired: *mut c_void,
) -> bool {
    // SAFETY: as for the explicit version.
    guard::guard(false, || unsafe {
        cas_ptr(var, expected, desired, SeqCst, SeqCst)
    })
}

/// [`aws_atomic_compare_exchange_int_explicit`] on the pointer value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_atomic_compare_exchange_ptr_explicit(
    var: *mut aws_atomic_var_volatile,
    expected: *mut *mut c_void,
    desired: *mut c_void,
    order_success: aws_memory_order_raw,
    order_failure: aws_memory_order_raw,
) -> bool {
    // SAFETY: as above.
    guard::guard(false, || unsafe {
        cas_ptr(
            var,
            expected,
            desired,
            rmw(order_success)?,
            load(order_failure)?,
        )
    })
}

/// The pointer compare-exchange.
///
/// # Safety
/// As for the exported functions.
unsafe fn cas_ptr(
    var: *mut aws_atomic_var_volatile,
    expected: *mut *mut c_void,
    desired: *mut c_void,
    success: Ordering,
    failure: Ordering,
) -> Result<bool> {
    // SAFETY: forwarded caller contract.
    let (v, e) = unsafe { (variable(var)?, guard::mutable(expected)?) };
    Ok(settle(
        v.as_ptr().compare_exchange(*e, desired, success, failure),
        e,
    ))
}

/// A compare-exchange's answer: true on success, else false with the value found in `*expected`.
fn settle<T>(result: std::result::Result<T, T>, expected: &mut T) -> bool {
    match result {
        Ok(_) => true,
        Err(found) => {
            *expected = found;
            false
        }
    }
}

/// A fence with `order` (a relaxed fence orders nothing).
#[unsafe(no_mangle)]
pub extern "C" fn aws_atomic_thread_fence(order: aws_memory_order_raw) {
    guard::guard((), || {
        match rmw(order)? {
            Relaxed => {}
            o => std::sync::atomic::fence(o),
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::aws_memory_order::*;
    use super::*;
    use crate::ffi::common::atomics::aws_atomic_var;
    use crate::ffi::common::error::aws_last_error;
    use std::ptr;

    fn var(n: usize) -> aws_atomic_var {
        aws_atomic_var {
            value: n as *mut c_void,
        }
    }

    #[test]
    fn bitwise_and_explicit_operations_return_the_previous_value() {
        let mut v = var(0b1100);
        unsafe {
            assert_eq!(aws_atomic_fetch_or(&mut v, 0b0011), 0b1100);
            assert_eq!(aws_atomic_fetch_and(&mut v, 0b0110), 0b1111);
            assert_eq!(aws_atomic_fetch_xor(&mut v, 0b0101), 0b0110);
            assert_eq!(
                aws_atomic_load_int_explicit(&v, aws_memory_order_acquire as c_int),
                0b0011
            );
            assert_eq!(
                aws_atomic_fetch_add_explicit(&mut v, 1, aws_memory_order_relaxed as c_int),
                3
            );
            assert_eq!(
                aws_atomic_fetch_sub_explicit(&mut v, 4, aws_memory_order_acq_rel as c_int),
                4
            );
            assert_eq!(
                aws_atomic_exchange_int_explicit(&mut v, 9, aws_memory_order_seq_cst as c_int),
                0
            );
            // Orders an operation cannot have are strengthened, not refused.
            aws_atomic_store_int_explicit(&mut v, 10, aws_memory_order_acquire as c_int);
            assert_eq!(
                aws_atomic_load_int_explicit(&v, aws_memory_order_release as c_int),
                10
            );
            aws_atomic_thread_fence(aws_memory_order_relaxed as c_int);
            aws_atomic_thread_fence(aws_memory_order_seq_cst as c_int);
        }
    }

    #[test]
    fn compare_exchange_reports_what_it_found() {
        let mut v = var(5);
        let mut expected = 4usize;
        unsafe {
            let (s, f) = (
                aws_memory_order_acq_rel as c_int,
                aws_memory_order_release as c_int,
            );
            assert!(!aws_atomic_compare_exchange_int_explicit(
                &mut v,
                &mut expected,
                7,
                s,
                f
            ));
            assert_eq!(expected, 5);
            assert!(aws_atomic_compare_exchange_int_explicit(
                &mut v,
                &mut expected,
                7,
                s,
                f
            ));
            let mut p = var(0);
            let target = 1u8;
            let mut exp: *mut c_void = ptr::null_mut();
            let desired = ptr::from_ref(&target).cast_mut().cast();
            assert!(aws_atomic_compare_exchange_ptr(&mut p, &mut exp, desired));
            assert!(!aws_atomic_compare_exchange_ptr_explicit(
                &mut p,
                &mut exp,
                ptr::null_mut(),
                5,
                5
            ));
            assert_eq!(exp, desired);
            assert_eq!(aws_atomic_exchange_ptr(&mut p, ptr::null_mut()), desired);
            aws_atomic_store_ptr_explicit(&mut p, desired, aws_memory_order_release as c_int);
            assert_eq!(aws_atomic_load_ptr_explicit(&p, 5), desired);
            assert_eq!(
                aws_atomic_exchange_ptr_explicit(&mut p, ptr::null_mut(), 0),
                desired
            );
        }
    }

    #[test]
    fn an_unknown_order_or_null_variable_is_an_invalid_argument() {
        let mut v = var(1);
        unsafe {
            // 1 would be C11's consume, which upstream's enum leaves out.
            assert_eq!(aws_atomic_fetch_add_explicit(&mut v, 1, 1), 0);
            assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
            assert_eq!(aws_atomic_load_int_explicit(&v, 5), 1);
            assert_eq!(aws_atomic_fetch_or(ptr::null_mut(), 1), 0);
            assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        }
    }
}

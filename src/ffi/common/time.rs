//! `aws/common/time.h`: the C library's `timegm`, `localtime_r` and `gmtime_r` under upstream's
//! names.
//!
//! `struct tm` is the C library's, from `<time.h>`, which the hand-written fragment includes.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a `struct tm` pointer is
//! NULL or points to a valid, writable `struct tm`.

use crate::ffi::guard;

/// The C library's `struct tm` as C sees it here: only named, never defined (`<time.h>` defines
/// it), so the generated header declares `struct tm;` and spells `struct tm *`. Rust works on
/// it as [`libc::tm`].
pub struct tm {
    _opaque: [u8; 0],
}

/// The `libc::tm` behind a `struct tm` pointer C lent.
///
/// # Safety
/// A non-NULL `t` must point to a valid, writable `struct tm`.
unsafe fn tm_arg<'a>(t: *mut tm) -> guard::Result<&'a mut libc::tm> {
    // SAFETY: forwarded caller contract: the pointer is the C library's struct tm.
    unsafe { guard::mutable(t.cast::<libc::tm>()) }
}

/// A `struct tm` with every field zero, as upstream starts each one.
pub fn zero_tm() -> libc::tm {
    // SAFETY: all-zero is a valid `struct tm` (its zone pointer NULL).
    unsafe { std::mem::zeroed() }
}

/// `*t` as seconds since the epoch, reading it as UTC (fields out of range are normalised, and
/// `*t` with them). -1 for a NULL `t`, with `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_timegm(t: *mut tm) -> libc::time_t {
    guard::guard(-1, || {
        // SAFETY: forwarded caller contract.
        let t = unsafe { tm_arg(t) }?;
        Ok(unsafe { libc::timegm(t) })
    })
}

/// Sets `*t` to `time` broken down in the local time zone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_localtime(time: libc::time_t, t: *mut tm) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let t = unsafe { tm_arg(t) }?;
        unsafe { libc::localtime_r(&time, t) };
        Ok(())
    })
}

/// Sets `*t` to `time` broken down in UTC.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_gmtime(time: libc::time_t, t: *mut tm) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let t = unsafe { tm_arg(t) }?;
        unsafe { libc::gmtime_r(&time, t) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmtime_and_timegm_are_inverses_and_timegm_normalises() {
        let mut t = zero_tm();
        let p = (&raw mut t).cast::<tm>();
        unsafe { aws_gmtime(784_887_151, p) };
        assert_eq!((t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour), (94, 10, 15, 8));
        assert_eq!((t.tm_min, t.tm_sec, t.tm_wday), (12, 31, 2));
        assert_eq!(unsafe { aws_timegm(p) }, 784_887_151);
        // 31 November is 1 December.
        let mut odd = libc::tm { tm_mday: 31, ..t };
        let odd_p = (&raw mut odd).cast::<tm>();
        assert_eq!(unsafe { aws_timegm(odd_p) }, 784_887_151 + 16 * 86_400);
        assert_eq!((odd.tm_mon, odd.tm_mday), (11, 1));
    }

    #[test]
    fn null_is_refused() {
        assert_eq!(unsafe { aws_timegm(std::ptr::null_mut()) }, -1);
        unsafe { aws_gmtime(0, std::ptr::null_mut()) };
        unsafe { aws_localtime(0, std::ptr::null_mut()) };
    }
}

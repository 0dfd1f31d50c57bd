//! `aws/common/date_time.h`: reading a date's fields and comparing dates.
//!
//! Each field reader takes `local_time`: true for the local zone's breakdown, false for UTC.
//! A NULL date raises `AWS_ERROR_INVALID_ARGUMENT` and reads as 0 (upstream crashes).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a date pointer is NULL or
//! points to a valid `aws_date_time`.

use crate::ffi::common::date_time::{aws_date_day_of_week_raw, aws_date_month_raw, aws_date_time};
use crate::ffi::guard;

/// Reads one value of a date the caller lent; 0 (and `AWS_ERROR_INVALID_ARGUMENT`) for NULL.
///
/// # Safety
/// A non-NULL `dt` must point to a valid `aws_date_time`.
unsafe fn read<T: Default>(dt: *const aws_date_time, f: impl FnOnce(&aws_date_time) -> T) -> T {
    // SAFETY: forwarded caller contract.
    guard::guard(T::default(), || Ok(f(unsafe { guard::reference(dt) }?)))
}

/// Seconds since the epoch, with the milliseconds as the fraction.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_as_epoch_secs(dt: *const aws_date_time) -> f64 {
    // SAFETY: forwarded caller contract.
    unsafe {
        read(dt, |d| {
            d.timestamp as f64 + f64::from(d.milliseconds) / 1000.0
        })
    }
}

/// Nanoseconds since the epoch (a time before it wraps, as upstream's unsigned arithmetic does).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_as_nanos(dt: *const aws_date_time) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe {
        read(dt, |d| {
            (d.timestamp as u64)
                .wrapping_mul(1_000_000_000)
                .wrapping_add(u64::from(d.milliseconds) * 1_000_000)
        })
    }
}

/// Milliseconds since the epoch (a time before it wraps, as upstream's unsigned arithmetic does).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_as_millis(dt: *const aws_date_time) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe {
        read(dt, |d| {
            (d.timestamp as u64)
                .wrapping_mul(1000)
                .wrapping_add(u64::from(d.milliseconds))
        })
    }
}

/// The year, such as 2024.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_year(dt: *const aws_date_time, local_time: bool) -> u16 {
    // SAFETY: forwarded caller contract.
    unsafe { read(dt, |d| (d.fields(local_time).tm_year + 1900) as u16) }
}

/// The month, `AWS_DATE_MONTH_JANUARY` (0) to `AWS_DATE_MONTH_DECEMBER` (11).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_month(
    dt: *const aws_date_time,
    local_time: bool,
) -> aws_date_month_raw {
    // SAFETY: forwarded caller contract.
    unsafe { read(dt, |d| d.fields(local_time).tm_mon) }
}

/// The day of the month, 1 to 31.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_month_day(dt: *const aws_date_time, local_time: bool) -> u8 {
    // SAFETY: forwarded caller contract.
    unsafe { read(dt, |d| d.fields(local_time).tm_mday as u8) }
}

/// The day of the week, `AWS_DATE_DAY_OF_WEEK_SUNDAY` (0) to `_SATURDAY` (6).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_day_of_week(
    dt: *const aws_date_time,
    local_time: bool,
) -> aws_date_day_of_week_raw {
    // SAFETY: forwarded caller contract.
    unsafe { read(dt, |d| d.fields(local_time).tm_wday) }
}

/// The hour, 0 to 23.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_hour(dt: *const aws_date_time, local_time: bool) -> u8 {
    // SAFETY: forwarded caller contract.
    unsafe { read(dt, |d| d.fields(local_time).tm_hour as u8) }
}

/// The minute, 0 to 59.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_minute(dt: *const aws_date_time, local_time: bool) -> u8 {
    // SAFETY: forwarded caller contract.
    unsafe { read(dt, |d| d.fields(local_time).tm_min as u8) }
}

/// The second, 0 to 60.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_second(dt: *const aws_date_time, local_time: bool) -> u8 {
    // SAFETY: forwarded caller contract.
    unsafe { read(dt, |d| d.fields(local_time).tm_sec as u8) }
}

/// Whether daylight saving time is in effect (always false in UTC).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_dst(dt: *const aws_date_time, local_time: bool) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { read(dt, |d| d.fields(local_time).tm_isdst > 0) }
}

/// `a - b` in whole seconds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_diff(
    a: *const aws_date_time,
    b: *const aws_date_time,
) -> libc::time_t {
    guard::guard(0, || {
        // SAFETY: forwarded caller contract.
        let (a, b) = unsafe { (guard::reference(a)?, guard::reference(b)?) };
        Ok(a.timestamp.wrapping_sub(b.timestamp))
    })
}

//! `aws/common/clock.h`: the monotonic and wall clocks in nanoseconds, and conversions between
//! time units.

use crate::ffi::guard::{self, require};
use crate::runtime::clock::read;
use std::ffi::c_int;

/// Units a timestamp can be counted in: the value is the unit's ticks per second.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_timestamp_unit {
    /// Seconds.
    AWS_TIMESTAMP_SECS = 1,
    /// Milliseconds.
    AWS_TIMESTAMP_MILLIS = 1000,
    /// Microseconds.
    AWS_TIMESTAMP_MICROS = 1000000,
    /// Nanoseconds.
    AWS_TIMESTAMP_NANOS = 1000000000,
}

/// A C `enum aws_timestamp_unit` received from the caller.
pub type aws_timestamp_unit_raw = c_int;

crate::c_enum!(aws_timestamp_unit);

/// Converts `ticks` at `old_frequency` ticks per second to `new_frequency`, saturating at
/// `u64::MAX`. `remainder` (optional) receives the ticks lost when the old frequency is a
/// multiple of the new one, and 0 otherwise.
fn convert(ticks: u64, old_frequency: u64, new_frequency: u64, remainder: Option<&mut u64>) -> u64 {
    if let Some(r) = remainder {
        *r = if new_frequency < old_frequency && old_frequency % new_frequency == 0 {
            ticks % (old_frequency / new_frequency)
        } else {
            0
        };
    }
    let converted = ticks as u128 * new_frequency as u128 / old_frequency as u128;
    u64::try_from(converted).unwrap_or(u64::MAX)
}

/// Converts `ticks` between two frequencies (ticks per second, both non-zero). A zero
/// frequency raises `AWS_ERROR_INVALID_ARGUMENT` and returns 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_timestamp_convert_u64(
    ticks: u64,
    old_frequency: u64,
    new_frequency: u64,
    remainder: *mut u64,
) -> u64 {
    guard::guard(0, || {
        require(old_frequency > 0 && new_frequency > 0)?;
        // SAFETY: the caller lends a writable slot or NULL.
        Ok(convert(ticks, old_frequency, new_frequency, unsafe {
            remainder.as_mut()
        }))
    })
}

/// Converts `timestamp` from one unit to another, saturating; `remainder` (optional) receives
/// what a conversion to a coarser unit dropped. An unknown unit raises
/// `AWS_ERROR_INVALID_ARGUMENT` and returns 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_timestamp_convert(
    timestamp: u64,
    convert_from: aws_timestamp_unit_raw,
    convert_to: aws_timestamp_unit_raw,
    remainder: *mut u64,
) -> u64 {
    guard::guard(0, || {
        let from: aws_timestamp_unit = guard::enum_value(convert_from)?;
        let to: aws_timestamp_unit = guard::enum_value(convert_to)?;
        // SAFETY: the caller lends a writable slot or NULL.
        Ok(convert(timestamp, from as u64, to as u64, unsafe {
            remainder.as_mut()
        }))
    })
}

/// Nanoseconds on the monotonic clock (unaffected by changes to the wall clock). A clock that
/// cannot be read fails with `aws_common_error::AWS_ERROR_CLOCK_FAILURE`, as for the wall clock.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_high_res_clock_get_ticks(timestamp: *mut u64) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a writable slot.
        *unsafe { guard::mutable(timestamp) }? = read(libc::CLOCK_MONOTONIC)?;
        Ok(())
    })
}

/// Nanoseconds since the Unix epoch on the wall clock.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_sys_clock_get_ticks(timestamp: *mut u64) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a writable slot.
        *unsafe { guard::mutable(timestamp) }? = read(libc::CLOCK_REALTIME)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converting_to_a_coarser_unit_reports_the_remainder() {
        let mut rem = 7;
        assert_eq!(convert(1_500_000_123, 1_000_000_000, 1, Some(&mut rem)), 1);
        assert_eq!(rem, 500_000_123);
        assert_eq!(convert(3, 1, 1000, Some(&mut rem)), 3000);
        assert_eq!(rem, 0);
    }

    #[test]
    fn converting_saturates_instead_of_wrapping() {
        assert_eq!(convert(u64::MAX / 2, 1, 1_000_000_000, None), u64::MAX);
    }
}

//! The system clocks in nanoseconds: what the loops' timers follow and what
//! `aws_high_res_clock_get_ticks` / `aws_sys_clock_get_ticks` report.

use crate::error::{Result, aws_common_error::AWS_ERROR_CLOCK_FAILURE};

/// Reads `clock` (`CLOCK_MONOTONIC`, `CLOCK_REALTIME`, ...) in nanoseconds.
pub fn read(clock: libc::clockid_t) -> Result<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: writes the timespec we own.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Err(AWS_ERROR_CLOCK_FAILURE.into());
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

/// The monotonic clock in nanoseconds, for the library's own timers (0 if it ever failed,
/// which Linux documents as impossible for `CLOCK_MONOTONIC`).
pub fn monotonic_ns() -> u64 {
    read(libc::CLOCK_MONOTONIC).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_monotonic_clock_never_goes_back() {
        let a = monotonic_ns();
        let b = monotonic_ns();
        assert!(a > 0 && b >= a);
    }

    #[test]
    fn an_unknown_clock_is_aws_error_clock_failure() {
        assert_eq!(read(-12345), Err(AWS_ERROR_CLOCK_FAILURE.into()));
    }
}

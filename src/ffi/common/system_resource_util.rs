//! `aws/common/system_resource_util.h`: the process's memory use so far (`getrusage`).

use crate::ffi::common::error::aws_common_error::AWS_ERROR_SYS_CALL_FAILURE;
use crate::ffi::guard;
use std::ffi::c_int;

/// Memory use since the process started.
#[repr(C)]
pub struct aws_memory_usage_stats {
    /// The largest resident set size, in kilobytes.
    pub maxrss: usize,
    /// Major page faults.
    pub page_faults: usize,
    /// Reserved, zero.
    pub _reserved: [usize; 8],
}

/// Fills `*memory_usage` (zeroing the rest). `AWS_ERROR_SYS_CALL_FAILURE` if `getrusage` fails.
///
/// # Safety
/// `memory_usage` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_init_memory_usage_for_current_process(
    memory_usage: *mut aws_memory_usage_stats,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let out = unsafe { guard::mutable(memory_usage) }?;
        *out = aws_memory_usage_stats {
            maxrss: 0,
            page_faults: 0,
            _reserved: [0; 8],
        };
        // SAFETY: all-zero rusage is valid; getrusage only writes it.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
            return Err(AWS_ERROR_SYS_CALL_FAILURE.into());
        }
        out.maxrss = usage.ru_maxrss as usize;
        out.page_faults = usage.ru_majflt as usize;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resident_set_is_reported_in_kilobytes() {
        let mut stats = aws_memory_usage_stats {
            maxrss: 0,
            page_faults: 0,
            _reserved: [7; 8],
        };
        assert_eq!(
            unsafe { aws_init_memory_usage_for_current_process(&mut stats) },
            0
        );
        // A test binary has at least a megabyte resident and far less than a terabyte.
        assert!(
            stats.maxrss > 1024 && stats.maxrss < 1 << 30,
            "{}",
            stats.maxrss
        );
        assert_eq!(stats._reserved, [0; 8]);
        assert_eq!(
            unsafe { aws_init_memory_usage_for_current_process(std::ptr::null_mut()) },
            -1
        );
    }
}

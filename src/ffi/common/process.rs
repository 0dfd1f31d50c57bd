//! `aws/common/process.h`: the process id, the open-file limits, and running a shell command
//! to capture its standard output, as upstream's POSIX implementation (`getrlimit`,
//! `setrlimit`, `popen`).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a NUL-terminated command).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::chars::aws_isspace;
use crate::ffi::common::string::{aws_string, aws_string_destroy_secure, new_string};
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result, require};
use std::ffi::{c_char, c_int};

/// What `aws_run_command` captured.
#[repr(C)]
pub struct aws_run_command_result {
    /// The command's status as `pclose` reports it (a wait status, not just the exit code).
    pub ret_code: c_int,
    /// Its standard output with surrounding white space trimmed; NULL when there was none.
    /// The caller frees it (`aws_run_command_result_cleanup`).
    pub std_out: *mut aws_string,
    /// Not captured (always NULL), as upstream.
    pub std_err: *mut aws_string,
}

/// The command to run.
#[repr(C)]
pub struct aws_run_command_options {
    /// A shell command line (`/bin/sh -c`).
    pub command: *const c_char,
}

/// The calling process's id.
#[unsafe(no_mangle)]
pub extern "C" fn aws_get_pid() -> c_int {
    // SAFETY: getpid cannot fail.
    guard::guard(0, || Ok(unsafe { libc::getpid() }))
}

/// The open-file limits (`RLIMIT_NOFILE`): soft, hard.
fn file_limits() -> Result<libc::rlimit> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a writable rlimit.
    require(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0)?;
    Ok(limit)
}

/// The soft limit on open file descriptors (one more than the highest usable).
#[unsafe(no_mangle)]
pub extern "C" fn aws_get_soft_limit_io_handles() -> usize {
    guard::guard(0, || Ok(file_limits()?.rlim_cur as usize))
}

/// The hard limit on open file descriptors, which only a privileged process may raise.
#[unsafe(no_mangle)]
pub extern "C" fn aws_get_hard_limit_io_handles() -> usize {
    guard::guard(0, || Ok(file_limits()?.rlim_max as usize))
}

/// Sets the soft limit on open file descriptors. `AWS_ERROR_INVALID_ARGUMENT` above the hard
/// limit or when the system refuses.
#[unsafe(no_mangle)]
pub extern "C" fn aws_set_soft_limit_io_handles(max_handles: usize) -> c_int {
    guard::op(|| {
        let hard = file_limits()?.rlim_max;
        require(max_handles as u64 <= hard as u64)?;
        let limit = libc::rlimit {
            rlim_cur: max_handles as libc::rlim_t,
            rlim_max: hard,
        };
        // SAFETY: a valid rlimit.
        require(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } == 0)
    })
}

/// Zeroes `result`. `AWS_ERROR_INVALID_ARGUMENT` for a NULL allocator or result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_run_command_result_init(
    allocator: *mut aws_allocator,
    result: *mut aws_run_command_result,
) -> c_int {
    guard::op(|| {
        require(!allocator.is_null())?;
        // SAFETY: forwarded caller contract.
        *unsafe { guard::mutable(result) }? = aws_run_command_result {
            ret_code: 0,
            std_out: std::ptr::null_mut(),
            std_err: std::ptr::null_mut(),
        };
        Ok(())
    })
}

/// Frees (after zeroing) the captured output; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_run_command_result_cleanup(result: *mut aws_run_command_result) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        if let Some(r) = unsafe { result.as_mut() } {
            unsafe {
                aws_string_destroy_secure(r.std_out);
                aws_string_destroy_secure(r.std_err);
            }
            r.std_out = std::ptr::null_mut();
            r.std_err = std::ptr::null_mut();
        }
        Ok(())
    })
}

/// Runs `options->command` through the shell, waits for it, and stores its status and its
/// trimmed standard output in `result`. A command the shell cannot start still succeeds here
/// with the shell's status, as upstream (only a failed `popen` leaves `ret_code` alone).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_run_command(
    allocator: *mut aws_allocator,
    options: *mut aws_run_command_options,
    result: *mut aws_run_command_result,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let options = unsafe { guard::reference(options) }?;
        let result = unsafe { guard::mutable(result) }?;
        let command = unsafe { guard::c_str(options.command) }.map_err(|_| INVALID_ARGUMENT)?;
        let mut output = Vec::new();
        // SAFETY: a NUL-terminated command and mode.
        let stream = unsafe { libc::popen(command.as_ptr(), c"r".as_ptr()) };
        if !stream.is_null() {
            let mut chunk = [0u8; 2048];
            loop {
                // SAFETY: an open stream and a writable chunk.
                let n = unsafe { libc::fread(chunk.as_mut_ptr().cast(), 1, chunk.len(), stream) };
                output.extend_from_slice(&chunk[..n]);
                if n < chunk.len() {
                    break;
                }
            }
            // SAFETY: opened by popen above.
            result.ret_code = unsafe { libc::pclose(stream) };
        }
        let start = output
            .iter()
            .position(|&c| !aws_isspace(c))
            .unwrap_or(output.len());
        let end = output
            .iter()
            .rposition(|&c| !aws_isspace(c))
            .map_or(start, |i| i + 1);
        if start < end {
            result.std_out = unsafe { new_string(allocator, &output[start..end]) }?.as_ptr();
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::string::string_bytes;

    #[test]
    fn a_command_gives_its_trimmed_output_and_status() {
        unsafe {
            let mut result = std::mem::zeroed::<aws_run_command_result>();
            assert_eq!(
                aws_run_command_result_init(aws_default_allocator(), &mut result),
                0
            );
            let mut options = aws_run_command_options {
                command: c"printf '  hello\\n\\n'; exit 3".as_ptr(),
            };
            assert_eq!(
                aws_run_command(aws_default_allocator(), &mut options, &mut result),
                0
            );
            assert_eq!(string_bytes(result.std_out).unwrap(), b"hello");
            assert_eq!(libc::WEXITSTATUS(result.ret_code), 3);
            assert!(result.std_err.is_null());
            aws_run_command_result_cleanup(&mut result);
            assert!(result.std_out.is_null());
            let mut quiet = aws_run_command_options {
                command: c"true".as_ptr(),
            };
            assert_eq!(
                aws_run_command(aws_default_allocator(), &mut quiet, &mut result),
                0
            );
            assert!(result.std_out.is_null());
            assert_eq!(result.ret_code, 0);
        }
    }

    #[test]
    fn pid_and_file_limits() {
        assert_eq!(aws_get_pid(), std::process::id() as c_int);
        let (soft, hard) = (
            aws_get_soft_limit_io_handles(),
            aws_get_hard_limit_io_handles(),
        );
        assert!(soft > 0 && soft <= hard);
        assert_eq!(aws_set_soft_limit_io_handles(soft), 0);
        if hard < usize::MAX {
            assert_eq!(aws_set_soft_limit_io_handles(hard + 1), -1);
        }
        unsafe {
            assert_eq!(
                aws_run_command_result_init(std::ptr::null_mut(), std::ptr::null_mut()),
                -1
            );
        }
    }
}

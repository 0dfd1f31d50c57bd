//! `aws/common/system_info.h`, the debugging part: stack traces (`aws_backtrace*`) and
//! `aws_debug_break`. Stack traces come from glibc's `backtrace` and `backtrace_symbols`, as
//! upstream's do on Linux.
//!
//! # Safety
//! Pointer arguments are NULL or valid for what each function says it reads or writes.

use crate::ffi::guard::{self, require};
use crate::log::aws_log_level;
use std::ffi::{CStr, c_int, c_void};
use std::io::Write;

/// How many frames a printed or logged stack trace shows at most (upstream's
/// `AWS_BACKTRACE_DEPTH`).
const BACKTRACE_DEPTH: usize = 128;

/// Fills `stack_frames` with up to `num_frames` return addresses of the calling thread's stack,
/// innermost first, and says how many it wrote.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_backtrace(stack_frames: *mut *mut c_void, num_frames: usize) -> usize {
    guard::guard(0, || {
        if num_frames == 0 {
            return Ok(0);
        }
        require(!stack_frames.is_null())?;
        let n = c_int::try_from(num_frames).unwrap_or(c_int::MAX);
        // SAFETY: the caller lends room for `num_frames` >= `n` pointers.
        let got = unsafe { libc::backtrace(stack_frames, n) };
        Ok(usize::try_from(got).unwrap_or(0))
    })
}

/// Prints the calling thread's stack trace to `fp`, one symbolised frame a line, under a
/// banner. `call_site_data` is NULL or the `siginfo_t` of the signal being handled, whose
/// number (and for SIGSEGV, address) is printed first.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_backtrace_print(fp: *mut libc::FILE, call_site_data: *mut c_void) {
    guard::guard((), || {
        require(!fp.is_null())?;
        let mut out = CFile(fp);
        // SAFETY: the caller lends NULL or the siginfo_t of a signal handler.
        if let Some(info) = unsafe { call_site_data.cast::<libc::siginfo_t>().as_ref() } {
            let _ = writeln!(
                out,
                "Signal received: {}, errno: {}",
                info.si_signo, info.si_errno
            );
            if info.si_signo == libc::SIGSEGV {
                // SAFETY: si_addr is the field a SIGSEGV fills.
                let _ = writeln!(out, "SIGSEGV @ {:p}", unsafe { info.si_addr() });
            }
        }
        print_backtrace(&mut out);
        Ok(())
    })
}

/// Writes the calling thread's stack trace to the logger, one frame a message, at `log_level`
/// under `AWS_LS_COMMON_GENERAL`. An unknown level is `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_backtrace_log(log_level: c_int) {
    guard::guard((), || {
        let level: aws_log_level = guard::enum_value(log_level)?;
        crate::aws_log!(level, AWS_LS_COMMON_GENERAL, "Stack trace:");
        for frame in frames() {
            crate::aws_log!(level, AWS_LS_COMMON_GENERAL, "{frame}");
        }
        Ok(())
    })
}

/// Stops in the debugger when one is attached (SIGTRAP); does nothing otherwise, so that a
/// program run without a debugger is not killed by the trap.
#[unsafe(no_mangle)]
pub extern "C" fn aws_debug_break() {
    guard::guard((), || {
        debug_break();
        Ok(())
    })
}

/// [`aws_debug_break`] for Rust callers.
pub fn debug_break() {
    if debugger_attached() {
        // SAFETY: raising a signal has no memory-safety preconditions.
        unsafe { libc::raise(libc::SIGTRAP) };
    }
}

/// Whether a tracer (a debugger) is attached: `TracerPid` in `/proc/self/status` is not 0.
pub(crate) fn debugger_attached() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("TracerPid:"))
            .is_some_and(|pid| pid.trim() != "0")
    })
}

/// The calling thread's stack, one symbolised frame per entry, without this function's frame.
pub fn frames() -> Vec<String> {
    let mut addrs = [std::ptr::null_mut::<c_void>(); BACKTRACE_DEPTH];
    // SAFETY: `addrs` has room for BACKTRACE_DEPTH pointers.
    let n = unsafe { libc::backtrace(addrs.as_mut_ptr(), BACKTRACE_DEPTH as c_int) };
    let n = usize::try_from(n).unwrap_or(0);
    // SAFETY: the first `n` addresses were filled; glibc mallocs the table of strings.
    let symbols = unsafe { libc::backtrace_symbols(addrs.as_ptr(), n as c_int) };
    let mut lines = Vec::with_capacity(n);
    for (i, addr) in addrs.iter().enumerate().take(n).skip(1) {
        // SAFETY: a non-NULL table holds `n` NUL-terminated strings.
        let line = match unsafe { symbols.as_ref().map(|_| *symbols.add(i)) } {
            Some(s) if !s.is_null() => unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned(),
            _ => format!("{addr:p}"),
        };
        lines.push(line);
    }
    if !symbols.is_null() {
        // SAFETY: backtrace_symbols' table is one malloc'd block.
        unsafe { libc::free(symbols.cast()) };
    }
    lines
}

/// Writes the banner and the stack trace to `out` (best effort: a failed write is ignored).
pub fn print_backtrace(out: &mut dyn Write) {
    let rule = "#".repeat(80);
    let _ = writeln!(out, "{rule}\nStack trace:\n{rule}");
    for frame in frames() {
        let _ = writeln!(out, "{frame}");
    }
    let _ = out.flush();
}

/// A C `FILE *` as a writer.
struct CFile(*mut libc::FILE);

impl Write for CFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: the FILE was checked non-NULL by the caller that made this writer.
        let n = unsafe { libc::fwrite(buf.as_ptr().cast(), 1, buf.len(), self.0) };
        if n == 0 && !buf.is_empty() {
            return Err(std::io::Error::other("fwrite failed"));
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // SAFETY: as above.
        unsafe { libc::fflush(self.0) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_last_error;
    use std::ptr;

    #[test]
    fn backtrace_fills_at_most_the_frames_asked_for() {
        let mut frames = [ptr::null_mut::<c_void>(); 4];
        let n = unsafe { aws_backtrace(frames.as_mut_ptr(), 2) };
        assert!((1..=2).contains(&n), "{n}");
        assert!(!frames[0].is_null());
        assert!(frames[2].is_null() && frames[3].is_null());
        assert_eq!(unsafe { aws_backtrace(ptr::null_mut(), 0) }, 0);
    }

    #[test]
    fn the_printed_trace_has_the_banner_and_frames() {
        let mut out = Vec::new();
        print_backtrace(&mut out);
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with(&"#".repeat(80)), "{text}");
        assert!(text.contains("Stack trace:"));
        assert!(text.lines().count() > 4, "{text}");
    }

    #[test]
    fn a_null_file_or_unknown_level_is_an_invalid_argument() {
        unsafe { aws_backtrace_print(ptr::null_mut(), ptr::null_mut()) };
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        crate::ffi::common::error::aws_reset_error();
        aws_backtrace_log(99);
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
    }

    #[test]
    fn no_debugger_means_debug_break_returns() {
        // cargo test runs without a tracer; the call must not kill the process.
        assert!(!debugger_attached());
        aws_debug_break();
    }
}

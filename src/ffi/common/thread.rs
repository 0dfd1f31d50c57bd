//! `aws/common/thread.h`: what programs use of upstream's thread API: thread ids, sleeping, and
//! joining the library's managed threads before exit.

use crate::ffi::common::error::aws_common_error::AWS_ERROR_COND_VARIABLE_TIMED_OUT;
use crate::ffi::common::thread_launch::wait_unjoined;
use crate::ffi::guard::{self};
use crate::runtime::managed_threads;
use std::ffi::c_int;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The timeout of [`aws_thread_join_all_managed`] in nanoseconds; 0 waits without limit.
static JOIN_TIMEOUT_NS: AtomicU64 = AtomicU64::new(0);

/// A thread's id (a `pthread_t`).
pub type aws_thread_id_t = libc::pthread_t;

/// The calling thread's id.
#[unsafe(no_mangle)]
pub extern "C" fn aws_thread_current_thread_id() -> aws_thread_id_t {
    // SAFETY: always safe to call.
    guard::guard(0, || Ok(unsafe { libc::pthread_self() }))
}

/// True when the two ids name the same thread.
#[unsafe(no_mangle)]
pub extern "C" fn aws_thread_thread_id_equal(t1: aws_thread_id_t, t2: aws_thread_id_t) -> bool {
    // SAFETY: always safe to call.
    guard::guard(false, || Ok(unsafe { libc::pthread_equal(t1, t2) } != 0))
}

/// Sleeps the calling thread for `nanos` nanoseconds.
#[unsafe(no_mangle)]
pub extern "C" fn aws_thread_current_sleep(nanos: u64) {
    guard::guard((), || {
        std::thread::sleep(Duration::from_nanos(nanos));
        Ok(())
    })
}

/// Sets how long [`aws_thread_join_all_managed`] waits; 0 (the default) waits without limit.
#[unsafe(no_mangle)]
pub extern "C" fn aws_thread_set_managed_join_timeout_ns(timeout_in_ns: u64) {
    guard::guard((), || {
        managed_threads::set_join_timeout(Duration::from_nanos(timeout_in_ns));
        JOIN_TIMEOUT_NS.store(timeout_in_ns, Ordering::Relaxed);
        Ok(())
    })
}

/// Waits for every thread the library started (event loops, clean-up threads, the program's
/// managed threads) to finish and joins them, and for the threads counted with
/// `aws_thread_increment_unjoined_count` to be counted off. Fails with
/// `AWS_ERROR_COND_VARIABLE_TIMED_OUT` (upstream's last error in that case) if the timeout set
/// with [`aws_thread_set_managed_join_timeout_ns`] runs out first.
#[unsafe(no_mangle)]
pub extern "C" fn aws_thread_join_all_managed() -> c_int {
    guard::op(|| {
        let timeout = Duration::from_nanos(JOIN_TIMEOUT_NS.load(Ordering::Relaxed));
        if wait_unjoined(timeout) && managed_threads::join_all() {
            Ok(())
        } else {
            Err(AWS_ERROR_COND_VARIABLE_TIMED_OUT.into())
        }
    })
}

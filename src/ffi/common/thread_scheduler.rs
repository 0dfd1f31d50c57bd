//! `aws/common/thread_scheduler.h`: a task scheduler with its own background thread
//! (`struct aws_thread_scheduler`, opaque), reference counted. Tasks scheduled from any thread
//! wait in a pending list until the thread moves them into its `aws_task_scheduler` and runs
//! them when due (times are `aws_high_res_clock_get_ticks` nanoseconds). Cancelling takes a
//! pending task back and, either way, has the thread run it with `AWS_TASK_STATUS_CANCELED`, as
//! upstream's does. The last release stops the thread, which cancels what is left, and joins it
//! (unless it is the scheduler's own thread releasing, which then finishes on its own).
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; a scheduled task stays
//! valid and in place until it has run.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::clock::aws_high_res_clock_get_ticks;
use crate::ffi::common::task_scheduler::{aws_task, checked};
use crate::ffi::common::task_scheduler_queue::{
    aws_task_scheduler, aws_task_scheduler_cancel_task, aws_task_scheduler_clean_up,
    aws_task_scheduler_has_tasks, aws_task_scheduler_init, aws_task_scheduler_run_all,
    aws_task_scheduler_schedule_future, aws_task_scheduler_schedule_now,
};
use crate::ffi::common::thread_launch::aws_thread_options;
use crate::ffi::guard;
use crate::runtime::lock::lock;
use crate::runtime::managed_threads::{self, ManagedThread};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// A task pointer that crosses to the scheduler's thread (the caller keeps the task alive).
#[derive(Clone, Copy, PartialEq)]
struct TaskPtr(*mut aws_task);

// SAFETY: the program hands the task over to the scheduler's thread until it has run.
unsafe impl Send for TaskPtr {}

/// What the scheduling threads hand to the scheduler's thread.
#[derive(Default)]
struct Inbox {
    /// Tasks to schedule, with their time (None: now).
    pending: Vec<(TaskPtr, Option<u64>)>,
    /// Tasks to run cancelled.
    cancels: Vec<TaskPtr>,
    /// Set by the last release.
    stopping: bool,
}

/// What the scheduler and its thread share.
struct Shared {
    inbox: Mutex<Inbox>,
    wake: Condvar,
}

/// The scheduler (opaque to C).
pub struct aws_thread_scheduler {
    refs: AtomicUsize,
    shared: Arc<Shared>,
    thread: Mutex<Option<ManagedThread>>,
}

/// The current high-resolution clock reading.
fn now() -> u64 {
    let mut t = 0u64;
    // SAFETY: writes the reading into `t`.
    unsafe { aws_high_res_clock_get_ticks(&mut t) };
    t
}

/// The scheduler's thread: moves what the inbox brings into its task scheduler, runs what is
/// due, sleeps until the next task or a wake-up; cancels everything left when stopped.
fn run_thread(shared: Arc<Shared>, alloc: usize) {
    // SAFETY: all-zero is a scheduler before init; it lives on this thread only.
    let mut tasks: aws_task_scheduler = unsafe { std::mem::zeroed() };
    if unsafe { aws_task_scheduler_init(&mut tasks, alloc as *mut aws_allocator) } != 0 {
        return;
    }
    loop {
        let inbox = std::mem::take(&mut *lock(&shared.inbox));
        // SAFETY: the tasks were handed over by the program and stay valid until they run.
        unsafe {
            for (TaskPtr(task), when) in inbox.pending {
                match when {
                    Some(t) => aws_task_scheduler_schedule_future(&mut tasks, task, t),
                    None => aws_task_scheduler_schedule_now(&mut tasks, task),
                }
            }
            for TaskPtr(task) in inbox.cancels {
                aws_task_scheduler_cancel_task(&mut tasks, task);
            }
            if inbox.stopping {
                aws_task_scheduler_clean_up(&mut tasks);
                return;
            }
            aws_task_scheduler_run_all(&mut tasks, now());
        }
        let mut next = u64::MAX;
        // SAFETY: the scheduler is set up.
        let waiting = unsafe { aws_task_scheduler_has_tasks(&tasks, &mut next) };
        let mut inbox = lock(&shared.inbox);
        // Sleep only when nothing came in while the tasks ran.
        if inbox.pending.is_empty() && inbox.cancels.is_empty() && !inbox.stopping {
            let wait = if waiting {
                Duration::from_nanos(next.saturating_sub(now()))
            } else {
                Duration::from_secs(3600)
            };
            if !wait.is_zero() {
                inbox = shared
                    .wake
                    .wait_timeout(inbox, wait)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        }
        drop(inbox);
    }
}

/// Starts a scheduler and its thread (named after `thread_options`' name, when given); one
/// reference. NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_scheduler_new(
    allocator: *mut aws_allocator,
    thread_options: *const aws_thread_options,
) -> *mut aws_thread_scheduler {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator and optional options.
        unsafe { crate::ffi::common::allocator::checked(allocator) }?;
        let name = match unsafe { thread_options.as_ref() } {
            Some(o) => String::from_utf8_lossy(unsafe { o.name.as_bytes() }?).into_owned(),
            None => String::new(),
        };
        let shared = Arc::new(Shared {
            inbox: Mutex::new(Inbox::default()),
            wake: Condvar::new(),
        });
        let for_thread = shared.clone();
        let alloc = allocator as usize;
        let thread = managed_threads::spawn_joinable(name, move || run_thread(for_thread, alloc))
            .map_err(|_| {
            guard::Error::from(
                crate::error::aws_common_error::AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE,
            )
        })?;
        Ok(Box::into_raw(Box::new(aws_thread_scheduler {
            refs: AtomicUsize::new(1),
            shared,
            thread: Mutex::new(Some(thread)),
        })))
    })
}

/// Adds a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_scheduler_acquire(scheduler: *mut aws_thread_scheduler) {
    guard::guard((), || {
        // SAFETY: the caller holds a reference.
        unsafe { guard::reference(scheduler) }?
            .refs
            .fetch_add(1, Ordering::Relaxed);
        Ok(())
    })
}

/// Drops a reference; the last stops the thread (what is left runs cancelled) and frees the
/// scheduler.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_scheduler_release(scheduler: *const aws_thread_scheduler) {
    guard::guard((), || {
        // SAFETY: the caller gives back a reference it holds.
        let s = unsafe { guard::reference(scheduler) }?;
        if s.refs.fetch_sub(1, Ordering::AcqRel) != 1 {
            return Ok(());
        }
        // SAFETY: that was the last reference: nobody else uses the scheduler.
        let s = unsafe { Box::from_raw(scheduler.cast_mut()) };
        lock(&s.shared.inbox).stopping = true;
        s.shared.wake.notify_all();
        if let Some(thread) = lock(&s.thread).take() {
            thread.join();
        }
        Ok(())
    })
}

/// Hands a task to the scheduler's thread, to run at `when` (None: now).
///
/// # Safety
/// As for the exported functions.
unsafe fn hand_over(
    scheduler: *mut aws_thread_scheduler,
    task: *mut aws_task,
    when: Option<u64>,
) -> guard::Result<()> {
    // SAFETY: forwarded caller contract.
    let s = unsafe { guard::reference(scheduler) }?;
    unsafe { checked(task) }?;
    lock(&s.shared.inbox).pending.push((TaskPtr(task), when));
    s.shared.wake.notify_all();
    Ok(())
}

/// Schedules `task` to run on the scheduler's thread at `time_to_run` (high-resolution clock
/// nanoseconds).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_scheduler_schedule_future(
    scheduler: *mut aws_thread_scheduler,
    task: *mut aws_task,
    time_to_run: u64,
) {
    // SAFETY: the caller lends a scheduler and a task that stays put until it runs.
    guard::guard((), || unsafe {
        hand_over(scheduler, task, Some(time_to_run))
    })
}

/// Schedules `task` to run on the scheduler's thread as soon as possible.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_scheduler_schedule_now(
    scheduler: *mut aws_thread_scheduler,
    task: *mut aws_task,
) {
    // SAFETY: as above.
    guard::guard((), || unsafe { hand_over(scheduler, task, None) })
}

/// Cancels `task`: the scheduler's thread runs it with `AWS_TASK_STATUS_CANCELED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_scheduler_cancel_task(
    scheduler: *mut aws_thread_scheduler,
    task: *mut aws_task,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a scheduler and a task it scheduled.
        let s = unsafe { guard::reference(scheduler) }?;
        unsafe { checked(task) }?;
        let mut inbox = lock(&s.shared.inbox);
        inbox.pending.retain(|(t, _)| *t != TaskPtr(task));
        inbox.cancels.push(TaskPtr(task));
        drop(inbox);
        s.shared.wake.notify_all();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::task_scheduler::{
        AWS_TASK_STATUS_CANCELED, aws_task_init, aws_task_status_raw,
    };
    use std::ffi::c_void;
    use std::ptr;

    unsafe extern "C" fn count(_: *mut aws_task, arg: *mut c_void, status: aws_task_status_raw) {
        let counters = unsafe { &*arg.cast::<[AtomicUsize; 2]>() };
        counters[usize::from(status == AWS_TASK_STATUS_CANCELED)].fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn tasks_run_and_the_last_release_cancels_the_rest() {
        let counters = [AtomicUsize::new(0), AtomicUsize::new(0)];
        let arg = ptr::from_ref(&counters).cast_mut().cast();
        let mut tasks: Vec<aws_task> = (0..3).map(|_| unsafe { std::mem::zeroed() }).collect();
        unsafe {
            for t in &mut tasks {
                aws_task_init(t, Some(count), arg, ptr::null());
            }
            let s = aws_thread_scheduler_new(aws_default_allocator(), ptr::null());
            assert!(!s.is_null());
            aws_thread_scheduler_schedule_now(s, &mut tasks[0]);
            aws_thread_scheduler_schedule_future(s, &mut tasks[1], now() + 1_000_000);
            aws_thread_scheduler_schedule_future(s, &mut tasks[2], u64::MAX - 1);
            while counters[0].load(Ordering::SeqCst) < 2 {
                std::thread::sleep(Duration::from_millis(1));
            }
            aws_thread_scheduler_release(s);
        }
        assert_eq!(counters[1].load(Ordering::SeqCst), 1);
    }
}

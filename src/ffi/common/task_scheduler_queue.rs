//! `aws/common/task_scheduler.h`, continued: upstream's stand-alone task scheduler, which a
//! program drives itself (`aws_task_scheduler_run_all` with the current time). Tasks to run now
//! wait in `asap_list`; timed tasks in `timed_queue`, a priority queue of task pointers ordered
//! by timestamp whose back-pointer is the task's `priority_queue_node` (and, when that queue
//! cannot grow, in `timed_list`, kept sorted), as upstream's do. A task runs exactly once: with
//! `AWS_TASK_STATUS_RUN_READY` when due, or `AWS_TASK_STATUS_CANCELED` when cancelled or when the
//! scheduler is cleaned up.
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; a scheduled task stays
//! valid and in place until it has run.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error_info::status;
use crate::ffi::common::linked_list::{self, aws_linked_list, aws_linked_list_node};
use crate::ffi::common::priority_queue::{
    aws_priority_queue, aws_priority_queue_clean_up, aws_priority_queue_init_dynamic,
    aws_priority_queue_push_ref, aws_priority_queue_remove, aws_priority_queue_size,
    aws_priority_queue_top,
};
use crate::ffi::common::task_scheduler::{
    AWS_TASK_STATUS_CANCELED, AWS_TASK_STATUS_RUN_READY, aws_task, aws_task_status_raw, checked,
    run,
};
use crate::ffi::guard::{self, Result, require};
use std::ffi::{c_int, c_void};
use std::mem::offset_of;
use std::ptr::{self, NonNull};

/// A scheduler (upstream's `struct aws_task_scheduler`).
#[repr(C)]
pub struct aws_task_scheduler {
    /// Where the timed queue's memory comes from.
    pub alloc: *mut aws_allocator,
    /// Timed tasks (`struct aws_task *`), soonest first.
    pub timed_queue: aws_priority_queue,
    /// Timed tasks the queue had no room for, soonest first.
    pub timed_list: aws_linked_list,
    /// Tasks to run at the next `run_all`, in the order scheduled.
    pub asap_list: aws_linked_list,
}

/// Orders the timed queue: `a` after `b` when it is due later (so the soonest pops first).
unsafe extern "C" fn later(a: *const c_void, b: *const c_void) -> c_int {
    guard::guard(0, || {
        // SAFETY: the queue's items are task pointers to scheduled tasks.
        let (a, b) = unsafe { (*a.cast::<*const aws_task>(), *b.cast::<*const aws_task>()) };
        Ok(c_int::from(unsafe { (*a).timestamp > (*b).timestamp }))
    })
}

/// The task a list node is the `node` of.
fn task_of(node: *mut aws_linked_list_node) -> *mut aws_task {
    node.cast::<u8>()
        .wrapping_sub(offset_of!(aws_task, node))
        .cast()
}

/// Marks a task scheduled (the union's `scheduled`).
///
/// # Safety
/// `task` points to a valid task.
unsafe fn mark_scheduled(task: NonNull<aws_task>) {
    // SAFETY: forwarded caller contract.
    unsafe { (*task.as_ptr()).abi_extension.scheduled = true };
}

/// The scheduler a caller lent, checked to be set up.
///
/// # Safety
/// A non-NULL `scheduler` points to a valid scheduler.
unsafe fn scheduler_arg<'a>(
    scheduler: *mut aws_task_scheduler,
) -> Result<&'a mut aws_task_scheduler> {
    // SAFETY: forwarded caller contract.
    let s = unsafe { guard::mutable(scheduler) }?;
    require(!s.alloc.is_null() && s.timed_queue.pred.is_some())?;
    Ok(s)
}

/// Sets up an empty scheduler whose timed queue grows from `alloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_scheduler_init(
    scheduler: *mut aws_task_scheduler,
    alloc: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a scheduler to set up and an allocator.
        let s = unsafe { guard::mutable(scheduler) }?;
        unsafe { allocator::checked(alloc) }?;
        status(unsafe {
            aws_priority_queue_init_dynamic(
                &mut s.timed_queue,
                alloc,
                8,
                size_of::<*mut aws_task>(),
                Some(later),
            )
        })?;
        s.alloc = alloc;
        linked_list::init(&mut s.timed_list);
        linked_list::init(&mut s.asap_list);
        Ok(())
    })
}

/// Runs every task left with `AWS_TASK_STATUS_CANCELED` (also those they schedule meanwhile),
/// frees the timed queue and zeroes the scheduler.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_scheduler_clean_up(scheduler: *mut aws_task_scheduler) {
    guard::guard((), || {
        // SAFETY: the caller lends a set-up scheduler.
        while unsafe { next_time(scheduler_arg(scheduler)?) }.is_some() {
            unsafe { run_due(scheduler, u64::MAX, AWS_TASK_STATUS_CANCELED) }?;
        }
        let s = unsafe { scheduler_arg(scheduler) }?;
        unsafe { aws_priority_queue_clean_up(&mut s.timed_queue) };
        // SAFETY: all-zero is the cleaned-up scheduler.
        *s = unsafe { std::mem::zeroed() };
        Ok(())
    })
}

/// Whether the scheduler is set up. NULL is not; nothing is raised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_scheduler_is_valid(scheduler: *const aws_task_scheduler) -> bool {
    // SAFETY: the caller lends NULL or a scheduler.
    guard::guard(false, || {
        Ok(unsafe { scheduler.as_ref() }
            .is_some_and(|s| !s.alloc.is_null() && s.timed_queue.pred.is_some()))
    })
}

/// When the soonest task is due (0 for a task to run now), if there is one.
///
/// # Safety
/// `s` is set up; its tasks are valid.
unsafe fn next_time(s: &aws_task_scheduler) -> Option<u64> {
    if !ptr::eq(s.asap_list.head.next, &s.asap_list.tail) {
        return Some(0);
    }
    let mut soonest = None;
    let mut top: *mut c_void = ptr::null_mut();
    // SAFETY: the queue's top is a task pointer.
    if unsafe { aws_priority_queue_size(&s.timed_queue) } > 0
        && unsafe { aws_priority_queue_top(&s.timed_queue, &mut top) } == 0
    {
        soonest = Some(unsafe { (**top.cast::<*const aws_task>()).timestamp });
    }
    if !ptr::eq(s.timed_list.head.next, &s.timed_list.tail) {
        let t = unsafe { (*task_of(s.timed_list.head.next)).timestamp };
        soonest = Some(soonest.map_or(t, |q: u64| q.min(t)));
    }
    soonest
}

/// Whether any task waits; `*next_task_time` (when not NULL) gets when the soonest is due (0
/// for one to run now), or `UINT64_MAX` when none waits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_scheduler_has_tasks(
    scheduler: *const aws_task_scheduler,
    next_task_time: *mut u64,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a set-up scheduler and an optional time to set.
        let s = unsafe { scheduler_arg(scheduler.cast_mut()) }?;
        let next = unsafe { next_time(s) };
        if let Some(out) = unsafe { next_task_time.as_mut() } {
            *out = next.unwrap_or(u64::MAX);
        }
        Ok(next.is_some())
    })
}

/// Schedules `task` to run at the next `aws_task_scheduler_run_all`, after those already
/// scheduled to run now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_scheduler_schedule_now(
    scheduler: *mut aws_task_scheduler,
    task: *mut aws_task,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a set-up scheduler and a task that stays put until it runs.
        let s = unsafe { scheduler_arg(scheduler) }?;
        let t = unsafe { checked(task) }?;
        unsafe {
            (*task).timestamp = 0;
            (*task).node = aws_linked_list_node::UNLINKED;
            linked_list::insert_before(&mut s.asap_list.tail, &mut (*task).node)?;
            mark_scheduled(t);
        }
        Ok(())
    })
}

/// Schedules `task` to run at the first `aws_task_scheduler_run_all` whose time is at least
/// `time_to_run`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_scheduler_schedule_future(
    scheduler: *mut aws_task_scheduler,
    task: *mut aws_task,
    time_to_run: u64,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a set-up scheduler and a task that stays put until it runs.
        let s = unsafe { scheduler_arg(scheduler) }?;
        let t = unsafe { checked(task) }?;
        unsafe {
            (*task).timestamp = time_to_run;
            (*task).node = aws_linked_list_node::UNLINKED;
            let mut item = task;
            let item_ptr = ptr::from_mut(&mut item).cast::<c_void>();
            if aws_priority_queue_push_ref(
                &mut s.timed_queue,
                item_ptr,
                &mut (*task).priority_queue_node,
            ) != 0
            {
                // No room in the queue: the sorted list, after every task due no later.
                let mut at = s.timed_list.head.next;
                while !ptr::eq(at, &s.timed_list.tail) && (*task_of(at)).timestamp <= time_to_run {
                    at = (*at).next;
                }
                linked_list::insert_before(at, &mut (*task).node)?;
            }
            mark_scheduled(t);
        }
        Ok(())
    })
}

/// Takes `task` out of the scheduler (if it is in) and runs it with `AWS_TASK_STATUS_CANCELED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_scheduler_cancel_task(
    scheduler: *mut aws_task_scheduler,
    task: *mut aws_task,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a set-up scheduler and a task.
        let s = unsafe { scheduler_arg(scheduler) }?;
        let t = unsafe { checked(task) }?;
        unsafe {
            if !(*task).node.next.is_null() {
                linked_list::remove(&mut (*task).node)?;
            } else if crate::ffi::common::task_scheduler::is_scheduled(t) {
                let mut out: *mut aws_task = ptr::null_mut();
                let out_ptr = ptr::from_mut(&mut out).cast::<c_void>();
                aws_priority_queue_remove(
                    &mut s.timed_queue,
                    out_ptr,
                    &(*task).priority_queue_node,
                );
            }
            run(t, AWS_TASK_STATUS_CANCELED);
        }
        Ok(())
    })
}

/// Runs, with `AWS_TASK_STATUS_RUN_READY`, every task scheduled to run now and every timed task
/// due at `current_time` or earlier, soonest first. Tasks they schedule wait for the next call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_scheduler_run_all(
    scheduler: *mut aws_task_scheduler,
    current_time: u64,
) {
    // SAFETY: the caller lends a set-up scheduler.
    guard::guard((), || unsafe {
        run_due(scheduler, current_time, AWS_TASK_STATUS_RUN_READY)
    })
}

/// Takes every task due at `now` out (those to run now first, then the timed ones in order),
/// then runs them with `run_status`.
///
/// # Safety
/// As for the exported functions.
unsafe fn run_due(
    scheduler: *mut aws_task_scheduler,
    now: u64,
    run_status: aws_task_status_raw,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let s = unsafe { scheduler_arg(scheduler) }?;
    // The due tasks wait in a list of their own, linked through their `node` as upstream's do,
    // so that a task cancelling another due one takes it out of this list (it then runs once,
    // cancelled).
    let mut due = aws_linked_list {
        head: aws_linked_list_node::UNLINKED,
        tail: aws_linked_list_node::UNLINKED,
    };
    linked_list::init(&mut due);
    unsafe {
        while !ptr::eq(s.asap_list.head.next, &s.asap_list.tail) {
            let node = s.asap_list.head.next;
            linked_list::remove(node)?;
            linked_list::insert_before(&mut due.tail, node)?;
        }
        loop {
            let mut top: *mut c_void = ptr::null_mut();
            let queued = (aws_priority_queue_size(&s.timed_queue) > 0
                && aws_priority_queue_top(&s.timed_queue, &mut top) == 0)
                .then(|| *top.cast::<*mut aws_task>());
            let listed = (!ptr::eq(s.timed_list.head.next, &s.timed_list.tail))
                .then(|| task_of(s.timed_list.head.next));
            let next = match (queued, listed) {
                (Some(q), Some(l)) => {
                    if (*q).timestamp <= (*l).timestamp {
                        q
                    } else {
                        l
                    }
                }
                (Some(q), None) => q,
                (None, Some(l)) => l,
                (None, None) => break,
            };
            if (*next).timestamp > now {
                break;
            }
            if Some(next) == listed {
                linked_list::remove(&mut (*next).node)?;
            } else {
                let mut out: *mut aws_task = ptr::null_mut();
                status(aws_priority_queue_remove(
                    &mut s.timed_queue,
                    ptr::from_mut(&mut out).cast(),
                    &(*next).priority_queue_node,
                ))?;
            }
            linked_list::insert_before(&mut due.tail, &mut (*next).node)?;
        }
        while !ptr::eq(due.head.next, &due.tail) {
            let node = due.head.next;
            linked_list::remove(node)?;
            if let Some(task) = NonNull::new(task_of(node)) {
                run(task, run_status);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::task_scheduler::aws_task_init;
    use crate::ffi::guard::OP_SUCCESS;
    use std::cell::RefCell;

    thread_local! {
        static RAN: RefCell<Vec<(usize, aws_task_status_raw)>> = const { RefCell::new(Vec::new()) };
    }

    unsafe extern "C" fn record(_: *mut aws_task, arg: *mut c_void, status: aws_task_status_raw) {
        RAN.with(|r| r.borrow_mut().push((arg as usize, status)));
    }

    fn ran() -> Vec<(usize, aws_task_status_raw)> {
        RAN.with(|r| std::mem::take(&mut *r.borrow_mut()))
    }

    fn tasks(n: usize) -> Vec<aws_task> {
        (0..n)
            .map(|i| {
                let mut t = unsafe { std::mem::zeroed::<aws_task>() };
                unsafe { aws_task_init(&mut t, Some(record), i as *mut c_void, ptr::null()) };
                t
            })
            .collect()
    }

    #[test]
    fn timed_tasks_run_when_due_soonest_first() {
        let mut s = unsafe { std::mem::zeroed::<aws_task_scheduler>() };
        let mut t = tasks(4);
        unsafe {
            assert_eq!(
                aws_task_scheduler_init(&mut s, aws_default_allocator()),
                OP_SUCCESS
            );
            for (i, due) in [(0usize, 40u64), (1, 10), (2, 30), (3, 20)] {
                aws_task_scheduler_schedule_future(&mut s, &mut t[i], due);
            }
            aws_task_scheduler_run_all(&mut s, 25);
            assert_eq!(
                ran(),
                [
                    (1, AWS_TASK_STATUS_RUN_READY),
                    (3, AWS_TASK_STATUS_RUN_READY)
                ]
            );
            let mut next = 0;
            assert!(aws_task_scheduler_has_tasks(&s, &mut next));
            assert_eq!(next, 30);
            aws_task_scheduler_cancel_task(&mut s, &mut t[0]);
            assert_eq!(ran(), [(0, AWS_TASK_STATUS_CANCELED)]);
            aws_task_scheduler_run_all(&mut s, u64::MAX);
            assert_eq!(ran(), [(2, AWS_TASK_STATUS_RUN_READY)]);
            assert!(!aws_task_scheduler_has_tasks(&s, ptr::null_mut()));
            aws_task_scheduler_clean_up(&mut s);
            assert!(!aws_task_scheduler_is_valid(&s));
        }
    }

    thread_local! {
        static TO_CANCEL: std::cell::Cell<(*mut aws_task_scheduler, *mut aws_task)> =
            const { std::cell::Cell::new((ptr::null_mut(), ptr::null_mut())) };
    }

    unsafe extern "C" fn cancel_other(
        t: *mut aws_task,
        arg: *mut c_void,
        status: aws_task_status_raw,
    ) {
        unsafe { record(t, arg, status) };
        let (s, other) = TO_CANCEL.with(std::cell::Cell::get);
        unsafe { aws_task_scheduler_cancel_task(s, other) };
    }

    #[test]
    fn a_due_task_cancelling_another_due_one_runs_it_once_cancelled() {
        let mut s = unsafe { std::mem::zeroed::<aws_task_scheduler>() };
        let mut t = tasks(2);
        unsafe {
            assert_eq!(
                aws_task_scheduler_init(&mut s, aws_default_allocator()),
                OP_SUCCESS
            );
            t[0].r#fn = Some(cancel_other);
            TO_CANCEL.with(|c| c.set((&raw mut s, &raw mut t[1])));
            aws_task_scheduler_schedule_now(&mut s, &mut t[0]);
            aws_task_scheduler_schedule_now(&mut s, &mut t[1]);
            aws_task_scheduler_run_all(&mut s, 0);
            aws_task_scheduler_clean_up(&mut s);
        }
        assert_eq!(
            ran(),
            [
                (0, AWS_TASK_STATUS_RUN_READY),
                (1, AWS_TASK_STATUS_CANCELED)
            ]
        );
    }

    #[test]
    fn clean_up_cancels_what_is_left_in_order() {
        let mut s = unsafe { std::mem::zeroed::<aws_task_scheduler>() };
        let mut t = tasks(3);
        unsafe {
            assert_eq!(
                aws_task_scheduler_init(&mut s, aws_default_allocator()),
                OP_SUCCESS
            );
            aws_task_scheduler_schedule_future(&mut s, &mut t[0], 5);
            aws_task_scheduler_schedule_now(&mut s, &mut t[1]);
            aws_task_scheduler_schedule_now(&mut s, &mut t[2]);
            aws_task_scheduler_clean_up(&mut s);
        }
        let c = AWS_TASK_STATUS_CANCELED;
        assert_eq!(ran(), [(1, c), (2, c), (0, c)]);
    }
}

//! `aws/common/task_scheduler.h`: the task a C program hands to an event loop, its status and
//! its init and run calls. (The event loops schedule tasks themselves; upstream's stand-alone
//! `aws_task_scheduler` is in `task_scheduler_queue.rs`.)
//!
//! `enum aws_task_status` and the `aws_task_fn` typedef are written in the header's fragment,
//! because the typedef names the enum and `struct aws_task` names the typedef; Rust reads the
//! status as an integer.
//!
//! A task is the caller's memory, lent until its function has run once. While a task is
//! scheduled, the library keeps its bookkeeping in the task's own fields, as upstream does:
//! `timestamp` (its deadline, 0 for "now"), `priority_queue_node.current_index` (the sequence
//! number the loop gave it) and `abi_extension.scheduled`.

use crate::ffi::common::linked_list::aws_linked_list_node;
use crate::ffi::common::priority_queue::aws_priority_queue_node;
use crate::ffi::guard::{self, Result};
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr::{self, NonNull};

/// A C `enum aws_task_status` received from the caller.
pub type aws_task_status_raw = c_int;

/// `AWS_TASK_STATUS_RUN_READY`: the task runs because it is due.
pub(crate) const AWS_TASK_STATUS_RUN_READY: aws_task_status_raw = 0;
/// `AWS_TASK_STATUS_CANCELED`: the task runs because it was cancelled or its loop shut down.
pub(crate) const AWS_TASK_STATUS_CANCELED: aws_task_status_raw = 1;

/// A task's function (the C typedef lives in the fragment).
pub type aws_task_fn =
    unsafe extern "C" fn(task: *mut aws_task, arg: *mut c_void, status: aws_task_status_raw);

/// Room kept in `struct aws_task` for later fields.
#[repr(C)]
pub union aws_task_abi_extension {
    /// True while the task is scheduled.
    pub scheduled: bool,
    /// Keeps the union the size of a pointer.
    pub reserved: usize,
}

/// A function to run on an event loop, with its argument. Initialise it with `aws_task_init`;
/// once scheduled it must stay in place, untouched, until its function has run.
#[repr(C)]
pub struct aws_task {
    /// Called once, with the task, `arg` and whether it runs or was cancelled.
    pub r#fn: Option<aws_task_fn>,
    /// Handed to `fn`.
    pub arg: *mut c_void,
    /// When the task is due, in nanoseconds on its loop's clock; 0 for "now".
    pub timestamp: u64,
    /// Kept for upstream's layout.
    pub node: aws_linked_list_node,
    /// Holds the loop's sequence number for the task while it is scheduled.
    pub priority_queue_node: aws_priority_queue_node,
    /// A name for logs.
    pub type_tag: *const c_char,
    /// Says whether the task is scheduled.
    pub abi_extension: aws_task_abi_extension,
}

/// Sets the task up to call `fn(task, arg, status)`; every other field is zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_init(
    task: *mut aws_task,
    r#fn: Option<aws_task_fn>,
    arg: *mut c_void,
    type_tag: *const c_char,
) {
    guard::guard((), || {
        // SAFETY: the caller lends the task to initialise.
        let task = unsafe { guard::mutable(task) }?;
        *task = aws_task {
            r#fn,
            arg,
            timestamp: 0,
            node: aws_linked_list_node {
                next: ptr::null_mut(),
                prev: ptr::null_mut(),
            },
            priority_queue_node: aws_priority_queue_node { current_index: 0 },
            type_tag,
            abi_extension: aws_task_abi_extension { reserved: 0 },
        };
        Ok(())
    })
}

/// Marks the task as no longer scheduled and calls its function with `status`. A NULL task, a
/// task without a function or an unknown status raises `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_task_run(task: *mut aws_task, status: aws_task_status_raw) {
    guard::guard((), || {
        guard::require(status == AWS_TASK_STATUS_RUN_READY || status == AWS_TASK_STATUS_CANCELED)?;
        let task = NonNull::new(task).ok_or(guard::INVALID_ARGUMENT)?;
        // SAFETY: the caller lends a valid task.
        guard::require(unsafe { task.as_ref() }.r#fn.is_some())?;
        // SAFETY: as above.
        unsafe { run(task, status) };
        Ok(())
    })
}

/// A printable name for a status: `"<Running>"`, `"<Canceled>"` or `"<Unknown>"`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_task_status_to_c_str(status: aws_task_status_raw) -> *const c_char {
    guard::guard(c"<Unknown>".as_ptr(), || {
        let name: &CStr = match status {
            AWS_TASK_STATUS_RUN_READY => c"<Running>",
            AWS_TASK_STATUS_CANCELED => c"<Canceled>",
            _ => c"<Unknown>",
        };
        Ok(name.as_ptr())
    })
}

/// True while the task is marked scheduled. Read as a byte: the caller may have left any value.
///
/// # Safety
/// `task` must point to a valid task.
pub unsafe fn is_scheduled(task: NonNull<aws_task>) -> bool {
    // SAFETY: the union's first byte is the `scheduled` flag; any byte value is readable.
    unsafe { *ptr::addr_of!((*task.as_ptr()).abi_extension).cast::<u8>() != 0 }
}

/// Clears the scheduled flag and calls the task's function, touching the task no more after
/// (the function may free it). Does nothing for a task without a function.
///
/// # Safety
/// `task` must point to a valid task, not in use by another thread.
pub unsafe fn run(task: NonNull<aws_task>, status: aws_task_status_raw) {
    let task = task.as_ptr();
    // SAFETY: the caller vouches for the task.
    unsafe {
        (*task).abi_extension.reserved = 0;
        if let Some(f) = (*task).r#fn {
            f(task, (*task).arg, status);
        }
    }
}

/// Checks a task pointer handed in for scheduling: non-NULL, with a function.
///
/// # Safety
/// A non-NULL `task` must point to a valid task.
pub unsafe fn checked(task: *mut aws_task) -> Result<NonNull<aws_task>> {
    let task = NonNull::new(task).ok_or(guard::INVALID_ARGUMENT)?;
    // SAFETY: the caller vouches for non-NULL tasks.
    guard::require(unsafe { task.as_ref() }.r#fn.is_some())?;
    Ok(task)
}

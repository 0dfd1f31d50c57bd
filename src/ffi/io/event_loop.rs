//! `aws/io/event_loop.h`: event-loop groups, their loops, and scheduling C tasks on them.
//!
//! The handles C sees are allocated from the caller's allocator: `struct aws_event_loop_group`
//! (its reference count, the Rust group, the loops' handles) and the array of
//! `struct aws_event_loop` (each a handle to one loop). The loops' own state (threads, queues,
//! timers, poll) uses Rust's allocator. The memory is given back after the last release, once
//! every loop thread has been joined and just before the shutdown callback runs.
//!
//! A C task is never copied: the loop holds its pointer and calls `task->fn` exactly once, on
//! the loop thread, with `AWS_TASK_STATUS_RUN_READY` when due, or with
//! `AWS_TASK_STATUS_CANCELED` when cancelled or when the group shuts down first (a task
//! scheduled on a loop that has already shut down is cancelled at once, on the caller's thread).
//!
//! Differences from upstream, all on misuse: NULL or invalid arguments raise an error instead of
//! asserting; `aws_event_loop_cancel_task` on a task that is not scheduled does nothing (upstream
//! would run it again), and called off the loop thread it queues the cancellation (the task is
//! then cancelled on the loop thread at its next tick); `aws_event_loop_group_get_next_loop` is
//! round robin (upstream picks the less loaded of two random loops). Without libnuma, a CPU
//! group is taken to hold every CPU, as upstream does when libnuma is missing.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_CLOCK_FAILURE, AWS_ERROR_INVALID_INDEX, AWS_ERROR_INVALID_STATE, AWS_ERROR_OOM,
    AWS_ERROR_PLATFORM_NOT_SUPPORTED, AWS_ERROR_SYS_CALL_FAILURE, AWS_ERROR_UNSUPPORTED_OPERATION,
};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::shutdown_types::aws_shutdown_callback_options;
use crate::ffi::common::task_scheduler::{self, AWS_TASK_STATUS_RUN_READY, aws_task};
use crate::ffi::guard::{self, Error, OP_SUCCESS, Result, require};
use crate::runtime::event_loop::{Clock, EventLoop};
use crate::runtime::event_loop_group::{self, EventLoopGroup};
use crate::runtime::timer_heap::TimerId;
use std::ffi::c_int;
use std::mem::{ManuallyDrop, size_of};
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Reads the clock into `*timestamp` in nanoseconds; returns `AWS_OP_SUCCESS` or `AWS_OP_ERR`
/// (the C typedef lives in the fragment).
pub type aws_io_clock_fn = unsafe extern "C" fn(timestamp: *mut u64) -> c_int;

/// Which kind of event loop a group runs. On Linux the platform default is epoll.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_event_loop_type {
    /// The platform's default (epoll on Linux).
    AWS_EVENT_LOOP_PLATFORM_DEFAULT = 0,
    /// epoll (Linux).
    AWS_EVENT_LOOP_EPOLL = 1,
    /// I/O completion ports (Windows): not supported here.
    AWS_EVENT_LOOP_IOCP = 2,
    /// kqueue (BSD, macOS): not supported here.
    AWS_EVENT_LOOP_KQUEUE = 3,
    /// Dispatch queues (Apple): not supported here.
    AWS_EVENT_LOOP_DISPATCH_QUEUE = 4,
}

/// A C `enum aws_event_loop_type` received from the caller.
pub type aws_event_loop_type_raw = c_int;

crate::c_enum!(aws_event_loop_type);

/// How to build an event-loop group.
#[repr(C)]
pub struct aws_event_loop_group_options {
    /// How many loops (each a thread); 0 means one per physical core (half the processors).
    pub loop_count: u16,
    /// The kind of loop: `AWS_EVENT_LOOP_PLATFORM_DEFAULT` or `AWS_EVENT_LOOP_EPOLL` here.
    pub r#type: aws_event_loop_type_raw,
    /// Optional: called once the group has shut down and its threads are joined.
    pub shutdown_options: *const aws_shutdown_callback_options,
    /// Optional: pin the loops to the CPUs of this group, one loop per (non hyper-thread) CPU.
    pub cpu_group: *const u16,
    /// Optional: the clock the loops' timers follow (default: `aws_high_res_clock_get_ticks`).
    pub clock_override: Option<aws_io_clock_fn>,
}

/// A reference-counted set of event loops, each on its own thread. Opaque.
pub struct aws_event_loop_group {
    allocator: *mut aws_allocator,
    refs: AtomicUsize,
    /// Taken by the last release; the group shuts down once no Rust user holds it either.
    group: ManuallyDrop<Arc<EventLoopGroup>>,
    kind: aws_event_loop_type,
    loops: *mut aws_event_loop,
    loop_count: usize,
    next: AtomicUsize,
}

/// One event loop of a group. Opaque; valid as long as its group.
pub struct aws_event_loop {
    event_loop: EventLoop,
    group: *mut aws_event_loop_group,
}

/// The group's pointer and the user's callback, moved into the shutdown callback, which runs on
/// the clean-up thread.
struct Handed(
    *mut aws_event_loop_group,
    Option<aws_shutdown_callback_options>,
);

// SAFETY: the group's memory is touched by one thread at a time: the creator, then (after the
// last release and the join of every loop thread) the clean-up thread.
// The user's callback and data are theirs to call from the clean-up thread, as upstream does.
unsafe impl Send for Handed {}

/// The group behind a C handle.
///
/// # Safety
/// A non-NULL `group` must come from `aws_event_loop_group_new*` and not be fully released.
pub unsafe fn group_of<'a>(group: *const aws_event_loop_group) -> Result<&'a Arc<EventLoopGroup>> {
    // SAFETY: forwarded caller contract.
    Ok(unsafe { &guard::reference(group)?.group })
}

/// The loop behind a C handle.
///
/// # Safety
/// A non-NULL `event_loop` must come from a group that is not shut down.
pub unsafe fn loop_of<'a>(event_loop: *const aws_event_loop) -> Result<&'a EventLoop> {
    // SAFETY: forwarded caller contract.
    Ok(unsafe { &guard::reference(event_loop)?.event_loop })
}

/// The C handle of `event_loop` within `group`; NULL when the loop is not one of the group's.
///
/// # Safety
/// A non-NULL `group` must come from `aws_event_loop_group_new*` and not be fully released.
pub unsafe fn c_loop_in(
    group: *const aws_event_loop_group,
    event_loop: &EventLoop,
) -> *mut aws_event_loop {
    // SAFETY: forwarded caller contract; the group's loops array has `loop_count` entries.
    unsafe {
        let Some(g) = group.as_ref() else {
            return std::ptr::null_mut();
        };
        (0..g.loop_count)
            .map(|i| g.loops.add(i))
            .find(|&l| (*l).event_loop.same_loop(event_loop))
            .unwrap_or(std::ptr::null_mut())
    }
}

/// The loop kind to run, or upstream's error for the others: `AWS_ERROR_PLATFORM_NOT_SUPPORTED`
/// for a kind of another platform, `AWS_ERROR_UNSUPPORTED_OPERATION` for an unknown value.
fn loop_kind(raw: aws_event_loop_type_raw) -> Result<aws_event_loop_type> {
    use aws_event_loop_type::*;
    match guard::enum_value::<aws_event_loop_type>(raw) {
        Ok(AWS_EVENT_LOOP_PLATFORM_DEFAULT | AWS_EVENT_LOOP_EPOLL) => Ok(AWS_EVENT_LOOP_EPOLL),
        Ok(_) => Err(AWS_ERROR_PLATFORM_NOT_SUPPORTED.into()),
        Err(_) => Err(AWS_ERROR_UNSUPPORTED_OPERATION.into()),
    }
}

/// The CPUs to pin loops to for `cpu_group`, as upstream without libnuma: every processor is
/// in the group, the upper half taken to be hyper-threads; loop `i` runs on CPU `i` when that
/// is not a hyper-thread, and is left out otherwise.
fn pinned_cpus(requested: usize) -> Vec<usize> {
    let cpus = event_loop_group::processor_count();
    let hyper_from = (cpus / 2).max(1);
    (0..requested.min(cpus))
        .filter(|&i| cpus == 1 || i < hyper_from)
        .collect()
}

/// A runtime clock reading the caller's C clock function (a failed read reports no time).
pub(crate) fn c_clock(read: aws_io_clock_fn) -> Clock {
    Clock::Custom(Arc::new(move || {
        let mut now = 0u64;
        // SAFETY: the caller's clock function, given a valid slot.
        (unsafe { read(&mut now) } == OP_SUCCESS).then_some(now)
    }))
}

/// Maps a failure to start the loops to upstream's error.
fn start_error(e: std::io::Error) -> Error {
    match e.raw_os_error() {
        Some(libc::ENOMEM) => AWS_ERROR_OOM.into(),
        _ => AWS_ERROR_SYS_CALL_FAILURE.into(),
    }
}

impl Handed {
    /// Frees the group's C memory (after its threads are joined), then calls the user's
    /// callback.
    ///
    /// # Safety
    /// The group must be fully released and its loop threads all joined.
    unsafe fn finish(self) {
        let Handed(group, done) = self;
        // SAFETY: nobody else uses the group any more (the caller's contract).
        unsafe {
            let allocator = (*group).allocator;
            let loops = (*group).loops;
            for i in 0..(*group).loop_count {
                ptr::drop_in_place(loops.add(i));
            }
            allocator::release(allocator, loops.cast());
            allocator::release(allocator, group.cast());
            if let Some(done) = done {
                if let Some(callback) = done.shutdown_callback_fn {
                    callback(done.shutdown_callback_user_data);
                }
            }
        }
    }
}

/// Builds a group from checked options.
///
/// # Safety
/// `allocator` must be a valid allocator.
unsafe fn new_group(
    allocator: *mut aws_allocator,
    options: &aws_event_loop_group_options,
) -> Result<*mut aws_event_loop_group> {
    let kind = loop_kind(options.r#type)?;
    let requested = match options.loop_count {
        0 => event_loop_group::default_loop_count(),
        n => n as usize,
    };
    // SAFETY: optional pointers the caller lends.
    let cpu_group = unsafe { options.cpu_group.as_ref() }.copied();
    let cpus = cpu_group.map(|_| pinned_cpus(requested));
    let count = cpus.as_ref().map_or(requested, Vec::len);
    require(count > 0)?;
    // SAFETY: as above.
    let done =
        unsafe { options.shutdown_options.as_ref() }.map(|o| aws_shutdown_callback_options {
            shutdown_callback_fn: o.shutdown_callback_fn,
            shutdown_callback_user_data: o.shutdown_callback_user_data,
        });
    let clock = options.clock_override.map_or(Clock::Monotonic, c_clock);

    // SAFETY: a valid allocator (the caller's contract); sizes are non-zero.
    let group: *mut aws_event_loop_group =
        unsafe { allocator::acquire(allocator, size_of::<aws_event_loop_group>()) }?
            .as_ptr()
            .cast();
    let loops_size = count
        .checked_mul(size_of::<aws_event_loop>())
        .ok_or(Error::from(AWS_ERROR_OOM))?;
    // SAFETY: as above.
    let loops: *mut aws_event_loop = match unsafe { allocator::acquire(allocator, loops_size) } {
        Ok(p) => p.as_ptr().cast(),
        Err(e) => {
            // SAFETY: just acquired from this allocator.
            unsafe { allocator::release(allocator, group.cast()) };
            return Err(e);
        }
    };
    let handed = Handed(group, done);
    // SAFETY: runs once, after the last release and the join of every loop thread.
    let on_shutdown = Box::new(move || unsafe { handed.finish() });
    let started = match &cpus {
        Some(cpus) => EventLoopGroup::pinned(cpus, clock, Some(on_shutdown)),
        None => EventLoopGroup::new(count as u16, clock, Some(on_shutdown)),
    };
    let rust_group = match started {
        Ok(g) => g,
        Err(e) => {
            // SAFETY: both blocks were just acquired from this allocator and hold nothing.
            unsafe {
                allocator::release(allocator, loops.cast());
                allocator::release(allocator, group.cast());
            }
            return Err(start_error(e));
        }
    };
    // SAFETY: the blocks are ours, sized and aligned (allocators return malloc alignment) for
    // these values; nothing reads them before they are written here.
    unsafe {
        for i in 0..count {
            let event_loop = rust_group.loop_at(i).expect("one loop per slot").clone();
            loops.add(i).write(aws_event_loop { event_loop, group });
        }
        group.write(aws_event_loop_group {
            allocator,
            refs: AtomicUsize::new(1),
            group: ManuallyDrop::new(rust_group),
            kind,
            loops,
            loop_count: count,
            next: AtomicUsize::new(0),
        });
    }
    Ok(group)
}

/// Creates a group as `options` say. NULL with `AWS_ERROR_INVALID_ARGUMENT` for a NULL
/// allocator or options, `AWS_ERROR_PLATFORM_NOT_SUPPORTED` for a loop type of another
/// platform, `AWS_ERROR_UNSUPPORTED_OPERATION` for an unknown one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_new(
    allocator: *mut aws_allocator,
    options: *const aws_event_loop_group_options,
) -> *mut aws_event_loop_group {
    guard::ptr(|| {
        // SAFETY: the caller lends a valid allocator and options, or NULL.
        unsafe {
            allocator::checked(allocator)?;
            new_group(allocator, guard::reference(options)?)
        }
    })
}

/// Creates a group of `max_threads` loops (0: one per physical core) of the default type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_new_default(
    alloc: *mut aws_allocator,
    max_threads: u16,
    shutdown_options: *const aws_shutdown_callback_options,
) -> *mut aws_event_loop_group {
    guard::ptr(|| {
        let options = aws_event_loop_group_options {
            loop_count: max_threads,
            r#type: aws_event_loop_type::AWS_EVENT_LOOP_PLATFORM_DEFAULT as c_int,
            shutdown_options,
            cpu_group: ptr::null(),
            clock_override: None,
        };
        // SAFETY: forwarded caller contract; the options live through the call.
        Ok(unsafe { aws_event_loop_group_new(alloc, &options) })
    })
}

/// As [`aws_event_loop_group_new_default`], with the loops pinned to the CPUs of `cpu_group`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_new_default_pinned_to_cpu_group(
    alloc: *mut aws_allocator,
    max_threads: u16,
    cpu_group: u16,
    shutdown_options: *const aws_shutdown_callback_options,
) -> *mut aws_event_loop_group {
    guard::ptr(|| {
        let options = aws_event_loop_group_options {
            loop_count: max_threads,
            r#type: aws_event_loop_type::AWS_EVENT_LOOP_PLATFORM_DEFAULT as c_int,
            shutdown_options,
            cpu_group: &cpu_group,
            clock_override: None,
        };
        // SAFETY: forwarded caller contract; the options live through the call.
        Ok(unsafe { aws_event_loop_group_new(alloc, &options) })
    })
}

/// Adds a reference and returns the group; NULL with `AWS_ERROR_INVALID_ARGUMENT` for NULL,
/// with `AWS_ERROR_INVALID_STATE` for a group already fully released (from a task cancelled by
/// its shutdown, say), which a new reference cannot bring back.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_acquire(
    el_group: *mut aws_event_loop_group,
) -> *mut aws_event_loop_group {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference to a live group.
        unsafe { guard::reference(el_group) }?
            .refs
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                if n == 0 { None } else { n.checked_add(1) }
            })
            .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
        Ok(el_group)
    })
}

/// Drops a reference; the last one starts the group's shutdown, which ends with the shutdown
/// callback on a clean-up thread. May be called anywhere, also on one of the group's loops.
/// NULL does nothing; releasing a group already fully released (while it shuts down) raises
/// `AWS_ERROR_INVALID_STATE` and changes nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_release(el_group: *mut aws_event_loop_group) {
    guard::guard((), || {
        if el_group.is_null() {
            return Ok(());
        }
        // SAFETY: the caller holds a reference to a live group.
        let refs = unsafe { &(*el_group).refs };
        let before = refs
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
        if before == 1 {
            // SAFETY: the last reference: nobody else reads the field any more.
            let group = unsafe { ManuallyDrop::take(&mut (*el_group).group) };
            drop(group);
        }
        Ok(())
    })
}

/// Adds a reference to the group `event_loop` belongs to and returns it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_acquire_from_event_loop(
    event_loop: *mut aws_event_loop,
) -> *mut aws_event_loop_group {
    guard::ptr(|| {
        // SAFETY: the caller lends a loop of a live group, or NULL.
        let l = unsafe { guard::reference(event_loop) }?;
        // SAFETY: as above.
        Ok(unsafe { aws_event_loop_group_acquire(l.group) })
    })
}

/// Drops a reference to the group `event_loop` belongs to. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_release_from_event_loop(
    event_loop: *mut aws_event_loop,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a loop of a live group, or NULL.
        if let Some(l) = unsafe { event_loop.as_ref() } {
            // SAFETY: as above.
            unsafe { aws_event_loop_group_release(l.group) }
        }
        Ok(())
    })
}

/// How many loops the group has; 0 with `AWS_ERROR_INVALID_ARGUMENT` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_get_loop_count(
    el_group: *const aws_event_loop_group,
) -> usize {
    // SAFETY: the caller lends a live group, or NULL.
    guard::guard(0, || Ok(unsafe { guard::reference(el_group) }?.loop_count))
}

/// The group's loop type (`AWS_EVENT_LOOP_EPOLL` here). `AWS_EVENT_LOOP_PLATFORM_DEFAULT` with
/// `AWS_ERROR_INVALID_ARGUMENT` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_get_type(
    el_group: *const aws_event_loop_group,
) -> aws_event_loop_type {
    guard::guard(aws_event_loop_type::AWS_EVENT_LOOP_PLATFORM_DEFAULT, || {
        // SAFETY: the caller lends a live group, or NULL.
        Ok(unsafe { guard::reference(el_group) }?.kind)
    })
}

/// The loop at `index`; NULL with `AWS_ERROR_INVALID_INDEX` past the end, with
/// `AWS_ERROR_INVALID_ARGUMENT` for a NULL group.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_get_loop_at(
    el_group: *mut aws_event_loop_group,
    index: usize,
) -> *mut aws_event_loop {
    guard::ptr(|| {
        // SAFETY: the caller lends a live group, or NULL.
        let group = unsafe { guard::reference(el_group) }?;
        if index >= group.loop_count {
            return Err(AWS_ERROR_INVALID_INDEX.into());
        }
        // SAFETY: in bounds of the group's array.
        Ok(unsafe { group.loops.add(index) })
    })
}

/// The next loop to use, round robin; NULL with `AWS_ERROR_INVALID_ARGUMENT` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_group_get_next_loop(
    el_group: *mut aws_event_loop_group,
) -> *mut aws_event_loop {
    guard::ptr(|| {
        // SAFETY: the caller lends a live group, or NULL.
        let group = unsafe { guard::reference(el_group) }?;
        let index = group.next.fetch_add(1, Ordering::Relaxed) % group.loop_count;
        // SAFETY: in bounds of the group's array.
        Ok(unsafe { group.loops.add(index) })
    })
}

/// True when called on the loop's thread; false with `AWS_ERROR_INVALID_ARGUMENT` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_thread_is_callers_thread(
    event_loop: *mut aws_event_loop,
) -> bool {
    // SAFETY: the caller lends a live loop, or NULL.
    guard::guard(false, || {
        Ok(unsafe { loop_of(event_loop) }?.is_current_thread())
    })
}

/// Reads the loop's clock into `*time_nanos`. A failing clock override returns `AWS_OP_ERR`
/// with the error it raised (`AWS_ERROR_CLOCK_FAILURE` if none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_current_clock_time(
    event_loop: *const aws_event_loop,
    time_nanos: *mut u64,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a live loop and a writable slot, or NULL.
        let (event_loop, out) = unsafe { (loop_of(event_loop)?, guard::mutable(time_nanos)?) };
        match event_loop.clock().now_ns() {
            Some(now) => {
                *out = now;
                Ok(())
            }
            None => Err(match aws_last_error() {
                0 => AWS_ERROR_CLOCK_FAILURE.into(),
                code => Error(code),
            }),
        }
    })
}

/// The C task as a Rust task: run with `AWS_TASK_STATUS_RUN_READY`, or, if dropped unrun,
/// with `AWS_TASK_STATUS_CANCELED`. Either way exactly once.
struct CTask(NonNull<aws_task>);

// SAFETY: the task is lent to the loop until its function runs; only the thread that runs or
// drops this value touches it.
unsafe impl Send for CTask {}

impl CTask {
    fn run(self) {
        let task = self.0;
        std::mem::forget(self);
        // SAFETY: the task is still lent to us and runs once.
        unsafe { task_scheduler::run(task, AWS_TASK_STATUS_RUN_READY) };
    }
}

impl Drop for CTask {
    fn drop(&mut self) {
        // SAFETY: as in `run`.
        unsafe { task_scheduler::run(self.0, task_scheduler::AWS_TASK_STATUS_CANCELED) };
    }
}

/// Schedules a C task for `deadline` (0: now), recording its id in the task first.
///
/// # Safety
/// `event_loop` and `task` as the scheduling functions' contracts say.
unsafe fn schedule(
    event_loop: *mut aws_event_loop,
    task: *mut aws_task,
    deadline: u64,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let (event_loop, task) = unsafe { (loop_of(event_loop)?, task_scheduler::checked(task)?) };
    let id = event_loop.new_timer_id(deadline);
    // SAFETY: the task is the caller's, lent from here on; it is written before the loop can
    // see it.
    unsafe {
        let t = task.as_ptr();
        (*t).timestamp = deadline;
        (*t).node.next = ptr::null_mut();
        (*t).node.prev = ptr::null_mut();
        (*t).priority_queue_node.current_index = id.seq() as usize;
        (*t).abi_extension.reserved = 0;
        (*t).abi_extension.scheduled = true;
    }
    let c_task = CTask(task);
    event_loop.schedule_timer(id, Box::new(move || c_task.run()));
    Ok(())
}

/// Runs the task on the loop's thread as soon as possible. Tasks scheduled now run in the
/// order of these calls, from any thread. A NULL loop or task, or a task without a function,
/// raises `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_schedule_task_now(
    event_loop: *mut aws_event_loop,
    task: *mut aws_task,
) {
    // SAFETY: forwarded caller contract.
    guard::guard((), || unsafe { schedule(event_loop, task, 0) })
}

/// As [`aws_event_loop_schedule_task_now`] (which keeps the order of submission here too).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_schedule_task_now_serialized(
    event_loop: *mut aws_event_loop,
    task: *mut aws_task,
) {
    // SAFETY: forwarded caller contract.
    guard::guard((), || unsafe { schedule(event_loop, task, 0) })
}

/// Runs the task on the loop's thread once the loop's clock reads `run_at_nanos` (see
/// [`aws_event_loop_current_clock_time`]); equal times run in the order scheduled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_schedule_task_future(
    event_loop: *mut aws_event_loop,
    task: *mut aws_task,
    run_at_nanos: u64,
) {
    // SAFETY: forwarded caller contract.
    guard::guard((), || unsafe { schedule(event_loop, task, run_at_nanos) })
}

/// Cancels a scheduled task: on the loop's thread its function runs with
/// `AWS_TASK_STATUS_CANCELED` inside this call; from another thread, at the loop's next tick
/// (the task must then still be scheduled when this is called). A task that is not scheduled
/// is left alone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_event_loop_cancel_task(
    event_loop: *mut aws_event_loop,
    task: *mut aws_task,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let (event_loop, task) = unsafe { (loop_of(event_loop)?, task_scheduler::checked(task)?) };
        // SAFETY: a task the caller lends; its fields were written when it was scheduled.
        let id = unsafe {
            if !task_scheduler::is_scheduled(task) {
                return Ok(());
            }
            let t = task.as_ptr();
            TimerId::new(
                (*t).timestamp,
                (*t).priority_queue_node.current_index as u64,
            )
        };
        event_loop.cancel(id);
        Ok(())
    })
}

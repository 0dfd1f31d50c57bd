//! `aws/common/thread.h`, continued: launching, joining and naming a program's own threads
//! (`struct aws_thread`), thread options, once-only initialisation, at-exit callbacks, and the
//! count of threads not joined yet that `aws_thread_join_all_managed` also waits for.
//!
//! A thread launched with `AWS_TJS_MANUAL` (the default) is a plain pthread the program joins
//! (or detaches with `aws_thread_clean_up`); with `AWS_TJS_MANAGED` it joins the library's
//! managed threads, which `aws_thread_join_all_managed` joins, and must not be joined by the
//! program. Pinning to `cpu_id` is best effort, as upstream's (a failure is ignored).
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_STATE, AWS_ERROR_SYS_CALL_FAILURE, AWS_ERROR_THREAD_DEADLOCK_DETECTED,
    AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE, AWS_ERROR_THREAD_INVALID_SETTINGS,
    AWS_ERROR_THREAD_NO_PERMISSIONS, AWS_ERROR_THREAD_NO_SUCH_THREAD_ID,
    AWS_ERROR_THREAD_NOT_JOINABLE,
};
use crate::ffi::common::string::{aws_string, new_string};
use crate::ffi::common::thread::aws_thread_id_t;
use crate::ffi::guard::{self, Error, Result, require};
use crate::runtime::lock::lock;
use crate::runtime::managed_threads;
use std::cell::RefCell;
use std::ffi::{c_int, c_void};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Where a thread is in its life (upstream's `enum aws_thread_detach_state`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_thread_detach_state {
    /// Set up, not launched.
    AWS_THREAD_NOT_CREATED = 1,
    /// Launched; the program joins it.
    AWS_THREAD_JOINABLE = 2,
    /// Joined.
    AWS_THREAD_JOIN_COMPLETED = 3,
    /// Launched as a managed thread; the library joins it.
    AWS_THREAD_MANAGED = 4,
}

/// A C `enum aws_thread_detach_state` received from C.
pub type aws_thread_detach_state_raw = c_int;

crate::c_enum!(aws_thread_detach_state);

/// Who joins a thread (upstream's `enum aws_thread_join_strategy`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_thread_join_strategy {
    /// The program joins it.
    AWS_TJS_MANUAL = 0,
    /// The library's managed-thread system joins it.
    AWS_TJS_MANAGED = 1,
}

/// A C `enum aws_thread_join_strategy` received from C.
pub type aws_thread_join_strategy_raw = c_int;

crate::c_enum!(aws_thread_join_strategy);

/// How to launch a thread (upstream's `struct aws_thread_options`).
#[repr(C)]
pub struct aws_thread_options {
    /// The stack size; 0 for the system's default.
    pub stack_size: usize,
    /// The CPU to pin the thread to, or -1 for none.
    pub cpu_id: i32,
    /// Who joins the thread.
    pub join_strategy: aws_thread_join_strategy_raw,
    /// The thread's name (at most 15 bytes show on Linux).
    pub name: aws_byte_cursor,
}

// SAFETY: the default options' name is the empty cursor; nothing is shared mutably.
unsafe impl Sync for aws_thread_options {}

/// A thread the program launches (upstream's `struct aws_thread`, POSIX layout).
#[repr(C)]
pub struct aws_thread {
    /// The allocator given to `aws_thread_init`.
    pub allocator: *mut aws_allocator,
    /// Where the thread is in its life.
    pub detach_state: aws_thread_detach_state_raw,
    /// The thread's pthread id, once launched.
    pub thread_id: aws_thread_id_t,
}

/// A once-only flag (`pthread_once_t`; initialise it with `AWS_THREAD_ONCE_STATIC_INIT`).
pub type aws_thread_once = libc::pthread_once_t;

/// A callback `aws_thread_current_at_exit` registers (the C typedef is in the fragment).
pub type aws_thread_atexit_fn = unsafe extern "C" fn(user_data: *mut c_void);

/// A thread's function.
type ThreadFn = unsafe extern "C" fn(arg: *mut c_void);

/// The options `aws_default_thread_options` returns.
static DEFAULT_OPTIONS: aws_thread_options = aws_thread_options {
    stack_size: 0,
    cpu_id: -1,
    join_strategy: aws_thread_join_strategy::AWS_TJS_MANUAL as c_int,
    name: aws_byte_cursor::EMPTY,
};

/// A caller's pointer that travels to the new thread (the caller vouches for it, as in C).
struct Sendable(*mut c_void);

// SAFETY: handing a C pointer to the thread the C caller asked to run with it.
unsafe impl Send for Sendable {}

thread_local! {
    /// The at-exit callbacks of the current thread, newest first; None on a thread this file
    /// did not launch.
    static AT_EXIT: RefCell<Option<Vec<(aws_thread_atexit_fn, Sendable)>>> = const { RefCell::new(None) };
    /// The function and argument of the `aws_thread_call_once` in progress on this thread.
    static ONCE: RefCell<Option<(ThreadFn, Sendable)>> = const { RefCell::new(None) };
}

/// Threads counted by `aws_thread_increment_unjoined_count`, not yet decremented.
static UNJOINED: Mutex<usize> = Mutex::new(0);
/// Signalled when [`UNJOINED`] goes down.
static UNJOINED_DOWN: Condvar = Condvar::new();

/// Waits until no counted thread is left unjoined, or `timeout` (zero: no limit) runs out;
/// whether none is left. `aws_thread_join_all_managed` calls it.
pub fn wait_unjoined(timeout: Duration) -> bool {
    let mut count = lock(&UNJOINED);
    let deadline = (!timeout.is_zero()).then(|| std::time::Instant::now() + timeout);
    while *count > 0 {
        count = match deadline {
            None => UNJOINED_DOWN.wait(count).unwrap_or_else(|p| p.into_inner()),
            Some(d) => {
                let left = d.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    return false;
                }
                UNJOINED_DOWN
                    .wait_timeout(count, left)
                    .unwrap_or_else(|p| p.into_inner())
                    .0
            }
        };
    }
    true
}

/// The system's default options: default stack, no pinning, `AWS_TJS_MANUAL`, no name.
#[unsafe(no_mangle)]
pub extern "C" fn aws_default_thread_options() -> *const aws_thread_options {
    guard::guard(std::ptr::null(), || Ok(&raw const DEFAULT_OPTIONS))
}

/// Calls `call_once(user_data)` if no call with this flag has run yet (in the whole process);
/// concurrent callers wait for the first to finish.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_call_once(
    flag: *mut aws_thread_once,
    call_once: Option<unsafe extern "C" fn(arg: *mut c_void)>,
    user_data: *mut c_void,
) {
    guard::guard((), || {
        require(!flag.is_null())?;
        let f = call_once.ok_or(guard::INVALID_ARGUMENT)?;
        ONCE.with(|o| *o.borrow_mut() = Some((f, Sendable(user_data))));
        // SAFETY: the caller lends a flag initialised with AWS_THREAD_ONCE_STATIC_INIT.
        unsafe { libc::pthread_once(flag, run_once) };
        ONCE.with(|o| o.borrow_mut().take());
        Ok(())
    })
}

/// `pthread_once`'s function: runs the call this thread's `aws_thread_call_once` set up.
extern "C" fn run_once() {
    guard::guard((), || {
        if let Some((f, Sendable(arg))) = ONCE.with(|o| o.borrow_mut().take()) {
            // SAFETY: the program's function with its argument.
            unsafe { f(arg) };
        }
        Ok(())
    })
}

/// Sets up `thread` (not launched yet) with `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_init(
    thread: *mut aws_thread,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a thread to set up.
        let t = unsafe { guard::mutable(thread) }?;
        *t = aws_thread {
            allocator,
            detach_state: aws_thread_detach_state::AWS_THREAD_NOT_CREATED as c_int,
            thread_id: 0,
        };
        Ok(())
    })
}

/// Starts a thread running `func(arg)` with `options` (NULL: the defaults). A manual thread
/// becomes `AWS_THREAD_JOINABLE`, a managed one `AWS_THREAD_MANAGED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_launch(
    thread: *mut aws_thread,
    func: Option<unsafe extern "C" fn(arg: *mut c_void)>,
    arg: *mut c_void,
    options: *const aws_thread_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a set-up thread and optional options.
        let t = unsafe { guard::mutable(thread) }?;
        let func = func.ok_or(guard::INVALID_ARGUMENT)?;
        let options = unsafe { options.as_ref() }.unwrap_or(&DEFAULT_OPTIONS);
        let strategy: aws_thread_join_strategy = guard::enum_value(options.join_strategy)?;
        let name = String::from_utf8_lossy(unsafe { options.name.as_bytes() }?).into_owned();
        let start = Box::new(Start {
            func,
            arg: Sendable(arg),
            cpu: options.cpu_id,
            name,
        });
        let no_thread = |_: std::io::Error| Error::from(AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE);
        match strategy {
            aws_thread_join_strategy::AWS_TJS_MANUAL => {
                // SAFETY: `start` is handed to the new thread, which frees it.
                t.thread_id = unsafe { pthread_start(start, options.stack_size) }?;
                t.detach_state = aws_thread_detach_state::AWS_THREAD_JOINABLE as c_int;
            }
            aws_thread_join_strategy::AWS_TJS_MANAGED => {
                let (id_tx, id_rx) = std::sync::mpsc::sync_channel(1);
                let body = move || {
                    // SAFETY: pthread_self only reads the calling thread's id.
                    let _ = id_tx.send(unsafe { libc::pthread_self() });
                    start.run();
                };
                managed_threads::spawn(String::new(), body).map_err(no_thread)?;
                t.thread_id = id_rx
                    .recv()
                    .map_err(|_| Error::from(AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE))?;
                t.detach_state = aws_thread_detach_state::AWS_THREAD_MANAGED as c_int;
            }
        }
        Ok(())
    })
}

/// What a new thread starts with.
struct Start {
    func: ThreadFn,
    arg: Sendable,
    cpu: i32,
    name: String,
}

/// Starts a plain pthread (joinable) running `start`, with `stack_size` (0: the default).
///
/// # Safety
/// `start`'s function and argument are the program's, valid on another thread.
unsafe fn pthread_start(start: Box<Start>, stack_size: usize) -> Result<libc::pthread_t> {
    let mut id: libc::pthread_t = 0;
    // SAFETY: a zeroed attribute object is initialised before use and destroyed after.
    let rc = unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        libc::pthread_attr_init(&mut attr);
        if stack_size > 0 {
            libc::pthread_attr_setstacksize(&mut attr, stack_size);
        }
        let raw = Box::into_raw(start);
        let rc = libc::pthread_create(&mut id, &attr, thread_main, raw.cast());
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            drop(Box::from_raw(raw));
        }
        rc
    };
    match rc {
        0 => Ok(id),
        libc::EINVAL => Err(AWS_ERROR_THREAD_INVALID_SETTINGS.into()),
        libc::EPERM => Err(AWS_ERROR_THREAD_NO_PERMISSIONS.into()),
        _ => Err(AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE.into()),
    }
}

/// A plain pthread's entry: takes its [`Start`] and runs it.
extern "C" fn thread_main(start: *mut c_void) -> *mut c_void {
    guard::guard(std::ptr::null_mut(), || {
        // SAFETY: `pthread_start` handed over the box it leaked.
        let start = unsafe { Box::from_raw(start.cast::<Start>()) };
        start.run();
        Ok(std::ptr::null_mut())
    })
}

impl Start {
    /// A launched thread's life: name and pinning, the program's function, then its at-exit
    /// callbacks (newest first).
    fn run(self) {
        if !self.name.is_empty() {
            // Linux keeps 15 bytes of a thread's name.
            let mut name: Vec<u8> = self
                .name
                .into_bytes()
                .into_iter()
                .filter(|&b| b != 0)
                .take(15)
                .collect();
            name.push(0);
            // SAFETY: a NUL-terminated name for the calling thread.
            unsafe { libc::pthread_setname_np(libc::pthread_self(), name.as_ptr().cast()) };
        }
        if let Ok(cpu) = usize::try_from(self.cpu) {
            pin_to(cpu);
        }
        AT_EXIT.with(|a| *a.borrow_mut() = Some(Vec::new()));
        let Sendable(arg) = self.arg;
        let func = self.func;
        // SAFETY: the program's function with the argument it gave.
        let _ = std::panic::catch_unwind(|| unsafe { func(arg) });
        let callbacks = AT_EXIT.with(|a| a.borrow_mut().take()).unwrap_or_default();
        for (callback, Sendable(data)) in callbacks.into_iter().rev() {
            // SAFETY: the program's callback with the data it registered.
            let _ = std::panic::catch_unwind(|| unsafe { callback(data) });
        }
    }
}

/// Pins the calling thread to `cpu`, best effort.
fn pin_to(cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is empty; CPU_SET and sched_setaffinity only touch it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if cpu < 8 * size_of::<libc::cpu_set_t>() {
            libc::CPU_SET(cpu, &mut set);
            libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set);
        }
    }
}

/// Registers `callback(user_data)` to run when the calling thread's function returns (newest
/// first). Only threads launched with `aws_thread_launch` have at-exit callbacks: on another
/// thread it fails with `AWS_ERROR_THREAD_NOT_JOINABLE`, as upstream's does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_current_at_exit(
    callback: Option<aws_thread_atexit_fn>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        let callback = callback.ok_or(guard::INVALID_ARGUMENT)?;
        AT_EXIT.with(|a| match a.borrow_mut().as_mut() {
            Some(list) => {
                list.push((callback, Sendable(user_data)));
                Ok(())
            }
            None => Err(AWS_ERROR_THREAD_NOT_JOINABLE.into()),
        })
    })
}

/// Where `thread` is in its life.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_get_detach_state(
    thread: *mut aws_thread,
) -> aws_thread_detach_state {
    guard::guard(aws_thread_detach_state::AWS_THREAD_NOT_CREATED, || {
        // SAFETY: the caller lends a thread.
        guard::enum_value(unsafe { guard::reference(thread) }?.detach_state)
    })
}

/// The pthread id of a launched thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_get_id(thread: *mut aws_thread) -> aws_thread_id_t {
    // SAFETY: the caller lends a thread.
    guard::guard(0, || Ok(unsafe { guard::reference(thread) }?.thread_id))
}

/// Waits for a joinable thread to finish (it becomes `AWS_THREAD_JOIN_COMPLETED`); does nothing
/// for a thread never launched or already joined. A managed thread cannot be joined here:
/// `AWS_ERROR_INVALID_STATE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_join(thread: *mut aws_thread) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a thread.
        let t = unsafe { guard::mutable(thread) }?;
        match guard::enum_value::<aws_thread_detach_state>(t.detach_state)? {
            aws_thread_detach_state::AWS_THREAD_JOINABLE => {}
            aws_thread_detach_state::AWS_THREAD_MANAGED => {
                return Err(AWS_ERROR_INVALID_STATE.into());
            }
            _ => return Ok(()),
        }
        // SAFETY: a joinable thread's id is a pthread nobody has joined or detached.
        let rc = unsafe { libc::pthread_join(t.thread_id, std::ptr::null_mut()) };
        let err = match rc {
            0 => None,
            libc::ESRCH => Some(AWS_ERROR_THREAD_NO_SUCH_THREAD_ID),
            libc::EDEADLK => Some(AWS_ERROR_THREAD_DEADLOCK_DETECTED),
            _ => Some(AWS_ERROR_THREAD_NOT_JOINABLE),
        };
        if let Some(e) = err {
            return Err(e.into());
        }
        t.detach_state = aws_thread_detach_state::AWS_THREAD_JOIN_COMPLETED as c_int;
        Ok(())
    })
}

/// Lets go of a thread: a joinable one not joined is detached (it runs on, unjoined).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_clean_up(thread: *mut aws_thread) {
    guard::guard((), || {
        // SAFETY: the caller lends a thread.
        let t = unsafe { guard::mutable(thread) }?;
        if t.detach_state == aws_thread_detach_state::AWS_THREAD_JOINABLE as c_int {
            // SAFETY: a joinable thread's id is a pthread nobody has joined or detached.
            unsafe { libc::pthread_detach(t.thread_id) };
            t.detach_state = aws_thread_detach_state::AWS_THREAD_JOIN_COMPLETED as c_int;
        }
        Ok(())
    })
}

/// Counts one more thread that `aws_thread_join_all_managed` must wait for.
#[unsafe(no_mangle)]
pub extern "C" fn aws_thread_increment_unjoined_count() {
    guard::guard((), || {
        *lock(&UNJOINED) += 1;
        Ok(())
    })
}

/// Counts one such thread less.
#[unsafe(no_mangle)]
pub extern "C" fn aws_thread_decrement_unjoined_count() {
    guard::guard((), || {
        let mut count = lock(&UNJOINED);
        *count = count.saturating_sub(1);
        UNJOINED_DOWN.notify_all();
        Ok(())
    })
}

/// `*out_name` = a new string (from `allocator`) with the calling thread's name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_current_name(
    allocator: *mut aws_allocator,
    out_name: *mut *mut aws_string,
) -> c_int {
    // SAFETY: the caller lends an allocator and a pointer to set.
    guard::op(|| unsafe { name_of(allocator, libc::pthread_self(), out_name) })
}

/// `*out_name` = a new string (from `allocator`) with the name of thread `thread_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thread_name(
    allocator: *mut aws_allocator,
    thread_id: aws_thread_id_t,
    out_name: *mut *mut aws_string,
) -> c_int {
    // SAFETY: as above; the id names a live thread.
    guard::op(|| unsafe { name_of(allocator, thread_id, out_name) })
}

/// Both names.
///
/// # Safety
/// As for the exported functions.
unsafe fn name_of(
    allocator: *mut aws_allocator,
    id: aws_thread_id_t,
    out_name: *mut *mut aws_string,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let out = unsafe { guard::mutable(out_name) }?;
    *out = std::ptr::null_mut();
    let mut name = [0 as std::ffi::c_char; 256];
    if unsafe { libc::pthread_getname_np(id, name.as_mut_ptr(), name.len()) } != 0 {
        return Err(AWS_ERROR_SYS_CALL_FAILURE.into());
    }
    let bytes = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }.to_bytes();
    *out = unsafe { new_string(allocator, bytes) }?.as_ptr();
    Ok(())
}

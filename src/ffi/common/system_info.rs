//! `aws/common/system_info.h` (all but the backtrace functions): processor count, page size,
//! CPU groups, the build platform, debugger detection, and the system environment (processor
//! and group counts, virtualization vendor and product name).
//!
//! CPU groups: upstream asks libnuma (when it can load it) for NUMA nodes; here there is no
//! NUMA support, so there is one group of every processor, with upstream's hyper-thread guess
//! (the upper half of the processors), as upstream reports without libnuma.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (an environment from `aws_system_environment_load`
//! still referenced; `cpu_ids_array` writable for `cpu_ids_array_length` entries).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::chars::aws_isspace;
use crate::ffi::common::log_state::{place, unplace};
use crate::ffi::guard;
use std::ffi::c_int;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The platform a library was built for.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_platform_os {
    /// Windows.
    AWS_PLATFORM_OS_WINDOWS,
    /// macOS.
    AWS_PLATFORM_OS_MAC,
    /// iOS and other Apple platforms.
    AWS_PLATFORM_OS_IOS,
    /// Android.
    AWS_PLATFORM_OS_ANDROID,
    /// Linux and the other Unix-like systems.
    AWS_PLATFORM_OS_UNIX,
}

/// A C `enum aws_platform_os` handed to C.
pub type aws_platform_os_raw = c_int;

/// One processor of a CPU group.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct aws_cpu_info {
    /// The processor's number; -1 in entries with no processor.
    pub cpu_id: i32,
    /// Whether it is likely the second hardware thread of a core.
    pub suspected_hyper_thread: bool,
}

/// A snapshot of the system (opaque to C), shared by reference count.
pub struct aws_system_environment {
    allocator: *mut aws_allocator,
    refs: AtomicUsize,
    vendor: Vec<u8>,
    product_name: Vec<u8>,
    cpu_count: usize,
    cpu_group_count: usize,
}

/// The online processors (`sysconf(_SC_NPROCESSORS_ONLN)`).
fn processor_count() -> usize {
    // SAFETY: sysconf has no preconditions.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) }).unwrap_or(0)
}

/// How many processors are online.
#[unsafe(no_mangle)]
pub extern "C" fn aws_system_info_processor_count() -> usize {
    guard::guard(0, || Ok(processor_count()))
}

/// The memory page size.
#[unsafe(no_mangle)]
pub extern "C" fn aws_system_info_page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    guard::guard(0, || {
        Ok(usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096))
    })
}

/// How many CPU groups there are: 1 (see the module comment).
#[unsafe(no_mangle)]
pub extern "C" fn aws_get_cpu_group_count() -> u16 {
    guard::guard(1, || Ok(1))
}

/// How many processors group `group_idx` has: all of them (the only group).
#[unsafe(no_mangle)]
pub extern "C" fn aws_get_cpu_count_for_group(group_idx: u16) -> usize {
    guard::guard(0, || {
        let _only_group = group_idx;
        Ok(processor_count())
    })
}

/// Fills `cpu_ids_array` with processors 0, 1, ...; those past half the array are marked as
/// suspected hyper-threads, as upstream does without NUMA information.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_get_cpu_ids_for_group(
    group_idx: u16,
    cpu_ids_array: *mut aws_cpu_info,
    cpu_ids_array_length: usize,
) {
    guard::guard((), || {
        let _ = group_idx;
        if cpu_ids_array_length == 0 {
            return Ok(());
        }
        guard::require(!cpu_ids_array.is_null())?;
        // SAFETY: forwarded caller contract.
        let cpus = unsafe { std::slice::from_raw_parts_mut(cpu_ids_array, cpu_ids_array_length) };
        let hint = (cpu_ids_array_length / 2).wrapping_sub(1);
        for (i, cpu) in cpus.iter_mut().enumerate() {
            *cpu = aws_cpu_info {
                cpu_id: i as i32,
                suspected_hyper_thread: i > hint,
            };
        }
        Ok(())
    })
}

/// [`aws_get_platform_build_os`]'s answer.
const BUILD_OS: c_int = aws_platform_os::AWS_PLATFORM_OS_UNIX as c_int;

/// The platform this library was built for: Unix.
#[unsafe(no_mangle)]
pub extern "C" fn aws_get_platform_build_os() -> aws_platform_os_raw {
    guard::guard(BUILD_OS, || Ok(BUILD_OS))
}

/// The build platform's name: `"Unix"`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_get_platform_build_os_string() -> aws_byte_cursor {
    guard::guard(aws_byte_cursor::EMPTY, || {
        Ok(aws_byte_cursor::from_slice(b"Unix"))
    })
}

/// True when a debugger (any tracer) is attached: `/proc/self/status` has a non-zero
/// `TracerPid`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_is_debugger_present() -> bool {
    guard::guard(false, || {
        Ok(crate::ffi::common::system_info_backtrace::debugger_attached())
    })
}

/// The contents of a small system file, empty when it cannot be read (best effort, as
/// upstream).
fn read_small(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

/// `bytes` without surrounding white space.
fn trimmed(bytes: &[u8]) -> aws_byte_cursor {
    let start = bytes
        .iter()
        .position(|&c| !aws_isspace(c))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&c| !aws_isspace(c))
        .map_or(start, |i| i + 1);
    aws_byte_cursor::from_slice(&bytes[start..end])
}

/// A snapshot of the system with one reference; NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_system_environment_load(
    allocator: *mut aws_allocator,
) -> *mut aws_system_environment {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let env = aws_system_environment {
            allocator,
            refs: AtomicUsize::new(1),
            vendor: read_small("/sys/devices/virtual/dmi/id/sys_vendor"),
            product_name: read_small("/sys/devices/virtual/dmi/id/product_name"),
            cpu_count: processor_count(),
            cpu_group_count: 1,
        };
        Ok(unsafe { place(allocator, env) }?.cast())
    })
}

/// Adds a reference to `env` and returns it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_system_environment_acquire(
    env: *mut aws_system_environment,
) -> *mut aws_system_environment {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { guard::reference(env) }?
            .refs
            .fetch_add(1, Ordering::Relaxed);
        Ok(env)
    })
}

/// Drops a reference to `env`, freeing it with the last; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_system_environment_release(env: *mut aws_system_environment) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        if let Some(e) = unsafe { env.as_ref() } {
            if e.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
                unsafe { unplace::<aws_system_environment>(e.allocator, env.cast()) };
            }
        }
        Ok(())
    })
}

/// The virtualization vendor (DMI `sys_vendor`), trimmed; empty when unknown.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_system_environment_get_virtualization_vendor(
    env: *const aws_system_environment,
) -> aws_byte_cursor {
    // SAFETY: forwarded caller contract.
    guard::guard(aws_byte_cursor::EMPTY, || {
        Ok(trimmed(&unsafe { guard::reference(env) }?.vendor))
    })
}

/// The product name (DMI `product_name`, such as an instance type), trimmed; empty when
/// unknown.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_system_environment_get_virtualization_product_name(
    env: *const aws_system_environment,
) -> aws_byte_cursor {
    // SAFETY: forwarded caller contract.
    guard::guard(aws_byte_cursor::EMPTY, || {
        Ok(trimmed(&unsafe { guard::reference(env) }?.product_name))
    })
}

/// The processor count when the snapshot was taken.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_system_environment_get_processor_count(
    env: *mut aws_system_environment,
) -> usize {
    // SAFETY: forwarded caller contract.
    guard::guard(0, || Ok(unsafe { guard::reference(env) }?.cpu_count))
}

/// The CPU group count when the snapshot was taken.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_system_environment_get_cpu_group_count(
    env: *const aws_system_environment,
) -> usize {
    // SAFETY: forwarded caller contract.
    guard::guard(0, || Ok(unsafe { guard::reference(env) }?.cpu_group_count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;

    #[test]
    fn counts_sizes_and_one_group_of_every_processor() {
        let n = aws_system_info_processor_count();
        assert!(n >= 1);
        assert!(aws_system_info_page_size().is_power_of_two());
        assert_eq!(aws_get_cpu_group_count(), 1);
        assert_eq!(aws_get_cpu_count_for_group(0), n);
        let mut cpus = [aws_cpu_info {
            cpu_id: 9,
            suspected_hyper_thread: true,
        }; 4];
        unsafe { aws_get_cpu_ids_for_group(0, cpus.as_mut_ptr(), 4) };
        let ids: Vec<(i32, bool)> = cpus
            .iter()
            .map(|c| (c.cpu_id, c.suspected_hyper_thread))
            .collect();
        assert_eq!(ids, vec![(0, false), (1, false), (2, true), (3, true)]);
        let mut one = [aws_cpu_info {
            cpu_id: 9,
            suspected_hyper_thread: true,
        }];
        unsafe { aws_get_cpu_ids_for_group(0, one.as_mut_ptr(), 1) };
        assert_eq!((one[0].cpu_id, one[0].suspected_hyper_thread), (0, false));
        assert_eq!(
            aws_get_platform_build_os(),
            aws_platform_os::AWS_PLATFORM_OS_UNIX as c_int
        );
        assert_eq!(
            unsafe { aws_get_platform_build_os_string().as_bytes() }.unwrap(),
            b"Unix"
        );
        assert!(!aws_is_debugger_present());
    }

    #[test]
    fn an_environment_is_reference_counted() {
        unsafe {
            let env = aws_system_environment_load(aws_default_allocator());
            assert!(!env.is_null());
            assert_eq!(aws_system_environment_acquire(env), env);
            aws_system_environment_release(env);
            assert_eq!(
                aws_system_environment_get_processor_count(env),
                aws_system_info_processor_count()
            );
            assert_eq!(aws_system_environment_get_cpu_group_count(env), 1);
            let vendor = aws_system_environment_get_virtualization_vendor(env)
                .as_bytes()
                .unwrap();
            assert!(!vendor.ends_with(b"\n"));
            aws_system_environment_release(env);
        }
    }
}

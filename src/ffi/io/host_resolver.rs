//! `aws/io/host_resolver.h`: the default host resolver ([`crate::runtime::host_resolver`]) as C
//! sees it: made, shared and released by reference count, asked to resolve host names, told of
//! connection failures, purged.
//!
//! Differences from upstream:
//! - `struct aws_host_resolver` is opaque (upstream shows its fields and a vtable for custom
//!   resolvers; a custom resolve *function* is still supported, through
//!   `aws_host_resolution_config.impl`).
//! - The resolution callback always runs on a resolver thread, a cached answer too (upstream
//!   answers from its cache on the caller's thread). It receives every address of the host, in
//!   the order to try them (IPv6 first, alternating with IPv4), where upstream gives at most one
//!   of each family.
//! - Addresses are cached per host for the config's `max_ttl`, not refreshed in the background:
//!   `resolve_frequency_ns` is not used, and `max_entries` bounds the hosts cached (the least
//!   recently used goes first). `el_group` may be NULL and is not used: the resolver runs its own
//!   threads.
//! - A host name that cannot be one (`"bad name"`, `"a..b"`) fails with
//!   `AWS_IO_DNS_INVALID_NAME` without asking the system; an IP literal is answered directly.
//! - NULL or invalid arguments raise `AWS_ERROR_INVALID_ARGUMENT` where upstream asserts; a
//!   NULL config means the default one.
//!
//! The shutdown callback runs once every resolver thread has been joined, on a clean-up thread
//! (or from the last release itself when the resolver never resolved anything, as upstream).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a resolver is one `aws_host_resolver_new_default`
//! made and that the caller still holds a reference to; a string is a valid `aws_string`.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::array_list::aws_array_list;
use crate::ffi::common::error::aws_common_error::{AWS_ERROR_INVALID_STATE, AWS_ERROR_OOM};
use crate::ffi::common::shutdown_types::{
    aws_shutdown_callback_options, aws_simple_completion_callback,
};
use crate::ffi::common::string::{aws_string, aws_string_destroy, new_string};
use crate::ffi::guard::{self, Error, OP_SUCCESS, Result, require};
use crate::ffi::io::event_loop::{aws_event_loop_group, aws_io_clock_fn, c_clock};
use crate::ffi::io::host_resolver_address::{
    aws_default_dns_resolve, aws_host_address, aws_resolve_host_implementation_fn, c_lookup,
    host_name_arg,
};
use crate::runtime::event_loop::Clock;
use crate::runtime::host_resolver::{
    HostResolver, ResolutionConfig, ResolveResult, ResolverOptions,
};
use crate::runtime::lock::lock;
use std::ffi::{c_int, c_void};
use std::net::IpAddr;
use std::ptr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Which addresses `aws_host_resolver_get_host_address_count` counts (flags, combined with `|`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_get_host_address_flags {
    /// Count IPv4 addresses.
    AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A = 0x0000_0001,
    /// Count IPv6 addresses.
    AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_AAAA = 0x0000_0002,
}

/// Receives a resolution's result, on a resolver thread: `err_code` 0 and the addresses
/// (`struct aws_host_address` items, in the order to try them) or an error code and NULL. The
/// list and its addresses belong to the resolver and are freed when the callback returns (the
/// C typedef lives in the fragment).
pub type aws_on_host_resolved_result_fn = unsafe extern "C" fn(
    resolver: *mut aws_host_resolver,
    host_name: *const aws_string,
    err_code: c_int,
    host_addresses: *const aws_array_list,
    user_data: *mut c_void,
);

/// How one request is resolved.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_host_resolution_config {
    /// The resolve function: `aws_default_dns_resolve` (the system's) or the caller's own, called
    /// on a resolver thread. NULL means the system's.
    pub r#impl: Option<aws_resolve_host_implementation_fn>,
    /// How long, in seconds, the host's addresses stay cached; 0 caches nothing.
    pub max_ttl: usize,
    /// Passed to `impl`.
    pub impl_data: *mut c_void,
    /// Upstream's background refresh interval; not used here (addresses are cached for
    /// `max_ttl` and not refreshed in the background).
    pub resolve_frequency_ns: u64,
}

/// Which host to forget, and what to call once it is forgotten.
#[repr(C)]
pub struct aws_host_resolver_purge_host_options {
    /// The host.
    pub host: *const aws_string,
    /// Called once the host is purged, on a resolver thread; may be NULL.
    pub on_host_purge_complete_callback: Option<aws_simple_completion_callback>,
    /// Passed to the callback.
    pub user_data: *mut c_void,
}

/// How `aws_host_resolver_new_default` makes a resolver.
#[repr(C)]
pub struct aws_host_resolver_default_options {
    /// The most hosts cached at once (0 counts as 1).
    pub max_entries: usize,
    /// Upstream's event-loop group for its completion tasks; may be NULL, not used here.
    pub el_group: *mut aws_event_loop_group,
    /// Optional: called once the resolver has shut down.
    pub shutdown_options: *const aws_shutdown_callback_options,
    /// Optional: the clock that times cached addresses out (default: the monotonic clock).
    pub system_clock_override_fn: Option<aws_io_clock_fn>,
}

/// A host resolver. Opaque.
pub struct aws_host_resolver {
    allocator: *mut aws_allocator,
    refs: AtomicUsize,
    /// Taken by the last release; dropping it starts the shutdown.
    resolver: Mutex<Option<HostResolver>>,
    clock: Clock,
}

/// A pointer moved into a callback that runs on a resolver thread.
#[derive(Clone, Copy)]
struct Sent<T>(T);

// SAFETY: the resolver handle lives until its shutdown callback, which runs after every other
// callback; user data and callbacks are the caller's to call from the resolver's threads, as
// upstream does.
unsafe impl<T> Send for Sent<T> {}

impl<T> Sent<T> {
    /// The value, taken whole (so a closure captures the `Send` wrapper, not its fields).
    fn into_inner(self) -> T {
        self.0
    }
}

/// The Rust resolver behind a C handle; `AWS_ERROR_INVALID_STATE` once fully released.
///
/// # Safety
/// A non-NULL `resolver` must come from `aws_host_resolver_new_default` and not be freed.
pub(crate) unsafe fn resolver_of<'a>(
    resolver: *mut aws_host_resolver,
) -> Result<(&'a aws_host_resolver, HostResolver)> {
    // SAFETY: forwarded caller contract.
    let handle = unsafe { guard::reference(resolver) }?;
    let inner = lock(&handle.resolver)
        .clone()
        .ok_or(Error::from(AWS_ERROR_INVALID_STATE))?;
    Ok((handle, inner))
}

/// Makes a resolver with one reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_new_default(
    allocator: *mut aws_allocator,
    options: *const aws_host_resolver_default_options,
) -> *mut aws_host_resolver {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator and the options.
        let options = unsafe { guard::reference(options) }?;
        unsafe { allocator::checked(allocator) }?;
        let shutdown =
            unsafe { options.shutdown_options.as_ref() }.map(|s| aws_shutdown_callback_options {
                shutdown_callback_fn: s.shutdown_callback_fn,
                shutdown_callback_user_data: s.shutdown_callback_user_data,
            });
        let clock = options
            .system_clock_override_fn
            .map_or(Clock::Monotonic, c_clock);
        let block = unsafe { allocator::acquire(allocator, size_of::<aws_host_resolver>()) }?;
        let handle = block.as_ptr().cast::<aws_host_resolver>();
        let handed = Sent((handle, shutdown));
        let resolver = HostResolver::new(ResolverOptions {
            max_entries: options.max_entries,
            clock: clock.clone(),
            on_shutdown: Some(Box::new(move || {
                let (handle, shutdown) = handed.into_inner();
                // SAFETY: every resolver thread is joined and nothing refers to the handle.
                unsafe { free_and_report(handle, shutdown) }
            })),
            ..ResolverOptions::default()
        });
        // SAFETY: the block is fresh and sized for the handle.
        unsafe {
            handle.write(aws_host_resolver {
                allocator,
                refs: AtomicUsize::new(1),
                resolver: Mutex::new(Some(resolver)),
                clock,
            })
        };
        Ok(handle)
    })
}

/// Frees a fully shut down handle, then calls the user's shutdown callback.
///
/// # Safety
/// `handle` must be fully released, with no callback of its resolver running or to come.
unsafe fn free_and_report(
    handle: *mut aws_host_resolver,
    shutdown: Option<aws_shutdown_callback_options>,
) {
    // SAFETY: nobody else uses the handle any more (the caller's contract).
    unsafe {
        let allocator = (*handle).allocator;
        ptr::drop_in_place(handle);
        allocator::release(allocator, handle.cast());
        if let Some(s) = shutdown {
            if let Some(callback) = s.shutdown_callback_fn {
                callback(s.shutdown_callback_user_data);
            }
        }
    }
}

/// Adds a reference and returns `resolver` (NULL for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_acquire(
    resolver: *mut aws_host_resolver,
) -> *mut aws_host_resolver {
    guard::guard(resolver, || {
        // SAFETY: the caller holds a reference to a resolver, or passes NULL.
        if let Some(handle) = unsafe { resolver.as_ref() } {
            handle.refs.fetch_add(1, Ordering::Relaxed);
        }
        Ok(resolver)
    })
}

/// Drops a reference (NULL does nothing). The last one starts the shutdown: lookups under way
/// finish and are delivered, those not started fail with `AWS_IO_DNS_HOST_REMOVED_FROM_CACHE`,
/// and the shutdown callback runs once the resolver's threads are joined.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_release(resolver: *mut aws_host_resolver) {
    guard::guard((), || {
        let last = {
            // SAFETY: the caller holds a reference to a resolver, or passes NULL.
            let Some(handle) = (unsafe { resolver.as_ref() }) else {
                return Ok(());
            };
            let previous = handle
                .refs
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
                .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
            if previous != 1 {
                return Ok(());
            }
            lock(&handle.resolver).take()
        };
        // Dropping the resolver starts the shutdown, which may free the handle at once: nothing
        // here refers to it any more.
        drop(last);
        Ok(())
    })
}

/// The default resolution config: the system's resolver, addresses cached for 30 seconds
/// (upstream's values: `impl` is `aws_default_dns_resolve`, `resolve_frequency_ns` one second).
#[unsafe(no_mangle)]
pub extern "C" fn aws_host_resolver_init_default_resolution_config() -> aws_host_resolution_config {
    guard::guard(DEFAULT_RESOLUTION_CONFIG, || Ok(DEFAULT_RESOLUTION_CONFIG))
}

/// What [`aws_host_resolver_init_default_resolution_config`] returns.
const DEFAULT_RESOLUTION_CONFIG: aws_host_resolution_config = aws_host_resolution_config {
    r#impl: Some(aws_default_dns_resolve),
    max_ttl: ResolutionConfig::DEFAULT_MAX_TTL.as_secs() as usize,
    impl_data: ptr::null_mut(),
    resolve_frequency_ns: 1_000_000_000,
};

/// The Rust form of a caller's config (NULL: the default).
///
/// # Safety
/// A non-NULL `config` must be valid, and its `impl` callable with `impl_data` from resolver
/// threads.
pub(crate) unsafe fn resolution_config(
    config: *const aws_host_resolution_config,
    allocator: *mut aws_allocator,
) -> ResolutionConfig {
    // SAFETY: forwarded caller contract.
    let Some(c) = (unsafe { config.as_ref() }) else {
        return ResolutionConfig::default();
    };
    let system: aws_resolve_host_implementation_fn = aws_default_dns_resolve;
    let lookup = match c.r#impl {
        Some(f) if !std::ptr::fn_addr_eq(f, system) => {
            // SAFETY: forwarded caller contract; the allocator outlives the resolver's threads.
            Some(unsafe { c_lookup(f, c.impl_data, allocator) })
        }
        _ => None,
    };
    ResolutionConfig {
        max_ttl: Duration::from_secs(c.max_ttl as u64),
        lookup,
    }
}

/// Resolves `host_name`; `res` receives the result on a resolver thread (see
/// `aws_on_host_resolved_result_fn`). The config (NULL: the default) is copied. Fails at once
/// only for bad arguments (`AWS_IO_DNS_INVALID_NAME` for a name that is not UTF-8) or when no
/// resolver thread can start; `res` is then not called.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_resolve_host(
    resolver: *mut aws_host_resolver,
    host_name: *const aws_string,
    res: Option<aws_on_host_resolved_result_fn>,
    config: *const aws_host_resolution_config,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a resolver it holds, a name and a config.
        let (handle, inner) = unsafe { resolver_of(resolver) }?;
        let host = unsafe { host_name_arg(host_name) }?;
        let res = res.ok_or(guard::INVALID_ARGUMENT)?;
        let config = unsafe { resolution_config(config, handle.allocator) };
        let target = Sent(Target {
            resolver,
            res,
            user_data,
            host: host.to_string(),
            max_ttl: config.max_ttl,
        });
        let deliver = move |result: ResolveResult| {
            let target = target.into_inner();
            // SAFETY: the handle outlives every callback of its resolver.
            unsafe { target.call(result) }
        };
        inner
            .resolve_with(host, &config, Box::new(deliver))
            .map_err(Error)
    })
}

/// Where a resolution's result goes.
struct Target {
    resolver: *mut aws_host_resolver,
    res: aws_on_host_resolved_result_fn,
    user_data: *mut c_void,
    host: String,
    max_ttl: Duration,
}

impl Target {
    /// Calls the C callback with the result as C sees it, then frees what was lent to it.
    ///
    /// # Safety
    /// `resolver` must be a live handle.
    unsafe fn call(self, result: ResolveResult) {
        // SAFETY: the caller's contract.
        let handle = unsafe { &*self.resolver };
        let allocator = handle.allocator;
        // SAFETY: the handle's allocator is valid while the handle lives.
        let Ok(name) = (unsafe { new_string(allocator, self.host.as_bytes()) }) else {
            // SAFETY: the caller's callback, with its data.
            unsafe {
                (self.res)(
                    self.resolver,
                    ptr::null(),
                    AWS_ERROR_OOM as c_int,
                    ptr::null(),
                    self.user_data,
                )
            };
            return;
        };
        let expiry = handle
            .clock
            .now_ns()
            .unwrap_or(0)
            .saturating_add(u64::try_from(self.max_ttl.as_nanos()).unwrap_or(u64::MAX));
        // SAFETY: the allocator is valid; the addresses are freed below.
        let addresses =
            result.and_then(|found| unsafe { c_addresses(allocator, &self.host, &found, expiry) });
        // SAFETY: the caller's callback, with its data; the list and strings outlive the call.
        unsafe {
            match addresses {
                Ok(mut list) => {
                    let c_list = aws_array_list::over(&mut list);
                    (self.res)(
                        self.resolver,
                        name.as_ptr(),
                        OP_SUCCESS,
                        &c_list,
                        self.user_data,
                    );
                    for address in &mut list {
                        address.clean_up();
                    }
                }
                Err(code) => (self.res)(
                    self.resolver,
                    name.as_ptr(),
                    code,
                    ptr::null(),
                    self.user_data,
                ),
            }
            aws_string_destroy(name.as_ptr());
        }
    }
}

/// The addresses as C sees them, strings from `allocator`; `AWS_ERROR_OOM` when they do not fit.
///
/// # Safety
/// `allocator` must be a valid allocator.
unsafe fn c_addresses(
    allocator: *mut aws_allocator,
    host: &str,
    found: &[crate::runtime::host_resolver::HostAddress],
    expiry: u64,
) -> std::result::Result<Vec<aws_host_address>, c_int> {
    let mut out = Vec::with_capacity(found.len());
    for address in found {
        // SAFETY: forwarded caller contract.
        match unsafe { aws_host_address::new(allocator, host.as_bytes(), address, expiry) } {
            Ok(a) => out.push(a),
            Err(Error(code)) => {
                for a in &mut out {
                    // SAFETY: each address owns its strings.
                    unsafe { a.clean_up() };
                }
                return Err(code);
            }
        }
    }
    Ok(out)
}

/// Notes that connecting to `address` failed: until its host is resolved again, the address is
/// handed out after every address of the host not known to fail.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_record_connection_failure(
    resolver: *mut aws_host_resolver,
    address: *const aws_host_address,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a resolver it holds and an address.
        let (_, inner) = unsafe { resolver_of(resolver) }?;
        let address = unsafe { guard::reference(address) }?;
        let host = unsafe { host_name_arg(address.host) }?;
        let text = unsafe { host_name_arg(address.address) }?;
        let ip: IpAddr = text.parse().map_err(|_| guard::INVALID_ARGUMENT)?;
        inner.record_connection_failure(host, ip);
        Ok(())
    })
}

/// Forgets every cached host. Deprecated upstream in favour of
/// `aws_host_resolver_purge_cache_with_callback`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_purge_cache(resolver: *mut aws_host_resolver) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { aws_host_resolver_purge_cache_with_callback(resolver, None, ptr::null_mut()) }
}

/// Runs a completion callback on a resolver thread, if there is one.
fn complete_later(
    inner: &HostResolver,
    callback: Option<aws_simple_completion_callback>,
    user_data: *mut c_void,
) -> Result<()> {
    let Some(callback) = callback else {
        return Ok(());
    };
    let target = Sent((callback, user_data));
    inner
        .schedule(Box::new(move || {
            let (callback, user_data) = target.into_inner();
            // SAFETY: the caller's callback, with its data.
            unsafe { callback(user_data) }
        }))
        .map_err(Error)
}

/// Forgets every cached host; `on_purge_cache_complete_callback` (may be NULL) then runs on a
/// resolver thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_purge_cache_with_callback(
    resolver: *mut aws_host_resolver,
    on_purge_cache_complete_callback: Option<aws_simple_completion_callback>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a resolver it holds.
        let (_, inner) = unsafe { resolver_of(resolver) }?;
        inner.purge_cache();
        complete_later(&inner, on_purge_cache_complete_callback, user_data)
    })
}

/// Forgets one host's addresses; the options' callback (may be NULL) then runs on a resolver
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_purge_host_cache(
    resolver: *mut aws_host_resolver,
    options: *const aws_host_resolver_purge_host_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a resolver it holds and the options.
        let (_, inner) = unsafe { resolver_of(resolver) }?;
        let options = unsafe { guard::reference(options) }?;
        let host = unsafe { host_name_arg(options.host) }?;
        inner.purge_host(host);
        complete_later(
            &inner,
            options.on_host_purge_complete_callback,
            options.user_data,
        )
    })
}

/// How many addresses of `host_name` the cache holds, of the kinds `flags` selects
/// (`AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A | ..._AAAA`); 0 on bad arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_resolver_get_host_address_count(
    resolver: *mut aws_host_resolver,
    host_name: *const aws_string,
    flags: u32,
) -> usize {
    guard::guard(0, || {
        // SAFETY: the caller lends a resolver it holds and a name.
        let (_, inner) = unsafe { resolver_of(resolver) }?;
        let host = unsafe { host_name_arg(host_name) }?;
        require(flags & !3 == 0)?;
        let a = flags & aws_get_host_address_flags::AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A as u32
            != 0;
        let aaaa = flags
            & aws_get_host_address_flags::AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_AAAA as u32
            != 0;
        Ok(inner.cached_address_count(host, aaaa, a))
    })
}

//! `aws/io/channel_bootstrap.h`: the client bootstrap, which ties an event-loop group and a host
//! resolver together for the clients that connect through it.
//!
//! `aws_client_bootstrap_new` takes a reference to the group and to the resolver and deep-copies
//! the resolution config; the clients reach them through [`connector_of`]. The last
//! `aws_client_bootstrap_release` releases the group and the resolver and then calls
//! `on_shutdown_complete`. Unlike upstream, which calls it from inside that release, it runs
//! asynchronously, on one of the group's loop threads (so it never runs re-entrantly inside an
//! API call), and the bootstrap's memory is freed just before it.
//!
//! Differences from upstream, all on misuse: a NULL allocator, options, group or resolver
//! raises `AWS_ERROR_INVALID_ARGUMENT` (upstream asserts); releasing a bootstrap already fully
//! released raises `AWS_ERROR_INVALID_STATE`.
//!
//! # Safety
//! Every exported function has the same contract: a pointer argument is NULL or points to a
//! valid object of its type; a bootstrap is one `aws_client_bootstrap_new` made and that the
//! caller still holds a reference to.

pub(crate) use crate::connection::connector::Connector;
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_STATE;
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::io::event_loop::{
    aws_event_loop, aws_event_loop_group, aws_event_loop_group_acquire,
    aws_event_loop_group_release, c_loop_in, group_of,
};
use crate::ffi::io::host_resolver::{
    aws_host_resolution_config, aws_host_resolver, aws_host_resolver_acquire,
    aws_host_resolver_release, resolution_config, resolver_of,
};
use crate::runtime::event_loop::EventLoop;
use crate::runtime::host_resolver::ResolutionConfig;
use std::ffi::c_void;
use std::mem::size_of;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Called once a client bootstrap has shut down (the C typedef lives in the fragment).
pub type aws_client_bootstrap_shutdown_complete_fn = unsafe extern "C" fn(user_data: *mut c_void);

/// How `aws_client_bootstrap_new` makes a bootstrap.
#[repr(C)]
pub struct aws_client_bootstrap_options {
    /// Required: the loops the bootstrap's connections run on. A reference is taken.
    pub event_loop_group: *mut aws_event_loop_group,
    /// Required: resolves the hosts connected to. A reference is taken.
    pub host_resolver: *mut aws_host_resolver,
    /// Optional: how hosts are resolved (NULL: the default); deep-copied.
    pub host_resolution_config: *const aws_host_resolution_config,
    /// Optional: called once the bootstrap has shut down, after its last release.
    pub on_shutdown_complete: Option<aws_client_bootstrap_shutdown_complete_fn>,
    /// Passed to `on_shutdown_complete`.
    pub user_data: *mut c_void,
}

/// A client bootstrap. Opaque.
pub struct aws_client_bootstrap {
    allocator: *mut aws_allocator,
    refs: AtomicUsize,
    event_loop_group: *mut aws_event_loop_group,
    host_resolver: *mut aws_host_resolver,
    resolution: ResolutionConfig,
    on_shutdown_complete: Option<aws_client_bootstrap_shutdown_complete_fn>,
    user_data: *mut c_void,
}

/// The group, resolver and resolution config behind a C bootstrap, for a client to connect
/// through. `AWS_ERROR_INVALID_STATE` once the resolver or group is shut down.
///
/// # Safety
/// A non-NULL `bootstrap` must be a live bootstrap the caller holds a reference to.
pub(crate) unsafe fn connector_of(bootstrap: *const aws_client_bootstrap) -> Result<Connector> {
    // SAFETY: forwarded caller contract; the bootstrap holds references to both.
    unsafe {
        let b = guard::reference(bootstrap)?;
        let group = group_of(b.event_loop_group)?.clone();
        let (_, resolver) = resolver_of(b.host_resolver)?;
        Ok(Connector {
            group,
            resolver,
            resolution: b.resolution.clone(),
        })
    }
}

/// The C handle of `event_loop`, one of `bootstrap`'s group's loops (NULL if it is not).
///
/// # Safety
/// A non-NULL `bootstrap` must be a live bootstrap.
pub(crate) unsafe fn c_loop_of(
    bootstrap: *const aws_client_bootstrap,
    event_loop: &EventLoop,
) -> *mut aws_event_loop {
    // SAFETY: forwarded caller contract; the bootstrap holds a reference to its group.
    unsafe {
        match bootstrap.as_ref() {
            Some(b) => c_loop_in(b.event_loop_group, event_loop),
            None => std::ptr::null_mut(),
        }
    }
}

/// Makes a bootstrap with one reference, holding references to the options' group and
/// resolver. NULL with `AWS_ERROR_INVALID_ARGUMENT` for a NULL allocator, options, group or
/// resolver.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_client_bootstrap_new(
    allocator: *mut aws_allocator,
    options: *const aws_client_bootstrap_options,
) -> *mut aws_client_bootstrap {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator and options naming a live group and resolver.
        unsafe {
            allocator::checked(allocator)?;
            let options = guard::reference(options)?;
            guard::require(!options.event_loop_group.is_null())?;
            guard::require(!options.host_resolver.is_null())?;
            resolver_of(options.host_resolver)?;
            let resolution = resolution_config(options.host_resolution_config, allocator);
            let block = allocator::acquire(allocator, size_of::<aws_client_bootstrap>())?;
            let group = aws_event_loop_group_acquire(options.event_loop_group);
            if group.is_null() {
                allocator::release(allocator, block.as_ptr());
                return Err(Error::from(AWS_ERROR_INVALID_STATE));
            }
            let bootstrap = block.as_ptr().cast::<aws_client_bootstrap>();
            bootstrap.write(aws_client_bootstrap {
                allocator,
                refs: AtomicUsize::new(1),
                event_loop_group: group,
                host_resolver: aws_host_resolver_acquire(options.host_resolver),
                resolution,
                on_shutdown_complete: options.on_shutdown_complete,
                user_data: options.user_data,
            });
            crate::aws_log!(
                AWS_LL_INFO,
                AWS_LS_IO_CHANNEL_BOOTSTRAP,
                "id={:p}: Initializing client bootstrap with event-loop group {:p}",
                bootstrap,
                group
            );
            Ok(bootstrap)
        }
    })
}

/// Adds a reference and returns `bootstrap` (NULL for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_client_bootstrap_acquire(
    bootstrap: *mut aws_client_bootstrap,
) -> *mut aws_client_bootstrap {
    guard::guard(ptr::null_mut(), || {
        // SAFETY: the caller holds a reference to a live bootstrap, or passes NULL.
        if let Some(b) = unsafe { bootstrap.as_ref() } {
            b.refs
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    if n == 0 { None } else { n.checked_add(1) }
                })
                .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
        }
        Ok(bootstrap)
    })
}

/// The bootstrap's memory and the user's callback, moved to the loop thread that finishes it.
struct Finish(*mut aws_client_bootstrap);

// SAFETY: once fully released, only the thread that runs or drops this touches the bootstrap;
// the user's callback and data are theirs to call from a loop thread.
unsafe impl Send for Finish {}

impl Finish {
    fn run(self) {
        drop(self);
    }
}

impl Drop for Finish {
    /// Frees the bootstrap, then calls `on_shutdown_complete` (run or dropped: exactly once).
    fn drop(&mut self) {
        // SAFETY: fully released; nobody else refers to the bootstrap.
        unsafe {
            let b = self.0;
            let allocator = (*b).allocator;
            let callback = (*b).on_shutdown_complete;
            let user_data = (*b).user_data;
            ptr::drop_in_place(b);
            allocator::release(allocator, b.cast());
            if let Some(callback) = callback {
                callback(user_data);
            }
        }
    }
}

/// Drops a reference (NULL does nothing). The last one releases the group and the resolver;
/// `on_shutdown_complete` then runs on one of the group's loop threads (or, when
/// that loop has already stopped, inside this call).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_client_bootstrap_release(bootstrap: *mut aws_client_bootstrap) {
    guard::guard((), || {
        // SAFETY: the caller holds a reference to a live bootstrap, or passes NULL.
        let Some(b) = (unsafe { bootstrap.as_ref() }) else {
            return Ok(());
        };
        let previous = b
            .refs
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .map_err(|_| Error::from(AWS_ERROR_INVALID_STATE))?;
        if previous != 1 {
            return Ok(());
        }
        crate::aws_log!(
            AWS_LL_DEBUG,
            AWS_LS_IO_CHANNEL_BOOTSTRAP,
            "id={:p}: bootstrap destroying",
            bootstrap
        );
        let (group, resolver) = (b.event_loop_group, b.host_resolver);
        // SAFETY: the bootstrap still holds its reference to the group.
        let event_loop = unsafe { group_of(group) }.map(|g| g.next_loop().clone());
        // SAFETY: the references the bootstrap took in `aws_client_bootstrap_new`.
        unsafe {
            aws_host_resolver_release(resolver);
            aws_event_loop_group_release(group);
        }
        // A loop handle outlives its group harmlessly. Scheduled on a loop still running, the
        // task runs there, or is dropped there at its shutdown (which finishes too); on a loop
        // already stopped it is dropped here, finishing at once.
        let finish = Finish(bootstrap);
        match event_loop {
            Ok(event_loop) => event_loop.schedule_now(Box::new(move || finish.run())),
            Err(_) => finish.run(),
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::io::event_loop::aws_event_loop_group_new_default;
    use crate::ffi::io::host_resolver::{
        aws_host_resolver_default_options, aws_host_resolver_new_default,
    };
    use crate::transport::socket_options::SocketOptions;
    use std::mem::offset_of;
    use std::net::TcpListener;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    #[test]
    fn the_options_have_upstreams_layout() {
        assert_eq!(size_of::<aws_client_bootstrap_options>(), 40);
        assert_eq!(
            offset_of!(aws_client_bootstrap_options, event_loop_group),
            0
        );
        assert_eq!(offset_of!(aws_client_bootstrap_options, host_resolver), 8);
        assert_eq!(
            offset_of!(aws_client_bootstrap_options, host_resolution_config),
            16
        );
        assert_eq!(
            offset_of!(aws_client_bootstrap_options, on_shutdown_complete),
            24
        );
        assert_eq!(offset_of!(aws_client_bootstrap_options, user_data), 32);
    }

    #[test]
    fn a_client_connects_to_localhost_through_the_bootstrap() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        // SAFETY: valid arguments; every reference is released below.
        unsafe {
            let alloc = aws_default_allocator();
            let group = aws_event_loop_group_new_default(alloc, 1, ptr::null());
            let resolver_options = aws_host_resolver_default_options {
                max_entries: 4,
                el_group: group,
                shutdown_options: ptr::null(),
                system_clock_override_fn: None,
            };
            let resolver = aws_host_resolver_new_default(alloc, &resolver_options);
            let options = aws_client_bootstrap_options {
                event_loop_group: group,
                host_resolver: resolver,
                host_resolution_config: ptr::null(),
                on_shutdown_complete: None,
                user_data: ptr::null_mut(),
            };
            let bootstrap = aws_client_bootstrap_new(alloc, &options);
            assert!(!bootstrap.is_null());
            aws_host_resolver_release(resolver);
            aws_event_loop_group_release(group);

            let connector = connector_of(bootstrap).unwrap();
            let event_loop = connector.next_loop();
            let (tx, rx) = channel();
            connector.connect(
                &event_loop,
                "localhost",
                port.into(),
                &SocketOptions::default(),
                Box::new(move |r| tx.send(r.map(|s| s.peer_ip())).unwrap()),
            );
            let result = rx.recv_timeout(Duration::from_secs(10)).unwrap();
            let peer = result.unwrap().unwrap();
            assert_eq!(peer.port(), port);
            drop(connector);
            aws_client_bootstrap_release(bootstrap);
        }
    }
}

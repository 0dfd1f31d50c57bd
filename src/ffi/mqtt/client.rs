//! `aws/mqtt/client.h`: the MQTT client object, which ties connections to a client bootstrap,
//! and the older entry points of upstream's README that set one up in place.
//!
//! `aws_mqtt_client_new` makes a client with one reference holding a reference to the
//! bootstrap; each connection holds a reference to its client. The README's
//! `aws_mqtt_client_init(client, allocator, elg)` initialises a caller-owned struct instead, making
//! a bootstrap (and a default host resolver) over the event-loop group;
//! `aws_mqtt_client_clean_up` releases them.
//!
//! Differences from upstream, on misuse only: a NULL allocator or bootstrap raises
//! `AWS_ERROR_INVALID_ARGUMENT` (upstream asserts).
//!
//! # Safety
//! A pointer argument is NULL or points to a valid object of its type; a client is one
//! `aws_mqtt_client_new` made (or `aws_mqtt_client_init` initialised) and still referenced.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::ref_count::{
    aws_ref_count, aws_ref_count_acquire, aws_ref_count_init, aws_ref_count_release,
};
use crate::ffi::guard::{self, Result};
use crate::ffi::io::channel_bootstrap::{
    aws_client_bootstrap, aws_client_bootstrap_acquire, aws_client_bootstrap_new,
    aws_client_bootstrap_options, aws_client_bootstrap_release,
};
use crate::ffi::io::event_loop::aws_event_loop_group;
use crate::ffi::io::host_resolver::{
    aws_host_resolver_default_options, aws_host_resolver_new_default, aws_host_resolver_release,
};
use std::ffi::{c_int, c_void};
use std::mem::size_of;
use std::ptr;

/// An MQTT client: the allocator and bootstrap its connections use.
#[repr(C)]
pub struct aws_mqtt_client {
    /// The allocator the client was made with.
    pub allocator: *mut aws_allocator,
    /// The bootstrap connections connect through (the client holds a reference).
    pub bootstrap: *mut aws_client_bootstrap,
    /// The client's reference count.
    pub ref_count: aws_ref_count,
}

/// The last reference is gone: release the bootstrap and free the client.
unsafe extern "C" fn destroy_client(object: *mut c_void) {
    guard::guard((), || {
        let client = object.cast::<aws_mqtt_client>();
        // SAFETY: `object` is the client `aws_mqtt_client_new` allocated; no one refers to it now.
        unsafe {
            crate::aws_log!(
                AWS_LL_DEBUG,
                AWS_LS_MQTT_CLIENT,
                "client={:p}: Cleaning up MQTT client",
                client
            );
            aws_client_bootstrap_release((*client).bootstrap);
            allocator::release((*client).allocator, client.cast());
        }
        Ok(())
    })
}

/// Makes a client with one reference, holding a reference to `bootstrap`. NULL with
/// `AWS_ERROR_INVALID_ARGUMENT` for a NULL allocator or bootstrap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_new(
    allocator: *mut aws_allocator,
    bootstrap: *mut aws_client_bootstrap,
) -> *mut aws_mqtt_client {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator and a live bootstrap.
        unsafe {
            allocator::checked(allocator)?;
            guard::require(!bootstrap.is_null())?;
            let block = allocator::acquire(allocator, size_of::<aws_mqtt_client>())?;
            let client = block.as_ptr().cast::<aws_mqtt_client>();
            client.write(aws_mqtt_client {
                allocator,
                bootstrap: aws_client_bootstrap_acquire(bootstrap),
                ref_count: std::mem::zeroed(),
            });
            aws_ref_count_init(
                &mut (*client).ref_count,
                client.cast(),
                Some(destroy_client),
            );
            crate::aws_log!(
                AWS_LL_DEBUG,
                AWS_LS_MQTT_CLIENT,
                "client={:p}: Initalizing MQTT client",
                client
            );
            Ok(client)
        }
    })
}

/// Adds a reference and returns `client` (NULL for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_acquire(
    client: *mut aws_mqtt_client,
) -> *mut aws_mqtt_client {
    guard::guard(ptr::null_mut(), || {
        if client.is_null() {
            return Ok(client);
        }
        // SAFETY: the caller holds a reference to a live client.
        let object = unsafe { aws_ref_count_acquire(&mut (*client).ref_count) };
        Ok(object.cast())
    })
}

/// Drops a reference (NULL does nothing); the last one releases the bootstrap and frees the
/// client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_release(client: *mut aws_mqtt_client) {
    guard::guard((), || {
        if !client.is_null() {
            // SAFETY: the caller holds a reference to a live client.
            unsafe { aws_ref_count_release(&mut (*client).ref_count) };
        }
        Ok(())
    })
}

/// The client's bootstrap, for a connection to connect through.
///
/// # Safety
/// `client` must be NULL or a live client.
pub(crate) unsafe fn bootstrap_of(
    client: *const aws_mqtt_client,
) -> Result<*mut aws_client_bootstrap> {
    // SAFETY: forwarded caller contract.
    let c = unsafe { guard::reference(client) }?;
    guard::require(!c.bootstrap.is_null())?;
    Ok(c.bootstrap)
}

/// Releases an `aws_mqtt_client_init`ed client's bootstrap once its connections are gone: the
/// struct is the caller's, so the count's last release frees nothing else.
unsafe extern "C" fn clean_up_in_place(object: *mut c_void) {
    guard::guard((), || {
        let client = object.cast::<aws_mqtt_client>();
        // SAFETY: the caller's struct, initialised by `aws_mqtt_client_init`.
        unsafe {
            aws_client_bootstrap_release((*client).bootstrap);
            (*client).bootstrap = ptr::null_mut();
        }
        Ok(())
    })
}

/// README entry point: initialises the caller's `client` in place over an event-loop group
/// (making a bootstrap with a default host resolver). Undo with `aws_mqtt_client_clean_up`
/// once every connection is gone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_init(
    client: *mut aws_mqtt_client,
    allocator: *mut aws_allocator,
    elg: *mut aws_event_loop_group,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a struct to initialise, an allocator and a live group.
        unsafe {
            let c = guard::mutable(client)?;
            allocator::checked(allocator)?;
            guard::require(!elg.is_null())?;
            let resolver_options = aws_host_resolver_default_options {
                max_entries: 8,
                el_group: elg,
                shutdown_options: ptr::null(),
                system_clock_override_fn: None,
            };
            let resolver = aws_host_resolver_new_default(allocator, &resolver_options);
            guard::require(!resolver.is_null())?;
            let options = aws_client_bootstrap_options {
                event_loop_group: elg,
                host_resolver: resolver,
                host_resolution_config: ptr::null(),
                on_shutdown_complete: None,
                user_data: ptr::null_mut(),
            };
            let bootstrap = aws_client_bootstrap_new(allocator, &options);
            // The bootstrap holds its own reference to the resolver.
            aws_host_resolver_release(resolver);
            guard::require(!bootstrap.is_null())?;
            c.allocator = allocator;
            c.bootstrap = bootstrap;
            aws_ref_count_init(&mut c.ref_count, client.cast(), Some(clean_up_in_place));
            Ok(())
        }
    })
}

/// README entry point: releases what `aws_mqtt_client_init` made, once the client's
/// connections are gone (each holds a reference until its termination).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_clean_up(client: *mut aws_mqtt_client) {
    // SAFETY: the caller's initialised struct, or NULL.
    unsafe { aws_mqtt_client_release(client) }
}

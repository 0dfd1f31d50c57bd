//! `aws/mqtt/v5/mqtt5_listener.h`: listeners, extra callback sets on a client that see its
//! lifecycle events and publishes before the client's own handlers (and may claim a publish).
//! A listener holds a reference to its client; it is attached and detached on the client's loop,
//! so no callback of a detached listener runs after its termination callback.
//!
//! # Safety
//! Pointers are NULL or valid; a listener is one `aws_mqtt5_listener_new` made and the caller
//! holds a reference to.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard::{self, INVALID_ARGUMENT};
use crate::ffi::mqtt::v5::client::{
    aws_mqtt5_client, aws_mqtt5_client_acquire, aws_mqtt5_client_release, client_of,
};
use crate::ffi::mqtt::v5::mqtt5_client::{
    aws_mqtt5_client_connection_event_callback_fn, aws_mqtt5_listener_publish_received_fn,
};
use crate::ffi::mqtt::v5::mqtt5_listener::{
    aws_mqtt5_callback_set, aws_mqtt5_listener_config, aws_mqtt5_listener_termination_completion_fn,
};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

/// A listener. Opaque.
pub struct aws_mqtt5_listener {
    refs: AtomicUsize,
    config: aws_mqtt5_listener_config,
}

/// Addresses are unique while listeners live; they identify a listener's callback set.
fn id_of(listener: *const aws_mqtt5_listener) -> u64 {
    listener as usize as u64
}

struct SendPtr<T>(*mut T);
// SAFETY: the pointers cross to the client's loop, where the objects they point to stay alive
// (each holds a reference) until the task that takes them ends.
unsafe impl<T> Send for SendPtr<T> {}

/// Makes a listener with one reference and attaches it to `config->client` on the client's
/// loop. NULL with `AWS_ERROR_INVALID_ARGUMENT` without a config or client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_listener_new(
    allocator: *mut aws_allocator,
    config: *mut aws_mqtt5_listener_config,
) -> *mut aws_mqtt5_listener {
    guard::ptr(|| {
        let _ = allocator;
        // SAFETY: the caller lends a valid config and holds a reference to its client.
        unsafe {
            let config = *guard::reference(config)?;
            let client = client_of(config.client).map_err(|_| INVALID_ARGUMENT)?;
            aws_mqtt5_client_acquire(config.client);
            let listener = Box::into_raw(Box::new(aws_mqtt5_listener {
                refs: AtomicUsize::new(1),
                config,
            }));
            let owned = SendPtr(listener);
            client.event_loop().schedule_now(Box::new(move || {
                let owned = owned;
                // SAFETY: the listener is freed only by the task its last release schedules,
                // which runs after this one; its reference keeps the client alive.
                let l = &*owned.0;
                if let Ok(c) = client_of(l.config.client) {
                    c.add_listener(id_of(l), l.config.listener_callbacks);
                }
            }));
            Ok(listener)
        }
    })
}

/// Adds a reference; returns `listener`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_listener_acquire(
    listener: *mut aws_mqtt5_listener,
) -> *mut aws_mqtt5_listener {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference.
        if let Some(l) = unsafe { listener.as_ref() } {
            l.refs.fetch_add(1, Relaxed);
        }
        Ok(listener)
    })
}

/// Drops a reference; the last one detaches the listener on the client's loop, releases the
/// client, frees the listener and calls its termination callback. Returns NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_listener_release(
    listener: *mut aws_mqtt5_listener,
) -> *mut aws_mqtt5_listener {
    guard::ptr(|| {
        // SAFETY: the caller gives up a reference it held.
        let Some(l) = (unsafe { listener.as_ref() }) else {
            return Ok(std::ptr::null_mut());
        };
        if l.refs.fetch_sub(1, Release) != 1 {
            return Ok(std::ptr::null_mut());
        }
        std::sync::atomic::fence(Acquire);
        let client: *mut aws_mqtt5_client = l.config.client;
        // SAFETY: the listener's reference keeps the client alive.
        let Ok(c) = (unsafe { client_of(client) }) else {
            return Ok(std::ptr::null_mut());
        };
        let owned = SendPtr(listener);
        c.event_loop().schedule_now(Box::new(move || {
            let owned = owned;
            // SAFETY: the last reference is gone; this task owns the listener.
            let listener = unsafe { Box::from_raw(owned.0) };
            // SAFETY: the listener's reference keeps the client alive until released below.
            unsafe {
                if let Ok(c) = client_of(listener.config.client) {
                    c.remove_listener(id_of(&*listener));
                }
                aws_mqtt5_client_release(listener.config.client);
            }
            let termination = listener.config.termination_callback;
            let user_data = listener.config.termination_callback_user_data;
            drop(listener);
            if let Some(f) = termination {
                // SAFETY: the user's termination callback with its data.
                unsafe { f(user_data) };
            }
        }));
        Ok(std::ptr::null_mut())
    })
}

/// The callbacks an internal listener (the request-response client's, the 3.1.1 adapter's)
/// installs, all with the same user data.
pub(crate) struct InternalListener {
    pub on_publish: aws_mqtt5_listener_publish_received_fn,
    pub on_lifecycle: aws_mqtt5_client_connection_event_callback_fn,
    pub on_terminated: aws_mqtt5_listener_termination_completion_fn,
}

impl InternalListener {
    /// Attaches the callbacks to `client` with `user_data`; NULL (with the error raised) when
    /// the listener cannot be made, in which case no callback will ever run.
    ///
    /// # Safety
    /// `client` is a live client the caller holds a reference to; `user_data` stays valid until
    /// `on_terminated` runs with it.
    pub(crate) unsafe fn attach(
        &self,
        client: *mut aws_mqtt5_client,
        user_data: *mut std::ffi::c_void,
    ) -> *mut aws_mqtt5_listener {
        let mut config = aws_mqtt5_listener_config {
            client,
            listener_callbacks: aws_mqtt5_callback_set {
                listener_publish_received_handler: Some(self.on_publish),
                listener_publish_received_handler_user_data: user_data,
                lifecycle_event_handler: Some(self.on_lifecycle),
                lifecycle_event_handler_user_data: user_data,
            },
            termination_callback: Some(self.on_terminated),
            termination_callback_user_data: user_data,
        };
        // SAFETY: a valid config over a live client (the caller's contract).
        unsafe { aws_mqtt5_listener_new(std::ptr::null_mut(), &mut config) }
    }
}

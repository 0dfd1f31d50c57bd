//! `aws/auth/credentials.h`: the credentials provider, upstream's public struct with a vtable
//! (a program may make its own), reference counted; the last release calls the vtable's
//! `destroy`, which for the providers made here frees them and then calls the
//! `shutdown_callback` of their shutdown options, on the releasing thread, as upstream's do.
//!
//! A provider answers `aws_credentials_provider_get_credentials` by calling the callback once,
//! with credentials it keeps the reference to (the callback acquires them to keep them) or
//! with an error code. The providers made here that read memory, the environment, files or a
//! process answer before the call returns, as upstream's do.

use crate::ffi::auth::credentials::{aws_credentials, aws_credentials_release};
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::atomics::aws_atomic_var;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use std::ffi::{c_int, c_void};
use std::mem::size_of;
use std::sync::atomic::Ordering;

/// Receives the outcome of a credentials request: credentials (NULL on failure; the provider
/// keeps its reference) and an error code (0 on success).
pub type aws_on_get_credentials_callback_fn = unsafe extern "C" fn(
    credentials: *mut aws_credentials,
    error_code: c_int,
    user_data: *mut c_void,
);

/// A provider's way of answering a credentials request.
pub type aws_credentials_provider_get_credentials_fn = unsafe extern "C" fn(
    provider: *mut aws_credentials_provider,
    callback: Option<aws_on_get_credentials_callback_fn>,
    user_data: *mut c_void,
) -> c_int;

/// Frees a provider after its last release.
pub type aws_credentials_provider_destroy_fn =
    unsafe extern "C" fn(provider: *mut aws_credentials_provider);

/// Tells the owner that a provider has finished shutting down.
pub type aws_credentials_provider_shutdown_completed_fn =
    unsafe extern "C" fn(user_data: *mut c_void);

/// A provider's behaviour.
#[repr(C)]
pub struct aws_credentials_provider_vtable {
    /// Answers a credentials request.
    pub get_credentials: Option<aws_credentials_provider_get_credentials_fn>,
    /// Frees the provider.
    pub destroy: Option<aws_credentials_provider_destroy_fn>,
}

/// What to call once a provider has shut down.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_credentials_provider_shutdown_options {
    /// Called once, after the provider is gone (may be NULL).
    pub shutdown_callback: Option<aws_credentials_provider_shutdown_completed_fn>,
    /// Passed to `shutdown_callback`.
    pub shutdown_user_data: *mut c_void,
}

/// A source of credentials.
#[repr(C)]
pub struct aws_credentials_provider {
    /// The behaviour.
    pub vtable: *mut aws_credentials_provider_vtable,
    /// Where the provider came from.
    pub allocator: *mut aws_allocator,
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The implementation's state.
    pub r#impl: *mut c_void,
    /// References held.
    pub ref_count: aws_atomic_var,
}

/// The callback a credentials request completes through, exactly once.
pub(crate) struct Completion {
    callback: aws_on_get_credentials_callback_fn,
    user_data: *mut c_void,
}

// SAFETY: the user data belongs to the caller, who accepts completion on another thread, as
// with upstream's providers.
unsafe impl Send for Completion {}

impl Completion {
    /// A completion through `callback` (refused when NULL).
    pub(crate) fn new(
        callback: Option<aws_on_get_credentials_callback_fn>,
        user_data: *mut c_void,
    ) -> Result<Self> {
        Ok(Self {
            callback: callback.ok_or(INVALID_ARGUMENT)?,
            user_data,
        })
    }

    /// The callback and its data, for a delegate that answers through them itself.
    pub(crate) fn into_parts(self) -> (aws_on_get_credentials_callback_fn, *mut c_void) {
        (self.callback, self.user_data)
    }

    /// Completes with credentials the caller keeps its reference to.
    pub(crate) fn lend(self, credentials: *mut aws_credentials) {
        // SAFETY: the caller's callback, with its own user data.
        unsafe { (self.callback)(credentials, 0, self.user_data) }
    }

    /// Completes with credentials made for this answer, released once the callback returns.
    pub(crate) fn give(self, credentials: *mut aws_credentials) {
        self.lend(credentials);
        // SAFETY: the reference this completion was handed.
        unsafe { aws_credentials_release(credentials) };
    }

    /// Completes with an error.
    pub(crate) fn fail(self, error_code: c_int) {
        // SAFETY: the caller's callback, with its own user data.
        unsafe { (self.callback)(std::ptr::null_mut(), error_code, self.user_data) }
    }

    /// Completes with what a fallible source gave.
    pub(crate) fn finish(self, outcome: Result<*mut aws_credentials>) {
        match outcome {
            Ok(credentials) => self.give(credentials),
            Err(e) => self.fail(e.code()),
        }
    }
}

/// How a provider made here answers.
pub(crate) trait Source: Send + Sync {
    /// Starts a request; `done` is called exactly once, maybe before this returns, unless
    /// this fails (then never).
    fn get_credentials(&self, done: Completion) -> Result<()>;
}

/// A provider's state: its source.
type Impl = Box<dyn Source>;

unsafe extern "C" fn get_credentials(
    provider: *mut aws_credentials_provider,
    callback: Option<aws_on_get_credentials_callback_fn>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the vtable is only installed on providers whose impl is an `Impl`.
        let source = unsafe { &*guard::reference(provider)?.r#impl.cast::<Impl>() };
        source.get_credentials(Completion::new(callback, user_data)?)
    })
}

unsafe extern "C" fn destroy(provider: *mut aws_credentials_provider) {
    guard::guard((), || {
        // SAFETY: the last reference is gone; the impl is an `Impl` made by `new_provider`.
        let p = unsafe { guard::mutable(provider) }?;
        drop(unsafe { Box::from_raw(p.r#impl.cast::<Impl>()) });
        let shutdown = p.shutdown_options;
        unsafe { allocator::release(p.allocator, provider.cast()) };
        if let Some(callback) = shutdown.shutdown_callback {
            // SAFETY: the owner's callback and data.
            unsafe { callback(shutdown.shutdown_user_data) };
        }
        Ok(())
    })
}

static VTABLE: aws_credentials_provider_vtable = aws_credentials_provider_vtable {
    get_credentials: Some(get_credentials),
    destroy: Some(destroy),
};

/// A provider with one reference, answering through `source`.
///
/// # Safety
/// A non-NULL `allocator` must be valid.
pub(crate) unsafe fn new_provider(
    allocator: *mut aws_allocator,
    shutdown_options: aws_credentials_provider_shutdown_options,
    source: impl Source + 'static,
) -> Result<*mut aws_credentials_provider> {
    unsafe { allocator::checked(allocator) }?;
    // SAFETY: a fresh block for the provider, filled in below.
    let provider =
        unsafe { allocator::calloc(allocator, 1, size_of::<aws_credentials_provider>()) }?
            .as_ptr()
            .cast::<aws_credentials_provider>();
    let boxed: Impl = Box::new(source);
    unsafe {
        provider.write(aws_credentials_provider {
            vtable: (&raw const VTABLE).cast_mut(),
            allocator,
            shutdown_options,
            r#impl: Box::into_raw(Box::new(boxed)).cast(),
            ref_count: aws_atomic_var {
                value: std::ptr::without_provenance_mut(1),
            },
        })
    };
    Ok(provider)
}

/// A reference to another provider, released when dropped: what composite providers hold.
pub(crate) struct Held(*mut aws_credentials_provider);

// SAFETY: providers are shared across threads by design (their references are atomic).
unsafe impl Send for Held {}
unsafe impl Sync for Held {}

impl Held {
    /// Takes a new reference to `provider` (refused when NULL).
    pub(crate) fn acquire(provider: *mut aws_credentials_provider) -> Result<Self> {
        guard::require(!provider.is_null())?;
        // SAFETY: the caller lent a live provider.
        unsafe { aws_credentials_provider_acquire(provider) };
        Ok(Self(provider))
    }

    /// Keeps the reference a constructor just gave; a NULL constructor result is its error.
    pub(crate) fn adopt(provider: *mut aws_credentials_provider) -> Result<Self> {
        if provider.is_null() {
            return Err(crate::ffi::guard::Error(
                crate::ffi::common::error::aws_last_error(),
            ));
        }
        Ok(Self(provider))
    }

    /// The provider, for a constructor that takes its own reference.
    pub(crate) fn as_ptr(&self) -> *mut aws_credentials_provider {
        self.0
    }

    /// Asks the provider for credentials; a synchronous refusal completes `done` with it.
    pub(crate) fn get_credentials(
        &self,
        done: Box<dyn FnOnce(*mut aws_credentials, c_int) + Send>,
    ) {
        let data = Box::into_raw(Box::new(done));
        // SAFETY: `on_credentials` takes the box back exactly once.
        let rc = unsafe {
            aws_credentials_provider_get_credentials(self.0, Some(on_credentials), data.cast())
        };
        if rc != 0 {
            let code = crate::ffi::common::error::aws_last_error();
            // SAFETY: the provider refused, so it never calls back: the box is still ours.
            let done = unsafe { Box::from_raw(data) };
            done(std::ptr::null_mut(), code);
        }
    }
}

/// A boxed Rust closure receiving a provider's answer.
type Answer = Box<dyn FnOnce(*mut aws_credentials, c_int) + Send>;

unsafe extern "C" fn on_credentials(
    credentials: *mut aws_credentials,
    error_code: c_int,
    user_data: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: `user_data` is the `Answer` boxed by `Held::get_credentials`.
        let answer = unsafe { Box::from_raw(user_data.cast::<Answer>()) };
        answer(credentials, error_code);
        Ok(())
    })
}

impl Drop for Held {
    fn drop(&mut self) {
        // SAFETY: the reference this holds.
        unsafe { aws_credentials_provider_release(self.0) };
    }
}

/// Drops a reference; the last one calls the vtable's `destroy`. Always answers NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_release(
    provider: *mut aws_credentials_provider,
) -> *mut aws_credentials_provider {
    guard::ptr(|| {
        // SAFETY: the caller gives up a reference it holds.
        if let Some(p) = unsafe { provider.as_ref() }
            && p.ref_count.as_int().fetch_sub(1, Ordering::AcqRel) == 1
            && let Some(destroy) = unsafe { p.vtable.as_ref() }.and_then(|v| v.destroy)
        {
            unsafe { destroy(provider) };
        }
        Ok(std::ptr::null_mut())
    })
}

/// Adds a reference and answers the provider (NULL is ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_acquire(
    provider: *mut aws_credentials_provider,
) -> *mut aws_credentials_provider {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference.
        if let Some(p) = unsafe { provider.as_ref() } {
            p.ref_count.as_int().fetch_add(1, Ordering::Relaxed);
        }
        Ok(provider)
    })
}

/// Asks the provider for credentials through its vtable; `callback` is called once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_get_credentials(
    provider: *mut aws_credentials_provider,
    callback: Option<aws_on_get_credentials_callback_fn>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference.
        let p = unsafe { guard::reference(provider) }?;
        let vtable = unsafe { guard::reference(p.vtable) }?;
        let get = vtable.get_credentials.ok_or(INVALID_ARGUMENT)?;
        guard::require(callback.is_some())?;
        crate::ffi::auth::signing_result::status(unsafe { get(provider, callback, user_data) })
    })
}

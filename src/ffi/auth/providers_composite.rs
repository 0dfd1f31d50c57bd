//! `aws/auth/credentials.h`: the providers made of others: cached (answers reused until a
//! refresh time or shortly before the credentials expire, one source request at a time, the
//! requests that arrive meanwhile answered with it), chain (each provider in turn until one
//! answers) and the default chain.
//!
//! The default chain is upstream's: environment (unless skipped), profile (static keys,
//! `credential_process` or an assumed role), then, with a bootstrap, STS web identity (when
//! configured) and ECS (when `AWS_CONTAINER_CREDENTIALS_*` name an endpoint) or IMDS, all
//! cached. With no source at all (no bootstrap, the environment skipped, no profile) it is
//! refused when made (`AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE`).

use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE;
use crate::ffi::auth::credentials::{
    aws_credentials, aws_credentials_acquire, aws_credentials_get_expiration_timepoint_seconds,
    aws_credentials_release,
};
use crate::ffi::auth::credentials_provider::{
    Completion, Held, Source, aws_credentials_provider, new_provider,
};
use crate::ffi::auth::provider_options::{
    aws_credentials_provider_cached_options, aws_credentials_provider_chain_default_options,
    aws_credentials_provider_chain_options, aws_credentials_provider_profile_options,
};
use crate::ffi::auth::provider_options::{
    aws_credentials_provider_ecs_environment_options, aws_credentials_provider_imds_options,
};
use crate::ffi::auth::provider_support::QUIET;
use crate::ffi::auth::providers_basic::{
    aws_credentials_provider_environment_options, aws_credentials_provider_new_environment,
    env_bytes,
};
use crate::ffi::auth::providers_ecs::from_environment;
use crate::ffi::auth::providers_files::aws_credentials_provider_new_profile;
use crate::ffi::auth::providers_imds::aws_credentials_provider_new_imds;
use crate::ffi::auth::providers_profile_role::context;
use crate::ffi::auth::providers_sts_web_identity::{
    aws_credentials_provider_new_sts_web_identity, from_profile_options,
};
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::clock::{aws_high_res_clock_get_ticks, aws_sys_clock_get_ticks};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, Result, require};
use crate::ffi::io::event_loop::aws_io_clock_fn;
use std::ffi::c_int;
use std::sync::{Arc, Mutex};

/// How long before credentials expire the cache asks again (upstream's 5 minutes).
const REFRESH_EARLY_SECS: u64 = 5 * 60;

/// What the cache holds between requests.
struct CacheState {
    /// One reference, or NULL.
    credentials: *mut aws_credentials,
    /// The high-resolution clock time after which the source is asked again.
    next_refresh: u64,
    /// Requests waiting for the source's answer; non-empty while one is outstanding.
    pending: Vec<Completion>,
}

// SAFETY: the credentials are immutable and their references atomic.
unsafe impl Send for CacheState {}

/// The caching provider's state, shared with the source's callbacks.
struct Cache {
    source: Held,
    refresh_ns: u64,
    high_res: aws_io_clock_fn,
    system: aws_io_clock_fn,
    state: Mutex<CacheState>,
}

/// Reads a clock; `None` when it fails.
fn read(clock: aws_io_clock_fn) -> Option<u64> {
    let mut now = 0;
    // SAFETY: the program's or our clock, writing one integer.
    (unsafe { clock(&mut now) } == 0).then_some(now)
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When to ask again after `credentials` arrived at `now` (upstream's rule: the refresh
    /// interval, or 5 minutes before the credentials expire, whichever the expiry gives).
    fn next_refresh(&self, credentials: *mut aws_credentials) -> u64 {
        let Some(now) = read(self.high_res) else {
            return u64::MAX;
        };
        let mut next = if self.refresh_ns > 0 {
            now.saturating_add(self.refresh_ns)
        } else {
            u64::MAX
        };
        let expiry = if credentials.is_null() {
            u64::MAX
        } else {
            // SAFETY: live credentials the source lent.
            unsafe { aws_credentials_get_expiration_timepoint_seconds(credentials) }
        };
        if expiry < u64::MAX
            && let Some(system_ns) = read(self.system)
        {
            let system_secs = system_ns / 1_000_000_000;
            next = match expiry.checked_sub(system_secs + REFRESH_EARLY_SECS) {
                Some(left) => now.saturating_add(left.saturating_mul(1_000_000_000)),
                None => now,
            };
        }
        next
    }

    /// Takes the source's answer: caches it and answers every waiting request.
    fn answered(&self, credentials: *mut aws_credentials, error_code: c_int) {
        let waiting = {
            let mut state = self.lock();
            state.next_refresh = self.next_refresh(credentials);
            // SAFETY: swapping references the cache holds.
            unsafe {
                aws_credentials_release(state.credentials);
                aws_credentials_acquire(credentials);
            }
            state.credentials = credentials;
            std::mem::take(&mut state.pending)
        };
        for done in waiting {
            if credentials.is_null() {
                done.fail(if error_code == 0 {
                    aws_last_error()
                } else {
                    error_code
                });
            } else {
                done.lend(credentials);
            }
        }
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        // SAFETY: the reference the cache holds.
        unsafe { aws_credentials_release(state.credentials) };
    }
}

/// The caching provider: the cache behind an `Arc`, so an answer arriving after the provider
/// was released still finds it.
struct Cached(Arc<Cache>);

impl Source for Cached {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let cache = &self.0;
        let now = read(cache.high_res).unwrap_or(0);
        let (hit, ask) = {
            let mut state = cache.lock();
            if !state.credentials.is_null() && now < state.next_refresh {
                // SAFETY: a reference for the answer, released once it is given.
                unsafe { aws_credentials_acquire(state.credentials) };
                (Some((state.credentials, done)), false)
            } else {
                state.pending.push(done);
                (None, state.pending.len() == 1)
            }
        };
        if let Some((credentials, done)) = hit {
            done.give(credentials);
        }
        if ask {
            let cache = cache.clone();
            self.0
                .source
                .get_credentials(Box::new(move |credentials, error_code| {
                    cache.answered(credentials, error_code)
                }));
        }
        Ok(())
    }
}

/// A provider caching the answers of `options->source`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_cached(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_cached_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        let cache = Cache {
            source: Held::acquire(o.source)?,
            refresh_ns: o.refresh_time_in_milliseconds.saturating_mul(1_000_000),
            high_res: o.high_res_clock_fn.unwrap_or(aws_high_res_clock_get_ticks),
            system: o.system_clock_fn.unwrap_or(aws_sys_clock_get_ticks),
            state: Mutex::new(CacheState {
                credentials: std::ptr::null_mut(),
                next_refresh: 0,
                pending: Vec::new(),
            }),
        };
        new_provider(allocator, o.shutdown_options, Cached(Arc::new(cache)))
    })
}

/// Each provider in turn until one answers; the last one's error otherwise.
struct Chain(Arc<Vec<Held>>);

/// Asks provider `index` of `chain`, moving on when it fails.
fn ask(chain: Arc<Vec<Held>>, index: usize, done: Completion) {
    let provider = &chain[index];
    let next = chain.clone();
    provider.get_credentials(Box::new(move |credentials, error_code| {
        if !credentials.is_null() {
            done.lend(credentials);
        } else if index + 1 < next.len() {
            ask(next, index + 1, done);
        } else {
            done.fail(error_code);
        }
    }));
}

impl Source for Chain {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        ask(self.0.clone(), 0, done);
        Ok(())
    }
}

/// A provider asking `options->providers` in order (at least one).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_chain(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_chain_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        require(o.provider_count > 0 && !o.providers.is_null())?;
        let list = std::slice::from_raw_parts(o.providers, o.provider_count);
        let held = list
            .iter()
            .map(|&p| Held::acquire(p))
            .collect::<Result<Vec<_>>>()?;
        new_provider(allocator, o.shutdown_options, Chain(Arc::new(held)))
    })
}

/// Hands requests to the cached chain it holds.
struct DefaultChain(Held);

impl Source for DefaultChain {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        self.0
            .get_credentials(Box::new(move |credentials, error_code| {
                if credentials.is_null() {
                    done.fail(error_code);
                } else {
                    done.lend(credentials);
                }
            }));
        Ok(())
    }
}

/// The STS web identity provider, when the environment or the profile configure one (a
/// default TLS context is made when the options carry none, as upstream's chain does).
///
/// # Safety
/// The options' bootstrap must be live.
unsafe fn web_identity(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_chain_default_options,
) -> Result<Held> {
    unsafe {
        let (tls_ctx, _owned) = context(allocator, o.tls_ctx)?;
        let options = from_profile_options(
            o.bootstrap,
            tls_ctx,
            o.profile_collection_cached,
            o.profile_name_override,
            o.proxy_ev_settings,
            QUIET,
        );
        Held::adopt(aws_credentials_provider_new_sts_web_identity(
            allocator, &options,
        ))
    }
}

/// ECS when the environment names a container endpoint, IMDS otherwise, as upstream's default
/// chain ends.
///
/// # Safety
/// The options' bootstrap must be live.
unsafe fn ecs_or_imds(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_chain_default_options,
) -> *mut aws_credentials_provider {
    let quiet = QUIET;
    let container = [
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ]
    .iter()
    .any(|v| !env_bytes(v).is_empty());
    if container {
        let ecs = aws_credentials_provider_ecs_environment_options {
            shutdown_options: quiet,
            bootstrap: o.bootstrap,
            tls_ctx: o.tls_ctx,
            proxy_ev_settings: o.proxy_ev_settings,
            function_table: std::ptr::null_mut(),
        };
        return unsafe { from_environment(allocator, &ecs) }.unwrap_or(std::ptr::null_mut());
    }
    let imds = aws_credentials_provider_imds_options {
        shutdown_options: quiet,
        bootstrap: o.bootstrap,
        imds_version: 0,
        ec2_metadata_v1_disabled: false,
        function_table: std::ptr::null_mut(),
        proxy_ev_settings: o.proxy_ev_settings,
        imds_endpoint: aws_byte_cursor::from_slice(&[]),
        imds_endpoint_mode: 0,
    };
    unsafe { aws_credentials_provider_new_imds(allocator, &imds) }
}

/// The default chain: environment, then profile, then ECS or IMDS when there is a bootstrap,
/// cached (see the module documentation).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_chain_default(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_chain_default_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        let quiet = QUIET;
        let mut sources = Vec::new();
        if !o.skip_environment_credentials_provider {
            let env = aws_credentials_provider_environment_options {
                shutdown_options: quiet,
            };
            sources.push(Held::adopt(aws_credentials_provider_new_environment(
                allocator, &env,
            ))?);
        }
        let empty = aws_byte_cursor::from_slice(&[]);
        let profile_options = aws_credentials_provider_profile_options {
            shutdown_options: quiet,
            profile_name_override: o.profile_name_override,
            config_file_name_override: empty,
            credentials_file_name_override: empty,
            profile_collection_cached: o.profile_collection_cached,
            bootstrap: o.bootstrap,
            tls_ctx: o.tls_ctx,
            function_table: std::ptr::null_mut(),
            proxy_ev_settings: o.proxy_ev_settings.cast_mut(),
        };
        // A profile provider that cannot be made is left out, as upstream leaves out failures.
        if let Ok(profile) = Held::adopt(aws_credentials_provider_new_profile(
            allocator,
            &profile_options,
        )) {
            sources.push(profile);
        }
        if !o.bootstrap.is_null() {
            if let Ok(web_identity) = web_identity(allocator, o) {
                sources.push(web_identity);
            }
            if let Ok(remote) = Held::adopt(ecs_or_imds(allocator, o)) {
                sources.push(remote);
            }
        }
        if sources.is_empty() {
            return Err(AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE.into());
        }
        let chain = Held::adopt(new_provider(allocator, quiet, Chain(Arc::new(sources)))?)?;
        let cached = aws_credentials_provider_cached_options {
            shutdown_options: quiet,
            source: chain.as_ptr(),
            refresh_time_in_milliseconds: 0,
            high_res_clock_fn: None,
            system_clock_fn: None,
        };
        let cached = Held::adopt(aws_credentials_provider_new_cached(allocator, &cached))?;
        drop(chain);
        new_provider(allocator, o.shutdown_options, DefaultChain(cached))
    })
}

//! `aws/auth/credentials.h`: the providers that read the shared config and credentials files,
//! and `credential_process`. Each answers before `aws_credentials_provider_get_credentials`
//! returns, as upstream's do (the process runs on the calling thread).
//!
//! The profile provider chooses its source when made, as upstream's: a profile with `role_arn`
//! assumes the role through STS (`providers_profile_role`), one with `credential_process` and
//! no keys runs the process; otherwise the keys are read from the files again at each request
//! (or from the cached collection). Differences: where upstream fails to make a provider without raising a
//! specific error (no such profile, no `credential_process`), this raises
//! `AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE` or `..._PROCESS_SOURCE_FAILURE`.

use crate::auth::process;
use crate::auth::profile::{self, Collection, Source as FileKind};
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE,
    AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE,
    AWS_AUTH_PROFILE_STS_CREDENTIALS_PROVIDER_CYCLE_FAILURE,
};
use crate::ffi::auth::credentials::{self, aws_credentials};
use crate::ffi::auth::credentials_provider::{
    Completion, Source, aws_credentials_provider, new_provider,
};
use crate::ffi::auth::provider_options::{
    aws_credentials_provider_process_options, aws_credentials_provider_profile_options,
};
use crate::ffi::auth::provider_support::credentials;
use crate::ffi::auth::providers_profile_role::assume_role;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::sdkutils::aws_profile::{
    aws_profile_collection, chosen, collection_of, config_path, credentials_path, read_collection,
};

use std::sync::Arc;

/// Where the profiles come from: a collection the program gave, or the two files.
#[derive(Clone)]
enum Profiles {
    Cached(Arc<Collection>),
    Files {
        config: Vec<u8>,
        credentials: Vec<u8>,
    },
}

impl Profiles {
    /// From the options' cached collection, or the files their overrides (or the environment)
    /// name.
    unsafe fn new(
        cached: *mut aws_profile_collection,
        config_override: *const aws_byte_cursor,
        credentials_override: Option<*const aws_byte_cursor>,
    ) -> Result<Self> {
        if !cached.is_null() {
            return Ok(Self::Cached(unsafe { collection_of(cached) }?));
        }
        Ok(Self::Files {
            config: unsafe { config_path(config_override) }?,
            credentials: match credentials_override {
                Some(o) => unsafe { credentials_path(o) }?,
                None => Vec::new(),
            },
        })
    }

    /// The merged profiles as of now: a file that cannot be read is left out; neither is an
    /// error (the last one's).
    fn load(&self) -> Result<Arc<Collection>> {
        let (config, credentials) = match self {
            Self::Cached(c) => return Ok(c.clone()),
            Self::Files {
                config,
                credentials,
            } => (config, credentials),
        };
        let config = read_collection(config, FileKind::Config);
        let credentials = if credentials.is_empty() {
            Err(AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE.into())
        } else {
            read_collection(credentials, FileKind::Credentials)
        };
        if let (Err(_), Err(e)) = (&config, &credentials) {
            return Err(*e);
        }
        Ok(Arc::new(profile::merge(
            config.as_ref().ok(),
            credentials.as_ref().ok(),
        )))
    }
}

/// The profile's static keys (`aws_access_key_id`, `aws_secret_access_key`,
/// `aws_session_token`, `aws_account_id`), read at each request.
struct ProfileKeys {
    profiles: Profiles,
    name: Vec<u8>,
}

impl ProfileKeys {
    fn credentials(&self) -> Result<*mut aws_credentials> {
        let failure = || Error::from(AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE);
        let profiles = self.profiles.load().map_err(|_| failure())?;
        let profile = profiles.profile(&self.name).ok_or_else(failure)?;
        let get = |k: &str| profile.get(k.as_bytes()).unwrap_or(b"");
        credentials::from_parts(
            get("aws_access_key_id"),
            get("aws_secret_access_key"),
            get("aws_session_token"),
            get("aws_account_id"),
            u64::MAX,
        )
        .map_err(|_| failure())
    }
}

impl Source for ProfileKeys {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        done.finish(self.credentials());
        Ok(())
    }
}

/// Runs a `credential_process` command at each request.
struct Process(Vec<u8>);

impl Source for Process {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        done.finish(process::run(&self.0).map(credentials));
        Ok(())
    }
}

/// A provider reading the profile's credentials from the shared files.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_profile(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_profile_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        new_profile(allocator, o, &mut Vec::new())
    })
}

/// The profile provider `o` describes; `visited` holds the profiles of the role chain so far.
///
/// # Safety
/// As the exported constructor.
pub(crate) unsafe fn new_profile(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_profile_options,
    visited: &mut Vec<Vec<u8>>,
) -> Result<*mut aws_credentials_provider> {
    unsafe {
        let name = chosen(&o.profile_name_override, "AWS_PROFILE", b"default")?;
        let profiles = Profiles::new(
            o.profile_collection_cached,
            &o.config_file_name_override,
            Some(&o.credentials_file_name_override),
        )?;
        let merged = profiles.load()?;
        let Some(profile) = merged.profile(&name) else {
            crate::aws_log!(
                AWS_LL_INFO,
                AWS_LS_AUTH_CREDENTIALS_PROVIDER,
                "profile {} not found",
                String::from_utf8_lossy(&name)
            );
            return Err(AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE.into());
        };
        let has_keys = profile.get(b"aws_access_key_id").is_some()
            || profile.get(b"aws_secret_access_key").is_some();
        // A chain may come back to a profile only once, to its own static keys.
        if visited.contains(&name) && (visited.len() > 1 || !has_keys) {
            return Err(AWS_AUTH_PROFILE_STS_CREDENTIALS_PROVIDER_CYCLE_FAILURE.into());
        }
        let first = visited.is_empty();
        visited.push(name.clone());
        if profile.get(b"role_arn").is_some() && (first || !has_keys) {
            return assume_role(allocator, o, &name, profile, merged.clone(), visited);
        }
        if let (Some(command), false) = (profile.get(b"credential_process"), has_keys) {
            return new_provider(allocator, o.shutdown_options, Process(command.to_vec()));
        }
        new_provider(
            allocator,
            o.shutdown_options,
            ProfileKeys { profiles, name },
        )
    }
}

/// A provider running the profile's `credential_process` (the config file only).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_process(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_process_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        let failure = || Error::from(AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE);
        let name = chosen(&o.profile_to_use, "AWS_PROFILE", b"default")?;
        let profiles = Profiles::new(o.config_profile_collection_cached, std::ptr::null(), None)?;
        let merged = profiles.load().map_err(|_| failure())?;
        let command = merged
            .profile(&name)
            .and_then(|p| p.get(b"credential_process"))
            .filter(|c| !c.is_empty())
            .ok_or_else(failure)?;
        new_provider(allocator, o.shutdown_options, Process(command.to_vec()))
    })
}

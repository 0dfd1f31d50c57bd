//! A profile with `role_arn`, as upstream's profile provider handles it: an STS AssumeRole
//! provider whose credentials come from the `source_profile` (a profile provider of its own,
//! over the same merged profiles, so chains of roles work and cycles are refused with
//! `AWS_AUTH_PROFILE_STS_CREDENTIALS_PROVIDER_CYCLE_FAILURE`) or from the `credential_source`
//! (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`), with the profile's
//! `role_session_name` (else `aws-common-runtime-profile-config-<pid>`) and `external_id`; with
//! neither, a `web_identity_token_file` makes it an STS web identity provider for the profile.
//! As upstream, a TLS context is made when the options carry none; a bootstrap is required.

use crate::auth::profile::{Collection, Profile};
use crate::ffi::auth::credentials_provider::{Held, aws_credentials_provider};
use crate::ffi::auth::provider_options::{
    aws_credentials_provider_ecs_environment_options, aws_credentials_provider_imds_options,
    aws_credentials_provider_profile_options, aws_credentials_provider_sts_options,
};
use crate::ffi::auth::provider_support::QUIET;
use crate::ffi::auth::providers_basic::{
    aws_credentials_provider_environment_options, aws_credentials_provider_new_environment,
};
use crate::ffi::auth::providers_ecs::from_environment;
use crate::ffi::auth::providers_files::new_profile;
use crate::ffi::auth::providers_imds::aws_credentials_provider_new_imds;
use crate::ffi::auth::providers_sts::aws_credentials_provider_new_sts;
use crate::ffi::auth::providers_sts_web_identity::{
    aws_credentials_provider_new_sts_web_identity, from_profile_options,
};
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result, require};
use crate::ffi::io::tls_channel_handler::{
    aws_tls_client_ctx_new, aws_tls_ctx, aws_tls_ctx_options, aws_tls_ctx_release,
};
use crate::ffi::io::tls_ctx_options::{
    aws_tls_ctx_options_clean_up, aws_tls_ctx_options_init_default_client,
};
use crate::ffi::sdkutils::aws_profile::{aws_profile_collection_release, handle_of};
use std::sync::Arc;

/// A TLS context the provider made, released when dropped.
pub(crate) struct OwnedContext(*mut aws_tls_ctx);

impl Drop for OwnedContext {
    fn drop(&mut self) {
        // SAFETY: the reference this holds (NULL is ignored).
        unsafe { aws_tls_ctx_release(self.0) };
    }
}

/// The options' TLS context, or a default client one made for the purpose.
pub(crate) unsafe fn context(
    allocator: *mut aws_allocator,
    given: *mut aws_tls_ctx,
) -> Result<(*mut aws_tls_ctx, OwnedContext)> {
    if !given.is_null() {
        return Ok((given, OwnedContext(std::ptr::null_mut())));
    }
    unsafe {
        let mut options = std::mem::zeroed::<aws_tls_ctx_options>();
        aws_tls_ctx_options_init_default_client(&mut options, allocator);
        let made = aws_tls_client_ctx_new(allocator, &options);
        aws_tls_ctx_options_clean_up(&mut options);
        if made.is_null() {
            return Err(guard::Error(crate::ffi::common::error::aws_last_error()));
        }
        Ok((made, OwnedContext(made)))
    }
}

/// Where the role's source credentials come from.
unsafe fn source(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_profile_options,
    profile: &Profile,
    merged: Arc<Collection>,
    visited: &mut Vec<Vec<u8>>,
) -> Result<Held> {
    let quiet = QUIET;
    unsafe {
        if let Some(name) = profile.get(b"source_profile") {
            let collection = handle_of(merged);
            let options = aws_credentials_provider_profile_options {
                shutdown_options: quiet,
                profile_name_override: aws_byte_cursor::from_slice(name),
                config_file_name_override: aws_byte_cursor::from_slice(&[]),
                credentials_file_name_override: aws_byte_cursor::from_slice(&[]),
                profile_collection_cached: collection,
                ..*o
            };
            let made = new_profile(allocator, &options, visited);
            aws_profile_collection_release(collection);
            return Held::adopt(made?);
        }
        let credential_source = profile.get(b"credential_source").ok_or(INVALID_ARGUMENT)?;
        let provider = if credential_source.eq_ignore_ascii_case(b"Environment") {
            let env = aws_credentials_provider_environment_options {
                shutdown_options: quiet,
            };
            aws_credentials_provider_new_environment(allocator, &env)
        } else if credential_source.eq_ignore_ascii_case(b"Ec2InstanceMetadata") {
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
            aws_credentials_provider_new_imds(allocator, &imds)
        } else if credential_source.eq_ignore_ascii_case(b"EcsContainer") {
            let ecs = aws_credentials_provider_ecs_environment_options {
                shutdown_options: quiet,
                bootstrap: o.bootstrap,
                tls_ctx: o.tls_ctx,
                proxy_ev_settings: o.proxy_ev_settings,
                function_table: std::ptr::null_mut(),
            };
            from_environment(allocator, &ecs)?
        } else {
            return Err(INVALID_ARGUMENT);
        };
        Held::adopt(provider)
    }
}

/// The STS web identity provider for profile `name`, which has `role_arn` and
/// `web_identity_token_file` and no other source.
///
/// # Safety
/// As the exported profile constructor.
unsafe fn web_identity(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_profile_options,
    name: &[u8],
    merged: Arc<Collection>,
) -> Result<*mut aws_credentials_provider> {
    unsafe {
        let (tls_ctx, _owned) = context(allocator, o.tls_ctx)?;
        let collection = handle_of(merged);
        let options = from_profile_options(
            o.bootstrap,
            tls_ctx,
            collection,
            aws_byte_cursor::from_slice(name),
            o.proxy_ev_settings,
            o.shutdown_options,
        );
        let provider = aws_credentials_provider_new_sts_web_identity(allocator, &options);
        aws_profile_collection_release(collection);
        if provider.is_null() {
            return Err(guard::Error(crate::ffi::common::error::aws_last_error()));
        }
        Ok(provider)
    }
}

/// The provider for profile `name`, which has `role_arn`: STS AssumeRole with the
/// `source_profile`'s or the `credential_source`'s credentials, else (upstream's last choice)
/// STS web identity with the profile's `web_identity_token_file`.
///
/// # Safety
/// As the exported profile constructor.
pub(crate) unsafe fn assume_role(
    allocator: *mut aws_allocator,
    o: &aws_credentials_provider_profile_options,
    name: &[u8],
    profile: &Profile,
    merged: Arc<Collection>,
    visited: &mut Vec<Vec<u8>>,
) -> Result<*mut aws_credentials_provider> {
    unsafe {
        require(!o.bootstrap.is_null())?;
        let sourced =
            profile.get(b"source_profile").is_some() || profile.get(b"credential_source").is_some();
        if !sourced && profile.get(b"web_identity_token_file").is_some() {
            return web_identity(allocator, o, name, merged);
        }
        let role_arn = profile.get(b"role_arn").unwrap_or_default();
        let session_name = match profile.get(b"role_session_name") {
            Some(name) => name[..name.len().min(64)].to_vec(),
            None => format!("aws-common-runtime-profile-config{}", std::process::id()).into_bytes(),
        };
        let external_id = profile.get(b"external_id").unwrap_or_default();
        let (tls_ctx, _owned) = context(allocator, o.tls_ctx)?;
        let source = source(allocator, o, profile, merged.clone(), visited)?;
        let collection = handle_of(merged);
        let sts = aws_credentials_provider_sts_options {
            bootstrap: o.bootstrap,
            tls_ctx,
            creds_provider: source.as_ptr(),
            role_arn: aws_byte_cursor::from_slice(role_arn),
            session_name: aws_byte_cursor::from_slice(&session_name),
            external_id: aws_byte_cursor::from_slice(external_id),
            duration_seconds: 0,
            http_proxy_options: std::ptr::null(),
            proxy_ev_settings: o.proxy_ev_settings,
            profile_collection_cached: collection,
            profile_name_override: o.profile_name_override,
            config_file_name_override: o.config_file_name_override,
            shutdown_options: o.shutdown_options,
            function_table: std::ptr::null_mut(),
            system_clock_fn: None,
        };
        let provider = aws_credentials_provider_new_sts(allocator, &sts);
        aws_profile_collection_release(collection);
        if provider.is_null() {
            return Err(guard::Error(crate::ffi::common::error::aws_last_error()));
        }
        Ok(provider)
    }
}

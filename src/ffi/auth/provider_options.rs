//! `aws/auth/credentials.h`: the options of the providers that reach an endpoint over HTTP
//! (IMDS, ECS, X.509, STS, STS web identity, SSO, Cognito, login), of the composite and file
//! providers, and the opaque types they name, laid out as upstream's so a program written for
//! upstream compiles.

use crate::ffi::auth::credentials_provider::{
    aws_credentials_provider, aws_credentials_provider_shutdown_options,
};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::http::proxy::aws_http_proxy_options;
use crate::ffi::io::channel_bootstrap::aws_client_bootstrap;
use crate::ffi::io::event_loop::aws_io_clock_fn;
use crate::ffi::io::tls_channel_handler::{aws_tls_connection_options, aws_tls_ctx};
use crate::ffi::sdkutils::aws_profile::aws_profile_collection;
use std::ffi::{c_int, c_void};

/// Proxy settings read from the environment (aws-c-http's); opaque here.
pub struct proxy_env_var_settings {
    _opaque: [u8; 0],
}

/// A mock of the HTTP layer for upstream's tests; opaque, always NULL here.
pub struct aws_auth_http_system_vtable {
    _opaque: [u8; 0],
}

/// Which IMDS protocol to start with.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_imds_protocol_version {
    /// Token first (IMDSv2), falling back to v1.
    IMDS_PROTOCOL_V2 = 0,
    /// No token.
    IMDS_PROTOCOL_V1 = 1,
}
crate::c_enum!(aws_imds_protocol_version);

/// A C `enum aws_imds_protocol_version` received from the caller.
pub type aws_imds_protocol_version_raw = c_int;

/// Which address family reaches IMDS.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_imds_endpoint_mode {
    /// IPv4, unless the environment says otherwise.
    AWS_IMDS_ENDPOINT_MODE_DEFAULT = 0,
    /// IPv4.
    AWS_IMDS_ENDPOINT_MODE_IPV4 = 1,
    /// IPv6.
    AWS_IMDS_ENDPOINT_MODE_IPV6 = 2,
}
crate::c_enum!(aws_imds_endpoint_mode);

/// A C `enum aws_imds_endpoint_mode` received from the caller.
pub type aws_imds_endpoint_mode_raw = c_int;

/// Options of the profile provider.
#[repr(C)]
pub struct aws_credentials_provider_profile_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The profile (empty: AWS_PROFILE, else "default").
    pub profile_name_override: aws_byte_cursor,
    /// The config file (empty: AWS_CONFIG_FILE, else ~/.aws/config).
    pub config_file_name_override: aws_byte_cursor,
    /// The credentials file (empty: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials).
    pub credentials_file_name_override: aws_byte_cursor,
    /// Profiles already read.
    pub profile_collection_cached: *mut aws_profile_collection,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *mut proxy_env_var_settings,
}

/// Options of the caching provider.
#[repr(C)]
pub struct aws_credentials_provider_cached_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The provider whose answers are cached (required).
    pub source: *mut aws_credentials_provider,
    /// How long an answer is reused (0: 15 minutes).
    pub refresh_time_in_milliseconds: u64,
    /// A monotonic clock for tests.
    pub high_res_clock_fn: Option<aws_io_clock_fn>,
    /// A clock for tests; NULL for the system clock.
    pub system_clock_fn: Option<aws_io_clock_fn>,
}

/// Options of the chain provider.
#[repr(C)]
pub struct aws_credentials_provider_chain_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The providers, asked in order until one answers.
    pub providers: *mut *mut aws_credentials_provider,
    /// How many.
    pub provider_count: usize,
}

/// Options of the IMDS provider.
#[repr(C)]
pub struct aws_credentials_provider_imds_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The protocol to start with.
    pub imds_version: aws_imds_protocol_version_raw,
    /// No fallback to IMDSv1.
    pub ec2_metadata_v1_disabled: bool,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// The endpoint (empty: the default).
    pub imds_endpoint: aws_byte_cursor,
    /// The address family.
    pub imds_endpoint_mode: aws_imds_endpoint_mode_raw,
}

/// Options of the ECS provider configured from the environment.
#[repr(C)]
pub struct aws_credentials_provider_ecs_environment_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
}

/// Options of the ECS provider.
#[repr(C)]
pub struct aws_credentials_provider_ecs_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The endpoint host.
    pub host: aws_byte_cursor,
    /// The path and query.
    pub path_and_query: aws_byte_cursor,
    /// A file holding the authorization token.
    pub auth_token_file_path: aws_byte_cursor,
    /// The authorization token.
    pub auth_token: aws_byte_cursor,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
    /// The port (0: the scheme's).
    pub port: u32,
}

/// Options of the X.509 (AWS IoT credentials) provider.
#[repr(C)]
pub struct aws_credentials_provider_x509_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// Mutual TLS with the device's certificate and key.
    pub tls_connection_options: *const aws_tls_connection_options,
    /// The IoT thing name.
    pub thing_name: aws_byte_cursor,
    /// The IoT role alias.
    pub role_alias: aws_byte_cursor,
    /// The credentials endpoint.
    pub endpoint: aws_byte_cursor,
    /// An HTTP proxy.
    pub proxy_options: *const aws_http_proxy_options,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
}

/// Options of the STS web identity provider.
#[repr(C)]
pub struct aws_credentials_provider_sts_web_identity_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// Profiles already read.
    pub config_profile_collection_cached: *mut aws_profile_collection,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
    /// The profile.
    pub profile_name_override: aws_byte_cursor,
    /// The region.
    pub region: aws_byte_cursor,
    /// The role.
    pub role_arn: aws_byte_cursor,
    /// The session name.
    pub role_session_name: aws_byte_cursor,
    /// The web identity token file.
    pub token_file_path: aws_byte_cursor,
}

/// Options of the SSO provider.
#[repr(C)]
pub struct aws_credentials_provider_sso_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The profile.
    pub profile_name_override: aws_byte_cursor,
    /// The config file.
    pub config_file_name_override: aws_byte_cursor,
    /// Profiles already read.
    pub config_file_cached: *mut aws_profile_collection,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
    /// A clock for tests; NULL for the system clock.
    pub system_clock_fn: Option<aws_io_clock_fn>,
}

/// Options of the STS AssumeRole provider.
#[repr(C)]
pub struct aws_credentials_provider_sts_options {
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// Credentials to call STS with.
    pub creds_provider: *mut aws_credentials_provider,
    /// The role to assume.
    pub role_arn: aws_byte_cursor,
    /// The session name.
    pub session_name: aws_byte_cursor,
    /// The external id.
    pub external_id: aws_byte_cursor,
    /// How long the role's credentials last.
    pub duration_seconds: u16,
    /// An HTTP proxy.
    pub http_proxy_options: *const aws_http_proxy_options,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// Profiles already read.
    pub profile_collection_cached: *mut aws_profile_collection,
    /// The profile.
    pub profile_name_override: aws_byte_cursor,
    /// The config file.
    pub config_file_name_override: aws_byte_cursor,
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
    /// A clock for tests; NULL for the system clock.
    pub system_clock_fn: Option<aws_io_clock_fn>,
}

/// Options of the process (`credential_process`) provider.
#[repr(C)]
pub struct aws_credentials_provider_process_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The profile (empty: AWS_PROFILE, else "default").
    pub profile_to_use: aws_byte_cursor,
    /// Profiles already read.
    pub config_profile_collection_cached: *mut aws_profile_collection,
}

/// Options of the default chain.
#[repr(C)]
pub struct aws_credentials_provider_chain_default_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// Profiles already read.
    pub profile_collection_cached: *mut aws_profile_collection,
    /// The profile.
    pub profile_name_override: aws_byte_cursor,
    /// Leave the environment provider out.
    pub skip_environment_credentials_provider: bool,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
}

/// A login for Cognito: an identity provider and its token.
#[repr(C)]
pub struct aws_cognito_identity_provider_token_pair {
    /// The identity provider.
    pub identity_provider_name: aws_byte_cursor,
    /// Its token.
    pub identity_provider_token: aws_byte_cursor,
}

/// Completes a Cognito provider's request for login token pairs.
pub type aws_credentials_provider_cognito_get_token_pairs_completion_fn = unsafe extern "C" fn(
    logins: *mut aws_cognito_identity_provider_token_pair,
    login_count: usize,
    error_code: c_int,
    completion_user_data: *mut c_void,
);

/// Asks for the login token pairs of a Cognito provider's next request.
pub type aws_credentials_provider_cognito_get_token_pairs_async_fn = unsafe extern "C" fn(
    get_token_pairs_user_data: *mut c_void,
    completion_callback: Option<aws_credentials_provider_cognito_get_token_pairs_completion_fn>,
    completion_user_data: *mut c_void,
) -> c_int;

/// Options of the Cognito provider.
#[repr(C)]
pub struct aws_credentials_provider_cognito_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The Cognito endpoint.
    pub endpoint: aws_byte_cursor,
    /// The identity id.
    pub identity: aws_byte_cursor,
    /// Logins to present.
    pub logins: *mut aws_cognito_identity_provider_token_pair,
    /// How many.
    pub login_count: usize,
    /// A role to ask for.
    pub custom_role_arn: *mut aws_byte_cursor,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// An HTTP proxy.
    pub http_proxy_options: *const aws_http_proxy_options,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
    /// Logins asked for at each request.
    pub get_token_pairs: Option<aws_credentials_provider_cognito_get_token_pairs_async_fn>,
    /// Passed to `get_token_pairs`.
    pub get_token_pairs_user_data: *mut c_void,
}

/// Options of the login provider.
#[repr(C)]
pub struct aws_credentials_provider_login_options {
    /// What to call after destruction.
    pub shutdown_options: aws_credentials_provider_shutdown_options,
    /// The login session.
    pub login_session: aws_byte_cursor,
    /// The region.
    pub login_region: aws_byte_cursor,
    /// The token cache directory.
    pub login_cache_directory_override: aws_byte_cursor,
    /// The profile.
    pub profile_name_override: aws_byte_cursor,
    /// The config file.
    pub config_file_name_override: aws_byte_cursor,
    /// Profiles already read.
    pub config_file_cached: *mut aws_profile_collection,
    /// The bootstrap connections are made with.
    pub bootstrap: *mut aws_client_bootstrap,
    /// The TLS context for HTTPS.
    pub tls_ctx: *mut aws_tls_ctx,
    /// Proxy settings from the environment.
    pub proxy_ev_settings: *const proxy_env_var_settings,
    /// For upstream's tests; NULL.
    pub function_table: *mut aws_auth_http_system_vtable,
    /// A clock for tests; NULL for the system clock.
    pub system_clock_fn: Option<aws_io_clock_fn>,
}

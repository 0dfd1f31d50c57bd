//! aws-c-auth's C API: credentials, credentials providers and SigV4 signing.

pub mod auth;
pub mod credentials;
pub mod credentials_provider;
pub mod provider_options;
pub mod providers_basic;
pub mod signable;
pub mod signing;
pub mod signing_config;
pub mod signing_result;

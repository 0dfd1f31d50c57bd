//! aws-c-auth's C API: credentials, credentials providers and SigV4 signing.

pub mod auth;
pub mod credentials;
pub mod credentials_provider;
pub mod provider_options;
pub mod provider_support;
#[cfg(test)]
mod provider_test_support;
pub mod providers_basic;
pub mod providers_cognito;
#[cfg(test)]
mod providers_cognito_tests;
pub mod providers_composite;
pub mod providers_ecs;
#[cfg(test)]
mod providers_ecs_tests;
pub mod providers_files;
pub mod providers_imds;
#[cfg(test)]
mod providers_imds_tests;
pub mod providers_login;
#[cfg(test)]
mod providers_login_tests;
pub mod providers_profile_role;
pub mod providers_sso;
#[cfg(test)]
mod providers_sso_tests;
pub mod providers_sts;
#[cfg(test)]
mod providers_sts_tests;
pub mod providers_sts_web_identity;
#[cfg(test)]
mod providers_sts_web_identity_tests;
#[cfg(test)]
mod providers_tests;
pub mod providers_x509;
#[cfg(test)]
mod providers_x509_tests;
pub mod signable;
pub mod signing;
pub mod signing_config;
pub mod signing_result;

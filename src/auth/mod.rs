//! aws-c-auth's machinery without C: SigV4 signing (sans-IO), the credentials a provider
//! hands out, and the sources the file- and process-based providers read (profile files,
//! `credential_process`). `ffi::auth` wraps it in upstream's C API.

pub mod document;
pub mod http_fetch;
pub mod login_token;
pub mod process;
pub mod profile;
pub mod sigv4;
pub mod sigv4_canonical;
pub mod sts_document;
pub mod time;

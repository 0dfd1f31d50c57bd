//! aws-c-io: error codes, log subjects, library init, event-loop groups and tasks, socket
//! options, the host resolver, TLS contexts and the client bootstrap.

pub mod async_stream;
#[cfg(test)]
mod async_stream_tests;
pub mod channel_bootstrap;
pub mod event_loop;
pub mod file_utils;
pub mod future;
#[cfg(test)]
mod future_tests;
pub mod future_typed;
pub mod host_resolver;
pub mod host_resolver_address;
pub mod io;
pub mod pem;
#[cfg(test)]
mod pem_tests;
pub mod pem_utils;
pub mod pipe;
#[cfg(test)]
mod pipe_tests;
pub mod pkcs11;
pub(crate) mod pkcs11_key_handler;
pub mod retry_strategy;
pub mod shared_library;
pub mod socket;
pub mod statistics;
pub mod stream;
pub mod stream_impls;
#[cfg(test)]
mod stream_tests;
pub mod tls_channel_handler;
pub mod tls_connection_options;
pub mod tls_ctx_options;
#[cfg(test)]
mod tls_ffi_tests;
mod tls_files;
pub mod uri;

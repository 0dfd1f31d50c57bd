//! The C API: the only module with `extern "C"`, `#[no_mangle]` and raw pointers.
//!
//! One file per upstream header: `ffi/<lib>/<name>.rs` declares what `include/aws/<lib>/<name>.h`
//! shows, and `tools/headergen` generates that header from it. Every exported function runs its
//! body through [`guard`], which turns a panic into an error return, and checks its arguments
//! with the helpers there before touching them.

pub mod common;
pub mod guard;
pub mod http;
pub mod io;
pub mod mqtt;

pub mod auth;
mod file_logger;
pub mod iotdevice;
pub(crate) mod log_subjects;
#[cfg(test)]
mod logging_background_tests;
#[cfg(test)]
mod logging_tests;
mod memtrace;
pub mod sdkutils;

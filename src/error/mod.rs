//! The error codes of every library this one stands in for (aws-c-common, aws-c-io, aws-c-http,
//! aws-c-mqtt), as upstream numbers them, and the one [`Error`] type that carries them.
//!
//! They are facts of the ABI that every layer needs (a resolver failure is
//! `AWS_IO_DNS_QUERY_FAILED` whether or not C ever sees it), so they live below everything; `ffi`
//! re-exports the enums for C and raises an [`Error`] as the thread's last error. Each file
//! contributes its enum to the upstream header named in its first line (see tools/headergen).

pub mod auth;
pub mod common;
pub mod http;
pub mod io;
pub mod mqtt;
pub mod sdkutils;
pub mod table;

use std::ffi::c_int;

pub use auth::aws_auth_errors;
pub use common::aws_common_error;
pub use http::aws_http_errors;
pub use io::aws_io_errors;
pub use mqtt::aws_mqtt_error;
pub use sdkutils::aws_sdkutils_errors;

/// An upstream error code, on its way to becoming the thread's last error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error(pub c_int);

/// What a fallible step returns.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The code, as C sees it.
    pub fn code(self) -> c_int {
        self.0
    }
}

/// Lets a C enum declared in Rust convert to its integer and to an [`Error`], so a body can
/// write `Err(aws_common_error::AWS_ERROR_OOM)?` and `ffi::guard::enum_value` can check values.
#[macro_export]
macro_rules! c_enum {
    ($($name:ident),+ $(,)?) => {$(
        impl From<$name> for std::ffi::c_int {
            fn from(value: $name) -> std::ffi::c_int {
                value as std::ffi::c_int
            }
        }
        impl From<$name> for $crate::error::Error {
            fn from(value: $name) -> $crate::error::Error {
                $crate::error::Error(value as std::ffi::c_int)
            }
        }
    )+};
}

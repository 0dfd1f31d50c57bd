//! Logging for every layer: the log levels and the subjects of the four libraries (as upstream
//! numbers them; each file contributes its enum to the upstream header its first line names),
//! and [`crate::aws_log!`], which writes through whatever `aws_logger` a C program set.
//!
//! The logger itself is C's business (`ffi::common::logging`); this module only holds the
//! [`Sink`] that `aws_logger_set` installs, so the lower layers log without knowing about C.
//! Until a logger is set, a log statement costs one atomic load.

pub mod auth;
pub mod common;
pub mod http;
pub mod io;
pub mod mqtt;
pub mod sdkutils;

pub use common::{aws_log_level, aws_log_subject_t};
use std::sync::OnceLock;

/// Every level and subject by bare name, for [`crate::aws_log!`].
#[allow(unused_imports)]
pub mod all {
    pub use super::auth::aws_auth_log_subject::*;
    pub use super::common::aws_common_log_subject::*;
    pub use super::common::aws_log_level::*;
    pub use super::http::aws_http_log_subject::*;
    pub use super::io::aws_io_log_subject::*;
    pub use super::mqtt::aws_mqtt_log_subject::*;
    pub use super::sdkutils::aws_sdkutils_log_subject::*;
}

/// Where messages go: whether a level of a subject is let through, and the writer.
#[derive(Clone, Copy)]
pub struct Sink {
    /// Whether the current logger lets `level` of `subject` through.
    pub enabled: fn(aws_log_level, aws_log_subject_t) -> bool,
    /// Writes one message through the current logger.
    pub log: fn(aws_log_level, aws_log_subject_t, std::fmt::Arguments<'_>),
}

static SINK: OnceLock<Sink> = OnceLock::new();

/// Sends every later message to `sink` (the first call decides; the sink itself follows
/// whichever logger is current).
pub fn install(sink: Sink) {
    let _ = SINK.set(sink);
}

/// Whether a message of `level` about `subject` would be written.
#[inline]
pub fn enabled(level: aws_log_level, subject: aws_log_subject_t) -> bool {
    SINK.get()
        .is_some_and(|sink| (sink.enabled)(level, subject))
}

/// Writes one message (check [`enabled`] first, or use [`crate::aws_log!`], which does).
pub fn log(level: aws_log_level, subject: aws_log_subject_t, message: std::fmt::Arguments<'_>) {
    if let Some(sink) = SINK.get() {
        (sink.log)(level, subject, message)
    }
}

/// Logs through the process-wide logger when it lets the level through:
/// `aws_log!(AWS_LL_DEBUG, AWS_LS_MQTT_CLIENT, "id={} connected", id)`. Levels and subjects are
/// taken by bare name (any expression works too). The message is formatted only when enabled.
#[macro_export]
macro_rules! aws_log {
    ($level:expr, $subject:expr, $($arg:tt)+) => {{
        let (aws_log_level_, aws_log_subject_): ($crate::log::aws_log_level, u32) = {
            #[allow(unused_imports)]
            use $crate::log::all::*;
            ($level, $subject as u32)
        };
        if $crate::log::enabled(aws_log_level_, aws_log_subject_) {
            $crate::log::log(aws_log_level_, aws_log_subject_, format_args!($($arg)+));
        }
    }};
}

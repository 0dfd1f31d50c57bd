//! `aws/mqtt/ext/reconnect.h`: beyond upstream: a 3.1.1 connection that reconnects like the
//! MQTT 5 client, when asked. Upstream's 3.1.1 connection stops after a failed first connect
//! and backs off without jitter; one call before `connect` makes it retry the first connect too,
//! with the jitter and the reset-after-connected-time rule of the MQTT 5 client's options.
//! Nothing changes for a connection that never makes the call.
//!
//! Headers of ours live under `aws/mqtt/ext/`, their names start with `aws_mqtt_ext_`.
//!
//! # Safety
//! Pointer arguments are NULL or valid; a connection is one the caller holds a reference to.

use crate::client::backoff::{BackoffConfig, JitterMode, MQTT311_CONNECTED_TIME_TO_RESET_MS};
use crate::client::backoff::{
    MQTT311_DEFAULT_MAX_RECONNECT_DELAY_MS, MQTT311_DEFAULT_MIN_RECONNECT_DELAY_MS,
};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::guard::{self, INVALID_ARGUMENT};
use crate::ffi::io::retry_strategy::aws_exponential_backoff_jitter_mode_raw;
use crate::ffi::mqtt::client_connection::{Kind, aws_mqtt_client_connection, handle_of};
use std::ffi::c_int;

/// How a 3.1.1 connection reconnects (`aws_mqtt_ext_client_connection_set_reconnect_options`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt_ext_reconnect_options {
    /// Retry a failed first connect with the backoff (upstream stops after it). Each failed
    /// attempt is reported to `on_connection_failure`; `connect`'s `on_connection_complete`
    /// runs once: at the first success, or with `AWS_ERROR_MQTT_CONNECTION_SHUTDOWN` when
    /// `aws_mqtt_client_connection_disconnect` ends the retries.
    pub retry_first_connect: bool,
    /// The jitter of the delays; `AWS_EXPONENTIAL_BACKOFF_JITTER_DEFAULT` keeps the 3.1.1
    /// connection's (none).
    pub jitter_mode: aws_exponential_backoff_jitter_mode_raw,
    /// The first delay; 0: 1 s.
    pub min_reconnect_delay_ms: u64,
    /// No delay exceeds this; 0: 128 s.
    pub max_reconnect_delay_ms: u64,
    /// A connection up at least this long starts the next backoff from the minimum; 0: 10 s.
    pub min_connected_time_to_reset_reconnect_delay_ms: u64,
}

/// What the options ask for, checked.
pub(crate) fn reconnect_policy(
    o: &aws_mqtt_ext_reconnect_options,
) -> guard::Result<(BackoffConfig, bool)> {
    let jitter = match o.jitter_mode {
        0 => JitterMode::None,
        mode => u32::try_from(mode)
            .ok()
            .and_then(JitterMode::from_upstream)
            .ok_or(INVALID_ARGUMENT)?,
    };
    let or = |value: u64, default: u64| if value == 0 { default } else { value };
    let min_delay_ms = or(
        o.min_reconnect_delay_ms,
        MQTT311_DEFAULT_MIN_RECONNECT_DELAY_MS,
    );
    let max_delay_ms = or(
        o.max_reconnect_delay_ms,
        MQTT311_DEFAULT_MAX_RECONNECT_DELAY_MS,
    );
    guard::require(min_delay_ms <= max_delay_ms)?;
    let backoff = BackoffConfig {
        min_delay_ms,
        max_delay_ms,
        jitter,
        reset_after_ms: or(
            o.min_connected_time_to_reset_reconnect_delay_ms,
            MQTT311_CONNECTED_TIME_TO_RESET_MS,
        ),
    };
    Ok((backoff, o.retry_first_connect))
}

/// Sets how `connection` reconnects, from its next `connect` on (and for a connection already
/// up, from its next reconnect). `AWS_ERROR_INVALID_ARGUMENT` for NULL, an unknown jitter mode
/// or a minimum above the maximum; `AWS_ERROR_INVALID_STATE` while connecting or
/// disconnecting; `AWS_ERROR_UNSUPPORTED_OPERATION` on the 3.1.1 view of an MQTT 5 client
/// (which reconnects by its own options).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_client_connection_set_reconnect_options(
    connection: *mut aws_mqtt_client_connection,
    options: *const aws_mqtt_ext_reconnect_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends valid options and holds a reference to the connection.
        unsafe {
            let handle = handle_of(connection)?;
            let policy = reconnect_policy(guard::reference(options)?)?;
            match handle.kind() {
                Kind::Native(c) => c.reconfigure(|config| config.reconnect = Some(policy)),
                Kind::Adapter(_) => Err(AWS_ERROR_UNSUPPORTED_OPERATION.into()),
            }
        }
    })
}

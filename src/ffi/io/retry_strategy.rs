//! `aws/io/retry_strategy.h`: the part of aws-c-io's retry strategies the MQTT 5 client options
//! name, the jitter mode of an exponential backoff. The retry strategy objects themselves are not
//! part of this library's API.

use std::ffi::c_int;

/// How an exponential backoff randomises each delay.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_exponential_backoff_jitter_mode {
    /// The default: full jitter.
    AWS_EXPONENTIAL_BACKOFF_JITTER_DEFAULT = 0,
    /// No randomness: the delay doubles up to its maximum.
    AWS_EXPONENTIAL_BACKOFF_JITTER_NONE = 1,
    /// A uniform draw between zero and the doubled delay.
    AWS_EXPONENTIAL_BACKOFF_JITTER_FULL = 2,
    /// A uniform draw between the minimum and three times the previous delay.
    AWS_EXPONENTIAL_BACKOFF_JITTER_DECORRELATED = 3,
}

/// A C `enum aws_exponential_backoff_jitter_mode` received from the caller.
pub type aws_exponential_backoff_jitter_mode_raw = c_int;

crate::c_enum!(aws_exponential_backoff_jitter_mode);

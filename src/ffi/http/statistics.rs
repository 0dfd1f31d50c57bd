//! `aws/http/statistics.h`: the statistics records of aws-c-http's HTTP/1.1 and HTTP/2 channel
//! handlers, in aws-c-http's category range. This library has no HTTP channels to fill them; a
//! program's own statistics handler may still use them.

use crate::ffi::common::statistics::aws_crt_statistics_category_t;
use crate::ffi::guard;
use std::ffi::c_int;

/// aws-c-http's statistics categories (its range starts at its package id times 256).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_crt_http_statistics_category {
    /// HTTP/1.1 channel statistics.
    AWSCRT_STAT_CAT_HTTP1_CHANNEL = 512,
    /// HTTP/2 channel statistics.
    AWSCRT_STAT_CAT_HTTP2_CHANNEL = 513,
}

/// An HTTP/1.1 channel's record over one interval.
#[repr(C)]
pub struct aws_crt_statistics_http1_channel {
    /// `AWSCRT_STAT_CAT_HTTP1_CHANNEL`.
    pub category: aws_crt_statistics_category_t,
    /// How long an outgoing stream was pending (ms).
    pub pending_outgoing_stream_ms: u64,
    /// How long an incoming stream was pending (ms).
    pub pending_incoming_stream_ms: u64,
    /// The outgoing stream at the time of the report.
    pub current_outgoing_stream_id: u32,
    /// The incoming stream at the time of the report.
    pub current_incoming_stream_id: u32,
}

/// An HTTP/2 channel's record over one interval.
#[repr(C)]
pub struct aws_crt_statistics_http2_channel {
    /// `AWSCRT_STAT_CAT_HTTP2_CHANNEL`.
    pub category: aws_crt_statistics_category_t,
    /// How long outgoing streams were pending (ms).
    pub pending_outgoing_stream_ms: u64,
    /// How long incoming streams were pending (ms).
    pub pending_incoming_stream_ms: u64,
    /// Whether the connection had no active stream at some point of the interval.
    pub was_inactive: bool,
}

/// Zeroes the record and sets its category.
///
/// # Safety
/// `stats` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_http1_channel_init(
    stats: *mut aws_crt_statistics_http1_channel,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let stats = unsafe { guard::mutable(stats) }?;
        *stats = aws_crt_statistics_http1_channel {
            category: aws_crt_http_statistics_category::AWSCRT_STAT_CAT_HTTP1_CHANNEL as u32,
            pending_outgoing_stream_ms: 0,
            pending_incoming_stream_ms: 0,
            current_outgoing_stream_id: 0,
            current_incoming_stream_id: 0,
        };
        Ok(())
    })
}

/// Nothing to free.
///
/// # Safety
/// Any pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_http1_channel_cleanup(
    _stats: *mut aws_crt_statistics_http1_channel,
) {
    guard::guard((), || Ok(()))
}

/// Zeroes everything but the category, for the next interval.
///
/// # Safety
/// `stats` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_http1_channel_reset(
    stats: *mut aws_crt_statistics_http1_channel,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let stats = unsafe { guard::mutable(stats) }?;
        stats.pending_outgoing_stream_ms = 0;
        stats.pending_incoming_stream_ms = 0;
        stats.current_outgoing_stream_id = 0;
        stats.current_incoming_stream_id = 0;
        Ok(())
    })
}

/// Zeroes the record and sets its category.
///
/// # Safety
/// `stats` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_http2_channel_init(
    stats: *mut aws_crt_statistics_http2_channel,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let stats = unsafe { guard::mutable(stats) }?;
        *stats = aws_crt_statistics_http2_channel {
            category: aws_crt_http_statistics_category::AWSCRT_STAT_CAT_HTTP2_CHANNEL as u32,
            pending_outgoing_stream_ms: 0,
            pending_incoming_stream_ms: 0,
            was_inactive: false,
        };
        Ok(())
    })
}

/// Zeroes everything but the category, for the next interval.
///
/// # Safety
/// `stats` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_http2_channel_reset(
    stats: *mut aws_crt_statistics_http2_channel,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let stats = unsafe { guard::mutable(stats) }?;
        stats.pending_outgoing_stream_ms = 0;
        stats.pending_incoming_stream_ms = 0;
        stats.was_inactive = false;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_sets_the_categories_and_reset_keeps_only_them() {
        let mut h1: aws_crt_statistics_http1_channel = unsafe { std::mem::zeroed() };
        let mut h2: aws_crt_statistics_http2_channel = unsafe { std::mem::zeroed() };
        unsafe {
            assert_eq!(aws_crt_statistics_http1_channel_init(&mut h1), 0);
            assert_eq!(h1.category, 512);
            h1.current_outgoing_stream_id = 3;
            h1.pending_incoming_stream_ms = 9;
            aws_crt_statistics_http1_channel_reset(&mut h1);
            assert_eq!(
                (
                    h1.category,
                    h1.current_outgoing_stream_id,
                    h1.pending_incoming_stream_ms
                ),
                (512, 0, 0)
            );
            aws_crt_statistics_http2_channel_init(&mut h2);
            assert_eq!(h2.category, 513);
            h2.was_inactive = true;
            aws_crt_statistics_http2_channel_reset(&mut h2);
            assert!(!h2.was_inactive);
            assert_eq!(
                aws_crt_statistics_http1_channel_init(std::ptr::null_mut()),
                -1
            );
        }
    }
}

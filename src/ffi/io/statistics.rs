//! `aws/io/statistics.h`: the statistics records of aws-c-io's socket and TLS handlers, in
//! aws-c-io's category range. The handlers that fill them belong to the channel pipeline,
//! which this library does not have; a program's own statistics handler may still use them.

use crate::ffi::common::statistics::aws_crt_statistics_category_t;
use crate::ffi::guard;
use crate::ffi::io::tls_channel_handler::aws_tls_negotiation_status;
use std::ffi::c_int;

/// aws-c-io's statistics categories (its range starts at its package id times 256).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_crt_io_statistics_category {
    /// Socket handler statistics.
    AWSCRT_STAT_CAT_SOCKET = 256,
    /// TLS handler statistics.
    AWSCRT_STAT_CAT_TLS = 257,
}

/// A C `enum aws_tls_negotiation_status`, as C writes it into a record.
pub type aws_tls_negotiation_status_raw = c_int;

/// A socket handler's byte counts over one interval.
#[repr(C)]
pub struct aws_crt_statistics_socket {
    /// `AWSCRT_STAT_CAT_SOCKET`.
    pub category: aws_crt_statistics_category_t,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes written.
    pub bytes_written: u64,
}

/// A TLS handler's handshake record.
#[repr(C)]
pub struct aws_crt_statistics_tls {
    /// `AWSCRT_STAT_CAT_TLS`.
    pub category: aws_crt_statistics_category_t,
    /// When the handshake began (ns).
    pub handshake_start_ns: u64,
    /// When it ended (ns).
    pub handshake_end_ns: u64,
    /// How it stands (an `enum aws_tls_negotiation_status` that C may write).
    pub handshake_status: aws_tls_negotiation_status_raw,
}

/// Zeroes the record and sets its category.
///
/// # Safety
/// `stats` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_socket_init(
    stats: *mut aws_crt_statistics_socket,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let stats = unsafe { guard::mutable(stats) }?;
        *stats = aws_crt_statistics_socket {
            category: aws_crt_io_statistics_category::AWSCRT_STAT_CAT_SOCKET as u32,
            bytes_read: 0,
            bytes_written: 0,
        };
        Ok(())
    })
}

/// Nothing to free.
///
/// # Safety
/// Any pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_socket_cleanup(_stats: *mut aws_crt_statistics_socket) {
    guard::guard((), || Ok(()))
}

/// Zeroes the byte counts for the next interval.
///
/// # Safety
/// `stats` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_socket_reset(stats: *mut aws_crt_statistics_socket) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let stats = unsafe { guard::mutable(stats) }?;
        stats.bytes_read = 0;
        stats.bytes_written = 0;
        Ok(())
    })
}

/// Zeroes the record, sets its category and a status of `AWS_TLS_NEGOTIATION_STATUS_NONE`.
///
/// # Safety
/// `stats` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_tls_init(stats: *mut aws_crt_statistics_tls) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let stats = unsafe { guard::mutable(stats) }?;
        *stats = aws_crt_statistics_tls {
            category: aws_crt_io_statistics_category::AWSCRT_STAT_CAT_TLS as u32,
            handshake_start_ns: 0,
            handshake_end_ns: 0,
            handshake_status: aws_tls_negotiation_status::AWS_TLS_NEGOTIATION_STATUS_NONE as c_int,
        };
        Ok(())
    })
}

/// Nothing to free.
///
/// # Safety
/// Any pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_tls_cleanup(_stats: *mut aws_crt_statistics_tls) {
    guard::guard((), || Ok(()))
}

/// Nothing resets between intervals: the handshake is recorded once.
///
/// # Safety
/// Any pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_crt_statistics_tls_reset(_stats: *mut aws_crt_statistics_tls) {
    guard::guard((), || Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_sets_the_categories_and_reset_clears_the_socket_counts() {
        let mut socket: aws_crt_statistics_socket = unsafe { std::mem::zeroed() };
        let mut tls: aws_crt_statistics_tls = unsafe { std::mem::zeroed() };
        unsafe {
            assert_eq!(aws_crt_statistics_socket_init(&mut socket), 0);
            assert_eq!(socket.category, 256);
            socket.bytes_read = 5;
            socket.bytes_written = 6;
            aws_crt_statistics_socket_reset(&mut socket);
            assert_eq!((socket.bytes_read, socket.bytes_written), (0, 0));
            assert_eq!(aws_crt_statistics_tls_init(&mut tls), 0);
            assert_eq!(tls.category, 257);
            assert_eq!(tls.handshake_status, 0);
            assert_eq!(aws_crt_statistics_socket_init(std::ptr::null_mut()), -1);
        }
    }
}

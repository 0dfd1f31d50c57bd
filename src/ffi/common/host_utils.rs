//! `aws/common/host_utils.h`: whether a host name is an IPv4 or IPv6 address literal, by
//! upstream's rules: IPv4 is four dot-separated decimal octets of at most three digits, each at
//! most 255; IPv6 is RFC 5952's text form (up to eight groups of up to four hex digits, `::` at
//! most once), optionally followed by a zone, `%zone` (RFC 6874; `%25zone` when the text is URI
//! encoded) of letters and digits.

use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, Result};

/// The cursor's bytes (an invalid cursor is an invalid argument).
fn bytes(host: &aws_byte_cursor) -> Result<&[u8]> {
    // SAFETY: the caller lends a cursor over `len` readable bytes.
    unsafe { guard::bytes(host.ptr, host.len) }
}

/// Whether `host` is an IPv4 address literal such as `127.0.0.1`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_host_utils_is_ipv4(host: aws_byte_cursor) -> bool {
    guard::guard(false, || Ok(is_ipv4(bytes(&host)?)))
}

/// See [`aws_host_utils_is_ipv4`].
pub fn is_ipv4(host: &[u8]) -> bool {
    let octets: Vec<&[u8]> = host.split(|&b| b == b'.').collect();
    octets.len() == 4
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.iter().all(u8::is_ascii_digit)
                && o.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')) <= 255
        })
}

/// Whether `host` is an IPv6 address literal, with an optional zone (`%25zone` when
/// `is_uri_encoded`, `%zone` otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn aws_host_utils_is_ipv6(host: aws_byte_cursor, is_uri_encoded: bool) -> bool {
    guard::guard(false, || Ok(is_ipv6(bytes(&host)?, is_uri_encoded)))
}

/// See [`aws_host_utils_is_ipv6`].
pub fn is_ipv6(host: &[u8], is_uri_encoded: bool) -> bool {
    let mut parts = host.split(|&b| b == b'%');
    let Some(address) = parts.next() else {
        return false;
    };
    if !address_is_ipv6(address) {
        return false;
    }
    let Some(zone) = parts.next() else {
        return true;
    };
    let zone_ok = if is_uri_encoded {
        zone.len() >= 3 && zone.starts_with(b"25")
    } else {
        !zone.is_empty()
    };
    zone_ok && zone.iter().all(u8::is_ascii_alphanumeric)
}

/// The address part of an IPv6 literal.
fn address_is_ipv6(a: &[u8]) -> bool {
    if a.len() < 2 || a.len() > 39 || !a.iter().all(|&b| b.is_ascii_hexdigit() || b == b':') {
        return false;
    }
    let n = a.len();
    // A single colon may neither start nor end the address.
    if (a[0] == b':' && a[1] != b':') || (a[n - 1] == b':' && a[n - 2] != b':') {
        return false;
    }
    let (mut groups, mut digits, mut double_colon) = (1u32, 0u32, false);
    for i in 0..n {
        if a[i] == b':' {
            groups += 1;
            digits = 0;
            if i > 0 && a[i - 1] == b':' {
                if double_colon {
                    return false;
                }
                double_colon = true;
                groups -= 1;
            }
        } else {
            digits += 1;
        }
        if digits > 4 || groups > 8 {
            return false;
        }
    }
    if double_colon {
        groups <= 8
    } else {
        groups == 8
    }
}

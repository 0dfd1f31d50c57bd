//! The system's name lookup (`getaddrinfo`), which blocks and so runs only on resolver threads,
//! and the order a host's addresses are handed out in.
//!
//! Before asking the system, a name is checked: an IP literal is answered directly, and a name
//! that cannot be a host name (empty labels, spaces, characters outside letters, digits, `-` and
//! `_`, labels over 63 bytes, over 253 bytes in all) fails with `AWS_IO_DNS_INVALID_NAME`
//! without a query. `getaddrinfo`'s failures map to upstream's codes.

use super::host_resolver::{HostAddress, RecordType};
use crate::error::aws_common_error::{AWS_ERROR_OOM, AWS_ERROR_SYS_CALL_FAILURE};
use crate::error::aws_io_errors::{AWS_IO_DNS_INVALID_NAME, AWS_IO_DNS_QUERY_FAILED};
use std::ffi::{CString, c_int};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ptr;

/// `AWS_IO_DNS_INVALID_NAME`.
const INVALID_NAME: c_int = AWS_IO_DNS_INVALID_NAME as c_int;

/// The addresses of `host`, as the system resolves it, in the system's order without
/// duplicates. Blocks for as long as the system's resolver takes.
pub fn lookup_system(host: &str) -> Result<Vec<HostAddress>, c_int> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![HostAddress::new(ip)]);
    }
    // A colon can only be an IPv6 literal the parser above does not take (a scoped one, such as
    // fe80::1%eth0), which the system may know.
    if !host.contains(':') && !is_host_name(host) {
        return Err(INVALID_NAME);
    }
    let name = CString::new(host).map_err(|_| INVALID_NAME)?;
    getaddrinfo(&name)
}

/// True when `name` has the shape of a DNS host name (a trailing dot allowed).
pub fn is_host_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Asks the system, as upstream does: any family, stream sockets, all addresses.
fn getaddrinfo(name: &CString) -> Result<Vec<HostAddress>, c_int> {
    // SAFETY: an all-zero addrinfo is a valid "no hints" value, completed below.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    hints.ai_socktype = libc::SOCK_STREAM;
    hints.ai_flags = libc::AI_ALL | libc::AI_V4MAPPED;
    let mut list: *mut libc::addrinfo = ptr::null_mut();
    // SAFETY: the name is NUL-terminated, the hints initialised and `list` receives the result.
    let rc = unsafe { libc::getaddrinfo(name.as_ptr(), ptr::null(), &hints, &mut list) };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    let mut out: Vec<HostAddress> = Vec::new();
    let mut node = list;
    while !node.is_null() {
        // SAFETY: `node` is an entry of the list getaddrinfo returned, not freed yet.
        let entry = unsafe { &*node };
        // SAFETY: the entry's address is of the family it names.
        if let Some(ip) = unsafe { address_of(entry) } {
            if !out.iter().any(|a| a.address == ip) {
                out.push(HostAddress::new(ip));
            }
        }
        node = entry.ai_next;
    }
    // SAFETY: the list came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(list) };
    Ok(out)
}

/// The IP address of one `getaddrinfo` entry; `None` for another family.
///
/// # Safety
/// `entry.ai_addr` must point to a socket address of family `entry.ai_family`.
unsafe fn address_of(entry: &libc::addrinfo) -> Option<IpAddr> {
    if entry.ai_addr.is_null() {
        return None;
    }
    match entry.ai_family {
        libc::AF_INET => {
            // SAFETY: an AF_INET entry holds a sockaddr_in.
            let sin = unsafe { &*entry.ai_addr.cast::<libc::sockaddr_in>() };
            Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                sin.sin_addr.s_addr,
            ))))
        }
        libc::AF_INET6 => {
            // SAFETY: an AF_INET6 entry holds a sockaddr_in6.
            let sin6 = unsafe { &*entry.ai_addr.cast::<libc::sockaddr_in6>() };
            Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
        }
        _ => None,
    }
}

/// Upstream's code for a `getaddrinfo` failure: a name the system does not know (or a service
/// it refuses) is `AWS_IO_DNS_INVALID_NAME`, a failed or temporarily failing query
/// `AWS_IO_DNS_QUERY_FAILED`, no memory `AWS_ERROR_OOM`, anything else
/// `AWS_ERROR_SYS_CALL_FAILURE`.
pub fn gai_error(code: c_int) -> c_int {
    match code {
        libc::EAI_FAIL | libc::EAI_AGAIN => AWS_IO_DNS_QUERY_FAILED as c_int,
        libc::EAI_MEMORY => AWS_ERROR_OOM as c_int,
        libc::EAI_NONAME | libc::EAI_SERVICE => INVALID_NAME,
        _ => AWS_ERROR_SYS_CALL_FAILURE as c_int,
    }
}

/// Orders addresses to be tried one after the other: IPv6 first, then alternating with IPv4
/// (as upstream hands out an AAAA record before an A record, and as RFC 8305 suggests), each
/// family in its given order.
pub fn interleave(aaaa: &[IpAddr], a: &[IpAddr]) -> Vec<HostAddress> {
    let mut out = Vec::with_capacity(aaaa.len() + a.len());
    for i in 0..aaaa.len().max(a.len()) {
        out.extend(aaaa.get(i).map(|&ip| HostAddress::new(ip)));
        out.extend(a.get(i).map(|&ip| HostAddress::new(ip)));
    }
    out
}

/// Splits addresses by family, each in its given order: (AAAA, A).
pub fn by_family(addresses: &[HostAddress]) -> (Vec<IpAddr>, Vec<IpAddr>) {
    let pick = |t: RecordType| {
        addresses
            .iter()
            .filter(|a| a.record_type == t)
            .map(|a| a.address)
            .collect()
    };
    (pick(RecordType::Aaaa), pick(RecordType::A))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn localhost_resolves_to_loopback() {
        let got = lookup_system("localhost").unwrap();
        assert!(!got.is_empty());
        assert!(got.iter().all(|a| a.address.is_loopback()), "{got:?}");
    }

    #[test]
    fn ip_literals_are_answered_without_a_query() {
        let v6 = lookup_system("::1").unwrap();
        assert_eq!(v6, vec![HostAddress::new(ip("::1"))]);
        assert_eq!(v6[0].record_type, RecordType::Aaaa);
        let v4 = lookup_system("127.0.0.1").unwrap();
        assert_eq!(v4[0].record_type, RecordType::A);
    }

    #[test]
    fn names_that_cannot_be_host_names_are_invalid() {
        for name in [
            "",
            "bad..name",
            "bad name",
            ".",
            "a\0b",
            "-\u{e9}-",
            &"a".repeat(64),
        ] {
            assert_eq!(lookup_system(name), Err(INVALID_NAME), "{name:?}");
        }
        assert!(is_host_name("broker.example.com."));
        assert!(is_host_name("_srv-1.example"));
    }

    #[test]
    fn getaddrinfo_failures_map_to_upstreams_codes() {
        assert_eq!(gai_error(libc::EAI_NONAME), INVALID_NAME);
        assert_eq!(gai_error(libc::EAI_AGAIN), AWS_IO_DNS_QUERY_FAILED as c_int);
        assert_eq!(gai_error(libc::EAI_MEMORY), AWS_ERROR_OOM as c_int);
        assert_eq!(
            gai_error(libc::EAI_SYSTEM),
            AWS_ERROR_SYS_CALL_FAILURE as c_int
        );
    }

    #[test]
    fn addresses_alternate_starting_with_ipv6() {
        let order = interleave(&[ip("::1"), ip("::2"), ip("::3")], &[ip("10.0.0.1")]);
        let got: Vec<IpAddr> = order.iter().map(|a| a.address).collect();
        assert_eq!(got, [ip("::1"), ip("10.0.0.1"), ip("::2"), ip("::3")]);
    }
}

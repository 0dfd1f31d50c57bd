//! How a connection's socket is to be made: its type and address family, the connect timeout,
//! TCP keep-alive, Nagle's algorithm and the network interface to bind to.
//!
//! [`SocketOptions`] is the checked form of a C program's `struct aws_socket_options`
//! (`ffi::io::socket` converts one into the other); the TCP transport reads only this.

use std::ffi::CString;
use std::time::Duration;

/// Stream or datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketType {
    /// A reliable two-way byte stream: TCP over IPv4/IPv6, a Unix stream socket for `Local`.
    Stream,
    /// Connectionless datagrams: UDP over IPv4/IPv6.
    Datagram,
}

/// The address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketDomain {
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
    /// A Unix domain socket, addressed by a path.
    Local,
    /// A VM socket (`AF_VSOCK`), addressed by a context id and a 32-bit port.
    Vsock,
}

/// What to do about `TCP_NODELAY` (Nagle's algorithm); TCP only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpNoDelay {
    /// Leave the system's default (Nagle's algorithm on).
    Default,
    /// Set `TCP_NODELAY`: small writes leave at once.
    On,
    /// Clear `TCP_NODELAY` explicitly.
    Off,
}

/// TCP keep-alive probing. Upstream's field names are kept, with upstream's meaning: the
/// "interval" is the idle time before the first probe (`TCP_KEEPIDLE`) and the "timeout" the
/// time between probes (`TCP_KEEPINTVL`); both are set only when both are non-zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Keepalive {
    /// Turn `SO_KEEPALIVE` on.
    pub enabled: bool,
    /// Seconds of idleness before the first probe (`TCP_KEEPIDLE`); 0 keeps the system's.
    pub interval_sec: u16,
    /// Seconds between probes (`TCP_KEEPINTVL`); 0 keeps the system's.
    pub timeout_sec: u16,
    /// Unanswered probes before the connection counts as lost (`TCP_KEEPCNT`); 0 keeps the
    /// system's.
    pub max_failed_probes: u16,
}

impl Keepalive {
    /// The idle time and probe interval to set, when both are given.
    pub fn timing(&self) -> Option<(Duration, Duration)> {
        (self.interval_sec != 0 && self.timeout_sec != 0).then(|| {
            (
                Duration::from_secs(self.interval_sec.into()),
                Duration::from_secs(self.timeout_sec.into()),
            )
        })
    }
}

/// A socket's options, checked: every value is one the transport knows how to apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketOptions {
    /// Stream or datagram.
    pub socket_type: SocketType,
    /// The address family.
    pub domain: SocketDomain,
    /// How long a connect may take before it fails with `AWS_IO_SOCKET_TIMEOUT`.
    pub connect_timeout: Duration,
    /// TCP keep-alive; ignored for other sockets.
    pub keepalive: Keepalive,
    /// Nagle's algorithm; ignored for other than TCP sockets.
    pub tcp_nodelay: TcpNoDelay,
    /// The network interface to bind the socket to (`SO_BINDTODEVICE`), such as `eth0`; `None`
    /// lets the system route. At most 15 bytes.
    pub network_interface_name: Option<CString>,
}

impl SocketOptions {
    /// The longest interface name, its NUL excluded (upstream's `AWS_NETWORK_INTERFACE_NAME_MAX`
    /// less one).
    pub const MAX_INTERFACE_NAME_LEN: usize = 15;

    /// True for a TCP socket: a stream over IPv4 or IPv6, where keep-alive and Nagle apply.
    pub fn is_tcp(&self) -> bool {
        self.socket_type == SocketType::Stream
            && matches!(self.domain, SocketDomain::Ipv4 | SocketDomain::Ipv6)
    }
}

impl Default for SocketOptions {
    /// A TCP stream over IPv4 with a 3 second connect timeout and everything else the system's.
    fn default() -> Self {
        Self {
            socket_type: SocketType::Stream,
            domain: SocketDomain::Ipv4,
            connect_timeout: Duration::from_millis(3000),
            keepalive: Keepalive::default(),
            tcp_nodelay: TcpNoDelay::Default,
            network_interface_name: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalive_timing_needs_both_the_idle_time_and_the_probe_interval() {
        let mut k = Keepalive {
            enabled: true,
            interval_sec: 30,
            ..Keepalive::default()
        };
        assert_eq!(k.timing(), None);
        k.timeout_sec = 5;
        assert_eq!(
            k.timing(),
            Some((Duration::from_secs(30), Duration::from_secs(5)))
        );
    }

    #[test]
    fn only_streams_over_ip_are_tcp() {
        let mut o = SocketOptions::default();
        assert!(o.is_tcp());
        o.domain = SocketDomain::Local;
        assert!(!o.is_tcp());
        o.domain = SocketDomain::Ipv6;
        o.socket_type = SocketType::Datagram;
        assert!(!o.is_tcp());
    }
}

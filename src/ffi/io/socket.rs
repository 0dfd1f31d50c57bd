//! `aws/io/socket.h`: the socket options and endpoint structs, their enums, and the checks a
//! program may run before connecting or binding (port ranges, interface names).
//!
//! The socket itself (`aws_socket_init`, connect, read, write) comes with the TCP transport;
//! [`socket_options`] turns a caller's `struct aws_socket_options` into the checked
//! [`SocketOptions`] the transport reads, raising upstream's codes for what the Linux
//! implementation would refuse.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a C string NUL-terminated).

use crate::ffi::common::error::aws_common_error::AWS_ERROR_PLATFORM_NOT_SUPPORTED;
use crate::ffi::guard::{self, Error, Result, enum_value};
use crate::ffi::io::io::aws_io_errors::{
    AWS_IO_SOCKET_INVALID_ADDRESS, AWS_IO_SOCKET_INVALID_OPTIONS,
};
use crate::transport::socket_options::{
    Keepalive, SocketDomain, SocketOptions, SocketType, TcpNoDelay,
};
use std::ffi::{CStr, c_char, c_int};
use std::time::Duration;

/// The size of `aws_socket_endpoint.address`: a Unix socket path's (`sun_path`) on Linux. The
/// header's macro of the same name is defined in its fragment.
const AWS_ADDRESS_MAX_LEN: usize = 108;
/// The size of `aws_socket_options.network_interface_name`, its NUL included. The header's
/// macro of the same name is defined in its fragment.
const AWS_NETWORK_INTERFACE_NAME_MAX: usize = 16;

/// The address family of a socket.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_socket_domain {
    /// IPv4.
    AWS_SOCKET_IPV4 = 0,
    /// IPv6.
    AWS_SOCKET_IPV6 = 1,
    /// Unix domain sockets, addressed by a path.
    AWS_SOCKET_LOCAL = 2,
    /// VM sockets (`AF_VSOCK`), for communication between virtual machines and their host.
    AWS_SOCKET_VSOCK = 3,
}

/// A C `enum aws_socket_domain` received from the caller.
pub type aws_socket_domain_raw = c_int;

/// Stream or datagram.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_socket_type {
    /// A reliable two-way stream: TCP over IPv4/IPv6, a Unix stream socket with LOCAL.
    AWS_SOCKET_STREAM = 0,
    /// Connectionless, unreliable datagrams: UDP over IPv4/IPv6. Not for LOCAL or VSOCK.
    AWS_SOCKET_DGRAM = 1,
}

/// A C `enum aws_socket_type` received from the caller.
pub type aws_socket_type_raw = c_int;

/// Which socket implementation to use. On Linux only the POSIX one exists, and
/// `AWS_SOCKET_IMPL_PLATFORM_DEFAULT` selects it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_socket_impl_type {
    /// The platform's default: POSIX on Linux.
    AWS_SOCKET_IMPL_PLATFORM_DEFAULT = 0,
    /// BSD sockets with epoll or kqueue.
    AWS_SOCKET_IMPL_POSIX = 1,
    /// Windows sockets (not on Linux).
    AWS_SOCKET_IMPL_WINSOCK = 2,
    /// Apple's Network framework (not on Linux).
    AWS_SOCKET_IMPL_APPLE_NETWORK_FRAMEWORK = 3,
}

/// A C `enum aws_socket_impl_type` received from the caller.
pub type aws_socket_impl_type_raw = c_int;

/// What to do about `TCP_NODELAY` (Nagle's algorithm). TCP only: ignored for UDP and LOCAL.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_socket_tcp_nodelay {
    /// Leave the system's default (Nagle's algorithm on).
    AWS_SOCKET_TCP_NODELAY_DEFAULT = 0,
    /// Turn `TCP_NODELAY` on: small writes are sent at once.
    AWS_SOCKET_TCP_NODELAY_ON = 1,
    /// Turn `TCP_NODELAY` off, explicitly keeping Nagle's algorithm.
    AWS_SOCKET_TCP_NODELAY_OFF = 2,
}

/// A C `enum aws_socket_tcp_nodelay` received from the caller.
pub type aws_socket_tcp_nodelay_raw = c_int;

crate::c_enum!(
    aws_socket_domain,
    aws_socket_type,
    aws_socket_impl_type,
    aws_socket_tcp_nodelay
);

/// How a socket is to be made (upstream's `struct aws_socket_options`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_socket_options {
    /// Stream or datagram.
    pub r#type: aws_socket_type_raw,
    /// The address family.
    pub domain: aws_socket_domain_raw,
    /// The implementation; `AWS_SOCKET_IMPL_PLATFORM_DEFAULT` (0) picks the platform's.
    pub impl_type: aws_socket_impl_type_raw,
    /// How long a connect may take, in milliseconds.
    pub connect_timeout_ms: u32,
    /// TCP only: seconds of idleness before the first keep-alive probe (set only when
    /// `keep_alive_timeout_sec` is set too); 0 keeps the system's.
    pub keep_alive_interval_sec: u16,
    /// TCP only: seconds between keep-alive probes (set only when `keep_alive_interval_sec` is
    /// set too); 0 keeps the system's.
    pub keep_alive_timeout_sec: u16,
    /// TCP only: unanswered probes before the connection counts as lost; 0 keeps the system's.
    pub keep_alive_max_failed_probes: u16,
    /// TCP only: probe an idle connection to detect a vanished peer.
    pub keepalive: bool,
    /// TCP only: Nagle's algorithm; `AWS_SOCKET_TCP_NODELAY_DEFAULT` (0) leaves the system's.
    pub tcp_nodelay: aws_socket_tcp_nodelay_raw,
    /// Experimental: the network interface to bind the socket to (such as `eth0`), as a
    /// NUL-terminated name; empty for none. A name that does not exist fails the socket's set-up
    /// with `AWS_IO_SOCKET_INVALID_OPTIONS`.
    pub network_interface_name: [c_char; AWS_NETWORK_INTERFACE_NAME_MAX],
}

/// An address and a port: an IP address's text and a TCP/UDP port, a Unix socket's path (the
/// port unused), or a VSOCK context id and port.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_socket_endpoint {
    /// The address, NUL-terminated.
    pub address: [c_char; AWS_ADDRESS_MAX_LEN],
    /// The port.
    pub port: u32,
}

/// The checked form of a caller's socket options. An out-of-range type, domain or TCP_NODELAY
/// value is `AWS_ERROR_INVALID_ARGUMENT`; an implementation other than POSIX (or the default)
/// is `AWS_ERROR_PLATFORM_NOT_SUPPORTED`, as upstream's `aws_socket_init` answers on Linux; an
/// interface name without a NUL within its 16 bytes is `AWS_IO_SOCKET_INVALID_OPTIONS`.
pub fn socket_options(options: &aws_socket_options) -> Result<SocketOptions> {
    let socket_type = match enum_value::<aws_socket_type>(options.r#type)? {
        aws_socket_type::AWS_SOCKET_STREAM => SocketType::Stream,
        aws_socket_type::AWS_SOCKET_DGRAM => SocketType::Datagram,
    };
    let domain = match enum_value::<aws_socket_domain>(options.domain)? {
        aws_socket_domain::AWS_SOCKET_IPV4 => SocketDomain::Ipv4,
        aws_socket_domain::AWS_SOCKET_IPV6 => SocketDomain::Ipv6,
        aws_socket_domain::AWS_SOCKET_LOCAL => SocketDomain::Local,
        aws_socket_domain::AWS_SOCKET_VSOCK => SocketDomain::Vsock,
    };
    match enum_value::<aws_socket_impl_type>(options.impl_type) {
        Ok(aws_socket_impl_type::AWS_SOCKET_IMPL_PLATFORM_DEFAULT)
        | Ok(aws_socket_impl_type::AWS_SOCKET_IMPL_POSIX) => {}
        _ => return Err(AWS_ERROR_PLATFORM_NOT_SUPPORTED.into()),
    }
    let tcp_nodelay = match enum_value::<aws_socket_tcp_nodelay>(options.tcp_nodelay)? {
        aws_socket_tcp_nodelay::AWS_SOCKET_TCP_NODELAY_DEFAULT => TcpNoDelay::Default,
        aws_socket_tcp_nodelay::AWS_SOCKET_TCP_NODELAY_ON => TcpNoDelay::On,
        aws_socket_tcp_nodelay::AWS_SOCKET_TCP_NODELAY_OFF => TcpNoDelay::Off,
    };
    let name = c_chars_to_c_str(&options.network_interface_name)
        .ok_or(Error::from(AWS_IO_SOCKET_INVALID_OPTIONS))?;
    Ok(SocketOptions {
        socket_type,
        domain,
        connect_timeout: Duration::from_millis(options.connect_timeout_ms.into()),
        keepalive: Keepalive {
            enabled: options.keepalive,
            interval_sec: options.keep_alive_interval_sec,
            timeout_sec: options.keep_alive_timeout_sec,
            max_failed_probes: options.keep_alive_max_failed_probes,
        },
        tcp_nodelay,
        network_interface_name: (!name.is_empty()).then(|| name.to_owned()),
    })
}

/// The NUL-terminated string at the start of a fixed `char` array; `None` without a NUL.
pub fn c_chars_to_c_str(chars: &[c_char]) -> Option<&CStr> {
    // SAFETY: c_char and u8 have the same size and alignment; the slice's bytes are readable.
    let bytes = unsafe { std::slice::from_raw_parts(chars.as_ptr().cast::<u8>(), chars.len()) };
    CStr::from_bytes_until_nul(bytes).ok()
}

/// An endpoint's address (which must have its NUL within the array) and port.
pub fn endpoint_address(endpoint: &aws_socket_endpoint) -> Result<(&CStr, u32)> {
    let address =
        c_chars_to_c_str(&endpoint.address).ok_or(Error::from(AWS_IO_SOCKET_INVALID_ADDRESS))?;
    Ok((address, endpoint.port))
}

/// Which domains take which ports, for both connect and bind: IPv4 and IPv6 ports fit 16 bits,
/// LOCAL ignores the port, VSOCK takes any 32-bit port. An unknown domain is an invalid
/// address, as upstream answers.
fn check_port_for_domain(port: u32, domain: aws_socket_domain_raw) -> Result<aws_socket_domain> {
    let invalid = Error::from(AWS_IO_SOCKET_INVALID_ADDRESS);
    let domain = enum_value::<aws_socket_domain>(domain).map_err(|_| {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_SOCKET,
            "Cannot validate port for unknown domain={domain}"
        );
        invalid
    })?;
    let ip = matches!(
        domain,
        aws_socket_domain::AWS_SOCKET_IPV4 | aws_socket_domain::AWS_SOCKET_IPV6
    );
    if ip && port > u32::from(u16::MAX) {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_SOCKET,
            "Invalid port={port} for {domain:?}. Cannot exceed 65535"
        );
        return Err(invalid);
    }
    Ok(domain)
}

/// Fails with `AWS_IO_SOCKET_INVALID_ADDRESS` when `port` cannot be connected to in `domain`:
/// IPv4 and IPv6 need 1 to 65535; LOCAL ignores the port; VSOCK takes any port but
/// `VMADDR_PORT_ANY` (`0xFFFFFFFF`). An unknown domain is an invalid address too.
#[unsafe(no_mangle)]
pub extern "C" fn aws_socket_validate_port_for_connect(
    port: u32,
    domain: aws_socket_domain_raw,
) -> c_int {
    guard::op(|| {
        let invalid = Error::from(AWS_IO_SOCKET_INVALID_ADDRESS);
        match check_port_for_domain(port, domain)? {
            aws_socket_domain::AWS_SOCKET_IPV4 | aws_socket_domain::AWS_SOCKET_IPV6
                if port == 0 =>
            {
                crate::aws_log!(
                    AWS_LL_ERROR,
                    AWS_LS_IO_SOCKET,
                    "Invalid port=0 for connections. Must use 1-65535"
                );
                Err(invalid)
            }
            aws_socket_domain::AWS_SOCKET_VSOCK if port == u32::MAX => {
                crate::aws_log!(
                    AWS_LL_ERROR,
                    AWS_LS_IO_SOCKET,
                    "Invalid port for VSOCK connections. Cannot use VMADDR_PORT_ANY (-1U)."
                );
                Err(invalid)
            }
            _ => Ok(()),
        }
    })
}

/// Fails with `AWS_IO_SOCKET_INVALID_ADDRESS` when `port` cannot be bound in `domain`: IPv4
/// and IPv6 take 0 (any free port) to 65535; LOCAL ignores the port; VSOCK takes any port. An
/// unknown domain is an invalid address too.
#[unsafe(no_mangle)]
pub extern "C" fn aws_socket_validate_port_for_bind(
    port: u32,
    domain: aws_socket_domain_raw,
) -> c_int {
    guard::op(|| check_port_for_domain(port, domain).map(|_| ()))
}

/// True when a network interface of this name exists (it can be given as
/// `network_interface_name`); false for NULL, an empty name or an unknown one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_is_network_interface_name_valid(
    interface_name: *const c_char,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the caller lends a NUL-terminated name.
        let name = unsafe { guard::c_str(interface_name) }?;
        // SAFETY: if_nametoindex only reads the NUL-terminated name.
        let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
        if index == 0 {
            crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_IO_SOCKET,
                "network_interface_name({name:?}) is invalid"
            );
        }
        Ok(index != 0)
    })
}

/// The implementation `AWS_SOCKET_IMPL_PLATFORM_DEFAULT` stands for: POSIX on Linux.
#[unsafe(no_mangle)]
pub extern "C" fn aws_socket_get_default_impl_type() -> aws_socket_impl_type {
    guard::guard(aws_socket_impl_type::AWS_SOCKET_IMPL_POSIX, || {
        Ok(aws_socket_impl_type::AWS_SOCKET_IMPL_POSIX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::{aws_common_error, aws_last_error};
    use crate::ffi::guard::{OP_ERR, OP_SUCCESS};
    use aws_socket_domain::*;

    const INVALID_ADDRESS: c_int = AWS_IO_SOCKET_INVALID_ADDRESS as c_int;

    fn options() -> aws_socket_options {
        aws_socket_options {
            r#type: aws_socket_type::AWS_SOCKET_STREAM as c_int,
            domain: AWS_SOCKET_IPV6 as c_int,
            impl_type: 0,
            connect_timeout_ms: 3000,
            keep_alive_interval_sec: 20,
            keep_alive_timeout_sec: 5,
            keep_alive_max_failed_probes: 3,
            keepalive: true,
            tcp_nodelay: aws_socket_tcp_nodelay::AWS_SOCKET_TCP_NODELAY_ON as c_int,
            network_interface_name: [0; AWS_NETWORK_INTERFACE_NAME_MAX],
        }
    }

    fn connect(port: u32, domain: aws_socket_domain) -> c_int {
        aws_socket_validate_port_for_connect(port, domain as c_int)
    }

    fn bind(port: u32, domain: aws_socket_domain) -> c_int {
        aws_socket_validate_port_for_bind(port, domain as c_int)
    }

    #[test]
    fn the_structs_have_upstreams_layout() {
        use std::mem::{offset_of, size_of};
        assert_eq!(size_of::<aws_socket_options>(), 44);
        assert_eq!(offset_of!(aws_socket_options, keepalive), 22);
        assert_eq!(offset_of!(aws_socket_options, tcp_nodelay), 24);
        assert_eq!(offset_of!(aws_socket_options, network_interface_name), 28);
        assert_eq!(size_of::<aws_socket_endpoint>(), 112);
        assert_eq!(offset_of!(aws_socket_endpoint, port), 108);
    }

    #[test]
    fn ip_connects_need_a_port_from_1_to_65535() {
        for domain in [AWS_SOCKET_IPV4, AWS_SOCKET_IPV6] {
            assert_eq!(connect(1, domain), OP_SUCCESS);
            assert_eq!(connect(65535, domain), OP_SUCCESS);
            assert_eq!(connect(0, domain), OP_ERR);
            assert_eq!(aws_last_error(), INVALID_ADDRESS);
            assert_eq!(connect(65536, domain), OP_ERR);
            assert_eq!(aws_last_error(), INVALID_ADDRESS);
        }
    }

    #[test]
    fn ip_binds_take_port_0_but_nothing_past_65535() {
        assert_eq!(bind(0, AWS_SOCKET_IPV4), OP_SUCCESS);
        assert_eq!(bind(65535, AWS_SOCKET_IPV6), OP_SUCCESS);
        assert_eq!(bind(65536, AWS_SOCKET_IPV4), OP_ERR);
        assert_eq!(aws_last_error(), INVALID_ADDRESS);
    }

    #[test]
    fn local_ignores_the_port_and_vsock_refuses_only_port_any_for_connect() {
        assert_eq!(connect(0, AWS_SOCKET_LOCAL), OP_SUCCESS);
        assert_eq!(connect(u32::MAX, AWS_SOCKET_LOCAL), OP_SUCCESS);
        assert_eq!(connect(70000, AWS_SOCKET_VSOCK), OP_SUCCESS);
        assert_eq!(connect(u32::MAX, AWS_SOCKET_VSOCK), OP_ERR);
        assert_eq!(bind(u32::MAX, AWS_SOCKET_VSOCK), OP_SUCCESS);
    }

    #[test]
    fn an_unknown_domain_is_an_invalid_address() {
        assert_eq!(aws_socket_validate_port_for_connect(80, 4), OP_ERR);
        assert_eq!(aws_last_error(), INVALID_ADDRESS);
        assert_eq!(aws_socket_validate_port_for_bind(80, -1), OP_ERR);
        assert_eq!(aws_last_error(), INVALID_ADDRESS);
    }

    #[test]
    fn options_convert_to_their_checked_form() {
        let mut o = options();
        o.network_interface_name[..2].copy_from_slice(&[b'l' as c_char, b'o' as c_char]);
        let s = socket_options(&o).unwrap();
        assert_eq!(s.socket_type, SocketType::Stream);
        assert_eq!(s.domain, SocketDomain::Ipv6);
        assert_eq!(s.connect_timeout, Duration::from_secs(3));
        assert_eq!(
            s.keepalive,
            Keepalive {
                enabled: true,
                interval_sec: 20,
                timeout_sec: 5,
                max_failed_probes: 3
            }
        );
        assert_eq!(s.tcp_nodelay, TcpNoDelay::On);
        assert_eq!(s.network_interface_name.as_deref(), Some(c"lo"));
        assert!(s.is_tcp());
    }

    #[test]
    fn bad_options_raise_upstreams_codes() {
        let invalid = guard::INVALID_ARGUMENT;
        let mut o = options();
        o.r#type = 2;
        assert_eq!(socket_options(&o), Err(invalid));
        let mut o = options();
        o.domain = 9;
        assert_eq!(socket_options(&o), Err(invalid));
        let mut o = options();
        o.tcp_nodelay = 3;
        assert_eq!(socket_options(&o), Err(invalid));
        for impl_type in [2, 3, 4, -1] {
            let mut o = options();
            o.impl_type = impl_type;
            assert_eq!(
                socket_options(&o),
                Err(aws_common_error::AWS_ERROR_PLATFORM_NOT_SUPPORTED.into())
            );
        }
        let mut o = options();
        o.impl_type = aws_socket_impl_type::AWS_SOCKET_IMPL_POSIX as c_int;
        o.network_interface_name = [b'x' as c_char; AWS_NETWORK_INTERFACE_NAME_MAX];
        assert_eq!(
            socket_options(&o),
            Err(AWS_IO_SOCKET_INVALID_OPTIONS.into())
        );
    }

    #[test]
    fn interface_names_are_checked_against_the_system() {
        unsafe {
            assert!(aws_is_network_interface_name_valid(c"lo".as_ptr()));
            assert!(!aws_is_network_interface_name_valid(
                c"no-such-if0".as_ptr()
            ));
            assert!(!aws_is_network_interface_name_valid(std::ptr::null()));
        }
    }

    #[test]
    fn endpoints_need_a_nul_within_their_address() {
        let mut e = aws_socket_endpoint {
            address: [b'a' as c_char; AWS_ADDRESS_MAX_LEN],
            port: 5,
        };
        assert!(endpoint_address(&e).is_err());
        e.address[1] = 0;
        assert_eq!(endpoint_address(&e).unwrap(), (c"a", 5));
    }
}

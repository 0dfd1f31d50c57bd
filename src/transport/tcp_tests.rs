//! The TCP and Unix-socket connect on a real event loop, against loopback peers.

use crate::error::aws_io_errors::*;
use crate::runtime::event_loop::{Clock, EventLoop};
use crate::runtime::event_loop_group::EventLoopGroup;
use crate::runtime::host_resolver::{HostAddress, HostResolver, ResolutionConfig, ResolverOptions};
use crate::transport::socket_options::{Keepalive, SocketDomain, SocketOptions, TcpNoDelay};
use crate::transport::tcp::{ConnectRequest, ConnectResult, SocketStream, connect};
use std::ffi::c_int;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

fn group() -> Arc<EventLoopGroup> {
    EventLoopGroup::new(1, Clock::Monotonic, None).unwrap()
}

fn request(host: &str, port: u16, options: SocketOptions) -> ConnectRequest {
    ConnectRequest {
        host: host.to_string(),
        port: port.into(),
        options,
        resolver: None,
        resolution: ResolutionConfig::default(),
    }
}

/// Connects and waits for the result; asserts the callback ran on the loop thread.
fn run(event_loop: &EventLoop, request: ConnectRequest) -> ConnectResult {
    let (tx, rx) = channel();
    let el = event_loop.clone();
    connect(
        event_loop,
        request,
        Box::new(move |result| {
            assert!(
                el.is_current_thread(),
                "the callback runs on the loop thread"
            );
            tx.send(result).unwrap();
        }),
    );
    rx.recv_timeout(WAIT).expect("the connect completes")
}

fn error_of(result: ConnectResult) -> c_int {
    match result {
        Ok(stream) => panic!("connected unexpectedly: {stream:?}"),
        Err(code) => code,
    }
}

fn tcp(result: ConnectResult) -> mio::net::TcpStream {
    match result {
        Ok(SocketStream::Tcp(s)) => s,
        other => panic!("expected a TCP stream, got {other:?}"),
    }
}

/// A port on 127.0.0.1 nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Accepts one connection and checks a byte goes through from `client`.
fn check_link(listener: &TcpListener, client: mio::net::TcpStream) {
    let (mut server, _) = listener.accept().unwrap();
    let mut client = TcpStream::from(std::os::fd::OwnedFd::from(client));
    client.set_nonblocking(false).unwrap();
    client.write_all(b"x").unwrap();
    let mut byte = [0u8; 1];
    server.read_exact(&mut byte).unwrap();
    assert_eq!(&byte, b"x");
}

#[test]
fn connecting_to_a_closed_loopback_port_is_refused() {
    let g = group();
    let result = run(
        g.next_loop(),
        request("127.0.0.1", closed_port(), SocketOptions::default()),
    );
    assert_eq!(error_of(result), AWS_IO_SOCKET_CONNECTION_REFUSED as c_int);
}

#[test]
fn an_ipv4_literal_connects_and_carries_bytes() {
    let g = group();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stream = tcp(run(
        g.next_loop(),
        request("127.0.0.1", port, SocketOptions::default()),
    ));
    check_link(&listener, stream);
}

#[test]
fn a_connect_that_cannot_complete_times_out_after_connect_timeout() {
    // A listener whose accept queue is full drops further SYNs: fill it with blocking
    // connects until one of them times out.
    let listener =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    listener.bind(&addr.into()).unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let mut fillers = Vec::new();
    let mut full = false;
    for _ in 0..16 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(s) => fillers.push(s),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                full = true;
                break;
            }
            Err(e) => panic!("filling the backlog: {e}"),
        }
    }
    assert!(full, "the listener's backlog never filled");
    let g = group();
    let options = SocketOptions {
        connect_timeout: Duration::from_millis(1000),
        ..SocketOptions::default()
    };
    let started = Instant::now();
    let result = run(g.next_loop(), request("127.0.0.1", addr.port(), options));
    let elapsed = started.elapsed();
    assert_eq!(error_of(result), AWS_IO_SOCKET_TIMEOUT as c_int);
    assert!(elapsed >= Duration::from_millis(1000), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(3000), "{elapsed:?}");
}

#[test]
fn a_unix_socket_connects_and_carries_bytes() {
    let path =
        std::env::temp_dir().join(format!("aws-c-mqtt-tcp-test-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let g = group();
    let options = SocketOptions {
        domain: SocketDomain::Local,
        ..SocketOptions::default()
    };
    let result = run(g.next_loop(), request(path.to_str().unwrap(), 0, options));
    let Ok(SocketStream::Unix(client)) = result else {
        panic!("expected a Unix stream, got {result:?}");
    };
    let (mut server, _) = listener.accept().unwrap();
    let mut client = std::os::unix::net::UnixStream::from(std::os::fd::OwnedFd::from(client));
    client.set_nonblocking(false).unwrap();
    client.write_all(b"u").unwrap();
    let mut byte = [0u8; 1];
    server.read_exact(&mut byte).unwrap();
    assert_eq!(&byte, b"u");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_unix_socket_path_nobody_listens_on_fails() {
    let g = group();
    let options = SocketOptions {
        domain: SocketDomain::Local,
        ..SocketOptions::default()
    };
    let result = run(
        g.next_loop(),
        request("/nonexistent/aws-c-mqtt-test.sock", 0, options),
    );
    assert_eq!(error_of(result), AWS_ERROR_FILE_INVALID_PATH_CODE);
}

const AWS_ERROR_FILE_INVALID_PATH_CODE: c_int =
    crate::error::aws_common_error::AWS_ERROR_FILE_INVALID_PATH as c_int;

#[test]
fn ipv6_loopback_connects_when_available() {
    let Ok(listener) = TcpListener::bind("[::1]:0") else {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    let g = group();
    for host in ["::1", "[::1]"] {
        let options = SocketOptions {
            domain: SocketDomain::Ipv6,
            ..SocketOptions::default()
        };
        let stream = tcp(run(g.next_loop(), request(host, port, options)));
        assert_eq!(
            stream.peer_addr().unwrap().ip(),
            "::1".parse::<IpAddr>().unwrap()
        );
        check_link(&listener, stream);
    }
}

#[test]
fn localhost_resolves_and_connects() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let g = group();
    let mut req = request("localhost", port, SocketOptions::default());
    req.resolver = Some(HostResolver::new(ResolverOptions::default()));
    let stream = tcp(run(g.next_loop(), req));
    check_link(&listener, stream);
}

#[test]
fn a_failing_first_address_moves_on_to_the_next_and_is_recorded() {
    // 127.0.0.2 is loopback too, but the listener is bound to 127.0.0.1 only.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let first: IpAddr = "127.0.0.2".parse().unwrap();
    let second: IpAddr = "127.0.0.1".parse().unwrap();
    let resolver = HostResolver::new(ResolverOptions::default());
    let g = group();
    let mut req = request("two.example", port, SocketOptions::default());
    req.resolver = Some(resolver.clone());
    req.resolution = ResolutionConfig {
        max_ttl: Duration::from_secs(60),
        lookup: Some(Arc::new(move |_| {
            Ok(vec![HostAddress::new(first), HostAddress::new(second)])
        })),
    };
    let resolution = req.resolution.clone();
    let stream = tcp(run(g.next_loop(), req));
    assert_eq!(stream.peer_addr().unwrap().ip(), second);
    check_link(&listener, stream);
    // The failed address now comes last.
    let (tx, rx) = channel();
    resolver
        .resolve_with(
            "two.example",
            &resolution,
            Box::new(move |r| tx.send(r).unwrap()),
        )
        .unwrap();
    let order = rx.recv_timeout(WAIT).unwrap().unwrap();
    assert_eq!(order.last().unwrap().address, first);
}

#[test]
fn an_unresolvable_name_fails_without_connecting() {
    let g = group();
    let mut req = request("bad name", 80, SocketOptions::default());
    req.resolver = Some(HostResolver::new(ResolverOptions::default()));
    assert_eq!(
        error_of(run(g.next_loop(), req)),
        AWS_IO_DNS_INVALID_NAME as c_int
    );
}

#[test]
fn a_host_name_without_a_resolver_and_a_bad_port_are_refused() {
    let g = group();
    let req = request("example.com", 80, SocketOptions::default());
    assert_eq!(
        error_of(run(g.next_loop(), req)),
        AWS_IO_DNS_INVALID_NAME as c_int
    );
    let mut req = request("127.0.0.1", 0, SocketOptions::default());
    req.port = 0;
    assert_eq!(
        error_of(run(g.next_loop(), req)),
        AWS_IO_SOCKET_INVALID_ADDRESS as c_int
    );
    let mut req = request("127.0.0.1", 1, SocketOptions::default());
    req.port = 70000;
    assert_eq!(
        error_of(run(g.next_loop(), req)),
        AWS_IO_SOCKET_INVALID_ADDRESS as c_int
    );
}

#[test]
fn keepalive_and_nodelay_are_applied_as_upstream_does() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let g = group();
    let options = SocketOptions {
        keepalive: Keepalive {
            enabled: true,
            interval_sec: 42,
            timeout_sec: 7,
            max_failed_probes: 3,
        },
        tcp_nodelay: TcpNoDelay::On,
        ..SocketOptions::default()
    };
    let stream = tcp(run(g.next_loop(), request("127.0.0.1", port, options)));
    let sock = socket2::SockRef::from(&stream);
    assert!(sock.keepalive().unwrap());
    assert_eq!(sock.keepalive_time().unwrap(), Duration::from_secs(42));
    assert_eq!(sock.keepalive_interval().unwrap(), Duration::from_secs(7));
    assert_eq!(sock.keepalive_retries().unwrap(), 3);
    assert!(sock.nodelay().unwrap());
}

#[test]
fn keepalive_stays_off_when_not_asked_for() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let g = group();
    let stream = tcp(run(
        g.next_loop(),
        request("127.0.0.1", port, SocketOptions::default()),
    ));
    let sock = socket2::SockRef::from(&stream);
    assert!(!sock.keepalive().unwrap());
}

#[test]
fn a_connect_under_way_when_the_loop_stops_reports_the_shutdown() {
    // The full-backlog peer is not needed: a group that stops before the task runs drops it.
    let g = group();
    let event_loop = g.next_loop().clone();
    drop(g);
    let (tx, rx) = channel();
    connect(
        &event_loop,
        request("127.0.0.1", closed_port(), SocketOptions::default()),
        Box::new(move |r| tx.send(r).unwrap()),
    );
    let result = rx.recv_timeout(WAIT).expect("the connect reports");
    assert_eq!(error_of(result), AWS_IO_EVENT_LOOP_SHUTDOWN as c_int);
}

//! The CONNECT exchange on an event loop, against a scripted proxy on loopback.

use crate::error::aws_http_errors::AWS_ERROR_HTTP_PROXY_CONNECT_FAILED;
use crate::runtime::event_loop::{Clock, EventLoop};
use crate::runtime::event_loop_group::EventLoopGroup;
use crate::runtime::host_resolver::ResolutionConfig;
use crate::transport::http_connect::ProxyCredentials;
use crate::transport::http_proxy::{ProxyTunnel, tunnel};
use crate::transport::socket_options::SocketOptions;
use crate::transport::stream::{Transport, error_code};
use crate::transport::tcp::{ConnectRequest, SocketStream, connect};
use crate::transport::tls::{TlsSession, TlsSettings, TrustAnchors};
use crate::transport::tls_test_pki::{Ca, ServerSetup, TestServer, Validity, context};
use crate::transport::tls_transport::{TlsTransport, negotiate};
use std::ffi::c_int;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);
const FAILED: c_int = AWS_ERROR_HTTP_PROXY_CONNECT_FAILED as c_int;

/// Reads a request head byte by byte (nothing after it); `None` when the stream ends first.
pub(super) fn read_head(s: &mut TcpStream) -> Option<Vec<u8>> {
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).unwrap_or(0) == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(head)
}

/// A proxy that reads one request head, answers with `pieces` (a pause between them), and,
/// when `tunnel` is set, answers a `ping\n` through the tunnel with `pong:ping\n` and hangs up.
/// Joining it gives the request head it read.
fn proxy(pieces: Vec<&'static [u8]>, tunnel: bool) -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let Some(head) = read_head(&mut s) else {
            return Vec::new();
        };
        for piece in pieces {
            s.write_all(piece).unwrap();
            s.flush().unwrap();
            thread::sleep(Duration::from_millis(5));
        }
        if tunnel {
            let mut line = [0u8; 5];
            s.read_exact(&mut line).unwrap();
            assert_eq!(&line, b"ping\n");
            s.write_all(b"pong:ping\n").unwrap();
        }
        head
    });
    (port, handle)
}

fn group() -> Arc<EventLoopGroup> {
    EventLoopGroup::new(1, Clock::Monotonic, None).unwrap()
}

/// Connects to the proxy on 127.0.0.1:`port` and asks for a tunnel to broker.example:1883;
/// `then` gets the tunnel on the loop thread, `failed` the error code.
fn open(
    event_loop: &EventLoop,
    port: u16,
    credentials: Option<ProxyCredentials>,
    timeout: Duration,
    then: impl FnOnce(&EventLoop, ProxyTunnel<SocketStream>) + Send + 'static,
    failed: Sender<c_int>,
) {
    let request = ConnectRequest {
        host: "127.0.0.1".into(),
        port: port.into(),
        options: SocketOptions::default(),
        resolver: None,
        resolution: ResolutionConfig::default(),
    };
    let el = event_loop.clone();
    connect(
        event_loop,
        request,
        Box::new(move |result| {
            let stream = match result {
                Ok(s) => s,
                Err(code) => return failed.send(code).unwrap(),
            };
            let el2 = el.clone();
            tunnel(
                &el,
                stream,
                "broker.example",
                1883,
                credentials.as_ref(),
                timeout,
                Box::new(move |result| match result {
                    Ok(t) => {
                        assert!(el2.is_current_thread());
                        then(&el2, t)
                    }
                    Err(code) => failed.send(code).unwrap(),
                }),
            );
        }),
    );
}

/// Through the tunnel: sends `ping\n` and collects everything until the end of the stream.
pub(super) fn ping<T: Transport + 'static>(event_loop: &EventLoop, t: T, done: Sender<Vec<u8>>) {
    struct Conn<T> {
        t: T,
        sent: bool,
        got: Vec<u8>,
        done: Option<Sender<Vec<u8>>>,
    }
    let step = |c: &mut Conn<T>| {
        if !c.sent {
            match c.t.write(b"ping\n") {
                Ok(n) => {
                    assert_eq!(n, 5);
                    c.sent = true;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("tunnel write failed: {e}"),
            }
        }
        let _ = c.t.flush();
        let mut buf = [0u8; 3];
        loop {
            match c.t.read(&mut buf) {
                Ok(0) => {
                    if let Some(d) = c.done.take() {
                        d.send(std::mem::take(&mut c.got)).unwrap();
                    }
                    return;
                }
                Ok(n) => c.got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => panic!("tunnel read failed: {e} ({})", error_code(&e)),
            }
        }
    };
    let conn = Arc::new(Mutex::new(Conn {
        t,
        sent: false,
        got: Vec::new(),
        done: Some(done),
    }));
    let in_handler = Arc::clone(&conn);
    let mut guard = conn.lock().unwrap();
    event_loop
        .register(
            guard.t.source(),
            mio::Interest::READABLE | mio::Interest::WRITABLE,
            Box::new(move |_| step(&mut in_handler.lock().unwrap())),
        )
        .unwrap();
    step(&mut guard);
}

/// Opens a tunnel through a proxy answering `pieces` and pings through it.
fn through(
    pieces: Vec<&'static [u8]>,
    credentials: Option<ProxyCredentials>,
) -> (Vec<u8>, Vec<u8>) {
    let (port, server) = proxy(pieces, true);
    let g = group();
    let (tx, rx) = channel();
    let (failed, failure) = channel();
    open(
        g.next_loop(),
        port,
        credentials,
        WAIT,
        move |el, t| ping(el, t, tx),
        failed,
    );
    let got = rx
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("no tunnel; failure: {:?}", failure.try_recv()));
    (got, server.join().unwrap())
}

#[test]
fn a_fragmented_200_with_extra_headers_opens_the_tunnel() {
    let (got, head) = through(
        vec![
            b"HTTP/1.1 2",
            b"00 Connection established\r",
            b"\nProxy-Agent: scripted\r\nVia: 1.1 proxy\r\n",
            b"\r",
            b"\n",
        ],
        None,
    );
    assert_eq!(got, b"pong:ping\n");
    assert_eq!(
        head,
        b"CONNECT broker.example:1883 HTTP/1.1\r\nHost: broker.example:1883\r\n\r\n"
    );
}

#[test]
fn bytes_after_the_reply_head_are_the_tunnels_first() {
    let (got, _) = through(vec![b"HTTP/1.0 200 OK\r\n\r\nearly:"], None);
    assert_eq!(got, b"early:pong:ping\n");
}

#[test]
fn basic_credentials_travel_in_the_request() {
    let credentials = ProxyCredentials {
        user: "user".into(),
        password: "secret".into(),
    };
    let (got, head) = through(vec![b"HTTP/1.1 200 OK\r\n\r\n"], Some(credentials));
    assert_eq!(got, b"pong:ping\n");
    let head = String::from_utf8(head).unwrap();
    assert!(
        head.contains("\r\nProxy-Authorization: Basic dXNlcjpzZWNyZXQ=\r\n"),
        "{head}"
    );
}

/// The error code an attempt through a proxy answering `pieces` fails with, within `timeout`.
fn failure(pieces: Vec<&'static [u8]>, timeout: Duration) -> c_int {
    let (port, server) = proxy(pieces, false);
    let g = group();
    let (failed, failure) = channel();
    open(
        g.next_loop(),
        port,
        None,
        timeout,
        |_, _| panic!("the tunnel must not open"),
        failed,
    );
    let code = failure.recv_timeout(WAIT).unwrap();
    drop(g);
    let _ = server.join();
    code
}

#[test]
fn refusals_fail_the_attempt_with_the_connect_failure() {
    for reply in [
        &b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n"[..],
        &b"HTTP/1.1 403 Forbidden\r\n\r\n"[..],
        &b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 3\r\n\r\nbye"[..],
        &b"HTTP/1.1 301 Moved Permanently\r\nLocation: x\r\n\r\n"[..],
    ] {
        assert_eq!(failure(vec![reply], WAIT), FAILED);
    }
}

#[test]
fn garbage_or_a_hang_up_fails_the_attempt_with_the_connect_failure() {
    assert_eq!(failure(vec![b"SSH-2.0-OpenSSH_9.2\r\n"], WAIT), FAILED);
    // A partial head, then the end of the stream.
    assert_eq!(failure(vec![b"HTTP/1.1 200 OK\r\n"], WAIT), FAILED);
}

#[test]
fn a_silent_proxy_fails_the_attempt_after_the_timeout() {
    // The kernel completes the TCP connect from the backlog; nobody ever answers the request.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let g = group();
    let (failed, failure) = channel();
    let started = Instant::now();
    open(
        g.next_loop(),
        port,
        None,
        Duration::from_millis(200),
        |_, _| panic!("the tunnel must not open"),
        failed,
    );
    assert_eq!(failure.recv_timeout(WAIT).unwrap(), FAILED);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(190), "{elapsed:?}");
    drop(listener);
}

/// A TLS-terminating CONNECT proxy for one connection: TLS with `setup`'s certificate, reads
/// the CONNECT head, connects to 127.0.0.1 at the port it names, answers 200 and relays both
/// ways until the server hangs up. Joining it gives the request head.
fn tls_proxy(setup: &ServerSetup) -> (u16, JoinHandle<Vec<u8>>) {
    let config = setup.config();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(5)))
            .unwrap();
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, sock);
        let deadline = Instant::now() + WAIT;
        let pending = |e: &io::Error| {
            matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
            )
        };
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert!(Instant::now() < deadline, "no CONNECT head");
            match tls.read(&mut byte) {
                Ok(0) => return head,
                Ok(_) => head.push(byte[0]),
                Err(e) if pending(&e) => {}
                Err(e) => panic!("proxy read: {e}"),
            }
        }
        let text = String::from_utf8(head.clone()).unwrap();
        let target = text.split(' ').nth(1).unwrap();
        let port: u16 = target.rsplit(':').next().unwrap().parse().unwrap();
        let mut upstream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        upstream
            .set_read_timeout(Some(Duration::from_millis(5)))
            .unwrap();
        tls.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .unwrap();
        tls.flush().unwrap();
        let mut buf = [0u8; 4096];
        while Instant::now() < deadline {
            match tls.read(&mut buf) {
                Ok(0) => {}
                Ok(n) => upstream.write_all(&buf[..n]).unwrap(),
                Err(e) if pending(&e) => {}
                Err(_) => break,
            }
            match upstream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    tls.write_all(&buf[..n]).unwrap();
                    tls.flush().unwrap();
                }
                Err(e) if pending(&e) => {}
                Err(_) => break,
            }
        }
        tls.conn.send_close_notify();
        let _ = tls.flush();
        head
    });
    (port, handle)
}

/// Negotiates TLS for "localhost" over `inner`, trusting `ca_pem`; `then` gets the session.
fn over_tls<T: Transport + 'static>(
    event_loop: &EventLoop,
    inner: T,
    ca_pem: &str,
    then: impl FnOnce(TlsTransport<T>) + Send + 'static,
    failed: Sender<c_int>,
) {
    let ctx = context(TlsSettings {
        trust: TrustAnchors::Override {
            ca_dir: None,
            ca_pem: Some(ca_pem.as_bytes().to_vec()),
        },
        ..TlsSettings::default()
    });
    let session = TlsSession::new(&ctx, "localhost", None).unwrap();
    negotiate(
        event_loop,
        TlsTransport::new(inner, session),
        WAIT,
        Box::new(move |result| match result {
            Ok(t) => then(t),
            Err(code) => failed.send(code).unwrap(),
        }),
    );
}

#[test]
fn tls_to_the_broker_runs_inside_a_tunnel_through_tls_to_the_proxy() {
    let proxy_ca = Ca::new("proxy CA");
    let broker_ca = Ca::new("broker CA");
    let broker = TestServer::start(&ServerSetup::new(
        broker_ca.server(&["localhost"], Validity::Current),
    ));
    let (proxy_port, proxy) = tls_proxy(&ServerSetup::new(
        proxy_ca.server(&["localhost"], Validity::Current),
    ));
    let g = group();
    let el = g.next_loop().clone();
    let (tx, rx) = channel();
    let (failed, failure) = channel();
    let request = ConnectRequest {
        host: "127.0.0.1".into(),
        port: proxy_port.into(),
        options: SocketOptions::default(),
        resolver: None,
        resolution: ResolutionConfig::default(),
    };
    let (proxy_pem, broker_pem, broker_port) = (proxy_ca.pem(), broker_ca.pem(), broker.port);
    let el1 = el.clone();
    connect(
        &el,
        request,
        Box::new(move |result| {
            let stream = result.unwrap();
            let f2 = failed.clone();
            over_tls(
                &el1.clone(),
                stream,
                &proxy_pem,
                move |to_proxy| {
                    let f3 = f2.clone();
                    let el2 = el1.clone();
                    tunnel(
                        &el1,
                        to_proxy,
                        "localhost",
                        broker_port.into(),
                        None,
                        WAIT,
                        Box::new(move |result| match result {
                            Err(code) => f2.send(code).unwrap(),
                            Ok(t) => {
                                let el3 = el2.clone();
                                over_tls(&el2, t, &broker_pem, move |tls| ping(&el3, tls, tx), f3)
                            }
                        }),
                    );
                },
                failed,
            );
        }),
    );
    let got = rx
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("no exchange; failure: {:?}", failure.try_recv()));
    assert_eq!(got, b"pong:ping\n");
    assert_eq!(broker.finish().unwrap().line, b"ping\n");
    let head = proxy.join().unwrap();
    assert!(
        head.starts_with(&format!("CONNECT localhost:{broker_port} HTTP/1.1\r\n").into_bytes())
    );
}

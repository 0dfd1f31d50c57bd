//! TLS layered on a TCP connection made by the event loop, against a rustls test server.

use crate::error::aws_io_errors::*;
use crate::runtime::event_loop::{Clock, EventLoop};
use crate::runtime::event_loop_group::EventLoopGroup;
use crate::runtime::host_resolver::ResolutionConfig;
use crate::transport::socket_options::SocketOptions;
use crate::transport::stream::{Transport, error_code};
use crate::transport::tcp::{ConnectRequest, SocketStream, connect};
use crate::transport::tls::{TlsSession, TlsSettings, TrustAnchors};
use crate::transport::tls_test_pki::*;
use crate::transport::tls_transport::{TlsTransport, negotiate};
use std::ffi::c_int;
use std::io;
use std::net::TcpListener;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

type Tls = TlsTransport<SocketStream>;

fn trusting(ca_pem: &str) -> TlsSettings {
    TlsSettings {
        trust: TrustAnchors::Override {
            ca_dir: None,
            ca_pem: Some(ca_pem.as_bytes().to_vec()),
        },
        ..TlsSettings::default()
    }
}

/// Connects to 127.0.0.1:`port` and negotiates TLS for `server_name`; hands the transport to
/// `then` on the loop thread, or sends the error code.
fn connect_tls(
    event_loop: &EventLoop,
    port: u16,
    settings: TlsSettings,
    server_name: &'static str,
    timeout: Duration,
    then: impl FnOnce(&EventLoop, Tls) + Send + 'static,
    failed: Sender<c_int>,
) {
    let ctx = context(settings);
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
            let session = TlsSession::new(&ctx, server_name, None).unwrap();
            let el2 = el.clone();
            negotiate(
                &el,
                TlsTransport::new(stream, session),
                timeout,
                Box::new(move |result| match result {
                    Ok(tls) => {
                        assert!(el2.is_current_thread());
                        then(&el2, tls)
                    }
                    Err(code) => failed.send(code).unwrap(),
                }),
            );
        }),
    );
}

/// After the handshake: sends `ping\n` and collects everything until the end of the stream,
/// which must be a clean one (a close_notify).
fn ping(event_loop: &EventLoop, tls: Tls, done: Sender<Result<Vec<u8>, c_int>>) {
    struct Conn {
        tls: Tls,
        sent: usize,
        got: Vec<u8>,
        done: Option<Sender<Result<Vec<u8>, c_int>>>,
    }
    let conn = Arc::new(Mutex::new(Conn {
        tls,
        sent: 0,
        got: Vec::new(),
        done: Some(done),
    }));
    let drive = |c: &mut Conn| -> io::Result<bool> {
        const LINE: &[u8] = b"ping\n";
        while c.sent < LINE.len() {
            match c.tls.write(&LINE[c.sent..]) {
                Ok(n) => c.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        c.tls.flush()?;
        let mut buf = [0u8; 4096];
        loop {
            match c.tls.read(&mut buf) {
                Ok(0) => return Ok(true),
                Ok(n) => c.got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
    };
    let step = move |c: &mut Conn| match drive(c) {
        Ok(false) => {}
        Ok(true) => {
            // The test server ends with a close_notify: a clean end, without an error code
            // (a bare end of the TCP stream would be AWS_IO_SOCKET_CLOSED).
            let got = std::mem::take(&mut c.got);
            let outcome = match c.tls.end_error() {
                None => Ok(got),
                Some(code) => Err(code),
            };
            if let Some(d) = c.done.take() {
                d.send(outcome).unwrap();
            }
        }
        Err(e) => {
            if let Some(d) = c.done.take() {
                d.send(Err(error_code(&e))).unwrap();
            }
        }
    };
    let in_handler = Arc::clone(&conn);
    let mut guard = conn.lock().unwrap();
    let interest = guard.tls.interest() | mio::Interest::WRITABLE;
    event_loop
        .register(
            guard.tls.source(),
            interest,
            Box::new(move |_| step(&mut in_handler.lock().unwrap())),
        )
        .unwrap();
    // Data may already wait in the session: drive once now.
    step(&mut guard);
}

fn group() -> Arc<EventLoopGroup> {
    EventLoopGroup::new(1, Clock::Monotonic, None).unwrap()
}

#[test]
fn tls_over_tcp_handshakes_and_moves_bytes_both_ways() {
    let ca = Ca::new("transport test CA");
    let server = TestServer::start(&ServerSetup::new(
        ca.server(&["localhost"], Validity::Current),
    ));
    let g = group();
    let (tx, rx) = channel();
    let (failed, failure) = channel();
    connect_tls(
        g.next_loop(),
        server.port,
        trusting(&ca.pem()),
        "localhost",
        WAIT,
        move |el, tls| ping(el, tls, tx),
        failed,
    );
    let got = rx
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("no exchange; failure: {:?}", failure.try_recv()));
    assert_eq!(got.unwrap(), b"pong:ping\n");
    assert_eq!(server.finish().unwrap().line, b"ping\n");
}

#[test]
fn a_wrong_server_name_fails_the_handshake_with_the_negotiation_error() {
    let ca = Ca::new("transport test CA");
    let server = TestServer::start(&ServerSetup::new(
        ca.server(&["other.example"], Validity::Current),
    ));
    let g = group();
    let (failed, failure) = channel();
    connect_tls(
        g.next_loop(),
        server.port,
        trusting(&ca.pem()),
        "localhost",
        WAIT,
        |_, _| panic!("the handshake must fail"),
        failed,
    );
    assert_eq!(
        failure.recv_timeout(WAIT).unwrap(),
        AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE as c_int
    );
    let _ = server.finish();
}

#[test]
fn a_silent_server_fails_the_handshake_with_the_negotiation_timeout() {
    // The kernel completes the TCP connect from the backlog; nobody ever answers the hello.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let g = group();
    let (failed, failure) = channel();
    let started = Instant::now();
    connect_tls(
        g.next_loop(),
        port,
        TlsSettings::default(),
        "localhost",
        Duration::from_millis(300),
        |_, _| panic!("the handshake must not complete"),
        failed,
    );
    assert_eq!(
        failure.recv_timeout(WAIT).unwrap(),
        AWS_IO_TLS_NEGOTIATION_TIMEOUT as c_int
    );
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2300), "{elapsed:?}");
    drop(listener);
}

#[test]
fn a_peer_that_hangs_up_during_the_handshake_fails_negotiation() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let closer = std::thread::spawn(move || drop(listener.accept().unwrap()));
    let g = group();
    let (failed, failure) = channel();
    connect_tls(
        g.next_loop(),
        port,
        TlsSettings::default(),
        "localhost",
        WAIT,
        |_, _| panic!("the handshake must fail"),
        failed,
    );
    let code = failure.recv_timeout(WAIT).unwrap();
    assert!(
        code == AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE as c_int
            || code == AWS_IO_SOCKET_CLOSED as c_int,
        "{code}"
    );
    closer.join().unwrap();
}

#[test]
fn a_handshake_under_way_when_the_loop_stops_reports_the_shutdown() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let g = group();
    let (failed, failure) = channel();
    connect_tls(
        g.next_loop(),
        port,
        TlsSettings::default(),
        "localhost",
        Duration::from_secs(60),
        |_, _| panic!("the handshake must not complete"),
        failed,
    );
    // The client hello reaches the listener's socket once the handshake is under way.
    let (sock, _) = listener.accept().unwrap();
    sock.set_read_timeout(Some(WAIT)).unwrap();
    let mut byte = [0u8; 1];
    std::io::Read::read_exact(&mut &sock, &mut byte).unwrap();
    drop(g);
    assert_eq!(
        failure.recv_timeout(WAIT).unwrap(),
        AWS_IO_EVENT_LOOP_SHUTDOWN as c_int
    );
}

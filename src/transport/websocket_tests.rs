//! The WebSocket layer on an event loop, against a scripted server on loopback (tungstenite in
//! the server role, which also insists that the client masks its frames, RFC 6455 5.1).

use crate::error::aws_http_errors::{
    AWS_ERROR_HTTP_WEBSOCKET_PROTOCOL_ERROR, AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE,
};
use crate::runtime::event_loop::{Clock, EventLoop};
use crate::runtime::event_loop_group::EventLoopGroup;
use crate::runtime::host_resolver::ResolutionConfig;
use crate::transport::http_proxy_tests::{ping, read_head};
use crate::transport::http_request::HttpRequest;
use crate::transport::socket_options::SocketOptions;
use crate::transport::stream::{Transport, error_code};
use crate::transport::tcp::{ConnectRequest, connect};
use crate::transport::websocket::{ResponseFields, accept_key, upgrade};
use std::ffi::c_int;
use std::io::Write;
use std::net::TcpListener;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use tungstenite::Message;
use tungstenite::protocol::Role;

const WAIT: Duration = Duration::from_secs(10);

/// How the scripted server answers the upgrade.
#[derive(Clone, Copy)]
enum Answer {
    /// A correct 101; then a ping, the echo of `ping\n` as `pong:` + `ping\n`, and a close.
    Good,
    /// A correct 101, then a text frame.
    GoodThenText,
    /// A 101 with a wrong Sec-WebSocket-Accept.
    WrongAccept,
    /// A 101 choosing a subprotocol that was not offered.
    OtherProtocol,
    /// 403.
    Forbidden,
}

/// What the server saw: the request head, and whether the client answered its ping.
struct Seen {
    head: String,
    ponged: bool,
}

fn server(answer: Answer) -> (u16, JoinHandle<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let head = String::from_utf8(read_head(&mut s).expect("a request head")).unwrap();
        let key = head
            .lines()
            .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
            .unwrap()
            .to_string();
        let (accept, protocol) = match answer {
            Answer::WrongAccept => (accept_key(b"another key"), "mqtt"),
            Answer::OtherProtocol => (accept_key(key.as_bytes()), "wamp"),
            _ => (accept_key(key.as_bytes()), "mqtt"),
        };
        if let Answer::Forbidden = answer {
            s.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            return Seen {
                head,
                ponged: false,
            };
        }
        // A 100 first: interim answers are skipped.
        let reply = format!(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\
             Sec-WebSocket-Protocol: {protocol}\r\n\r\n"
        );
        s.write_all(reply.as_bytes()).unwrap();
        let mut ws = tungstenite::WebSocket::from_raw_socket(s, Role::Server, None);
        if let Answer::GoodThenText = answer {
            ws.send(Message::text("not mqtt")).unwrap();
            let _ = ws.read();
            return Seen {
                head,
                ponged: false,
            };
        }
        if !matches!(answer, Answer::Good) {
            let _ = ws.read();
            return Seen {
                head,
                ponged: false,
            };
        }
        ws.send(Message::Ping(b"hb".to_vec().into())).unwrap();
        let (mut ponged, mut pinged) = (false, false);
        while !(ponged && pinged) {
            match ws.read().unwrap() {
                Message::Pong(p) => ponged = &p[..] == b"hb",
                Message::Binary(b) => {
                    assert_eq!(&b[..], b"ping\n");
                    pinged = true;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        ws.send(Message::binary(b"pong:".to_vec())).unwrap();
        ws.send(Message::binary(b"ping\n".to_vec())).unwrap();
        ws.close(None).unwrap();
        // The client answers the close; then the server ends the connection (RFC 6455 7.1.1).
        while ws.read().is_ok() {}
        Seen { head, ponged }
    });
    (port, handle)
}

/// Reads until the transport fails, and reports the failure's code.
fn first_error<T: Transport + 'static>(
    el: &EventLoop,
    t: T,
    report: Sender<Result<(Vec<u8>, ResponseFields), c_int>>,
) {
    let t = Arc::new(Mutex::new(Some((t, report))));
    let step = |slot: &mut Option<(T, Sender<_>)>| {
        let Some((t, _)) = slot.as_mut() else {
            return;
        };
        let mut buf = [0u8; 64];
        loop {
            match t.read(&mut buf) {
                Ok(0) => panic!("the stream ended without an error"),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(e) => {
                    let (_, report) = slot.take().unwrap();
                    report.send(Err(error_code(&e))).unwrap();
                    return;
                }
            }
        }
    };
    let in_handler = Arc::clone(&t);
    let mut guard = t.lock().unwrap();
    let source = guard.as_mut().unwrap().0.source();
    el.register(
        source,
        mio::Interest::READABLE,
        Box::new(move |_| step(&mut in_handler.lock().unwrap())),
    )
    .unwrap();
    step(&mut guard);
}

/// Connects, upgrades with upstream's request, pings through: the bytes read back, or the
/// failure's code; and what the server saw.
fn run(answer: Answer) -> (Result<(Vec<u8>, ResponseFields), c_int>, Seen) {
    let (port, server) = server(answer);
    let g = EventLoopGroup::new(1, Clock::Monotonic, None).unwrap();
    let el = g.next_loop().clone();
    let (tx, rx) = channel();
    let request = ConnectRequest {
        host: "127.0.0.1".into(),
        port: port.into(),
        options: SocketOptions::default(),
        resolver: None,
        resolution: ResolutionConfig::default(),
    };
    let el2 = el.clone();
    connect(
        &el,
        request,
        Box::new(move |stream| {
            let stream = stream.unwrap();
            let mut handshake = HttpRequest::mqtt_websocket_handshake("127.0.0.1");
            handshake.path = Some(b"/mqtt?x-amz-test=1".to_vec());
            let el3 = el2.clone();
            upgrade(
                &el2,
                stream,
                &handshake,
                WAIT,
                Box::new(move |result| match result {
                    Err(code) => tx.send(Err(code)).unwrap(),
                    Ok((ws, _)) if matches!(answer, Answer::GoodThenText) => {
                        first_error(&el3, ws, tx);
                    }
                    Ok((ws, fields)) => {
                        let (bytes_tx, bytes_rx) = channel();
                        ping(&el3, ws, bytes_tx);
                        thread::spawn(move || {
                            let got = bytes_rx.recv_timeout(WAIT).unwrap();
                            tx.send(Ok((got, fields))).unwrap();
                        });
                    }
                }),
            );
        }),
    );
    let result = rx.recv_timeout(WAIT).expect("the exchange ends");
    (result, server.join().unwrap())
}

#[test]
fn binary_frames_carry_the_stream_with_ping_pong_and_close() {
    let (result, seen) = run(Answer::Good);
    let (got, fields) = result.unwrap();
    assert_eq!(got, b"pong:ping\n");
    assert!(seen.ponged, "the client answered the ping");
    assert!(seen.head.starts_with("GET /mqtt?x-amz-test=1 HTTP/1.1\r\n"));
    assert!(seen.head.contains("\r\nSec-WebSocket-Protocol: mqtt\r\n"));
    assert!(
        fields
            .iter()
            .any(|(n, v)| n == "Upgrade" && v == b"websocket")
    );
}

#[test]
fn a_bad_answer_fails_the_upgrade() {
    for answer in [
        Answer::WrongAccept,
        Answer::OtherProtocol,
        Answer::Forbidden,
    ] {
        let (result, _) = run(answer);
        assert_eq!(
            result.err(),
            Some(AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE as c_int)
        );
    }
}

#[test]
fn a_text_frame_is_a_protocol_error() {
    // [MQTT-6.0.0-1]: MQTT travels in binary frames; anything else closes the connection.
    let (result, _) = run(Answer::GoodThenText);
    assert_eq!(
        result.err(),
        Some(AWS_ERROR_HTTP_WEBSOCKET_PROTOCOL_ERROR as c_int)
    );
}

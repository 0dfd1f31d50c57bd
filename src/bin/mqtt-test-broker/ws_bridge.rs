//! `--ws-forward PORT`: the listener speaks MQTT over WebSocket (RFC 6455, server side, after
//! TLS when configured) and forwards the MQTT bytes to a broker on 127.0.0.1:PORT (a mosquitto
//! without a websockets listener, say). The upgrade request is logged whole (event
//! `ws_upgrade`, field `request`), so a test sees the path, query and header fields the client
//! sent. `--ws-status N` answers every upgrade with status N instead of 101; `--ws-ping` pings
//! the client after the upgrade (event `ws_pong` when it answers).

use crate::broker::Shared;
use crate::log::Origin;
use crate::transport::Transport;
use aws_c_mqtt::transport::websocket::accept_key;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;
use tungstenite::protocol::Role;
use tungstenite::{Bytes, Message};

/// How long each side's read waits before the other side gets its turn.
const TURN: Duration = Duration::from_millis(5);
/// How long the upgrade request may take to arrive.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What `--ws-*` asked for.
#[derive(Clone, Debug)]
pub struct WsOptions {
    /// The broker's port on 127.0.0.1.
    pub forward_port: u16,
    /// The status answering upgrades (101: accept).
    pub status: u16,
    /// Ping the client after the upgrade.
    pub ping: bool,
    /// Check each upgrade's SigV4 presigned query (`ws_sigv4.rs`).
    pub sigv4: Option<crate::ws_sigv4::SigV4Check>,
}

fn quiet(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Reads the upgrade request head byte by byte (nothing after it is read).
fn read_head<S: Transport>(stream: &mut S) -> io::Result<String> {
    stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 || head.len() > 64 * 1024 {
            return Err(io::ErrorKind::InvalidData.into());
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).map_err(|_| io::ErrorKind::InvalidData.into())
}

/// The value of the request field `name`.
fn field<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Serves one connection: the upgrade, then the forwarding until either side ends.
pub fn serve<S: Transport>(mut stream: S, options: &WsOptions, shared: Arc<Shared>, number: u64) {
    let origin = Origin {
        conn: number,
        client_id: None,
    };
    let reason = match bridge(&mut stream, options, &shared, number) {
        Ok(reason) => reason,
        Err(e) => format!("websocket bridge: {e}"),
    };
    shared.log.event(origin, "close", |o| {
        o.str("reason", &reason).bool("will", false);
    });
}

fn bridge<S: Transport>(
    stream: &mut S,
    options: &WsOptions,
    shared: &Shared,
    number: u64,
) -> io::Result<String> {
    let origin = || Origin {
        conn: number,
        client_id: None,
    };
    let head = read_head(stream)?;
    shared.log.event(origin(), "ws_upgrade", |o| {
        o.str("request", &head);
    });
    let mut status = options.status;
    if let Some(check) = &options.sigv4 {
        let verdict = check.check(&head);
        shared.log.event(origin(), "ws_sigv4", |o| {
            o.bool("ok", verdict.is_ok())
                .str("detail", verdict.as_ref().unwrap_or_else(|e| e));
        });
        if verdict.is_err() {
            status = 403;
        }
    }
    if status != 101 {
        write!(
            stream,
            "HTTP/1.1 {} Refused\r\nContent-Length: 0\r\n\r\n",
            status
        )?;
        stream.flush()?;
        stream.shutdown();
        return Ok(format!("upgrade refused with {status}"));
    }
    let key = field(&head, "Sec-WebSocket-Key").unwrap_or_default();
    let mut answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n",
        accept_key(key.as_bytes())
    );
    if field(&head, "Sec-WebSocket-Protocol")
        .is_some_and(|p| p.split(',').any(|p| p.trim() == "mqtt"))
    {
        answer.push_str("Sec-WebSocket-Protocol: mqtt\r\n");
    }
    answer.push_str("\r\n");
    stream.write_all(answer.as_bytes())?;
    stream.flush()?;
    let mut broker = TcpStream::connect(("127.0.0.1", options.forward_port))?;
    broker.set_nodelay(true)?;
    broker.set_read_timeout(Some(TURN))?;
    stream.set_read_timeout(Some(TURN))?;
    let mut ws = tungstenite::WebSocket::from_raw_socket(stream, Role::Server, None);
    if options.ping {
        ws.send(Message::Ping(Bytes::from_static(b"test-broker")))
            .map_err(io::Error::other)?;
    }
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match ws.read() {
            Ok(Message::Binary(bytes)) => broker.write_all(&bytes)?,
            Ok(Message::Pong(payload)) => {
                shared.log.event(origin(), "ws_pong", |o| {
                    o.str("payload", &String::from_utf8_lossy(&payload));
                });
            }
            Ok(Message::Text(_)) => return Ok("a text frame: not MQTT".into()),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if quiet(&e) => {}
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                let _ = broker.shutdown(std::net::Shutdown::Both);
                return Ok("the client closed the WebSocket".into());
            }
            Err(e) => return Ok(format!("websocket: {e}")),
        }
        match broker.read(&mut buf) {
            Ok(0) => {
                let _ = ws.close(None);
                let _ = ws.flush();
                return Ok("the broker closed the connection".into());
            }
            Ok(n) => ws
                .send(Message::Binary(Bytes::copy_from_slice(&buf[..n])))
                .map_err(io::Error::other)?,
            Err(e) if quiet(&e) => {}
            Err(e) => return Err(e),
        }
    }
}

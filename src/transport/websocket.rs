//! MQTT over WebSocket (RFC 6455) as a [`Transport`] layer: [`upgrade`] sends the opening
//! handshake (an [`HttpRequest`], possibly rewritten by the user's transform) and checks the
//! server's answer as aws-c-http does; [`WebSocket`] then carries the MQTT bytes in binary
//! frames, with tungstenite doing the framing, masking, ping/pong and close.
//!
//! Checks of the answer (RFC 6455 4.1, as upstream): status 101; `Upgrade: websocket`;
//! `Connection` containing `Upgrade`; `Sec-WebSocket-Accept` derived from the request's key; no
//! extensions; a `Sec-WebSocket-Protocol`, present exactly when the request offered some, naming
//! one of them. Any failure is `AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE`, so is no answer
//! within the timeout (upstream has no deadline of its own here).
//!
//! MQTT packets travel in binary frames only [MQTT-6.0.0-1]; a text frame from the server is
//! `AWS_ERROR_HTTP_WEBSOCKET_PROTOCOL_ERROR`, as is any framing violation. Buffers are bounded:
//! one outgoing frame waits at most (a write while it waits is `WouldBlock`), and one incoming
//! message is held while it is read out.

use crate::error::aws_http_errors::{
    AWS_ERROR_HTTP_WEBSOCKET_PROTOCOL_ERROR, AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE,
};
use crate::runtime::event_loop::EventLoop;
use crate::transport::base64;
use crate::transport::handshake::{self, Handshake};
use crate::transport::http_head::{Head, HeadReader, Progress};
use crate::transport::http_request::HttpRequest;
use crate::transport::stream::{Transport, coded, error_code, send_pending};
use std::ffi::c_int;
use std::io::{self, Read, Write};
use std::time::Duration;
use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::{Bytes, Message};

/// RFC 6455 1.3's GUID, appended to the key before hashing.
const ACCEPT_GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// How much of the server's answer one read takes.
const READ_CHUNK: usize = 4 * 1024;
/// The largest message accepted from the server: an MQTT packet is at most 256 MiB + 5.
const MAXIMUM_MESSAGE: usize = 256 * 1024 * 1024 + 5;

/// The `Sec-WebSocket-Accept` value a server answers `key` with (RFC 6455 4.2.2).
pub fn accept_key(key: &[u8]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(key);
    ctx.update(ACCEPT_GUID);
    base64::encode(ctx.finish().as_ref())
}

/// The server's answer fields, as received.
pub type ResponseFields = Vec<(String, Vec<u8>)>;

/// The user's part in the handshake (upstream's transform and validator callbacks).
pub trait WebSocketHooks: Send + Sync {
    /// Rewrites the upgrade request (to sign it, say); `done` is called once, from any thread,
    /// with the request to send or the aws error code that fails the attempt.
    fn transform(
        &self,
        request: HttpRequest,
        done: Box<dyn FnOnce(Result<HttpRequest, c_int>) + Send>,
    );

    /// Accepts the server's answer fields, or fails the attempt with an aws error code.
    fn validate(&self, fields: &ResponseFields) -> Result<(), c_int>;
}

/// Receives the end of the upgrade, on the loop's thread: the WebSocket and the server's answer
/// fields (for the user's validator), or an aws error code.
pub type UpgradeCallback<T> = Box<dyn FnOnce(Result<(WebSocket<T>, ResponseFields), c_int>) + Send>;

/// The opening handshake in progress.
struct Upgrade<T: Transport> {
    inner: T,
    request: Vec<u8>,
    sent: usize,
    expected_accept: String,
    /// The subprotocols the request offered, comma-separated in its fields.
    offered: Option<Vec<u8>>,
    reply: HeadReader,
    answer: Option<Head>,
}

fn upgrade_failure() -> c_int {
    AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE as c_int
}

/// Whether the comma-separated list `list` holds `token` (case-insensitive when `fold`).
fn list_has(list: &[u8], token: &[u8], fold: bool) -> bool {
    list.split(|&b| b == b',').map(|t| t.trim_ascii()).any(|t| {
        if fold {
            t.eq_ignore_ascii_case(token)
        } else {
            t == token
        }
    })
}

impl<T: Transport> Upgrade<T> {
    /// RFC 6455 4.1's checks of a 101 answer (upstream's order).
    fn check(&self, head: &Head) -> Result<(), c_int> {
        let fails = |why: &str| {
            crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_HTTP_WEBSOCKET_SETUP,
                "websocket: upgrade refused: {why}"
            );
            upgrade_failure()
        };
        if !head
            .field("Upgrade")
            .is_some_and(|v| v.eq_ignore_ascii_case(b"websocket"))
        {
            return Err(fails("no 'Upgrade: websocket'"));
        }
        if !head
            .field("Connection")
            .is_some_and(|v| list_has(v, b"upgrade", true))
        {
            return Err(fails("no 'Connection: Upgrade'"));
        }
        if head.field("Sec-WebSocket-Accept").map(<[u8]>::trim_ascii)
            != Some(self.expected_accept.as_bytes())
        {
            return Err(fails("wrong or missing Sec-WebSocket-Accept"));
        }
        if head.field("Sec-WebSocket-Extensions").is_some() {
            return Err(fails("an extension, and none was offered"));
        }
        match (head.field("Sec-WebSocket-Protocol"), &self.offered) {
            (None, None) => Ok(()),
            (Some(chosen), Some(offered)) if list_has(offered, chosen.trim_ascii(), false) => {
                Ok(())
            }
            _ => Err(fails("a subprotocol that was not offered, or none")),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        send_pending(&mut self.inner, &self.request, &mut self.sent)
    }
}

impl<T: Transport + 'static> Handshake for Upgrade<T> {
    fn advance(&mut self) -> Result<bool, c_int> {
        self.send().map_err(|e| error_code(&e))?;
        let mut buf = [0u8; READ_CHUNK];
        loop {
            match self.inner.read(&mut buf) {
                Ok(0) => return Err(upgrade_failure()),
                Ok(n) => {
                    let mut progress = self.reply.feed(&buf[..n]);
                    loop {
                        match progress {
                            Progress::Incomplete => break,
                            Progress::Malformed => return Err(upgrade_failure()),
                            Progress::Complete(head) if head.status == 101 => {
                                if self.sent < self.request.len() {
                                    return Err(upgrade_failure());
                                }
                                self.check(&head)?;
                                self.answer = Some(head);
                                return Ok(true);
                            }
                            // An interim answer: the real one follows (ignored, as upstream).
                            Progress::Complete(head) if (100..200).contains(&head.status) => {
                                self.reply = HeadReader::default();
                                progress = self.reply.feed(&head.leftover);
                            }
                            Progress::Complete(head) => {
                                crate::aws_log!(
                                    AWS_LL_ERROR,
                                    AWS_LS_HTTP_WEBSOCKET_SETUP,
                                    "websocket: the server answered the upgrade with {}",
                                    head.status
                                );
                                return Err(upgrade_failure());
                            }
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(error_code(&e)),
            }
        }
    }

    fn socket(&mut self) -> &mut dyn mio::event::Source {
        self.inner.source()
    }
}

/// Sends `request` over `inner` (call this on the loop's thread) and checks the answer:
/// `on_done` gets the WebSocket and the answer's fields, or the failure's code (see the module
/// comment), on the loop's thread, never inside this call.
pub fn upgrade<T: Transport + 'static>(
    event_loop: &EventLoop,
    inner: T,
    request: &HttpRequest,
    timeout: Duration,
    on_done: UpgradeCallback<T>,
) {
    let key = request
        .headers
        .get(b"Sec-WebSocket-Key")
        .map(|f| f.value().to_vec())
        .unwrap_or_default();
    let offered: Vec<&[u8]> = request
        .headers
        .iter()
        .filter(|f| f.name().eq_ignore_ascii_case(b"Sec-WebSocket-Protocol"))
        .map(|f| f.value())
        .collect();
    let exchange = Upgrade {
        inner,
        request: request.encode(),
        sent: 0,
        expected_accept: accept_key(&key),
        offered: (!offered.is_empty()).then(|| offered.join(&b","[..])),
        reply: HeadReader::default(),
        answer: None,
    };
    handshake::run(
        event_loop,
        exchange,
        timeout,
        upgrade_failure(),
        Box::new(move |result| {
            on_done(result.map(|u| {
                let head = u.answer.unwrap_or(Head {
                    status: 101,
                    fields: Vec::new(),
                    leftover: Vec::new(),
                });
                (WebSocket::new(u.inner, head.leftover), head.fields)
            }))
        }),
    );
}

/// The transport below, as the blocking-style stream tungstenite drives: its `WouldBlock`s
/// pass through, and a flush that leaves bytes below is one too.
struct Io<T>(T);

impl<T: Transport> Read for Io<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<T: Transport> Write for Io<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.0.flush()? {
            Ok(())
        } else {
            Err(io::ErrorKind::WouldBlock.into())
        }
    }
}

/// A client WebSocket carrying a byte stream in binary frames.
pub struct WebSocket<T: Transport> {
    ws: tungstenite::WebSocket<Io<T>>,
    /// The message being read out, from `consumed` on.
    incoming: Bytes,
    consumed: usize,
    /// Frames (ours, or an automatic pong or close) wait to be written.
    unsent: bool,
    /// The connection ended with a close handshake.
    closed_cleanly: bool,
}

/// An `io::Error` for a tungstenite error: `WouldBlock` and socket errors as they are, the end
/// of the connection as `None`, a protocol violation as the aws WebSocket protocol error.
fn ws_error(e: tungstenite::Error) -> Option<io::Error> {
    match e {
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => None,
        tungstenite::Error::Io(e) => Some(e),
        other => {
            crate::aws_log!(AWS_LL_ERROR, AWS_LS_HTTP_WEBSOCKET, "websocket: {other}");
            Some(coded(AWS_ERROR_HTTP_WEBSOCKET_PROTOCOL_ERROR as c_int))
        }
    }
}

impl<T: Transport> WebSocket<T> {
    /// A WebSocket over `inner` after the handshake; `received` is what followed the answer.
    fn new(inner: T, received: Vec<u8>) -> Self {
        let config = WebSocketConfig::default()
            // Every frame goes to the socket at once: the driver batches already.
            .write_buffer_size(0)
            .read_buffer_size(64 * 1024)
            .max_message_size(Some(MAXIMUM_MESSAGE))
            .max_frame_size(Some(MAXIMUM_MESSAGE));
        WebSocket {
            ws: tungstenite::WebSocket::from_partially_read(
                Io(inner),
                received,
                Role::Client,
                Some(config),
            ),
            incoming: Bytes::new(),
            consumed: 0,
            unsent: false,
            closed_cleanly: false,
        }
    }

    /// Pushes waiting frames toward the socket; records whether some still wait.
    fn push(&mut self) -> io::Result<()> {
        match self.ws.flush() {
            Ok(()) => {
                self.unsent = false;
                Ok(())
            }
            Err(e) => match ws_error(e) {
                Some(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.unsent = true;
                    Ok(())
                }
                Some(e) => Err(e),
                // Closed: nothing more will be written.
                None => {
                    self.unsent = false;
                    Ok(())
                }
            },
        }
    }
}

impl<T: Transport> Transport for WebSocket<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.consumed < self.incoming.len() {
                let n = buf.len().min(self.incoming.len() - self.consumed);
                buf[..n].copy_from_slice(&self.incoming[self.consumed..self.consumed + n]);
                self.consumed += n;
                return Ok(n);
            }
            let message = self.ws.read();
            // A ping's pong, or the answer to a close, goes out now.
            self.push()?;
            match message {
                Ok(Message::Binary(data)) => {
                    self.incoming = data;
                    self.consumed = 0;
                }
                Ok(Message::Text(_)) => {
                    return Err(coded(AWS_ERROR_HTTP_WEBSOCKET_PROTOCOL_ERROR as c_int));
                }
                // Ping, pong, raw frames; a close is answered and the end follows.
                Ok(_) => {}
                Err(e) => {
                    return match ws_error(e) {
                        Some(e) => Err(e),
                        None => {
                            self.closed_cleanly = true;
                            Ok(0)
                        }
                    };
                }
            }
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.unsent {
            self.push()?;
            if self.unsent {
                return Err(io::ErrorKind::WouldBlock.into());
            }
        }
        match self.ws.write(Message::Binary(Bytes::copy_from_slice(buf))) {
            Ok(()) => {}
            Err(e) => match ws_error(e) {
                // The frame is queued; the socket takes it later.
                Some(e) if e.kind() == io::ErrorKind::WouldBlock => self.unsent = true,
                Some(e) => return Err(e),
                None => return Err(io::ErrorKind::BrokenPipe.into()),
            },
        }
        self.push()?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<bool> {
        self.push()?;
        Ok(!self.unsent)
    }

    fn shutdown(&mut self) -> io::Result<()> {
        // A close frame (normal closure), then the end of the stream below.
        let _ = self.ws.close(None);
        self.push()?;
        self.ws.get_mut().0.shutdown()
    }

    /// A close handshake is a clean end; otherwise the stream below ended.
    fn end_error(&self) -> Option<c_int> {
        if self.closed_cleanly {
            None
        } else {
            self.ws.get_ref().0.end_error()
        }
    }

    fn interest(&self) -> mio::Interest {
        if self.unsent {
            mio::Interest::READABLE | mio::Interest::WRITABLE
        } else {
            self.ws.get_ref().0.interest()
        }
    }

    fn source(&mut self) -> &mut dyn mio::event::Source {
        self.ws.get_mut().0.source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_key_is_rfc_6455s_example() {
        // RFC 6455 1.3.
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn token_lists_are_split_and_trimmed() {
        assert!(list_has(b"keep-alive, Upgrade", b"upgrade", true));
        assert!(!list_has(b"keep-alive", b"upgrade", true));
        assert!(list_has(b"mqttv3.1, mqtt", b"mqtt", false));
        assert!(!list_has(b"MQTT", b"mqtt", false));
    }
}

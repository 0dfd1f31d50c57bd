//! The HTTP CONNECT proxy as a [`Transport`] layer: [`tunnel`] drives the CONNECT exchange
//! ([`http_connect`](super::http_connect)) over the transport to the proxy (TCP, or TLS to the
//! proxy) on an event loop with a timeout, and hands back a [`ProxyTunnel`]: the same stream,
//! now carrying the bytes to and from the server behind the proxy.
//!
//! As upstream (aws-c-http's tunnelling proxy connection), every failure of the exchange fails
//! the connection attempt with `AWS_ERROR_HTTP_PROXY_CONNECT_FAILED`: a status other than 200
//! (407, 403, 5xx...), a reply that is not HTTP, the proxy hanging up or the socket failing
//! while the request is answered, and (ours: upstream has no deadline for CONNECT) the timeout.

use crate::error::aws_http_errors::AWS_ERROR_HTTP_PROXY_CONNECT_FAILED;
use crate::runtime::event_loop::EventLoop;
use crate::transport::handshake::{self, Handshake};
use crate::transport::http_connect::{ConnectReply, ProxyCredentials, Reply, connect_request};
use crate::transport::stream::{Transport, send_pending};
use crate::transport::tls::TlsConnectionSettings;
use std::ffi::c_int;
use std::io;
use std::time::Duration;

/// How much of the proxy's reply one read takes.
const READ_CHUNK: usize = 4 * 1024;

/// Where the proxy is and how to reach it.
#[derive(Clone)]
pub struct ProxySettings {
    /// The proxy's host name or address.
    pub host: String,
    /// The proxy's port.
    pub port: u32,
    /// TLS to the proxy itself, when configured.
    pub tls: Option<TlsConnectionSettings>,
    /// Basic authentication, when configured.
    pub credentials: Option<ProxyCredentials>,
}

/// The stream through an open tunnel: what followed the proxy's reply head first, then the
/// transport below.
pub struct ProxyTunnel<T: Transport> {
    inner: T,
    leftover: Vec<u8>,
    start: usize,
}

impl<T: Transport> ProxyTunnel<T> {
    /// The transport below.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

impl<T: Transport> Transport for ProxyTunnel<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.start < self.leftover.len() {
            let n = buf.len().min(self.leftover.len() - self.start);
            buf[..n].copy_from_slice(&self.leftover[self.start..self.start + n]);
            self.start += n;
            if self.start == self.leftover.len() {
                self.leftover = Vec::new();
                self.start = 0;
            }
            return Ok(n);
        }
        self.inner.read(buf)
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<bool> {
        self.inner.flush()
    }

    fn shutdown(&mut self) -> io::Result<()> {
        self.inner.shutdown()
    }

    fn end_error(&self) -> Option<c_int> {
        self.inner.end_error()
    }

    fn interest(&self) -> mio::Interest {
        self.inner.interest()
    }

    fn source(&mut self) -> &mut dyn mio::event::Source {
        self.inner.source()
    }
}

/// Receives the end of the exchange, on the loop's thread: the tunnel, or an aws error code.
pub type TunnelCallback<T> = Box<dyn FnOnce(Result<ProxyTunnel<T>, c_int>) + Send>;

/// The CONNECT exchange in progress.
struct Exchange<T: Transport> {
    inner: T,
    request: Vec<u8>,
    sent: usize,
    reply: ConnectReply,
    /// What followed the reply head, once the tunnel is open.
    leftover: Vec<u8>,
}

impl<T: Transport + 'static> Handshake for Exchange<T> {
    /// Sends what the socket takes of the request, then reads what the proxy replied. Every
    /// failure is the proxy's: a refusal, garbage, a hang-up, a broken socket.
    fn advance(&mut self) -> Result<bool, c_int> {
        let failed = AWS_ERROR_HTTP_PROXY_CONNECT_FAILED as c_int;
        self.send().map_err(|_| failed)?;
        let mut buf = [0u8; READ_CHUNK];
        loop {
            match self.inner.read(&mut buf) {
                Ok(0) => return Err(failed),
                Ok(n) => match self.reply.feed(&buf[..n]) {
                    Reply::Incomplete => {}
                    // A proxy answering before it has the whole request is not one to trust.
                    Reply::Tunnel { leftover } if self.sent == self.request.len() => {
                        self.leftover = leftover;
                        return Ok(true);
                    }
                    Reply::Tunnel { .. } | Reply::Refused { .. } | Reply::Malformed => {
                        return Err(failed);
                    }
                },
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Err(failed),
            }
        }
    }

    fn socket(&mut self) -> &mut dyn mio::event::Source {
        self.inner.source()
    }
}

impl<T: Transport> Exchange<T> {
    fn send(&mut self) -> io::Result<()> {
        send_pending(&mut self.inner, &self.request, &mut self.sent)
    }
}

/// Asks the proxy at the other end of `inner` for a tunnel to `host`:`port` (call this on the
/// loop's thread): `on_done` gets the tunnel once the proxy answered 200 (deregistered, to be
/// registered by its user), or `AWS_ERROR_HTTP_PROXY_CONNECT_FAILED` (any other answer, none
/// within `timeout`, a failure of the stream). It runs on the loop's thread, never inside this
/// call.
pub fn tunnel<T: Transport + 'static>(
    event_loop: &EventLoop,
    inner: T,
    host: &str,
    port: u32,
    credentials: Option<&ProxyCredentials>,
    timeout: Duration,
    on_done: TunnelCallback<T>,
) {
    let exchange = Exchange {
        inner,
        request: connect_request(host, port, credentials),
        sent: 0,
        reply: ConnectReply::default(),
        leftover: Vec::new(),
    };
    handshake::run(
        event_loop,
        exchange,
        timeout,
        AWS_ERROR_HTTP_PROXY_CONNECT_FAILED as c_int,
        Box::new(move |result| {
            on_done(result.map(|x| ProxyTunnel {
                inner: x.inner,
                leftover: x.leftover,
                start: 0,
            }))
        }),
    );
}

//! The HTTP CONNECT proxy as a [`Transport`] layer: [`tunnel`] drives the CONNECT exchange
//! ([`http_connect`](super::http_connect)) over the transport to the proxy (TCP, or TLS to the
//! proxy) on an event loop with a timeout, and hands back a [`ProxyTunnel`]: the same stream,
//! now carrying the bytes to and from the server behind the proxy.
//!
//! As upstream (aws-c-http's tunnelling proxy connection), every failure of the exchange fails
//! the connection attempt with `AWS_ERROR_HTTP_PROXY_CONNECT_FAILED`: a status other than 200
//! (407, 403, 5xx...), a reply that is not HTTP, the proxy hanging up or the socket failing
//! while the request is answered, and (ours: upstream has no deadline for CONNECT) the timeout.

use crate::ffi::http::http::aws_http_errors::AWS_ERROR_HTTP_PROXY_CONNECT_FAILED;
use crate::ffi::io::io::aws_io_errors::AWS_IO_EVENT_LOOP_SHUTDOWN;
use crate::runtime::event_loop::EventLoop;
use crate::runtime::lock::lock;
use crate::runtime::timer_heap::TimerId;
use crate::transport::http_connect::{ConnectReply, ProxyCredentials, Reply, connect_request};
use crate::transport::stream::{Transport, error_code};
use crate::transport::tls::TlsConnectionSettings;
use std::ffi::c_int;
use std::io;
use std::sync::{Arc, Mutex};
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

    fn interest(&self) -> mio::Interest {
        self.inner.interest()
    }

    fn source(&mut self) -> &mut dyn mio::event::Source {
        self.inner.source()
    }
}

impl Transport for Box<dyn Transport> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (**self).read(buf)
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (**self).write(buf)
    }

    fn flush(&mut self) -> io::Result<bool> {
        (**self).flush()
    }

    fn shutdown(&mut self) -> io::Result<()> {
        (**self).shutdown()
    }

    fn interest(&self) -> mio::Interest {
        (**self).interest()
    }

    fn source(&mut self) -> &mut dyn mio::event::Source {
        (**self).source()
    }
}

/// Receives the end of the exchange, on the loop's thread: the tunnel, or an aws error code.
pub type TunnelCallback<T> = Box<dyn FnOnce(Result<ProxyTunnel<T>, c_int>) + Send>;

/// An exchange in progress.
struct Exchange<T: Transport> {
    inner: T,
    request: Vec<u8>,
    sent: usize,
    reply: ConnectReply,
    event_loop: EventLoop,
    token: Option<mio::Token>,
    timer: Option<TimerId>,
    on_done: Reporter<T>,
}

/// The callback, until the result is delivered; dropped before (the loop shut down), it
/// reports `AWS_IO_EVENT_LOOP_SHUTDOWN`.
struct Reporter<T: Transport>(Option<TunnelCallback<T>>);

impl<T: Transport> Drop for Reporter<T> {
    fn drop(&mut self) {
        if let Some(on_done) = self.0.take() {
            on_done(Err(AWS_IO_EVENT_LOOP_SHUTDOWN as c_int));
        }
    }
}

type Slot<T> = Arc<Mutex<Option<Exchange<T>>>>;

/// What one step of the exchange came to.
enum Progress {
    Waiting,
    Open(Vec<u8>),
    Failed,
}

impl<T: Transport> Exchange<T> {
    /// Sends what the socket takes of the request, then reads what the proxy replied.
    fn advance(&mut self) -> Progress {
        match self.send() {
            Ok(()) => {}
            Err(_) => return Progress::Failed,
        }
        let mut buf = [0u8; READ_CHUNK];
        loop {
            match self.inner.read(&mut buf) {
                // The proxy hung up before its reply was complete.
                Ok(0) => return Progress::Failed,
                Ok(n) => match self.reply.feed(&buf[..n]) {
                    Reply::Incomplete => {}
                    Reply::Tunnel { leftover } if self.sent == self.request.len() => {
                        return Progress::Open(leftover);
                    }
                    Reply::Tunnel { .. } | Reply::Refused { .. } | Reply::Malformed => {
                        return Progress::Failed;
                    }
                },
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Progress::Waiting,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Progress::Failed,
            }
        }
    }

    fn send(&mut self) -> io::Result<()> {
        while self.sent < self.request.len() {
            match self.inner.write(&self.request[self.sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        match self.inner.flush() {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
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
    let slot: Slot<T> = Arc::new(Mutex::new(None));
    let mut guard = lock(&slot);
    let x = guard.insert(Exchange {
        inner,
        request: connect_request(host, port, credentials),
        sent: 0,
        reply: ConnectReply::default(),
        event_loop: event_loop.clone(),
        token: None,
        timer: None,
        on_done: Reporter(Some(on_done)),
    });
    let on_event = Arc::clone(&slot);
    match event_loop.register(
        x.inner.source(),
        mio::Interest::READABLE | mio::Interest::WRITABLE,
        Box::new(move |_| step(&on_event)),
    ) {
        Ok(token) => x.token = Some(token),
        Err(e) => {
            let code = error_code(&e);
            if let Some(x) = guard.take() {
                finish_later(x, Err(code));
            }
            return;
        }
    }
    let timeout_ns = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
    let on_timer = Arc::clone(&slot);
    x.timer = Some(event_loop.schedule_at(
        event_loop.now_ns().saturating_add(timeout_ns),
        Box::new(move || {
            if let Some(mut x) = lock(&on_timer).take() {
                x.timer = None;
                finish_later(x, Err(AWS_ERROR_HTTP_PROXY_CONNECT_FAILED as c_int));
            }
        }),
    ));
    drop(guard);
    // The request goes out now: the socket is writable already and mio may not say so again.
    let first = Arc::clone(&slot);
    event_loop.schedule_now(Box::new(move || step(&first)));
}

/// One readiness event: advance the exchange; finish once the reply is read or on failure.
fn step<T: Transport + 'static>(slot: &Slot<T>) {
    let mut guard = lock(slot);
    let Some(x) = guard.as_mut() else {
        return;
    };
    let result = match x.advance() {
        Progress::Waiting => return,
        Progress::Open(leftover) => Ok(leftover),
        Progress::Failed => Err(AWS_ERROR_HTTP_PROXY_CONNECT_FAILED as c_int),
    };
    if let Some(x) = guard.take() {
        drop(guard);
        finish_later(x, result);
    }
}

/// Stops watching, then reports from a task (an I/O handler may be running).
fn finish_later<T: Transport + 'static>(mut x: Exchange<T>, result: Result<Vec<u8>, c_int>) {
    let event_loop = x.event_loop.clone();
    if let Some(token) = x.token.take() {
        let _ = event_loop.deregister(x.inner.source(), token);
    }
    if let Some(timer) = x.timer.take() {
        event_loop.cancel(timer);
    }
    event_loop.schedule_now(Box::new(move || {
        let Exchange {
            inner, mut on_done, ..
        } = x;
        if let Some(on_done) = on_done.0.take() {
            on_done(result.map(|leftover| ProxyTunnel {
                inner,
                leftover,
                start: 0,
            }));
        }
    }));
}

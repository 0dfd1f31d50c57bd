//! Runs a sans-IO client engine (a [`Protocol`]: the MQTT 3.1.1 connection or the MQTT 5
//! client) on one event loop: opens the transport it asks for (TCP through the bootstrap's
//! resolver, then TLS when configured), feeds it received bytes and timer ticks, writes what it
//! has to send, and hands its events to a [`Delegate`] (the C API).
//!
//! Everything here runs on the loop thread. The driver's lock is taken only there, never by an
//! API call: API calls queue commands with the delegate and wake the loop, so a callback the
//! delegate runs may call any API function.

use crate::client::Action;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_STATE;
use crate::ffi::io::channel_bootstrap::Connector;
use crate::runtime::event_loop::EventLoop;
use crate::runtime::lock::lock;
use crate::runtime::timer_heap::TimerId;
use crate::transport::http_proxy::{ProxySettings, tunnel};
use crate::transport::http_request::HttpRequest;
use crate::transport::socket_options::SocketOptions;
use crate::transport::stream::{Transport, error_code};
use crate::transport::tls::TlsConnectionSettings;
use crate::transport::tls_transport::{TlsTransport, negotiate};
use crate::transport::websocket::{self, WebSocketHooks};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The most bytes encoded ahead of the socket (the bounded write buffer).
const WRITE_CHUNK: usize = 64 * 1024;
/// How much one read takes.
const READ_CHUNK: usize = 64 * 1024;

/// Where and how a connection reaches its server.
#[derive(Clone)]
pub struct Endpoint {
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u32,
    /// Socket options.
    pub socket: SocketOptions,
    /// TLS to the server, when the connection uses it.
    pub tls: Option<TlsConnectionSettings>,
    /// The HTTP proxy tunnelled through, when the connection uses one.
    pub proxy: Option<ProxySettings>,
    /// MQTT over WebSocket, with the user's handshake transform and validator.
    pub websocket: Option<Arc<dyn WebSocketHooks>>,
    /// The bootstrap's loops and resolver.
    pub(crate) connector: Connector,
}

/// A client engine the driver can run: everything is fed `now` in nanoseconds of the loop's clock.
pub trait Protocol: Send + 'static {
    /// What the API asks of the engine.
    type Command: Send;
    /// What the engine reports.
    type Event;
    /// Runs one command.
    fn apply(&mut self, command: Self::Command);
    /// The next transport action.
    fn poll_action(&mut self) -> Option<Action>;
    /// Whether transport actions are pending.
    fn has_actions(&self) -> bool;
    /// The transport asked for is up.
    fn transport_opened(&mut self, now: u64);
    /// The transport is gone, with the aws error code of its failure if it failed.
    fn transport_closed(&mut self, now: u64, error: Option<i32>);
    /// Bytes arrived.
    fn receive(&mut self, now: u64, bytes: &[u8]);
    /// When the engine next needs `on_timer`.
    fn next_deadline(&self) -> Option<u64>;
    /// Time passed.
    fn on_timer(&mut self, now: u64);
    /// Appends bytes to send to `out`, up to about `limit` bytes.
    fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize);
    /// The next event.
    fn poll_event(&mut self) -> Option<Self::Event>;
    /// The client is going away: every unfinished operation fails.
    fn shut_down(&mut self);
}

/// Implements the [`Protocol`] methods that an engine has under the same names (all but
/// `apply` and `transport_closed`, which each adapter writes).
macro_rules! forward_protocol_methods {
    () => {
        fn poll_action(&mut self) -> Option<$crate::client::Action> {
            Self::poll_action(self)
        }
        fn has_actions(&self) -> bool {
            Self::has_actions(self)
        }
        fn transport_opened(&mut self, now: u64) {
            Self::transport_opened(self, now)
        }
        fn receive(&mut self, now: u64, bytes: &[u8]) {
            Self::receive(self, now, bytes)
        }
        fn next_deadline(&self) -> Option<u64> {
            Self::next_deadline(self)
        }
        fn on_timer(&mut self, now: u64) {
            Self::on_timer(self, now)
        }
        fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize) {
            Self::poll_transmit(self, now, out, limit)
        }
        fn poll_event(&mut self) -> Option<Self::Event> {
            Self::poll_event(self)
        }
        fn shut_down(&mut self) {
            Self::shut_down(self)
        }
    };
}
pub(crate) use forward_protocol_methods;

/// What the API asks of the loop.
pub enum Command<C> {
    /// Where later connections go.
    Endpoint(Box<Endpoint>),
    /// A command for the engine.
    Protocol(C),
}

/// The C API's side: the queued commands and the events' delivery.
pub trait Delegate<P: Protocol>: Send + 'static {
    /// Moves the commands queued since the last call into `into`.
    fn take_commands(&mut self, into: &mut Vec<Command<P::Command>>);
    /// Delivers one event; the engine may be told more while it is delivered (manual acks).
    fn deliver(&mut self, event: P::Event, engine: &mut P);
    /// Called after each step, to mirror the engine's state and statistics.
    fn after_step(&mut self, engine: &P);
}

struct Driver<P: Protocol, D> {
    engine: P,
    delegate: D,
    event_loop: EventLoop,
    endpoint: Option<Endpoint>,
    transport: Option<Box<dyn Transport>>,
    token: Option<mio::Token>,
    interest: mio::Interest,
    /// Counts open attempts, so the result of an abandoned one is recognised.
    attempt: u64,
    out: Vec<u8>,
    written: usize,
    read_buf: Vec<u8>,
    timer: Option<(TimerId, u64)>,
    commands: Vec<Command<P::Command>>,
    destroyed: bool,
}

/// A running connection driver; cloning shares it.
pub struct Handle<P: Protocol, D>(Arc<Mutex<Driver<P, D>>>);

impl<P: Protocol, D> Clone for Handle<P, D> {
    fn clone(&self) -> Self {
        Handle(Arc::clone(&self.0))
    }
}

impl<P: Protocol, D: Delegate<P>> Handle<P, D> {
    /// A driver for `engine` (not connected) on `event_loop`.
    pub fn new(event_loop: EventLoop, engine: P, delegate: D) -> Self {
        Handle(Arc::new(Mutex::new(Driver {
            engine,
            delegate,
            event_loop,
            endpoint: None,
            transport: None,
            token: None,
            interest: mio::Interest::READABLE,
            attempt: 0,
            out: Vec::new(),
            written: 0,
            read_buf: vec![0; READ_CHUNK],
            timer: None,
            commands: Vec::new(),
            destroyed: false,
        })))
    }

    /// Takes the delegate's queued commands and runs them; schedule this on the loop when the
    /// delegate queues commands.
    pub fn wake(&self) {
        let mut d = lock(&self.0);
        if d.destroyed {
            return;
        }
        let now = d.event_loop.now_ns();
        let mut commands = std::mem::take(&mut d.commands);
        d.delegate.take_commands(&mut commands);
        for command in commands.drain(..) {
            match command {
                Command::Endpoint(endpoint) => d.endpoint = Some(*endpoint),
                Command::Protocol(command) => d.engine.apply(command),
            }
        }
        d.commands = commands;
        self.pump(&mut d, now);
    }

    /// The connection is going away (on the loop thread, once disconnected): every unfinished
    /// operation fails, every subscription is dropped, and the driver stops.
    pub fn shut_down(&self) {
        let mut guard = lock(&self.0);
        let d = &mut *guard;
        if d.destroyed {
            return;
        }
        d.destroyed = true;
        d.engine.shut_down();
        self.drop_transport(d);
        if let Some((id, _)) = d.timer.take() {
            d.event_loop.cancel(id);
        }
        Self::deliver_events(d);
        d.delegate.after_step(&d.engine);
    }

    /// Performs the engine's actions, writes, delivers events and re-arms the timer until the
    /// engine is quiet.
    fn pump(&self, d: &mut Driver<P, D>, now: u64) {
        if d.destroyed {
            return;
        }
        loop {
            let mut progressed = false;
            while let Some(action) = d.engine.poll_action() {
                progressed = true;
                match action {
                    Action::Open => self.open(d),
                    Action::Close => {
                        // Best effort: the DISCONNECT goes out if the socket takes it now.
                        let _ = self.write(d, now);
                        if let Some(t) = d.transport.as_mut() {
                            let _ = t.shutdown();
                            let _ = t.flush();
                        }
                        self.drop_transport(d);
                        d.engine.transport_closed(now, None);
                    }
                }
            }
            if let Err(e) = self.write(d, now) {
                progressed = true;
                self.drop_transport(d);
                d.engine.transport_closed(now, Some(error_code(&e)));
            }
            progressed |= Self::deliver_events(d);
            if !progressed {
                break;
            }
        }
        self.arm_timer(d);
        self.update_interest(d);
        d.delegate.after_step(&d.engine);
    }

    /// Delivers the engine's events; the delegate sees the engine's state first, so a callback
    /// finds the connection in the state its event reports (a disconnect from inside
    /// `on_connection_complete` finds it connected). True when there were any.
    fn deliver_events(d: &mut Driver<P, D>) -> bool {
        let Some(first) = d.engine.poll_event() else {
            return false;
        };
        d.delegate.after_step(&d.engine);
        d.delegate.deliver(first, &mut d.engine);
        while let Some(event) = d.engine.poll_event() {
            d.delegate.deliver(event, &mut d.engine);
        }
        true
    }

    /// Writes what is buffered and what the engine has, until the transport would block.
    fn write(&self, d: &mut Driver<P, D>, now: u64) -> io::Result<()> {
        let Some(transport) = d.transport.as_mut() else {
            return Ok(());
        };
        loop {
            if d.written == d.out.len() {
                d.out.clear();
                d.written = 0;
                d.engine.poll_transmit(now, &mut d.out, WRITE_CHUNK);
                if d.out.is_empty() {
                    break;
                }
            }
            match transport.write(&d.out[d.written..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => d.written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        match transport.flush() {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn open(&self, d: &mut Driver<P, D>) {
        d.attempt += 1;
        let attempt = d.attempt;
        let Some(endpoint) = d.endpoint.clone() else {
            let now = d.event_loop.now_ns();
            d.engine
                .transport_closed(now, Some(AWS_ERROR_INVALID_STATE as i32));
            return;
        };
        let Some(hooks) = endpoint.websocket.clone() else {
            return self.dial(d.event_loop.clone(), attempt, endpoint, None);
        };
        // As upstream, the user's transform sees the upgrade request before anything connects;
        // it may finish on any thread, and the attempt goes on on the loop.
        let request = HttpRequest::mqtt_websocket_handshake(&endpoint.host);
        let (this, event_loop) = (self.clone(), d.event_loop.clone());
        hooks.transform(
            request,
            Box::new(move |result| {
                let el = event_loop.clone();
                event_loop.schedule_now(Box::new(move || match result {
                    Err(code) => this.opened(attempt, Err(code)),
                    Ok(request) => this.dial(el, attempt, endpoint, Some(request)),
                }));
            }),
        );
    }

    /// Connects the socket of attempt `attempt` (to the proxy if there is one), then stacks the
    /// layers above it; `upgrade` is the WebSocket request when the endpoint uses WebSockets.
    fn dial(
        &self,
        event_loop: EventLoop,
        attempt: u64,
        endpoint: Endpoint,
        upgrade: Option<HttpRequest>,
    ) {
        let this = self.clone();
        let (host, port) = match &endpoint.proxy {
            Some(proxy) => (proxy.host.clone(), proxy.port),
            None => (endpoint.host.clone(), endpoint.port),
        };
        // The endpoint moves into the callback: what the connect itself needs is copied first.
        let (connector, socket) = (endpoint.connector.clone(), endpoint.socket.clone());
        let el = event_loop.clone();
        connector.connect(
            &event_loop,
            &host,
            port,
            &socket,
            Box::new(move |result| match result {
                Err(code) => this.opened(attempt, Err(code)),
                Ok(stream) => layer(
                    el,
                    endpoint,
                    upgrade,
                    Box::new(stream),
                    Box::new(move |result| this.opened(attempt, result)),
                ),
            }),
        );
    }

    /// The open attempt `attempt` finished.
    fn opened(&self, attempt: u64, result: Result<Box<dyn Transport>, i32>) {
        let mut guard = lock(&self.0);
        let d = &mut *guard;
        if d.destroyed || attempt != d.attempt {
            return;
        }
        let now = d.event_loop.now_ns();
        match result {
            Err(code) => d.engine.transport_closed(now, Some(code)),
            Ok(mut transport) => {
                let weak = Arc::downgrade(&self.0);
                let interest = transport.interest();
                let registered = d.event_loop.register(
                    transport.source(),
                    interest,
                    Box::new(move |_| {
                        if let Some(inner) = weak.upgrade() {
                            Handle(inner).on_ready();
                        }
                    }),
                );
                match registered {
                    Ok(token) => {
                        d.token = Some(token);
                        d.interest = interest;
                        d.transport = Some(transport);
                        d.out.clear();
                        d.written = 0;
                        d.engine.transport_opened(now);
                    }
                    Err(e) => d.engine.transport_closed(now, Some(error_code(&e))),
                }
            }
        }
        self.pump(d, now);
    }

    /// Readiness on the transport: read all there is, then write.
    fn on_ready(&self) {
        let mut guard = lock(&self.0);
        let d = &mut *guard;
        let now = d.event_loop.now_ns();
        while let Some(transport) = d.transport.as_mut() {
            match transport.read(&mut d.read_buf) {
                Ok(0) => {
                    self.drop_transport(d);
                    d.engine.transport_closed(now, None);
                    break;
                }
                Ok(n) => {
                    let Driver {
                        engine, read_buf, ..
                    } = d;
                    engine.receive(now, &read_buf[..n]);
                    // Deliver as we go: a burst of messages must not pile up as events.
                    Self::deliver_events(d);
                    if d.engine.has_actions() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.drop_transport(d);
                    d.engine.transport_closed(now, Some(error_code(&e)));
                    break;
                }
            }
        }
        self.pump(d, now);
    }

    fn on_timer(&self) {
        let mut guard = lock(&self.0);
        let d = &mut *guard;
        if d.destroyed {
            return;
        }
        d.timer = None;
        let now = d.event_loop.now_ns();
        d.engine.on_timer(now);
        self.pump(d, now);
    }

    fn arm_timer(&self, d: &mut Driver<P, D>) {
        let wanted = d.engine.next_deadline();
        if d.timer.map(|(_, at)| at) == wanted {
            return;
        }
        if let Some((id, _)) = d.timer.take() {
            d.event_loop.cancel(id);
        }
        if let Some(at) = wanted {
            let weak = Arc::downgrade(&self.0);
            let id = d.event_loop.schedule_at(
                at,
                Box::new(move || {
                    if let Some(inner) = weak.upgrade() {
                        Handle(inner).on_timer();
                    }
                }),
            );
            d.timer = Some((id, at));
        }
    }

    fn update_interest(&self, d: &mut Driver<P, D>) {
        let (Some(transport), Some(token)) = (d.transport.as_mut(), d.token) else {
            return;
        };
        let mut interest = transport.interest();
        if d.written < d.out.len() {
            interest |= mio::Interest::WRITABLE;
        }
        if interest != d.interest {
            d.interest = interest;
            let _ = d.event_loop.reregister(transport.source(), token, interest);
        }
    }

    fn drop_transport(&self, d: &mut Driver<P, D>) {
        if let Some(mut transport) = d.transport.take()
            && let Some(token) = d.token.take()
        {
            let _ = d.event_loop.deregister(transport.source(), token);
        }
        d.out.clear();
        d.written = 0;
    }
}

/// Where the layers above TCP report: the finished stack, or an aws error code.
type Stacked = Box<dyn FnOnce(Result<Box<dyn Transport>, i32>) + Send>;

/// How long a proxy's CONNECT or a WebSocket upgrade may take when the socket options give no
/// connect timeout (upstream sets no deadline of its own for either).
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(10);

/// The deadline of a proxy's CONNECT or a WebSocket upgrade.
fn exchange_timeout(socket: &SocketOptions) -> Duration {
    match socket.connect_timeout {
        t if t.is_zero() => EXCHANGE_TIMEOUT,
        t => t,
    }
}

/// Stacks the layers `endpoint` asks for on `stream`, a connected socket (on the loop's
/// thread): TLS to the proxy and the CONNECT tunnel when there is a proxy, TLS to the server,
/// then the WebSocket when `upgrade` is set.
fn layer(
    event_loop: EventLoop,
    endpoint: Endpoint,
    upgrade: Option<HttpRequest>,
    stream: Box<dyn Transport>,
    done: Stacked,
) {
    let el = event_loop.clone();
    let timeout = exchange_timeout(&endpoint.socket);
    let hooks = endpoint.websocket.clone();
    // The last layer: the WebSocket, checked by the user's validator.
    let done: Stacked = match (upgrade, hooks) {
        (Some(request), Some(hooks)) => Box::new(move |result| match result {
            Err(code) => done(Err(code)),
            Ok(to_server) => websocket::upgrade(
                &el,
                to_server,
                &request,
                timeout,
                Box::new(move |result| {
                    done(result.and_then(|(ws, fields)| {
                        hooks.validate(&fields)?;
                        Ok(Box::new(ws) as Box<dyn Transport>)
                    }))
                }),
            ),
        }),
        _ => done,
    };
    through_proxy(event_loop, endpoint, timeout, stream, done)
}

/// TLS to the proxy and the tunnel (within `timeout`) when there is a proxy, then TLS to the
/// server.
fn through_proxy(
    event_loop: EventLoop,
    endpoint: Endpoint,
    timeout: Duration,
    stream: Box<dyn Transport>,
    done: Stacked,
) {
    let Some(proxy) = endpoint.proxy.clone() else {
        return with_tls(
            &event_loop,
            endpoint.tls.as_ref(),
            &endpoint.host,
            stream,
            done,
        );
    };
    let el = event_loop.clone();
    let then: Stacked = Box::new(move |result| match result {
        Err(code) => done(Err(code)),
        Ok(to_proxy) => {
            let el2 = el.clone();
            let (host, port) = (endpoint.host.clone(), endpoint.port);
            tunnel(
                &el,
                to_proxy,
                &host,
                port,
                proxy.credentials.as_ref(),
                timeout,
                Box::new(move |result| match result {
                    Err(code) => done(Err(code)),
                    Ok(t) => with_tls(
                        &el2,
                        endpoint.tls.as_ref(),
                        &endpoint.host,
                        Box::new(t),
                        done,
                    ),
                }),
            );
        }
    });
    with_tls(&event_loop, proxy.tls.as_ref(), &proxy.host, stream, then);
}

/// Negotiates TLS with `host` over `stream` when `tls` is set; hands `stream` on otherwise.
fn with_tls(
    event_loop: &EventLoop,
    tls: Option<&TlsConnectionSettings>,
    host: &str,
    stream: Box<dyn Transport>,
    done: Stacked,
) {
    let Some(tls) = tls else {
        return done(Ok(stream));
    };
    match tls.session(host) {
        Err(e) => done(Err(e.code())),
        Ok(session) => negotiate(
            event_loop,
            TlsTransport::new(stream, session),
            Duration::from_millis(u64::from(tls.timeout_ms)),
            Box::new(move |result| done(result.map(|t| Box::new(t) as Box<dyn Transport>))),
        ),
    }
}

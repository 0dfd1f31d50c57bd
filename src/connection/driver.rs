//! Runs a sans-IO client engine (a [`Protocol`]) on one event loop: opens the transport it asks
//! for (see `stack.rs`), feeds it received bytes and timer ticks, writes what it has to send,
//! and hands its events to a [`Delegate`] (the C API).
//!
//! Everything here runs on the loop thread. The driver's lock is taken only there, never by an
//! API call (API calls queue commands with the delegate and wake the loop), and it is released
//! before any event is delivered: each step runs under the lock, takes the engine's events and
//! what delivering them needs, unlocks, runs the user's callbacks, then locks again for what
//! those callbacks asked of the engine. A callback may therefore call any API function,
//! release of the last reference included.
//!
//! A panic (a bug) is contained where it happens: one in delivering an event is logged and the
//! next event is delivered; one in a step of the engine ends the connection with
//! `AWS_ERROR_UNKNOWN`, as a failed transport would (the engine settles every operation, once),
//! and if the engine cannot even do that, it fails everything and the driver stops.

use crate::client::Action;
use crate::connection::protocol::{Command, Delegate, Protocol};
use crate::connection::stack::{Endpoint, layer};
use crate::error::aws_common_error::{AWS_ERROR_INVALID_STATE, AWS_ERROR_UNKNOWN};
use crate::runtime::event_loop::EventLoop;
use crate::runtime::lock::lock;
use crate::runtime::timer_heap::TimerId;
use crate::transport::http_request::HttpRequest;
use crate::transport::stream::{Transport, error_code};
use std::collections::VecDeque;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard};

/// The most bytes encoded ahead of the socket (the bounded write buffer).
const WRITE_CHUNK: usize = 64 * 1024;
/// The most one read takes: the read buffer grows to it while reads fill the buffer.
const READ_CHUNK: usize = 64 * 1024;
/// The read buffer's size at first and after idling: an idle connection holds little.
const READ_MIN: usize = 2 * 1024;
/// After this many turns in a row that each read no more than `READ_MIN`, the buffers a burst
/// grew are given back.
const QUIET_TURNS: u8 = 8;
/// The command queue capacity kept between wake-ups (a burst grows it for its time).
const COMMANDS_KEPT: usize = 64;

/// The most one turn reads, and the most it writes, before it lets the loop run timers and
/// its other connections: a connection that always has bytes to read (a broker flooding it)
/// or to write (a burst of publishes) must not keep its keep-alive timer, or its neighbours,
/// from running. The rest waits for the next turn, a task queued behind them.
const TURN_BUDGET: usize = 4 * 64 * 1024;

/// What delivers events: the delegate with its buffers. It leaves the driver while it runs the
/// user's callbacks (the driver is unlocked then) and comes back afterwards.
struct Courier<P: Protocol, D: Delegate<P>> {
    delegate: D,
    events: VecDeque<P::Event>,
    context: D::Context,
    engine_commands: Vec<P::Command>,
}

struct Driver<P: Protocol, D: Delegate<P>> {
    engine: P,
    /// `None` only while events are being delivered (unlocked, on this loop's thread).
    courier: Option<Courier<P, D>>,
    event_loop: EventLoop,
    endpoint: Option<Endpoint>,
    transport: Option<Box<dyn Transport>>,
    token: Option<mio::Token>,
    interest: mio::Interest,
    /// Counts open attempts, so the result of an abandoned one is recognised.
    attempt: u64,
    out: Vec<u8>,
    written: usize,
    /// Grows (doubling, up to `READ_CHUNK`) while reads fill it; shrinks back when quiet.
    read_buf: Vec<u8>,
    /// Turns in a row that read little (see `QUIET_TURNS`).
    quiet_turns: u8,
    timer: Option<(TimerId, u64)>,
    commands: Vec<Command<P::Command>>,
    /// Commands taken from the API and not yet applied: a batch of submissions waits here
    /// while the engine holds enough it has not sent (see `feed`).
    pending: VecDeque<Command<P::Command>>,
    /// What this turn may still write (see `TURN_BUDGET`).
    write_budget: usize,
    /// A turn ran out of budget: it left bytes to read or to write.
    budget_spent: bool,
    /// The next turn is queued.
    turn_scheduled: bool,
    destroyed: bool,
}

/// Runs a call into the delegate; a panic in it is logged and the driver goes on.
fn contained(what: &str, call: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(call)).is_err() {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_MQTT_GENERAL,
            "connection driver: {what} panicked; it is skipped"
        );
    }
}

/// A running connection driver; cloning shares it.
pub struct Handle<P: Protocol, D: Delegate<P>>(Arc<Mutex<Driver<P, D>>>);

impl<P: Protocol, D: Delegate<P>> Clone for Handle<P, D> {
    fn clone(&self) -> Self {
        Handle(Arc::clone(&self.0))
    }
}

type Guard<'a, P, D> = MutexGuard<'a, Driver<P, D>>;

impl<P: Protocol, D: Delegate<P>> Handle<P, D> {
    /// A driver for `engine` (not connected) on `event_loop`.
    pub fn new(event_loop: EventLoop, engine: P, delegate: D) -> Self {
        Handle(Arc::new(Mutex::new(Driver {
            engine,
            courier: Some(Courier {
                delegate,
                events: VecDeque::new(),
                context: D::Context::default(),
                engine_commands: Vec::new(),
            }),
            event_loop,
            endpoint: None,
            transport: None,
            token: None,
            interest: mio::Interest::READABLE,
            attempt: 0,
            out: Vec::new(),
            written: 0,
            read_buf: vec![0; READ_MIN],
            quiet_turns: 0,
            timer: None,
            commands: Vec::new(),
            pending: VecDeque::new(),
            write_budget: TURN_BUDGET,
            budget_spent: false,
            turn_scheduled: false,
            destroyed: false,
        })))
    }

    /// Takes the delegate's queued commands and runs them; schedule this on the loop when the
    /// delegate queues commands.
    pub fn wake(&self) {
        self.contain(|| self.wake_step());
    }

    fn wake_step(&self) {
        let mut guard = lock(&self.0);
        if guard.destroyed {
            return;
        }
        let d = &mut *guard;
        let mut commands = std::mem::take(&mut d.commands);
        if let Some(courier) = d.courier.as_mut() {
            courier.delegate.take_commands(&mut commands);
        }
        d.pending.extend(commands.drain(..));
        // A burst's queue goes back to the API side on the next swap: give back what it grew.
        commands.shrink_to(COMMANDS_KEPT);
        d.commands = commands;
        self.pump(guard);
    }

    /// Applies the commands taken from the API, in order. A batch of submissions goes in only
    /// as far as the engine has room for (the rest waits for the next step, when the engine
    /// has sent more), unless `all`, or a command of another kind waits behind it: that one
    /// must not wait for the batch to be sent. Says whether it applied anything.
    fn feed(d: &mut Driver<P, D>, all: bool) -> bool {
        if d.budget_spent && !all {
            // This turn wrote its share: the rest waits for the next one, behind the loop's
            // timers and other connections.
            return false;
        }
        let is_batch =
            |c: &Command<P::Command>| matches!(c, Command::Protocol(c) if P::is_batch(c));
        let mut eager = match all {
            true => d.pending.len(),
            false => d
                .pending
                .iter()
                .rposition(|c| !is_batch(c))
                .map_or(0, |i| i + 1),
        };
        let mut applied = false;
        while let Some(command) = d.pending.pop_front() {
            match command {
                Command::Endpoint(endpoint) => d.endpoint = Some(*endpoint),
                Command::Protocol(command) if eager > 0 => d.engine.apply(command),
                Command::Protocol(batch) => {
                    let room = d.engine.room();
                    let rest = match room {
                        0 => Some(batch),
                        _ => d.engine.apply_some(batch, room),
                    };
                    applied |= room > 0;
                    if let Some(rest) = rest {
                        d.pending.push_front(Command::Protocol(rest));
                        return applied;
                    }
                    continue;
                }
            }
            eager = eager.saturating_sub(1);
            applied = true;
        }
        d.pending.shrink_to(COMMANDS_KEPT);
        applied
    }

    /// The connection is going away (on the loop thread, once disconnected): every unfinished
    /// operation fails, every subscription is dropped, and the driver stops.
    pub fn shut_down(&self) {
        self.contain(|| self.shut_down_step());
    }

    fn shut_down_step(&self) {
        let mut d = lock(&self.0);
        if d.destroyed {
            return;
        }
        d.destroyed = true;
        // What the API queued reaches the engine, to fail with the rest.
        Self::feed(&mut d, true);
        d.engine.shut_down();
        self.drop_transport(&mut d);
        if let Some((id, _)) = d.timer.take() {
            d.event_loop.cancel(id);
        }
        let mut d = self.deliver_events(d);
        Self::mirror(&mut d);
    }

    /// Performs the engine's actions, writes, delivers events and re-arms the timer until the
    /// engine is quiet; returns with the lock released.
    fn pump<'a>(&'a self, mut d: Guard<'a, P, D>) {
        if d.destroyed {
            return;
        }
        // One budget for the whole turn, however many rounds of feeding and writing it takes.
        d.write_budget = TURN_BUDGET;
        loop {
            let mut progressed = Self::feed(&mut d, false);
            let now = d.event_loop.now_ns();
            while let Some(action) = d.engine.poll_action() {
                progressed = true;
                match action {
                    Action::Open => self.open(&mut d),
                    Action::Close => {
                        // Best effort: the DISCONNECT goes out if the socket takes it now.
                        let _ = Self::write(&mut d, now);
                        if let Some(t) = d.transport.as_mut() {
                            let _ = t.shutdown();
                            let _ = t.flush();
                        }
                        self.drop_transport(&mut d);
                        d.engine.transport_closed(now, None);
                    }
                }
            }
            if let Err(e) = Self::write(&mut d, now) {
                progressed = true;
                Self::read_what_is_left(&mut d, now);
                self.drop_transport(&mut d);
                d.engine.transport_closed(now, Some(error_code(&e)));
            }
            let (delivered, next) = self.deliver_some(d);
            d = next;
            if d.destroyed {
                return;
            }
            if !(progressed || delivered) {
                break;
            }
        }
        self.arm_timer(&mut d);
        self.update_interest(&mut d);
        if std::mem::take(&mut d.budget_spent) {
            self.schedule_turn(&mut d);
        }
        Self::mirror(&mut d);
    }

    /// Lets the delegate mirror the engine's state and statistics after a step.
    fn mirror(d: &mut Driver<P, D>) {
        if let Some(courier) = d.courier.as_mut() {
            contained("mirroring the engine", || {
                courier.delegate.after_step(&d.engine)
            });
        }
    }

    /// Runs a step; a panic in it ends the connection (see the module comment).
    fn contain(&self, step: impl FnOnce()) {
        if catch_unwind(AssertUnwindSafe(step)).is_err() {
            crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_MQTT_GENERAL,
                "connection driver: a step panicked; the connection ends with AWS_ERROR_UNKNOWN"
            );
            self.recover();
        }
    }

    /// After a panic in a step: the connection ends as if its transport had failed, and what
    /// that produces is delivered. A second panic stops the driver.
    fn recover(&self) {
        let ended = catch_unwind(AssertUnwindSafe(|| {
            let mut d = lock(&self.0);
            if d.destroyed {
                return;
            }
            self.drop_transport(&mut d);
            d.budget_spent = false;
            let now = d.event_loop.now_ns();
            d.engine
                .transport_closed(now, Some(AWS_ERROR_UNKNOWN as i32));
            self.pump(d);
        }));
        if ended.is_err() {
            let mut d = lock(&self.0);
            let _ = catch_unwind(AssertUnwindSafe(|| d.engine.shut_down()));
            d.destroyed = true;
            if let Some((id, _)) = d.timer.take() {
                d.event_loop.cancel(id);
            }
            self.drop_transport(&mut d);
            crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_MQTT_GENERAL,
                "connection driver: ending the connection panicked too; the driver stops"
            );
            let _ = catch_unwind(AssertUnwindSafe(|| drop(self.deliver_events(d))));
        }
    }

    /// Delivers the engine's events with the lock released, then applies what the callbacks
    /// asked of the engine; returns the lock again.
    fn deliver_events<'a>(&'a self, d: Guard<'a, P, D>) -> Guard<'a, P, D> {
        self.deliver_some(d).1
    }

    /// [`deliver_events`](Self::deliver_events), saying whether there were any.
    fn deliver_some<'a>(&'a self, mut d: Guard<'a, P, D>) -> (bool, Guard<'a, P, D>) {
        // The courier is away only while a delivery runs further up this thread's stack
        // (which no API call can cause: they all defer to the loop); it takes these events
        // when it comes back.
        // Engine code runs with the courier in its place: a panic there must not lose it.
        let Driver {
            engine, courier, ..
        } = &mut *d;
        let Some(waiting) = courier.as_mut() else {
            return (false, d);
        };
        engine.take_events(&mut waiting.events);
        if waiting.events.is_empty() {
            return (false, d);
        }
        let Some(mut courier) = d.courier.take() else {
            return (false, d);
        };
        // The delegate sees the engine's state first, so a callback finds the connection in
        // the state its event reports (a disconnect from inside on_connection_complete finds
        // it connected).
        let Courier {
            delegate,
            events,
            context,
            engine_commands,
        } = &mut courier;
        contained("mirroring the engine", || delegate.after_step(&d.engine));
        // One guard per batch, not per event (a panic skips its event; the rest go on).
        let mut prepared = 0;
        while prepared < events.len() {
            contained("preparing an event", || {
                for event in events.iter().skip(prepared) {
                    prepared += 1;
                    delegate.prepare(event, &d.engine, context);
                }
            });
        }
        drop(d);
        while !events.is_empty() {
            contained("delivering an event", || {
                while let Some(event) = events.pop_front() {
                    delegate.deliver(event, context, engine_commands);
                }
            });
        }
        contained("settling a delivered batch", || delegate.delivered());
        let mut d = lock(&self.0);
        let commands = std::mem::take(&mut courier.engine_commands);
        d.courier = Some(courier);
        for command in commands {
            d.engine.apply(command);
        }
        (true, d)
    }

    /// Writes what is buffered and what the engine has, until the transport would block.
    fn write(d: &mut Driver<P, D>, now: u64) -> io::Result<()> {
        let Some(transport) = d.transport.as_mut() else {
            return Ok(());
        };
        loop {
            if d.write_budget == 0 {
                d.budget_spent = true;
                break;
            }
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
                Ok(n) => {
                    d.written += n;
                    d.write_budget = d.write_budget.saturating_sub(n);
                }
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
        self.contain(|| self.opened_step(attempt, result));
    }

    fn opened_step(&self, attempt: u64, result: Result<Box<dyn Transport>, i32>) {
        let mut d = lock(&self.0);
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
                    Box::new(move |event| {
                        if let Some(inner) = weak.upgrade() {
                            // A peer's close or a socket error raises no event of its own once
                            // seen: read on to the end (or the error) then.
                            Handle(inner).on_ready(event.is_read_closed() || event.is_error());
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
        self.pump(d);
    }

    /// Readiness on the transport: read all there is, delivering what each read brings, then
    /// write. Unless `to_the_end`, a short read on a transport that promises it drained the
    /// socket ends the reading: one `WouldBlock` read less per message, on the path of every
    /// reply.
    fn on_ready(&self, to_the_end: bool) {
        self.contain(|| self.on_ready_step(to_the_end));
    }

    fn on_ready_step(&self, to_the_end: bool) {
        let mut d = lock(&self.0);
        let mut budget = TURN_BUDGET;
        let mut read = 0;
        loop {
            if budget == 0 {
                d.budget_spent = true;
                break;
            }
            let now = d.event_loop.now_ns();
            let Driver {
                engine,
                transport,
                read_buf,
                ..
            } = &mut *d;
            let Some(transport) = transport.as_mut() else {
                break;
            };
            let short_read_drains = !to_the_end && transport.short_read_drains();
            match transport.read(read_buf) {
                Ok(0) => {
                    let end = transport.end_error();
                    self.drop_transport(&mut d);
                    d.engine.transport_closed(now, end);
                    break;
                }
                Ok(n) => {
                    budget = budget.saturating_sub(n);
                    read += n;
                    engine.receive(now, &read_buf[..n]);
                    let full = n == read_buf.len();
                    if full && n < READ_CHUNK {
                        // A full read: more is waiting, take bigger bites.
                        read_buf.resize(2 * n, 0);
                    }
                    // Deliver as we go: a burst of messages must not pile up as events.
                    d = self.deliver_events(d);
                    if d.engine.has_actions() || (!full && short_read_drains) {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.drop_transport(&mut d);
                    d.engine.transport_closed(now, Some(error_code(&e)));
                    break;
                }
            }
        }
        Self::settle_buffers(&mut d, read);
        self.pump(d);
    }

    /// A write failed: the peer may have closed after saying why (an MQTT 5 DISCONNECT, then a
    /// reset because our later bytes went unread), and the kernel still holds what it said when
    /// reading stopped at a short read. The engine takes it before the transport goes, so its own
    /// reason (the first given wins) is reported rather than the write's error.
    fn read_what_is_left(d: &mut Driver<P, D>, now: u64) {
        let Driver {
            engine,
            transport,
            read_buf,
            ..
        } = d;
        let Some(transport) = transport.as_mut() else {
            return;
        };
        let mut budget = TURN_BUDGET;
        while budget > 0 {
            match transport.read(read_buf) {
                Ok(0) => break,
                Ok(n) => {
                    budget = budget.saturating_sub(n);
                    engine.receive(now, &read_buf[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    }

    /// Gives back what a burst grew once the connection has been quiet for a while: an idle
    /// connection keeps `READ_MIN` bytes to read into and nothing to write from.
    fn settle_buffers(d: &mut Driver<P, D>, read: usize) {
        if read > READ_MIN {
            d.quiet_turns = 0;
            return;
        }
        d.quiet_turns = d.quiet_turns.saturating_add(1);
        if d.quiet_turns < QUIET_TURNS {
            return;
        }
        if d.read_buf.len() > READ_MIN {
            d.read_buf.truncate(READ_MIN);
            d.read_buf.shrink_to_fit();
        }
        if d.written == d.out.len() && d.out.capacity() > READ_MIN {
            d.out = Vec::new();
            d.written = 0;
        }
    }

    /// Queues another turn (read, then write) behind the loop's timers and other tasks: the
    /// transport is edge-triggered, so bytes left unread or unwritten raise no new event.
    fn schedule_turn(&self, d: &mut Driver<P, D>) {
        if d.turn_scheduled || d.transport.is_none() {
            return;
        }
        d.turn_scheduled = true;
        let weak = Arc::downgrade(&self.0);
        d.event_loop.schedule_now(Box::new(move || {
            if let Some(inner) = weak.upgrade() {
                let this = Handle(inner);
                lock(&this.0).turn_scheduled = false;
                this.on_ready(true);
            }
        }));
    }

    fn on_timer(&self) {
        self.contain(|| self.on_timer_step());
    }

    fn on_timer_step(&self) {
        let mut d = lock(&self.0);
        if d.destroyed {
            return;
        }
        d.timer = None;
        let now = d.event_loop.now_ns();
        d.engine.on_timer(now);
        self.pump(d);
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

#[cfg(test)]
#[path = "driver_tests.rs"]
mod tests;

//! Runs a layer's opening exchange on an event loop, with a deadline: the TLS handshake, the
//! proxy's CONNECT, the WebSocket upgrade. Each layer says how to advance its exchange when the
//! socket is ready ([`Handshake::advance`]); this module owns the loop plumbing they share:
//! registration, the timeout, one report delivered from a task, and a report of
//! `AWS_IO_EVENT_LOOP_SHUTDOWN` when the loop goes away first.

use crate::error::aws_io_errors::AWS_IO_EVENT_LOOP_SHUTDOWN;
use crate::runtime::event_loop::EventLoop;
use crate::runtime::lock::lock;
use crate::runtime::timer_heap::TimerId;
use crate::transport::stream::error_code;
use std::ffi::c_int;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An opening exchange over a socket.
pub trait Handshake: Send + 'static {
    /// Sends and reads what the socket allows now: `Ok(true)` once the exchange is complete,
    /// the aws error code of its failure.
    fn advance(&mut self) -> Result<bool, c_int>;

    /// The socket to watch.
    fn socket(&mut self) -> &mut dyn mio::event::Source;
}

/// Receives the end of an exchange, on the loop's thread: the completed handshake (its socket
/// deregistered, for its user to register) or an aws error code.
pub type HandshakeCallback<H> = Box<dyn FnOnce(Result<H, c_int>) + Send>;

/// An exchange in progress.
struct Running<H: Handshake> {
    handshake: H,
    event_loop: EventLoop,
    token: Option<mio::Token>,
    timer: Option<TimerId>,
    on_done: Reporter<H>,
}

/// The callback, until the result is delivered; dropped before (the loop shut down), it
/// reports `AWS_IO_EVENT_LOOP_SHUTDOWN`.
struct Reporter<H>(Option<HandshakeCallback<H>>);

impl<H> Drop for Reporter<H> {
    fn drop(&mut self) {
        if let Some(on_done) = self.0.take() {
            on_done(Err(AWS_IO_EVENT_LOOP_SHUTDOWN as c_int));
        }
    }
}

type Slot<H> = Arc<Mutex<Option<Running<H>>>>;

/// Drives `handshake` on `event_loop` (call this on the loop's thread) until it completes, fails,
/// or `timeout` passes (then the result is `timeout_code`). `on_done` runs on the loop's thread,
/// never inside this call.
pub fn run<H: Handshake>(
    event_loop: &EventLoop,
    handshake: H,
    timeout: Duration,
    timeout_code: c_int,
    on_done: HandshakeCallback<H>,
) {
    let slot: Slot<H> = Arc::new(Mutex::new(None));
    let mut guard = lock(&slot);
    let r = guard.insert(Running {
        handshake,
        event_loop: event_loop.clone(),
        token: None,
        timer: None,
        on_done: Reporter(Some(on_done)),
    });
    let on_event = Arc::clone(&slot);
    match event_loop.register(
        r.handshake.socket(),
        mio::Interest::READABLE | mio::Interest::WRITABLE,
        Box::new(move |_| step(&on_event)),
    ) {
        Ok(token) => r.token = Some(token),
        Err(e) => {
            let code = error_code(&e);
            if let Some(r) = guard.take() {
                finish_later(r, Err(code));
            }
            return;
        }
    }
    let timeout_ns = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
    let on_timer = Arc::clone(&slot);
    r.timer = Some(event_loop.schedule_at(
        event_loop.now_ns().saturating_add(timeout_ns),
        Box::new(move || {
            if let Some(mut r) = lock(&on_timer).take() {
                r.timer = None;
                finish_later(r, Err(timeout_code));
            }
        }),
    ));
    drop(guard);
    // The first flight goes out now: the socket is writable already and mio may not say so.
    let first = Arc::clone(&slot);
    event_loop.schedule_now(Box::new(move || step(&first)));
}

/// One readiness event: advance; finish on completion or failure.
fn step<H: Handshake>(slot: &Slot<H>) {
    let mut guard = lock(slot);
    let Some(r) = guard.as_mut() else {
        return;
    };
    let result = match r.handshake.advance() {
        Ok(false) => return,
        Ok(true) => Ok(()),
        Err(code) => Err(code),
    };
    if let Some(r) = guard.take() {
        drop(guard);
        finish_later(r, result);
    }
}

/// Stops watching, then reports from a task (an I/O handler may be running).
fn finish_later<H: Handshake>(mut r: Running<H>, result: Result<(), c_int>) {
    let event_loop = r.event_loop.clone();
    if let Some(token) = r.token.take() {
        let _ = event_loop.deregister(r.handshake.socket(), token);
    }
    if let Some(timer) = r.timer.take() {
        event_loop.cancel(timer);
    }
    event_loop.schedule_now(Box::new(move || {
        let Running {
            handshake,
            mut on_done,
            ..
        } = r;
        if let Some(on_done) = on_done.0.take() {
            on_done(result.map(|()| handshake));
        }
    }));
}

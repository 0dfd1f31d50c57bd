//! `aws/mqtt/request-response/request_response_client.h`: the request-response client object
//! and its streaming operations (opaque to C): the engine (`client/request_response`) under a
//! lock, driven on the protocol client's loop.
//!
//! API calls (from any thread) change the engine under the lock and schedule a service pass on
//! the loop; everything else happens on the loop: the protocol client's events and results, the
//! timer for request deadlines, and every callback, called with no lock held. The protocol
//! client is reached through [`Protocol`], which both MQTT clients implement.
//!
//! Life: the C client handle, each streaming operation handle and the protocol listener hold
//! the [`Core`]. The last external release shuts the engine down on the loop (requests fail,
//! streaming operations halt, subscriptions are unsubscribed) and detaches the listener; the
//! core goes, and the terminated callback runs, once the user has released every streaming
//! operation too (upstream's order).

use super::protocol::Protocol;
use super::request_response_client::*;
use crate::client::request_response::{Engine, Event, Failure, OpId, RequestSpec, StreamStatus};
use crate::ffi::io::event_loop::aws_event_loop;
use crate::ffi::mqtt::client_delegate::Callback;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::*;
use crate::runtime::event_loop::EventLoop;
use crate::runtime::lock::lock;
use crate::runtime::timer_heap::TimerId;
use std::collections::HashMap;
use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// Upstream's error code for an engine failure.
fn failure_code(failure: Failure) -> c_int {
    (match failure {
        Failure::Timeout => AWS_ERROR_MQTT_REQUEST_RESPONSE_TIMEOUT,
        Failure::NoSubscriptionCapacity => AWS_ERROR_MQTT_REQUEST_RESPONSE_NO_SUBSCRIPTION_CAPACITY,
        Failure::SubscribeFailure => AWS_ERROR_MQTT_REQUEST_RESPONSE_SUBSCRIBE_FAILURE,
        Failure::PublishFailure => AWS_ERROR_MQTT_REQUEST_RESPONSE_PUBLISH_FAILURE,
        Failure::ShutDown => AWS_ERROR_MQTT_REQUEST_RESPONSE_CLIENT_SHUT_DOWN,
    }) as c_int
}

/// A streaming operation's callbacks.
#[derive(Clone, Copy)]
pub(crate) struct StreamCallbacks {
    pub status: Option<aws_mqtt_streaming_operation_subscription_status_fn>,
    pub publish: Option<aws_mqtt_streaming_operation_incoming_publish_fn>,
    pub terminated: Option<aws_mqtt_streaming_operation_terminated_fn>,
    pub user_data: *mut std::ffi::c_void,
}

/// What the loop-side state holds under the lock.
struct State {
    engine: Engine,
    requests: HashMap<OpId, Callback<aws_mqtt_request_operation_completion_fn>>,
    streams: HashMap<OpId, StreamCallbacks>,
    /// The deadline timer armed, and for when.
    timer: Option<(u64, TimerId)>,
    /// A service pass is scheduled to run soon.
    service_scheduled: bool,
}

/// A callback to make once the lock is released.
enum Delivery {
    Completed(Callback<aws_mqtt_request_operation_completion_fn>, c_int),
    Status(
        StreamCallbacks,
        aws_rr_streaming_subscription_event_type,
        c_int,
    ),
}

/// The shared state of a client. See the module comment.
pub(crate) struct Core {
    event_loop: EventLoop,
    c_loop: *mut aws_event_loop,
    protocol: Box<dyn Protocol>,
    /// Timeout of the SUBSCRIBEs, UNSUBSCRIBEs and PUBLISHes sent for operations.
    pub(crate) timeout_s: u32,
    state: Mutex<State>,
    terminated: Callback<aws_mqtt_request_response_client_terminated_callback_fn>,
}

// SAFETY: the raw pointers (the C loop handle, user data) are only handed back to the user or to
// thread-safe functions; everything mutable is behind the lock.
unsafe impl Send for Core {}
// SAFETY: as above.
unsafe impl Sync for Core {}

impl Drop for Core {
    fn drop(&mut self) {
        if let Some(f) = self.terminated.function {
            // SAFETY: the user's terminated callback, once, with its data.
            unsafe { f(self.terminated.user_data) };
        }
    }
}

impl Core {
    /// A core over `protocol`, not yet attached to it.
    pub(crate) fn new(
        engine: Engine,
        protocol: Box<dyn Protocol>,
        timeout_s: u32,
        terminated: Callback<aws_mqtt_request_response_client_terminated_callback_fn>,
    ) -> Arc<Core> {
        Arc::new(Core {
            event_loop: protocol.event_loop(),
            c_loop: protocol.c_event_loop(),
            protocol,
            timeout_s,
            state: Mutex::new(State {
                engine,
                requests: HashMap::new(),
                streams: HashMap::new(),
                timer: None,
                service_scheduled: false,
            }),
            terminated,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(crate) fn event_loop(&self) -> &EventLoop {
        &self.event_loop
    }

    pub(crate) fn c_event_loop(&self) -> *mut aws_event_loop {
        self.c_loop
    }

    pub(crate) fn protocol(&self) -> &dyn Protocol {
        &*self.protocol
    }

    /// Runs `change` under the lock, then a service pass on the loop soon.
    fn change<R>(self: &Arc<Self>, change: impl FnOnce(&mut State) -> R) -> R {
        let mut st = self.lock();
        let result = change(&mut st);
        if !st.service_scheduled {
            st.service_scheduled = true;
            let core = self.clone();
            self.event_loop
                .schedule_now(Box::new(move || core.on_loop(|_| ())));
        }
        result
    }

    /// Registers a request's completion and submits it.
    pub(crate) fn submit(
        self: &Arc<Self>,
        spec: RequestSpec,
        completion: Callback<aws_mqtt_request_operation_completion_fn>,
    ) {
        let now = self.event_loop.now_ns();
        self.change(|st| {
            let op = st.engine.allocate_id();
            st.requests.insert(op, completion);
            st.engine.submit_request(now, op, spec);
        });
    }

    /// Queues a streaming operation made by [`new_stream`](Self::new_stream).
    pub(crate) fn activate(self: &Arc<Self>, op: OpId, filter: String) {
        self.change(|st| st.engine.activate_stream(op, filter));
    }

    /// Registers a streaming operation's callbacks; returns its id.
    pub(crate) fn new_stream(&self, callbacks: StreamCallbacks) -> OpId {
        let mut st = self.lock();
        let op = st.engine.allocate_id();
        st.streams.insert(op, callbacks);
        op
    }

    /// On the loop: applies `input` to the engine, runs a service pass, and performs and
    /// delivers what comes out.
    pub(crate) fn on_loop(self: &Arc<Self>, input: impl FnOnce(&mut Engine)) {
        {
            let mut st = self.lock();
            st.service_scheduled = false;
            input(&mut st.engine);
        }
        self.flush();
    }

    /// Performs the engine's actions and delivers its events until it has none.
    fn flush(self: &Arc<Self>) {
        loop {
            let (actions, deliveries) = {
                let mut st = self.lock();
                let now = self.event_loop.now_ns();
                st.engine.service(now);
                self.arm_timer(&mut st);
                let actions = st.engine.take_actions();
                let mut deliveries = Vec::new();
                while let Some(event) = st.engine.take_event() {
                    deliveries.extend(Self::delivery(&mut st, event));
                }
                (actions, deliveries)
            };
            if actions.is_empty() && deliveries.is_empty() {
                return;
            }
            for action in actions {
                self.protocol.perform(self, action);
            }
            for delivery in deliveries {
                deliver(delivery);
            }
        }
    }

    fn delivery(st: &mut State, event: Event) -> Option<Delivery> {
        use aws_rr_streaming_subscription_event_type::*;
        match event {
            Event::RequestFailed { op, failure } => st
                .requests
                .remove(&op)
                .map(|cb| Delivery::Completed(cb, failure_code(failure))),
            Event::Stream { op, status } => {
                let callbacks = *st.streams.get(&op)?;
                let (kind, code) = match status {
                    StreamStatus::Established => (ARRSSET_SUBSCRIPTION_ESTABLISHED, 0),
                    StreamStatus::Lost => (ARRSSET_SUBSCRIPTION_LOST, 0),
                    StreamStatus::Halted(f) => (ARRSSET_SUBSCRIPTION_HALTED, failure_code(f)),
                };
                Some(Delivery::Status(callbacks, kind, code))
            }
        }
    }

    /// Keeps one timer armed for the engine's next deadline.
    fn arm_timer(self: &Arc<Self>, st: &mut State) {
        let want = st.engine.next_deadline();
        if st.timer.map(|(at, _)| at) == want {
            return;
        }
        if let Some((_, id)) = st.timer.take() {
            self.event_loop.cancel(id);
        }
        if let Some(at) = want {
            let weak: Weak<Core> = Arc::downgrade(self);
            let id = self.event_loop.schedule_at(
                at,
                Box::new(move || {
                    if let Some(core) = weak.upgrade() {
                        core.on_loop(|_| ());
                    }
                }),
            );
            st.timer = Some((at, id));
        }
    }

    /// On the loop: an incoming publish, lent for the call, goes to the streaming operations
    /// whose filter it matches, then to the request it answers.
    pub(crate) fn on_publish(self: &Arc<Self>, publish: &aws_mqtt_rr_incoming_publish_event) {
        // SAFETY: the protocol client lends the topic and payload for the call.
        let (Ok(topic), Ok(payload)) = (unsafe { publish.topic.as_bytes() }, unsafe {
            publish.payload.as_bytes()
        }) else {
            return;
        };
        let Ok(topic) = std::str::from_utf8(topic) else {
            return;
        };
        let (streams, request) = {
            let mut st = self.lock();
            let matches = st.engine.on_publish(topic, payload);
            let streams: Vec<StreamCallbacks> = matches
                .streams
                .iter()
                .filter_map(|op| st.streams.get(op).copied())
                .collect();
            let request = matches.request.and_then(|op| st.requests.remove(&op));
            (streams, request)
        };
        for s in streams {
            if let Some(f) = s.publish {
                // SAFETY: the user's callback with its data; the event lives for the call.
                unsafe { f(publish, s.user_data) };
            }
        }
        if let Some(Callback {
            function: Some(f),
            user_data,
        }) = request
        {
            // SAFETY: as above.
            unsafe { f(publish, 0, user_data) };
        }
        self.flush();
    }

    /// On the loop, after the last external release: fails and halts everything, unsubscribes,
    /// and lets go of the protocol client.
    pub(crate) fn shut_down(self: &Arc<Self>) {
        {
            let mut st = self.lock();
            st.engine.shut_down();
            if let Some((_, id)) = st.timer.take() {
                self.event_loop.cancel(id);
            }
        }
        self.flush();
        self.protocol.detach();
    }

    /// On the loop, after a streaming operation's last release: it leaves the engine.
    pub(crate) fn close_stream(self: &Arc<Self>, op: OpId) -> Option<StreamCallbacks> {
        let callbacks = {
            let mut st = self.lock();
            st.engine.close_stream(op);
            st.streams.remove(&op)
        };
        self.flush();
        callbacks
    }
}

fn deliver(delivery: Delivery) {
    // SAFETY: the user's callbacks with their data, on the loop thread, no lock held.
    unsafe {
        match delivery {
            Delivery::Completed(cb, code) => {
                if let Some(f) = cb.function {
                    f(std::ptr::null(), code, cb.user_data);
                }
            }
            Delivery::Status(s, kind, code) => {
                if let Some(f) = s.status {
                    f(kind, code, s.user_data);
                }
            }
        }
    }
}

/// A request-response client. Opaque.
pub struct aws_mqtt_request_response_client {
    pub(crate) refs: AtomicUsize,
    pub(crate) core: Arc<Core>,
}

/// A streaming operation. Opaque.
pub struct aws_mqtt_rr_client_operation {
    pub(crate) refs: AtomicUsize,
    pub(crate) id: OpId,
    pub(crate) filter: String,
    pub(crate) activated: AtomicBool,
    pub(crate) core: Arc<Core>,
}

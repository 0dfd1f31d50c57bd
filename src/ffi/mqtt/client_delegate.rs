//! The loop side of a 3.1.1 connection: the per-operation tokens and per-subscription handlers
//! the C API hands the engine, and the delivery of the engine's events to the user's callbacks
//! (always on the connection's loop thread, with no lock of the connection held).

use crate::client::mqtt311::request::publish_statistics_size;
use crate::client::mqtt311::{Engine, Event, Failure, Outcome};
use crate::client::publish_stream::StreamToken;
use crate::codec::EncodedPublish;
use crate::codec::QoS;
use crate::connection::mqtt311_protocol::Mqtt311Command;
use crate::connection::{Command, Delegate};
use crate::ffi::common::array_list::aws_array_list;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::mqtt::client_connection::{
    Callbacks, Destroy, Mqtt311Connection, aws_mqtt_client_connection,
};
use crate::ffi::mqtt::client_types::{
    aws_mqtt_client_publish_received_fn, aws_mqtt_op_complete_fn, aws_mqtt_suback_fn,
    aws_mqtt_suback_multi_fn, aws_mqtt_topic_subscription,
};
use crate::ffi::mqtt::connection_listeners::{self, Cached};
use crate::ffi::mqtt::ext::durable_store::{RecoveredToken, record_delivery};
use crate::ffi::mqtt::mqtt::aws_mqtt_error::*;
use crate::ffi::mqtt::mqtt::{
    aws_mqtt_connect_return_code, aws_mqtt_qos, aws_mqtt_qos_raw, aws_mqtt_userdata_cleanup_fn,
};
use std::collections::VecDeque;
use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::Ordering::Relaxed;

/// The engine of a C connection.
pub type CEngine = Engine<OpToken, SubHandler>;
/// A command for it.
pub type CCommand = Command<Mqtt311Command<OpToken, SubHandler>>;

/// Upstream's error code for a failure.
pub fn failure_code(failure: Failure) -> c_int {
    let code = match failure {
        Failure::Timeout => AWS_ERROR_MQTT_TIMEOUT,
        Failure::UnexpectedHangup => AWS_ERROR_MQTT_UNEXPECTED_HANGUP,
        Failure::ProtocolError => AWS_ERROR_MQTT_PROTOCOL_ERROR,
        Failure::InvalidRemainingLength => AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH,
        Failure::InvalidPacketType => AWS_ERROR_MQTT_INVALID_PACKET_TYPE,
        Failure::CancelledForCleanSession => AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION,
        Failure::ConnectionDestroyed => AWS_ERROR_MQTT_CONNECTION_DESTROYED,
        Failure::NotConnected => AWS_ERROR_MQTT_NOT_CONNECTED,
        Failure::ConnectionShutdown => AWS_ERROR_MQTT_CONNECTION_SHUTDOWN,
        Failure::QueueFull => AWS_ERROR_MQTT_QUEUE_FULL,
        Failure::Unencodable => AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH,
        Failure::Transport(code) => return code,
    };
    code as c_int
}

/// The C QoS of a codec QoS.
pub fn c_qos(qos: QoS) -> aws_mqtt_qos {
    match qos {
        QoS::AtMostOnce => aws_mqtt_qos::AWS_MQTT_QOS_AT_MOST_ONCE,
        QoS::AtLeastOnce => aws_mqtt_qos::AWS_MQTT_QOS_AT_LEAST_ONCE,
        QoS::ExactlyOnce => aws_mqtt_qos::AWS_MQTT_QOS_EXACTLY_ONCE,
    }
}

/// The QoS a SUBACK return code grants, `AWS_MQTT_QOS_FAILURE` for a refusal [MQTT-3.9.3].
fn granted_qos(code: u8) -> aws_mqtt_qos {
    QoS::from_u8(code).map_or(aws_mqtt_qos::AWS_MQTT_QOS_FAILURE, c_qos)
}

/// The C value of a 3.1.1 CONNACK return code.
pub(crate) fn connect_return_code(code: u8) -> aws_mqtt_connect_return_code {
    use aws_mqtt_connect_return_code::*;
    match code {
        0 => AWS_MQTT_CONNECT_ACCEPTED,
        1 => AWS_MQTT_CONNECT_UNACCEPTABLE_PROTOCOL_VERSION,
        2 => AWS_MQTT_CONNECT_IDENTIFIER_REJECTED,
        3 => AWS_MQTT_CONNECT_SERVER_UNAVAILABLE,
        4 => AWS_MQTT_CONNECT_BAD_USERNAME_OR_PASSWORD,
        // 5, and anything a broker should not send: refused, not authorised.
        _ => AWS_MQTT_CONNECT_NOT_AUTHORIZED,
    }
}

/// A user callback and its user data.
#[derive(Clone, Copy)]
pub struct Callback<F> {
    /// The function, if set.
    pub function: Option<F>,
    /// Its user data.
    pub user_data: *mut c_void,
}

impl<F: PartialEq> Callback<F> {
    /// Whether `other` is the same function with the same data.
    pub fn same_as(&self, other: &Self) -> bool {
        self.function == other.function && self.user_data == other.user_data
    }
}

impl<F> Default for Callback<F> {
    fn default() -> Self {
        Callback {
            function: None,
            user_data: ptr::null_mut(),
        }
    }
}

/// One topic filter of a multi-topic subscribe, kept for its SUBACK callback.
pub struct MultiTopic {
    /// The filter.
    pub filter: Vec<u8>,
    /// The QoS asked for.
    pub qos: aws_mqtt_qos,
    /// The topic's handler, reported back in the SUBACK's list.
    pub on_publish: Option<aws_mqtt_client_publish_received_fn>,
    /// The topic's cleanup, reported back in the SUBACK's list.
    pub on_cleanup: Option<aws_mqtt_userdata_cleanup_fn>,
    /// The topic's user data.
    pub on_publish_ud: *mut c_void,
}

/// What to call when an operation completes.
pub enum Completion {
    /// `aws_mqtt_op_complete_fn` (publish, unsubscribe), or nothing (ping).
    Op(Callback<aws_mqtt_op_complete_fn>),
    /// A single-topic SUBACK (boxed, as the next: a token travels with every publish, and
    /// these rare variants would otherwise double its size).
    Suback(Box<SingleSuback>),
    /// A multi-topic SUBACK.
    SubackMulti(Box<MultiSuback>),
    /// The SUBACK of a resubscribe: its topics are the tree's.
    Resubscribe(Callback<aws_mqtt_suback_multi_fn>),
    /// A publish a durable store restored (beyond upstream).
    Recovered(Box<RecoveredToken>),
}

/// What a single-topic subscribe's completion reports.
pub struct SingleSuback {
    /// The filter, as asked.
    pub filter: Vec<u8>,
    /// The QoS asked for (reported when no SUBACK arrives).
    pub qos: aws_mqtt_qos,
    /// The user's callback.
    pub callback: Callback<aws_mqtt_suback_fn>,
}

/// What a multi-topic subscribe's completion reports.
pub struct MultiSuback {
    /// The topics, as asked.
    pub topics: Vec<MultiTopic>,
    /// The user's callback.
    pub callback: Callback<aws_mqtt_suback_multi_fn>,
}

impl Completion {
    /// A single-topic SUBACK completion.
    pub fn suback(
        filter: Vec<u8>,
        qos: aws_mqtt_qos,
        callback: Callback<aws_mqtt_suback_fn>,
    ) -> Self {
        Completion::Suback(Box::new(SingleSuback {
            filter,
            qos,
            callback,
        }))
    }

    /// A multi-topic SUBACK completion.
    pub fn suback_multi(
        topics: Vec<MultiTopic>,
        callback: Callback<aws_mqtt_suback_multi_fn>,
    ) -> Self {
        Completion::SubackMulti(Box::new(MultiSuback { topics, callback }))
    }
}

/// The token of one operation: its completion and its statistics size.
pub struct OpToken {
    /// Counted in the incomplete statistics until completion.
    pub size: u64,
    /// What to call.
    pub completion: Completion,
}

// SAFETY: the user data pointers are the caller's, handed back on the loop thread as upstream
// does; the token itself moves between threads once (API call to loop).
unsafe impl Send for OpToken {}

/// A burst's publishes usually share one callback and its data: the publish stream stores it
/// once, and each publish's size is its own (`fit`). Only a publish's token is shared.
impl StreamToken for OpToken {
    fn share(&self) -> Option<Self> {
        match self.completion {
            Completion::Op(cb) => Some(OpToken {
                size: self.size,
                completion: Completion::Op(cb),
            }),
            _ => None,
        }
    }
    fn same_as(&self, other: &Self) -> bool {
        match (&self.completion, &other.completion) {
            (Completion::Op(a), Completion::Op(b)) => a.same_as(b),
            _ => false,
        }
    }
    fn fit(&mut self, publish: &EncodedPublish) {
        self.size = publish_statistics_size(publish);
    }
}

/// The handler of one subscription: its publish callback, and its cleanup, called when the
/// subscription is dropped (unsubscribed, replaced, or the connection destroyed).
pub struct SubHandler {
    /// Called with each matching message.
    pub on_publish: Option<aws_mqtt_client_publish_received_fn>,
    /// Called once with `user_data` when the handler is dropped.
    pub on_cleanup: Option<aws_mqtt_userdata_cleanup_fn>,
    /// The caller's user data.
    pub user_data: *mut c_void,
}

// SAFETY: as for OpToken: the user's pointers go back to the user on the loop thread.
unsafe impl Send for SubHandler {}

impl Drop for SubHandler {
    fn drop(&mut self) {
        if let Some(cleanup) = self.on_cleanup {
            // SAFETY: the user's cleanup with the user's data, once.
            unsafe { cleanup(self.user_data) };
        }
    }
}

/// A cursor over bytes the callback only borrows.
fn cursor(bytes: &[u8]) -> aws_byte_cursor {
    aws_byte_cursor {
        len: bytes.len(),
        ptr: bytes.as_ptr().cast_mut(),
    }
}

/// Calls a multi-topic SUBACK callback with a list of pointers to `subs`, as upstream lends it.
///
/// # Safety
/// `f` is the user's callback, called with the user's data on the loop thread.
unsafe fn call_suback_multi(
    f: aws_mqtt_suback_multi_fn,
    connection: *mut aws_mqtt_client_connection,
    id: u16,
    mut subs: Vec<aws_mqtt_topic_subscription>,
    error: c_int,
    user_data: *mut c_void,
) {
    let mut pointers: Vec<*mut aws_mqtt_topic_subscription> =
        subs.iter_mut().map(|s| s as *mut _).collect();
    let list = aws_array_list::over(&mut pointers);
    // SAFETY: forwarded caller contract; the list and the items outlive the call.
    unsafe { f(connection, id, &list, error, user_data) };
}

/// The C API's delegate: the connection, reached through its pointer (it outlives the driver:
/// the connection is freed only after the driver is shut down, see `client_connection.rs`).
pub struct CDelegate {
    /// The connection.
    pub(crate) connection: *const aws_mqtt_client_connection,
    /// The connection-level callbacks as last read, with their version.
    pub(crate) callbacks: (u64, Callbacks),
    /// The internal listeners as last read.
    pub(crate) listeners: Cached,
    /// The packet ids of the operations completed in this batch of deliveries, freed together
    /// once it ends (see `delivered`).
    pub(crate) finished_ids: Vec<u16>,
}

/// A batch's finished ids kept for the next batch; a burst's larger list is given back.
const FINISHED_IDS_KEPT: usize = 4096;

// SAFETY: the connection is Sync (its mutable parts are behind a lock or atomic).
unsafe impl Send for CDelegate {}

impl CDelegate {
    /// The connection, for as long as the driver runs (not tied to a borrow of the delegate).
    fn connection<'a>(&self) -> &'a Mqtt311Connection {
        // SAFETY: see the struct's comment.
        unsafe { &*self.connection }.native()
    }

    fn c_ptr(&self) -> *mut aws_mqtt_client_connection {
        self.connection.cast_mut()
    }

    /// Completes an operation; `resubscribed` is the filters and QoS of a resubscribe's topics.
    fn complete(
        &mut self,
        id: u16,
        token: OpToken,
        outcome: Outcome,
        resubscribed: Option<Vec<(String, QoS)>>,
    ) {
        self.connection().finish_operation(token.size);
        // Freed once the batch is delivered, under one lock for the whole batch rather than
        // one per operation (the API's publishing thread takes the same lock per call). Not
        // before its callback: a publish from an earlier callback would otherwise reuse the
        // id of an operation whose completion is still to come.
        self.finished_ids.push(id);
        let error = match &outcome {
            Outcome::Failed(f) => failure_code(*f),
            _ => 0,
        };
        let codes = match &outcome {
            Outcome::Suback(codes) => codes.as_slice(),
            _ => &[],
        };
        // SAFETY: the user's callbacks with the user's data, on the loop thread.
        unsafe {
            call_completion(
                token.completion,
                self.c_ptr(),
                id,
                error,
                codes,
                resubscribed,
            )
        };
    }
}

/// Calls what `completion` holds for operation `id` of `c`: with the SUBACK's return `codes`
/// (none when it failed or got none) and, for a resubscribe, its filters and QoS.
///
/// # Safety
/// The callbacks are the user's, called with the user's data on the loop thread.
pub(crate) unsafe fn call_completion(
    completion: Completion,
    c: *mut aws_mqtt_client_connection,
    id: u16,
    error: c_int,
    codes: &[u8],
    resubscribed: Option<Vec<(String, QoS)>>,
) {
    // SAFETY: the caller's contract.
    unsafe {
        match completion {
            Completion::Op(cb) => {
                if let Some(f) = cb.function {
                    f(c, id, error, cb.user_data);
                }
            }
            Completion::Recovered(token) => token.complete(0, error),
            Completion::Suback(suback) => {
                let SingleSuback {
                    filter,
                    qos,
                    callback,
                } = *suback;
                if let Some(f) = callback.function {
                    let qos = codes.first().map_or(qos, |&code| granted_qos(code));
                    f(c, id, &cursor(&filter), qos, error, callback.user_data);
                }
            }
            Completion::SubackMulti(suback) => {
                let MultiSuback { topics, callback } = *suback;
                if let Some(f) = callback.function {
                    let subs = topics
                        .iter()
                        .enumerate()
                        .map(|(i, t)| aws_mqtt_topic_subscription {
                            topic: cursor(&t.filter),
                            qos: codes.get(i).map_or(t.qos, |&code| granted_qos(code))
                                as aws_mqtt_qos_raw,
                            on_publish: t.on_publish,
                            on_cleanup: t.on_cleanup,
                            on_publish_ud: t.on_publish_ud,
                        })
                        .collect();
                    call_suback_multi(f, c, id, subs, error, callback.user_data);
                }
            }
            Completion::Resubscribe(callback) => {
                if let Some(f) = callback.function {
                    let filters = resubscribed.unwrap_or_default();
                    let subs = filters
                        .iter()
                        .enumerate()
                        .map(|(i, (filter, qos))| aws_mqtt_topic_subscription {
                            topic: cursor(filter.as_bytes()),
                            qos: codes.get(i).map_or(c_qos(*qos), |&code| granted_qos(code))
                                as aws_mqtt_qos_raw,
                            on_publish: None,
                            on_cleanup: None,
                            on_publish_ud: ptr::null_mut(),
                        })
                        .collect();
                    call_suback_multi(f, c, id, subs, error, callback.user_data);
                }
            }
        }
    }
}

/// What delivering a batch of events needs of the engine, taken in order while it is locked.
#[derive(Default)]
pub struct Prepared {
    /// For each message, the publish handlers of the subscriptions it matches, then `None`.
    handlers: VecDeque<Option<Callback<aws_mqtt_client_publish_received_fn>>>,
    /// For each resubscribe's completion, its topics.
    resubscribed: VecDeque<Vec<(String, QoS)>>,
}

// SAFETY: the user data pointers go back to the user on the loop thread, as in `SubHandler`.
unsafe impl Send for Prepared {}

impl Delegate<CEngine> for CDelegate {
    type Context = Prepared;

    fn take_commands(&mut self, into: &mut Vec<CCommand>) {
        self.connection().take_commands(into);
    }

    #[inline]
    fn prepare(&mut self, event: &Event<OpToken>, engine: &CEngine, prepared: &mut Prepared) {
        match event {
            Event::Message(publish) => {
                engine.for_each_subscriber(&publish.topic, |s| {
                    if let Some(function) = s.handler.on_publish {
                        prepared.handlers.push_back(Some(Callback {
                            function: Some(function),
                            user_data: s.handler.user_data,
                        }));
                    }
                });
                prepared.handlers.push_back(None);
            }
            Event::Complete { token, .. }
                if matches!(token.completion, Completion::Resubscribe(_)) =>
            {
                let mut filters = Vec::new();
                engine.for_each_subscription(|filter, s| filters.push((filter.to_string(), s.qos)));
                prepared.resubscribed.push_back(filters);
            }
            _ => {}
        }
    }

    fn deliver(
        &mut self,
        event: Event<OpToken>,
        prepared: &mut Prepared,
        _engine: &mut Vec<Mqtt311Command<OpToken, SubHandler>>,
    ) {
        let conn = self.connection();
        let c = self.c_ptr();
        let callbacks = conn.callbacks(&mut self.callbacks);
        conn.listeners.refresh(&mut self.listeners);
        let listeners = &self.listeners;
        // SAFETY: the user's callbacks with the user's data, on the loop thread.
        unsafe {
            match event {
                Event::ConnectionComplete {
                    error,
                    return_code,
                    session_present,
                } => {
                    let cb = conn.take_on_connection_complete();
                    if let Some(f) = cb.function {
                        let code = error.map_or(0, failure_code);
                        f(
                            c,
                            code,
                            connect_return_code(return_code),
                            session_present,
                            cb.user_data,
                        );
                    }
                }
                Event::ConnectionSuccess {
                    return_code,
                    session_present,
                } => {
                    connection_listeners::each(listeners, |l| {
                        l.on_connection_success(session_present)
                    });
                    let cb = callbacks.on_success;
                    if let Some(f) = cb.function {
                        f(
                            c,
                            connect_return_code(return_code),
                            session_present,
                            cb.user_data,
                        );
                    }
                }
                Event::ConnectionFailure { error } => {
                    let cb = callbacks.on_failure;
                    if let Some(f) = cb.function {
                        f(c, failure_code(error), cb.user_data);
                    }
                }
                Event::Interrupted { error } => {
                    connection_listeners::each(listeners, |l| l.on_connection_lost());
                    let cb = callbacks.on_interrupted;
                    if let Some(f) = cb.function {
                        f(c, failure_code(error), cb.user_data);
                    }
                }
                Event::Resumed {
                    return_code,
                    session_present,
                } => {
                    let cb = callbacks.on_resumed;
                    if let Some(f) = cb.function {
                        f(
                            c,
                            connect_return_code(return_code),
                            session_present,
                            cb.user_data,
                        );
                    }
                }
                Event::Disconnected => {
                    connection_listeners::each(listeners, |l| l.on_connection_lost());
                    let cb = conn.take_on_disconnect();
                    if let Some(f) = cb.function {
                        f(c, cb.user_data);
                    }
                    let cb = callbacks.on_closed;
                    if let Some(f) = cb.function {
                        f(c, ptr::null_mut(), cb.user_data);
                    }
                }
                Event::Complete { id, token, outcome } => {
                    let resubscribed = match token.completion {
                        Completion::Resubscribe(_) => prepared.resubscribed.pop_front(),
                        _ => None,
                    };
                    self.complete(id, token, outcome, resubscribed)
                }
                Event::Message(publish) => {
                    record_delivery(self.connection().store(), publish.qos, publish.packet_id);
                    let topic = cursor(publish.topic.as_bytes());
                    let payload = cursor(&publish.payload);
                    let qos = c_qos(publish.qos);
                    while let Some(Some(handler)) = prepared.handlers.pop_front() {
                        if let Some(f) = handler.function {
                            f(
                                c,
                                &topic,
                                &payload,
                                publish.dup,
                                qos,
                                publish.retain,
                                handler.user_data,
                            );
                        }
                    }
                    connection_listeners::each(listeners, |l| {
                        l.on_publish(publish.topic.as_bytes(), &publish.payload)
                    });
                    let cb = callbacks.on_any_publish;
                    if let Some(f) = cb.function {
                        f(
                            c,
                            &topic,
                            &payload,
                            publish.dup,
                            qos,
                            publish.retain,
                            cb.user_data,
                        );
                    }
                }
            }
        }
    }

    fn delivered(&mut self) {
        if !self.finished_ids.is_empty() {
            self.connection().free_ids(&self.finished_ids);
            self.finished_ids.clear();
            self.finished_ids.shrink_to(FINISHED_IDS_KEPT);
        }
    }

    fn after_step(&mut self, engine: &CEngine) {
        let conn = self.connection();
        let (count, size) = engine.unacked();
        conn.stats.unacked_count.store(count, Relaxed);
        conn.stats.unacked_size.store(size, Relaxed);
        let queue = engine.queue_statistics();
        conn.queue_statistics[0].store(queue.dropped, Relaxed);
        conn.queue_statistics[1].store(queue.refused, Relaxed);
        if conn.mirror_state(engine.state()) == Destroy::Finish {
            conn.schedule_finish();
        }
    }
}

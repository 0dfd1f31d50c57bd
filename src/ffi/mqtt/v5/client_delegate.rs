//! The MQTT 5 client's side of the connection driver: it hands the loop the commands API calls
//! queued, and turns the engine's events into upstream's callbacks, with packet views that live
//! for the call. Listeners see lifecycle events and publishes first, most recent first; a
//! listener that claims a publish keeps it from the others and from the client's handler.

use crate::client::mqtt5::{Completion, Engine, Error, Event, ManualAckResult, Negotiated};
use crate::client::publish_stream::StreamToken;
use crate::codec::{Connack, Disconnect, PubAck, Publish, QoS};
use crate::connection::mqtt5_protocol::Mqtt5Command;
use crate::connection::{Command, Delegate};
use crate::ffi::common::byte_buf::aws_byte_buf;
use crate::ffi::mqtt::client_delegate::Callback;
use crate::ffi::mqtt::ext::durable_store::{RecoveredToken, record_delivery};
use crate::ffi::mqtt::ext::enhanced_auth;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::*;
use crate::ffi::mqtt::v5::client::{Delivery, aws_mqtt5_client};
use crate::ffi::mqtt::v5::mqtt5_client::*;
use crate::ffi::mqtt::v5::mqtt5_listener::aws_mqtt5_callback_set;
use crate::ffi::mqtt::v5::mqtt5_types::{
    aws_mqtt5_manual_publish_acknowledgement_result, aws_mqtt5_packet_type, aws_mqtt5_qos_raw,
};
use crate::ffi::mqtt::v5::views_of_packets::{
    with_connack_view, with_disconnect_view, with_puback_view, with_publish_view, with_suback_view,
    with_unsuback_view,
};
use std::collections::VecDeque;
use std::ffi::{c_int, c_void};
use std::ptr;

/// The engine of a C client.
pub type C5Engine = Engine<OpToken>;
/// A command for it.
pub type C5Command = Command<Mqtt5Command<OpToken>>;

/// What to call when an operation completes.
pub enum OpToken {
    /// `aws_mqtt5_client_publish`.
    Publish(Callback<aws_mqtt5_publish_completion_fn>),
    /// `aws_mqtt5_client_subscribe`.
    Subscribe(Callback<aws_mqtt5_subscribe_completion_fn>),
    /// `aws_mqtt5_client_unsubscribe`.
    Unsubscribe(Callback<aws_mqtt5_unsubscribe_completion_fn>),
    /// The DISCONNECT of `aws_mqtt5_client_stop`.
    Disconnect(Callback<aws_mqtt5_disconnect_completion_fn>),
    /// `aws_mqtt5_client_invoke_publish_acknowledgement`.
    ManualAck(Callback<aws_mqtt5_manual_publish_acknowledgement_completion_fn>),
    /// A publish a durable store restored (beyond upstream).
    Recovered(Box<RecoveredToken>),
}

// SAFETY: the user data pointers are handed back to the user's callbacks on the loop thread,
// which is what the API promises; nothing here dereferences them.
unsafe impl Send for OpToken {}

/// A burst's publishes usually share one callback and its data: the publish stream stores it
/// once. Only a publish's token is shared; the others are stored whole.
impl StreamToken for OpToken {
    fn share(&self) -> Option<Self> {
        match self {
            OpToken::Publish(cb) => Some(OpToken::Publish(*cb)),
            _ => None,
        }
    }
    fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (OpToken::Publish(a), OpToken::Publish(b)) => a.same_as(b),
            _ => false,
        }
    }
}

/// Upstream's error code for an engine error.
pub fn error_code(error: Error) -> c_int {
    let code = match error {
        Error::UserRequestedStop => AWS_ERROR_MQTT5_USER_REQUESTED_STOP,
        Error::ConnackTimeout => AWS_ERROR_MQTT5_CONNACK_TIMEOUT,
        Error::PingResponseTimeout => AWS_ERROR_MQTT5_PING_RESPONSE_TIMEOUT,
        Error::DisconnectReceived => AWS_ERROR_MQTT5_DISCONNECT_RECEIVED,
        Error::ConnackRefused => AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED,
        Error::CancelledForCleanSession => AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION,
        Error::ProtocolError => AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR,
        Error::UnexpectedHangup => AWS_ERROR_MQTT_UNEXPECTED_HANGUP,
        Error::AckTimeout => AWS_ERROR_MQTT_TIMEOUT,
        Error::OfflineQueuePolicy => AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY,
        Error::ClientTerminated => AWS_ERROR_MQTT5_CLIENT_TERMINATED,
        Error::PacketTooLarge => AWS_ERROR_MQTT5_PACKET_VALIDATION,
        Error::PublishNotAllowed => AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION,
        Error::SubscribeNotAllowed => AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION,
        Error::DisconnectNotAllowed => AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION,
        Error::OperationProcessingFailure => AWS_ERROR_MQTT5_OPERATION_PROCESSING_FAILURE,
        Error::EncodeFailure => AWS_ERROR_MQTT5_ENCODE_FAILURE,
        Error::NotConnected => AWS_ERROR_MQTT_NOT_CONNECTED,
        Error::QueueFull => AWS_ERROR_MQTT_QUEUE_FULL,
        Error::ResetForAdapterConnect => AWS_ERROR_MQTT_CONNECTION_RESET_FOR_ADAPTER_CONNECT,
        Error::Transport(code) => return code,
    };
    code as c_int
}

/// The C value of a codec QoS.
pub fn c_qos(qos: QoS) -> aws_mqtt5_qos_raw {
    qos as aws_mqtt5_qos_raw
}

/// A listener's callback set. (Kept apart from `client.rs`, whose header must not include the
/// listener's: `mqtt5_listener.h` includes `mqtt5_client.h`, as upstream's does.)
pub type ListenerCallbacks = aws_mqtt5_callback_set;

/// Delivers a client's events; lives in its driver.
pub struct C5Delegate {
    /// The client; it outlives its driver's activity (see `client.rs`).
    pub client: *const aws_mqtt5_client,
    /// The listeners' callback sets, most recent first, refreshed when their version changes.
    pub listeners: (u64, Vec<ListenerCallbacks>),
}

// SAFETY: the client pointer is only used on the loop thread, while the client is alive.
unsafe impl Send for C5Delegate {}

impl C5Delegate {
    fn client(&self) -> &aws_mqtt5_client {
        // SAFETY: the client frees itself only after its driver has shut down for good.
        unsafe { &*self.client }
    }

    fn refresh_listeners(&mut self) {
        let client = self.client;
        // SAFETY: as in `client()`.
        unsafe { &*client }.listeners(&mut self.listeners);
    }

    /// Runs every listener's lifecycle handler, then the client's.
    fn lifecycle(
        &mut self,
        event_type: aws_mqtt5_client_lifecycle_event_type,
        error: Option<Error>,
        connack: Option<&Connack>,
        settings: Option<&Negotiated>,
        disconnect: Option<&Disconnect>,
    ) {
        self.refresh_listeners();
        let client = self.client();
        match event_type {
            aws_mqtt5_client_lifecycle_event_type::AWS_MQTT5_CLET_CONNECTION_SUCCESS => {
                client.set_connected(true)
            }
            aws_mqtt5_client_lifecycle_event_type::AWS_MQTT5_CLET_DISCONNECTION => {
                client.set_connected(false)
            }
            _ => {}
        }
        let handler = client.lifecycle_handler();
        let negotiated = settings.map(c_settings);
        let emit = |connack_data: *const _, disconnect_data: *const _| {
            let mut event = aws_mqtt5_client_lifecycle_event {
                event_type,
                client: self.client.cast_mut(),
                error_code: error.map_or(0, error_code),
                user_data: ptr::null_mut(),
                connack_data,
                settings: negotiated.as_ref().map_or(ptr::null(), ptr::from_ref),
                disconnect_data,
            };
            for set in &self.listeners.1 {
                if let Some(f) = set.lifecycle_event_handler {
                    event.user_data = set.lifecycle_event_handler_user_data;
                    // SAFETY: the listener's callback with its data; the event lives for the call.
                    unsafe { f(&event) };
                }
            }
            if let Some(f) = handler.function {
                event.user_data = handler.user_data;
                // SAFETY: the client's callback with its data.
                unsafe { f(&event) };
            }
        };
        match (connack, disconnect) {
            (Some(c), _) => with_connack_view(c, |view| emit(view, ptr::null())),
            (None, Some(d)) => with_disconnect_view(d, |view| emit(ptr::null(), view)),
            (None, None) => emit(ptr::null(), ptr::null()),
        }
    }

    /// Offers a publish to the listeners, then to the client's handler; holds its
    /// acknowledgement if a callback acquired it. `held` is the control id of an
    /// acknowledgement of the same packet id already held.
    fn publish(
        &mut self,
        publish: Publish,
        held: Option<u64>,
        engine: &mut Vec<Mqtt5Command<OpToken>>,
    ) {
        self.refresh_listeners();
        let client = self.client();
        let handler = client.publish_handler();
        let packet_id = publish.packet_id;
        let acknowledged = publish.qos != QoS::AtMostOnce;
        record_delivery(client.store(), publish.qos, packet_id);
        client.begin_delivery(Delivery {
            packet_id,
            acknowledged,
            control_id: held,
            acquired: false,
        });
        with_publish_view(&publish, |view| {
            for set in &self.listeners.1 {
                if let Some(f) = set.listener_publish_received_handler {
                    // SAFETY: the listener's callback with its data; the view lives for the call.
                    if unsafe { f(view, set.listener_publish_received_handler_user_data) } {
                        return;
                    }
                }
            }
            if let Some(f) = handler.function {
                // SAFETY: the client's callback with its data.
                unsafe { f(view, handler.user_data) };
            }
        });
        if let Some(Delivery {
            control_id: Some(control_id),
            acquired: true,
            ..
        }) = client.end_delivery()
            && acknowledged
        {
            engine.push(Mqtt5Command::HoldAck(packet_id, control_id));
        }
    }

    fn complete(token: OpToken, completion: Completion) {
        // SAFETY (every call below): the user's callback with its user data; each view lives
        // for the call.
        match token {
            OpToken::Publish(cb) => {
                let Some(f) = cb.function else { return };
                let ud = cb.user_data;
                match completion {
                    Completion::Puback(ack) => {
                        publish_ack(f, ud, aws_mqtt5_packet_type::AWS_MQTT5_PT_PUBACK, &ack)
                    }
                    Completion::Pubrec(ack) => {
                        publish_ack(f, ud, aws_mqtt5_packet_type::AWS_MQTT5_PT_PUBREC, &ack)
                    }
                    Completion::Pubcomp(ack) => {
                        publish_ack(f, ud, aws_mqtt5_packet_type::AWS_MQTT5_PT_PUBCOMP, &ack)
                    }
                    Completion::Failed(e) => unsafe {
                        f(
                            aws_mqtt5_packet_type::AWS_MQTT5_PT_NONE,
                            ptr::null(),
                            error_code(e),
                            ud,
                        )
                    },
                    _ => unsafe { f(aws_mqtt5_packet_type::AWS_MQTT5_PT_NONE, ptr::null(), 0, ud) },
                }
            }
            OpToken::Subscribe(cb) => {
                let Some(f) = cb.function else { return };
                match completion {
                    Completion::Suback(s) => {
                        with_suback_view(&s, |view| unsafe { f(view, 0, cb.user_data) })
                    }
                    Completion::Failed(e) => unsafe { f(ptr::null(), error_code(e), cb.user_data) },
                    _ => unsafe { f(ptr::null(), 0, cb.user_data) },
                }
            }
            OpToken::Unsubscribe(cb) => {
                let Some(f) = cb.function else { return };
                match completion {
                    Completion::Unsuback(u) => {
                        with_unsuback_view(&u, |view| unsafe { f(view, 0, cb.user_data) })
                    }
                    Completion::Failed(e) => unsafe { f(ptr::null(), error_code(e), cb.user_data) },
                    _ => unsafe { f(ptr::null(), 0, cb.user_data) },
                }
            }
            OpToken::Disconnect(cb) => {
                if let Some(f) = cb.function {
                    let code = match completion {
                        Completion::Failed(e) => error_code(e),
                        _ => 0,
                    };
                    unsafe { f(code, cb.user_data) };
                }
            }
            OpToken::ManualAck(cb) => {
                // A manual acknowledgement completes through `Event::ManualAck` only.
                manual_ack(cb, ManualAckResult::Failed);
            }
            OpToken::Recovered(token) => match completion {
                Completion::Puback(ack) | Completion::Pubrec(ack) | Completion::Pubcomp(ack) => {
                    token.complete(u32::from(ack.reason_code), 0)
                }
                Completion::Failed(e) => token.complete(0, error_code(e)),
                _ => token.complete(0, 0),
            },
        }
    }
}

/// Calls a publish completion with an acknowledgement's view.
fn publish_ack(
    f: aws_mqtt5_publish_completion_fn,
    user_data: *mut c_void,
    packet_type: aws_mqtt5_packet_type,
    ack: &PubAck,
) {
    // SAFETY: the user's callback with its data; the view lives for the call.
    with_puback_view(ack, |view| unsafe {
        f(packet_type, ptr::from_ref(view).cast(), 0, user_data)
    });
}

fn manual_ack(
    cb: Callback<aws_mqtt5_manual_publish_acknowledgement_completion_fn>,
    result: ManualAckResult,
) {
    use aws_mqtt5_manual_publish_acknowledgement_result::*;
    let result = match result {
        ManualAckResult::Sent => AWS_MQTT5_MPAR_SUCCESS,
        ManualAckResult::Cancelled => AWS_MQTT5_MPAR_PUBACK_CANCELLED,
        ManualAckResult::Invalid => AWS_MQTT5_MPAR_PUBACK_INVALID,
        ManualAckResult::Failed => AWS_MQTT5_MPAR_CRT_FAILURE,
    };
    if let Some(f) = cb.function {
        // SAFETY: the user's callback with its data.
        unsafe { f(result, cb.user_data) };
    }
}

/// The C negotiated settings; the client id points into `settings`.
fn c_settings(settings: &Negotiated) -> aws_mqtt5_negotiated_settings {
    let id = settings.client_id.as_bytes();
    aws_mqtt5_negotiated_settings {
        maximum_qos: c_qos(settings.maximum_qos),
        session_expiry_interval: settings.session_expiry_interval,
        receive_maximum_from_server: settings.receive_maximum_from_server,
        maximum_packet_size_to_server: settings.maximum_packet_size_to_server,
        topic_alias_maximum_to_server: settings.topic_alias_maximum_to_server,
        topic_alias_maximum_to_client: settings.topic_alias_maximum_to_client,
        server_keep_alive: settings.server_keep_alive,
        retain_available: settings.retain_available,
        wildcard_subscriptions_available: settings.wildcard_subscriptions_available,
        subscription_identifiers_available: settings.subscription_identifiers_available,
        shared_subscriptions_available: settings.shared_subscriptions_available,
        rejoined_session: settings.rejoined_session,
        client_id_storage: aws_byte_buf {
            len: id.len(),
            buffer: id.as_ptr().cast_mut(),
            capacity: id.len(),
            allocator: ptr::null_mut(),
        },
    }
}

impl Delegate<C5Engine> for C5Delegate {
    /// For each publish, in order, the control id of its acknowledgement if one is held.
    type Context = VecDeque<Option<u64>>;

    fn take_commands(&mut self, into: &mut Vec<C5Command>) {
        self.client().take_commands(into);
    }

    #[inline]
    fn prepare(&mut self, event: &Event<OpToken>, engine: &C5Engine, held: &mut Self::Context) {
        if let Event::Publish(publish) = event {
            held.push_back(engine.held_ack(publish.packet_id));
        }
    }

    fn deliver(
        &mut self,
        event: Event<OpToken>,
        held: &mut Self::Context,
        engine: &mut Vec<Mqtt5Command<OpToken>>,
    ) {
        use aws_mqtt5_client_lifecycle_event_type::*;
        match event {
            Event::AttemptingConnect => {
                self.lifecycle(AWS_MQTT5_CLET_ATTEMPTING_CONNECT, None, None, None, None)
            }
            Event::ConnectionSuccess { connack, settings } => self.lifecycle(
                AWS_MQTT5_CLET_CONNECTION_SUCCESS,
                None,
                Some(&connack),
                Some(&settings),
                None,
            ),
            Event::ConnectionFailure { error, connack } => self.lifecycle(
                AWS_MQTT5_CLET_CONNECTION_FAILURE,
                Some(error),
                connack.as_ref(),
                None,
                None,
            ),
            Event::Disconnection { error, disconnect } => self.lifecycle(
                AWS_MQTT5_CLET_DISCONNECTION,
                Some(error),
                None,
                None,
                disconnect.as_ref(),
            ),
            Event::Stopped => self.lifecycle(AWS_MQTT5_CLET_STOPPED, None, None, None, None),
            Event::Terminated => self.client().schedule_finish(),
            Event::Publish(publish) => {
                let held = held.pop_front().flatten();
                self.publish(publish, held, engine)
            }
            Event::Complete { token, completion } => Self::complete(token, completion),
            Event::AuthChallenge(auth) => {
                let handlers = self.client().auth_handlers();
                enhanced_auth::deliver_challenge(handlers, self.client.cast_mut(), &auth);
            }
            Event::AuthenticationComplete(result) => {
                let handlers = self.client().auth_handlers();
                let result = result.as_ref().map_err(|e| error_code(*e));
                enhanced_auth::deliver_completion(handlers, self.client.cast_mut(), result);
            }
            Event::ManualAck { token, result } => match token {
                OpToken::ManualAck(cb) => manual_ack(cb, result),
                other => {
                    Self::complete(other, Completion::Failed(Error::OperationProcessingFailure))
                }
            },
        }
    }

    fn after_step(&mut self, engine: &C5Engine) {
        self.client()
            .mirror_statistics(engine.statistics(), engine.queue_statistics());
    }
}

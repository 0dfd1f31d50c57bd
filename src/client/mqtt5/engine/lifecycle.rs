//! The MQTT 5 client's connection lifecycle: the transport opening and closing, each attempt's
//! final lifecycle event (upstream's `aws_mqtt5_lifecycle_state`), ending a connection (with a
//! DISCONNECT when it can carry one), stopping, and what a CONNECT asks for.

use super::{
    Control, DISCONNECT_PROTOCOL_ERROR, Engine, Lifecycle, NANOS_PER_MILLI, NANOS_PER_SECOND,
    State, VERSION, internal_disconnect,
};
use crate::client::Action;
use crate::client::mqtt5::negotiated::Negotiated;
use crate::client::mqtt5::operation::UserDisconnect;
use crate::client::mqtt5::outcome::{Completion, Error, Event};
use crate::client::mqtt5::settings::SessionBehavior;
use crate::codec::{Connack, Connect, Decoder, Disconnect};
use crate::error::aws_io_errors::AWS_IO_SOCKET_CLOSED;

impl<T> Engine<T> {
    /// The transport asked for with [`Action::Open`] is up: the CONNECT goes out.
    pub fn transport_opened(&mut self, now: u64) {
        if self.state != State::Connecting {
            return;
        }
        if !self.wants_connection {
            self.close(Error::UserRequestedStop);
            return;
        }
        if std::mem::take(&mut self.reset_pending) {
            self.close(Error::ResetForAdapterConnect);
            return;
        }
        self.state = State::MqttConnect;
        self.decoder = Decoder::new(VERSION);
        if let Some(max) = self.settings.connect.properties.maximum_packet_size {
            self.decoder.set_max_packet_size(max as usize);
        }
        let connect = self.connect_packet();
        self.negotiated = Negotiated::requested(&connect);
        self.control.clear();
        self.control.push_back(Control::Connect);
        self.auth_on_connect();
        let timeout = u64::from(self.settings.connack_timeout_ms) * NANOS_PER_MILLI;
        self.connack_timeout.arm(now, timeout);
    }

    /// The transport is gone: it failed to open, the server closed it, or it closed as asked.
    pub fn transport_closed(&mut self, now: u64, error: Option<i32>) {
        if matches!(self.state, State::Stopped | State::PendingReconnect) {
            return;
        }
        // Closed in the middle of a packet: upstream's socket reports the end of the stream as
        // AWS_IO_SOCKET_CLOSED, which its decoder, holding the partial packet, passes on.
        let cut_short =
            (self.decoder.buffered() > 0).then_some(Error::Transport(AWS_IO_SOCKET_CLOSED as i32));
        let error = self
            .close_reason
            .take()
            .or(error.map(Error::Transport))
            .or(cut_short)
            .unwrap_or(Error::UnexpectedHangup);
        self.emit_final(error, None, None);
        self.auth_on_disconnection(error);
        self.reset_pending = false;
        self.connack_timeout.disarm();
        self.keep_alive.stop();
        self.throttled_until.disarm();
        self.backoff.on_disconnected(now);
        self.settle_operations_on_disconnection();
        if self.wants_connection {
            self.state = State::PendingReconnect;
            let delay = self.backoff.next_delay().as_nanos() as u64;
            self.reconnect.arm(now, delay);
        } else {
            self.enter_stopped();
        }
    }

    /// Starts an attempt: ATTEMPTING_CONNECT, and the runtime opens a transport.
    pub(super) fn begin_connecting(&mut self) {
        self.state = State::Connecting;
        self.lifecycle = Lifecycle::Connecting;
        self.close_reason = None;
        self.outbox.event(Event::AttemptingConnect);
        self.outbox.action(Action::Open);
    }

    /// Emits CONNECTION_FAILURE or DISCONNECTION once per attempt.
    pub(super) fn emit_final(
        &mut self,
        error: Error,
        connack: Option<Connack>,
        disconnect: Option<Disconnect>,
    ) {
        let event = match self.lifecycle {
            Lifecycle::None => return,
            Lifecycle::Connecting => Event::ConnectionFailure { error, connack },
            Lifecycle::Connected => Event::Disconnection { error, disconnect },
        };
        self.lifecycle = Lifecycle::None;
        self.outbox.event(event);
    }

    /// Ends the connection: with a DISCONNECT first when one is given and the connection can
    /// carry it, else by closing the transport.
    pub(super) fn shut_down_connection(
        &mut self,
        error: Error,
        disconnect: Option<UserDisconnect<T>>,
    ) {
        match (disconnect, self.state) {
            (Some(d), State::MqttConnect | State::Connected) => {
                self.state = State::CleanDisconnect;
                self.clean_disconnect_error = error;
                self.disconnect = Some(d);
            }
            (d, _) => {
                self.reject_disconnect(d);
                self.emit_final(error, None, None);
                self.close(error);
            }
        }
    }

    /// Has the runtime close the transport, ending the connection with `error` (the first
    /// reason given wins; `transport_closed` reports it).
    pub(super) fn close(&mut self, error: Error) {
        if self.close_reason.is_some()
            || matches!(self.state, State::Stopped | State::PendingReconnect)
        {
            return;
        }
        self.close_reason = Some(error);
        self.state = State::ChannelShutdown;
        self.connack_timeout.disarm();
        self.keep_alive.stop();
        self.outbox.action(Action::Close);
    }

    /// A stop's DISCONNECT with no connection to carry it: its token fails with `NotConnected`.
    pub(super) fn reject_disconnect(&mut self, disconnect: Option<UserDisconnect<T>>) {
        if let Some(UserDisconnect {
            token: Some(token), ..
        }) = disconnect
        {
            self.outbox.event(Event::Complete {
                token,
                completion: Completion::Failed(Error::NotConnected),
            });
        }
    }

    /// Stopped: every operation fails with `UserRequestedStop`, held acknowledgements are
    /// cancelled, and the next connection starts a fresh session unless told to rejoin always.
    pub(super) fn enter_stopped(&mut self) {
        self.state = State::Stopped;
        let keys = self.ops.keys();
        for key in keys {
            self.complete(key, Completion::Failed(Error::UserRequestedStop));
        }
        self.queue.clear();
        self.packet_ids.free_all();
        self.has_connected = false;
        self.cancel_held_acks();
        self.outbox.event(Event::Stopped);
        if self.terminating {
            self.outbox.event(Event::Terminated);
        }
    }

    /// The server broke the protocol (MQTT 5 section 4.13): a DISCONNECT with reason 0x82 when
    /// connected, else the transport closes.
    pub(super) fn protocol_error(&mut self) {
        let disconnect = (self.state == State::Connected)
            .then(|| internal_disconnect(DISCONNECT_PROTOCOL_ERROR));
        if disconnect.is_none() {
            self.emit_final(Error::ProtocolError, None, None);
        }
        self.shut_down_connection(Error::ProtocolError, disconnect);
    }

    /// Whether the next CONNECT asks to rejoin the session (Clean Start 0).
    pub(super) fn should_rejoin(&self) -> bool {
        match self.settings.session_behavior {
            SessionBehavior::Clean => false,
            SessionBehavior::RejoinPostSuccess => self.has_connected,
            SessionBehavior::RejoinAlways => true,
        }
    }

    /// The CONNECT of the next attempt: the configured one, with this attempt's Clean Start,
    /// client id and Topic Alias Maximum.
    pub(super) fn connect_packet(&self) -> Connect {
        let mut connect = self.settings.connect.clone();
        connect.version = VERSION;
        connect.clean_start = !self.should_rejoin();
        connect.client_id.clone_from(&self.client_id);
        if let Some(max) = self.settings.inbound_alias_maximum {
            connect.properties.topic_alias_maximum = Some(max);
        }
        connect
    }

    /// The keep alive in force, in nanoseconds (0: none): the server's [MQTT-3.2.2-21].
    pub(super) fn keep_alive_ns(&self) -> u64 {
        u64::from(self.negotiated.server_keep_alive) * NANOS_PER_SECOND
    }

    /// The PINGRESP timeout: the configured one, at most half the keep alive.
    pub(super) fn ping_timeout_ns(&self) -> u64 {
        let configured = u64::from(self.settings.ping_timeout_ms) * NANOS_PER_MILLI;
        let half_keep_alive = self.keep_alive_ns() / 2;
        if configured == 0 || configured > half_keep_alive {
            half_keep_alive
        } else {
            configured
        }
    }
}

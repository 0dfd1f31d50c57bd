//! MQTT 5 enhanced authentication [MQTT-4.12] (beyond upstream, whose client has no AUTH): a
//! CONNECT carrying an Authentication Method starts a challenge/response exchange in AUTH
//! packets that a CONNACK ends; once connected, the client may start it again
//! (re-authentication [MQTT-4.12.1]), which an AUTH with reason Success ends.
//!
//! The engine only carries the exchange: each AUTH Continue from the server becomes an
//! [`Event::AuthChallenge`], and the user's answer comes back through
//! [`continue_authentication`](Engine::continue_authentication), whenever it is ready. What the
//! server must not do is a protocol error, answered with DISCONNECT 0x82 as any other: an AUTH
//! when the CONNECT had no method [MQTT-4.12.0-6], one with another method [MQTT-4.12.0-5], a
//! Success outside re-authentication, a Re-authenticate from the server.

use super::{Engine, State};
use crate::client::mqtt5::outcome::{Error, Event};
use crate::client::wire::write_packet;
use crate::codec::{Auth, Connack, Packet, PropertySet};
use bytes::Bytes;

/// AUTH reason codes [MQTT-3.15.2.1].
pub const AUTH_SUCCESS: u8 = 0x00;
/// More data is needed.
pub const AUTH_CONTINUE: u8 = 0x18;
/// The client starts re-authentication.
pub const AUTH_REAUTHENTICATE: u8 = 0x19;

/// Where the exchange stands on the current connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Exchange {
    /// None in progress (or no method configured).
    #[default]
    Idle,
    /// The CONNECT carried a method; the CONNACK has not come.
    Connecting,
    /// Connected, and a re-authentication was started.
    Reauthenticating,
}

/// The exchange's state and the AUTH waiting to be written.
#[derive(Debug, Default)]
pub(super) struct AuthState {
    pub(super) exchange: Exchange,
    pub(super) pending: Option<Auth>,
}

impl<T> Engine<T> {
    /// The Authentication Method of the CONNECT, if enhanced authentication is on.
    fn auth_method(&self) -> Option<&str> {
        self.settings
            .connect
            .properties
            .authentication_method
            .as_deref()
    }

    /// A new connection's CONNECT is going out: the exchange starts if it carries a method.
    pub(super) fn auth_on_connect(&mut self) {
        self.auth.pending = None;
        self.auth.exchange = if self.auth_method().is_some() {
            Exchange::Connecting
        } else {
            Exchange::Idle
        };
    }

    /// The connection is gone: a re-authentication in progress fails with `error`.
    pub(super) fn auth_on_disconnection(&mut self, error: Error) {
        self.auth.pending = None;
        if std::mem::take(&mut self.auth.exchange) == Exchange::Reauthenticating {
            self.outbox.event(Event::AuthenticationComplete(Err(error)));
        }
    }

    /// The CONNACK came: the connect's exchange is over. A successful one hands its data to
    /// the user; it must carry the CONNECT's method [MQTT-4.12.0-5] (false when it does not).
    pub(super) fn auth_on_connack(&mut self, connack: &Connack) -> bool {
        let exchanged = std::mem::take(&mut self.auth.exchange) == Exchange::Connecting;
        self.auth.pending = None;
        if !exchanged || connack.reason_code >= 0x80 {
            return true;
        }
        let props = &connack.properties;
        if props.authentication_method.as_deref() != self.auth_method() {
            return false;
        }
        let auth = self.auth_packet(AUTH_SUCCESS, props.authentication_data.clone());
        self.outbox.event(Event::AuthenticationComplete(Ok(auth)));
        true
    }

    /// An AUTH from the server.
    pub(super) fn on_auth(&mut self, auth: Auth) {
        let Some(method) = self.auth_method() else {
            // No AUTH without a method in the CONNECT [MQTT-4.12.0-6].
            return self.protocol_error();
        };
        if auth.properties.authentication_method.as_deref() != Some(method) {
            // [MQTT-4.12.0-5]: the same method for the whole exchange.
            return self.protocol_error();
        }
        match (auth.reason_code, self.auth.exchange) {
            (AUTH_CONTINUE, Exchange::Connecting | Exchange::Reauthenticating) => {
                self.outbox.event(Event::AuthChallenge(auth));
            }
            (AUTH_SUCCESS, Exchange::Reauthenticating) => {
                self.auth.exchange = Exchange::Idle;
                self.outbox.event(Event::AuthenticationComplete(Ok(auth)));
            }
            _ => self.protocol_error(),
        }
    }

    /// The user's answer to the last challenge: an AUTH Continue with `data` [MQTT-4.12.0-3].
    /// Ignored (false) when no exchange is in progress, so a late answer to a connection that
    /// is gone sends nothing.
    pub fn continue_authentication(&mut self, data: Option<Bytes>) -> bool {
        if self.auth.exchange == Exchange::Idle {
            return false;
        }
        self.auth.pending = Some(self.auth_packet(AUTH_CONTINUE, data));
        true
    }

    /// Starts re-authentication with `data` [MQTT-4.12.1-1]: the AUTH goes out now, ahead of
    /// queued operations, which keep flowing meanwhile. Fails (through
    /// [`Event::AuthenticationComplete`]) when not connected, without a method, or while one is in
    /// progress.
    pub fn reauthenticate(&mut self, data: Option<Bytes>) {
        let refused = if self.state != State::Connected {
            Some(Error::NotConnected)
        } else if self.auth_method().is_none() || self.auth.exchange != Exchange::Idle {
            Some(Error::OperationProcessingFailure)
        } else {
            None
        };
        if let Some(error) = refused {
            self.outbox.event(Event::AuthenticationComplete(Err(error)));
            return;
        }
        self.auth.exchange = Exchange::Reauthenticating;
        self.auth.pending = Some(self.auth_packet(AUTH_REAUTHENTICATE, data));
    }

    fn auth_packet(&self, reason_code: u8, data: Option<Bytes>) -> Auth {
        Auth {
            reason_code,
            properties: PropertySet {
                authentication_method: self.auth_method().map(str::to_owned),
                authentication_data: data,
                ..Default::default()
            }
            .into(),
        }
    }

    /// Writes the AUTH waiting to go, if any; returns whether it did.
    pub(super) fn send_pending_auth(&mut self, out: &mut Vec<u8>) -> bool {
        let Some(auth) = self.auth.pending.take() else {
            return false;
        };
        if write_packet(out, &Packet::Auth(auth), super::VERSION).is_err() {
            self.shut_down_connection(Error::EncodeFailure, None);
        }
        true
    }
}

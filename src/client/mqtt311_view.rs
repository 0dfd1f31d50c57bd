//! The MQTT 3.1.1 view of an MQTT 5 client's lifecycle: what upstream's 5-to-3 adapter
//! (`aws_mqtt_client_connection_new_from_mqtt5_client`) tells a 3.1.1 user when the MQTT 5 client
//! connects, fails, disconnects and stops, and what the adapter's `connect` and `disconnect` ask
//! of the MQTT 5 client.
//!
//! A 3.1.1 connection reports its first connection attempt through `on_connection_complete`
//! and stops after it fails; once connected it stays connected, reporting interruptions and
//! resumptions, until the user disconnects. An MQTT 5 client just keeps trying. The view keeps
//! upstream's three states to bridge the two:
//!
//! ```text
//! StayDisconnected --connect--> FirstConnect --success--> StayConnected
//!        ^                           |                         |
//!        +-------failure-------------+                         |
//!        +--------------- disconnect, or the client stopped ---+
//! ```
//!
//! Sans-IO: the FFI adapter feeds it the MQTT 5 lifecycle events and the user's calls, and calls
//! the 3.1.1 callbacks it returns, in order. `C` is a pending `on_connection_complete`, `D` a
//! pending `on_disconnect`.

use crate::error::aws_io_errors::AWS_IO_SOCKET_CLOSED;
use crate::error::mqtt::aws_mqtt_error::{self, *};

/// Where the 3.1.1 view is (upstream's `aws_mqtt_adapter_state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewState {
    /// `connect` was called; its completion waits for the first success or failure.
    FirstConnect,
    /// Connected once: losses are interruptions, reconnections resumptions.
    StayConnected,
    /// Not connected, and not trying as far as the 3.1.1 user is concerned.
    StayDisconnected,
}

/// An MQTT 5 lifecycle event, as the view needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// CONNECTION_SUCCESS, with whether the session was rejoined.
    ConnectionSuccess { rejoined: bool },
    /// CONNECTION_FAILURE with its MQTT 5 error code and, when a CONNACK refused the
    /// connection, its reason code.
    ConnectionFailure { error: i32, reason_code: Option<u8> },
    /// DISCONNECTION with its MQTT 5 error code.
    Disconnection { error: i32 },
    /// STOPPED.
    Stopped,
}

/// A 3.1.1 callback to call, with what it reports (error codes already translated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice<C, D> {
    /// `on_connection_success`.
    Success { rejoined: bool },
    /// `on_connection_failure`.
    Failure { error: i32 },
    /// `connect`'s `on_connection_complete`, once, with a 3.1.1 CONNACK return code (0 unless
    /// a CONNACK refused the connection).
    ConnectComplete {
        callback: C,
        error: i32,
        return_code: u8,
        rejoined: bool,
    },
    /// `on_resumed`.
    Resumed { rejoined: bool },
    /// `on_interrupted`.
    Interrupted { error: i32 },
    /// `disconnect`'s `on_disconnect`, once.
    Disconnected(D),
    /// `on_closed`.
    Closed,
}

/// The view: its state and the completions it owes.
#[derive(Debug)]
pub struct View<C, D> {
    state: ViewState,
    connect_complete: Option<C>,
    disconnect: Option<D>,
}

impl<C, D> Default for View<C, D> {
    fn default() -> Self {
        View {
            state: ViewState::StayDisconnected,
            connect_complete: None,
            disconnect: None,
        }
    }
}

impl<C, D> View<C, D> {
    /// The state.
    pub fn state(&self) -> ViewState {
        self.state
    }

    /// The MQTT 5 client reported `event`: the 3.1.1 callbacks to call, in order.
    pub fn on_event(&mut self, event: Lifecycle) -> Vec<Notice<C, D>> {
        let mut out = Vec::new();
        match event {
            Lifecycle::ConnectionSuccess { rejoined } => {
                if self.state == ViewState::StayDisconnected {
                    return out;
                }
                out.push(Notice::Success { rejoined });
                if self.state == ViewState::FirstConnect {
                    if let Some(callback) = self.connect_complete.take() {
                        out.push(Notice::ConnectComplete {
                            callback,
                            error: 0,
                            return_code: 0,
                            rejoined,
                        });
                    }
                    self.state = ViewState::StayConnected;
                } else {
                    out.push(Notice::Resumed { rejoined });
                }
            }
            // A failure the adapter's own connect caused is not the user's business.
            Lifecycle::ConnectionFailure { error, reason_code }
                if error != AWS_ERROR_MQTT_CONNECTION_RESET_FOR_ADAPTER_CONNECT as i32
                    && self.state != ViewState::StayDisconnected =>
            {
                let error = translate_error(error);
                out.push(Notice::Failure { error });
                if self.state == ViewState::FirstConnect {
                    if let Some(callback) = self.connect_complete.take() {
                        out.push(Notice::ConnectComplete {
                            callback,
                            error,
                            return_code: reason_code.map_or(0, return_code_of),
                            rejoined: false,
                        });
                    }
                    // As a 3.1.1 connection stops after its first attempt fails.
                    self.state = ViewState::StayDisconnected;
                }
            }
            Lifecycle::ConnectionFailure { .. } => {}
            Lifecycle::Disconnection { error } => {
                if self.state == ViewState::StayConnected
                    && error != AWS_ERROR_MQTT_CONNECTION_RESET_FOR_ADAPTER_CONNECT as i32
                {
                    out.push(Notice::Interrupted {
                        error: translate_error(error),
                    });
                }
            }
            Lifecycle::Stopped => {
                if let Some(d) = self.disconnect.take() {
                    out.push(Notice::Disconnected(d));
                }
                out.push(Notice::Closed);
                // Stopped behind the view's back: a `connect` alone starts it again.
                self.state = ViewState::StayDisconnected;
            }
        }
        out
    }

    /// The user called `connect` with `callback`. Returns the callbacks to call now and whether
    /// the adapter reconfigures, resets and starts the MQTT 5 client; a view not disconnected
    /// completes `callback` with `AWS_ERROR_MQTT_ALREADY_CONNECTED` instead.
    pub fn connect(&mut self, callback: C) -> (Vec<Notice<C, D>>, bool) {
        if self.state != ViewState::StayDisconnected {
            let refused = Notice::ConnectComplete {
                callback,
                error: AWS_ERROR_MQTT_ALREADY_CONNECTED as i32,
                return_code: 0,
                rejoined: false,
            };
            return (vec![refused], false);
        }
        let mut out = Vec::new();
        if let Some(d) = self.disconnect.take() {
            out.push(Notice::Disconnected(d));
        }
        self.state = ViewState::FirstConnect;
        self.connect_complete = Some(callback);
        (out, true)
    }

    /// The user called `disconnect` with `callback`; `client_wants_connection` says whether the
    /// MQTT 5 client is (to be) running. Returns the callbacks to call now and whether the
    /// adapter stops the MQTT 5 client (then `callback` waits for STOPPED).
    pub fn disconnect(
        &mut self,
        callback: D,
        client_wants_connection: bool,
    ) -> (Vec<Notice<C, D>>, bool) {
        if self.state == ViewState::StayDisconnected {
            return (vec![Notice::Disconnected(callback)], false);
        }
        let mut out = Vec::new();
        if self.state == ViewState::FirstConnect {
            if let Some(pending) = self.connect_complete.take() {
                out.push(Notice::ConnectComplete {
                    callback: pending,
                    error: AWS_ERROR_MQTT_CONNECTION_SHUTDOWN as i32,
                    return_code: 0,
                    rejoined: false,
                });
            }
        }
        self.state = ViewState::StayDisconnected;
        if client_wants_connection {
            self.disconnect = Some(callback);
            return (out, true);
        }
        out.push(Notice::Disconnected(callback));
        out.push(Notice::Closed);
        (out, false)
    }
}

/// The MQTT 3.1.1 CONNACK return code [MQTT-3.2.2.3] closest to an MQTT 5 CONNACK reason code
/// [MQTT-3.2.2.2]. Upstream's adapter reports 0 whatever the refusal; a 3.1.1 connection of
/// ours passes the broker's code on, so its view does the same.
pub fn return_code_of(reason_code: u8) -> u8 {
    match reason_code {
        0x00 => 0,
        // Unsupported Protocol Version.
        0x84 => 1,
        // Client Identifier not valid.
        0x85 => 2,
        // Server unavailable, Server busy, Use another server, Server moved.
        0x88 | 0x89 | 0x9C | 0x9D => 3,
        // Bad User Name or Password.
        0x86 => 4,
        // Not authorized, and every other refusal.
        _ => 5,
    }
}

/// Upstream's best-effort translation of MQTT 5 error codes into the ones a 3.1.1 connection
/// reports (`s_translate_mqtt5_error_code_to_mqtt311`).
const TRANSLATIONS: [(aws_mqtt_error, i32); 12] = [
    (
        AWS_ERROR_MQTT5_ENCODE_FAILURE,
        AWS_ERROR_MQTT_PROTOCOL_ERROR as i32,
    ),
    (
        AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR,
        AWS_ERROR_MQTT_PROTOCOL_ERROR as i32,
    ),
    (
        AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED,
        AWS_ERROR_MQTT_PROTOCOL_ERROR as i32,
    ),
    (
        AWS_ERROR_MQTT5_OPERATION_PROCESSING_FAILURE,
        AWS_ERROR_MQTT_PROTOCOL_ERROR as i32,
    ),
    (
        AWS_ERROR_MQTT5_CONNACK_TIMEOUT,
        AWS_ERROR_MQTT_TIMEOUT as i32,
    ),
    (
        AWS_ERROR_MQTT5_PING_RESPONSE_TIMEOUT,
        AWS_ERROR_MQTT_TIMEOUT as i32,
    ),
    (
        AWS_ERROR_MQTT5_USER_REQUESTED_STOP,
        AWS_IO_SOCKET_CLOSED as i32,
    ),
    (
        AWS_ERROR_MQTT5_CLIENT_TERMINATED,
        AWS_IO_SOCKET_CLOSED as i32,
    ),
    (
        AWS_ERROR_MQTT5_DISCONNECT_RECEIVED,
        AWS_ERROR_MQTT_UNEXPECTED_HANGUP as i32,
    ),
    (
        AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY,
        AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION as i32,
    ),
    (
        AWS_ERROR_MQTT5_ENCODE_SIZE_UNSUPPORTED_PACKET_TYPE,
        AWS_ERROR_MQTT_INVALID_PACKET_TYPE as i32,
    ),
    (
        AWS_ERROR_MQTT5_INVALID_UTF8_STRING,
        AWS_ERROR_MQTT_INVALID_TOPIC as i32,
    ),
];

/// The error code a 3.1.1 connection would report for an MQTT 5 error code; others pass
/// unchanged.
pub fn translate_error(code: i32) -> i32 {
    TRANSLATIONS
        .iter()
        .find(|(from, _)| *from as i32 == code)
        .map_or(code, |(_, to)| *to)
}

#[cfg(test)]
#[path = "mqtt311_view_tests.rs"]
mod tests;

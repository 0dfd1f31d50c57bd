//! How connections and operations end, and the events the engine hands its runtime.

use crate::codec::Publish;

/// Why a connection or an operation failed; the FFI maps each to upstream's error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No CONNACK, PINGRESP or operation ACK in time (`AWS_ERROR_MQTT_TIMEOUT`).
    Timeout,
    /// The server closed the connection at a packet boundary (`AWS_ERROR_MQTT_UNEXPECTED_HANGUP`;
    /// closed in the middle of a packet it is `Transport(AWS_IO_SOCKET_CLOSED)`).
    UnexpectedHangup,
    /// The server broke the protocol or refused the CONNECT (`AWS_ERROR_MQTT_PROTOCOL_ERROR`).
    ProtocolError,
    /// The server sent a remaining length longer than four bytes
    /// (`AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH`).
    InvalidRemainingLength,
    /// The server sent a packet only a client sends: CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ
    /// or DISCONNECT (`AWS_ERROR_MQTT_INVALID_PACKET_TYPE`).
    InvalidPacketType,
    /// A clean-session connection was lost with the operation unfinished
    /// (`AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION`).
    CancelledForCleanSession,
    /// The connection was destroyed with the operation unfinished
    /// (`AWS_ERROR_MQTT_CONNECTION_DESTROYED`).
    ConnectionDestroyed,
    /// A QoS 0 publish or a ping found no connection (`AWS_ERROR_MQTT_NOT_CONNECTED`).
    NotConnected,
    /// The queue limits refused the operation or dropped it to make room
    /// (`AWS_ERROR_MQTT_QUEUE_FULL`).
    QueueFull,
    /// The user disconnected before a first connect that retries succeeded
    /// (`AWS_ERROR_MQTT_CONNECTION_SHUTDOWN`).
    ConnectionShutdown,
    /// The packet cannot be encoded: larger than MQTT can carry
    /// (`AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH`).
    Unencodable,
    /// The transport failed with this aws error code (a socket or TLS error).
    Transport(i32),
}

/// How an operation completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Acknowledged (or, for QoS 0 and pings, written).
    Success,
    /// A SUBACK: one return code per topic filter, in order (0x80: refused).
    Suback(Vec<u8>),
    /// Failed.
    Failed(Failure),
}

/// What the engine reports, in the order it happened.
// A message is the common event: boxing it would cost an allocation per message.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Event<T> {
    /// The first connection of a `connect` succeeded, or that attempt failed: `on_connection_complete`
    /// (then `on_connection_success` / `on_connection_failure`, see the next events).
    ConnectionComplete {
        /// `None` on success.
        error: Option<Failure>,
        /// The CONNACK's return code (a refusal's code on failure; 0 without a CONNACK).
        return_code: u8,
        /// The CONNACK's session-present flag.
        session_present: bool,
    },
    /// Any successful CONNACK, first or reconnect.
    ConnectionSuccess {
        return_code: u8,
        session_present: bool,
    },
    /// The first connection attempt of a `connect` failed.
    ConnectionFailure { error: Failure },
    /// An established connection was lost; reconnecting follows.
    Interrupted { error: Failure },
    /// A reconnect succeeded.
    Resumed {
        return_code: u8,
        session_present: bool,
    },
    /// A user disconnect finished: `on_disconnect`, then `on_closed`.
    Disconnected,
    /// An operation completed.
    Complete {
        /// Its packet identifier (the caller frees it now).
        id: u16,
        /// The caller's token for it.
        token: T,
        /// How it ended.
        outcome: Outcome,
    },
    /// A PUBLISH arrived; route it with [`Engine::for_each_subscriber`](super::Engine::for_each_subscriber).
    Message(Publish),
}

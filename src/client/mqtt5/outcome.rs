//! How MQTT 5 connections and operations end, and the events the engine hands its runtime. The
//! FFI maps each [`Error`] to upstream's error code.

use crate::client::mqtt5::negotiated::Negotiated;
use crate::codec::{Auth, Connack, Disconnect, PubAck, Publish, Suback, Unsuback};

/// Why a connection or an operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The user stopped the client (`AWS_ERROR_MQTT5_USER_REQUESTED_STOP`).
    UserRequestedStop,
    /// No CONNACK in time (`AWS_ERROR_MQTT5_CONNACK_TIMEOUT`).
    ConnackTimeout,
    /// No PINGRESP in time (`AWS_ERROR_MQTT5_PING_RESPONSE_TIMEOUT`).
    PingResponseTimeout,
    /// The server sent DISCONNECT (`AWS_ERROR_MQTT5_DISCONNECT_RECEIVED`).
    DisconnectReceived,
    /// The CONNACK refused the connection (`AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED`).
    ConnackRefused,
    /// The server resumed a session the client did not ask to resume
    /// (`AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION`).
    CancelledForCleanSession,
    /// The server sent a malformed or unexpected packet (`AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR`).
    ProtocolError,
    /// The server closed the connection at a packet boundary (`AWS_ERROR_MQTT_UNEXPECTED_HANGUP`;
    /// closed in the middle of a packet it is `Transport(AWS_IO_SOCKET_CLOSED)`).
    UnexpectedHangup,
    /// No ACK in time (`AWS_ERROR_MQTT_TIMEOUT`).
    AckTimeout,
    /// A disconnection failed the operation under the offline queue policy
    /// (`AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY`).
    OfflineQueuePolicy,
    /// The client was released with the operation unfinished (`AWS_ERROR_MQTT5_CLIENT_TERMINATED`).
    ClientTerminated,
    /// The packet exceeds the server's Maximum Packet Size (`AWS_ERROR_MQTT5_PACKET_VALIDATION`).
    PacketTooLarge,
    /// The publish breaks the negotiated settings: QoS or retain
    /// (`AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION`).
    PublishNotAllowed,
    /// The subscribe uses what the server does not offer: wildcards, shared subscriptions or
    /// subscription identifiers (`AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION`).
    SubscribeNotAllowed,
    /// The DISCONNECT asks for a session expiry after a CONNECT that committed to none
    /// (`AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION`).
    DisconnectNotAllowed,
    /// A DISCONNECT of the user failed its checks, so the connection is dropped
    /// (`AWS_ERROR_MQTT5_OPERATION_PROCESSING_FAILURE`).
    OperationProcessingFailure,
    /// The packet cannot be encoded (`AWS_ERROR_MQTT5_ENCODE_FAILURE`).
    EncodeFailure,
    /// A stop's DISCONNECT found no connection to go out on (`AWS_ERROR_MQTT_NOT_CONNECTED`).
    NotConnected,
    /// The queue limits refused the operation or dropped it to make room
    /// (`AWS_ERROR_MQTT_QUEUE_FULL`).
    QueueFull,
    /// The 3.1.1 adapter's connect ended the connection to use its configuration
    /// (`AWS_ERROR_MQTT_CONNECTION_RESET_FOR_ADAPTER_CONNECT`).
    ResetForAdapterConnect,
    /// The transport failed with this aws error code (socket, TLS, resolver).
    Transport(i32),
}

/// How an operation completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Completion {
    /// Written: a QoS 0 publish or a DISCONNECT.
    Written,
    /// A QoS 1 publish's PUBACK (its reason code may be a failure).
    Puback(PubAck),
    /// A QoS 2 publish's PUBREC with a failure reason code, ending the exchange [MQTT-4.3.3].
    Pubrec(PubAck),
    /// A QoS 2 publish's PUBCOMP.
    Pubcomp(PubAck),
    /// A SUBSCRIBE's SUBACK.
    Suback(Suback),
    /// An UNSUBSCRIBE's UNSUBACK.
    Unsuback(Unsuback),
    /// Failed.
    Failed(Error),
}

/// What became of a manual acknowledgement (upstream's
/// `aws_mqtt5_manual_publish_acknowledgement_result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManualAckResult {
    /// The PUBACK was written.
    Sent,
    /// The connection the PUBLISH came on is gone: the server will resend it.
    Cancelled,
    /// No acknowledgement is held under that id.
    Invalid,
    /// The PUBACK could not be written (the connection failed first).
    Failed,
}

/// What the engine reports, in the order it happened. Lifecycle events follow upstream:
/// every `AttemptingConnect` is followed by one `ConnectionSuccess` or `ConnectionFailure`, and
/// every `ConnectionSuccess` by one `Disconnection`.
#[derive(Debug)]
pub enum Event<T> {
    /// A connection attempt begins.
    AttemptingConnect,
    /// A CONNACK accepted the connection.
    ConnectionSuccess {
        /// The CONNACK.
        connack: Connack,
        /// The settings in force.
        settings: Negotiated,
    },
    /// The attempt failed; `connack` when the server refused.
    ConnectionFailure {
        /// Why.
        error: Error,
        /// The refusing (or unexpected) CONNACK.
        connack: Option<Connack>,
    },
    /// An established connection ended; `disconnect` when the server sent one.
    Disconnection {
        /// Why.
        error: Error,
        /// The server's DISCONNECT.
        disconnect: Option<Disconnect>,
    },
    /// The client reached the stopped state; every operation has completed.
    Stopped,
    /// The client stopped for good after [`terminate`](crate::client::mqtt5::Engine::terminate).
    Terminated,
    /// A PUBLISH arrived (its topic alias resolved). A QoS 1 PUBACK is queued unless the
    /// runtime calls [`hold_ack`](crate::client::mqtt5::Engine::hold_ack) while delivering it.
    Publish(Publish),
    /// An operation completed.
    Complete {
        /// The caller's token.
        token: T,
        /// How.
        completion: Completion,
    },
    /// Enhanced authentication (beyond upstream): the server's AUTH Continue, to be answered
    /// with [`continue_authentication`](crate::client::mqtt5::Engine::continue_authentication).
    AuthChallenge(Auth),
    /// Enhanced authentication (beyond upstream): an exchange ended. The CONNECT's, at a
    /// successful CONNACK (its method and data given as an AUTH Success); or a
    /// re-authentication: the server's AUTH Success, or why it did not happen or was cut short
    /// (a refusal closes the connection, reported as a disconnection as well).
    AuthenticationComplete(Result<Auth, Error>),
    /// A manual acknowledgement finished.
    ManualAck {
        /// The caller's token.
        token: T,
        /// How.
        result: ManualAckResult,
    },
}

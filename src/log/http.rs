//! `aws/http/http.h`: the log subjects of aws-c-http.

/// aws-c-http's log subjects (from 2048).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_http_log_subject {
    /// Miscellaneous.
    AWS_LS_HTTP_GENERAL = 2048,
    /// A client or server connection.
    AWS_LS_HTTP_CONNECTION = 2049,
    /// The HTTP encoder.
    AWS_LS_HTTP_ENCODER = 2050,
    /// The HTTP decoder.
    AWS_LS_HTTP_DECODER = 2051,
    /// A server's listening socket.
    AWS_LS_HTTP_SERVER = 2052,
    /// A request-response exchange.
    AWS_LS_HTTP_STREAM = 2053,
    /// The connection manager.
    AWS_LS_HTTP_CONNECTION_MANAGER = 2054,
    /// The HTTP/2 stream manager.
    AWS_LS_HTTP_STREAM_MANAGER = 2055,
    /// An open WebSocket.
    AWS_LS_HTTP_WEBSOCKET = 2056,
    /// A WebSocket's opening handshake.
    AWS_LS_HTTP_WEBSOCKET_SETUP = 2057,
    /// An HTTP proxy's CONNECT.
    AWS_LS_HTTP_PROXY_NEGOTIATION = 2058,
}

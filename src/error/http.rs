//! `aws/http/http.h`: the error codes of aws-c-http, numbered as upstream numbers them (the
//! enumerators' doc comments are the descriptions `aws_error_str` gives).

/// The error codes of aws-c-http (2048 to 3071).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage,
)]
pub enum aws_http_errors {
    /// An HTTP error occurred whose cause could not be determined.
    AWS_ERROR_HTTP_UNKNOWN = 2048,
    /// No header with the requested name exists.
    AWS_ERROR_HTTP_HEADER_NOT_FOUND = 2049,
    /// The header field is invalid or is one that may not be used here.
    AWS_ERROR_HTTP_INVALID_HEADER_FIELD = 2050,
    /// The header name is invalid.
    AWS_ERROR_HTTP_INVALID_HEADER_NAME = 2051,
    /// The header value is invalid.
    AWS_ERROR_HTTP_INVALID_HEADER_VALUE = 2052,
    /// The request method is invalid.
    AWS_ERROR_HTTP_INVALID_METHOD = 2053,
    /// The request path is invalid.
    AWS_ERROR_HTTP_INVALID_PATH = 2054,
    /// The response status code is invalid.
    AWS_ERROR_HTTP_INVALID_STATUS_CODE = 2055,
    /// The headers (such as Content-Length) promise a body, but no body stream was given.
    AWS_ERROR_HTTP_MISSING_BODY_STREAM = 2056,
    /// A body stream was given for a message that may not have a body, such as a HEAD response.
    AWS_ERROR_HTTP_INVALID_BODY_STREAM = 2057,
    /// The HTTP connection is closed or is closing.
    AWS_ERROR_HTTP_CONNECTION_CLOSED = 2058,
    /// The connection has switched to another protocol and no longer carries HTTP streams.
    AWS_ERROR_HTTP_SWITCHED_PROTOCOLS = 2059,
    /// The HTTP protocol version in use is not supported for this operation.
    AWS_ERROR_HTTP_UNSUPPORTED_PROTOCOL = 2060,
    /// A user callback returned without calling a function it was required to call.
    AWS_ERROR_HTTP_REACTION_REQUIRED = 2061,
    /// The requested data is not available, because it was never set or has not arrived yet.
    AWS_ERROR_HTTP_DATA_NOT_AVAILABLE = 2062,
    /// The amount of body data sent differs from the length declared earlier.
    AWS_ERROR_HTTP_OUTGOING_STREAM_LENGTH_INCORRECT = 2063,
    /// A user callback reported failure.
    AWS_ERROR_HTTP_CALLBACK_FAILURE = 2064,
    /// The HTTP connection could not be upgraded to a WebSocket.
    AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE = 2065,
    /// The WebSocket has already sent a CLOSE frame, so it cannot send more data.
    AWS_ERROR_HTTP_WEBSOCKET_CLOSE_FRAME_SENT = 2066,
    /// The WebSocket was converted to a mid-channel handler and no longer allows this operation.
    AWS_ERROR_HTTP_WEBSOCKET_IS_MIDCHANNEL_HANDLER = 2067,
    /// A connection was requested after the connection manager's reference count reached zero.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_INVALID_STATE_FOR_ACQUIRE = 2068,
    /// A connection was released to a connection manager that had no connections handed out.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_VENDED_CONNECTION_UNDERFLOW = 2069,
    /// The HTTP server is shutting down and accepts no new connections.
    AWS_ERROR_HTTP_SERVER_CLOSED = 2070,
    /// The proxy tunnel could not be set up because the CONNECT request failed.
    AWS_ERROR_HTTP_PROXY_CONNECT_FAILED = 2071,
    /// No connection could be acquired because the connection manager is shutting down.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_SHUTTING_DOWN = 2072,
    /// The connection was closed because its throughput fell below the configured minimum.
    AWS_ERROR_HTTP_CHANNEL_THROUGHPUT_FAILURE = 2073,
    /// The peer broke the rules of the HTTP protocol.
    AWS_ERROR_HTTP_PROTOCOL_ERROR = 2074,
    /// The connection has used up all its stream IDs; open a new connection for more streams.
    AWS_ERROR_HTTP_STREAM_IDS_EXHAUSTED = 2075,
    /// The peer sent GOAWAY to close the connection; retry the streams on a new connection.
    AWS_ERROR_HTTP_GOAWAY_RECEIVED = 2076,
    /// The peer terminated the HTTP/2 stream by sending RST_STREAM.
    AWS_ERROR_HTTP_RST_STREAM_RECEIVED = 2077,
    /// The HTTP/2 stream was terminated locally by sending RST_STREAM.
    AWS_ERROR_HTTP_RST_STREAM_SENT = 2078,
    /// The HTTP stream must be activated before it can be used this way.
    AWS_ERROR_HTTP_STREAM_NOT_ACTIVATED = 2079,
    /// The HTTP stream has already completed, so the action cannot be performed.
    AWS_ERROR_HTTP_STREAM_HAS_COMPLETED = 2080,
    /// The NTLM proxy strategy was started without a challenge token.
    AWS_ERROR_HTTP_PROXY_STRATEGY_NTLM_CHALLENGE_TOKEN_MISSING = 2081,
    /// User code failed to supply a proxy authentication token.
    AWS_ERROR_HTTP_PROXY_STRATEGY_TOKEN_RETRIEVAL_FAILURE = 2082,
    /// The proxy connection failed, but negotiation can continue on a new connection.
    AWS_ERROR_HTTP_PROXY_CONNECT_FAILED_RETRYABLE = 2083,
    /// The connection could not switch protocols because of an internal state failure.
    AWS_ERROR_HTTP_PROTOCOL_SWITCH_FAILURE = 2084,
    /// The connection already has the maximum number of concurrent streams open.
    AWS_ERROR_HTTP_MAX_CONCURRENT_STREAMS_EXCEEDED = 2085,
    /// No stream could be acquired because the stream manager is shutting down.
    AWS_ERROR_HTTP_STREAM_MANAGER_SHUTTING_DOWN = 2086,
    /// No stream could be acquired because the stream manager failed to get a connection.
    AWS_ERROR_HTTP_STREAM_MANAGER_CONNECTION_ACQUIRE_FAILURE = 2087,
    /// No stream could be acquired because the connection uses an unexpected HTTP version.
    AWS_ERROR_HTTP_STREAM_MANAGER_UNEXPECTED_HTTP_VERSION = 2088,
    /// The peer broke the rules of the WebSocket protocol.
    AWS_ERROR_HTTP_WEBSOCKET_PROTOCOL_ERROR = 2089,
    /// The write failed because manual body writes are not enabled for this stream.
    AWS_ERROR_HTTP_MANUAL_WRITE_NOT_ENABLED = 2090,
    /// The write failed because the stream's manual body writes are already finished.
    AWS_ERROR_HTTP_MANUAL_WRITE_HAS_COMPLETED = 2091,
    /// No response data arrived within the timeout after the whole request was sent.
    AWS_ERROR_HTTP_RESPONSE_FIRST_BYTE_TIMEOUT = 2092,
    /// The connection manager could not provide a connection within the acquisition timeout.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_ACQUISITION_TIMEOUT = 2093,
    /// The connection manager already has the maximum number of pending acquisitions.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_MAX_PENDING_ACQUISITIONS_EXCEEDED = 2094,
    /// The in-flight HTTP stream was cancelled by the user.
    AWS_ERROR_HTTP_STREAM_CANCELLED = 2095,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_ERROR_HTTP_END_RANGE = 3071,
}
crate::c_enum!(aws_http_errors);

//! `aws/http/http.h`: the error codes of aws-c-http and its library init.

/// The error codes of aws-c-http (2048 to 3071).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage)]
pub enum aws_http_errors {
    /// Unknown.
    AWS_ERROR_HTTP_UNKNOWN = 2048,
    /// Header not found.
    AWS_ERROR_HTTP_HEADER_NOT_FOUND = 2049,
    /// Invalid header field.
    AWS_ERROR_HTTP_INVALID_HEADER_FIELD = 2050,
    /// Invalid header name.
    AWS_ERROR_HTTP_INVALID_HEADER_NAME = 2051,
    /// Invalid header value.
    AWS_ERROR_HTTP_INVALID_HEADER_VALUE = 2052,
    /// Invalid method.
    AWS_ERROR_HTTP_INVALID_METHOD = 2053,
    /// Invalid path.
    AWS_ERROR_HTTP_INVALID_PATH = 2054,
    /// Invalid status code.
    AWS_ERROR_HTTP_INVALID_STATUS_CODE = 2055,
    /// Missing body stream.
    AWS_ERROR_HTTP_MISSING_BODY_STREAM = 2056,
    /// Invalid body stream.
    AWS_ERROR_HTTP_INVALID_BODY_STREAM = 2057,
    /// Connection closed.
    AWS_ERROR_HTTP_CONNECTION_CLOSED = 2058,
    /// Switched protocols.
    AWS_ERROR_HTTP_SWITCHED_PROTOCOLS = 2059,
    /// Unsupported protocol.
    AWS_ERROR_HTTP_UNSUPPORTED_PROTOCOL = 2060,
    /// Reaction required.
    AWS_ERROR_HTTP_REACTION_REQUIRED = 2061,
    /// Data not available.
    AWS_ERROR_HTTP_DATA_NOT_AVAILABLE = 2062,
    /// Outgoing stream length incorrect.
    AWS_ERROR_HTTP_OUTGOING_STREAM_LENGTH_INCORRECT = 2063,
    /// Callback failure.
    AWS_ERROR_HTTP_CALLBACK_FAILURE = 2064,
    /// Websocket upgrade failure.
    AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE = 2065,
    /// Websocket close frame sent.
    AWS_ERROR_HTTP_WEBSOCKET_CLOSE_FRAME_SENT = 2066,
    /// Websocket is midchannel handler.
    AWS_ERROR_HTTP_WEBSOCKET_IS_MIDCHANNEL_HANDLER = 2067,
    /// Connection manager invalid state for acquire.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_INVALID_STATE_FOR_ACQUIRE = 2068,
    /// Connection manager vended connection underflow.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_VENDED_CONNECTION_UNDERFLOW = 2069,
    /// Server closed.
    AWS_ERROR_HTTP_SERVER_CLOSED = 2070,
    /// Proxy connect failed.
    AWS_ERROR_HTTP_PROXY_CONNECT_FAILED = 2071,
    /// Connection manager shutting down.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_SHUTTING_DOWN = 2072,
    /// Channel throughput failure.
    AWS_ERROR_HTTP_CHANNEL_THROUGHPUT_FAILURE = 2073,
    /// Protocol error.
    AWS_ERROR_HTTP_PROTOCOL_ERROR = 2074,
    /// Stream ids exhausted.
    AWS_ERROR_HTTP_STREAM_IDS_EXHAUSTED = 2075,
    /// Goaway received.
    AWS_ERROR_HTTP_GOAWAY_RECEIVED = 2076,
    /// Rst stream received.
    AWS_ERROR_HTTP_RST_STREAM_RECEIVED = 2077,
    /// Rst stream sent.
    AWS_ERROR_HTTP_RST_STREAM_SENT = 2078,
    /// Stream not activated.
    AWS_ERROR_HTTP_STREAM_NOT_ACTIVATED = 2079,
    /// Stream has completed.
    AWS_ERROR_HTTP_STREAM_HAS_COMPLETED = 2080,
    /// Proxy strategy ntlm challenge token missing.
    AWS_ERROR_HTTP_PROXY_STRATEGY_NTLM_CHALLENGE_TOKEN_MISSING = 2081,
    /// Proxy strategy token retrieval failure.
    AWS_ERROR_HTTP_PROXY_STRATEGY_TOKEN_RETRIEVAL_FAILURE = 2082,
    /// Proxy connect failed retryable.
    AWS_ERROR_HTTP_PROXY_CONNECT_FAILED_RETRYABLE = 2083,
    /// Protocol switch failure.
    AWS_ERROR_HTTP_PROTOCOL_SWITCH_FAILURE = 2084,
    /// Max concurrent streams exceeded.
    AWS_ERROR_HTTP_MAX_CONCURRENT_STREAMS_EXCEEDED = 2085,
    /// Stream manager shutting down.
    AWS_ERROR_HTTP_STREAM_MANAGER_SHUTTING_DOWN = 2086,
    /// Stream manager connection acquire failure.
    AWS_ERROR_HTTP_STREAM_MANAGER_CONNECTION_ACQUIRE_FAILURE = 2087,
    /// Stream manager unexpected HTTP version.
    AWS_ERROR_HTTP_STREAM_MANAGER_UNEXPECTED_HTTP_VERSION = 2088,
    /// Websocket protocol error.
    AWS_ERROR_HTTP_WEBSOCKET_PROTOCOL_ERROR = 2089,
    /// Manual write not enabled.
    AWS_ERROR_HTTP_MANUAL_WRITE_NOT_ENABLED = 2090,
    /// Manual write has completed.
    AWS_ERROR_HTTP_MANUAL_WRITE_HAS_COMPLETED = 2091,
    /// Response first byte timeout.
    AWS_ERROR_HTTP_RESPONSE_FIRST_BYTE_TIMEOUT = 2092,
    /// Connection manager acquisition timeout.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_ACQUISITION_TIMEOUT = 2093,
    /// Connection manager max pending acquisitions exceeded.
    AWS_ERROR_HTTP_CONNECTION_MANAGER_MAX_PENDING_ACQUISITIONS_EXCEEDED = 2094,
    /// Stream cancelled.
    AWS_ERROR_HTTP_STREAM_CANCELLED = 2095,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_ERROR_HTTP_END_RANGE = 3071,
}
crate::c_enum!(aws_http_errors);

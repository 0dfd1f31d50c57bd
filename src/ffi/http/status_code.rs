//! `aws/http/status_code.h`: named HTTP response status codes (a selection of IANA's registry,
//! as upstream's), and `AWS_HTTP_STATUS_CODE_UNKNOWN` for a request that got no response.

/// HTTP response status codes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_http_status_code {
    /// No response: the request failed before a server answered.
    AWS_HTTP_STATUS_CODE_UNKNOWN = -1,
    /// 100 Continue.
    AWS_HTTP_STATUS_CODE_100_CONTINUE = 100,
    /// 101 Switching Protocols.
    AWS_HTTP_STATUS_CODE_101_SWITCHING_PROTOCOLS = 101,
    /// 102 Processing.
    AWS_HTTP_STATUS_CODE_102_PROCESSING = 102,
    /// 103 Early Hints.
    AWS_HTTP_STATUS_CODE_103_EARLY_HINTS = 103,
    /// 200 Ok.
    AWS_HTTP_STATUS_CODE_200_OK = 200,
    /// 201 Created.
    AWS_HTTP_STATUS_CODE_201_CREATED = 201,
    /// 202 Accepted.
    AWS_HTTP_STATUS_CODE_202_ACCEPTED = 202,
    /// 203 Non Authoritative Information.
    AWS_HTTP_STATUS_CODE_203_NON_AUTHORITATIVE_INFORMATION = 203,
    /// 204 No Content.
    AWS_HTTP_STATUS_CODE_204_NO_CONTENT = 204,
    /// 205 Reset Content.
    AWS_HTTP_STATUS_CODE_205_RESET_CONTENT = 205,
    /// 206 Partial Content.
    AWS_HTTP_STATUS_CODE_206_PARTIAL_CONTENT = 206,
    /// 207 Multi Status.
    AWS_HTTP_STATUS_CODE_207_MULTI_STATUS = 207,
    /// 208 Already Reported.
    AWS_HTTP_STATUS_CODE_208_ALREADY_REPORTED = 208,
    /// 226 Im Used.
    AWS_HTTP_STATUS_CODE_226_IM_USED = 226,
    /// 300 Multiple Choices.
    AWS_HTTP_STATUS_CODE_300_MULTIPLE_CHOICES = 300,
    /// 301 Moved Permanently.
    AWS_HTTP_STATUS_CODE_301_MOVED_PERMANENTLY = 301,
    /// 302 Found.
    AWS_HTTP_STATUS_CODE_302_FOUND = 302,
    /// 303 See Other.
    AWS_HTTP_STATUS_CODE_303_SEE_OTHER = 303,
    /// 304 Not Modified.
    AWS_HTTP_STATUS_CODE_304_NOT_MODIFIED = 304,
    /// 305 Use Proxy.
    AWS_HTTP_STATUS_CODE_305_USE_PROXY = 305,
    /// 307 Temporary Redirect.
    AWS_HTTP_STATUS_CODE_307_TEMPORARY_REDIRECT = 307,
    /// 308 Permanent Redirect.
    AWS_HTTP_STATUS_CODE_308_PERMANENT_REDIRECT = 308,
    /// 400 Bad Request.
    AWS_HTTP_STATUS_CODE_400_BAD_REQUEST = 400,
    /// 401 Unauthorized.
    AWS_HTTP_STATUS_CODE_401_UNAUTHORIZED = 401,
    /// 402 Payment Required.
    AWS_HTTP_STATUS_CODE_402_PAYMENT_REQUIRED = 402,
    /// 403 Forbidden.
    AWS_HTTP_STATUS_CODE_403_FORBIDDEN = 403,
    /// 404 Not Found.
    AWS_HTTP_STATUS_CODE_404_NOT_FOUND = 404,
    /// 405 Method Not Allowed.
    AWS_HTTP_STATUS_CODE_405_METHOD_NOT_ALLOWED = 405,
    /// 406 Not Acceptable.
    AWS_HTTP_STATUS_CODE_406_NOT_ACCEPTABLE = 406,
    /// 407 Proxy Authentication Required.
    AWS_HTTP_STATUS_CODE_407_PROXY_AUTHENTICATION_REQUIRED = 407,
    /// 408 Request Timeout.
    AWS_HTTP_STATUS_CODE_408_REQUEST_TIMEOUT = 408,
    /// 409 Conflict.
    AWS_HTTP_STATUS_CODE_409_CONFLICT = 409,
    /// 410 Gone.
    AWS_HTTP_STATUS_CODE_410_GONE = 410,
    /// 411 Length Required.
    AWS_HTTP_STATUS_CODE_411_LENGTH_REQUIRED = 411,
    /// 412 Precondition Failed.
    AWS_HTTP_STATUS_CODE_412_PRECONDITION_FAILED = 412,
    /// 413 Request Entity Too Large.
    AWS_HTTP_STATUS_CODE_413_REQUEST_ENTITY_TOO_LARGE = 413,
    /// 414 Request Uri Too Long.
    AWS_HTTP_STATUS_CODE_414_REQUEST_URI_TOO_LONG = 414,
    /// 415 Unsupported Media Type.
    AWS_HTTP_STATUS_CODE_415_UNSUPPORTED_MEDIA_TYPE = 415,
    /// 416 Requested Range Not Satisfiable.
    AWS_HTTP_STATUS_CODE_416_REQUESTED_RANGE_NOT_SATISFIABLE = 416,
    /// 417 Expectation Failed.
    AWS_HTTP_STATUS_CODE_417_EXPECTATION_FAILED = 417,
    /// 421 Misdirected Request.
    AWS_HTTP_STATUS_CODE_421_MISDIRECTED_REQUEST = 421,
    /// 422 Unprocessable Entity.
    AWS_HTTP_STATUS_CODE_422_UNPROCESSABLE_ENTITY = 422,
    /// 423 Locked.
    AWS_HTTP_STATUS_CODE_423_LOCKED = 423,
    /// 424 Failed Dependency.
    AWS_HTTP_STATUS_CODE_424_FAILED_DEPENDENCY = 424,
    /// 425 Too Early.
    AWS_HTTP_STATUS_CODE_425_TOO_EARLY = 425,
    /// 426 Upgrade Required.
    AWS_HTTP_STATUS_CODE_426_UPGRADE_REQUIRED = 426,
    /// 428 Precondition Required.
    AWS_HTTP_STATUS_CODE_428_PRECONDITION_REQUIRED = 428,
    /// 429 Too Many Requests.
    AWS_HTTP_STATUS_CODE_429_TOO_MANY_REQUESTS = 429,
    /// 431 Request Header Fields Too Large.
    AWS_HTTP_STATUS_CODE_431_REQUEST_HEADER_FIELDS_TOO_LARGE = 431,
    /// 451 Unavailable For Legal Reason.
    AWS_HTTP_STATUS_CODE_451_UNAVAILABLE_FOR_LEGAL_REASON = 451,
    /// 500 Internal Server Error.
    AWS_HTTP_STATUS_CODE_500_INTERNAL_SERVER_ERROR = 500,
    /// 501 Not Implemented.
    AWS_HTTP_STATUS_CODE_501_NOT_IMPLEMENTED = 501,
    /// 502 Bad Gateway.
    AWS_HTTP_STATUS_CODE_502_BAD_GATEWAY = 502,
    /// 503 Service Unavailable.
    AWS_HTTP_STATUS_CODE_503_SERVICE_UNAVAILABLE = 503,
    /// 504 Gateway Timeout.
    AWS_HTTP_STATUS_CODE_504_GATEWAY_TIMEOUT = 504,
    /// 505 Http Version Not Supported.
    AWS_HTTP_STATUS_CODE_505_HTTP_VERSION_NOT_SUPPORTED = 505,
    /// 506 Variant Also Negotiates.
    AWS_HTTP_STATUS_CODE_506_VARIANT_ALSO_NEGOTIATES = 506,
    /// 507 Insufficient Storage.
    AWS_HTTP_STATUS_CODE_507_INSUFFICIENT_STORAGE = 507,
    /// 508 Loop Detected.
    AWS_HTTP_STATUS_CODE_508_LOOP_DETECTED = 508,
    /// 510 Not Extended.
    AWS_HTTP_STATUS_CODE_510_NOT_EXTENDED = 510,
    /// 511 Network Authentication Required.
    AWS_HTTP_STATUS_CODE_511_NETWORK_AUTHENTICATION_REQUIRED = 511,
}

//! `aws/io/io.h`: the error codes of aws-c-io, numbered as upstream numbers them (the
//! enumerators' doc comments are the descriptions `aws_error_str` gives).

/// The error codes of aws-c-io (1024 to 2047).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage,
)]
pub enum aws_io_errors {
    /// The channel handler cannot accept a message travelling in this direction.
    AWS_IO_CHANNEL_ERROR_ERROR_CANT_ACCEPT_INPUT = 1024,
    /// The channel message has a type that the message pool does not recognize.
    AWS_IO_CHANNEL_UNKNOWN_MESSAGE_TYPE = 1025,
    /// A channel handler passed on a read larger than the next handler's read window.
    AWS_IO_CHANNEL_READ_WOULD_EXCEED_WINDOW = 1026,
    /// The I/O handle is already assigned to an event loop and cannot be assigned again.
    AWS_IO_EVENT_LOOP_ALREADY_ASSIGNED = 1027,
    /// The event loop shut down while a resource still used it; the resource was detached.
    AWS_IO_EVENT_LOOP_SHUTDOWN = 1028,
    /// The TLS handshake with the peer failed.
    AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE = 1029,
    /// Data was read or written before the TLS handshake completed.
    AWS_IO_TLS_ERROR_NOT_NEGOTIATED = 1030,
    /// Writing data through the TLS handler failed.
    AWS_IO_TLS_ERROR_WRITE_FAILURE = 1031,
    /// The peer sent a fatal TLS alert.
    AWS_IO_TLS_ERROR_ALERT_RECEIVED = 1032,
    /// The TLS context could not be created from the given options.
    AWS_IO_TLS_CTX_ERROR = 1033,
    /// The requested TLS version is unsupported; AWS_IO_TLS_VER_SYS_DEFAULTS is the safe choice.
    AWS_IO_TLS_VERSION_UNSUPPORTED = 1034,
    /// The requested TLS cipher preference is not supported on this platform.
    AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED = 1035,
    /// The result of ALPN protocol negotiation was expected but never arrived.
    AWS_IO_MISSING_ALPN_MESSAGE = 1036,
    /// An ALPN protocol was negotiated, but the user created no handler for it.
    AWS_IO_UNHANDLED_ALPN_PROTOCOL_MESSAGE = 1037,
    /// A certificate or key was read, but its contents failed validation.
    AWS_IO_FILE_VALIDATION_FAILURE = 1038,
    /// This operation may only be performed on the event loop's own thread.
    AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY = 1039,
    /// The I/O handle is already subscribed to events.
    AWS_ERROR_IO_ALREADY_SUBSCRIBED = 1040,
    /// The I/O handle is not subscribed to events.
    AWS_ERROR_IO_NOT_SUBSCRIBED = 1041,
    /// The operation was cancelled before it could finish.
    AWS_ERROR_IO_OPERATION_CANCELLED = 1042,
    /// No data is available yet and reading would block; try again later.
    AWS_IO_READ_WOULD_BLOCK = 1043,
    /// A read or write was attempted on an I/O handle that is already closed.
    AWS_IO_BROKEN_PIPE = 1044,
    /// The socket address family is not supported.
    AWS_IO_SOCKET_UNSUPPORTED_ADDRESS_FAMILY = 1045,
    /// The operation is not valid for this socket's type (stream or datagram).
    AWS_IO_SOCKET_INVALID_OPERATION_FOR_TYPE = 1046,
    /// The remote host refused the connection.
    AWS_IO_SOCKET_CONNECTION_REFUSED = 1047,
    /// The socket operation did not complete before its timeout.
    AWS_IO_SOCKET_TIMEOUT = 1048,
    /// The connection failed because there is no network route to the host.
    AWS_IO_SOCKET_NO_ROUTE_TO_HOST = 1049,
    /// The network is down or unreachable.
    AWS_IO_SOCKET_NETWORK_DOWN = 1050,
    /// The socket has been closed.
    AWS_IO_SOCKET_CLOSED = 1051,
    /// The socket is not connected.
    AWS_IO_SOCKET_NOT_CONNECTED = 1052,
    /// The socket options are invalid or could not be applied.
    AWS_IO_SOCKET_INVALID_OPTIONS = 1053,
    /// The socket address is already in use by another socket.
    AWS_IO_SOCKET_ADDRESS_IN_USE = 1054,
    /// The socket address is invalid.
    AWS_IO_SOCKET_INVALID_ADDRESS = 1055,
    /// The operation is not allowed in the socket's current state.
    AWS_IO_SOCKET_ILLEGAL_OPERATION_FOR_STATE = 1056,
    /// The connection was aborted before it could be fully established or accepted.
    AWS_IO_SOCKET_CONNECT_ABORTED = 1057,
    /// The DNS lookup failed with an error that retrying will not fix.
    AWS_IO_DNS_QUERY_FAILED = 1058,
    /// The host name is not valid for DNS resolution.
    AWS_IO_DNS_INVALID_NAME = 1059,
    /// DNS resolution found no addresses for the host name.
    AWS_IO_DNS_NO_ADDRESS_FOR_HOST = 1060,
    /// The host's entries were purged from the local DNS resolver cache.
    AWS_IO_DNS_HOST_REMOVED_FROM_CACHE = 1061,
    /// The seek position lies outside the bounds of the stream.
    AWS_IO_STREAM_INVALID_SEEK_POSITION = 1062,
    /// Reading from the stream's underlying source failed.
    AWS_IO_STREAM_READ_FAILED = 1063,
    /// The file handle is invalid (deprecated code; AWS_ERROR_INVALID_FILE_HANDLE replaces it).
    DEPRECATED_AWS_IO_INVALID_FILE_HANDLE = 1064,
    /// The shared library could not be loaded.
    AWS_IO_SHARED_LIBRARY_LOAD_FAILURE = 1065,
    /// The symbol could not be found in the loaded shared library.
    AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE = 1066,
    /// The channel was shut down because the TLS handshake timed out.
    AWS_IO_TLS_NEGOTIATION_TIMEOUT = 1067,
    /// The channel was shut down because the peer sent a TLS alert other than close_notify.
    AWS_IO_TLS_ALERT_NOT_GRACEFUL = 1068,
    /// No retry is possible because the maximum number of retries was reached.
    AWS_IO_MAX_RETRIES_EXCEEDED = 1069,
    /// The retry strategy refused to allow another attempt.
    AWS_IO_RETRY_PERMISSION_DENIED = 1070,
    /// The digest algorithm requested for a TLS signature is not supported.
    AWS_IO_TLS_DIGEST_ALGORITHM_UNSUPPORTED = 1071,
    /// The TLS signature algorithm is not supported.
    AWS_IO_TLS_SIGNATURE_ALGORITHM_UNSUPPORTED = 1072,
    /// The PKCS#11 library implements an API version that is not supported.
    AWS_ERROR_PKCS11_VERSION_UNSUPPORTED = 1073,
    /// Not exactly one PKCS#11 token matched the search criteria (none or several did).
    AWS_ERROR_PKCS11_TOKEN_NOT_FOUND = 1074,
    /// Not exactly one PKCS#11 private key matched the search criteria (none or several did).
    AWS_ERROR_PKCS11_KEY_NOT_FOUND = 1075,
    /// The PKCS#11 key is of a type that is not supported.
    AWS_ERROR_PKCS11_KEY_TYPE_UNSUPPORTED = 1076,
    /// A PKCS#11 function returned an unrecognized CKR_ value; see the log for details.
    AWS_ERROR_PKCS11_UNKNOWN_CRYPTOKI_RETURN_VALUE = 1077,
    /// PKCS#11 call failed with CKR_CANCEL: an application callback cancelled it.
    AWS_ERROR_PKCS11_CKR_CANCEL = 1078,
    /// PKCS#11 call failed with CKR_HOST_MEMORY: the host ran out of memory.
    AWS_ERROR_PKCS11_CKR_HOST_MEMORY = 1079,
    /// PKCS#11 call failed with CKR_SLOT_ID_INVALID: the slot ID does not exist.
    AWS_ERROR_PKCS11_CKR_SLOT_ID_INVALID = 1080,
    /// PKCS#11 call failed with CKR_GENERAL_ERROR: an unrecoverable error occurred.
    AWS_ERROR_PKCS11_CKR_GENERAL_ERROR = 1081,
    /// PKCS#11 call failed with CKR_FUNCTION_FAILED: the function could not be performed.
    AWS_ERROR_PKCS11_CKR_FUNCTION_FAILED = 1082,
    /// PKCS#11 call failed with CKR_ARGUMENTS_BAD: its arguments were invalid.
    AWS_ERROR_PKCS11_CKR_ARGUMENTS_BAD = 1083,
    /// PKCS#11 call failed with CKR_NO_EVENT: no slot event was pending.
    AWS_ERROR_PKCS11_CKR_NO_EVENT = 1084,
    /// PKCS#11 call failed with CKR_NEED_TO_CREATE_THREADS: the library must create its own threads.
    AWS_ERROR_PKCS11_CKR_NEED_TO_CREATE_THREADS = 1085,
    /// PKCS#11 call failed with CKR_CANT_LOCK: the requested locking model is unavailable.
    AWS_ERROR_PKCS11_CKR_CANT_LOCK = 1086,
    /// PKCS#11 call failed with CKR_ATTRIBUTE_READ_ONLY: the attribute cannot be modified.
    AWS_ERROR_PKCS11_CKR_ATTRIBUTE_READ_ONLY = 1087,
    /// PKCS#11 call failed with CKR_ATTRIBUTE_SENSITIVE: the attribute value cannot be revealed.
    AWS_ERROR_PKCS11_CKR_ATTRIBUTE_SENSITIVE = 1088,
    /// PKCS#11 call failed with CKR_ATTRIBUTE_TYPE_INVALID: the attribute type is not valid.
    AWS_ERROR_PKCS11_CKR_ATTRIBUTE_TYPE_INVALID = 1089,
    /// PKCS#11 call failed with CKR_ATTRIBUTE_VALUE_INVALID: an attribute value is invalid.
    AWS_ERROR_PKCS11_CKR_ATTRIBUTE_VALUE_INVALID = 1090,
    /// PKCS#11 call failed with CKR_ACTION_PROHIBITED: policy forbids this action.
    AWS_ERROR_PKCS11_CKR_ACTION_PROHIBITED = 1091,
    /// PKCS#11 call failed with CKR_DATA_INVALID: the input data is invalid.
    AWS_ERROR_PKCS11_CKR_DATA_INVALID = 1092,
    /// PKCS#11 call failed with CKR_DATA_LEN_RANGE: the input data has an invalid length.
    AWS_ERROR_PKCS11_CKR_DATA_LEN_RANGE = 1093,
    /// PKCS#11 call failed with CKR_DEVICE_ERROR: the token or slot reported a problem.
    AWS_ERROR_PKCS11_CKR_DEVICE_ERROR = 1094,
    /// PKCS#11 call failed with CKR_DEVICE_MEMORY: the token ran out of memory.
    AWS_ERROR_PKCS11_CKR_DEVICE_MEMORY = 1095,
    /// PKCS#11 call failed with CKR_DEVICE_REMOVED: the token was removed during the call.
    AWS_ERROR_PKCS11_CKR_DEVICE_REMOVED = 1096,
    /// PKCS#11 call failed with CKR_ENCRYPTED_DATA_INVALID: the ciphertext is invalid.
    AWS_ERROR_PKCS11_CKR_ENCRYPTED_DATA_INVALID = 1097,
    /// PKCS#11 call failed with CKR_ENCRYPTED_DATA_LEN_RANGE: the ciphertext length is invalid.
    AWS_ERROR_PKCS11_CKR_ENCRYPTED_DATA_LEN_RANGE = 1098,
    /// PKCS#11 call failed with CKR_FUNCTION_CANCELED: the function was cancelled.
    AWS_ERROR_PKCS11_CKR_FUNCTION_CANCELED = 1099,
    /// PKCS#11 call failed with CKR_FUNCTION_NOT_PARALLEL: no function is running in parallel.
    AWS_ERROR_PKCS11_CKR_FUNCTION_NOT_PARALLEL = 1100,
    /// PKCS#11 call failed with CKR_FUNCTION_NOT_SUPPORTED: the library does not implement it.
    AWS_ERROR_PKCS11_CKR_FUNCTION_NOT_SUPPORTED = 1101,
    /// PKCS#11 call failed with CKR_KEY_HANDLE_INVALID: the key handle is not valid.
    AWS_ERROR_PKCS11_CKR_KEY_HANDLE_INVALID = 1102,
    /// PKCS#11 call failed with CKR_KEY_SIZE_RANGE: the key size is out of range.
    AWS_ERROR_PKCS11_CKR_KEY_SIZE_RANGE = 1103,
    /// PKCS#11 call failed with CKR_KEY_TYPE_INCONSISTENT: wrong key type for the mechanism.
    AWS_ERROR_PKCS11_CKR_KEY_TYPE_INCONSISTENT = 1104,
    /// PKCS#11 call failed with CKR_KEY_NOT_NEEDED: a key was given where none is needed.
    AWS_ERROR_PKCS11_CKR_KEY_NOT_NEEDED = 1105,
    /// PKCS#11 call failed with CKR_KEY_CHANGED: the key differs from the one used before.
    AWS_ERROR_PKCS11_CKR_KEY_CHANGED = 1106,
    /// PKCS#11 call failed with CKR_KEY_NEEDED: a required key was not given.
    AWS_ERROR_PKCS11_CKR_KEY_NEEDED = 1107,
    /// PKCS#11 call failed with CKR_KEY_INDIGESTIBLE: the key cannot be digested.
    AWS_ERROR_PKCS11_CKR_KEY_INDIGESTIBLE = 1108,
    /// PKCS#11 call failed with CKR_KEY_FUNCTION_NOT_PERMITTED: the key's attributes forbid this use.
    AWS_ERROR_PKCS11_CKR_KEY_FUNCTION_NOT_PERMITTED = 1109,
    /// PKCS#11 call failed with CKR_KEY_NOT_WRAPPABLE: the key cannot be wrapped.
    AWS_ERROR_PKCS11_CKR_KEY_NOT_WRAPPABLE = 1110,
    /// PKCS#11 call failed with CKR_KEY_UNEXTRACTABLE: the key is not extractable.
    AWS_ERROR_PKCS11_CKR_KEY_UNEXTRACTABLE = 1111,
    /// PKCS#11 call failed with CKR_MECHANISM_INVALID: the mechanism is not valid here.
    AWS_ERROR_PKCS11_CKR_MECHANISM_INVALID = 1112,
    /// PKCS#11 call failed with CKR_MECHANISM_PARAM_INVALID: the mechanism parameters are invalid.
    AWS_ERROR_PKCS11_CKR_MECHANISM_PARAM_INVALID = 1113,
    /// PKCS#11 call failed with CKR_OBJECT_HANDLE_INVALID: the object handle is not valid.
    AWS_ERROR_PKCS11_CKR_OBJECT_HANDLE_INVALID = 1114,
    /// PKCS#11 call failed with CKR_OPERATION_ACTIVE: another operation is in progress.
    AWS_ERROR_PKCS11_CKR_OPERATION_ACTIVE = 1115,
    /// PKCS#11 call failed with CKR_OPERATION_NOT_INITIALIZED: no operation was started.
    AWS_ERROR_PKCS11_CKR_OPERATION_NOT_INITIALIZED = 1116,
    /// PKCS#11 call failed with CKR_PIN_INCORRECT: the PIN is wrong.
    AWS_ERROR_PKCS11_CKR_PIN_INCORRECT = 1117,
    /// PKCS#11 call failed with CKR_PIN_INVALID: the PIN has invalid characters.
    AWS_ERROR_PKCS11_CKR_PIN_INVALID = 1118,
    /// PKCS#11 call failed with CKR_PIN_LEN_RANGE: the PIN is too long or too short.
    AWS_ERROR_PKCS11_CKR_PIN_LEN_RANGE = 1119,
    /// PKCS#11 call failed with CKR_PIN_EXPIRED: the PIN has expired.
    AWS_ERROR_PKCS11_CKR_PIN_EXPIRED = 1120,
    /// PKCS#11 call failed with CKR_PIN_LOCKED: the PIN is locked.
    AWS_ERROR_PKCS11_CKR_PIN_LOCKED = 1121,
    /// PKCS#11 call failed with CKR_SESSION_CLOSED: the session closed during the call.
    AWS_ERROR_PKCS11_CKR_SESSION_CLOSED = 1122,
    /// PKCS#11 call failed with CKR_SESSION_COUNT: the token has too many open sessions.
    AWS_ERROR_PKCS11_CKR_SESSION_COUNT = 1123,
    /// PKCS#11 call failed with CKR_SESSION_HANDLE_INVALID: the session handle is not valid.
    AWS_ERROR_PKCS11_CKR_SESSION_HANDLE_INVALID = 1124,
    /// PKCS#11 call failed with CKR_SESSION_PARALLEL_NOT_SUPPORTED: parallel sessions are unsupported.
    AWS_ERROR_PKCS11_CKR_SESSION_PARALLEL_NOT_SUPPORTED = 1125,
    /// PKCS#11 call failed with CKR_SESSION_READ_ONLY: the session is read-only.
    AWS_ERROR_PKCS11_CKR_SESSION_READ_ONLY = 1126,
    /// PKCS#11 call failed with CKR_SESSION_EXISTS: a session with the token is already open.
    AWS_ERROR_PKCS11_CKR_SESSION_EXISTS = 1127,
    /// PKCS#11 call failed with CKR_SESSION_READ_ONLY_EXISTS: a read-only session exists.
    AWS_ERROR_PKCS11_CKR_SESSION_READ_ONLY_EXISTS = 1128,
    /// PKCS#11 call failed with CKR_SESSION_READ_WRITE_SO_EXISTS: an SO read/write session exists.
    AWS_ERROR_PKCS11_CKR_SESSION_READ_WRITE_SO_EXISTS = 1129,
    /// PKCS#11 call failed with CKR_SIGNATURE_INVALID: the signature does not verify.
    AWS_ERROR_PKCS11_CKR_SIGNATURE_INVALID = 1130,
    /// PKCS#11 call failed with CKR_SIGNATURE_LEN_RANGE: the signature length is invalid.
    AWS_ERROR_PKCS11_CKR_SIGNATURE_LEN_RANGE = 1131,
    /// PKCS#11 call failed with CKR_TEMPLATE_INCOMPLETE: the template lacks required attributes.
    AWS_ERROR_PKCS11_CKR_TEMPLATE_INCOMPLETE = 1132,
    /// PKCS#11 call failed with CKR_TEMPLATE_INCONSISTENT: the template's attributes conflict.
    AWS_ERROR_PKCS11_CKR_TEMPLATE_INCONSISTENT = 1133,
    /// PKCS#11 call failed with CKR_TOKEN_NOT_PRESENT: no token is in the slot.
    AWS_ERROR_PKCS11_CKR_TOKEN_NOT_PRESENT = 1134,
    /// PKCS#11 call failed with CKR_TOKEN_NOT_RECOGNIZED: the token is not recognized.
    AWS_ERROR_PKCS11_CKR_TOKEN_NOT_RECOGNIZED = 1135,
    /// PKCS#11 call failed with CKR_TOKEN_WRITE_PROTECTED: the token is write-protected.
    AWS_ERROR_PKCS11_CKR_TOKEN_WRITE_PROTECTED = 1136,
    /// PKCS#11 call failed with CKR_UNWRAPPING_KEY_HANDLE_INVALID: invalid unwrapping key handle.
    AWS_ERROR_PKCS11_CKR_UNWRAPPING_KEY_HANDLE_INVALID = 1137,
    /// PKCS#11 call failed with CKR_UNWRAPPING_KEY_SIZE_RANGE: unwrapping key size out of range.
    AWS_ERROR_PKCS11_CKR_UNWRAPPING_KEY_SIZE_RANGE = 1138,
    /// PKCS#11 call failed with CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT: wrong unwrapping key type.
    AWS_ERROR_PKCS11_CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT = 1139,
    /// PKCS#11 call failed with CKR_USER_ALREADY_LOGGED_IN: the user is already logged in.
    AWS_ERROR_PKCS11_CKR_USER_ALREADY_LOGGED_IN = 1140,
    /// PKCS#11 call failed with CKR_USER_NOT_LOGGED_IN: the user must log in first.
    AWS_ERROR_PKCS11_CKR_USER_NOT_LOGGED_IN = 1141,
    /// PKCS#11 call failed with CKR_USER_PIN_NOT_INITIALIZED: the user's PIN is not set.
    AWS_ERROR_PKCS11_CKR_USER_PIN_NOT_INITIALIZED = 1142,
    /// PKCS#11 call failed with CKR_USER_TYPE_INVALID: the user type is not valid.
    AWS_ERROR_PKCS11_CKR_USER_TYPE_INVALID = 1143,
    /// PKCS#11 call failed with CKR_USER_ANOTHER_ALREADY_LOGGED_IN: another user is logged in.
    AWS_ERROR_PKCS11_CKR_USER_ANOTHER_ALREADY_LOGGED_IN = 1144,
    /// PKCS#11 call failed with CKR_USER_TOO_MANY_TYPES: too many distinct users are logged in.
    AWS_ERROR_PKCS11_CKR_USER_TOO_MANY_TYPES = 1145,
    /// PKCS#11 call failed with CKR_WRAPPED_KEY_INVALID: the wrapped key is invalid.
    AWS_ERROR_PKCS11_CKR_WRAPPED_KEY_INVALID = 1146,
    /// PKCS#11 call failed with CKR_WRAPPED_KEY_LEN_RANGE: the wrapped key length is invalid.
    AWS_ERROR_PKCS11_CKR_WRAPPED_KEY_LEN_RANGE = 1147,
    /// PKCS#11 call failed with CKR_WRAPPING_KEY_HANDLE_INVALID: invalid wrapping key handle.
    AWS_ERROR_PKCS11_CKR_WRAPPING_KEY_HANDLE_INVALID = 1148,
    /// PKCS#11 call failed with CKR_WRAPPING_KEY_SIZE_RANGE: wrapping key size out of range.
    AWS_ERROR_PKCS11_CKR_WRAPPING_KEY_SIZE_RANGE = 1149,
    /// PKCS#11 call failed with CKR_WRAPPING_KEY_TYPE_INCONSISTENT: wrong wrapping key type.
    AWS_ERROR_PKCS11_CKR_WRAPPING_KEY_TYPE_INCONSISTENT = 1150,
    /// PKCS#11 call failed with CKR_RANDOM_SEED_NOT_SUPPORTED: the RNG cannot be seeded.
    AWS_ERROR_PKCS11_CKR_RANDOM_SEED_NOT_SUPPORTED = 1151,
    /// PKCS#11 call failed with CKR_RANDOM_NO_RNG: the token has no random number generator.
    AWS_ERROR_PKCS11_CKR_RANDOM_NO_RNG = 1152,
    /// PKCS#11 call failed with CKR_DOMAIN_PARAMS_INVALID: bad or unsupported domain parameters.
    AWS_ERROR_PKCS11_CKR_DOMAIN_PARAMS_INVALID = 1153,
    /// PKCS#11 call failed with CKR_CURVE_NOT_SUPPORTED: the elliptic curve is not supported.
    AWS_ERROR_PKCS11_CKR_CURVE_NOT_SUPPORTED = 1154,
    /// PKCS#11 call failed with CKR_BUFFER_TOO_SMALL: the output buffer is too small.
    AWS_ERROR_PKCS11_CKR_BUFFER_TOO_SMALL = 1155,
    /// PKCS#11 call failed with CKR_SAVED_STATE_INVALID: the saved state is invalid.
    AWS_ERROR_PKCS11_CKR_SAVED_STATE_INVALID = 1156,
    /// PKCS#11 call failed with CKR_INFORMATION_SENSITIVE: the information is withheld as sensitive.
    AWS_ERROR_PKCS11_CKR_INFORMATION_SENSITIVE = 1157,
    /// PKCS#11 call failed with CKR_STATE_UNSAVEABLE: the state cannot be saved.
    AWS_ERROR_PKCS11_CKR_STATE_UNSAVEABLE = 1158,
    /// PKCS#11 call failed with CKR_CRYPTOKI_NOT_INITIALIZED: C_Initialize was not called.
    AWS_ERROR_PKCS11_CKR_CRYPTOKI_NOT_INITIALIZED = 1159,
    /// PKCS#11 call failed with CKR_CRYPTOKI_ALREADY_INITIALIZED: C_Initialize was already called.
    AWS_ERROR_PKCS11_CKR_CRYPTOKI_ALREADY_INITIALIZED = 1160,
    /// PKCS#11 call failed with CKR_MUTEX_BAD: a bad mutex object was passed.
    AWS_ERROR_PKCS11_CKR_MUTEX_BAD = 1161,
    /// PKCS#11 call failed with CKR_MUTEX_NOT_LOCKED: the mutex was not locked.
    AWS_ERROR_PKCS11_CKR_MUTEX_NOT_LOCKED = 1162,
    /// PKCS#11 call failed with CKR_NEW_PIN_MODE: the token needs a new PIN.
    AWS_ERROR_PKCS11_CKR_NEW_PIN_MODE = 1163,
    /// PKCS#11 call failed with CKR_NEXT_OTP: the next one-time password is needed.
    AWS_ERROR_PKCS11_CKR_NEXT_OTP = 1164,
    /// PKCS#11 call failed with CKR_EXCEEDED_MAX_ITERATIONS: an iteration limit was exceeded.
    AWS_ERROR_PKCS11_CKR_EXCEEDED_MAX_ITERATIONS = 1165,
    /// PKCS#11 call failed with CKR_FIPS_SELF_TEST_FAILED: a FIPS self-test failed.
    AWS_ERROR_PKCS11_CKR_FIPS_SELF_TEST_FAILED = 1166,
    /// PKCS#11 call failed with CKR_LIBRARY_LOAD_FAILED: a library it needs failed to load.
    AWS_ERROR_PKCS11_CKR_LIBRARY_LOAD_FAILED = 1167,
    /// PKCS#11 call failed with CKR_PIN_TOO_WEAK: the PIN is too weak.
    AWS_ERROR_PKCS11_CKR_PIN_TOO_WEAK = 1168,
    /// PKCS#11 call failed with CKR_PUBLIC_KEY_INVALID: the public key is invalid.
    AWS_ERROR_PKCS11_CKR_PUBLIC_KEY_INVALID = 1169,
    /// PKCS#11 call failed with CKR_FUNCTION_REJECTED: the user or token rejected the request.
    AWS_ERROR_PKCS11_CKR_FUNCTION_REJECTED = 1170,
    /// The requested event loop is not part of the client bootstrap's event loop group.
    AWS_ERROR_IO_PINNED_EVENT_LOOP_MISMATCH = 1171,
    /// A PKCS#11 operation could not DER-encode an ASN.1 structure; see the log for details.
    AWS_ERROR_PKCS11_ENCODING_ERROR = 1172,
    /// No default TLS trust store exists here; install CA certificates or override the trust store.
    AWS_IO_TLS_ERROR_DEFAULT_TRUST_STORE_NOT_FOUND = 1173,
    /// Seeking in the stream's underlying source failed.
    AWS_IO_STREAM_SEEK_FAILED = 1174,
    /// Getting the length of the stream's underlying source failed.
    AWS_IO_STREAM_GET_LENGTH_FAILED = 1175,
    /// The stream's underlying source does not support seeking.
    AWS_IO_STREAM_SEEK_UNSUPPORTED = 1176,
    /// The stream's underlying source cannot report its length.
    AWS_IO_STREAM_GET_LENGTH_UNSUPPORTED = 1177,
    /// Reading data through the TLS handler failed.
    AWS_IO_TLS_ERROR_READ_FAILURE = 1178,
    /// The PEM data is malformed and could not be parsed.
    AWS_ERROR_PEM_MALFORMED = 1179,
    /// The socket is not assigned to an event loop.
    AWS_IO_SOCKET_MISSING_EVENT_LOOP = 1180,
    /// The channel was shut down because the certificate chain ends in an untrusted root.
    AWS_IO_TLS_UNKNOWN_ROOT_CERTIFICATE = 1181,
    /// The channel was shut down because no trusted root certificate could be found.
    AWS_IO_TLS_NO_ROOT_CERTIFICATE_FOUND = 1182,
    /// The channel was shut down because a TLS certificate has expired.
    AWS_IO_TLS_CERTIFICATE_EXPIRED = 1183,
    /// The channel was shut down because a TLS certificate is not valid yet.
    AWS_IO_TLS_CERTIFICATE_NOT_YET_VALID = 1184,
    /// The channel was shut down because a TLS certificate is malformed.
    AWS_IO_TLS_BAD_CERTIFICATE = 1185,
    /// The channel was shut down because the peer's TLS certificate has expired.
    AWS_IO_TLS_PEER_CERTIFICATE_EXPIRED = 1186,
    /// The channel was shut down because the peer's TLS certificate is malformed or invalid.
    AWS_IO_TLS_BAD_PEER_CERTIFICATE = 1187,
    /// The channel was shut down because the peer's TLS certificate was revoked.
    AWS_IO_TLS_PEER_CERTIFICATE_REVOKED = 1188,
    /// The channel was shut down because the peer's TLS certificate is not recognized.
    AWS_IO_TLS_PEER_CERTIFICATE_UNKNOWN = 1189,
    /// The channel was shut down because of an internal error in the TLS library.
    AWS_IO_TLS_INTERNAL_ERROR = 1190,
    /// The channel was shut down because the peer closed the TLS connection cleanly.
    AWS_IO_TLS_CLOSED_GRACEFUL = 1191,
    /// The channel was shut down because the TLS connection was aborted by an error.
    AWS_IO_TLS_CLOSED_ABORT = 1192,
    /// The channel was shut down because the TLS certificate chain is invalid.
    AWS_IO_TLS_INVALID_CERTIFICATE_CHAIN = 1193,
    /// The channel was shut down because the certificate does not match the server's host name.
    AWS_IO_TLS_HOST_NAME_MISMATCH = 1194,
    /// DNS resolution failed temporarily; try again later.
    AWS_IO_DNS_QUERY_AGAIN = 1195,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_IO_ERROR_END_RANGE = 2047,
    /// The file handle or descriptor is invalid or already closed.
    AWS_IO_INVALID_FILE_HANDLE = 50,
}
crate::c_enum!(aws_io_errors);

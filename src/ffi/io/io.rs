//! `aws/io/io.h`: the error codes of aws-c-io and its library init.

/// The error codes of aws-c-io (1024 to 2047).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage)]
pub enum aws_io_errors {
    /// Channel error error cant accept input.
    AWS_IO_CHANNEL_ERROR_ERROR_CANT_ACCEPT_INPUT = 1024,
    /// Channel unknown message type.
    AWS_IO_CHANNEL_UNKNOWN_MESSAGE_TYPE = 1025,
    /// Channel read would exceed window.
    AWS_IO_CHANNEL_READ_WOULD_EXCEED_WINDOW = 1026,
    /// Event loop already assigned.
    AWS_IO_EVENT_LOOP_ALREADY_ASSIGNED = 1027,
    /// Event loop shutdown.
    AWS_IO_EVENT_LOOP_SHUTDOWN = 1028,
    /// TLS error negotiation failure.
    AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE = 1029,
    /// TLS error not negotiated.
    AWS_IO_TLS_ERROR_NOT_NEGOTIATED = 1030,
    /// TLS error write failure.
    AWS_IO_TLS_ERROR_WRITE_FAILURE = 1031,
    /// TLS error alert received.
    AWS_IO_TLS_ERROR_ALERT_RECEIVED = 1032,
    /// TLS ctx error.
    AWS_IO_TLS_CTX_ERROR = 1033,
    /// TLS version unsupported.
    AWS_IO_TLS_VERSION_UNSUPPORTED = 1034,
    /// TLS cipher pref unsupported.
    AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED = 1035,
    /// Missing ALPN message.
    AWS_IO_MISSING_ALPN_MESSAGE = 1036,
    /// Unhandled ALPN protocol message.
    AWS_IO_UNHANDLED_ALPN_PROTOCOL_MESSAGE = 1037,
    /// File validation failure.
    AWS_IO_FILE_VALIDATION_FAILURE = 1038,
    /// I/O event loop thread only.
    AWS_ERROR_IO_EVENT_LOOP_THREAD_ONLY = 1039,
    /// I/O already subscribed.
    AWS_ERROR_IO_ALREADY_SUBSCRIBED = 1040,
    /// I/O not subscribed.
    AWS_ERROR_IO_NOT_SUBSCRIBED = 1041,
    /// I/O operation cancelled.
    AWS_ERROR_IO_OPERATION_CANCELLED = 1042,
    /// Read would block.
    AWS_IO_READ_WOULD_BLOCK = 1043,
    /// Broken pipe.
    AWS_IO_BROKEN_PIPE = 1044,
    /// Socket unsupported address family.
    AWS_IO_SOCKET_UNSUPPORTED_ADDRESS_FAMILY = 1045,
    /// Socket invalid operation for type.
    AWS_IO_SOCKET_INVALID_OPERATION_FOR_TYPE = 1046,
    /// Socket connection refused.
    AWS_IO_SOCKET_CONNECTION_REFUSED = 1047,
    /// Socket timeout.
    AWS_IO_SOCKET_TIMEOUT = 1048,
    /// Socket no route to host.
    AWS_IO_SOCKET_NO_ROUTE_TO_HOST = 1049,
    /// Socket network down.
    AWS_IO_SOCKET_NETWORK_DOWN = 1050,
    /// Socket closed.
    AWS_IO_SOCKET_CLOSED = 1051,
    /// Socket not connected.
    AWS_IO_SOCKET_NOT_CONNECTED = 1052,
    /// Socket invalid options.
    AWS_IO_SOCKET_INVALID_OPTIONS = 1053,
    /// Socket address in use.
    AWS_IO_SOCKET_ADDRESS_IN_USE = 1054,
    /// Socket invalid address.
    AWS_IO_SOCKET_INVALID_ADDRESS = 1055,
    /// Socket illegal operation for state.
    AWS_IO_SOCKET_ILLEGAL_OPERATION_FOR_STATE = 1056,
    /// Socket connect aborted.
    AWS_IO_SOCKET_CONNECT_ABORTED = 1057,
    /// DNS query failed.
    AWS_IO_DNS_QUERY_FAILED = 1058,
    /// DNS invalid name.
    AWS_IO_DNS_INVALID_NAME = 1059,
    /// DNS no address for host.
    AWS_IO_DNS_NO_ADDRESS_FOR_HOST = 1060,
    /// DNS host removed from cache.
    AWS_IO_DNS_HOST_REMOVED_FROM_CACHE = 1061,
    /// Stream invalid seek position.
    AWS_IO_STREAM_INVALID_SEEK_POSITION = 1062,
    /// Stream read failed.
    AWS_IO_STREAM_READ_FAILED = 1063,
    /// Deprecated aws I/O invalid file handle.
    DEPRECATED_AWS_IO_INVALID_FILE_HANDLE = 1064,
    /// Shared library load failure.
    AWS_IO_SHARED_LIBRARY_LOAD_FAILURE = 1065,
    /// Shared library find symbol failure.
    AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE = 1066,
    /// TLS negotiation timeout.
    AWS_IO_TLS_NEGOTIATION_TIMEOUT = 1067,
    /// TLS alert not graceful.
    AWS_IO_TLS_ALERT_NOT_GRACEFUL = 1068,
    /// Max retries exceeded.
    AWS_IO_MAX_RETRIES_EXCEEDED = 1069,
    /// Retry permission denied.
    AWS_IO_RETRY_PERMISSION_DENIED = 1070,
    /// TLS digest algorithm unsupported.
    AWS_IO_TLS_DIGEST_ALGORITHM_UNSUPPORTED = 1071,
    /// TLS signature algorithm unsupported.
    AWS_IO_TLS_SIGNATURE_ALGORITHM_UNSUPPORTED = 1072,
    /// PKCS#11 version unsupported.
    AWS_ERROR_PKCS11_VERSION_UNSUPPORTED = 1073,
    /// PKCS#11 token not found.
    AWS_ERROR_PKCS11_TOKEN_NOT_FOUND = 1074,
    /// PKCS#11 key not found.
    AWS_ERROR_PKCS11_KEY_NOT_FOUND = 1075,
    /// PKCS#11 key type unsupported.
    AWS_ERROR_PKCS11_KEY_TYPE_UNSUPPORTED = 1076,
    /// PKCS#11 unknown cryptoki return value.
    AWS_ERROR_PKCS11_UNKNOWN_CRYPTOKI_RETURN_VALUE = 1077,
    /// PKCS#11 CKR cancel.
    AWS_ERROR_PKCS11_CKR_CANCEL = 1078,
    /// PKCS#11 CKR host memory.
    AWS_ERROR_PKCS11_CKR_HOST_MEMORY = 1079,
    /// PKCS#11 CKR slot ID invalid.
    AWS_ERROR_PKCS11_CKR_SLOT_ID_INVALID = 1080,
    /// PKCS#11 CKR general error.
    AWS_ERROR_PKCS11_CKR_GENERAL_ERROR = 1081,
    /// PKCS#11 CKR function failed.
    AWS_ERROR_PKCS11_CKR_FUNCTION_FAILED = 1082,
    /// PKCS#11 CKR arguments bad.
    AWS_ERROR_PKCS11_CKR_ARGUMENTS_BAD = 1083,
    /// PKCS#11 CKR no event.
    AWS_ERROR_PKCS11_CKR_NO_EVENT = 1084,
    /// PKCS#11 CKR need to create threads.
    AWS_ERROR_PKCS11_CKR_NEED_TO_CREATE_THREADS = 1085,
    /// PKCS#11 CKR cant lock.
    AWS_ERROR_PKCS11_CKR_CANT_LOCK = 1086,
    /// PKCS#11 CKR attribute read only.
    AWS_ERROR_PKCS11_CKR_ATTRIBUTE_READ_ONLY = 1087,
    /// PKCS#11 CKR attribute sensitive.
    AWS_ERROR_PKCS11_CKR_ATTRIBUTE_SENSITIVE = 1088,
    /// PKCS#11 CKR attribute type invalid.
    AWS_ERROR_PKCS11_CKR_ATTRIBUTE_TYPE_INVALID = 1089,
    /// PKCS#11 CKR attribute value invalid.
    AWS_ERROR_PKCS11_CKR_ATTRIBUTE_VALUE_INVALID = 1090,
    /// PKCS#11 CKR action prohibited.
    AWS_ERROR_PKCS11_CKR_ACTION_PROHIBITED = 1091,
    /// PKCS#11 CKR data invalid.
    AWS_ERROR_PKCS11_CKR_DATA_INVALID = 1092,
    /// PKCS#11 CKR data len range.
    AWS_ERROR_PKCS11_CKR_DATA_LEN_RANGE = 1093,
    /// PKCS#11 CKR device error.
    AWS_ERROR_PKCS11_CKR_DEVICE_ERROR = 1094,
    /// PKCS#11 CKR device memory.
    AWS_ERROR_PKCS11_CKR_DEVICE_MEMORY = 1095,
    /// PKCS#11 CKR device removed.
    AWS_ERROR_PKCS11_CKR_DEVICE_REMOVED = 1096,
    /// PKCS#11 CKR encrypted data invalid.
    AWS_ERROR_PKCS11_CKR_ENCRYPTED_DATA_INVALID = 1097,
    /// PKCS#11 CKR encrypted data len range.
    AWS_ERROR_PKCS11_CKR_ENCRYPTED_DATA_LEN_RANGE = 1098,
    /// PKCS#11 CKR function canceled.
    AWS_ERROR_PKCS11_CKR_FUNCTION_CANCELED = 1099,
    /// PKCS#11 CKR function not parallel.
    AWS_ERROR_PKCS11_CKR_FUNCTION_NOT_PARALLEL = 1100,
    /// PKCS#11 CKR function not supported.
    AWS_ERROR_PKCS11_CKR_FUNCTION_NOT_SUPPORTED = 1101,
    /// PKCS#11 CKR key handle invalid.
    AWS_ERROR_PKCS11_CKR_KEY_HANDLE_INVALID = 1102,
    /// PKCS#11 CKR key size range.
    AWS_ERROR_PKCS11_CKR_KEY_SIZE_RANGE = 1103,
    /// PKCS#11 CKR key type inconsistent.
    AWS_ERROR_PKCS11_CKR_KEY_TYPE_INCONSISTENT = 1104,
    /// PKCS#11 CKR key not needed.
    AWS_ERROR_PKCS11_CKR_KEY_NOT_NEEDED = 1105,
    /// PKCS#11 CKR key changed.
    AWS_ERROR_PKCS11_CKR_KEY_CHANGED = 1106,
    /// PKCS#11 CKR key needed.
    AWS_ERROR_PKCS11_CKR_KEY_NEEDED = 1107,
    /// PKCS#11 CKR key indigestible.
    AWS_ERROR_PKCS11_CKR_KEY_INDIGESTIBLE = 1108,
    /// PKCS#11 CKR key function not permitted.
    AWS_ERROR_PKCS11_CKR_KEY_FUNCTION_NOT_PERMITTED = 1109,
    /// PKCS#11 CKR key not wrappable.
    AWS_ERROR_PKCS11_CKR_KEY_NOT_WRAPPABLE = 1110,
    /// PKCS#11 CKR key unextractable.
    AWS_ERROR_PKCS11_CKR_KEY_UNEXTRACTABLE = 1111,
    /// PKCS#11 CKR mechanism invalid.
    AWS_ERROR_PKCS11_CKR_MECHANISM_INVALID = 1112,
    /// PKCS#11 CKR mechanism param invalid.
    AWS_ERROR_PKCS11_CKR_MECHANISM_PARAM_INVALID = 1113,
    /// PKCS#11 CKR object handle invalid.
    AWS_ERROR_PKCS11_CKR_OBJECT_HANDLE_INVALID = 1114,
    /// PKCS#11 CKR operation active.
    AWS_ERROR_PKCS11_CKR_OPERATION_ACTIVE = 1115,
    /// PKCS#11 CKR operation not initialized.
    AWS_ERROR_PKCS11_CKR_OPERATION_NOT_INITIALIZED = 1116,
    /// PKCS#11 CKR pin incorrect.
    AWS_ERROR_PKCS11_CKR_PIN_INCORRECT = 1117,
    /// PKCS#11 CKR pin invalid.
    AWS_ERROR_PKCS11_CKR_PIN_INVALID = 1118,
    /// PKCS#11 CKR pin len range.
    AWS_ERROR_PKCS11_CKR_PIN_LEN_RANGE = 1119,
    /// PKCS#11 CKR pin expired.
    AWS_ERROR_PKCS11_CKR_PIN_EXPIRED = 1120,
    /// PKCS#11 CKR pin locked.
    AWS_ERROR_PKCS11_CKR_PIN_LOCKED = 1121,
    /// PKCS#11 CKR session closed.
    AWS_ERROR_PKCS11_CKR_SESSION_CLOSED = 1122,
    /// PKCS#11 CKR session count.
    AWS_ERROR_PKCS11_CKR_SESSION_COUNT = 1123,
    /// PKCS#11 CKR session handle invalid.
    AWS_ERROR_PKCS11_CKR_SESSION_HANDLE_INVALID = 1124,
    /// PKCS#11 CKR session parallel not supported.
    AWS_ERROR_PKCS11_CKR_SESSION_PARALLEL_NOT_SUPPORTED = 1125,
    /// PKCS#11 CKR session read only.
    AWS_ERROR_PKCS11_CKR_SESSION_READ_ONLY = 1126,
    /// PKCS#11 CKR session exists.
    AWS_ERROR_PKCS11_CKR_SESSION_EXISTS = 1127,
    /// PKCS#11 CKR session read only exists.
    AWS_ERROR_PKCS11_CKR_SESSION_READ_ONLY_EXISTS = 1128,
    /// PKCS#11 CKR session read write so exists.
    AWS_ERROR_PKCS11_CKR_SESSION_READ_WRITE_SO_EXISTS = 1129,
    /// PKCS#11 CKR signature invalid.
    AWS_ERROR_PKCS11_CKR_SIGNATURE_INVALID = 1130,
    /// PKCS#11 CKR signature len range.
    AWS_ERROR_PKCS11_CKR_SIGNATURE_LEN_RANGE = 1131,
    /// PKCS#11 CKR template incomplete.
    AWS_ERROR_PKCS11_CKR_TEMPLATE_INCOMPLETE = 1132,
    /// PKCS#11 CKR template inconsistent.
    AWS_ERROR_PKCS11_CKR_TEMPLATE_INCONSISTENT = 1133,
    /// PKCS#11 CKR token not present.
    AWS_ERROR_PKCS11_CKR_TOKEN_NOT_PRESENT = 1134,
    /// PKCS#11 CKR token not recognized.
    AWS_ERROR_PKCS11_CKR_TOKEN_NOT_RECOGNIZED = 1135,
    /// PKCS#11 CKR token write protected.
    AWS_ERROR_PKCS11_CKR_TOKEN_WRITE_PROTECTED = 1136,
    /// PKCS#11 CKR unwrapping key handle invalid.
    AWS_ERROR_PKCS11_CKR_UNWRAPPING_KEY_HANDLE_INVALID = 1137,
    /// PKCS#11 CKR unwrapping key size range.
    AWS_ERROR_PKCS11_CKR_UNWRAPPING_KEY_SIZE_RANGE = 1138,
    /// PKCS#11 CKR unwrapping key type inconsistent.
    AWS_ERROR_PKCS11_CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT = 1139,
    /// PKCS#11 CKR user already logged in.
    AWS_ERROR_PKCS11_CKR_USER_ALREADY_LOGGED_IN = 1140,
    /// PKCS#11 CKR user not logged in.
    AWS_ERROR_PKCS11_CKR_USER_NOT_LOGGED_IN = 1141,
    /// PKCS#11 CKR user pin not initialized.
    AWS_ERROR_PKCS11_CKR_USER_PIN_NOT_INITIALIZED = 1142,
    /// PKCS#11 CKR user type invalid.
    AWS_ERROR_PKCS11_CKR_USER_TYPE_INVALID = 1143,
    /// PKCS#11 CKR user another already logged in.
    AWS_ERROR_PKCS11_CKR_USER_ANOTHER_ALREADY_LOGGED_IN = 1144,
    /// PKCS#11 CKR user too many types.
    AWS_ERROR_PKCS11_CKR_USER_TOO_MANY_TYPES = 1145,
    /// PKCS#11 CKR wrapped key invalid.
    AWS_ERROR_PKCS11_CKR_WRAPPED_KEY_INVALID = 1146,
    /// PKCS#11 CKR wrapped key len range.
    AWS_ERROR_PKCS11_CKR_WRAPPED_KEY_LEN_RANGE = 1147,
    /// PKCS#11 CKR wrapping key handle invalid.
    AWS_ERROR_PKCS11_CKR_WRAPPING_KEY_HANDLE_INVALID = 1148,
    /// PKCS#11 CKR wrapping key size range.
    AWS_ERROR_PKCS11_CKR_WRAPPING_KEY_SIZE_RANGE = 1149,
    /// PKCS#11 CKR wrapping key type inconsistent.
    AWS_ERROR_PKCS11_CKR_WRAPPING_KEY_TYPE_INCONSISTENT = 1150,
    /// PKCS#11 CKR random seed not supported.
    AWS_ERROR_PKCS11_CKR_RANDOM_SEED_NOT_SUPPORTED = 1151,
    /// PKCS#11 CKR random no rng.
    AWS_ERROR_PKCS11_CKR_RANDOM_NO_RNG = 1152,
    /// PKCS#11 CKR domain params invalid.
    AWS_ERROR_PKCS11_CKR_DOMAIN_PARAMS_INVALID = 1153,
    /// PKCS#11 CKR curve not supported.
    AWS_ERROR_PKCS11_CKR_CURVE_NOT_SUPPORTED = 1154,
    /// PKCS#11 CKR buffer too small.
    AWS_ERROR_PKCS11_CKR_BUFFER_TOO_SMALL = 1155,
    /// PKCS#11 CKR saved state invalid.
    AWS_ERROR_PKCS11_CKR_SAVED_STATE_INVALID = 1156,
    /// PKCS#11 CKR information sensitive.
    AWS_ERROR_PKCS11_CKR_INFORMATION_SENSITIVE = 1157,
    /// PKCS#11 CKR state unsaveable.
    AWS_ERROR_PKCS11_CKR_STATE_UNSAVEABLE = 1158,
    /// PKCS#11 CKR cryptoki not initialized.
    AWS_ERROR_PKCS11_CKR_CRYPTOKI_NOT_INITIALIZED = 1159,
    /// PKCS#11 CKR cryptoki already initialized.
    AWS_ERROR_PKCS11_CKR_CRYPTOKI_ALREADY_INITIALIZED = 1160,
    /// PKCS#11 CKR mutex bad.
    AWS_ERROR_PKCS11_CKR_MUTEX_BAD = 1161,
    /// PKCS#11 CKR mutex not locked.
    AWS_ERROR_PKCS11_CKR_MUTEX_NOT_LOCKED = 1162,
    /// PKCS#11 CKR new pin mode.
    AWS_ERROR_PKCS11_CKR_NEW_PIN_MODE = 1163,
    /// PKCS#11 CKR next otp.
    AWS_ERROR_PKCS11_CKR_NEXT_OTP = 1164,
    /// PKCS#11 CKR exceeded max iterations.
    AWS_ERROR_PKCS11_CKR_EXCEEDED_MAX_ITERATIONS = 1165,
    /// PKCS#11 CKR fips self test failed.
    AWS_ERROR_PKCS11_CKR_FIPS_SELF_TEST_FAILED = 1166,
    /// PKCS#11 CKR library load failed.
    AWS_ERROR_PKCS11_CKR_LIBRARY_LOAD_FAILED = 1167,
    /// PKCS#11 CKR pin too weak.
    AWS_ERROR_PKCS11_CKR_PIN_TOO_WEAK = 1168,
    /// PKCS#11 CKR public key invalid.
    AWS_ERROR_PKCS11_CKR_PUBLIC_KEY_INVALID = 1169,
    /// PKCS#11 CKR function rejected.
    AWS_ERROR_PKCS11_CKR_FUNCTION_REJECTED = 1170,
    /// I/O pinned event loop mismatch.
    AWS_ERROR_IO_PINNED_EVENT_LOOP_MISMATCH = 1171,
    /// PKCS#11 encoding error.
    AWS_ERROR_PKCS11_ENCODING_ERROR = 1172,
    /// TLS error default trust store not found.
    AWS_IO_TLS_ERROR_DEFAULT_TRUST_STORE_NOT_FOUND = 1173,
    /// Stream seek failed.
    AWS_IO_STREAM_SEEK_FAILED = 1174,
    /// Stream get length failed.
    AWS_IO_STREAM_GET_LENGTH_FAILED = 1175,
    /// Stream seek unsupported.
    AWS_IO_STREAM_SEEK_UNSUPPORTED = 1176,
    /// Stream get length unsupported.
    AWS_IO_STREAM_GET_LENGTH_UNSUPPORTED = 1177,
    /// TLS error read failure.
    AWS_IO_TLS_ERROR_READ_FAILURE = 1178,
    /// PEM malformed.
    AWS_ERROR_PEM_MALFORMED = 1179,
    /// Socket missing event loop.
    AWS_IO_SOCKET_MISSING_EVENT_LOOP = 1180,
    /// TLS unknown root certificate.
    AWS_IO_TLS_UNKNOWN_ROOT_CERTIFICATE = 1181,
    /// TLS no root certificate found.
    AWS_IO_TLS_NO_ROOT_CERTIFICATE_FOUND = 1182,
    /// TLS certificate expired.
    AWS_IO_TLS_CERTIFICATE_EXPIRED = 1183,
    /// TLS certificate not yet valid.
    AWS_IO_TLS_CERTIFICATE_NOT_YET_VALID = 1184,
    /// TLS bad certificate.
    AWS_IO_TLS_BAD_CERTIFICATE = 1185,
    /// TLS peer certificate expired.
    AWS_IO_TLS_PEER_CERTIFICATE_EXPIRED = 1186,
    /// TLS bad peer certificate.
    AWS_IO_TLS_BAD_PEER_CERTIFICATE = 1187,
    /// TLS peer certificate revoked.
    AWS_IO_TLS_PEER_CERTIFICATE_REVOKED = 1188,
    /// TLS peer certificate unknown.
    AWS_IO_TLS_PEER_CERTIFICATE_UNKNOWN = 1189,
    /// TLS internal error.
    AWS_IO_TLS_INTERNAL_ERROR = 1190,
    /// TLS closed graceful.
    AWS_IO_TLS_CLOSED_GRACEFUL = 1191,
    /// TLS closed abort.
    AWS_IO_TLS_CLOSED_ABORT = 1192,
    /// TLS invalid certificate chain.
    AWS_IO_TLS_INVALID_CERTIFICATE_CHAIN = 1193,
    /// TLS host name mismatch.
    AWS_IO_TLS_HOST_NAME_MISMATCH = 1194,
    /// DNS query again.
    AWS_IO_DNS_QUERY_AGAIN = 1195,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_IO_ERROR_END_RANGE = 2047,
    /// Invalid file handle.
    AWS_IO_INVALID_FILE_HANDLE = 50,
}
crate::c_enum!(aws_io_errors);

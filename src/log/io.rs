//! `aws/io/logging.h`: the log subjects of aws-c-io.

/// The log subjects of aws-c-io (1024 to 2047).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_io_log_subject {
    /// Messages that fit no other subject.
    AWS_LS_IO_GENERAL = 1024,
    /// Event loops.
    AWS_LS_IO_EVENT_LOOP = 1025,
    /// Sockets.
    AWS_LS_IO_SOCKET = 1026,
    /// The socket channel handler.
    AWS_LS_IO_SOCKET_HANDLER = 1027,
    /// TLS.
    AWS_LS_IO_TLS = 1028,
    /// ALPN negotiation.
    AWS_LS_IO_ALPN = 1029,
    /// Host name resolution.
    AWS_LS_IO_DNS = 1030,
    /// Certificate and key utilities.
    AWS_LS_IO_PKI = 1031,
    /// Channels.
    AWS_LS_IO_CHANNEL = 1032,
    /// The client and server bootstraps.
    AWS_LS_IO_CHANNEL_BOOTSTRAP = 1033,
    /// File helpers.
    AWS_LS_IO_FILE_UTILS = 1034,
    /// Shared library loading.
    AWS_LS_IO_SHARED_LIBRARY = 1035,
    /// The exponential backoff retry strategy.
    AWS_LS_IO_EXPONENTIAL_BACKOFF_RETRY_STRATEGY = 1036,
    /// The standard retry strategy.
    AWS_LS_IO_STANDARD_RETRY_STRATEGY = 1037,
    /// PKCS#11.
    AWS_LS_IO_PKCS11 = 1038,
    /// PEM parsing.
    AWS_LS_IO_PEM = 1039,
    /// The last value of aws-c-io's range.
    AWS_IO_LS_LAST = 2047,
}

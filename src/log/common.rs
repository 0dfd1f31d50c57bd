//! `aws/common/logging.h`: the log levels and aws-c-common's log subjects, numbered as upstream
//! numbers them.

use std::ffi::c_int;

/// How much a logger lets through: a message passes when its level is at most the logger's.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, strum::EnumIter)]
pub enum aws_log_level {
    /// Nothing is logged.
    AWS_LL_NONE = 0,
    /// The process cannot go on.
    AWS_LL_FATAL = 1,
    /// An operation failed.
    AWS_LL_ERROR = 2,
    /// Something unexpected that the library recovered from.
    AWS_LL_WARN = 3,
    /// Lifecycle events: connections opened and closed.
    AWS_LL_INFO = 4,
    /// Details useful when diagnosing a problem.
    AWS_LL_DEBUG = 5,
    /// Everything, down to individual packets.
    AWS_LL_TRACE = 6,
    /// The number of levels; not a level.
    AWS_LL_COUNT = 7,
}

/// A C `enum aws_log_level` received from C.
pub type aws_log_level_raw = c_int;

crate::c_enum!(aws_log_level);

/// A log subject: the topic a message is about. Each library owns the 1024 values from its
/// package id times 1024.
pub type aws_log_subject_t = u32;

/// The log subjects of aws-c-common (0 to 1023).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_common_log_subject {
    /// Messages that fit no other subject.
    AWS_LS_COMMON_GENERAL = 0,
    /// The task scheduler.
    AWS_LS_COMMON_TASK_SCHEDULER = 1,
    /// Threads.
    AWS_LS_COMMON_THREAD = 2,
    /// The memory tracer's dumps.
    AWS_LS_COMMON_MEMTRACE = 3,
    /// The XML parser.
    AWS_LS_COMMON_XML_PARSER = 4,
    /// File and directory helpers.
    AWS_LS_COMMON_IO = 5,
    /// The message bus.
    AWS_LS_COMMON_BUS = 6,
    /// Tests.
    AWS_LS_COMMON_TEST = 7,
    /// The JSON parser.
    AWS_LS_COMMON_JSON_PARSER = 8,
    /// The CBOR encoder and decoder.
    AWS_LS_COMMON_CBOR = 9,
    /// The last value of aws-c-common's range.
    AWS_LS_COMMON_LAST = 1023,
}

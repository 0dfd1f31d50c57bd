//! `aws/common/error.h`: the error codes of aws-c-common, numbered as upstream numbers them (the
//! enumerators' doc comments are the descriptions `aws_error_str` gives).

/// The error codes of aws-c-common (0 to 1023).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage,
)]
pub enum aws_common_error {
    /// The operation completed successfully; nothing went wrong.
    AWS_ERROR_SUCCESS = 0,
    /// A memory allocation failed because the allocator ran out of memory.
    AWS_ERROR_OOM = 1,
    /// The disk or device has no space left for the data being written.
    AWS_ERROR_NO_SPACE = 2,
    /// An error occurred whose cause could not be determined.
    AWS_ERROR_UNKNOWN = 3,
    /// The output buffer is too small to hold the result.
    AWS_ERROR_SHORT_BUFFER = 4,
    /// An arithmetic operation would overflow its fixed-size integer type.
    AWS_ERROR_OVERFLOW_DETECTED = 5,
    /// The requested operation is not supported by this object or platform.
    AWS_ERROR_UNSUPPORTED_OPERATION = 6,
    /// The buffer size given is not valid for this operation.
    AWS_ERROR_INVALID_BUFFER_SIZE = 7,
    /// The input is not a valid hexadecimal string.
    AWS_ERROR_INVALID_HEX_STR = 8,
    /// The input is not a valid base64-encoded string.
    AWS_ERROR_INVALID_BASE64_STR = 9,
    /// The index lies outside the bounds of the list.
    AWS_ERROR_INVALID_INDEX = 10,
    /// The thread could not be started because its options are invalid.
    AWS_ERROR_THREAD_INVALID_SETTINGS = 11,
    /// The system lacks the resources needed to create another thread.
    AWS_ERROR_THREAD_INSUFFICIENT_RESOURCE = 12,
    /// The caller lacks permission for the requested thread operation or settings.
    AWS_ERROR_THREAD_NO_PERMISSIONS = 13,
    /// The thread cannot be joined, for example because it is detached.
    AWS_ERROR_THREAD_NOT_JOINABLE = 14,
    /// No thread with the given ID could be found.
    AWS_ERROR_THREAD_NO_SUCH_THREAD_ID = 15,
    /// The thread operation would deadlock, for example a thread joining itself.
    AWS_ERROR_THREAD_DEADLOCK_DETECTED = 16,
    /// The mutex was used before it was initialized.
    AWS_ERROR_MUTEX_NOT_INIT = 17,
    /// Timed out while waiting to acquire the mutex.
    AWS_ERROR_MUTEX_TIMEOUT = 18,
    /// The calling thread tried to release a mutex that it does not hold.
    AWS_ERROR_MUTEX_CALLER_NOT_OWNER = 19,
    /// A mutex lock or unlock operation failed.
    AWS_ERROR_MUTEX_FAILED = 20,
    /// The condition variable could not be initialized.
    AWS_ERROR_COND_VARIABLE_INIT_FAILED = 21,
    /// The wait on the condition variable ended because its timeout expired.
    AWS_ERROR_COND_VARIABLE_TIMED_OUT = 22,
    /// A condition variable operation failed for an unexpected reason.
    AWS_ERROR_COND_VARIABLE_ERROR_UNKNOWN = 23,
    /// Reading the system clock failed.
    AWS_ERROR_CLOCK_FAILURE = 24,
    /// The list or iterator has no more items to return.
    AWS_ERROR_LIST_EMPTY = 25,
    /// The destination is too small to receive the copied data.
    AWS_ERROR_DEST_COPY_TOO_SMALL = 26,
    /// The operation would grow the list beyond its maximum size.
    AWS_ERROR_LIST_EXCEEDS_MAX_SIZE = 27,
    /// A list backed by fixed, caller-provided storage cannot be shrunk.
    AWS_ERROR_LIST_STATIC_MODE_CANT_SHRINK = 28,
    /// The fixed-capacity priority queue is full and cannot take another item.
    AWS_ERROR_PRIORITY_QUEUE_FULL = 29,
    /// The priority queue is empty, so there is nothing to pop or peek at.
    AWS_ERROR_PRIORITY_QUEUE_EMPTY = 30,
    /// The node handle given for removal does not refer to an item in the priority queue.
    AWS_ERROR_PRIORITY_QUEUE_BAD_NODE = 31,
    /// The key was not found in the hash table.
    AWS_ERROR_HASHTBL_ITEM_NOT_FOUND = 32,
    /// The date string could not be parsed in any supported format.
    AWS_ERROR_INVALID_DATE_STR = 33,
    /// A function received an invalid argument, such as an unexpected NULL pointer.
    AWS_ERROR_INVALID_ARGUMENT = 34,
    /// The system random number generator failed; try again later.
    AWS_ERROR_RANDOM_GEN_FAILED = 35,
    /// The string given to a parser is not in the expected format.
    AWS_ERROR_MALFORMED_INPUT_STRING = 36,
    /// The called function has no implementation in this build.
    AWS_ERROR_UNIMPLEMENTED = 37,
    /// The object is not in a state that allows the requested operation.
    AWS_ERROR_INVALID_STATE = 38,
    /// Reading an environment variable failed.
    AWS_ERROR_ENVIRONMENT_GET = 39,
    /// Setting an environment variable failed.
    AWS_ERROR_ENVIRONMENT_SET = 40,
    /// Removing an environment variable failed.
    AWS_ERROR_ENVIRONMENT_UNSET = 41,
    /// The stream does not support seeking.
    AWS_ERROR_STREAM_UNSEEKABLE = 42,
    /// Permission was denied for the requested action.
    AWS_ERROR_NO_PERMISSION = 43,
    /// The file path is invalid or does not exist.
    AWS_ERROR_FILE_INVALID_PATH = 44,
    /// The process or system has reached its limit of open file descriptors.
    AWS_ERROR_MAX_FDS_EXCEEDED = 45,
    /// An operating system call failed for a reason with no more specific error code.
    AWS_ERROR_SYS_CALL_FAILURE = 46,
    /// The buffer should hold a C string but has no NUL terminator within its length.
    AWS_ERROR_C_STRING_BUFFER_NOT_NULL_TERMINATED = 47,
    /// The substring being searched for does not occur in the input.
    AWS_ERROR_STRING_MATCH_NOT_FOUND = 48,
    /// A division by zero was attempted.
    AWS_ERROR_DIVIDE_BY_ZERO = 49,
    /// The file handle or descriptor is invalid or already closed.
    AWS_ERROR_INVALID_FILE_HANDLE = 50,
    /// The operation was interrupted, for example by a signal, before it finished.
    AWS_ERROR_OPERATION_INTERUPTED = 51,
    /// The directory operation is not allowed because the directory still has entries.
    AWS_ERROR_DIRECTORY_NOT_EMPTY = 52,
    /// This feature is not available on the current platform.
    AWS_ERROR_PLATFORM_NOT_SUPPORTED = 53,
    /// The data is not valid UTF-8.
    AWS_ERROR_INVALID_UTF8 = 54,
    /// The current user's home directory could not be determined.
    AWS_ERROR_GET_HOME_DIRECTORY_FAILED = 55,
    /// The XML document is malformed and could not be parsed.
    AWS_ERROR_INVALID_XML = 56,
    /// The file could not be opened.
    AWS_ERROR_FILE_OPEN_FAILURE = 57,
    /// An error occurred while reading from the file.
    AWS_ERROR_FILE_READ_FAILURE = 58,
    /// An error occurred while writing to the file.
    AWS_ERROR_FILE_WRITE_FAILURE = 59,
    /// The CBOR data is malformed and could not be decoded.
    AWS_ERROR_INVALID_CBOR = 60,
    /// The next CBOR item is not of the type the caller asked for.
    AWS_ERROR_CBOR_UNEXPECTED_TYPE = 61,
    /// Decoding the CBOR data would exceed the decoder's resource limits.
    AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED = 62,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_ERROR_END_COMMON_RANGE = 1023,
}
crate::c_enum!(aws_common_error);

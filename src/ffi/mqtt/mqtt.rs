//! `aws/mqtt/mqtt.h`: the MQTT error codes, log subjects, QoS and CONNACK return codes, topic
//! validation and library init.

use crate::client::iot_metrics::IotMetrics;
use crate::codec::{topic, utf8};
pub use crate::error::aws_mqtt_error;
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_UTF8;
use crate::ffi::common::thread::aws_thread_join_all_managed;
use crate::ffi::guard::{self, Error};
use crate::ffi::http::http::{aws_http_library_clean_up, aws_http_library_init};
use crate::ffi::io::io::{aws_io_library_clean_up, aws_io_library_init};
pub use crate::log::mqtt::aws_mqtt_log_subject;
use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

/// Quality of service of a publish or a subscription [MQTT-4.3].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt_qos {
    /// At most once: fire and forget.
    AWS_MQTT_QOS_AT_MOST_ONCE = 0,
    /// At least once: acknowledged by PUBACK.
    AWS_MQTT_QOS_AT_LEAST_ONCE = 1,
    /// Exactly once: the PUBREC, PUBREL, PUBCOMP exchange.
    AWS_MQTT_QOS_EXACTLY_ONCE = 2,
    /// Only in a SUBACK: the subscription was refused.
    AWS_MQTT_QOS_FAILURE = 0x80,
}

/// A C `enum aws_mqtt_qos` received from the caller.
pub type aws_mqtt_qos_raw = c_int;

/// The return code of an MQTT 3.1.1 CONNACK [MQTT-3.2.2.3].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_mqtt_connect_return_code {
    /// Connection accepted.
    AWS_MQTT_CONNECT_ACCEPTED = 0,
    /// The server does not support the protocol level the client asked for.
    AWS_MQTT_CONNECT_UNACCEPTABLE_PROTOCOL_VERSION = 1,
    /// The client identifier is well-formed but not allowed.
    AWS_MQTT_CONNECT_IDENTIFIER_REJECTED = 2,
    /// The network connection is up but the MQTT service is unavailable.
    AWS_MQTT_CONNECT_SERVER_UNAVAILABLE = 3,
    /// The user name or password is malformed.
    AWS_MQTT_CONNECT_BAD_USERNAME_OR_PASSWORD = 4,
    /// The client is not authorized to connect.
    AWS_MQTT_CONNECT_NOT_AUTHORIZED = 5,
}

/// Called to release user data a caller handed over with a callback (the C typedef lives in the
/// header's fragment).
pub type aws_mqtt_userdata_cleanup_fn = unsafe extern "C" fn(userdata: *mut c_void);

/// One key/value pair of the AWS IoT SDK metrics' "Metadata" field.
#[repr(C)]
pub struct aws_mqtt_metadata_entry {
    /// The key.
    pub key: aws_byte_cursor,
    /// The value.
    pub value: aws_byte_cursor,
}

/// The AWS IoT SDK metrics a connection appends to its user name.
#[repr(C)]
pub struct aws_mqtt_iot_metrics {
    /// The SDK's name ("SDK" attribute).
    pub library_name: aws_byte_cursor,
    /// How many entries `metadata_entries` holds.
    pub metadata_count: usize,
    /// Key/value pairs for the "Metadata" attribute.
    pub metadata_entries: *const aws_mqtt_metadata_entry,
}

/// Copies C metrics; `AWS_ERROR_MQTT5_INVALID_UTF8_STRING` unless the library name and
/// metadata are MQTT UTF-8.
///
/// # Safety
/// `m` must hold valid cursors and `metadata_count` valid entries.
pub(crate) unsafe fn iot_metrics(m: &aws_mqtt_iot_metrics) -> guard::Result<IotMetrics> {
    let text = |cursor: &aws_byte_cursor| -> guard::Result<String> {
        // SAFETY: forwarded caller contract.
        let bytes = unsafe { guard::bytes(cursor.ptr, cursor.len) }?;
        utf8::validate(bytes)
            .map_err(|_| Error::from(aws_mqtt_error::AWS_ERROR_MQTT5_INVALID_UTF8_STRING))?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    };
    let entries = if m.metadata_count == 0 {
        &[][..]
    } else {
        guard::require(!m.metadata_entries.is_null())?;
        // SAFETY: forwarded caller contract.
        unsafe { std::slice::from_raw_parts(m.metadata_entries, m.metadata_count) }
    };
    let mut metadata = Vec::with_capacity(entries.len());
    for e in entries {
        metadata.push((text(&e.key)?, text(&e.value)?));
    }
    Ok(IotMetrics {
        library_name: text(&m.library_name)?,
        metadata,
    })
}

/// True when `topic` is a valid topic name for a PUBLISH: 1 to 65535 bytes of MQTT UTF-8 with
/// no wildcard [MQTT-4.7].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_is_valid_topic(topic: *const aws_byte_cursor) -> bool {
    // SAFETY: the caller lends a valid cursor or NULL.
    guard::guard(false, || {
        Ok(topic::is_valid_name(unsafe { cursor_bytes(topic) }?))
    })
}

/// True when `topic_filter` is a valid topic filter for a SUBSCRIBE or UNSUBSCRIBE [MQTT-4.7].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_is_valid_topic_filter(
    topic_filter: *const aws_byte_cursor,
) -> bool {
    // SAFETY: the caller lends a valid cursor or NULL.
    guard::guard(false, || {
        Ok(topic::is_valid_filter(unsafe {
            cursor_bytes(topic_filter)
        }?))
    })
}

/// `AWS_OP_SUCCESS` when `text` is valid MQTT UTF-8 [MQTT-1.5.3]; otherwise `AWS_OP_ERR` with
/// `AWS_ERROR_INVALID_UTF8` for ill-formed bytes, or `AWS_ERROR_MQTT5_INVALID_UTF8_STRING` for
/// U+0000, a control character or a non-character.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_validate_utf8_text(text: aws_byte_cursor) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends `len` readable bytes at `ptr`.
        let bytes = unsafe { guard::bytes(text.ptr, text.len) }?;
        match utf8::validate(bytes) {
            Ok(_) => Ok(()),
            Err(utf8::Utf8Error::IllFormed) => Err(AWS_ERROR_INVALID_UTF8.into()),
            Err(utf8::Utf8Error::Disallowed(_)) => {
                Err(aws_mqtt_error::AWS_ERROR_MQTT5_INVALID_UTF8_STRING.into())
            }
        }
    })
}

/// The bytes a cursor lent by the caller covers; NULL is an invalid argument.
unsafe fn cursor_bytes<'a>(cursor: *const aws_byte_cursor) -> Result<&'a [u8], Error> {
    // SAFETY: forwarded caller contract.
    let c = unsafe { guard::reference(cursor) }?;
    unsafe { guard::bytes(c.ptr, c.len) }
}

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Initialises aws-c-mqtt and the libraries beneath it. Calls after the first do nothing.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt_library_init(allocator: *mut aws_allocator) {
    guard::guard((), || {
        if !INITIALIZED.swap(true, Ordering::AcqRel) {
            aws_io_library_init(allocator);
            aws_http_library_init(allocator);
        }
        Ok(())
    })
}

/// Undoes [`aws_mqtt_library_init`] once the library's threads have finished.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt_library_clean_up() {
    guard::guard((), || {
        if INITIALIZED.swap(false, Ordering::AcqRel) {
            aws_thread_join_all_managed();
            aws_http_library_clean_up();
            aws_io_library_clean_up();
        }
        Ok(())
    })
}

/// Aborts the process, after saying why on stderr, unless [`aws_mqtt_library_init`] was called.
#[unsafe(no_mangle)]
pub extern "C" fn aws_mqtt_fatal_assert_library_initialized() {
    guard::guard((), || {
        if !INITIALIZED.load(Ordering::Acquire) {
            eprintln!(
                "aws_mqtt_library_init() must be called before using any functionality in aws-c-mqtt."
            );
            std::process::abort();
        }
        Ok(())
    })
}

crate::c_enum!(aws_mqtt_qos, aws_mqtt_connect_return_code);

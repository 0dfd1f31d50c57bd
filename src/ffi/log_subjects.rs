//! The names of log subjects. Each of the 32 libraries owns 1024 subjects from its package id
//! times 1024; a program may register a list of names for a library, which then replaces the
//! built-in names of aws-c-common, aws-c-io, aws-c-http, aws-c-mqtt, aws-c-auth and aws-c-sdkutils (known without any library init).

use crate::ffi::common::logging::{aws_log_subject_info_list, aws_log_subject_t};
use crate::ffi::guard::{self, Result, require};
use std::ffi::{CStr, c_char};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// How many libraries have a subject range (`AWS_PACKAGE_SLOTS`).
const SLOTS: usize = 32;

/// Subjects per library, as a shift (`AWS_LOG_SUBJECT_STRIDE_BITS`).
const STRIDE_BITS: u32 = 10;

/// The name of a subject nobody named.
const UNKNOWN: &CStr = c"Unknown";

/// aws-c-common's subjects, from 0.
const COMMON: [&CStr; 10] = [
    c"aws-c-common",
    c"task-scheduler",
    c"thread",
    c"memtrace",
    c"xml-parser",
    c"common-io",
    c"bus",
    c"test",
    c"json-parser",
    c"cbor",
];

/// aws-c-io's subjects, from 1024.
const IO: [&CStr; 16] = [
    c"aws-c-io",
    c"event-loop",
    c"socket",
    c"socket-handler",
    c"tls-handler",
    c"alpn",
    c"dns",
    c"pki-utils",
    c"channel",
    c"channel-bootstrap",
    c"file-utils",
    c"shared-library",
    c"exp-backoff-strategy",
    c"standard-retry-strategy",
    c"pkcs11",
    c"pem",
];

/// aws-c-http's subjects, from 2048 (`enum aws_http_log_subject`).
const HTTP: [&CStr; 11] = [
    c"http",
    c"http-connection",
    c"http-encoder",
    c"http-decoder",
    c"http-server",
    c"http-stream",
    c"connection-manager",
    c"http2-stream-manager",
    c"websocket",
    c"websocket-setup",
    c"http-proxy-negotiation",
];

/// aws-c-mqtt's subjects, from 5120 (`enum aws_mqtt_log_subject`).
const MQTT: [&CStr; 8] = [
    c"mqtt",
    c"mqtt-client",
    c"mqtt-topic-tree",
    c"mqtt5-general",
    c"mqtt5-client",
    c"mqtt5-canary",
    c"mqtt5-to-mqtt3-adapter",
    c"mqtt-request-response-systems",
];

/// aws-c-auth's subjects, from 6144 (`enum aws_auth_log_subject`).
/// Upstream names no IMDS client subject, so it reads "Unknown" there too.
const AUTH: [&CStr; 4] = [
    c"AuthGeneral",
    c"AuthProfile",
    c"AuthCredentialsProvider",
    c"AuthSigning",
];

/// aws-c-sdkutils' subjects, from 15360 (`enum aws_sdkutils_log_subject`).
const SDKUTILS: [&CStr; 7] = [
    c"SDKUtils",
    c"AWSProfile",
    c"AWSEndpointsParsing",
    c"AWSEndpointsResolution",
    c"AWSEndpoints",
    c"AWSEndpoints",
    c"AWSEndpoints",
];

/// The names a library has while no list is registered for it.
fn built_in(slot: usize) -> &'static [&'static CStr] {
    match slot {
        0 => &COMMON,
        1 => &IO,
        2 => &HTTP,
        5 => &MQTT,
        6 => &AUTH,
        15 => &SDKUTILS,
        _ => &[],
    }
}

/// The list registered for each library, NULL when none is.
static REGISTERED: [AtomicPtr<aws_log_subject_info_list>; SLOTS] =
    [const { AtomicPtr::new(ptr::null_mut()) }; SLOTS];

/// The name of `subject` as a C string, "Unknown" when it has none. A registered list's name
/// stays valid while that list is registered.
pub fn name(subject: aws_log_subject_t) -> *const c_char {
    let slot = (subject >> STRIDE_BITS) as usize;
    let index = (subject & ((1 << STRIDE_BITS) - 1)) as usize;
    let Some(registered) = REGISTERED.get(slot) else {
        return UNKNOWN.as_ptr();
    };
    // SAFETY: a registered list stays valid while registered (the caller's promise).
    if let Some(list) = unsafe { registered.load(Ordering::Acquire).as_ref() } {
        if index >= list.count || list.subject_list.is_null() {
            return UNKNOWN.as_ptr();
        }
        // SAFETY: index < count entries.
        let entry = unsafe { &*list.subject_list.add(index) };
        return if entry.subject_name.is_null() {
            UNKNOWN.as_ptr()
        } else {
            entry.subject_name
        };
    }
    built_in(slot)
        .get(index)
        .map_or(UNKNOWN.as_ptr(), |n| n.as_ptr())
}

/// The library a list is for: the range its first entry's id falls in.
///
/// # Safety
/// A non-NULL `list` must be valid, with `count` entries at `subject_list`.
unsafe fn slot_of(list: *mut aws_log_subject_info_list) -> Result<usize> {
    // SAFETY: forwarded caller contract.
    let list = unsafe { guard::reference(list) }?;
    require(!list.subject_list.is_null() && list.count > 0)?;
    // SAFETY: at least one entry.
    let first = unsafe { (*list.subject_list).subject_id };
    let slot = (first >> STRIDE_BITS) as usize;
    require(slot < SLOTS)?;
    Ok(slot)
}

/// Makes `list` the names of its library's subjects.
///
/// # Safety
/// A non-NULL `list` must be valid and stay so while registered.
pub unsafe fn register(list: *mut aws_log_subject_info_list) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let slot = unsafe { slot_of(list) }?;
    REGISTERED[slot].store(list, Ordering::Release);
    Ok(())
}

/// Forgets `list` if it is the one registered for its library.
///
/// # Safety
/// A non-NULL `list` must be valid.
pub unsafe fn unregister(list: *mut aws_log_subject_info_list) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let slot = unsafe { slot_of(list) }?;
    let _ = REGISTERED[slot].compare_exchange(
        list,
        ptr::null_mut(),
        Ordering::AcqRel,
        Ordering::Acquire,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::logging::aws_log_subject_info;

    fn name_of(subject: u32) -> &'static str {
        // SAFETY: built-in names are static C strings.
        unsafe { CStr::from_ptr(name(subject)) }.to_str().unwrap()
    }

    #[test]
    fn built_in_names_are_upstreams() {
        assert_eq!(name_of(0), "aws-c-common");
        assert_eq!(name_of(3), "memtrace");
        assert_eq!(name_of(1024), "aws-c-io");
        assert_eq!(name_of(1039), "pem");
        assert_eq!(name_of(2057), "websocket-setup");
        assert_eq!(name_of(5121), "mqtt-client");
        assert_eq!(name_of(5127), "mqtt-request-response-systems");
    }

    #[test]
    fn unnamed_subjects_are_unknown() {
        assert_eq!(name_of(10), "Unknown");
        assert_eq!(name_of(2059), "Unknown");
        assert_eq!(name_of(u32::MAX), "Unknown");
    }

    #[test]
    fn a_registered_list_replaces_the_names_until_unregistered() {
        let mut entries = [
            aws_log_subject_info {
                subject_id: 31 << 10,
                subject_name: c"mine".as_ptr(),
                subject_description: ptr::null(),
            },
            aws_log_subject_info {
                subject_id: (31 << 10) + 1,
                subject_name: c"other".as_ptr(),
                subject_description: ptr::null(),
            },
        ];
        let mut list = aws_log_subject_info_list {
            subject_list: entries.as_mut_ptr(),
            count: 2,
        };
        unsafe { register(&mut list) }.unwrap();
        assert_eq!(name_of((31 << 10) + 1), "other");
        assert_eq!(name_of((31 << 10) + 2), "Unknown");
        unsafe { unregister(&mut list) }.unwrap();
        assert_eq!(name_of(31 << 10), "Unknown");
    }

    #[test]
    fn malformed_lists_are_refused() {
        let mut empty = aws_log_subject_info_list {
            subject_list: ptr::null_mut(),
            count: 0,
        };
        assert!(unsafe { register(&mut empty) }.is_err());
        assert!(unsafe { register(ptr::null_mut()) }.is_err());
        let mut entry = [aws_log_subject_info {
            subject_id: 40 << 10,
            subject_name: c"x".as_ptr(),
            subject_description: ptr::null(),
        }];
        let mut far = aws_log_subject_info_list {
            subject_list: entry.as_mut_ptr(),
            count: 1,
        };
        assert!(unsafe { register(&mut far) }.is_err());
    }
}

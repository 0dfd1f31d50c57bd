//! Every error code of aws-c-common, aws-c-io, aws-c-http, aws-c-mqtt, aws-c-auth and aws-c-sdkutils with its name,
//! description and library, built once from the error enums (their doc comments are the
//! descriptions) for `aws_error_str` and its siblings.

use crate::error::{
    aws_auth_errors, aws_common_error, aws_http_errors, aws_io_errors, aws_mqtt_error,
    aws_sdkutils_errors,
};
use std::collections::BTreeMap;
use std::ffi::{CStr, CString, c_int};
use std::sync::OnceLock;
use strum::{EnumMessage, IntoEnumIterator};

/// What the lookups answer for a code no library defines.
pub const UNKNOWN: &CStr = c"Unknown Error Code";

/// One error code's strings, kept for the life of the process.
pub struct Entry {
    /// The enumerator's name, such as `AWS_ERROR_OOM`.
    pub name: CString,
    /// A one-line description.
    pub description: CString,
    /// The library the code belongs to, such as `aws-c-common`.
    pub lib_name: &'static CStr,
    /// `lib_name: name, description`.
    pub debug: CString,
}

/// The entry for `code`, if any library defines it.
pub fn lookup(code: c_int) -> Option<&'static Entry> {
    // A BTreeMap rather than a HashMap: valgrind sees its nodes as reachable from this static,
    // while a HashMap's table is reported as "possibly lost" at exit.
    static TABLE: OnceLock<BTreeMap<c_int, Entry>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut table = BTreeMap::new();
            add::<aws_common_error>(&mut table, c"aws-c-common");
            add::<aws_io_errors>(&mut table, c"aws-c-io");
            add::<aws_http_errors>(&mut table, c"aws-c-http");
            // Upstream names this one with the "lib" prefix, unlike the other three.
            add::<aws_mqtt_error>(&mut table, c"libaws-c-mqtt");
            add::<aws_auth_errors>(&mut table, c"aws-c-auth");
            add::<aws_sdkutils_errors>(&mut table, c"aws-c-sdkutils");
            table
        })
        .get(&code)
}

fn add<E>(table: &mut BTreeMap<c_int, Entry>, lib_name: &'static CStr)
where
    E: IntoEnumIterator + EnumMessage + Into<&'static str> + Into<c_int> + Copy,
{
    for code in E::iter() {
        let name: &'static str = code.into();
        let description = code.get_documentation().unwrap_or("").trim();
        let debug = format!("{}: {name}, {description}", lib_name.to_string_lossy());
        let entry = Entry {
            name: CString::new(name).expect("enumerator names have no NUL"),
            description: CString::new(description).expect("descriptions have no NUL"),
            lib_name,
            debug: CString::new(debug).expect("no NUL"),
        };
        // A code is named by the library whose range it lies in: aws-c-io re-exports some
        // aws-c-common codes (AWS_IO_INVALID_FILE_HANDLE is 50), which stay aws-c-common's.
        table.entry(code.into()).or_insert(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_library_has_its_codes_at_upstreams_numbers() {
        assert_eq!(lookup(1).unwrap().name.to_str().unwrap(), "AWS_ERROR_OOM");
        assert_eq!(lookup(1024).unwrap().lib_name, c"aws-c-io");
        assert_eq!(lookup(2048).unwrap().lib_name, c"aws-c-http");
        let timeout = lookup(5129).unwrap();
        assert_eq!(timeout.name.to_str().unwrap(), "AWS_ERROR_MQTT_TIMEOUT");
        assert!(
            timeout
                .debug
                .to_str()
                .unwrap()
                .starts_with("libaws-c-mqtt: AWS_ERROR_MQTT_TIMEOUT, ")
        );
    }

    #[test]
    fn auth_and_sdkutils_codes_are_their_libraries() {
        let unsupported = lookup(6144).unwrap();
        assert_eq!(unsupported.lib_name, c"aws-c-auth");
        assert_eq!(
            unsupported.name.to_str().unwrap(),
            "AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM"
        );
        assert_eq!(lookup(6185).unwrap().lib_name, c"aws-c-auth");
        assert!(lookup(6186).is_none());
        // The profile parse codes aws-c-auth re-exports stay aws-c-sdkutils'.
        assert_eq!(lookup(15361).unwrap().lib_name, c"aws-c-sdkutils");
        assert_eq!(
            lookup(15362).unwrap().name.to_str().unwrap(),
            "AWS_ERROR_SDKUTILS_PARSE_RECOVERABLE"
        );
    }

    #[test]
    fn a_code_aliased_by_another_library_keeps_its_own_library() {
        assert_eq!(lookup(50).unwrap().lib_name, c"aws-c-common");
        assert_eq!(
            lookup(50).unwrap().name.to_str().unwrap(),
            "AWS_ERROR_INVALID_FILE_HANDLE"
        );
    }

    #[test]
    fn range_ends_and_unknown_codes_are_not_errors() {
        assert!(lookup(1023).is_none());
        assert!(lookup(6143).is_none());
        assert!(lookup(-1).is_none());
        assert!(lookup(4000).is_none());
    }

    #[test]
    fn every_description_is_a_sentence() {
        for code in (0..16384).filter_map(lookup) {
            let d = code.description.to_str().unwrap();
            assert!(d.len() > 3 && d.ends_with('.'), "{:?}: {d:?}", code.name);
        }
    }
}

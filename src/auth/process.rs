//! `credential_process`: runs the command a profile names (through `/bin/sh -c`, its standard
//! error discarded, as upstream appends ` 2> /dev/null`) and reads the credentials from the JSON
//! it prints: `AccessKeyId` and `SecretAccessKey` (required), `SessionToken`, `AccountId` and
//! an ISO 8601 `Expiration` (optional).

use crate::auth::{sigv4, time};
use crate::error::Result;
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE,
    AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE,
};
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

/// Credentials a source produced, with their expiration (`u64::MAX`: none) and account id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced {
    /// The keys and token.
    pub keys: sigv4::Credentials,
    /// The account id, if given.
    pub account_id: Vec<u8>,
    /// When they expire, in seconds since the epoch.
    pub expiration: u64,
}

/// Reads credentials from a JSON document with upstream's field names.
/// `AWS_ERROR_INVALID_ARGUMENT` for text that is no JSON, as upstream's JSON parser raises;
/// `AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE` when the keys are missing or empty.
pub fn parse_document(text: &[u8]) -> Result<Sourced> {
    let doc: serde_json::Value =
        serde_json::from_slice(text).map_err(|_| AWS_ERROR_INVALID_ARGUMENT)?;
    let field = |name: &str| {
        doc.get(name)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .as_bytes()
            .to_vec()
    };
    let (access, secret) = (field("AccessKeyId"), field("SecretAccessKey"));
    if access.is_empty() || secret.is_empty() {
        return Err(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE.into());
    }
    let expiration = doc
        .get("Expiration")
        .and_then(|v| v.as_str())
        .and_then(|s| time::parse_iso8601(s.as_bytes()))
        .and_then(|t| u64::try_from(t).ok())
        .unwrap_or(u64::MAX);
    Ok(Sourced {
        keys: sigv4::Credentials {
            access_key_id: access,
            secret_access_key: secret,
            session_token: field("SessionToken"),
        },
        account_id: field("AccountId"),
        expiration,
    })
}

/// Runs `command` and reads the credentials it prints.
/// `AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE` when it cannot run or fails.
pub fn run(command: &[u8]) -> Result<Sourced> {
    let failed = || AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE;
    let output = Command::new("/bin/sh")
        .arg("-c")
        .arg(std::ffi::OsStr::from_bytes(command))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|_| failed())?;
    if !output.status.success() || output.stdout.is_empty() {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_AUTH_CREDENTIALS_PROVIDER,
            "credential_process failed: {}",
            output.status
        );
        return Err(failed().into());
    }
    parse_document(&output.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_gives_keys_token_account_and_expiration() {
        let got = parse_document(
            br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","AccountId":"1","Expiration":"2019-05-29T00:21:43Z"}"#,
        )
        .unwrap();
        assert_eq!(got.keys.access_key_id, b"A");
        assert_eq!(got.keys.session_token, b"T");
        assert_eq!(got.account_id, b"1");
        assert_eq!(got.expiration, 1_559_089_303);
        let bare = parse_document(br#"{"AccessKeyId":"A","SecretAccessKey":"S"}"#).unwrap();
        assert_eq!(
            (bare.expiration, bare.keys.session_token.len()),
            (u64::MAX, 0)
        );
    }

    #[test]
    fn missing_keys_and_bad_json_are_refused_with_upstreams_codes() {
        let code = |t: &[u8]| parse_document(t).unwrap_err().code();
        assert_eq!(
            code(br#"{"AccessKeyId":"A"}"#),
            AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as i32
        );
        assert_eq!(
            code(br#"{"AccessKeyId":"","SecretAccessKey":"S"}"#),
            AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as i32
        );
        assert_eq!(code(b"not json"), AWS_ERROR_INVALID_ARGUMENT as i32);
    }

    #[test]
    fn a_command_that_fails_or_prints_nothing_is_a_process_failure() {
        let code = |c: &[u8]| run(c).unwrap_err().code();
        let failure = AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE as i32;
        assert_eq!(code(b"exit 3"), failure);
        assert_eq!(code(b"true"), failure);
        assert_eq!(code(b"echo oops >&2; exit 1"), failure);
        let ok = run(br#"printf '{"AccessKeyId":"A","SecretAccessKey":"S"}'"#).unwrap();
        assert_eq!(ok.keys.secret_access_key, b"S");
    }
}

//! `credential_process`: runs the command a profile names (through `/bin/sh -c`, its standard
//! error discarded, as upstream appends ` 2> /dev/null`) and reads the credentials from the JSON
//! it prints: `AccessKeyId` and `SecretAccessKey` (required), `SessionToken`, `AccountId` and
//! an ISO 8601 `Expiration` (optional).

use crate::auth::document::{self, Sourced};
use crate::error::Result;
use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

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
    document::parse(&output.stdout, &document::PROCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

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

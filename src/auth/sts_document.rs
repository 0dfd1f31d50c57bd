//! The credentials in an STS answer (AssumeRole, AssumeRoleWithWebIdentity): the text of
//! `AccessKeyId`, `SecretAccessKey`, `SessionToken` and `Expiration` inside `Credentials`, and
//! the account id from the `Arn` inside `AssumedRoleUser`, as upstream's XML walk reads them;
//! and whether an error answer names a code worth retrying.
//! STS documents are flat and their values are identifiers, base64 and dates, so the elements
//! are found by name; the five predefined entities are unescaped.

use crate::auth::document::Sourced;
use crate::auth::{sigv4, time};

/// The text between `<name>` (or `<name attributes>`) and `</name>`, the first such element.
fn element<'a>(xml: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut from = 0;
    while let Some(at) = find(&xml[from..], open.as_bytes()).map(|i| i + from) {
        let after = at + open.len();
        match xml.get(after) {
            Some(b'>') | Some(b' ') | Some(b'\t') | Some(b'\n') | Some(b'\r') => {
                let start = after + find(&xml[after..], b">")? + 1;
                let end = start + find(&xml[start..], close.as_bytes())?;
                return Some(&xml[start..end]);
            }
            _ => from = after,
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The predefined entities replaced.
fn unescape(text: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(text);
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
        .into_bytes()
}

/// The credentials of a successful answer; `None` when the document lacks the keys or the
/// token (STS always gives one).
pub fn parse(xml: &[u8]) -> Option<Sourced> {
    let credentials = element(xml, "Credentials")?;
    let field = |name: &str| element(credentials, name).map(|t| unescape(t.trim_ascii()));
    let (access, secret, token) = (
        field("AccessKeyId")?,
        field("SecretAccessKey")?,
        field("SessionToken")?,
    );
    if access.is_empty() || secret.is_empty() || token.is_empty() {
        return None;
    }
    let expiration = field("Expiration")
        .and_then(|e| time::parse_iso8601(&e))
        .and_then(|t| u64::try_from(t).ok())
        .unwrap_or(u64::MAX);
    Some(Sourced {
        keys: sigv4::Credentials {
            access_key_id: access,
            secret_access_key: secret,
            session_token: token,
        },
        account_id: element(xml, "AssumedRoleUser")
            .and_then(|user| element(user, "Arn"))
            .map(|arn| account_id_from_arn(&unescape(arn.trim_ascii())))
            .unwrap_or_default(),
        expiration,
    })
}

/// The account id of an ARN (`arn:partition:service:region:account-id:resource`), its fifth
/// field; empty when it has fewer (upstream's `aws_parse_account_id_from_arn`).
pub fn account_id_from_arn(arn: &[u8]) -> Vec<u8> {
    arn.split(|&b| b == b':')
        .nth(4)
        .unwrap_or_default()
        .to_vec()
}

/// Whether an error answer's code is one upstream asks again for
/// (`IDPCommunicationError`, `InvalidIdentityToken`).
pub fn is_retryable_error(xml: &[u8]) -> bool {
    matches!(
        element(xml, "Code").map(|c| c.trim_ascii()),
        Some(b"IDPCommunicationError") | Some(b"InvalidIdentityToken")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &[u8] =
        br#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.X</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoD+IEXAMPLE/=</SessionToken>
      <SecretAccessKey>wJalr&amp;KEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>"#;

    #[test]
    fn the_credentials_element_gives_keys_token_and_expiration() {
        let got = parse(ANSWER).unwrap();
        assert_eq!(got.keys.access_key_id, b"ASgeIAIOSFODNN7EXAMPLE");
        assert_eq!(got.keys.secret_access_key, b"wJalr&KEY");
        assert_eq!(got.keys.session_token, b"AQoD+IEXAMPLE/=");
        assert_eq!(got.expiration, 1_414_191_623);
        assert_eq!(got.account_id, b"123456789012");
    }

    #[test]
    fn the_account_id_is_the_arns_fifth_field_or_nothing() {
        assert_eq!(account_id_from_arn(b"arn:aws:iam::1234:role/r"), b"1234");
        assert_eq!(account_id_from_arn(b"a:b:c:d:e"), b"e");
        assert_eq!(account_id_from_arn(b"arn:aws:iam:"), b"");
        assert_eq!(account_id_from_arn(b""), b"");
        let no_user =
            b"<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>\
<SessionToken>T</SessionToken></Credentials>";
        assert_eq!(parse(no_user).unwrap().account_id, b"");
    }

    #[test]
    fn documents_without_credentials_and_retryable_errors() {
        assert!(parse(b"<Error><Code>AccessDenied</Code></Error>").is_none());
        assert!(parse(b"<Credentials><AccessKeyId>A</AccessKeyId></Credentials>").is_none());
        assert!(is_retryable_error(
            b"<Error><Code>IDPCommunicationError</Code></Error>"
        ));
        assert!(!is_retryable_error(
            b"<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"
        ));
        // A longer name that starts the same is another element.
        assert_eq!(
            element(b"<CodeX>1</CodeX><Code>2</Code>", "Code"),
            Some(&b"2"[..])
        );
    }
}

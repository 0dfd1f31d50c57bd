//! The JSON credential documents the process, ECS and IMDS sources answer with, read as
//! upstream's `aws_parse_credentials_from_json_document` reads them: `AccessKeyId` and
//! `SecretAccessKey` (required, not empty), a session token, an account id and an
//! expiration, their field names and what is required depending on the source.

use crate::auth::{sigv4, time};
use crate::error::Result;
use crate::error::aws_auth_errors::AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE;
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;

/// How a source names the fields and which it requires.
pub struct Fields {
    /// The object holding the fields (`None`: the document itself).
    pub object: Option<&'static str>,
    /// The access key id's field.
    pub access_key_id: &'static str,
    /// The secret access key's field.
    pub secret_access_key: &'static str,
    /// The session token's field.
    pub token: &'static str,
    /// The expiration's field.
    pub expiration: &'static str,
    /// The account id's field, for the sources upstream reads one from.
    pub account_id: Option<&'static str>,
    /// Whether a document without a token is refused.
    pub token_required: bool,
    /// Whether a document without a valid expiration is refused.
    pub expiration_required: bool,
    /// How the expiration is written.
    pub expiration_format: ExpirationFormat,
}

/// How a document writes its expiration.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ExpirationFormat {
    /// ISO 8601 text.
    Iso8601,
    /// A number of seconds since the epoch.
    EpochSeconds,
    /// A number of milliseconds since the epoch.
    EpochMillis,
}

/// `credential_process` output: `SessionToken`, both optional.
pub const PROCESS: Fields = Fields {
    object: None,
    access_key_id: "AccessKeyId",
    secret_access_key: "SecretAccessKey",
    token: "SessionToken",
    expiration: "Expiration",
    account_id: Some("AccountId"),
    token_required: false,
    expiration_required: false,
    expiration_format: ExpirationFormat::Iso8601,
};

/// The ECS endpoint's answer: `Token`, an expiration required, `AccountId`.
pub const CONTAINER: Fields = Fields {
    object: None,
    access_key_id: "AccessKeyId",
    secret_access_key: "SecretAccessKey",
    token: "Token",
    expiration: "Expiration",
    account_id: Some("AccountId"),
    token_required: false,
    expiration_required: true,
    expiration_format: ExpirationFormat::Iso8601,
};

/// The IMDS answer: as ECS's, but the token is required and no account id is read (upstream's
/// IMDS client asks for neither).
pub const IMDS: Fields = Fields {
    account_id: None,
    token_required: true,
    ..CONTAINER
};

/// Cognito's GetCredentialsForIdentity answer: a `Credentials` object with `SecretKey`, a token
/// and an expiration in seconds since the epoch, both required.
pub const COGNITO: Fields = Fields {
    object: Some("Credentials"),
    access_key_id: "AccessKeyId",
    secret_access_key: "SecretKey",
    token: "SessionToken",
    expiration: "Expiration",
    account_id: None,
    token_required: true,
    expiration_required: true,
    expiration_format: ExpirationFormat::EpochSeconds,
};

/// The SSO portal's GetRoleCredentials answer: a `roleCredentials` object in camel case, a token
/// and an expiration in milliseconds since the epoch, both required.
pub const SSO: Fields = Fields {
    object: Some("roleCredentials"),
    access_key_id: "accessKeyId",
    secret_access_key: "secretAccessKey",
    token: "sessionToken",
    expiration: "expiration",
    account_id: None,
    token_required: true,
    expiration_required: true,
    expiration_format: ExpirationFormat::EpochMillis,
};

/// The AWS IoT credentials endpoint's answer: a `credentials` object in camel case, a token
/// required.
pub const IOT: Fields = Fields {
    object: Some("credentials"),
    access_key_id: "accessKeyId",
    secret_access_key: "secretAccessKey",
    token: "sessionToken",
    expiration: "expiration",
    account_id: None,
    token_required: true,
    expiration_required: false,
    expiration_format: ExpirationFormat::Iso8601,
};

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

/// Reads credentials from a JSON document with the field names `fields` gives.
/// `AWS_ERROR_INVALID_ARGUMENT` for text that is no JSON, as upstream's JSON parser raises;
/// `AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE` when the keys are missing or empty.
pub fn parse(text: &[u8], fields: &Fields) -> Result<Sourced> {
    let root: serde_json::Value =
        serde_json::from_slice(text).map_err(|_| AWS_ERROR_INVALID_ARGUMENT)?;
    let doc = match fields.object {
        None => &root,
        Some(name) => root
            .get(name)
            .filter(|o| o.is_object())
            .ok_or(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE)?,
    };
    let field = |name: &str| {
        doc.get(name)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .as_bytes()
            .to_vec()
    };
    let (access, secret) = (field(fields.access_key_id), field(fields.secret_access_key));
    if access.is_empty() || secret.is_empty() {
        return Err(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE.into());
    }
    let token = field(fields.token);
    if fields.token_required && token.is_empty() {
        return Err(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE.into());
    }
    let value = doc.get(fields.expiration);
    let number = || value.and_then(|v| v.as_f64()).filter(|t| *t >= 0.0);
    let expiration = match fields.expiration_format {
        ExpirationFormat::EpochSeconds => number().map(|t| t as u64),
        ExpirationFormat::EpochMillis => number().map(|t| t as u64 / 1000),
        ExpirationFormat::Iso8601 => value
            .and_then(|v| v.as_str())
            .and_then(|s| time::parse_iso8601(s.as_bytes()))
            .and_then(|t| u64::try_from(t).ok()),
    };
    if fields.expiration_required && expiration.is_none() {
        return Err(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE.into());
    }
    let expiration = expiration.unwrap_or(u64::MAX);
    Ok(Sourced {
        keys: sigv4::Credentials {
            access_key_id: access,
            secret_access_key: secret,
            session_token: token,
        },
        account_id: fields.account_id.map(field).unwrap_or_default(),
        expiration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_gives_keys_token_account_and_expiration() {
        let got = parse(
            br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","AccountId":"1","Expiration":"2019-05-29T00:21:43Z"}"#,
            &PROCESS,
        )
        .unwrap();
        assert_eq!(got.keys.access_key_id, b"A");
        assert_eq!(got.keys.session_token, b"T");
        assert_eq!(got.account_id, b"1");
        assert_eq!(got.expiration, 1_559_089_303);
        let bare = parse(br#"{"AccessKeyId":"A","SecretAccessKey":"S"}"#, &PROCESS).unwrap();
        assert_eq!(
            (bare.expiration, bare.keys.session_token.len()),
            (u64::MAX, 0)
        );
    }

    #[test]
    fn missing_keys_and_bad_json_are_refused_with_upstreams_codes() {
        let code = |t: &[u8]| parse(t, &PROCESS).unwrap_err().code();
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
    fn imds_requires_a_token_and_reads_no_account_where_ecs_does() {
        let with_account = br#"{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","AccountId":"7","Expiration":"2030-01-01T00:00:00Z"}"#;
        assert_eq!(parse(with_account, &CONTAINER).unwrap().account_id, b"7");
        assert_eq!(parse(with_account, &IMDS).unwrap().account_id, b"");
        let tokenless =
            br#"{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-01T00:00:00Z"}"#;
        assert!(parse(tokenless, &CONTAINER).is_ok());
        assert_eq!(
            parse(tokenless, &IMDS).unwrap_err().code(),
            AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as i32
        );
    }

    #[test]
    fn iot_documents_hold_camel_case_fields_in_a_credentials_object() {
        let text = br#"{"credentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":"2030-01-01T00:00:00Z"}}"#;
        let got = parse(text, &IOT).unwrap();
        assert_eq!(
            (got.keys.access_key_id.as_slice(), got.expiration),
            (&b"A"[..], 1_893_456_000)
        );
        let code = |t: &[u8]| parse(t, &IOT).unwrap_err().code();
        let unexpected = AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as i32;
        assert_eq!(
            code(br#"{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T"}"#),
            unexpected
        );
        assert_eq!(
            code(br#"{"credentials":{"accessKeyId":"A","secretAccessKey":"S"}}"#),
            unexpected
        );
    }

    #[test]
    fn cognito_documents_expire_at_an_epoch_number() {
        let text = br#"{"IdentityId":"i","Credentials":{"AccessKeyId":"A","SecretKey":"S","SessionToken":"T","Expiration":1.893456E9}}"#;
        assert_eq!(parse(text, &COGNITO).unwrap().expiration, 1_893_456_000);
        let text = br#"{"Credentials":{"AccessKeyId":"A","SecretKey":"S","SessionToken":"T","Expiration":"2030"}}"#;
        assert_eq!(
            parse(text, &COGNITO).unwrap_err().code(),
            AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as i32
        );
    }

    #[test]
    fn sso_documents_expire_at_an_epoch_in_milliseconds() {
        let text = br#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":1893456000000}}"#;
        assert_eq!(parse(text, &SSO).unwrap().expiration, 1_893_456_000);
    }

    #[test]
    fn container_documents_need_an_expiration_and_name_their_token_token() {
        let text = br#"{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"}"#;
        let got = parse(text, &CONTAINER).unwrap();
        assert_eq!(
            (got.keys.session_token.as_slice(), got.expiration),
            (&b"T"[..], 1_893_456_000)
        );
        let no_expiry = br#"{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T"}"#;
        assert_eq!(
            parse(no_expiry, &CONTAINER).unwrap_err().code(),
            AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as i32
        );
    }
}

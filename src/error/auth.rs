//! `aws/auth/auth.h`: the error codes of aws-c-auth, numbered as upstream numbers them (the
//! enumerators' doc comments are the descriptions `aws_error_str` gives).

/// The error codes of aws-c-auth (6144 to 7167), and the two profile-parsing codes it borrows
/// from aws-c-sdkutils (which stay that library's in `aws_error_str`).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage,
)]
pub enum aws_auth_errors {
    /// `AWS_ERROR_SDKUTILS_PARSE_RECOVERABLE`: a profile file had an error parsing went past.
    #[strum(disabled)]
    AWS_AUTH_PROFILE_PARSE_RECOVERABLE_ERROR = 15362,
    /// `AWS_ERROR_SDKUTILS_PARSE_FATAL`: a profile file could not be parsed.
    #[strum(disabled)]
    AWS_AUTH_PROFILE_PARSE_FATAL_ERROR = 15361,
    /// An HTTP request was to be signed with a version of the AWS signing protocol this signer does not support.
    AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM = 6144,
    /// A signing configuration of a kind this signer does not recognise was given.
    AWS_AUTH_SIGNING_MISMATCHED_CONFIGURATION = 6145,
    /// A request was to be signed without credentials.
    AWS_AUTH_SIGNING_NO_CREDENTIALS = 6146,
    /// The request to sign already carries a query parameter that signing adds.
    AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM = 6147,
    /// The request to sign already carries a header that signing adds.
    AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER = 6148,
    /// The signing configuration is invalid.
    AWS_AUTH_SIGNING_INVALID_CONFIGURATION = 6149,
    /// The credentials could not be read from the process environment.
    AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT = 6150,
    /// The provider's vtable gave no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_DELEGATE = 6151,
    /// The profile provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE = 6152,
    /// The IMDS provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE = 6153,
    /// The STS provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_STS_SOURCE_FAILURE = 6154,
    /// The credentials endpoint answered with an unsuccessful HTTP status.
    AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE = 6155,
    /// The credentials endpoint's answer could not be understood.
    AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE = 6156,
    /// The ECS provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_ECS_SOURCE_FAILURE = 6157,
    /// The X.509 provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE = 6158,
    /// The process provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE = 6159,
    /// The STS web identity provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_STS_WEB_IDENTITY_SOURCE_FAILURE = 6160,
    /// The signature type is not supported.
    AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE = 6161,
    /// A streamed item was to be signed without the previous signature.
    AWS_AUTH_SIGNING_MISSING_PREVIOUS_SIGNATURE = 6162,
    /// The credentials cannot sign this way.
    AWS_AUTH_SIGNING_INVALID_CREDENTIALS = 6163,
    /// The canonical request differs from the one expected.
    AWS_AUTH_CANONICAL_REQUEST_MISMATCH = 6164,
    /// The SigV4a signature does not verify against the string to sign.
    AWS_AUTH_SIGV4A_SIGNATURE_VALIDATION_FAILURE = 6165,
    /// The Cognito provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_COGNITO_SOURCE_FAILURE = 6166,
    /// The delegate provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE = 6167,
    /// The SSO token provider found no valid token.
    AWS_AUTH_SSO_TOKEN_PROVIDER_SOURCE_FAILURE = 6168,
    /// The SSO token is invalid.
    AWS_AUTH_SSO_TOKEN_INVALID = 6169,
    /// The SSO token has expired.
    AWS_AUTH_SSO_TOKEN_EXPIRED = 6170,
    /// The SSO provider found no valid credentials.
    AWS_AUTH_CREDENTIALS_PROVIDER_SSO_SOURCE_FAILURE = 6171,
    /// The IMDS resource could not be fetched.
    AWS_AUTH_IMDS_CLIENT_SOURCE_FAILURE = 6172,
    /// The profile's chain of assumed roles has a cycle.
    AWS_AUTH_PROFILE_STS_CREDENTIALS_PROVIDER_CYCLE_FAILURE = 6173,
    /// The ECS authorization token file could not be read.
    AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_TOKEN_FILE_PATH = 6174,
    /// The ECS endpoint's host is not allowed (loopback, the container hosts, or HTTPS only).
    AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_HOST = 6175,
    /// The login provider's options lack a login session.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING = 6176,
    /// The login provider's options lack a region.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_REGION_MISSING = 6177,
    /// The login provider could not work out where its cached token lives.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN_PATH = 6178,
    /// The login provider could not read its cached token.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN = 6179,
    /// The login provider's cached token has expired.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_TOKEN_EXPIRED = 6180,
    /// The PEM in the login provider's cached token is invalid.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_INVALID_PEM = 6181,
    /// The login provider could not make a refresh token from the sign-in service's answer.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_REFRESH_TOKEN = 6182,
    /// The login provider could not write its refreshed token.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_WRITE_TOKEN = 6183,
    /// The login provider could not make the DPoP header.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_DPOP_HEADER = 6184,
    /// The login provider could not make its request body.
    AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_REQUEST_BODY = 6185,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_AUTH_ERROR_END_RANGE = 7167,
}
crate::c_enum!(aws_auth_errors);

//! `aws/iotdevice/iotdevice.h`: what the AWS IoT connection builders of both protocol versions
//! share in C: the custom-authorizer configuration. Beyond upstream (aws-c-mqtt has no
//! builders); the names start with `aws_iot_` and live under `aws/iotdevice/`, where no upstream
//! header is.
//!
//! Borrowed for the duration of a constructor: the builder copies what it needs.

use crate::ffi::common::byte_buf::aws_byte_cursor;

/// How a connection signs in through an AWS IoT custom authorizer, as the SDKs' custom-auth
/// configuration describes it. A text field counts as given when its length is not 0; the
/// password when its pointer is not NULL (an empty password is a password).
///
/// The CONNECT's user name becomes
/// `<username>?x-amz-customauthorizer-name=<authorizer_name>&<token_key_name>=<token_value>&x-amz-customauthorizer-signature=<token_signature>`,
/// each part only when given, joined with `&` when the user name already carries a query (the
/// 3.1.1 builder puts the signature before the token, as the SDKs' 3.1.1 builder does). The
/// signature is URL-encoded unless it contains a `%` (then it is taken as encoded already).
/// A signed authorizer needs all three of `token_key_name`, `token_value` and
/// `token_signature`; some without the others is `AWS_ERROR_INVALID_ARGUMENT`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_iot_custom_authorizer_config {
    /// The user name before the authorizer's query; not given: the user name set on the builder
    /// (connect options or `_set_username`), else empty.
    pub username: aws_byte_cursor,
    /// The authorizer's name (`x-amz-customauthorizer-name`); not given: the account's default
    /// authorizer.
    pub authorizer_name: aws_byte_cursor,
    /// The CONNECT's password, handed to the authorizer; NULL pointer: none.
    pub password: aws_byte_cursor,
    /// Signed authorizers: the query key that carries the token.
    pub token_key_name: aws_byte_cursor,
    /// Signed authorizers: the token.
    pub token_value: aws_byte_cursor,
    /// Signed authorizers: the base64 RSA-SHA256 signature of `token_value` by the authorizer's
    /// key (`x-amz-customauthorizer-signature`).
    pub token_signature: aws_byte_cursor,
}

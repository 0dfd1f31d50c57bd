//! The CONNECT user name of an AWS IoT custom authorizer, built as the SDKs build it: the
//! authorizer's name, the token and its signature as query parameters after the user name,
//! `?` before the first and `&` between them (and before the first too when the user name
//! already carries a query).

use crate::ffi::guard::{INVALID_ARGUMENT, Result};
use crate::ffi::iotdevice::iotdevice::aws_iot_custom_authorizer_config;
use crate::transport::percent::encode_param;

/// The query key of the authorizer's name.
const NAME_KEY: &str = "x-amz-customauthorizer-name=";
/// The query key of the token's signature.
const SIGNATURE_KEY: &str = "x-amz-customauthorizer-signature=";

/// Where the signature goes relative to the token: the SDKs' MQTT 5 builder writes the token
/// first, their 3.1.1 builder the signature first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// `name`, token, signature (the MQTT 5 builders).
    TokenFirst,
    /// `name`, signature, token (the 3.1.1 builders).
    SignatureFirst,
}

/// A custom-authorizer configuration, copied from C and checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomAuth {
    /// The user name before the query; `None`: the builder's.
    pub username: Option<String>,
    /// The authorizer's name.
    pub authorizer_name: Option<String>,
    /// The password.
    pub password: Option<Vec<u8>>,
    /// For a signed authorizer: the token's key, the token and its signature (URL-encoded).
    pub signed: Option<SignedToken>,
}

/// The three parts of a signed authorizer's token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedToken {
    /// The query key that carries the token.
    pub key_name: String,
    /// The token.
    pub value: String,
    /// The signature, URL-encoded.
    pub signature: String,
}

/// The text of a cursor when given (non-empty); `AWS_ERROR_INVALID_ARGUMENT` unless UTF-8.
///
/// # Safety
/// The cursor must be valid.
unsafe fn given(c: &crate::ffi::common::byte_buf::aws_byte_cursor) -> Result<Option<String>> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { c.as_bytes() }?;
    if bytes.is_empty() {
        return Ok(None);
    }
    String::from_utf8(bytes.to_vec())
        .map(Some)
        .map_err(|_| INVALID_ARGUMENT)
}

/// The signature as it goes into the query: taken as encoded already when it holds a `%` (a
/// base64 value never does), else URL-encoded.
pub fn encoded_signature(signature: &str) -> String {
    if signature.contains('%') {
        signature.to_string()
    } else {
        String::from_utf8(encode_param(signature.as_bytes())).unwrap_or_default()
    }
}

impl CustomAuth {
    /// Copies and checks `c`: some of the signed token's parts without the others is
    /// `AWS_ERROR_INVALID_ARGUMENT` (the SDKs' MQTT 5 builder refuses it too).
    ///
    /// # Safety
    /// The cursors of `c` must be valid.
    pub unsafe fn from_c(c: &aws_iot_custom_authorizer_config) -> Result<Self> {
        // SAFETY: forwarded caller contract (every cursor below).
        unsafe {
            let key_name = given(&c.token_key_name)?;
            let value = given(&c.token_value)?;
            let signature = given(&c.token_signature)?;
            let signed = match (key_name, value, signature) {
                (None, None, None) => None,
                (Some(key_name), Some(value), Some(signature)) => Some(SignedToken {
                    key_name,
                    value,
                    signature: encoded_signature(&signature),
                }),
                _ => return Err(INVALID_ARGUMENT),
            };
            let password = if c.password.ptr.is_null() {
                None
            } else {
                Some(c.password.as_bytes()?.to_vec())
            };
            Ok(Self {
                username: given(&c.username)?,
                authorizer_name: given(&c.authorizer_name)?,
                password,
                signed,
            })
        }
    }

    /// The CONNECT user name: this configuration's user name (else `builder_username`, else
    /// empty) followed by the authorizer's query parameters in `order`.
    pub fn username(&self, builder_username: Option<&str>, order: Order) -> String {
        let mut name = self
            .username
            .as_deref()
            .or(builder_username)
            .unwrap_or_default()
            .to_string();
        if let Some(authorizer) = &self.authorizer_name {
            add_parameter(&mut name, NAME_KEY, authorizer);
        }
        if let Some(token) = &self.signed {
            let token_key = format!("{}=", token.key_name);
            let parts = [
                (token_key.as_str(), token.value.as_str()),
                (SIGNATURE_KEY, token.signature.as_str()),
            ];
            let ordered = match order {
                Order::TokenFirst => [parts[0], parts[1]],
                Order::SignatureFirst => [parts[1], parts[0]],
            };
            for (key, value) in ordered {
                add_parameter(&mut name, key, value);
            }
        }
        name
    }
}

/// Appends `key` and `value` as a query parameter of `name`, as the SDKs do: `?` before the
/// first, `&` once there is a `?`, and the key left out when the value already contains it.
fn add_parameter(name: &mut String, key: &str, value: &str) {
    name.push(if name.contains('?') { '&' } else { '?' });
    if !value.contains(key) {
        name.push_str(key);
    }
    name.push_str(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed() -> CustomAuth {
        CustomAuth {
            username: Some("device".into()),
            authorizer_name: Some("MyAuthorizer".into()),
            password: None,
            signed: Some(SignedToken {
                key_name: "token".into(),
                value: "abc".into(),
                signature: encoded_signature("a+b/c=="),
            }),
        }
    }

    #[test]
    fn a_signed_authorizer_puts_name_token_and_encoded_signature_in_the_sdks_order() {
        assert_eq!(
            signed().username(None, Order::TokenFirst),
            "device?x-amz-customauthorizer-name=MyAuthorizer&token=abc\
             &x-amz-customauthorizer-signature=a%2Bb%2Fc%3D%3D"
        );
        assert_eq!(
            signed().username(None, Order::SignatureFirst),
            "device?x-amz-customauthorizer-name=MyAuthorizer\
             &x-amz-customauthorizer-signature=a%2Bb%2Fc%3D%3D&token=abc"
        );
    }

    #[test]
    fn a_user_name_with_a_query_is_joined_with_an_ampersand() {
        let auth = CustomAuth {
            username: Some("device?a=1".into()),
            authorizer_name: Some("Auth".into()),
            ..Default::default()
        };
        assert_eq!(
            auth.username(None, Order::TokenFirst),
            "device?a=1&x-amz-customauthorizer-name=Auth"
        );
    }

    #[test]
    fn without_a_user_name_of_its_own_the_builders_is_used_else_none() {
        let auth = CustomAuth {
            authorizer_name: Some("Auth".into()),
            ..Default::default()
        };
        assert_eq!(
            auth.username(Some("me"), Order::TokenFirst),
            "me?x-amz-customauthorizer-name=Auth"
        );
        assert_eq!(
            auth.username(None, Order::TokenFirst),
            "?x-amz-customauthorizer-name=Auth"
        );
        assert_eq!(CustomAuth::default().username(None, Order::TokenFirst), "");
    }

    #[test]
    fn a_value_that_already_carries_its_key_is_not_prefixed_again() {
        let auth = CustomAuth {
            authorizer_name: Some("x-amz-customauthorizer-name=Auth".into()),
            ..Default::default()
        };
        assert_eq!(
            auth.username(Some("u"), Order::TokenFirst),
            "u?x-amz-customauthorizer-name=Auth"
        );
    }

    #[test]
    fn a_signature_with_a_percent_is_taken_as_encoded_already() {
        assert_eq!(encoded_signature("a%2Bb"), "a%2Bb");
        assert_eq!(encoded_signature("ab-_.~"), "ab-_.~");
    }

    #[test]
    fn part_of_a_signed_token_is_refused_and_an_empty_password_is_a_password() {
        use crate::ffi::common::byte_buf::aws_byte_cursor;
        let mut c = aws_iot_custom_authorizer_config {
            username: aws_byte_cursor::EMPTY,
            authorizer_name: aws_byte_cursor::from_slice(b"Auth"),
            password: aws_byte_cursor::from_slice(b""),
            token_key_name: aws_byte_cursor::from_slice(b"token"),
            token_value: aws_byte_cursor::EMPTY,
            token_signature: aws_byte_cursor::EMPTY,
        };
        // SAFETY: the cursors borrow static bytes.
        unsafe {
            assert_eq!(CustomAuth::from_c(&c), Err(INVALID_ARGUMENT));
            c.token_key_name = aws_byte_cursor::EMPTY;
            let auth = CustomAuth::from_c(&c).unwrap();
            assert_eq!(auth.password, Some(Vec::new()));
            assert_eq!(auth.signed, None);
            c.password = aws_byte_cursor::EMPTY;
            assert_eq!(CustomAuth::from_c(&c).unwrap().password, None);
        }
    }
}

//! AWS IoT custom authorizers, as the broker checks them (`--custom-authorizer` and
//! `--custom-authorizer-unsigned`): the CONNECT's user name carries the authorizer's name and,
//! for a signed authorizer, a token and its signature as query parameters
//! (`user?x-amz-customauthorizer-name=N&KEY=TOKEN&x-amz-customauthorizer-signature=SIG`, in any
//! order, other parameters such as the SDK metrics ignored). The signature is the base64
//! RSA-SHA256 (PKCS#1 v1.5) signature of the token by the authorizer's key, URL-encoded; it is
//! verified with ring against the public key. An unsigned authorizer checks the password.
//! A refusal is the CONNACK AWS IoT gives: not authorized (5 in 3.1.1, 0x87 in MQTT 5).

use aws_c_mqtt::transport::{base64, percent};
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use rustls::pki_types::SubjectPublicKeyInfoDer;
use rustls::pki_types::pem::PemObject;

/// The query key of the authorizer's name.
const NAME_KEY: &str = "x-amz-customauthorizer-name";
/// The query key of the token's signature.
const SIGNATURE_KEY: &str = "x-amz-customauthorizer-signature";

/// One authorizer the broker accepts connections through.
#[derive(Debug)]
pub struct CustomAuthorizer {
    name: String,
    check: Check,
}

#[derive(Debug)]
enum Check {
    /// The token under `token_key`, signed by the RSA key (PKCS#1 `RSAPublicKey` DER).
    Signed {
        token_key: String,
        public_key: Vec<u8>,
    },
    /// The password.
    Password(Vec<u8>),
}

/// The contents of a DER TLV at the start of `der` with tag `tag`, and what follows it.
fn der_take(der: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = der.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0, |l, &b| l << 8 | usize::from(b));
        rest = &rest[n..];
        len
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// The `RSAPublicKey` inside a `SubjectPublicKeyInfo` (what `openssl rsa -pubout` writes).
fn rsa_public_key(spki: &[u8]) -> Option<Vec<u8>> {
    let (info, _) = der_take(spki, 0x30)?;
    let (_, rest) = der_take(info, 0x30)?;
    let (bits, _) = der_take(rest, 0x03)?;
    let (&unused, key) = bits.split_first()?;
    (unused == 0).then(|| key.to_vec())
}

impl CustomAuthorizer {
    /// `NAME:TOKEN_KEY_NAME:PUBLIC_KEY_PEM_FILE`.
    pub fn parse_signed(spec: &str) -> Result<Self, String> {
        let parts: Vec<&str> = spec.splitn(3, ':').collect();
        let [name, token_key, path] = parts[..] else {
            return Err("--custom-authorizer needs NAME:TOKEN_KEY_NAME:PUBLIC_KEY_PEM".into());
        };
        let spki = SubjectPublicKeyInfoDer::from_pem_file(path)
            .map_err(|e| format!("--custom-authorizer: {path}: {e}"))?;
        let public_key = rsa_public_key(spki.as_ref())
            .ok_or_else(|| format!("--custom-authorizer: {path}: not an RSA public key"))?;
        Ok(Self {
            name: name.into(),
            check: Check::Signed {
                token_key: token_key.into(),
                public_key,
            },
        })
    }

    /// `NAME:PASSWORD`.
    pub fn parse_unsigned(spec: &str) -> Result<Self, String> {
        let (name, password) = spec
            .split_once(':')
            .ok_or("--custom-authorizer-unsigned needs NAME:PASSWORD")?;
        Ok(Self {
            name: name.into(),
            check: Check::Password(password.as_bytes().to_vec()),
        })
    }

    /// Whether a CONNECT with this user name and password gets in; `Err` says why not.
    pub fn check(&self, username: Option<&str>, password: Option<&[u8]>) -> Result<(), String> {
        let username = username.ok_or("no user name")?;
        let (_, query) = username
            .split_once('?')
            .ok_or("no query in the user name")?;
        let param = |key: &str| {
            query
                .split('&')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v)
        };
        let name = param(NAME_KEY).ok_or("no authorizer name")?;
        if name != self.name {
            return Err(format!("unknown authorizer {name:?}"));
        }
        match &self.check {
            Check::Password(expected) => match password {
                Some(p) if p == expected.as_slice() => Ok(()),
                Some(_) => Err("wrong password".into()),
                None => Err("no password".into()),
            },
            Check::Signed {
                token_key,
                public_key,
            } => {
                let token = param(token_key).ok_or("no token")?;
                let encoded = param(SIGNATURE_KEY).ok_or("no token signature")?;
                let text = percent::decode(encoded.as_bytes())
                    .map_err(|_| "the signature is not URL-encoded")?;
                let signature = base64::decode(&text).ok_or("the signature is not base64")?;
                UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key)
                    .verify(token.as_bytes(), &signature)
                    .map_err(|_| "the token signature does not verify".to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsigned_authorizer_checks_its_name_and_the_password() {
        let a = CustomAuthorizer::parse_unsigned("Auth:pw").unwrap();
        let user = "me?x-amz-customauthorizer-name=Auth&SDK=IoTDeviceSDK/C&Platform=Unix";
        assert_eq!(a.check(Some(user), Some(b"pw")), Ok(()));
        assert!(a.check(Some(user), Some(b"nope")).is_err());
        assert!(a.check(Some(user), None).is_err());
        assert!(
            a.check(Some("me?x-amz-customauthorizer-name=Other"), Some(b"pw"))
                .is_err()
        );
        assert!(a.check(Some("me"), Some(b"pw")).is_err());
    }

    #[test]
    fn a_der_length_in_long_form_is_read_and_a_short_buffer_refused() {
        let mut der = vec![0x30, 0x81, 0x80];
        der.extend(std::iter::repeat_n(7, 0x80));
        assert_eq!(der_take(&der, 0x30).map(|(v, _)| v.len()), Some(0x80));
        assert_eq!(der_take(&der[..10], 0x30), None);
        assert_eq!(der_take(&der, 0x31), None);
    }
}

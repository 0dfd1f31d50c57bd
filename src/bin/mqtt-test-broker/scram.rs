//! The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677), the enhanced authentication method
//! [MQTT-4.12] `--scram USER:PASSWORD` makes the broker require: the client-first message in
//! the CONNECT's (or a re-authenticating AUTH's) data, the server-first message in an AUTH
//! Continue, the client-final message with its proof in the client's AUTH Continue, and the
//! server-final message (the server's signature) in the CONNACK (or an AUTH Success).
//!
//! No channel binding (`n,,` only); the proof is checked by recomputing it and comparing its
//! base64 text, so no decoder is needed.

use aws_c_mqtt::transport::base64;
use ring::rand::{SecureRandom, SystemRandom};
use ring::{digest, hmac, pbkdf2};
use std::num::NonZeroU32;

/// The method's name in CONNECT and AUTH.
pub const METHOD: &str = "SCRAM-SHA-256";

/// The iteration count the server asks for (RFC 7677's minimum).
const ITERATIONS: u32 = 4096;

/// The GS2 header of a client without channel binding, and its base64 (the `c=` attribute).
const GS2_HEADER: &str = "n,,";
const GS2_HEADER_B64: &str = "biws";

/// One exchange, between the server-first message and the client-final one.
pub struct Exchange {
    client_first_bare: String,
    server_first: String,
    nonce: String,
    salted_password: [u8; 32],
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data);
    let mut out = [0; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// The value of the `name=` attribute of a SCRAM message.
fn attribute(message: &str, name: char) -> Option<&str> {
    message
        .split(',')
        .find_map(|a| a.strip_prefix(name)?.strip_prefix('='))
}

impl Exchange {
    /// Answers `client_first` (`n,,n=USER,r=NONCE`) for the account `user`/`password`: the
    /// exchange, and the server-first message to send. `Err` for a malformed message, channel
    /// binding, or another user.
    pub fn start(
        user: &str,
        password: &str,
        client_first: &[u8],
    ) -> Result<(Exchange, String), &'static str> {
        let text = std::str::from_utf8(client_first).map_err(|_| "client-first is not UTF-8")?;
        let bare = text
            .strip_prefix(GS2_HEADER)
            .ok_or("client-first without the n,, header (channel binding is not offered)")?;
        if attribute(bare, 'n') != Some(user) {
            return Err("unknown user");
        }
        let client_nonce = attribute(bare, 'r').ok_or("client-first without a nonce")?;
        let rng = SystemRandom::new();
        let mut random = [0u8; 18];
        let mut salt = [0u8; 16];
        rng.fill(&mut random).map_err(|_| "no randomness")?;
        rng.fill(&mut salt).map_err(|_| "no randomness")?;
        let nonce = format!("{client_nonce}{}", base64::encode(&random));
        let server_first = format!("r={nonce},s={},i={ITERATIONS}", base64::encode(&salt));
        let mut salted_password = [0u8; 32];
        pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA256,
            NonZeroU32::new(ITERATIONS).expect("non-zero"),
            &salt,
            password.as_bytes(),
            &mut salted_password,
        );
        let exchange = Exchange {
            client_first_bare: bare.to_owned(),
            server_first: server_first.clone(),
            nonce,
            salted_password,
        };
        Ok((exchange, server_first))
    }

    /// Checks `client_final` (`c=biws,r=NONCE,p=PROOF`): the server-final message (`v=...`)
    /// when the proof is right, `Err` otherwise.
    pub fn finish(&self, client_final: &[u8]) -> Result<String, &'static str> {
        let text = std::str::from_utf8(client_final).map_err(|_| "client-final is not UTF-8")?;
        let (without_proof, proof) = text
            .rsplit_once(",p=")
            .ok_or("client-final without a proof")?;
        if attribute(without_proof, 'c') != Some(GS2_HEADER_B64) {
            return Err("client-final with another channel binding");
        }
        if attribute(without_proof, 'r') != Some(self.nonce.as_str()) {
            return Err("client-final with another nonce");
        }
        let auth_message = format!(
            "{},{},{without_proof}",
            self.client_first_bare, self.server_first
        );
        let client_key = hmac_sha256(&self.salted_password, b"Client Key");
        let stored_key = digest::digest(&digest::SHA256, &client_key);
        let signature = hmac_sha256(stored_key.as_ref(), auth_message.as_bytes());
        let expected: Vec<u8> = client_key
            .iter()
            .zip(signature)
            .map(|(k, s)| k ^ s)
            .collect();
        if base64::encode(&expected) != proof {
            return Err("wrong proof");
        }
        let server_key = hmac_sha256(&self.salted_password, b"Server Key");
        let server_signature = hmac_sha256(&server_key, auth_message.as_bytes());
        Ok(format!("v={}", base64::encode(&server_signature)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677's example exchange, with its nonces and salt.
    #[test]
    fn the_rfc_7677_example_verifies() {
        let bare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
        let server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let mut salted_password = [0u8; 32];
        let salt = [
            0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12, 0x35, 0x8e, 0xec, 0xa0, 0x4b, 0x14, 0x12, 0x36,
            0xfa, 0x81,
        ];
        assert_eq!(base64::encode(&salt), "W22ZaJ0SNY7soEsUEjb6gQ==");
        pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA256,
            NonZeroU32::new(4096).unwrap(),
            &salt,
            b"pencil",
            &mut salted_password,
        );
        let exchange = Exchange {
            client_first_bare: bare.into(),
            server_first: server_first.into(),
            nonce: "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0".into(),
            salted_password,
        };
        let client_final = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                            p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        assert_eq!(
            exchange.finish(client_final.as_bytes()),
            Ok("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".into())
        );
        let wrong = client_final.replace("p=dH", "p=eH");
        assert_eq!(exchange.finish(wrong.as_bytes()), Err("wrong proof"));
    }

    #[test]
    fn a_client_first_for_another_user_or_with_channel_binding_is_refused() {
        assert!(Exchange::start("user", "pencil", b"n,,n=other,r=abc").is_err());
        assert!(Exchange::start("user", "pencil", b"p=tls-unique,,n=user,r=abc").is_err());
        let (exchange, server_first) =
            Exchange::start("user", "pencil", b"n,,n=user,r=abc").unwrap();
        assert!(server_first.starts_with("r=abc"));
        assert!(server_first.ends_with(",i=4096"));
        assert_eq!(
            exchange.finish(b"c=biws,r=abc,p=AAAA"),
            Err("client-final with another nonce")
        );
    }
}

//! PKCS#12 (`.p12`/`.pfx`) client identities: libssl decrypts the file with its password, and
//! the certificate chain and private key come out as PEM, the form the TLS context takes for
//! every client identity (rustls then does the TLS).

use openssl::pkcs12::Pkcs12;
use zeroize_on_drop::Secret;

/// A PKCS#12 file's identity: its certificate (then the rest of its chain) and its key, PEM.
pub struct Identity {
    /// The leaf certificate first, then the chain the file carries.
    pub certificate_pem: Vec<u8>,
    /// The private key (PKCS#8), wiped when dropped.
    pub private_key_pem: Secret,
}

/// Why a PKCS#12 file gave no identity.
#[derive(Debug, PartialEq, Eq)]
pub enum Pkcs12Error {
    /// Not PKCS#12, a wrong password, or a cipher libssl cannot use.
    Unreadable(String),
    /// Read, but without a certificate or a private key.
    Incomplete,
}

/// The identity in the PKCS#12 bytes `der`, decrypted with `password` (its bytes as given; a
/// password that is not UTF-8 cannot be one a PKCS#12 file was made with).
pub fn identity(der: &[u8], password: &[u8]) -> Result<Identity, Pkcs12Error> {
    let unreadable = |e: &dyn std::fmt::Display| Pkcs12Error::Unreadable(e.to_string());
    let password = std::str::from_utf8(password).map_err(|e| unreadable(&e))?;
    let parsed = Pkcs12::from_der(der)
        .and_then(|p| p.parse2(password))
        .map_err(|e| unreadable(&e))?;
    let (Some(cert), Some(key)) = (parsed.cert, parsed.pkey) else {
        return Err(Pkcs12Error::Incomplete);
    };
    let mut certificate_pem = cert.to_pem().map_err(|e| unreadable(&e))?;
    for extra in parsed.ca.iter().flatten() {
        certificate_pem.extend(extra.to_pem().map_err(|e| unreadable(&e))?);
    }
    let private_key_pem = Secret(key.private_key_to_pem_pkcs8().map_err(|e| unreadable(&e))?);
    Ok(Identity {
        certificate_pem,
        private_key_pem,
    })
}

/// Key material that is zeroed when dropped.
mod zeroize_on_drop {
    /// Bytes wiped on drop.
    pub struct Secret(pub Vec<u8>);

    impl Drop for Secret {
        fn drop(&mut self) {
            for b in self.0.iter_mut() {
                // Volatile, so the wipe of memory about to be freed is not optimised away.
                // SAFETY: `b` is a valid, aligned byte of this vector.
                unsafe { std::ptr::write_volatile(b, 0) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::x509::{X509, X509NameBuilder};

    fn p12(password: &str) -> Vec<u8> {
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "p12 test").unwrap();
        let name = name.build();
        let mut cert = X509::builder().unwrap();
        cert.set_version(2).unwrap();
        cert.set_subject_name(&name).unwrap();
        cert.set_issuer_name(&name).unwrap();
        cert.set_pubkey(&key).unwrap();
        cert.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        cert.set_not_after(&Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        cert.sign(&key, MessageDigest::sha256()).unwrap();
        let cert = cert.build();
        Pkcs12::builder()
            .name("client")
            .pkey(&key)
            .cert(&cert)
            .build2(password)
            .unwrap()
            .to_der()
            .unwrap()
    }

    #[test]
    fn the_right_password_gives_the_certificate_and_key_as_pem() {
        let id = identity(&p12("secret"), b"secret").unwrap();
        assert!(
            id.certificate_pem
                .starts_with(b"-----BEGIN CERTIFICATE-----")
        );
        assert!(
            id.private_key_pem
                .0
                .starts_with(b"-----BEGIN PRIVATE KEY-----")
        );
    }

    #[test]
    fn a_wrong_password_or_garbage_gives_nothing() {
        let file = p12("secret");
        assert!(matches!(
            identity(&file, b"wrong"),
            Err(Pkcs12Error::Unreadable(_))
        ));
        assert!(matches!(
            identity(b"not a p12", b"secret"),
            Err(Pkcs12Error::Unreadable(_))
        ));
        assert!(matches!(
            identity(&file, &[0xFF]),
            Err(Pkcs12Error::Unreadable(_))
        ));
    }
}

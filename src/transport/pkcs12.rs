//! PKCS#12 (`.p12`/`.pfx`) client identities: libcrypto (loaded on demand, see
//! `libcrypto.rs`) decrypts the file with its password, and the certificate chain and private
//! key come out as PEM, the form the TLS context takes for every client identity (rustls then
//! does the TLS).

use std::ffi::{CString, c_void};

use crate::transport::libcrypto::{Bio, LibCrypto, last_error, libcrypto};
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
    /// Not PKCS#12, a wrong password, a cipher libcrypto cannot use, or no libcrypto.
    Unreadable(String),
    /// Read, but without a certificate or a private key.
    Incomplete,
}

/// The identity in the PKCS#12 bytes `der`, decrypted with `password` (its bytes as given; a
/// password that is not UTF-8 cannot be one a PKCS#12 file was made with).
pub fn identity(der: &[u8], password: &[u8]) -> Result<Identity, Pkcs12Error> {
    let unreadable = |e: String| Pkcs12Error::Unreadable(e);
    std::str::from_utf8(password).map_err(|e| unreadable(e.to_string()))?;
    let password = CString::new(password).map_err(|e| unreadable(e.to_string()))?;
    let lib = libcrypto().map_err(unreadable)?;
    // SAFETY: each call is libcrypto's documented use: `d2i_PKCS12` reads at most `len` bytes
    // of `der`; `PKCS12_parse` hands over a key, a certificate and a stack that `Parsed`
    // frees; the BIOs are freed by `Bio`.
    unsafe {
        let mut at = der.as_ptr();
        let len = der
            .len()
            .try_into()
            .map_err(|_| unreadable("too large".into()))?;
        let p12 = (lib.d2i_PKCS12)(std::ptr::null_mut(), &mut at, len);
        if p12.is_null() {
            return Err(unreadable(last_error(lib)));
        }
        let mut parsed = Parsed {
            lib,
            key: std::ptr::null_mut(),
            cert: std::ptr::null_mut(),
            ca: std::ptr::null_mut(),
        };
        let ok = (lib.PKCS12_parse)(
            p12,
            password.as_ptr(),
            &mut parsed.key,
            &mut parsed.cert,
            &mut parsed.ca,
        );
        (lib.PKCS12_free)(p12);
        if ok != 1 {
            return Err(unreadable(last_error(lib)));
        }
        if parsed.key.is_null() || parsed.cert.is_null() {
            return Err(Pkcs12Error::Incomplete);
        }
        let mut chain = vec![parsed.cert];
        if !parsed.ca.is_null() {
            for i in 0..(lib.OPENSSL_sk_num)(parsed.ca) {
                chain.push((lib.OPENSSL_sk_value)(parsed.ca, i));
            }
        }
        let certs = Bio::new(lib).ok_or_else(|| unreadable(last_error(lib)))?;
        for cert in chain {
            if (lib.PEM_write_bio_X509)(certs.0, cert) != 1 {
                return Err(unreadable(last_error(lib)));
            }
        }
        let key = Bio::new(lib).ok_or_else(|| unreadable(last_error(lib)))?;
        let null = std::ptr::null_mut::<c_void>();
        if (lib.PEM_write_bio_PKCS8PrivateKey)(key.0, parsed.key, null, null.cast(), 0, null, null)
            != 1
        {
            return Err(unreadable(last_error(lib)));
        }
        Ok(Identity {
            certificate_pem: certs.contents().to_vec(),
            private_key_pem: Secret(key.contents().to_vec()),
        })
    }
}

/// What `PKCS12_parse` handed over, freed on drop.
struct Parsed {
    lib: &'static LibCrypto,
    key: *mut c_void,
    cert: *mut c_void,
    ca: *mut c_void,
}

impl Drop for Parsed {
    fn drop(&mut self) {
        // SAFETY: each pointer is NULL or owned here, freed once.
        unsafe {
            if !self.ca.is_null() {
                for i in 0..(self.lib.OPENSSL_sk_num)(self.ca) {
                    (self.lib.X509_free)((self.lib.OPENSSL_sk_value)(self.ca, i));
                }
                (self.lib.OPENSSL_sk_free)(self.ca);
            }
            if !self.cert.is_null() {
                (self.lib.X509_free)(self.cert);
            }
            if !self.key.is_null() {
                (self.lib.EVP_PKEY_free)(self.key);
            }
        }
    }
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
    use std::process::Command;

    /// A fresh key and self-signed certificate as a PKCS#12 file, made by the `openssl`
    /// command (the test tools script installs it) with its default ciphers.
    fn p12(password: &str, legacy: bool) -> Vec<u8> {
        // One directory per call: the tests run in parallel.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("p12-test-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .output()
                .expect("the openssl command (scripts/ensure-tools.sh installs it)");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "1",
            "-subj",
            "/CN=p12 test",
        ]);
        let pass = format!("pass:{password}");
        let mut export = vec![
            "pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-out", "id.p12",
            "-passout", &pass,
        ];
        if legacy {
            // 3DES for the key and no certificate encryption: what OpenSSL 1.1 era tools made
            // (its RC2 needs OpenSSL 3's legacy provider, as any libcrypto-based reader does).
            export.extend(["-keypbe", "PBE-SHA1-3DES", "-certpbe", "NONE"]);
        }
        run(&export);
        let der = std::fs::read(dir.join("id.p12")).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        der
    }

    #[test]
    fn the_right_password_gives_the_certificate_and_key_as_pem() {
        for legacy in [false, true] {
            let id = identity(&p12("secret", legacy), b"secret").unwrap();
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
    }

    #[test]
    fn a_wrong_password_or_garbage_gives_nothing() {
        let file = p12("secret", false);
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
        assert!(matches!(
            identity(&file, b"sec\0ret"),
            Err(Pkcs12Error::Unreadable(_))
        ));
    }
}

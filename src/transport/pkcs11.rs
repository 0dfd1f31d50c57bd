//! PKCS#11 for mutual TLS: a loaded module ([`Pkcs11Library`], with aws-c-io's
//! initialize/finalize behaviours), a private key found on one of its tokens ([`open_key`]:
//! slot by id and/or token label, login with the user PIN, the only private key or the one with
//! a label, as aws-c-io searches), and that key signing TLS handshakes for rustls
//! ([`TokenKey`] as a `SigningKey`: RSA with PSS or PKCS#1 v1.5, ECDSA on P-256 and P-384).
//!
//! The key never leaves the token: each handshake hashes on the host and asks the token to
//! sign the digest (CKM_RSA_PKCS_PSS, CKM_RSA_PKCS over a DigestInfo, CKM_ECDSA). One session
//! serves every connection, one signature at a time (a PKCS#11 session is not for concurrent
//! use). Failures carry aws-c-io's error codes: a module's `CKR_*` as the matching
//! `AWS_ERROR_PKCS11_CKR_*`, and its own `AWS_ERROR_PKCS11_TOKEN_NOT_FOUND`,
//! `_KEY_NOT_FOUND`, `_KEY_TYPE_UNSUPPORTED`, `_VERSION_UNSUPPORTED`.

use crate::error::aws_io_errors::{self, *};
use crate::runtime::lock::lock;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::{RawAuthPin, Ulong};
use rustls::sign::{Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};
use std::ffi::c_int;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// How a module is initialised and finalised (upstream's `enum aws_pkcs11_lib_behavior`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behavior {
    /// C_Initialize, tolerating "already initialised"; never C_Finalize (another part of the
    /// program may still use the module).
    Default,
    /// Neither: the program initialised the module itself.
    OmitInitialize,
    /// C_Initialize, where "already initialised" is an error; C_Finalize when the last
    /// reference goes.
    StrictInitializeFinalize,
}

/// A loaded PKCS#11 module.
pub struct Pkcs11Library {
    ctx: Pkcs11,
    finalize: bool,
}

impl std::fmt::Debug for Pkcs11Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Library")
            .field("finalize", &self.finalize)
            .finish_non_exhaustive()
    }
}

impl Drop for Pkcs11Library {
    fn drop(&mut self) {
        if self.finalize {
            // Nothing to do about a failure while letting go.
            let _ = self.ctx.clone().finalize();
        }
    }
}

/// The aws error code of a `CKR_*` value, by its name: `CKR_PIN_INCORRECT` is
/// `AWS_ERROR_PKCS11_CKR_PIN_INCORRECT`; one aws-c-io does not know is
/// `AWS_ERROR_PKCS11_UNKNOWN_CRYPTOKI_RETURN_VALUE`.
pub fn ckr_code(rv: RvError) -> c_int {
    // cryptoki names each CKR_X as the CamelCase variant of X.
    let camel = format!("{rv:?}");
    let mut name = String::from("AWS_ERROR_PKCS11_CKR");
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    <aws_io_errors as strum::IntoEnumIterator>::iter()
        .find(|e| <&'static str>::from(*e) == name)
        .unwrap_or(AWS_ERROR_PKCS11_UNKNOWN_CRYPTOKI_RETURN_VALUE) as c_int
}

/// The aws error code of a cryptoki failure.
pub fn error_code(e: &CkError) -> c_int {
    match e {
        CkError::Pkcs11(rv, _) => ckr_code(*rv),
        CkError::LibraryLoading(_) => AWS_IO_SHARED_LIBRARY_LOAD_FAILURE as c_int,
        CkError::NullFunctionPointer => AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE as c_int,
        _ => AWS_ERROR_PKCS11_CKR_GENERAL_ERROR as c_int,
    }
}

fn logged(what: &str, e: CkError) -> c_int {
    crate::aws_log!(
        AWS_LL_ERROR,
        AWS_LS_IO_PKCS11,
        "PKCS#11: {what} failed: {e}"
    );
    error_code(&e)
}

impl Pkcs11Library {
    /// Loads the module at `path` (`None`: the running program's own symbols) and initialises
    /// it as `behavior` says.
    pub fn load(path: Option<&Path>, behavior: Behavior) -> Result<Pkcs11Library, c_int> {
        let ctx = match path {
            Some(p) => Pkcs11::new(p),
            None => Pkcs11::new_from_self(),
        }
        .map_err(|e| logged("loading the module", e))?;
        let mut finalize = false;
        if behavior != Behavior::OmitInitialize {
            match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
                Ok(()) => finalize = behavior == Behavior::StrictInitializeFinalize,
                Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _))
                    if behavior == Behavior::Default => {}
                Err(e) => return Err(logged("C_Initialize", e)),
            }
        }
        let library = Pkcs11Library { ctx, finalize };
        let info = library
            .ctx
            .get_library_info()
            .map_err(|e| logged("C_GetInfo", e))?;
        let version = info.cryptoki_version();
        // aws-c-io needs 2.20 or later (it also refuses 3.x, whose 2.x functions we use alike).
        if version.major() < 2 || (version.major() == 2 && version.minor() < 20) {
            crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_IO_PKCS11,
                "PKCS#11: the module speaks cryptoki {}.{}, 2.20 or later is needed",
                version.major(),
                version.minor()
            );
            return Err(AWS_ERROR_PKCS11_VERSION_UNSUPPORTED as c_int);
        }
        crate::aws_log!(
            AWS_LL_INFO,
            AWS_LS_IO_PKCS11,
            "PKCS#11: loaded '{}' (cryptoki {}.{}), {:?}",
            info.library_description(),
            version.major(),
            version.minor(),
            behavior
        );
        Ok(library)
    }
}

/// Where the key is and how to unlock it (upstream's `aws_tls_ctx_pkcs11_options`, minus the
/// certificate). A `None` matches anything.
#[derive(Default)]
pub struct KeyQuery<'a> {
    /// The user PIN; none for a protected authentication path.
    pub user_pin: Option<&'a [u8]>,
    /// The slot.
    pub slot_id: Option<u64>,
    /// The token's label.
    pub token_label: Option<&'a [u8]>,
    /// The private key's label.
    pub key_label: Option<&'a [u8]>,
}

/// What the key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    EcP256,
    EcP384,
}

/// A private key on a token, logged in, ready to sign.
pub struct TokenKey {
    session: Mutex<Session>,
    key: ObjectHandle,
    kind: KeyKind,
    /// Keeps the module loaded (and initialised) while the key is in use.
    _library: Arc<Pkcs11Library>,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// The one slot holding a token that matches `query`; none or several is
/// `AWS_ERROR_PKCS11_TOKEN_NOT_FOUND`.
fn find_slot(library: &Pkcs11Library, query: &KeyQuery) -> Result<Slot, c_int> {
    let slots = library
        .ctx
        .get_slots_with_token()
        .map_err(|e| logged("C_GetSlotList", e))?;
    let mut found = None;
    for slot in slots {
        if query.slot_id.is_some_and(|id| id != slot.id()) {
            continue;
        }
        if let Some(label) = query.token_label {
            let info = library
                .ctx
                .get_token_info(slot)
                .map_err(|e| logged("C_GetTokenInfo", e))?;
            if info.label().as_bytes() != label {
                continue;
            }
        }
        if found.is_some() {
            crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_IO_PKCS11,
                "PKCS#11: more than one token matches; give a slot id or token label"
            );
            return Err(AWS_ERROR_PKCS11_TOKEN_NOT_FOUND as c_int);
        }
        found = Some(slot);
    }
    found.ok_or_else(|| {
        crate::aws_log!(AWS_LL_ERROR, AWS_LS_IO_PKCS11, "PKCS#11: no token matches");
        AWS_ERROR_PKCS11_TOKEN_NOT_FOUND as c_int
    })
}

/// The curve named by a key's DER `CKA_EC_PARAMS` (an OID).
fn curve_of(params: &[u8]) -> Option<KeyKind> {
    const P256: &[u8] = &[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];
    match params {
        P256 => Some(KeyKind::EcP256),
        P384 => Some(KeyKind::EcP384),
        _ => None,
    }
}

/// Finds the key `query` describes, in upstream's order: the token, a session, the login, the
/// one private key (with the label when given; none or several is
/// `AWS_ERROR_PKCS11_KEY_NOT_FOUND`), its type (RSA or EC on P-256/P-384, else
/// `AWS_ERROR_PKCS11_KEY_TYPE_UNSUPPORTED`).
pub fn open_key(library: Arc<Pkcs11Library>, query: &KeyQuery) -> Result<Arc<TokenKey>, c_int> {
    let slot = find_slot(&library, query)?;
    let session = library
        .ctx
        .open_ro_session(slot)
        .map_err(|e| logged("C_OpenSession", e))?;
    let login = match query.user_pin {
        Some(pin) => {
            session.login_with_raw(UserType::User, &RawAuthPin::new(Box::new(pin.to_vec())))
        }
        None => session.login(UserType::User, None),
    };
    match login {
        // Another part of the program logged in already: that is fine.
        Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
        Err(e) => return Err(logged("C_Login", e)),
    }
    let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
    if let Some(label) = query.key_label {
        template.push(Attribute::Label(label.to_vec()));
    }
    let keys = session
        .find_objects(&template)
        .map_err(|e| logged("C_FindObjects", e))?;
    let [key] = keys[..] else {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_PKCS11,
            "PKCS#11: {} private keys match, one is needed",
            keys.len()
        );
        return Err(AWS_ERROR_PKCS11_KEY_NOT_FOUND as c_int);
    };
    let attributes = session
        .get_attributes(key, &[AttributeType::KeyType])
        .map_err(|e| logged("C_GetAttributeValue", e))?;
    let kind = match attributes.first() {
        Some(Attribute::KeyType(t)) if *t == KeyType::RSA => KeyKind::Rsa,
        Some(Attribute::KeyType(t)) if *t == KeyType::EC => {
            let params = session
                .get_attributes(key, &[AttributeType::EcParams])
                .map_err(|e| logged("C_GetAttributeValue", e))?;
            match params.first() {
                Some(Attribute::EcParams(p)) => curve_of(p),
                _ => None,
            }
            .ok_or(AWS_ERROR_PKCS11_KEY_TYPE_UNSUPPORTED as c_int)?
        }
        _ => return Err(AWS_ERROR_PKCS11_KEY_TYPE_UNSUPPORTED as c_int),
    };
    Ok(Arc::new(TokenKey {
        session: Mutex::new(session),
        key,
        kind,
        _library: library,
    }))
}

/// rustls's view of a [`TokenKey`].
#[derive(Debug)]
pub struct TokenSigningKey(pub Arc<TokenKey>);

/// One signature scheme with a token key.
#[derive(Debug)]
struct TokenSigner {
    key: Arc<TokenKey>,
    scheme: SignatureScheme,
}

/// The schemes a key can sign with, best first (TLS 1.3 needs PSS for RSA).
fn schemes(kind: KeyKind) -> &'static [SignatureScheme] {
    use SignatureScheme::*;
    match kind {
        KeyKind::Rsa => &[
            RSA_PSS_SHA256,
            RSA_PSS_SHA384,
            RSA_PSS_SHA512,
            RSA_PKCS1_SHA256,
            RSA_PKCS1_SHA384,
            RSA_PKCS1_SHA512,
        ],
        KeyKind::EcP256 => &[ECDSA_NISTP256_SHA256],
        KeyKind::EcP384 => &[ECDSA_NISTP384_SHA384],
    }
}

impl SigningKey for TokenSigningKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        schemes(self.0.kind)
            .iter()
            .find(|s| offered.contains(s))
            .map(|&scheme| {
                Box::new(TokenSigner {
                    key: Arc::clone(&self.0),
                    scheme,
                }) as Box<dyn Signer>
            })
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        match self.0.kind {
            KeyKind::Rsa => SignatureAlgorithm::RSA,
            KeyKind::EcP256 | KeyKind::EcP384 => SignatureAlgorithm::ECDSA,
        }
    }
}

/// The DER DigestInfo prefixes of RFC 8017 9.2 (note 1) for PKCS#1 v1.5 signatures.
const SHA256_DIGEST_INFO: &[u8] = &[
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
const SHA384_DIGEST_INFO: &[u8] = &[
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
    0x00, 0x04, 0x30,
];
const SHA512_DIGEST_INFO: &[u8] = &[
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
    0x00, 0x04, 0x40,
];

/// What the token signs for `scheme` over `message`: the mechanism and the data.
fn signing_input(scheme: SignatureScheme, message: &[u8]) -> Option<(Mechanism<'static>, Vec<u8>)> {
    use SignatureScheme::*;
    use ring::digest::{SHA256, SHA384, SHA512, digest};
    let pss = |hash_alg, mgf, len: u64| {
        Mechanism::RsaPkcsPss(PkcsPssParams {
            hash_alg,
            mgf,
            s_len: Ulong::from(len),
        })
    };
    let with_prefix = |prefix: &[u8], hash: &[u8]| [prefix, hash].concat();
    Some(match scheme {
        RSA_PSS_SHA256 => (
            pss(MechanismType::SHA256, PkcsMgfType::MGF1_SHA256, 32),
            digest(&SHA256, message).as_ref().to_vec(),
        ),
        RSA_PSS_SHA384 => (
            pss(MechanismType::SHA384, PkcsMgfType::MGF1_SHA384, 48),
            digest(&SHA384, message).as_ref().to_vec(),
        ),
        RSA_PSS_SHA512 => (
            pss(MechanismType::SHA512, PkcsMgfType::MGF1_SHA512, 64),
            digest(&SHA512, message).as_ref().to_vec(),
        ),
        RSA_PKCS1_SHA256 => (
            Mechanism::RsaPkcs,
            with_prefix(SHA256_DIGEST_INFO, digest(&SHA256, message).as_ref()),
        ),
        RSA_PKCS1_SHA384 => (
            Mechanism::RsaPkcs,
            with_prefix(SHA384_DIGEST_INFO, digest(&SHA384, message).as_ref()),
        ),
        RSA_PKCS1_SHA512 => (
            Mechanism::RsaPkcs,
            with_prefix(SHA512_DIGEST_INFO, digest(&SHA512, message).as_ref()),
        ),
        ECDSA_NISTP256_SHA256 => (Mechanism::Ecdsa, digest(&SHA256, message).as_ref().to_vec()),
        ECDSA_NISTP384_SHA384 => (Mechanism::Ecdsa, digest(&SHA384, message).as_ref().to_vec()),
        _ => return None,
    })
}

/// A DER INTEGER holding the unsigned big-endian `bytes`.
fn der_integer(bytes: &[u8], out: &mut Vec<u8>) {
    let mut v = bytes;
    while let [0, rest @ ..] = v
        && !rest.is_empty()
    {
        v = rest;
    }
    let pad = v.first().is_some_and(|b| b & 0x80 != 0);
    out.push(0x02);
    out.push((v.len() + usize::from(pad)) as u8);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(v);
}

/// PKCS#11's ECDSA signature, r then s of equal length, as the DER `Ecdsa-Sig-Value` TLS sends
/// (RFC 5480 / RFC 8446 4.2.3). `None` for an odd length.
pub fn ecdsa_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || raw.len() % 2 != 0 || raw.len() > 132 {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut body = Vec::with_capacity(raw.len() + 8);
    der_integer(r, &mut body);
    der_integer(s, &mut body);
    let mut out = vec![0x30];
    if body.len() >= 0x80 {
        out.push(0x81);
    }
    out.push(body.len() as u8);
    out.extend_from_slice(&body);
    Some(out)
}

impl Signer for TokenSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        let (mechanism, data) = signing_input(self.scheme, message)
            .ok_or_else(|| rustls::Error::General("PKCS#11: unsupported scheme".into()))?;
        let signature = lock(&self.key.session)
            .sign(&mechanism, self.key.key, &data)
            .map_err(|e| {
                let code = logged("C_Sign", e);
                rustls::Error::General(format!("PKCS#11 signing failed (aws error {code})"))
            })?;
        match self.key.kind {
            KeyKind::Rsa => Ok(signature),
            KeyKind::EcP256 | KeyKind::EcP384 => ecdsa_der(&signature)
                .ok_or_else(|| rustls::Error::General("PKCS#11: malformed ECDSA signature".into())),
        }
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ckr_values_map_to_aws_c_io_codes_by_name() {
        assert_eq!(
            ckr_code(RvError::PinIncorrect),
            AWS_ERROR_PKCS11_CKR_PIN_INCORRECT as c_int
        );
        assert_eq!(
            ckr_code(RvError::CryptokiAlreadyInitialized),
            AWS_ERROR_PKCS11_CKR_CRYPTOKI_ALREADY_INITIALIZED as c_int
        );
        assert_eq!(
            ckr_code(RvError::SessionReadWriteSoExists),
            AWS_ERROR_PKCS11_CKR_SESSION_READ_WRITE_SO_EXISTS as c_int
        );
        assert_eq!(
            ckr_code(RvError::GeneralError),
            AWS_ERROR_PKCS11_CKR_GENERAL_ERROR as c_int
        );
    }

    #[test]
    fn raw_ecdsa_signatures_become_der() {
        // r with its top bit set gains a 0 byte; s with leading zeros loses them.
        let mut raw = vec![0x80; 32];
        raw.extend_from_slice(&[0u8; 31]);
        raw.push(0x05);
        let der = ecdsa_der(&raw).unwrap();
        let mut expected = vec![0x30, 33 + 2 + 1 + 2, 0x02, 33, 0x00];
        expected.extend_from_slice(&[0x80; 32]);
        expected.extend_from_slice(&[0x02, 1, 0x05]);
        assert_eq!(der, expected);
        assert_eq!(ecdsa_der(&[1, 2, 3]), None);
        // P-384's longest signature still has a short length; 66-byte halves need the long form.
        let der = ecdsa_der(&[0xFF; 96]).unwrap();
        assert_eq!(&der[..3], &[0x30, 2 * (2 + 49), 0x02]);
        let der = ecdsa_der(&[0xFF; 132]).unwrap();
        assert_eq!(&der[..3], &[0x30, 0x81, 2 * (2 + 67)]);
        assert_eq!(der.len(), 3 + 2 * (2 + 67));
    }

    #[test]
    fn curves_are_read_from_their_oid() {
        assert_eq!(
            curve_of(&[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]),
            Some(KeyKind::EcP256)
        );
        assert_eq!(
            curve_of(&[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]),
            Some(KeyKind::EcP384)
        );
        assert_eq!(curve_of(&[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23]), None);
    }
}

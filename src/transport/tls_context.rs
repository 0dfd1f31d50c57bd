//! A TLS client context: the rustls configuration built once from a context's settings and
//! shared by every session made from it (what `aws_tls_client_ctx_new` makes).
//!
//! Settings map onto rustls as follows:
//! - **Versions.** rustls speaks TLS 1.2 and 1.3 only. [`MinimumVersion::Tls12`] (what every
//!   upstream minimum up to TLS 1.2, and the system default, becomes) allows both;
//!   [`MinimumVersion::Tls13`] allows 1.3 alone.
//! - **Trust.** With peer verification on, the system trust store (rustls-native-certs: the
//!   distribution's CA bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR`), unless the settings
//!   override it with a PEM CA bundle and/or a directory of PEM certificates, which then
//!   replace it entirely (as upstream wipes s2n's default store). With verification off, any
//!   certificate is accepted ([`AcceptAnyServerCertificate`]).
//! - **Client identity** for mutual TLS: a PEM certificate chain and a PEM private key, PKCS#1
//!   (`RSA PRIVATE KEY`), PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`); or a key that
//!   signs on its device (a PKCS#11 token), presented through a certificate resolver.
//! - **ALPN**: upstream's `"proto1;proto2"` list, at most four protocols.

use crate::runtime::lock::lock;
use crate::transport::tls_error::TlsError;
use crate::transport::tls_verifier::AcceptAnyServerCertificate;
use rustls::client::{ResolvesClientCert, WantsClientCert};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::{CertifiedKey, SigningKey};
use rustls::{ClientConfig, ConfigBuilder, RootCertStore, SupportedProtocolVersion};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The most protocols an ALPN list may name (upstream's limit).
pub const MAX_ALPN_PROTOCOLS: usize = 4;

/// The oldest TLS version a context accepts. rustls has nothing older than TLS 1.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinimumVersion {
    /// TLS 1.2 and TLS 1.3.
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

/// Where the CA certificates that vouch for a server come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustAnchors {
    /// The system trust store.
    System,
    /// Only these, instead of the system store: every PEM certificate in the files of a
    /// directory, and/or a PEM bundle.
    Override {
        /// A directory of PEM certificate files (OpenSSL's `-CApath` layout works).
        ca_dir: Option<PathBuf>,
        /// PEM text holding one or more CA certificates.
        ca_pem: Option<Vec<u8>>,
    },
}

/// A client certificate chain and its private key: PEM, or a key that signs elsewhere (a
/// PKCS#11 token). The key's bytes are wiped when the identity is dropped.
#[derive(Clone)]
pub struct ClientIdentity {
    /// The certificate, then any intermediates.
    pub certificate_pem: Vec<u8>,
    /// The private key: PKCS#1, PKCS#8 or SEC1; unused with a `signer`.
    pub private_key_pem: Vec<u8>,
    /// A key that never leaves its device; it signs the handshakes.
    pub signer: Option<Arc<dyn SigningKey>>,
}

impl PartialEq for ClientIdentity {
    fn eq(&self, other: &Self) -> bool {
        let same_signer = match (&self.signer, &other.signer) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_signer
            && self.certificate_pem == other.certificate_pem
            && self.private_key_pem == other.private_key_pem
    }
}

impl Eq for ClientIdentity {}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("certificate_pem", &self.certificate_pem.len())
            .field("signer", &self.signer.is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for ClientIdentity {
    fn drop(&mut self) {
        for byte in self.private_key_pem.iter_mut() {
            // SAFETY: a valid, exclusively borrowed byte; volatile so the wipe is not elided.
            unsafe { std::ptr::write_volatile(byte, 0) };
        }
    }
}

/// Everything a client context is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsSettings {
    /// The oldest version accepted.
    pub minimum_version: MinimumVersion,
    /// Whether the server's certificate chain and name are verified.
    pub verify_peer: bool,
    /// The CA certificates used when `verify_peer` is on.
    pub trust: TrustAnchors,
    /// The certificate and key presented for mutual TLS.
    pub identity: Option<ClientIdentity>,
    /// The ALPN protocols offered, upstream's `"a;b"` form.
    pub alpn_list: Option<String>,
}

impl Default for TlsSettings {
    /// Upstream's default client: system defaults, peer verified against the system store.
    fn default() -> Self {
        Self {
            minimum_version: MinimumVersion::Tls12,
            verify_peer: true,
            trust: TrustAnchors::System,
            identity: None,
            alpn_list: None,
        }
    }
}

/// A built client configuration, shared by the sessions made from it.
#[derive(Debug)]
pub struct TlsContext {
    config: Arc<ClientConfig>,
}

impl TlsContext {
    /// Builds the rustls configuration: fails when a certificate, key, CA or ALPN list does not
    /// parse, when the key does not match the certificate, or when the system store is needed
    /// and empty.
    pub fn new(settings: &TlsSettings) -> Result<TlsContext, TlsError> {
        // Checked in upstream's order: the client identity, the trust store, the ALPN list.
        let identity = settings.identity.as_ref().map(identity_keys).transpose()?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = verifier(settings, &provider)?;
        let alpn = match &settings.alpn_list {
            Some(list) => parse_alpn_list(list)?,
            None => Vec::new(),
        };
        let mut config = match identity {
            Some((chain, Key::Der(key))) => builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| TlsError::context("client certificate and key", e))?,
            Some((chain, Key::Signer(signer))) => builder.with_client_cert_resolver(Arc::new(
                FixedClientCertificate(Arc::new(CertifiedKey::new(chain, signer))),
            )),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = alpn;
        Ok(TlsContext {
            config: Arc::new(config),
        })
    }

    /// The rustls configuration sessions start from.
    pub fn config(&self) -> &Arc<ClientConfig> {
        &self.config
    }
}

/// The protocols of an ALPN list `"a;b;c"`: one to [`MAX_ALPN_PROTOCOLS`] non-empty names of at
/// most 255 bytes. Anything else is [`TlsError::Context`], as upstream's parser reports.
pub fn parse_alpn_list(list: &str) -> Result<Vec<Vec<u8>>, TlsError> {
    let protocols: Vec<Vec<u8>> = list.split(';').map(|p| p.as_bytes().to_vec()).collect();
    if protocols.len() > MAX_ALPN_PROTOCOLS {
        return Err(TlsError::context(
            "ALPN list",
            format!("more than {MAX_ALPN_PROTOCOLS} protocols in {list:?}"),
        ));
    }
    if let Some(bad) = protocols.iter().find(|p| p.is_empty() || p.len() > 255) {
        return Err(TlsError::context(
            "ALPN list",
            format!("a protocol of {} bytes in {list:?}", bad.len()),
        ));
    }
    Ok(protocols)
}

/// The versions, then the verifier: the first steps of the configuration.
fn verifier(
    settings: &TlsSettings,
    provider: &Arc<CryptoProvider>,
) -> Result<ConfigBuilder<ClientConfig, WantsClientCert>, TlsError> {
    static BOTH: [&SupportedProtocolVersion; 2] =
        [&rustls::version::TLS13, &rustls::version::TLS12];
    static ONLY_13: [&SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
    let versions: &[&SupportedProtocolVersion] = match settings.minimum_version {
        MinimumVersion::Tls12 => &BOTH,
        MinimumVersion::Tls13 => &ONLY_13,
    };
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| TlsError::context("protocol versions", e))?;
    if settings.verify_peer {
        Ok(builder.with_root_certificates(roots(&settings.trust)?))
    } else {
        let any = AcceptAnyServerCertificate::new(provider.signature_verification_algorithms);
        Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(any)))
    }
}

/// A client key: DER to load, or one that signs by itself.
enum Key {
    Der(PrivateKeyDer<'static>),
    Signer(Arc<dyn SigningKey>),
}

/// Presents the same certificate and key to every server that asks.
#[derive(Debug)]
struct FixedClientCertificate(Arc<CertifiedKey>);

impl ResolvesClientCert for FixedClientCertificate {
    fn resolve(&self, _: &[&[u8]], _: &[rustls::SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(&self.0))
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// The client certificate chain in DER, and its key.
fn identity_keys(
    identity: &ClientIdentity,
) -> Result<(Vec<CertificateDer<'static>>, Key), TlsError> {
    if std::str::from_utf8(&identity.certificate_pem).is_err() {
        return Err(TlsError::NotText("certificate"));
    }
    if let Some(signer) = &identity.signer {
        let chain = pem_certificates(&identity.certificate_pem, "certificate")?;
        return Ok((chain, Key::Signer(Arc::clone(signer))));
    }
    if std::str::from_utf8(&identity.private_key_pem).is_err() {
        return Err(TlsError::NotText("private key"));
    }
    let chain = pem_certificates(&identity.certificate_pem, "certificate")?;
    let key = PrivateKeyDer::from_pem_slice(&identity.private_key_pem)
        .map_err(|e| TlsError::context("private key", e))?;
    Ok((chain, Key::Der(key)))
}

/// Every certificate in PEM text; none, or one that does not decode, is an error.
fn pem_certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::context(what, e))?;
    if certs.is_empty() {
        return Err(TlsError::context(what, "no PEM certificate found"));
    }
    Ok(certs)
}

/// The trust anchors for verifying servers.
fn roots(trust: &TrustAnchors) -> Result<Arc<RootCertStore>, TlsError> {
    match trust {
        TrustAnchors::System => system_roots(),
        TrustAnchors::Override { ca_dir, ca_pem } => {
            let mut store = RootCertStore::empty();
            if let Some(dir) = ca_dir {
                add_directory(&mut store, dir)?;
            }
            if let Some(pem) = ca_pem {
                for cert in pem_certificates(pem, "CA file")? {
                    store
                        .add(cert)
                        .map_err(|e| TlsError::context("CA file", e))?;
                }
            }
            Ok(Arc::new(store))
        }
    }
}

/// Adds every PEM certificate found in the files of `dir`. Files that hold none (CRLs, notes)
/// are skipped; a directory that cannot be listed is an error, as it is for upstream.
fn add_directory(store: &mut RootCertStore, dir: &Path) -> Result<(), TlsError> {
    let what = || format!("CA directory {}", dir.display());
    let entries = std::fs::read_dir(dir).map_err(|e| TlsError::context(&what(), e))?;
    for entry in entries {
        let path = entry.map_err(|e| TlsError::context(&what(), e))?.path();
        // Follows symbolic links: OpenSSL's hashed names are links to the real files.
        if !path.is_file() {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let certs = CertificateDer::pem_slice_iter(&bytes).filter_map(Result::ok);
        store.add_parsable_certificates(certs);
    }
    Ok(())
}

/// The system trust store, loaded on first use and kept: reading and parsing the distribution's
/// bundle takes milliseconds, and contexts are made per client. An empty store is not kept, so
/// a later context sees certificates installed meanwhile.
fn system_roots() -> Result<Arc<RootCertStore>, TlsError> {
    static LOADED: Mutex<Option<Arc<RootCertStore>>> = Mutex::new(None);
    let mut loaded = lock(&LOADED);
    if let Some(store) = loaded.as_ref() {
        return Ok(store.clone());
    }
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if store.is_empty() {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_TLS,
            "static: default TLS trust store not found on this system; install CA \
             certificates or override the default trust store"
        );
        return Err(TlsError::NoDefaultTrustStore);
    }
    let store = Arc::new(store);
    *loaded = Some(store.clone());
    Ok(store)
}

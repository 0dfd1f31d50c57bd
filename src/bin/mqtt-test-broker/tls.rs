//! Optional TLS (`--tls-cert`, `--tls-key`, `--tls-client-ca`, `--alpn`): rustls with the ring
//! provider, TLS 1.2 and 1.3. With TLS configured the listener speaks TLS only: each accepted
//! socket's handshake runs on the connection's own thread, and the connection then runs over a
//! [`rustls::StreamOwned`] (its [`crate::transport::Transport`] is in that module).

use crate::broker::Shared;
use crate::connection::Connection;
use crate::log::Origin;
use crate::ws_bridge::{self, WsOptions};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ProtocolVersion, RootCertStore, ServerConfig, ServerConnection, StreamOwned};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;

/// The TLS options of the command line.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// The server's certificate chain (PEM), leaf first.
    pub cert: PathBuf,
    /// The server's private key (PEM: PKCS#1, PKCS#8 or SEC1).
    pub key: PathBuf,
    /// When given, client certificates are required and verified against these CAs (PEM).
    pub client_ca: Option<PathBuf>,
    /// The ALPN protocols offered, in order of preference.
    pub alpn: Vec<String>,
}

/// A TLS connection's stream.
pub type TlsStream = StreamOwned<ServerConnection, TcpStream>;

/// Builds the server configuration `options` describe; the error names the file at fault.
pub fn server_config(options: &TlsOptions) -> Result<Arc<ServerConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs = read_certs(&options.cert)?;
    let key = PrivateKeyDer::from_pem_file(&options.key)
        .map_err(|e| format!("{}: no usable private key: {e}", options.key.display()))?;
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let builder = match &options.client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => builder.with_client_cert_verifier(client_verifier(path, provider)?),
    };
    let mut config = builder.with_single_cert(certs, key).map_err(|e| {
        format!(
            "{} and {}: {e}",
            options.cert.display(),
            options.key.display()
        )
    })?;
    config.alpn_protocols = options.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok(Arc::new(config))
}

/// The certificates of the PEM file at `path`; at least one.
fn read_certs(path: &PathBuf) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no PEM certificate", path.display()));
    }
    Ok(certs)
}

/// A verifier that requires a client certificate issued by a CA of the PEM file at `path`.
fn client_verifier(
    path: &PathBuf,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn rustls::server::danger::ClientCertVerifier>, String> {
    let mut roots = RootCertStore::empty();
    for cert in read_certs(path)? {
        roots
            .add(cert)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs connection `number` over TLS: the handshake, logged (event `tls_handshake`, or
/// `tls_handshake_failed` followed by `close`, the socket closed), then the MQTT connection.
pub fn serve(
    stream: TcpStream,
    config: Arc<ServerConfig>,
    shared: Arc<Shared>,
    number: u64,
    ws: Option<WsOptions>,
) {
    let origin = Origin {
        conn: number,
        client_id: None,
    };
    match handshake(stream, config) {
        Ok(stream) => {
            let conn = &stream.conn;
            let alpn = conn.alpn_protocol().map(String::from_utf8_lossy);
            shared.log.event(origin, "tls_handshake", |o| {
                if let Some(v) = conn.protocol_version() {
                    o.str("version", &version_name(v));
                }
                if let Some(s) = conn.negotiated_cipher_suite() {
                    o.str("cipher_suite", &format!("{:?}", s.suite()));
                }
                if let Some(alpn) = &alpn {
                    o.str("alpn", alpn);
                }
                if let Some(sni) = conn.server_name() {
                    o.str("sni", sni);
                }
                o.bool("client_certificate", conn.peer_certificates().is_some());
            });
            match ws {
                Some(ws) => ws_bridge::serve(stream, &ws, shared, number),
                None => Connection::new(stream, shared, number).run(),
            }
        }
        Err(error) => {
            shared.log.event(origin, "tls_handshake_failed", |o| {
                o.str("error", &error);
            });
            shared.log.event(origin, "close", |o| {
                o.str("reason", &format!("TLS handshake failed: {error}"))
                    .bool("will", false);
            });
        }
    }
}

/// A TLS version as the log writes it: `TLSv1.2`, `TLSv1.3`.
fn version_name(v: ProtocolVersion) -> String {
    match v {
        ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        other => format!("{other:?}"),
    }
}

/// Completes the server side of the TLS handshake on `sock` (blocking; the alert for a failure
/// is sent before the socket is closed).
fn handshake(mut sock: TcpStream, config: Arc<ServerConfig>) -> Result<TlsStream, String> {
    let mut conn = ServerConnection::new(config).map_err(|e| e.to_string())?;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut sock) {
            let _ = sock.shutdown(Shutdown::Both);
            return Err(e.to_string());
        }
    }
    Ok(StreamOwned::new(conn, sock))
}

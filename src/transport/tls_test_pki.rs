//! Test support for the TLS tests: certificates made with rcgen (a CA, server and client
//! certificates it signs, expired or for another name on demand), the openssl-made fixtures
//! with PKCS#1 and SEC1 keys, a one-connection rustls server on 127.0.0.1, and a client that
//! drives a [`TlsSession`] over a blocking `TcpStream` the way a transport would.

use crate::transport::tls::{Received, TlsContext, TlsError, TlsSession, TlsSettings};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, SupportedProtocolVersion};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long any test step may wait on the network.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(5);

/// The openssl-made CA that signed the fixture client certificates.
pub const FIXTURE_CA: &str = include_str!("tls_fixtures/ca.pem");
/// A client certificate with an RSA key.
pub const FIXTURE_RSA_CERT: &str = include_str!("tls_fixtures/client_rsa.pem");
/// Its key, PKCS#1 (`RSA PRIVATE KEY`).
pub const FIXTURE_RSA_PKCS1_KEY: &str = include_str!("tls_fixtures/client_rsa.key");
/// A client certificate with a P-256 key.
pub const FIXTURE_EC_CERT: &str = include_str!("tls_fixtures/client_ec.pem");
/// Its key, SEC1 (`EC PRIVATE KEY`).
pub const FIXTURE_EC_SEC1_KEY: &str = include_str!("tls_fixtures/client_ec.key");
/// The same key, PKCS#8 (`PRIVATE KEY`).
pub const FIXTURE_EC_PKCS8_KEY: &str = include_str!("tls_fixtures/client_ec_pkcs8.key");

/// A certificate and its key, in PEM.
#[derive(Clone)]
pub struct Leaf {
    /// The certificate.
    pub cert_pem: String,
    /// The key, PKCS#8.
    pub key_pem: String,
}

/// Whether a generated certificate is valid now.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// rcgen's default period, which covers now.
    Current,
    /// Ended years ago.
    Expired,
}

/// A test certificate authority.
pub struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Ca {
    /// A new self-signed CA called `name`.
    pub fn new(name: &str) -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).unwrap();
        Ca { cert, key }
    }

    /// The CA certificate in PEM.
    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A server certificate for `names` (DNS names, or IP addresses).
    pub fn server(&self, names: &[&str], validity: Validity) -> Leaf {
        self.leaf(names, ExtendedKeyUsagePurpose::ServerAuth, validity)
    }

    /// A client certificate.
    pub fn client(&self) -> Leaf {
        self.leaf(&[], ExtendedKeyUsagePurpose::ClientAuth, Validity::Current)
    }

    fn leaf(&self, names: &[&str], usage: ExtendedKeyUsagePurpose, validity: Validity) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "test leaf");
        params.subject_alt_names = names.iter().map(|n| san(n)).collect();
        params.extended_key_usages = vec![usage];
        if validity == Validity::Expired {
            params.not_before = rcgen::date_time_ymd(2001, 1, 1);
            params.not_after = rcgen::date_time_ymd(2002, 1, 1);
        }
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

/// A self-signed server certificate for `names`.
pub fn self_signed(names: &[&str]) -> Leaf {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.subject_alt_names = names.iter().map(|n| san(n)).collect();
    let cert = params.self_signed(&key).unwrap();
    Leaf {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

fn san(name: &str) -> SanType {
    match name.parse() {
        Ok(ip) => SanType::IpAddress(ip),
        Err(_) => SanType::DnsName(name.try_into().unwrap()),
    }
}

/// How the test server is set up.
pub struct ServerSetup {
    /// Its certificate and key.
    pub leaf: Leaf,
    /// When set, client certificates are required and verified against this PEM CA.
    pub client_ca: Option<String>,
    /// The ALPN protocols it accepts, in its order of preference.
    pub alpn: Vec<&'static str>,
    /// TLS 1.2 only, instead of 1.2 and 1.3.
    pub tls12_only: bool,
}

impl ServerSetup {
    /// A plain server with this certificate.
    pub fn new(leaf: Leaf) -> ServerSetup {
        ServerSetup {
            leaf,
            client_ca: None,
            alpn: Vec::new(),
            tls12_only: false,
        }
    }

    /// The rustls server configuration.
    pub fn config(&self) -> Arc<ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let versions: &[&SupportedProtocolVersion] = if self.tls12_only {
            &[&rustls::version::TLS12]
        } else {
            &[&rustls::version::TLS13, &rustls::version::TLS12]
        };
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .unwrap();
        let builder = match &self.client_ca {
            Some(ca) => {
                let mut roots = RootCertStore::empty();
                for cert in CertificateDer::pem_slice_iter(ca.as_bytes()) {
                    roots.add(cert.unwrap()).unwrap();
                }
                let verifier = WebPkiClientVerifier::builder_with_provider(roots.into(), provider)
                    .build()
                    .unwrap();
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let chain = CertificateDer::pem_slice_iter(self.leaf.cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_slice(self.leaf.key_pem.as_bytes()).unwrap();
        let mut config = builder.with_single_cert(chain, key).unwrap();
        config.alpn_protocols = self.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        Arc::new(config)
    }
}

/// What the server saw of a connection that completed.
#[derive(Debug)]
pub struct ServerSaw {
    /// The line the client sent.
    pub line: Vec<u8>,
    /// How many certificates the client presented.
    pub client_certificates: usize,
}

/// A rustls server on 127.0.0.1 that takes one connection: it reads one line, answers
/// `pong:<the line>` and closes with close_notify.
pub struct TestServer {
    /// The port it listens on.
    pub port: u16,
    thread: JoinHandle<Result<ServerSaw, String>>,
}

impl TestServer {
    /// Starts the server on a free port.
    pub fn start(setup: &ServerSetup) -> TestServer {
        let config = setup.config();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let thread = std::thread::spawn(move || serve_one(listener, config));
        TestServer { port, thread }
    }

    /// Waits for the server to finish with its connection.
    pub fn finish(self) -> Result<ServerSaw, String> {
        self.thread.join().expect("the test server panicked")
    }
}

fn serve_one(listener: TcpListener, config: Arc<ServerConfig>) -> Result<ServerSaw, String> {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + STEP_TIMEOUT;
    let sock = loop {
        match listener.accept() {
            Ok((sock, _)) => break sock,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("no connection: {e}")),
        }
    };
    sock.set_nonblocking(false).unwrap();
    sock.set_read_timeout(Some(STEP_TIMEOUT)).unwrap();
    let conn = ServerConnection::new(config).map_err(|e| e.to_string())?;
    let mut tls = rustls::StreamOwned::new(conn, sock);
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") {
        match tls.read(&mut byte) {
            Ok(0) => return Err("the client closed before its line".into()),
            Ok(_) => line.push(byte[0]),
            Err(e) => return Err(e.to_string()),
        }
    }
    let client_certificates = tls.conn.peer_certificates().map_or(0, <[_]>::len);
    let mut reply = b"pong:".to_vec();
    reply.extend_from_slice(&line);
    tls.write_all(&reply).map_err(|e| e.to_string())?;
    tls.conn.send_close_notify();
    tls.flush().map_err(|e| e.to_string())?;
    Ok(ServerSaw {
        line,
        client_certificates,
    })
}

/// A client connection: a [`TlsSession`] over a blocking socket, driven as a transport would.
pub struct TestClient {
    /// The session.
    pub session: TlsSession,
    sock: TcpStream,
}

impl TestClient {
    /// Connects to 127.0.0.1:`port` and starts a session for `server_name`.
    pub fn connect(
        ctx: &TlsContext,
        port: u16,
        server_name: &str,
        alpn_override: Option<&str>,
    ) -> TestClient {
        let session = TlsSession::new(ctx, server_name, alpn_override).unwrap();
        Self::over(session, port)
    }

    /// Connects a session made elsewhere.
    pub fn over(session: TlsSession, port: u16) -> TestClient {
        let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
        sock.set_read_timeout(Some(STEP_TIMEOUT)).unwrap();
        TestClient { session, sock }
    }

    /// Writes out whatever ciphertext waits, alerts included.
    pub fn flush(&mut self) {
        while self.session.wants_write() {
            if self.session.write_ciphertext_to(&mut self.sock).is_err() {
                break;
            }
        }
    }

    /// Reads once from the socket and feeds the session, keeping any plaintext that had to be
    /// read out to make room in `received`.
    fn pump(&mut self, received: &mut Vec<u8>) -> Result<(), TlsError> {
        let mut buf = [0u8; 4096];
        let n = self.sock.read(&mut buf).expect("the socket timed out");
        if n == 0 {
            return self.session.feed_eof();
        }
        let mut taken = 0;
        while taken < n {
            taken += self.session.feed_ciphertext(&buf[taken..n])?;
            if taken < n {
                let mut plain = [0u8; 4096];
                match self.session.read_plaintext(&mut plain)? {
                    Received::Data(k) => received.extend_from_slice(&plain[..k]),
                    Received::Closed | Received::Eof => break,
                    Received::Nothing => {}
                }
            }
        }
        Ok(())
    }

    /// Runs the handshake to its end.
    pub fn handshake(&mut self) -> Result<(), TlsError> {
        let mut early = Vec::new();
        let result = loop {
            self.flush();
            if self.session.is_handshake_done() {
                break Ok(());
            }
            if let Err(e) = self.pump(&mut early) {
                break Err(e);
            }
        };
        self.flush();
        result
    }

    /// Sends `data` whole.
    pub fn send(&mut self, mut data: &[u8]) -> Result<(), TlsError> {
        while !data.is_empty() {
            let n = self.session.write_plaintext(data)?;
            data = &data[n..];
            self.flush();
        }
        Ok(())
    }

    /// Reads plaintext until at least `n` bytes have come (or the peer closes).
    pub fn receive(&mut self, n: usize) -> Result<Vec<u8>, TlsError> {
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        while received.len() < n {
            match self.session.read_plaintext(&mut buf)? {
                Received::Data(k) => received.extend_from_slice(&buf[..k]),
                Received::Closed | Received::Eof => break,
                Received::Nothing => {
                    self.flush();
                    self.pump(&mut received)?;
                }
            }
        }
        Ok(received)
    }

    /// Reads plaintext until the peer closes.
    pub fn receive_all(&mut self) -> Result<Vec<u8>, TlsError> {
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        let result = loop {
            match self.session.read_plaintext(&mut buf) {
                Ok(Received::Data(n)) => received.extend_from_slice(&buf[..n]),
                Ok(Received::Closed | Received::Eof) => break Ok(received),
                Ok(Received::Nothing) => {
                    self.flush();
                    if let Err(e) = self.pump(&mut received) {
                        break Err(e);
                    }
                }
                Err(e) => break Err(e),
            }
        };
        self.flush();
        result
    }

    /// The whole exchange with a [`TestServer`]: handshake, `ping`, its reply.
    pub fn exchange(&mut self) -> Result<Vec<u8>, TlsError> {
        self.handshake()?;
        self.send(b"ping\n")?;
        self.receive_all()
    }
}

/// A context from settings that must build.
pub fn context(settings: TlsSettings) -> TlsContext {
    TlsContext::new(&settings).unwrap()
}

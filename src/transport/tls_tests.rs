//! The TLS session against a rustls server on 127.0.0.1, with certificates the tests make:
//! what connects, what fails and with which upstream code, ALPN, mutual TLS, buffering.

use crate::error::aws_io_errors::{
    AWS_IO_TLS_CTX_ERROR, AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE, AWS_IO_TLS_ERROR_NOT_NEGOTIATED,
};
use crate::transport::tls::{
    ClientIdentity, MinimumVersion, Received, TlsContext, TlsError, TlsSession, TlsSettings,
    TrustAnchors,
};
use crate::transport::tls_test_pki::*;
use rustls::{AlertDescription, CertificateError};
use std::ffi::c_int;

/// Settings trusting only `ca_pem`.
fn trusting(ca_pem: &str) -> TlsSettings {
    TlsSettings {
        trust: TrustAnchors::Override {
            ca_dir: None,
            ca_pem: Some(ca_pem.as_bytes().to_vec()),
        },
        ..TlsSettings::default()
    }
}

/// Settings that verify nothing, so need no trust store.
fn unverified() -> TlsSettings {
    TlsSettings {
        verify_peer: false,
        ..TlsSettings::default()
    }
}

/// The rustls reason of a negotiation failure, checking its code.
fn negotiation_cause(err: TlsError) -> Option<rustls::Error> {
    assert_eq!(
        err.code(),
        AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE as c_int,
        "{err}"
    );
    match err {
        TlsError::Negotiation(cause) => cause,
        other => panic!("not a negotiation failure: {other:?}"),
    }
}

/// Connects to a server with `leaf` as `server_name`, trusting `ca`; the exchange's result.
fn connect_to(leaf: Leaf, settings: TlsSettings, server_name: &str) -> Result<Vec<u8>, TlsError> {
    let server = TestServer::start(&ServerSetup::new(leaf));
    let mut client = TestClient::connect(&context(settings), server.port, server_name, None);
    let result = client.exchange();
    drop(client);
    let _ = server.finish();
    result
}

#[test]
fn a_valid_chain_connects_and_carries_data_both_ways() {
    let ca = Ca::new("ca");
    let setup = ServerSetup::new(ca.server(&["localhost"], Validity::Current));
    let server = TestServer::start(&setup);
    let mut client = TestClient::connect(
        &context(trusting(&ca.pem())),
        server.port,
        "localhost",
        None,
    );
    assert!(!client.session.is_handshake_done());
    client.handshake().unwrap();
    assert!(client.session.is_handshake_done());
    client.send(b"ping\n").unwrap();
    assert_eq!(client.receive_all().unwrap(), b"pong:ping\n");
    assert_eq!(server.finish().unwrap().line, b"ping\n");
}

#[test]
fn a_valid_chain_connects_over_tls_1_2() {
    let ca = Ca::new("ca");
    let mut setup = ServerSetup::new(ca.server(&["localhost"], Validity::Current));
    setup.tls12_only = true;
    let server = TestServer::start(&setup);
    let mut client = TestClient::connect(
        &context(trusting(&ca.pem())),
        server.port,
        "localhost",
        None,
    );
    assert_eq!(client.exchange().unwrap(), b"pong:ping\n");
    server.finish().unwrap();
}

#[test]
fn an_ip_address_server_name_is_checked_against_the_ip_san() {
    let ca = Ca::new("ca");
    let leaf = ca.server(&["127.0.0.1"], Validity::Current);
    assert_eq!(
        connect_to(leaf, trusting(&ca.pem()), "127.0.0.1").unwrap(),
        b"pong:ping\n"
    );
}

#[test]
fn a_wrong_host_name_fails_negotiation() {
    let ca = Ca::new("ca");
    let leaf = ca.server(&["other.example"], Validity::Current);
    let err = connect_to(leaf, trusting(&ca.pem()), "localhost").unwrap_err();
    let cause = negotiation_cause(err);
    assert!(
        matches!(
            cause,
            Some(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            ))
        ),
        "{cause:?}"
    );
}

#[test]
fn an_unknown_ca_fails_negotiation() {
    let (trusted, other) = (Ca::new("trusted"), Ca::new("other"));
    let leaf = other.server(&["localhost"], Validity::Current);
    let err = connect_to(leaf, trusting(&trusted.pem()), "localhost").unwrap_err();
    let cause = negotiation_cause(err);
    assert!(
        matches!(
            cause,
            Some(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer
            ))
        ),
        "{cause:?}"
    );
}

#[test]
fn an_expired_certificate_fails_negotiation() {
    let ca = Ca::new("ca");
    let leaf = ca.server(&["localhost"], Validity::Expired);
    let err = connect_to(leaf, trusting(&ca.pem()), "localhost").unwrap_err();
    let cause = negotiation_cause(err);
    assert!(
        matches!(
            cause,
            Some(rustls::Error::InvalidCertificate(
                CertificateError::Expired | CertificateError::ExpiredContext { .. }
            ))
        ),
        "{cause:?}"
    );
}

#[test]
fn the_system_trust_store_does_not_trust_a_test_ca() {
    let ca = Ca::new("ca");
    let leaf = ca.server(&["localhost"], Validity::Current);
    let err = connect_to(leaf, TlsSettings::default(), "localhost").unwrap_err();
    assert!(negotiation_cause(err).is_some());
}

#[test]
fn verify_peer_off_connects_to_a_self_signed_server_of_any_name() {
    let leaf = self_signed(&["somewhere.else"]);
    assert_eq!(
        connect_to(leaf, unverified(), "localhost").unwrap(),
        b"pong:ping\n"
    );
}

#[test]
fn verify_peer_on_refuses_the_same_self_signed_server() {
    let leaf = self_signed(&["localhost"]);
    let err = connect_to(leaf, trusting(&Ca::new("some ca").pem()), "localhost").unwrap_err();
    assert!(negotiation_cause(err).is_some());
}

/// A server requiring client certificates from `client_ca`, and a client with `identity`.
fn mutual(
    client_ca: &str,
    identity: Option<ClientIdentity>,
    tls12_only: bool,
) -> (Result<Vec<u8>, TlsError>, Result<ServerSaw, String>) {
    let server_ca = Ca::new("server ca");
    let mut setup = ServerSetup::new(server_ca.server(&["localhost"], Validity::Current));
    setup.client_ca = Some(client_ca.to_owned());
    setup.tls12_only = tls12_only;
    let server = TestServer::start(&setup);
    let settings = TlsSettings {
        identity,
        ..trusting(&server_ca.pem())
    };
    let mut client = TestClient::connect(&context(settings), server.port, "localhost", None);
    let result = client.exchange();
    drop(client);
    (result, server.finish())
}

fn identity(cert: &str, key: &str) -> Option<ClientIdentity> {
    Some(ClientIdentity {
        certificate_pem: cert.as_bytes().to_vec(),
        private_key_pem: key.as_bytes().to_vec(),
        signer: None,
    })
}

#[test]
fn mutual_tls_connects_with_the_right_client_certificate() {
    let client_ca = Ca::new("client ca");
    let leaf = client_ca.client();
    let (result, saw) = mutual(
        &client_ca.pem(),
        identity(&leaf.cert_pem, &leaf.key_pem),
        false,
    );
    assert_eq!(result.unwrap(), b"pong:ping\n");
    assert_eq!(saw.unwrap().client_certificates, 1);
}

#[test]
fn mutual_tls_works_with_pkcs1_sec1_and_pkcs8_keys() {
    for (cert, key) in [
        (FIXTURE_RSA_CERT, FIXTURE_RSA_PKCS1_KEY),
        (FIXTURE_EC_CERT, FIXTURE_EC_SEC1_KEY),
        (FIXTURE_EC_CERT, FIXTURE_EC_PKCS8_KEY),
    ] {
        let (result, saw) = mutual(FIXTURE_CA, identity(cert, key), false);
        assert_eq!(
            result.unwrap(),
            b"pong:ping\n",
            "{}",
            key.lines().next().unwrap()
        );
        assert_eq!(saw.unwrap().client_certificates, 1);
    }
}

#[test]
fn mutual_tls_without_a_client_certificate_fails_negotiation_over_tls_1_3_and_1_2() {
    for tls12_only in [false, true] {
        let client_ca = Ca::new("client ca");
        let (result, saw) = mutual(&client_ca.pem(), None, tls12_only);
        let cause = negotiation_cause(result.unwrap_err());
        assert!(
            matches!(cause, Some(rustls::Error::AlertReceived(_))),
            "{cause:?}"
        );
        assert!(saw.is_err());
    }
}

#[test]
fn mutual_tls_with_a_certificate_from_another_ca_fails_negotiation() {
    let (client_ca, other) = (Ca::new("client ca"), Ca::new("other"));
    let leaf = other.client();
    let (result, _) = mutual(
        &client_ca.pem(),
        identity(&leaf.cert_pem, &leaf.key_pem),
        false,
    );
    let cause = negotiation_cause(result.unwrap_err());
    assert!(
        matches!(
            cause,
            Some(rustls::Error::AlertReceived(
                AlertDescription::UnknownCA | AlertDescription::BadCertificate
            ))
        ),
        "{cause:?}"
    );
}

#[test]
fn alpn_is_negotiated_from_the_context_list_and_visible() {
    let ca = Ca::new("ca");
    let mut setup = ServerSetup::new(ca.server(&["localhost"], Validity::Current));
    setup.alpn = vec!["mqtt"];
    let server = TestServer::start(&setup);
    let settings = TlsSettings {
        alpn_list: Some("x-amzn-mqtt-ca;mqtt".into()),
        ..trusting(&ca.pem())
    };
    let mut client = TestClient::connect(&context(settings), server.port, "localhost", None);
    assert_eq!(client.session.negotiated_alpn(), None);
    client.handshake().unwrap();
    assert_eq!(client.session.negotiated_alpn(), Some(&b"mqtt"[..]));
    client.send(b"ping\n").unwrap();
    client.receive_all().unwrap();
    server.finish().unwrap();
}

#[test]
fn a_connection_alpn_list_replaces_the_context_one() {
    let ca = Ca::new("ca");
    let mut setup = ServerSetup::new(ca.server(&["localhost"], Validity::Current));
    setup.alpn = vec!["mqtt", "x-amzn-mqtt-ca"];
    let server = TestServer::start(&setup);
    let settings = TlsSettings {
        alpn_list: Some("mqtt".into()),
        ..trusting(&ca.pem())
    };
    let ctx = context(settings);
    let mut client = TestClient::connect(&ctx, server.port, "localhost", Some("x-amzn-mqtt-ca"));
    client.handshake().unwrap();
    assert_eq!(
        client.session.negotiated_alpn(),
        Some(&b"x-amzn-mqtt-ca"[..])
    );
    client.send(b"ping\n").unwrap();
    client.receive_all().unwrap();
    server.finish().unwrap();
}

#[test]
fn no_alpn_is_negotiated_when_the_server_has_none() {
    let ca = Ca::new("ca");
    let server = TestServer::start(&ServerSetup::new(
        ca.server(&["localhost"], Validity::Current),
    ));
    let settings = TlsSettings {
        alpn_list: Some("mqtt".into()),
        ..trusting(&ca.pem())
    };
    let mut client = TestClient::connect(&context(settings), server.port, "localhost", None);
    client.handshake().unwrap();
    assert_eq!(client.session.negotiated_alpn(), None);
    client.send(b"ping\n").unwrap();
    client.receive_all().unwrap();
    server.finish().unwrap();
}

#[test]
fn a_tls_1_3_minimum_fails_against_a_tls_1_2_only_server() {
    let ca = Ca::new("ca");
    let mut setup = ServerSetup::new(ca.server(&["localhost"], Validity::Current));
    setup.tls12_only = true;
    let server = TestServer::start(&setup);
    let settings = TlsSettings {
        minimum_version: MinimumVersion::Tls13,
        ..trusting(&ca.pem())
    };
    let mut client = TestClient::connect(&context(settings), server.port, "localhost", None);
    assert!(negotiation_cause(client.exchange().unwrap_err()).is_some());
    drop(client);
    assert!(server.finish().is_err());
}

#[test]
fn the_peer_closing_during_the_handshake_fails_negotiation() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let closer = std::thread::spawn(move || drop(listener.accept()));
    let ctx = context(unverified());
    let mut client = TestClient::connect(&ctx, port, "localhost", None);
    closer.join().unwrap();
    let err = client.handshake().unwrap_err();
    assert_eq!(negotiation_cause(err), None);
    // The failure sticks.
    assert_eq!(
        client.session.feed_ciphertext(b"x").unwrap_err(),
        TlsError::Negotiation(None)
    );
}

#[test]
fn writing_before_the_handshake_is_not_negotiated() {
    let ctx = context(unverified());
    let mut session = TlsSession::new(&ctx, "localhost", None).unwrap();
    let err = session.write_plaintext(b"early").unwrap_err();
    assert_eq!(err.code(), AWS_IO_TLS_ERROR_NOT_NEGOTIATED as c_int);
    assert!(session.wants_write(), "the ClientHello waits to be written");
}

#[test]
fn outgoing_ciphertext_is_bounded() {
    let ca = Ca::new("ca");
    let server = TestServer::start(&ServerSetup::new(
        ca.server(&["localhost"], Validity::Current),
    ));
    let mut client = TestClient::connect(
        &context(trusting(&ca.pem())),
        server.port,
        "localhost",
        None,
    );
    client.handshake().unwrap();
    let big = vec![b'a'; 1 << 20];
    let mut taken = 0;
    loop {
        let n = client.session.write_plaintext(&big[taken..]).unwrap();
        if n == 0 {
            break;
        }
        taken += n;
    }
    assert!(
        taken <= crate::transport::tls::SEND_BUFFER_LIMIT + 16 * 1024,
        "{taken}"
    );
    assert!(taken >= 16 * 1024, "{taken}");
    drop(client);
    let _ = server.finish();
}

#[test]
fn incoming_plaintext_is_bounded_until_it_is_read() {
    // A session of our own on both ends, joined in memory: the server side writes 200 KiB.
    let ca = Ca::new("ca");
    let leaf = ca.server(&["localhost"], Validity::Current);
    let server_config = ServerSetup::new(leaf).config();
    let mut server = rustls::ServerConnection::new(server_config).unwrap();
    let ctx = context(trusting(&ca.pem()));
    let mut client = TlsSession::new(&ctx, "localhost", None).unwrap();
    while !client.is_handshake_done() || server.is_handshaking() {
        let mut wire = Vec::new();
        while client.wants_write() {
            client.write_ciphertext_to(&mut wire).unwrap();
        }
        server.read_tls(&mut &wire[..]).unwrap();
        server.process_new_packets().unwrap();
        let mut back = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut back).unwrap();
        }
        assert_eq!(client.feed_ciphertext(&back).unwrap(), back.len());
    }
    std::io::Write::write_all(&mut server.writer(), &vec![7u8; 60 * 1024]).unwrap();
    let mut wire = Vec::new();
    while server.wants_write() {
        server.write_tls(&mut wire).unwrap();
    }
    let taken = client.feed_ciphertext(&wire).unwrap();
    assert!(
        taken < wire.len(),
        "all {taken} bytes taken without reading"
    );
    let mut plain = vec![0u8; 8192];
    let mut total = 0;
    let mut offset = taken;
    loop {
        match client.read_plaintext(&mut plain).unwrap() {
            Received::Data(n) => total += n,
            Received::Nothing if offset < wire.len() => {
                offset += client.feed_ciphertext(&wire[offset..]).unwrap();
            }
            Received::Nothing => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(total, 60 * 1024);
}

#[test]
fn bad_settings_are_context_errors() {
    let ca = Ca::new("ca");
    let leaf = ca.client();
    let ctx_error = |settings: TlsSettings| TlsContext::new(&settings).unwrap_err().code();
    let ctx = AWS_IO_TLS_CTX_ERROR as c_int;
    assert_eq!(
        ctx_error(trusting(
            "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"
        )),
        ctx
    );
    assert_eq!(ctx_error(trusting("no certificates here")), ctx);
    let mismatched = TlsSettings {
        identity: identity(&leaf.cert_pem, FIXTURE_EC_PKCS8_KEY),
        ..unverified()
    };
    assert_eq!(ctx_error(mismatched), ctx);
    let no_key = TlsSettings {
        identity: identity(&leaf.cert_pem, &leaf.cert_pem),
        ..unverified()
    };
    assert_eq!(ctx_error(no_key), ctx);
    let binary = TlsSettings {
        identity: Some(ClientIdentity {
            certificate_pem: vec![0xff, 0xfe],
            private_key_pem: leaf.key_pem.clone().into_bytes(),
            signer: None,
        }),
        ..unverified()
    };
    assert_eq!(
        TlsContext::new(&binary).unwrap_err(),
        TlsError::NotText("certificate")
    );
    for list in ["", "a;;b", "a;b;c;d;e"] {
        let settings = TlsSettings {
            alpn_list: Some(list.into()),
            ..unverified()
        };
        assert_eq!(ctx_error(settings), ctx, "{list:?}");
    }
    let missing_dir = TlsSettings {
        trust: TrustAnchors::Override {
            ca_dir: Some("/nonexistent/ca/dir".into()),
            ca_pem: None,
        },
        ..TlsSettings::default()
    };
    assert_eq!(ctx_error(missing_dir), ctx);
}

#[test]
fn an_invalid_server_name_is_a_context_error() {
    let ctx = context(unverified());
    for name in ["", "not a name", "a..b"] {
        let err = TlsSession::new(&ctx, name, None).err().unwrap();
        assert_eq!(err.code(), AWS_IO_TLS_CTX_ERROR as c_int, "{name:?}");
    }
    assert!(TlsSession::new(&ctx, "[::1]", None).is_ok());
    assert!(TlsSession::new(&ctx, "localhost", Some("a;;b")).is_err());
}

#[test]
fn a_ca_directory_is_trusted() {
    let ca = Ca::new("ca");
    let dir = std::env::temp_dir().join(format!("tls-ca-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a certificate").unwrap();
    let settings = TlsSettings {
        trust: TrustAnchors::Override {
            ca_dir: Some(dir.clone()),
            ca_pem: None,
        },
        ..TlsSettings::default()
    };
    let leaf = ca.server(&["localhost"], Validity::Current);
    let result = connect_to(leaf, settings, "localhost");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(result.unwrap(), b"pong:ping\n");
}

//! Instructions per TLS record: a rustls client seals application data and a rustls server opens
//! it, both in memory, with the crate's own rustls and ring (so with the release profile's
//! `opt-level` for each). It weighs what a size setting for rustls or ring costs a publish over
//! TLS, which the client benchmarks (plain TCP against the ack peer) do not see.
//!
//! `cargo bench --bench tls_records -- RECORDS LEN` does one TLS 1.3 handshake (AES-256-GCM, a
//! self-signed certificate made by rcgen), then RECORDS writes of LEN bytes, each flushed and read
//! back before the next: one record per write up to 16 KiB. `benches/tls-callgrind.sh` runs it
//! under callgrind twice and prints the instructions per record, for small (100-byte, one
//! publish at a time) and full (16,000-byte, a burst) records.

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{ClientConnection, ServerConnection};
use std::io::{Read, Write};
use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let records: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let len: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);

    let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("certificate");
    let cert = CertificateDer::from(made.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.key_pair.serialize_der()));
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).expect("root");
    let client_config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let server_config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("server config");
    let name = ServerName::try_from("localhost").expect("name");
    let mut client = ClientConnection::new(Arc::new(client_config), name).expect("client");
    let mut server = ServerConnection::new(Arc::new(server_config)).expect("server");

    let mut wire = Vec::new();
    while client.is_handshaking() || server.is_handshaking() {
        to_server(&mut client, &mut server, &mut wire);
        wire.clear();
        while server.wants_write() {
            server.write_tls(&mut wire).expect("server write");
        }
        client.read_tls(&mut &wire[..]).expect("client read");
        client.process_new_packets().expect("client process");
    }

    let message = vec![7u8; len];
    let mut back = vec![0u8; len];
    let mut checksum = 0usize;
    for _ in 0..records {
        client.writer().write_all(&message).expect("write");
        to_server(&mut client, &mut server, &mut wire);
        let mut got = 0;
        while got < len {
            got += server.reader().read(&mut back[got..]).expect("read");
        }
        checksum += usize::from(back[len - 1]);
    }
    let suite = client.negotiated_cipher_suite().expect("suite").suite();
    println!("{records} records of {len} bytes, {suite:?}, checksum {checksum}");
}

/// Moves what the client has to send into the server, which decrypts it.
fn to_server(client: &mut ClientConnection, server: &mut ServerConnection, wire: &mut Vec<u8>) {
    wire.clear();
    while client.wants_write() {
        client.write_tls(wire).expect("client write");
    }
    let mut rest = &wire[..];
    while !rest.is_empty() {
        server.read_tls(&mut rest).expect("server read");
        server.process_new_packets().expect("server process");
    }
}

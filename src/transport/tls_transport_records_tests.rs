//! The TLS transport's reading, record by record, over an in-memory stream and a rustls server
//! in the same test: no socket, no loop, so each read sees exactly the records put below it.

use crate::transport::stream::Transport;
use crate::transport::tls::{TlsSession, TlsSettings, TrustAnchors};
use crate::transport::tls_test_pki::*;
use crate::transport::tls_transport::TlsTransport;
use rustls::ServerConnection;
use std::collections::VecDeque;
use std::io::{self, Read, Write};

/// Bytes the test puts below the client, one chunk per `read`; `WouldBlock` when none waits.
#[derive(Default)]
struct Pipe {
    incoming: VecDeque<Vec<u8>>,
    outgoing: Vec<u8>,
    source: Option<mio::net::TcpStream>,
}

impl Transport for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(chunk) = self.incoming.pop_front() else {
            return Err(io::ErrorKind::WouldBlock.into());
        };
        assert!(chunk.len() <= buf.len(), "the test's chunks fit the reads");
        buf[..chunk.len()].copy_from_slice(&chunk);
        Ok(chunk.len())
    }
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.outgoing.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<bool> {
        Ok(true)
    }
    fn shutdown(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn interest(&self) -> mio::Interest {
        mio::Interest::READABLE
    }
    fn source(&mut self) -> &mut dyn mio::event::Source {
        self.source.as_mut().expect("not registered in these tests")
    }
}

/// Moves the server's output below the client, in one chunk.
fn to_client(server: &mut ServerConnection, client: &mut TlsTransport<Pipe>) {
    let mut bytes = Vec::new();
    while server.wants_write() {
        server.write_tls(&mut bytes).unwrap();
    }
    if !bytes.is_empty() {
        client.inner_mut().incoming.push_back(bytes);
    }
}

/// Moves the client's output to the server.
fn to_server(client: &mut TlsTransport<Pipe>, server: &mut ServerConnection) {
    let bytes = std::mem::take(&mut client.inner_mut().outgoing);
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        server.read_tls(&mut rest).unwrap();
        server.process_new_packets().unwrap();
    }
}

/// A client over a pipe, handshaken with an in-memory server.
fn connected() -> (TlsTransport<Pipe>, ServerConnection) {
    let ca = Ca::new("records test CA");
    let setup = ServerSetup::new(ca.server(&["localhost"], Validity::Current));
    let mut server = ServerConnection::new(setup.config()).unwrap();
    let settings = TlsSettings {
        trust: TrustAnchors::Override {
            ca_dir: None,
            ca_pem: Some(ca.pem().into_bytes()),
        },
        ..TlsSettings::default()
    };
    let session = TlsSession::new(&context(settings), "localhost", None).unwrap();
    let mut client = TlsTransport::new(Pipe::default(), session);
    for _ in 0..10 {
        if client.handshake().unwrap() && !server.is_handshaking() {
            break;
        }
        to_server(&mut client, &mut server);
        to_client(&mut server, &mut client);
    }
    assert!(client.handshake().unwrap() && !server.is_handshaking());
    // Whatever the server still had to say after the handshake (session tickets).
    to_client(&mut server, &mut client);
    let mut scratch = [0u8; 64];
    assert!(client.read(&mut scratch).is_err());
    (client, server)
}

/// Reads what the client has now: the bytes, or `None` on `WouldBlock`.
fn read_now(client: &mut TlsTransport<Pipe>) -> Option<Vec<u8>> {
    let mut buf = [0u8; 256];
    match client.read(&mut buf) {
        Ok(n) => Some(buf[..n].to_vec()),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => None,
        Err(e) => panic!("read failed: {e}"),
    }
}

#[test]
fn records_of_the_same_length_read_one_after_the_other_are_each_delivered() {
    let (mut client, mut server) = connected();
    // An UNSUBACK and then a SUBACK: six bytes each, so two TLS records of one length, each
    // arriving on its own after the previous one was read.
    for packet in [[0xB0u8, 4, 0, 1, 0, 0], [0x90, 4, 0, 2, 0, 1]] {
        server.writer().write_all(&packet).unwrap();
        to_client(&mut server, &mut client);
        assert_eq!(read_now(&mut client), Some(packet.to_vec()));
        assert_eq!(read_now(&mut client), None);
    }
    // And a run of them (3.1.1 PUBACKs), one record per read.
    for id in 1..=20u8 {
        server.writer().write_all(&[0x40, 2, 0, id]).unwrap();
        to_client(&mut server, &mut client);
        assert_eq!(read_now(&mut client), Some(vec![0x40, 2, 0, id]));
    }
    let mut unread = Vec::new();
    let _ = server.reader().read_to_end(&mut unread);
}

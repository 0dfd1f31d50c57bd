//! The TLS session against a real broker: mosquitto with a TLS listener on 127.0.0.1, with
//! certificates the test makes, plain and requiring client certificates. Skipped (with a note)
//! where mosquitto is not installed.

use crate::error::aws_io_errors::AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE;
use crate::transport::tls::{ClientIdentity, TlsSettings, TrustAnchors};
use crate::transport::tls_test_pki::*;
use std::ffi::c_int;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

const MOSQUITTO: &str = "/usr/sbin/mosquitto";

/// An MQTT 3.1.1 CONNECT: clean session, keep-alive 60 s, client id "tls-test".
const CONNECT: &[u8] = b"\x10\x14\x00\x04MQTT\x04\x02\x00\x3c\x00\x08tls-test";
/// The CONNACK accepting it.
const CONNACK_ACCEPTED: &[u8] = b"\x20\x02\x00\x00";
/// An MQTT DISCONNECT.
const DISCONNECT: &[u8] = b"\xe0\x00";

/// A mosquitto process with a TLS listener, stopped (and its files removed) when dropped.
struct Mosquitto {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Mosquitto {
    /// Starts mosquitto with `server`'s certificate; with `client_ca`, client certificates
    /// signed by it are required. `None` when mosquitto is not installed.
    fn start(server: &Leaf, client_ca: Option<&str>) -> Option<Mosquitto> {
        if !Path::new(MOSQUITTO).exists() {
            eprintln!("mosquitto is not installed: skipping");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("tls-mosquitto-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = |name: &str, text: &str| {
            std::fs::write(dir.join(name), text).unwrap();
            dir.join(name).display().to_string()
        };
        let mut conf = format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\ncertfile {}\nkeyfile {}\n",
            file("server.pem", &server.cert_pem),
            file("server.key", &server.key_pem),
        );
        if let Some(ca) = client_ca {
            conf += &format!("cafile {}\nrequire_certificate true\n", file("ca.pem", ca));
        }
        let conf_path = file("mosquitto.conf", &conf);
        let child = Command::new(MOSQUITTO)
            .args(["-c", &conf_path])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let broker = Mosquitto { child, port, dir };
        let deadline = Instant::now() + STEP_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "mosquitto did not start listening"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Some(broker)
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Connects over TLS, sends CONNECT and returns the first four bytes that come back.
fn mqtt_connect(
    port: u16,
    settings: TlsSettings,
) -> Result<Vec<u8>, crate::transport::tls::TlsError> {
    let ctx = context(settings);
    let mut client = TestClient::connect(&ctx, port, "localhost", None);
    client.handshake()?;
    client.send(CONNECT)?;
    let connack = client.receive(CONNACK_ACCEPTED.len())?;
    client.send(DISCONNECT)?;
    Ok(connack)
}

fn trusting(ca: &Ca) -> TlsSettings {
    TlsSettings {
        trust: TrustAnchors::Override {
            ca_dir: None,
            ca_pem: Some(ca.pem().into_bytes()),
        },
        ..TlsSettings::default()
    }
}

#[test]
fn mosquitto_accepts_an_mqtt_connection_over_tls() {
    let ca = Ca::new("broker ca");
    let Some(broker) = Mosquitto::start(&ca.server(&["localhost"], Validity::Current), None) else {
        return;
    };
    assert_eq!(
        mqtt_connect(broker.port, trusting(&ca)).unwrap(),
        CONNACK_ACCEPTED
    );
}

#[test]
fn mosquitto_requiring_client_certificates_accepts_the_right_one_and_refuses_none() {
    let (ca, client_ca) = (Ca::new("broker ca"), Ca::new("client ca"));
    let server = ca.server(&["localhost"], Validity::Current);
    let Some(broker) = Mosquitto::start(&server, Some(&client_ca.pem())) else {
        return;
    };
    let leaf = client_ca.client();
    let with_cert = TlsSettings {
        identity: Some(ClientIdentity {
            certificate_pem: leaf.cert_pem.into_bytes(),
            private_key_pem: leaf.key_pem.into_bytes(),
            signer: None,
        }),
        ..trusting(&ca)
    };
    assert_eq!(
        mqtt_connect(broker.port, with_cert).unwrap(),
        CONNACK_ACCEPTED
    );
    let err = mqtt_connect(broker.port, trusting(&ca)).unwrap_err();
    assert_eq!(
        err.code(),
        AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE as c_int,
        "{err}"
    );
}

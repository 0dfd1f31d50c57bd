//! The test broker (`src/bin/mqtt-test-broker`) run as a process: each test starts its own on a
//! free port, talks to it over plain sockets (or TLS over them, rustls) with the library's codec,
//! and synchronises on the packets it receives and on the broker's JSON Lines log, never on
//! sleeps.

use aws_c_mqtt::codec::{
    Connack, Connect, Decoder, Disconnect, Packet, Properties, PropertySet, PubAck, Publish, QoS,
    Suback, Subscribe, Subscription, Unsubscribe, Version, Will, encode_to_vec,
};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{
    ClientConfig, ClientConnection, RootCertStore, StreamOwned, SupportedProtocolVersion,
};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long any expected packet, log line or process exit may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The broker's log lines so far, and a signal for each new one.
type LogLines = Arc<(Mutex<Vec<Value>>, Condvar)>;

/// A running broker, killed when dropped.
struct Broker {
    child: Child,
    port: u16,
    log: LogLines,
}

impl Broker {
    /// Starts the broker with `args` and reads the port from its first stdout line.
    fn start(args: &[&str]) -> Broker {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mqtt-test-broker"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mqtt-test-broker");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("read the port line");
        let port = first
            .trim()
            .strip_prefix("listening 127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
        let log: LogLines = Arc::default();
        let sink = log.clone();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                // A line that is not JSON is kept as a string: tests then fail showing it.
                let value = serde_json::from_str(&line).unwrap_or(Value::String(line));
                sink.0.lock().unwrap().push(value);
                sink.1.notify_all();
            }
        });
        Broker { child, port, log }
    }

    /// Waits for a log line holding every field of `pattern`, and returns the first.
    fn wait_log(&self, pattern: Value) -> Value {
        self.wait_log_count(pattern, 1)
    }

    /// Waits for the `n`th log line holding every field of `pattern`, and returns it.
    fn wait_log_count(&self, pattern: Value, n: usize) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        let mut lines = self.log.0.lock().unwrap();
        loop {
            if let Some(line) = lines.iter().filter(|l| holds(l, &pattern)).nth(n - 1) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no log line #{n} like {pattern} in:\n{}",
                dump(&lines)
            );
            lines = self.log.1.wait_timeout(lines, left).unwrap().0;
        }
    }

    /// The log lines so far holding every field of `pattern`.
    fn log_lines(&self, pattern: Value) -> Vec<Value> {
        self.log
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|l| holds(l, &pattern))
            .cloned()
            .collect()
    }

    /// A TCP connection to the broker, not yet MQTT-connected.
    fn open(&self, version: Version) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the broker");
        stream.set_nodelay(true).unwrap();
        Client {
            stream: Box::new(stream),
            decoder: Decoder::new(version),
            version,
        }
    }

    /// A client connected with a clean session, CONNACK checked.
    fn connect(&self, version: Version, client_id: &str) -> Client {
        let (client, connack) = self.connect_with(Connect {
            version,
            client_id: client_id.into(),
            ..Default::default()
        });
        assert_eq!(connack.reason_code, 0, "{connack:?}");
        client
    }

    /// A client that sent `connect`, and the CONNACK it got.
    fn connect_with(&self, connect: Connect) -> (Client, Connack) {
        let mut client = self.open(connect.version);
        client.send(Packet::Connect(Box::new(connect)));
        match client.recv() {
            Packet::Connack(c) => (client, c),
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True when `line` has every field of `pattern` with the same value.
fn holds(line: &Value, pattern: &Value) -> bool {
    pattern
        .as_object()
        .is_some_and(|p| p.iter().all(|(k, v)| line.get(k) == Some(v)))
}

fn dump(lines: &[Value]) -> String {
    lines
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a read brought no packet.
#[derive(Debug)]
enum NoPacket {
    Closed,
    Silence,
}

/// A client's byte stream: a plain socket, or TLS over one.
trait Stream: Read + Write + Send {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> std::io::Result<()>;

    /// The ALPN protocol negotiated (TLS only).
    fn alpn_protocol(&self) -> Option<&[u8]> {
        None
    }
}

impl Stream for TcpStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> std::io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }
}

/// An MQTT client made of a socket and the codec.
struct Client {
    stream: Box<dyn Stream>,
    decoder: Decoder,
    version: Version,
}

impl Client {
    fn send(&mut self, packet: Packet) {
        let bytes = encode_to_vec(&packet, self.version).expect("encode");
        self.stream.write_all(&bytes).expect("write");
    }

    /// The next packet, the end of the connection, or silence for `wait`.
    fn next(&mut self, wait: Duration) -> Result<Packet, NoPacket> {
        let deadline = Instant::now() + wait;
        let mut buf = [0u8; 4096];
        loop {
            if let Some(p) = self
                .decoder
                .next_packet()
                .expect("the broker sent a malformed packet")
            {
                return Ok(p);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(NoPacket::Silence);
            }
            self.stream.set_read_timeout(Some(left)).unwrap();
            match self.stream.read(&mut buf) {
                Ok(0) => return Err(NoPacket::Closed),
                Ok(n) => self.decoder.feed(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(NoPacket::Silence);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return Err(NoPacket::Closed),
                Err(e) => panic!("read: {e}"),
            }
        }
    }

    /// The next packet; fails on silence or close.
    fn recv(&mut self) -> Packet {
        match self.next(TIMEOUT) {
            Ok(p) => p,
            other => panic!("expected a packet, got {other:?}"),
        }
    }

    /// The packets received until the broker closes the connection.
    fn until_closed(&mut self) -> Vec<Packet> {
        let mut packets = Vec::new();
        loop {
            match self.next(TIMEOUT) {
                Ok(p) => packets.push(p),
                Err(NoPacket::Closed) => return packets,
                Err(NoPacket::Silence) => {
                    panic!("the broker did not close the connection; got {packets:?}")
                }
            }
        }
    }

    /// The next bytes, exactly `n` of them, undecoded.
    fn recv_raw(&mut self, n: usize) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        self.stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        self.stream.read_exact(&mut buf).expect("raw bytes");
        buf
    }

    fn subscribe_with(
        &mut self,
        packet_id: u16,
        subscriptions: Vec<Subscription>,
        properties: Properties,
    ) -> Suback {
        self.send(Packet::Subscribe(Subscribe {
            packet_id,
            subscriptions,
            properties,
        }));
        match self.recv() {
            Packet::Suback(s) if s.packet_id == packet_id => s,
            other => panic!("expected SUBACK {packet_id}, got {other:?}"),
        }
    }

    fn subscribe(&mut self, filter: &str, qos: QoS) -> Suback {
        let sub = Subscription {
            filter: filter.into(),
            qos,
            ..Default::default()
        };
        self.subscribe_with(1, vec![sub], Properties::default())
    }

    /// Publishes and completes the publisher's side of the QoS flow.
    fn publish(&mut self, topic: &str, payload: &str, qos: QoS, retain: bool) {
        let packet_id = if qos == QoS::AtMostOnce { 0 } else { 42 };
        let p = Publish {
            qos,
            retain,
            topic: topic.into(),
            packet_id,
            payload: payload.to_string().into(),
            ..Default::default()
        };
        self.send(Packet::Publish(p));
        let ack = PubAck {
            packet_id,
            ..Default::default()
        };
        match qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => assert_eq!(self.recv(), Packet::Puback(ack)),
            QoS::ExactlyOnce => {
                assert_eq!(self.recv(), Packet::Pubrec(ack.clone()));
                self.send(Packet::Pubrel(ack.clone()));
                assert_eq!(self.recv(), Packet::Pubcomp(ack));
            }
        }
    }

    /// Receives a PUBLISH and completes the receiver's side of its QoS flow.
    fn recv_publish(&mut self) -> Publish {
        let p = match self.recv() {
            Packet::Publish(p) => p,
            other => panic!("expected PUBLISH, got {other:?}"),
        };
        let ack = PubAck {
            packet_id: p.packet_id,
            ..Default::default()
        };
        match p.qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => self.send(Packet::Puback(ack)),
            QoS::ExactlyOnce => {
                self.send(Packet::Pubrec(ack.clone()));
                assert_eq!(self.recv(), Packet::Pubrel(ack.clone()));
                self.send(Packet::Pubcomp(ack));
            }
        }
        p
    }

    /// Asserts nothing is queued for this client: a PINGREQ's answer comes next (the broker
    /// sends what it queued before answering a packet).
    fn expect_nothing_queued(&mut self) {
        self.send(Packet::Pingreq);
        assert_eq!(self.recv(), Packet::Pingresp);
    }

    fn disconnect(mut self) {
        self.send(Packet::Disconnect(Disconnect::default()));
        assert!(self.until_closed().is_empty());
    }
}

fn payload_of(p: &Publish) -> &str {
    std::str::from_utf8(&p.payload).unwrap()
}

// ---- the conforming broker -------------------------------------------------------------------

#[test]
fn the_first_stdout_line_names_the_port_and_the_help_documents_the_options() {
    let broker = Broker::start(&[]);
    assert_ne!(broker.port, 0);
    let help = Command::new(env!("CARGO_BIN_EXE_mqtt-test-broker"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for option in [
        "--connack-code",
        "--no-ack",
        "--hangup-after",
        "--send-raw-after",
        "--scenario",
        "[connection N]",
    ] {
        assert!(help.contains(option), "--help lacks {option}");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_mqtt-test-broker"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn connect_is_answered_with_connack_in_mqtt_3_1_1() {
    let broker = Broker::start(&[]);
    let (client, connack) = broker.connect_with(Connect {
        client_id: "c311".into(),
        ..Default::default()
    });
    assert_eq!(connack, Connack::default());
    broker.wait_log(
        json!({"dir": "in", "conn": 1, "type": "CONNECT", "version": 4, "client_id": "c311"}),
    );
    broker
        .wait_log(json!({"dir": "out", "client_id": "c311", "type": "CONNACK", "reason_code": 0}));
    client.disconnect();
    broker.wait_log(json!({"event": "close", "client_id": "c311", "will": false}));
}

#[test]
fn connect_is_answered_with_connack_in_mqtt_5_assigning_a_client_identifier() {
    let broker = Broker::start(&[]);
    let (_client, connack) = broker.connect_with(Connect {
        version: Version::V5,
        ..Default::default()
    });
    assert_eq!(connack.reason_code, 0);
    let assigned = connack
        .properties
        .assigned_client_identifier
        .clone()
        .expect("an assigned client identifier");
    broker.wait_log(json!({"dir": "out", "client_id": assigned, "type": "CONNACK"}));
}

#[test]
fn an_empty_client_identifier_needs_a_clean_session_in_mqtt_3_1_1() {
    let broker = Broker::start(&[]);
    // The codec refuses to write this CONNECT [MQTT-3.1.3-7], so clear the Clean Session bit
    // (byte 9 of a CONNECT with no properties) in a valid one by hand.
    let mut bytes = encode_to_vec(&Packet::Connect(Box::default()), Version::V311).unwrap();
    bytes[9] &= !0x02;
    let mut client = broker.open(Version::V311);
    client.stream.write_all(&bytes).unwrap();
    let Packet::Connack(connack) = client.recv() else {
        panic!("expected CONNACK")
    };
    assert_eq!(connack.reason_code, 0x02);
    assert!(client.until_closed().is_empty());
}

/// Publishes at `qos` to a topic the client subscribed to, answering both flows in whatever
/// order the broker interleaves them; returns the copy delivered.
fn round_trip(client: &mut Client, topic: &str, qos: QoS) -> Publish {
    let sent = Publish {
        qos,
        topic: topic.into(),
        packet_id: 10,
        payload: "ping".into(),
        ..Default::default()
    };
    client.send(Packet::Publish(sent));
    let (mut published, mut delivered, mut received) = (qos == QoS::AtMostOnce, None, false);
    while !(published && received) {
        match client.recv() {
            Packet::Puback(a) | Packet::Pubcomp(a) if a.packet_id == 10 => published = true,
            Packet::Pubrec(a) if a.packet_id == 10 => client.send(Packet::Pubrel(a)),
            Packet::Publish(p) => {
                let ack = PubAck {
                    packet_id: p.packet_id,
                    ..Default::default()
                };
                match p.qos {
                    QoS::AtMostOnce => received = true,
                    QoS::AtLeastOnce => {
                        client.send(Packet::Puback(ack));
                        received = true;
                    }
                    QoS::ExactlyOnce => client.send(Packet::Pubrec(ack)),
                }
                delivered = Some(p);
            }
            Packet::Pubrel(a) => {
                client.send(Packet::Pubcomp(a));
                received = true;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    delivered.expect("a delivered copy")
}

#[test]
fn qos_0_1_and_2_round_trip_through_a_subscription_to_itself_in_both_versions() {
    let broker = Broker::start(&[]);
    for version in [Version::V311, Version::V5] {
        let id = format!("rt{}", version as u8);
        let mut client = broker.connect(version, &id);
        let filter = format!("rt/{id}/#");
        assert_eq!(
            client.subscribe(&filter, QoS::ExactlyOnce).reason_codes,
            [2]
        );
        for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
            let topic = format!("rt/{id}/{}", qos as u8);
            let delivered = round_trip(&mut client, &topic, qos);
            assert_eq!(
                (
                    delivered.topic.as_str(),
                    delivered.qos,
                    payload_of(&delivered)
                ),
                (topic.as_str(), qos, "ping")
            );
        }
        broker.wait_log(json!({"dir": "in", "client_id": id, "type": "PUBCOMP"}));
        client.expect_nothing_queued();
    }
}

#[test]
fn delivered_qos_is_the_lower_of_the_publish_and_the_subscription() {
    let broker = Broker::start(&[]);
    let mut sub = broker.connect(Version::V5, "sub");
    sub.subscribe("q/#", QoS::AtLeastOnce);
    let mut publisher = broker.connect(Version::V5, "pub");
    publisher.publish("q/2", "x", QoS::ExactlyOnce, false);
    assert_eq!(sub.recv_publish().qos, QoS::AtLeastOnce);
    publisher.publish("q/0", "x", QoS::AtMostOnce, false);
    assert_eq!(sub.recv_publish().qos, QoS::AtMostOnce);
}

#[test]
fn wildcards_match_levels_and_leading_wildcards_skip_dollar_topics() {
    let broker = Broker::start(&[]);
    let mut all = broker.connect(Version::V311, "all");
    all.subscribe("#", QoS::AtMostOnce);
    let mut plus = broker.connect(Version::V311, "plus");
    plus.subscribe("+/x", QoS::AtMostOnce);
    let mut sys = broker.connect(Version::V311, "sys");
    sys.subscribe("$SYS/+", QoS::AtMostOnce);
    let mut publisher = broker.connect(Version::V311, "pub");
    publisher.publish("$SYS/x", "dollar", QoS::AtLeastOnce, false);
    publisher.publish("a/x", "plain", QoS::AtLeastOnce, false);
    publisher.publish("a/b/x", "deep", QoS::AtLeastOnce, false);
    assert_eq!(payload_of(&sys.recv_publish()), "dollar");
    assert_eq!(payload_of(&plus.recv_publish()), "plain");
    let got: Vec<String> = (0..2).map(|_| all.recv_publish().topic).collect();
    assert_eq!(got, ["a/x", "a/b/x"]);
    for c in [&mut all, &mut plus, &mut sys] {
        c.expect_nothing_queued();
    }
}

#[test]
fn retained_messages_are_delivered_on_subscribe_and_cleared_by_an_empty_payload() {
    let broker = Broker::start(&[]);
    let mut publisher = broker.connect(Version::V5, "pub");
    publisher.publish("r/1", "kept", QoS::AtLeastOnce, true);
    let mut first = broker.connect(Version::V5, "first");
    first.subscribe("r/+", QoS::AtLeastOnce);
    let retained = first.recv_publish();
    assert_eq!(
        (retained.retain, retained.qos, payload_of(&retained)),
        (true, QoS::AtLeastOnce, "kept")
    );
    // Retain handling 2: never send retained messages.
    let never = Subscription {
        filter: "r/#".into(),
        retain_handling: 2,
        ..Default::default()
    };
    first.subscribe_with(2, vec![never], Properties::default());
    first.expect_nothing_queued();
    publisher.publish("r/1", "", QoS::AtLeastOnce, true);
    // The clearing message itself is forwarded (retain flag cleared: not retain-as-published).
    let cleared = first.recv_publish();
    assert_eq!((cleared.retain, cleared.payload.len()), (false, 0));
    let mut second = broker.connect(Version::V5, "second");
    second.subscribe("r/+", QoS::AtLeastOnce);
    second.expect_nothing_queued();
}

#[test]
fn the_will_is_published_on_an_abrupt_close_and_not_after_disconnect() {
    let broker = Broker::start(&[]);
    let mut watcher = broker.connect(Version::V311, "watcher");
    watcher.subscribe("will/#", QoS::AtLeastOnce);
    let with_will = |id: &str| Connect {
        client_id: id.into(),
        will: Some(Will {
            topic: format!("will/{id}"),
            payload: "gone".into(),
            qos: QoS::AtLeastOnce,
            ..Default::default()
        }),
        ..Default::default()
    };
    let (polite, _) = broker.connect_with(with_will("polite"));
    polite.disconnect();
    let (abrupt, _) = broker.connect_with(with_will("abrupt"));
    drop(abrupt);
    let will = watcher.recv_publish();
    assert_eq!(
        (will.topic.as_str(), payload_of(&will)),
        ("will/abrupt", "gone")
    );
    broker.wait_log(json!({"event": "close", "client_id": "abrupt", "will": true}));
    broker.wait_log(json!({"event": "close", "client_id": "polite", "will": false}));
    watcher.expect_nothing_queued();
}

#[test]
fn an_mqtt_5_disconnect_with_will_message_publishes_the_will() {
    let broker = Broker::start(&[]);
    let mut watcher = broker.connect(Version::V5, "watcher");
    watcher.subscribe("will", QoS::AtMostOnce);
    let will = Will {
        topic: "will".into(),
        payload: "bye".into(),
        ..Default::default()
    };
    let connect = Connect {
        version: Version::V5,
        client_id: "leaver".into(),
        will: Some(will),
        ..Default::default()
    };
    let (mut leaver, _) = broker.connect_with(connect);
    leaver.send(Packet::Disconnect(Disconnect {
        reason_code: 0x04,
        ..Default::default()
    }));
    assert_eq!(payload_of(&watcher.recv_publish()), "bye");
}

#[test]
fn a_persistent_session_queues_qos_1_while_offline_and_resumes_with_session_present() {
    let broker = Broker::start(&[]);
    let persistent = Connect {
        client_id: "durable".into(),
        clean_start: false,
        ..Default::default()
    };
    let (mut client, connack) = broker.connect_with(persistent.clone());
    assert!(!connack.session_present);
    client.subscribe("d/#", QoS::AtLeastOnce);
    client.disconnect();
    broker.wait_log(json!({"event": "close", "client_id": "durable"}));
    let mut publisher = broker.connect(Version::V311, "pub");
    publisher.publish("d/1", "one", QoS::AtLeastOnce, false);
    publisher.publish("d/0", "lost", QoS::AtMostOnce, false);
    publisher.expect_nothing_queued(); // the QoS 0 PUBLISH was handled before the PINGREQ
    let (mut client, connack) = broker.connect_with(persistent);
    assert!(connack.session_present);
    let queued = client.recv_publish();
    assert_eq!(
        (queued.topic.as_str(), queued.qos),
        ("d/1", QoS::AtLeastOnce)
    );
    client.expect_nothing_queued();
    // A clean session discards it.
    client.disconnect();
    broker.wait_log_count(json!({"event": "close", "client_id": "durable"}), 2);
    let (_client, connack) = broker.connect_with(Connect {
        client_id: "durable".into(),
        ..Default::default()
    });
    assert!(!connack.session_present);
}

#[test]
fn an_mqtt_5_session_lives_for_its_expiry_interval_after_disconnect() {
    let broker = Broker::start(&[]);
    let connect = |expiry: u32, clean_start: bool| Connect {
        version: Version::V5,
        client_id: "exp".into(),
        clean_start,
        properties: Properties::from(PropertySet {
            session_expiry_interval: Some(expiry),
            ..Default::default()
        }),
        ..Default::default()
    };
    for (round, (expiry, wait, present)) in [(0, 0, false), (60, 0, true), (1, 1100, false)]
        .into_iter()
        .enumerate()
    {
        let (client, _) = broker.connect_with(connect(expiry, true));
        client.disconnect();
        broker.wait_log_count(json!({"event": "close", "client_id": "exp"}), 2 * round + 1);
        // The expiry is measured by the broker's clock: waiting past it is the behaviour under test.
        std::thread::sleep(Duration::from_millis(wait));
        let (client, connack) = broker.connect_with(connect(0, false));
        assert_eq!(
            connack.session_present, present,
            "expiry {expiry} after {wait} ms"
        );
        client.disconnect();
    }
}

#[test]
fn a_second_connection_with_the_same_client_identifier_takes_the_session_over() {
    let broker = Broker::start(&[]);
    let mut first = broker.connect(Version::V5, "twin");
    let _second = broker.connect(Version::V5, "twin");
    let packets = first.until_closed();
    assert_eq!(
        packets,
        [Packet::Disconnect(Disconnect {
            reason_code: 0x8E,
            ..Default::default()
        })]
    );
}

#[test]
fn a_shared_subscription_delivers_each_message_to_one_member_in_turn() {
    let broker = Broker::start(&[]);
    let mut members: Vec<Client> = ["m1", "m2"]
        .iter()
        .map(|id| {
            let mut c = broker.connect(Version::V5, id);
            c.subscribe("$share/group/work/+", QoS::AtLeastOnce);
            c
        })
        .collect();
    let mut publisher = broker.connect(Version::V5, "pub");
    for i in 0..4 {
        publisher.publish(&format!("work/{i}"), "job", QoS::AtLeastOnce, false);
    }
    for member in &mut members {
        let got: Vec<String> = (0..2).map(|_| member.recv_publish().topic).collect();
        assert!(
            got == ["work/0", "work/2"] || got == ["work/1", "work/3"],
            "{got:?}"
        );
        member.expect_nothing_queued();
    }
}

#[test]
fn keep_alive_is_enforced_after_one_and_a_half_periods_of_silence() {
    let broker = Broker::start(&[]);
    let connect = Connect {
        version: Version::V5,
        client_id: "idle".into(),
        keep_alive: 1,
        ..Default::default()
    };
    let (mut client, _) = broker.connect_with(connect);
    let start = Instant::now();
    let packets = client.until_closed();
    assert!(
        start.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        packets,
        [Packet::Disconnect(Disconnect {
            reason_code: 0x8D,
            ..Default::default()
        })]
    );
}

#[test]
fn topic_aliases_the_broker_advertised_are_resolved() {
    let broker = Broker::start(&["--topic-alias-maximum", "2"]);
    let (mut client, connack) = broker.connect_with(Connect {
        version: Version::V5,
        client_id: "alias".into(),
        ..Default::default()
    });
    assert_eq!(connack.properties.topic_alias_maximum, Some(2));
    client.subscribe("al/#", QoS::AtMostOnce);
    let aliased = |topic: &str, alias| Publish {
        topic: topic.into(),
        payload: "a".into(),
        properties: Properties::from(PropertySet {
            topic_alias: Some(alias),
            ..Default::default()
        }),
        ..Default::default()
    };
    client.send(Packet::Publish(aliased("al/long/topic", 1)));
    client.send(Packet::Publish(aliased("", 1)));
    assert_eq!(client.recv_publish().topic, "al/long/topic");
    assert_eq!(client.recv_publish().topic, "al/long/topic");
    client.send(Packet::Publish(aliased("al/x", 3)));
    assert_eq!(
        client.until_closed(),
        [Packet::Disconnect(Disconnect {
            reason_code: 0x94,
            ..Default::default()
        })]
    );
}

#[test]
fn a_malformed_packet_is_logged_and_closes_the_connection() {
    let broker = Broker::start(&[]);
    let mut client = broker.connect(Version::V5, "bad");
    // A QoS 1 PUBLISH without its packet identifier.
    client
        .stream
        .write_all(&[0x32, 0x03, 0x00, 0x01, 0x61])
        .unwrap();
    assert_eq!(
        client.until_closed(),
        [Packet::Disconnect(Disconnect {
            reason_code: 0x81,
            ..Default::default()
        })]
    );
    broker.wait_log(json!({"dir": "in", "client_id": "bad", "type": "MALFORMED"}));
}

// ---- misbehaviour on demand ------------------------------------------------------------------

#[test]
fn connack_code_refuses_every_connect_with_that_code() {
    let broker = Broker::start(&["--connack-code", "5"]);
    let (mut client, connack) = broker.connect_with(Connect::default());
    assert_eq!((connack.reason_code, connack.session_present), (5, false));
    assert!(client.until_closed().is_empty());
    // A code MQTT 5 does not allow is sent anyway, as raw bytes.
    let mut client = broker.open(Version::V5);
    client.send(Packet::Connect(Box::new(Connect {
        version: Version::V5,
        ..Default::default()
    })));
    assert_eq!(client.recv_raw(5), [0x20, 3, 0, 5, 0]);
    let broker = Broker::start(&["--connack-code", "0x87"]);
    let (_, connack) = broker.connect_with(Connect {
        version: Version::V5,
        ..Default::default()
    });
    assert_eq!(connack.reason_code, 0x87);
}

#[test]
fn only_first_connection_refuses_the_first_and_accepts_the_second() {
    let broker = Broker::start(&["--connack-code", "0x88", "--only-first-connection"]);
    let connect = Connect {
        version: Version::V5,
        client_id: "retry".into(),
        ..Default::default()
    };
    let (_, first) = broker.connect_with(connect.clone());
    let (_, second) = broker.connect_with(connect);
    assert_eq!((first.reason_code, second.reason_code), (0x88, 0));
}

#[test]
fn a_scenario_file_scopes_settings_to_connections_and_clients() {
    let dir = std::env::temp_dir().join(format!("mqtt-test-broker-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.txt");
    let scenario = "# refuse the second connection only\nreceive-maximum 7\n[connection 2]\nconnack-code 0x87\n[client picky]\nmaximum-qos 1\n";
    std::fs::write(&path, scenario).unwrap();
    let broker = Broker::start(&["--scenario", path.to_str().unwrap()]);
    let connect = |id: &str| Connect {
        version: Version::V5,
        client_id: id.into(),
        ..Default::default()
    };
    let codes: Vec<(u8, Option<u16>)> = (0..3)
        .map(|_| broker.connect_with(connect("any")).1)
        .map(|c| (c.reason_code, c.properties.receive_maximum))
        .collect();
    assert_eq!(codes, [(0, Some(7)), (0x87, None), (0, Some(7))]);
    let (_, picky) = broker.connect_with(connect("picky"));
    assert_eq!(picky.properties.maximum_qos, Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn advertised_limits_are_sent_in_connack_and_enforced() {
    let args = [
        "--receive-maximum",
        "2",
        "--maximum-packet-size",
        "200",
        "--maximum-qos",
        "1",
        "--retain-available",
        "0",
        "--server-keep-alive",
        "30",
        "--session-expiry",
        "90",
        "--assigned-client-id",
        "given",
    ];
    let broker = Broker::start(&args);
    let (mut client, connack) = broker.connect_with(Connect {
        version: Version::V5,
        ..Default::default()
    });
    let p = &connack.properties;
    assert_eq!(
        (
            p.receive_maximum,
            p.maximum_packet_size,
            p.maximum_qos,
            p.retain_available,
            p.server_keep_alive
        ),
        (Some(2), Some(200), Some(1), Some(0), Some(30))
    );
    assert_eq!(
        (
            p.session_expiry_interval,
            p.assigned_client_identifier.as_deref()
        ),
        (Some(90), Some("given"))
    );
    assert_eq!(
        client.subscribe("lim/#", QoS::ExactlyOnce).reason_codes,
        [1],
        "granted at most the maximum QoS"
    );
    client.send(Packet::Publish(Publish {
        qos: QoS::ExactlyOnce,
        packet_id: 1,
        topic: "lim/x".into(),
        ..Default::default()
    }));
    assert_eq!(
        client.until_closed(),
        [Packet::Disconnect(Disconnect {
            reason_code: 0x9B,
            ..Default::default()
        })]
    );
}

#[test]
fn receive_maximum_is_enforced_while_acks_are_withheld() {
    let broker = Broker::start(&["--receive-maximum", "1", "--no-ack"]);
    let mut client = broker.connect(Version::V5, "greedy");
    for packet_id in [1, 2] {
        client.send(Packet::Publish(Publish {
            qos: QoS::AtLeastOnce,
            packet_id,
            topic: "t".into(),
            ..Default::default()
        }));
    }
    assert_eq!(
        client.until_closed(),
        [Packet::Disconnect(Disconnect {
            reason_code: 0x93,
            ..Default::default()
        })]
    );
}

#[test]
fn maximum_packet_size_is_enforced() {
    let broker = Broker::start(&["--maximum-packet-size", "64"]);
    let mut client = broker.connect(Version::V5, "big");
    client.publish("t", &"x".repeat(32), QoS::AtLeastOnce, false);
    client.send(Packet::Publish(Publish {
        topic: "t".into(),
        payload: "x".repeat(100).into(),
        ..Default::default()
    }));
    assert_eq!(
        client.until_closed(),
        [Packet::Disconnect(Disconnect {
            reason_code: 0x95,
            ..Default::default()
        })]
    );
}

#[test]
fn no_ack_withholds_puback_pubrec_suback_and_unsuback() {
    let broker = Broker::start(&["--no-ack"]);
    let mut client = broker.connect(Version::V311, "mute");
    client.send(Packet::Publish(Publish {
        qos: QoS::AtLeastOnce,
        packet_id: 1,
        topic: "t".into(),
        ..Default::default()
    }));
    client.send(Packet::Publish(Publish {
        qos: QoS::ExactlyOnce,
        packet_id: 2,
        topic: "t".into(),
        ..Default::default()
    }));
    let sub = Subscription {
        filter: "nothing".into(),
        ..Default::default()
    };
    client.send(Packet::Subscribe(Subscribe {
        packet_id: 3,
        subscriptions: vec![sub],
        ..Default::default()
    }));
    client.send(Packet::Unsubscribe(Unsubscribe {
        packet_id: 4,
        filters: vec!["nothing".into()],
        ..Default::default()
    }));
    client.expect_nothing_queued();
    broker.wait_log(json!({"dir": "in", "client_id": "mute", "type": "UNSUBSCRIBE"}));
    assert!(
        broker
            .log_lines(json!({"dir": "out", "client_id": "mute", "type": "PUBACK"}))
            .is_empty()
    );
    assert!(
        broker
            .log_lines(json!({"dir": "out", "client_id": "mute", "type": "SUBACK"}))
            .is_empty()
    );
}

#[test]
fn ack_delay_sends_acks_late_while_other_packets_are_answered() {
    let broker = Broker::start(&["--ack-delay-ms", "300"]);
    let mut client = broker.connect(Version::V311, "slow");
    let start = Instant::now();
    client.send(Packet::Publish(Publish {
        qos: QoS::AtLeastOnce,
        packet_id: 1,
        topic: "t".into(),
        ..Default::default()
    }));
    client.send(Packet::Pingreq);
    assert_eq!(client.recv(), Packet::Pingresp);
    assert_eq!(
        client.recv(),
        Packet::Puback(PubAck {
            packet_id: 1,
            ..Default::default()
        })
    );
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn hangup_after_closes_when_the_nth_packet_arrives_without_answering_it() {
    let broker = Broker::start(&["--hangup-after", "2"]);
    let mut client = broker.connect(Version::V311, "hang");
    let sub = Subscription {
        filter: "t".into(),
        ..Default::default()
    };
    client.send(Packet::Subscribe(Subscribe {
        packet_id: 1,
        subscriptions: vec![sub],
        ..Default::default()
    }));
    assert!(client.until_closed().is_empty(), "no SUBACK");
    broker.wait_log(json!({"dir": "in", "client_id": "hang", "type": "SUBSCRIBE"}));
    // Hanging up on the CONNECT: no CONNACK.
    let broker = Broker::start(&["--hangup-after", "1"]);
    let mut client = broker.open(Version::V5);
    client.send(Packet::Connect(Box::new(Connect {
        version: Version::V5,
        ..Default::default()
    })));
    assert!(client.until_closed().is_empty(), "no CONNACK");
}

#[test]
fn hangup_on_a_packet_type_closes_when_it_arrives() {
    let broker = Broker::start(&["--hangup-on", "publish"]);
    let mut client = broker.connect(Version::V5, "hang");
    client.subscribe("t", QoS::AtMostOnce);
    client.send(Packet::Publish(Publish {
        qos: QoS::AtLeastOnce,
        packet_id: 1,
        topic: "t".into(),
        ..Default::default()
    }));
    assert!(
        client.until_closed().is_empty(),
        "neither PUBACK nor the PUBLISH"
    );
}

#[test]
fn disconnect_after_sends_disconnect_with_the_code_after_handling_the_nth_packet() {
    let broker = Broker::start(&["--disconnect-after", "2", "--disconnect-code", "0x8B"]);
    let mut client = broker.connect(Version::V5, "bye");
    client.send(Packet::Pingreq);
    let packets = client.until_closed();
    assert_eq!(
        packets,
        [
            Packet::Pingresp,
            Packet::Disconnect(Disconnect {
                reason_code: 0x8B,
                ..Default::default()
            })
        ]
    );
    broker.wait_log(
        json!({"dir": "out", "client_id": "bye", "type": "DISCONNECT", "reason_code": 0x8B}),
    );
}

#[test]
fn no_pingresp_leaves_pingreq_unanswered() {
    let broker = Broker::start(&["--no-pingresp"]);
    let mut client = broker.connect(Version::V311, "ping");
    client.send(Packet::Pingreq);
    client.subscribe("t", QoS::AtMostOnce); // the next packet is the SUBACK, not a PINGRESP
    broker.wait_log(json!({"dir": "in", "client_id": "ping", "type": "PINGREQ"}));
    assert!(broker.log_lines(json!({"type": "PINGRESP"})).is_empty());
}

#[test]
fn send_raw_after_writes_the_bytes_after_handling_the_nth_packet() {
    let broker = Broker::start(&[
        "--send-raw-after",
        "1",
        "30 03 00 01 61 ff",
        "--send-raw-on",
        "pingreq",
        "d0:00",
    ]);
    let mut client = broker.open(Version::V311);
    client.send(Packet::Connect(Box::new(Connect {
        client_id: "raw".into(),
        ..Default::default()
    })));
    assert_eq!(
        client.recv_raw(4 + 6),
        [0x20, 2, 0, 0, 0x30, 3, 0, 1, 0x61, 0xFF]
    );
    client.send(Packet::Pingreq);
    assert_eq!(client.recv_raw(4), [0xD0, 0, 0xD0, 0]);
    broker
        .wait_log(json!({"dir": "out", "client_id": "raw", "type": "RAW", "hex": "3003000161ff"}));
}

#[test]
fn no_connack_stays_silent_after_connect() {
    let broker = Broker::start(&["--no-connack"]);
    let mut client = broker.open(Version::V311);
    client.send(Packet::Connect(Box::new(Connect {
        client_id: "silent".into(),
        ..Default::default()
    })));
    client.send(Packet::Pingreq);
    broker.wait_log(json!({"dir": "in", "client_id": "silent", "type": "PINGREQ"}));
    assert!(matches!(
        client.next(Duration::from_millis(100)),
        Err(NoPacket::Silence)
    ));
}

// ---- interoperability with mosquitto-clients ---------------------------------------------------

/// Panics with how to get the tool when `program` is not installed.
fn require(program: &str) {
    if let Err(e) = Command::new(program).arg("--help").output() {
        panic!(
            "{program} is needed by this test ({e}): install mosquitto-clients \
             (apt-get install -y mosquitto-clients; scripts/test.sh installs it)"
        );
    }
}

/// Waits for `child` to exit, killing it after [`TIMEOUT`].
fn finish(mut child: Child, what: &str) -> Output {
    let deadline = Instant::now() + TIMEOUT;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not finish: {:?}", child.wait_with_output());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn mosquitto_sub_receives_what_mosquitto_pub_sends_in_both_versions_at_every_qos() {
    require("mosquitto_sub");
    require("mosquitto_pub");
    let broker = Broker::start(&[]);
    let port = broker.port.to_string();
    for version in ["mqttv311", "mqttv5"] {
        for qos in ["0", "1", "2"] {
            let topic = format!("interop/{version}/{qos}");
            let (sub_id, pub_id) = (
                format!("sub-{version}-{qos}"),
                format!("pub-{version}-{qos}"),
            );
            let common = [
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-V",
                version,
                "-q",
                qos,
                "-t",
                &topic,
            ];
            let sub = Command::new("mosquitto_sub")
                .args(common)
                .args(["-i", &sub_id, "-C", "1", "-W", "10"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            broker.wait_log(json!({"dir": "out", "client_id": sub_id, "type": "SUBACK"}));
            let publisher = Command::new("mosquitto_pub")
                .args(common)
                .args(["-i", &pub_id, "-m", "hello from mosquitto_pub"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let published = finish(publisher, "mosquitto_pub");
            assert!(
                published.status.success(),
                "mosquitto_pub {version} q{qos}: {published:?}"
            );
            let received = finish(sub, "mosquitto_sub");
            assert!(
                received.status.success(),
                "mosquitto_sub {version} q{qos}: {received:?}"
            );
            assert_eq!(
                String::from_utf8_lossy(&received.stdout).trim(),
                "hello from mosquitto_pub"
            );
            let delivered =
                broker.wait_log(json!({"dir": "out", "client_id": sub_id, "type": "PUBLISH"}));
            assert_eq!(delivered["qos"], json!(qos.parse::<u8>().unwrap()));
        }
    }
}

#[test]
fn the_log_goes_to_the_file_given_with_log() {
    let path =
        std::env::temp_dir().join(format!("mqtt-test-broker-log-{}.jsonl", std::process::id()));
    let broker = Broker::start(&["--log", path.to_str().unwrap()]);
    broker.connect(Version::V5, "logged").disconnect();
    let deadline = Instant::now() + TIMEOUT;
    // The close event is the connection's last line; poll the file until it is there.
    let lines = loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        if lines
            .iter()
            .any(|l| holds(l, &json!({"event": "close", "client_id": "logged"})))
        {
            break lines;
        }
        assert!(Instant::now() < deadline, "no close event in {text}");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(lines.iter().any(|l| holds(
        l,
        &json!({"dir": "out", "type": "CONNACK", "client_id": "logged"})
    )));
    assert!(broker.log_lines(json!({})).is_empty(), "nothing on stderr");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn hangup_after_0_closes_as_soon_as_the_connection_is_accepted() {
    let broker = Broker::start(&["--hangup-after", "0"]);
    assert!(broker.open(Version::V311).until_closed().is_empty());
}

#[test]
fn connack_delay_answers_the_connect_late() {
    let broker = Broker::start(&["--connack-delay-ms", "300"]);
    let start = Instant::now();
    broker.connect(Version::V311, "patient");
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn connack_drip_writes_the_connack_one_byte_at_a_time() {
    let broker = Broker::start(&["--connack-drip-ms", "100"]);
    let start = Instant::now();
    broker.connect(Version::V311, "dripped");
    // Four bytes, three gaps.
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn disconnect_on_a_packet_type_sends_disconnect_after_handling_it() {
    let broker = Broker::start(&["--disconnect-on", "subscribe", "--disconnect-code", "0x98"]);
    let mut client = broker.connect(Version::V5, "admin");
    client.subscribe("t", QoS::AtMostOnce);
    assert_eq!(
        client.until_closed(),
        [Packet::Disconnect(Disconnect {
            reason_code: 0x98,
            ..Default::default()
        })]
    );
}

#[test]
fn unavailable_subscription_features_are_refused_in_suback() {
    let args = [
        "--wildcard-subscription-available",
        "0",
        "--shared-subscription-available",
        "0",
    ];
    let broker = Broker::start(&args);
    let (mut client, connack) = broker.connect_with(Connect {
        version: Version::V5,
        client_id: "plain".into(),
        ..Default::default()
    });
    let p = &connack.properties;
    assert_eq!(
        (
            p.wildcard_subscription_available,
            p.shared_subscription_available
        ),
        (Some(0), Some(0))
    );
    let subs = ["a/+", "$share/g/a", "a/b"].map(|f| Subscription {
        filter: f.into(),
        qos: QoS::AtLeastOnce,
        ..Default::default()
    });
    let suback = client.subscribe_with(1, subs.to_vec(), Properties::default());
    assert_eq!(suback.reason_codes, [0xA2, 0x9E, 1]);
}

// ---- TLS ------------------------------------------------------------------------------------------

/// The names the test server certificates are issued for.
const SERVER_NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

/// A P-256 key in SEC1 form ("EC PRIVATE KEY"), a test fixture written by `openssl ecparam`.
const EC_SEC1_KEY: &str = "\
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFfPH1aFWmb+v20Z6KyGgyTdXt0qUt9fjaloT80vpVfdoAoGCCqGSM49
AwEHoUQDQgAEtW4Xy63RDIUg70BinxlVUrgOfPQDqBqxVngbTYj8vc+05OMkwK3Q
8nOR4H0UBlcI5BzfzkhoLCEBqrH/5Er/rw==
-----END EC PRIVATE KEY-----
";

/// A 2048-bit RSA key in PKCS#1 form ("RSA PRIVATE KEY"), a test fixture written by
/// `openssl genrsa -traditional` (ring, under rcgen, generates no RSA keys).
const RSA_PKCS1_KEY: &str = "\
-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAyNnVfRChUpoLWCVSUnGa6skDyk8O1MXREF5wrb02ZHFN+9yo
SXpeZ2gAOg3v7crNMLJevh3OV/Kv0QjWiLw5c8k5KgngQ/rjN9kZlTq2ht3qnM1S
652Fph1dPmk12TqsLCzEUMGlyG3oxdnwu7FyZISYTCrUI0AmaAr28VF82d26VDca
eAwyH84UCxH/PK/VNDpITkhp42CbGdlgvou8qlCAKYxyA6NzD6I57Zi9RP7IC+QF
YhNPlMje8DF/98k1aOvrtRmI4GialqXNTLjMB7nPd6u0KfPuT3wPqboNKu1YrwHo
HFciNe0fFA6B8kvifn0BkXGs6tJGilZTHmpGmQIDAQABAoIBAAFL+gdNdgx1QSh/
CTET5VV7MQtM8DDNllhg8BU3Fh7c5g1RMv47LypmNOkTxgzYN9x7OCkbFBGp7z18
lhN3edOq3xDupUz9+I7GQJCfxkjrc5um7hYsLLEjvR+EoBvhK98ix8Run0efr9xg
QP0l+NTJZ0kNhNQeWGnc64htbWXj+BP5DZAbTZ2PNhnzy6eIeOF61zZ+dCG/9XOa
7y6rj+ThrnpSoNoTXUI8PSsqU6GXSVmJaipPtoFsly5B7GQ0q5BXMwakYGIhRER7
gisE/7+xcu77Fd+ViDdh/aIUBeqxc3/8TEHimQ01G/Pe6cIX2QFzbfCg1W0XkRmg
XFUEGLkCgYEA6U+Cq7HBwR92/qjNMfpbDKrKEdEJXE3vNoCljPM/G8GC+Owi/4zD
N4qpk+iZgPx2xgZUJ0hGQkuFsr7Cx5Ha/e82bXwQU7CRclyvumC75sw6PC7U1Xdo
sQDNq6ejqGbjzUbx+naQa7Z6E9wcPy7EtJRZ3HWI5GDsFlZgFmQLOkUCgYEA3GI1
f1DO4sVDrlnxjIRkicFZktM/uC6ssv2QobxGGYEw6rSr3VgxPQ3eeKyrQ0NiLQdv
313T7X7Ua6xSvrM5WW6FqxbUZFGFIYDMyZbUFnOd4vC3jYYpIRas5WH4CU54lXRz
HME6ATlPFiz//OjIKF8Uhp4YU260p2/vqYnnakUCgYBpXza2EsdeULaul1BtlRPQ
Kcavu0hN/wjeBcY/XZEQGRrtD8FSx6FXkXG7Up8ZqWx/TVZuk27f/Dn7G7re5ZoR
fBuJ4TGCisl17DSVqaDTwUM/8SrA6nhHEQTS1RjOMwIJsVQSecAKVdTW6V98jcPb
hvD6576W3sth30rwcei8PQKBgQCIbtQnqWMqyGyJ92yuTRfgoC5P0y/TWjHX7Voo
hmHvUCd0Zb0wHnT9EyTzGBI+ZezVa5E6et/EW4wtzFS9cj7CusVNkaiTIlSE1TPy
aMmLzK+l2tgHaVL1BRCsQOZI/Kdx/tF0r7q1H0FyvRENBR9Evvf6Ds2IeTSlo4p/
Lrxw8QKBgQCjEIitBjxCLtcSa9iHP3Rvd4XWyqi55JJgno+yLY0Qq14XgBzxDHgZ
oOsy2eC0JIjHKW8yWYL90Gzk7x+WUIDHfrk1uIVhy5pZnuKr36qKohQqwwJhC9xd
5MEuB7NpN+DqE+X41/Ma00c5t9HLmZK3FJ17uHgyWb2UJmHLabdCIA==
-----END RSA PRIVATE KEY-----
";

/// A test CA, and PEM files in a directory of their own (removed when dropped): the CA
/// (`ca.pem`), a server certificate it issued for [`SERVER_NAMES`] (`server.pem`, `server.key`)
/// and a client certificate it issued (`client.pem`, `client.key`); keys in PKCS#8.
struct Pki {
    dir: PathBuf,
    ca: rcgen::Certificate,
    ca_key: KeyPair,
}

impl Pki {
    fn new(name: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!(
            "mqtt-test-broker-tls-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params.distinguished_name.push(
            DnType::CommonName,
            format!("mqtt-test-broker test CA {name}"),
        );
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = params.self_signed(&ca_key).unwrap();
        let pki = Pki { dir, ca, ca_key };
        pki.write("ca.pem", &pki.ca.pem());
        for (name, names, purpose) in [
            (
                "server",
                &SERVER_NAMES[..],
                ExtendedKeyUsagePurpose::ServerAuth,
            ),
            ("client", &[][..], ExtendedKeyUsagePurpose::ClientAuth),
        ] {
            let key = KeyPair::generate().unwrap();
            pki.issue(name, &key, names, purpose);
            pki.write(&format!("{name}.key"), &key.serialize_pem());
        }
        pki
    }

    /// Writes `NAME.pem`: a certificate for `key` issued by the CA, for `names`.
    fn issue(&self, name: &str, key: &KeyPair, names: &[&str], purpose: ExtendedKeyUsagePurpose) {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![purpose];
        let cert = params.signed_by(key, &self.ca, &self.ca_key).unwrap();
        self.write(&format!("{name}.pem"), &cert.pem());
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.dir.join(file), text).unwrap();
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).to_str().unwrap().to_string()
    }

    /// A broker listening with TLS (`server.pem`, `server.key`), with `more` arguments.
    fn broker(&self, more: &[&str]) -> Broker {
        let (cert, key) = (self.path("server.pem"), self.path("server.key"));
        let mut args = vec!["--tls-cert", &cert, "--tls-key", &key];
        args.extend(more);
        Broker::start(&args)
    }

    /// A rustls client (TLS 1.2 and 1.3) that trusts this CA, presents the client certificate
    /// of `client` when given, and offers the ALPN protocols `alpn`.
    fn client_config(&self, client: Option<&Pki>, alpn: &[&str]) -> Arc<ClientConfig> {
        self.client_config_for(rustls::DEFAULT_VERSIONS, client, alpn)
    }

    fn client_config_for(
        &self,
        versions: &[&'static SupportedProtocolVersion],
        client: Option<&Pki>,
        alpn: &[&str],
    ) -> Arc<ClientConfig> {
        let mut roots = RootCertStore::empty();
        roots.add(self.ca.der().clone()).unwrap();
        let builder =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_protocol_versions(versions)
                .unwrap()
                .with_root_certificates(roots);
        let mut config = match client {
            None => builder.with_no_client_auth(),
            Some(pki) => {
                let certs = CertificateDer::pem_file_iter(pki.path("client.pem"))
                    .unwrap()
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap();
                let key = PrivateKeyDer::from_pem_file(pki.path("client.key")).unwrap();
                builder.with_client_auth_cert(certs, key).unwrap()
            }
        };
        config.alpn_protocols = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        Arc::new(config)
    }
}

/// A DER element: `tag`, the length of `contents`, `contents`.
fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend(contents);
    out
}

/// The PKCS#8 form (RFC 5208), the one rcgen reads with ring, of the PEM `key` (PKCS#1 or
/// SEC1) whose algorithm identifier's contents are `algorithm`.
fn pkcs8_of(key: &str, algorithm: &[u8]) -> PrivatePkcs8KeyDer<'static> {
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let body = [
        &[0x02, 0x01, 0x00][..],
        &der(0x30, algorithm),
        &der(0x04, key.secret_der()),
    ]
    .concat();
    der(0x30, &body).into()
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Stream for StreamOwned<ClientConnection, TcpStream> {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> std::io::Result<()> {
        self.sock.set_read_timeout(timeout)
    }

    fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }
}

impl Broker {
    /// A TLS connection to the broker for server name localhost, handshake done, not yet
    /// MQTT-connected; the error that ended the handshake otherwise.
    fn open_tls(&self, version: Version, config: Arc<ClientConfig>) -> std::io::Result<Client> {
        let mut sock = TcpStream::connect(("127.0.0.1", self.port))?;
        sock.set_nodelay(true)?;
        sock.set_read_timeout(Some(TIMEOUT))?;
        let name = ServerName::try_from("localhost").unwrap();
        let mut conn = ClientConnection::new(config, name).map_err(std::io::Error::other)?;
        while conn.is_handshaking() {
            conn.complete_io(&mut sock)?;
        }
        Ok(Client {
            stream: Box::new(StreamOwned::new(conn, sock)),
            decoder: Decoder::new(version),
            version,
        })
    }

    /// A client connected over TLS with a clean session, CONNACK checked.
    fn connect_tls(&self, version: Version, client_id: &str, config: Arc<ClientConfig>) -> Client {
        let mut client = self.open_tls(version, config).expect("TLS handshake");
        client.send(Packet::Connect(Box::new(Connect {
            version,
            client_id: client_id.into(),
            ..Default::default()
        })));
        match client.recv() {
            Packet::Connack(c) if c.reason_code == 0 => client,
            other => panic!("expected CONNACK 0, got {other:?}"),
        }
    }
}

/// Tries a TLS connection with `config` and a CONNECT over it, which must fail: returns the
/// error that ended it. (A TLS 1.3 client finishes its side of the handshake before the broker
/// checks its certificate: it learns of the refusal when it reads.)
fn tls_refused(broker: &Broker, config: Arc<ClientConfig>) -> std::io::Error {
    let mut client = match broker.open_tls(Version::V311, config) {
        Ok(client) => client,
        Err(e) => return e,
    };
    let connect = Packet::Connect(Box::new(Connect {
        client_id: "refused".into(),
        ..Default::default()
    }));
    let bytes = encode_to_vec(&connect, Version::V311).unwrap();
    let mut buf = [0u8; 256];
    let result = client
        .stream
        .write_all(&bytes)
        .and_then(|()| client.stream.read(&mut buf));
    match result {
        Err(e) if !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => e,
        other => panic!("expected the TLS connection to fail, got {other:?}"),
    }
}

#[test]
fn the_help_documents_tls_and_its_options_are_checked() {
    let broker = env!("CARGO_BIN_EXE_mqtt-test-broker");
    let help = Command::new(broker).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for option in [
        "--tls-cert",
        "--tls-key",
        "--tls-client-ca",
        "--alpn",
        "tls_handshake_failed",
    ] {
        assert!(help.contains(option), "--help lacks {option}");
    }
    assert!(!help.contains("not supported yet"), "{help}");
    for args in [
        &["--tls-cert", "server.pem"][..],
        &["--tls-key", "server.key"],
        &["--tls-client-ca", "ca.pem"],
        &["--alpn", "mqtt"],
    ] {
        let run = Command::new(broker).args(args).output().unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}: {run:?}");
    }
    let missing = "/nonexistent/mqtt-test-broker/server.pem";
    let run = Command::new(broker)
        .args(["--tls-cert", missing, "--tls-key", missing])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert!(run.stdout.is_empty(), "no listening line: {run:?}");
    assert!(
        String::from_utf8_lossy(&run.stderr).contains(missing),
        "{run:?}"
    );
}

#[test]
fn a_qos_1_publish_round_trips_over_tls_1_2_and_1_3_in_both_versions() {
    let pki = Pki::new("round-trip");
    let broker = pki.broker(&[]);
    let tls_versions: [(&[&'static SupportedProtocolVersion], &str); 2] = [
        (&[&rustls::version::TLS12], "TLSv1.2"),
        (&[&rustls::version::TLS13], "TLSv1.3"),
    ];
    let mut conn = 0;
    for (tls_version, tls_name) in tls_versions {
        for version in [Version::V311, Version::V5] {
            conn += 1;
            let id = format!("tls-{}-{}", &tls_name[4..], version as u8);
            let config = pki.client_config_for(tls_version, None, &[]);
            let mut client = broker.connect_tls(version, &id, config);
            let handshake = broker.wait_log(json!({"event": "tls_handshake", "conn": conn}));
            assert_eq!(
                (&handshake["version"], &handshake["client_certificate"]),
                (&json!(tls_name), &json!(false)),
                "{handshake}"
            );
            assert_eq!(handshake.get("alpn"), None, "{handshake}");
            assert_eq!(handshake["sni"], json!("localhost"));
            let filter = format!("tls/{id}/#");
            assert_eq!(
                client.subscribe(&filter, QoS::AtLeastOnce).reason_codes,
                [1]
            );
            let topic = format!("tls/{id}/t");
            let delivered = round_trip(&mut client, &topic, QoS::AtLeastOnce);
            assert_eq!(
                (
                    delivered.topic.as_str(),
                    delivered.qos,
                    payload_of(&delivered)
                ),
                (topic.as_str(), QoS::AtLeastOnce, "ping")
            );
            broker.wait_log(json!({"dir": "in", "client_id": id, "type": "PUBACK"}));
            client.disconnect();
            broker.wait_log(json!({"event": "close", "client_id": id, "will": false}));
        }
    }
    assert!(
        broker
            .log_lines(json!({"event": "tls_handshake_failed"}))
            .is_empty()
    );
}

#[test]
fn a_plain_connection_to_a_tls_listener_fails_the_handshake_and_is_closed() {
    let pki = Pki::new("plain");
    let broker = pki.broker(&[]);
    let mut client = broker.open(Version::V311);
    client.send(Packet::Connect(Box::new(Connect {
        client_id: "plain".into(),
        ..Default::default()
    })));
    // The answer is at most a TLS alert record (content type 21), never a CONNACK.
    let mut answer = Vec::new();
    client.stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    match client.stream.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the broker did not close the connection: {e}"),
    }
    assert!(answer.first().is_none_or(|&b| b == 21), "{answer:?}");
    let failed = broker.wait_log(json!({"event": "tls_handshake_failed", "conn": 1}));
    assert!(
        failed["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{failed}"
    );
    let close = broker.wait_log(json!({"event": "close", "conn": 1, "will": false}));
    assert!(
        close["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("TLS handshake failed")),
        "{close}"
    );
    assert!(broker.log_lines(json!({"type": "CONNECT"})).is_empty());
}

#[test]
fn mutual_tls_requires_a_client_certificate_issued_by_the_client_ca() {
    let pki = Pki::new("mtls");
    let other = Pki::new("mtls-other");
    let broker = pki.broker(&["--tls-client-ca", &pki.path("ca.pem")]);
    for version in [Version::V311, Version::V5] {
        let id = format!("cert-{}", version as u8);
        let mut client = broker.connect_tls(version, &id, pki.client_config(Some(&pki), &[]));
        client.publish("mtls/t", "hello", QoS::AtLeastOnce, false);
        client.disconnect();
    }
    // The broker logs from its own thread: wait for the second line before counting.
    broker.wait_log_count(json!({"event": "tls_handshake"}), 2);
    let handshakes = broker.log_lines(json!({"event": "tls_handshake"}));
    assert_eq!(handshakes.len(), 2, "{handshakes:?}");
    assert!(
        handshakes
            .iter()
            .all(|h| h["client_certificate"] == json!(true))
    );
    // Without a client certificate, and with one from another CA: refused.
    for (conn, client) in [(3, None), (4, Some(&other))] {
        let error = tls_refused(&broker, pki.client_config(client, &[]));
        let failed = broker.wait_log(json!({"event": "tls_handshake_failed", "conn": conn}));
        broker.wait_log(json!({"event": "close", "conn": conn, "will": false}));
        assert!(
            broker
                .log_lines(json!({"conn": conn, "type": "CONNECT"}))
                .is_empty(),
            "{failed} (client: {error})"
        );
    }
}

#[test]
fn alpn_negotiates_mqtt_and_refuses_a_client_offering_none_of_the_protocols() {
    let pki = Pki::new("alpn");
    let broker = pki.broker(&["--alpn", "x-unused", "--alpn", "mqtt"]);
    let client = broker.connect_tls(
        Version::V5,
        "alpn",
        pki.client_config(None, &["h2", "mqtt"]),
    );
    assert_eq!(client.stream.alpn_protocol(), Some(&b"mqtt"[..]));
    broker.wait_log(json!({"event": "tls_handshake", "conn": 1, "alpn": "mqtt"}));
    client.disconnect();
    // A client offering ALPN, but none of the broker's protocols [RFC 7301, 3.2].
    let error = tls_refused(&broker, pki.client_config(None, &["h2"]));
    let failed = broker.wait_log(json!({"event": "tls_handshake_failed", "conn": 2}));
    assert!(
        error.to_string().contains("NoApplicationProtocol"),
        "{error} / {failed}"
    );
    // A client offering none connects, without a protocol.
    let client = broker.connect_tls(Version::V311, "no-alpn", pki.client_config(None, &[]));
    assert_eq!(client.stream.alpn_protocol(), None);
    let handshake = broker.wait_log(json!({"event": "tls_handshake", "conn": 3}));
    assert_eq!(handshake.get("alpn"), None, "{handshake}");
}

#[test]
fn the_server_key_may_be_pkcs8_pkcs1_or_sec1() {
    let pki = Pki::new("key-formats");
    pki.write("rsa-pkcs1.key", RSA_PKCS1_KEY);
    // rsaEncryption, NULL parameters.
    let rsa_id = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00";
    let rsa = pkcs8_of(RSA_PKCS1_KEY, rsa_id);
    let rsa = KeyPair::from_pkcs8_der_and_sign_algo(&rsa, &rcgen::PKCS_RSA_SHA256).unwrap();
    pki.issue(
        "server-rsa",
        &rsa,
        &SERVER_NAMES,
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    pki.write("ec-sec1.key", EC_SEC1_KEY);
    // id-ecPublicKey, prime256v1.
    let ec_id = b"\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07";
    let ec = pkcs8_of(EC_SEC1_KEY, ec_id);
    let ec = KeyPair::from_pkcs8_der_and_sign_algo(&ec, &rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    pki.issue(
        "server-ec",
        &ec,
        &SERVER_NAMES,
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    for (cert, key, form) in [
        ("server.pem", "server.key", "PRIVATE KEY"),
        ("server-rsa.pem", "rsa-pkcs1.key", "RSA PRIVATE KEY"),
        ("server-ec.pem", "ec-sec1.key", "EC PRIVATE KEY"),
    ] {
        let (cert, key) = (pki.path(cert), pki.path(key));
        let pem = std::fs::read_to_string(&key).unwrap();
        assert!(pem.starts_with(&format!("-----BEGIN {form}-----")), "{pem}");
        let broker = Broker::start(&["--tls-cert", &cert, "--tls-key", &key]);
        broker
            .connect_tls(Version::V5, "keyed", pki.client_config(None, &[]))
            .disconnect();
    }
}

/// mosquitto_sub receives, over TLS, what mosquitto_pub sends at QoS 1, in both versions;
/// `tls`: their TLS options.
fn mosquitto_round_trip_over_tls(broker: &Broker, tls: &[&str], label: &str) {
    let port = broker.port.to_string();
    for version in ["mqttv311", "mqttv5"] {
        let topic = format!("interop/{label}/{version}");
        let (sub_id, pub_id) = (
            format!("sub-{label}-{version}"),
            format!("pub-{label}-{version}"),
        );
        let common = [
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-V",
            version,
            "-q",
            "1",
            "-t",
            &topic,
        ];
        let sub = Command::new("mosquitto_sub")
            .args(common)
            .args(tls)
            .args(["-i", &sub_id, "-C", "1", "-W", "10"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        broker.wait_log(json!({"dir": "out", "client_id": sub_id, "type": "SUBACK"}));
        let publisher = Command::new("mosquitto_pub")
            .args(common)
            .args(tls)
            .args(["-i", &pub_id, "-m", "hello over TLS"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let published = finish(publisher, "mosquitto_pub");
        assert!(
            published.status.success(),
            "mosquitto_pub {label} {version}: {published:?}"
        );
        let received = finish(sub, "mosquitto_sub");
        assert!(
            received.status.success(),
            "mosquitto_sub {label} {version}: {received:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&received.stdout).trim(),
            "hello over TLS"
        );
        let delivered =
            broker.wait_log(json!({"dir": "out", "client_id": sub_id, "type": "PUBLISH"}));
        assert_eq!(delivered["qos"], json!(1));
    }
}

#[test]
fn mosquitto_clients_round_trip_over_tls_and_mutual_tls() {
    require("mosquitto_sub");
    require("mosquitto_pub");
    let pki = Pki::new("mosquitto");
    let ca = pki.path("ca.pem");
    let broker = pki.broker(&[]);
    mosquitto_round_trip_over_tls(&broker, &["--cafile", &ca], "tls");
    let (cert, key) = (pki.path("client.pem"), pki.path("client.key"));
    let mutual = pki.broker(&["--tls-client-ca", &ca]);
    let tls = ["--cafile", &ca, "--cert", &cert, "--key", &key];
    mosquitto_round_trip_over_tls(&mutual, &tls, "mtls");
    for broker in [&broker, &mutual] {
        assert!(
            broker
                .log_lines(json!({"event": "tls_handshake_failed"}))
                .is_empty()
        );
    }
    let handshakes = mutual.log_lines(json!({"event": "tls_handshake"}));
    assert!(
        !handshakes.is_empty()
            && handshakes
                .iter()
                .all(|h| h["client_certificate"] == json!(true)),
        "{handshakes:?}"
    );
}

// ---- the fault-injecting proxy -----------------------------------------------------------

#[test]
fn the_fault_proxy_forwards_and_cuts_after_the_seeded_number_of_bytes() {
    let broker = Broker::start(&[]);
    let port = broker.port.to_string();
    // Bounds 60-60: the cut falls after exactly 60 bytes, both directions counted.
    let proxy = Broker::start(&["--fault-forward", &port, "--cut-every", "60-60"]);
    let mut client = proxy.connect(Version::V311, "through-proxy");
    // CONNECT (27 bytes) and CONNACK (4) went through; a PUBLISH of 40 bytes is cut inside.
    client.publish(
        "fault/t",
        "0123456789012345678901234567",
        QoS::AtMostOnce,
        false,
    );
    assert!(client.until_closed().is_empty());
    let cut = proxy.wait_log(json!({"event": "fault_cut", "conn": 1}));
    assert_eq!(cut["bytes"], json!(60), "{cut}");
    // The broker saw the CONNECT, never the PUBLISH, and its connection ended.
    broker.wait_log(json!({"dir": "in", "type": "CONNECT", "client_id": "through-proxy"}));
    broker.wait_log(json!({"event": "close", "conn": 1}));
    assert!(broker.log_lines(json!({"type": "PUBLISH"})).is_empty());
    // Options without --fault-forward, or with TLS, are refused.
    let program = env!("CARGO_BIN_EXE_mqtt-test-broker");
    for args in [
        &["--cut-every", "10-20"][..],
        &["--fault-forward", "1", "--cut-every", "20-10"],
        &["--fault-forward", "1", "--ws-forward", "2"],
    ] {
        let run = Command::new(program).args(args).output().unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}: {run:?}");
    }
}

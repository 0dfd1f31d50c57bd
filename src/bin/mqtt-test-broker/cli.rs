//! The command line: global options (port, log, scenario, TLS) and the behaviour settings of
//! [`crate::behaviour`], documented in [`HELP`].

use crate::behaviour::{Plan, Scope, Setting};
use crate::custom_auth::CustomAuthorizer;
use crate::fault_proxy::{FaultOptions, parse_range};
use crate::scenario;
use crate::tls::TlsOptions;
use crate::ws_bridge::WsOptions;
use std::path::PathBuf;

/// The text `--help` prints.
pub const HELP: &str = "\
mqtt-test-broker: the project's scriptable MQTT 3.1.1 / 5 test broker.

Listens on 127.0.0.1 only and prints, as its first stdout line, the address it got:
    listening 127.0.0.1:PORT
With --tls-cert and --tls-key that listener speaks TLS only (see GLOBAL OPTIONS).
By default a small conforming broker: clean and persistent sessions (MQTT 5 session expiry
honoured), session takeover, + and # wildcards ($-topics not matched by a leading wildcard),
shared subscriptions $share/GROUP/FILTER (one member per group, round robin), retained
messages, wills (with MQTT 5 will delay), QoS 0/1/2 both ways, keep alive enforced at 1.5 x.
Every packet received and sent is logged as one JSON object per line (see LOG).

USAGE
    mqtt-test-broker [OPTIONS]

GLOBAL OPTIONS
    --port N                  port to listen on (default 0: any free port)
    --log FILE                write the log to FILE instead of stderr
    --scenario FILE           read scoped settings from FILE (see SCENARIO)
    --only-first-connection   the settings given on the command line apply to the first
                              connection accepted only (later ones get the default broker)
    --tls-cert FILE           with --tls-key: the listener speaks TLS only (1.2 and 1.3,
                              rustls). FILE: the server's certificate chain, PEM, leaf first
    --tls-key FILE            the server's private key, PEM: PKCS#1, PKCS#8 or SEC1
    --tls-client-ca FILE      mutual TLS: require a client certificate issued by a CA of
                              FILE (PEM); a client without one fails the handshake
    --alpn PROTO              offer ALPN protocol PROTO (repeatable, in order of preference;
                              a client offering ALPN but none of these fails the handshake)
    --ws-forward PORT         not a broker: the listener speaks MQTT over WebSocket (after TLS
                              when configured) and forwards the bytes to 127.0.0.1:PORT; the
                              upgrade request is logged whole (event ws_upgrade, request)
    --ws-status N             with --ws-forward: answer upgrades with status N, not 101
    --ws-sigv4 KEY:SECRET:REGION[:TOKEN]
                              with --ws-forward: check each upgrade's SigV4 presigned query
                              for iotdevicegateway as AWS IoT does (scope, signature, the
                              session token appended after signing); 403 when it fails
                              (event ws_sigv4, fields ok and detail)
    --ws-ping                 with --ws-forward: ping the client after the upgrade (event
                              ws_pong when it answers)
    --custom-authorizer NAME:TOKEN_KEY_NAME:PUBLIC_KEY_PEM
                              check each CONNECT as an AWS IoT signed custom authorizer: the
                              user name's query names authorizer NAME and carries the token
                              (key TOKEN_KEY_NAME) and x-amz-customauthorizer-signature, the
                              URL-encoded base64 RSA-SHA256 signature of the token, verified
                              with the RSA public key of the PEM file; refused with CONNACK
                              not authorized (3.1.1: 5, MQTT 5: 0x87) otherwise (event
                              custom_authorizer, fields ok and detail)
    --custom-authorizer-unsigned NAME:PASSWORD
                              the same for an unsigned authorizer: its name, and the password
    --fault-forward PORT      not a broker: the listener is a TCP proxy to 127.0.0.1:PORT that
                              breaks connections as networks do (seeded):
    --cut-every MIN-MAX       with --fault-forward: cut each connection after between MIN
                              and MAX bytes (both directions; event fault_cut, bytes)
    --fault-reset             with --fault-forward: cut with a TCP reset, not a FIN
    --fault-delay-ms N        with --fault-forward: hold each chunk N ms
    --fault-seed N            with --fault-forward: the seed of the cuts (default 1)
    -h, --help                print this text

SETTINGS (command line or scenario; numbers in decimal or 0x hex)
  CONNACK
    --connack-code N          refuse every CONNECT with this return code (3.1.1: 1-5) or
                              reason code (5: 0x80..), then close. A code the version does
                              not allow is sent anyway, as raw bytes
    --connack-delay-ms N      wait N ms before answering a CONNECT
    --connack-drip-ms N       write the CONNACK one byte at a time, N ms apart
    --no-connack              never answer a CONNECT (later packets are logged, ignored)
  Advertised in the MQTT 5 CONNACK, and enforced
    --receive-maximum N       more QoS>0 PUBLISHes in flight: DISCONNECT 0x93
    --maximum-packet-size N   a larger packet: DISCONNECT 0x95
    --topic-alias-maximum N   (default 0) an alias above it: DISCONNECT 0x94
    --maximum-qos 0|1|2       a PUBLISH above it: DISCONNECT 0x9B; SUBACK grants at most it
    --retain-available 0|1    a retained PUBLISH when 0: DISCONNECT 0x9A
    --wildcard-subscription-available 0|1       when 0, SUBACK refuses wildcards (0xA2)
    --subscription-identifiers-available 0|1    when 0, SUBACK refuses identifiers (0xA1)
    --shared-subscription-available 0|1         when 0, SUBACK refuses $share/ (0x9E)
    --server-keep-alive N     replaces the client's keep alive (also for enforcement)
    --assigned-client-id ID   the id given to a client that sent an empty one (else auto-N)
    --session-expiry N        the session expiry interval the server imposes
  Acknowledgements
    --no-ack                  never send PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK
    --ack-delay-ms N          send those N ms late (other packets are handled meanwhile)
    --no-pingresp             never answer PINGREQ
  Triggered actions (packets are counted per connection; the CONNECT is packet 1;
  an -on TYPE trigger fires on the first packet of that type; TYPE is a packet name:
  connect, publish, puback, pubrec, pubrel, pubcomp, subscribe, unsubscribe, pingreq,
  disconnect, auth)
    --hangup-after N          close the connection when packet N arrives, without handling
                              it (0: as soon as it is accepted)
    --hangup-on TYPE          close the connection when a TYPE packet arrives, unhandled
    --disconnect-after N      after handling packet N, send DISCONNECT and close
    --disconnect-on TYPE      after handling the first TYPE packet, send DISCONNECT, close
    --disconnect-code C       reason code of those DISCONNECTs (default 0; MQTT 3.1.1 gets
                              a bare DISCONNECT, itself a protocol violation)
    --send-raw-after N HEX    after handling packet N, write the bytes HEX as they are
    --send-raw-on TYPE HEX    after handling the first TYPE packet, write HEX
                              (HEX: hex digits; ' ', ':' and '_' between them are ignored)
    --flood-after N MS        after handling packet N, send QoS 0 PUBLISHes to topic flood
                              (16-byte payload) as fast as the client reads them for MS ms,
                              still reading, answering and logging what the client sends;
                              the flood is logged as one event (flood: count, ms)
    --flood-on TYPE MS        the same after handling the first TYPE packet
  Settings may be repeated: a later value replaces an earlier one; triggers add up.

SCENARIO (--scenario FILE)
    One setting per line, written as on the command line without the leading --.
    '#' starts a comment; blank lines are ignored. Section headers scope the lines below:
        [all]                 every connection (the scope before any header)
        [connection N]        the Nth connection accepted (numbered from 1)
        [connections N-M]     connections N to M;  [connections N-]: N and later
        [client ID]           connections whose CONNECT carries client id ID (from the
                              CONNECT on)
    send-raw-after/-on take the rest of the line as HEX. Example (refuse the first
    connection, accept the second):
        [connection 1]
        connack-code 0x88

LOG (stderr, or --log FILE): JSON Lines, one object per packet or event
    {\"dir\":\"in\",\"conn\":1,\"client_id\":\"c1\",\"type\":\"PUBLISH\",\"qos\":1,\"packet_id\":7,
     \"topic\":\"a/b\",\"dup\":false,\"retain\":false,\"payload_len\":5,\"payload\":\"hello\",
     \"properties\":{},\"ms\":12}
    dir: in | out | event. conn: the connection's number. client_id: once the CONNECT is
    known. type: the packet name; RAW (bytes sent by --send-raw-*, field hex) or MALFORMED
    (input that is no valid packet, field error). Each packet's fields under snake_case
    names; payload as text if UTF-8 else payload_hex, both only up to 1024 bytes;
    properties: the MQTT 5 properties present (binary ones as hex, user_properties as
    [name, value] pairs). Events (field event): accept (peer), close (reason; will: true
    when the will was published or scheduled), will (a will published: conn 0, topic,
    qos), dropped (messages not delivered: count, reason), encode_error (error),
    tls_handshake (TLS only: version TLSv1.2 or TLSv1.3, cipher_suite, alpn and sni when
    negotiated, client_certificate: true when the client presented one),
    tls_handshake_failed (error; the connection is closed, a close event follows). Over
    TLS, settings such as --hangup-after 0 apply once the handshake is done.

NOT IMPLEMENTED
    A broker of its own over WebSocket (--ws-forward bridges to another broker); enhanced authentication (a CONNECT with an authentication method is
    refused with 0x8C, an AUTH packet is a protocol error); topic aliases from the broker
    to the client; request/response information; QoS 0 messages are not queued for an
    offline session.
";

/// What the command line asks for.
pub enum Command {
    /// Print [`HELP`].
    Help,
    /// Run the broker.
    Run(Box<Options>),
}

/// The broker's options.
pub struct Options {
    /// The port to listen on (0: any).
    pub port: u16,
    /// The log file; stderr without one.
    pub log: Option<PathBuf>,
    /// The behaviour settings, scoped.
    pub plan: Plan,
    /// TLS, when `--tls-cert` and `--tls-key` are given.
    pub tls: Option<TlsOptions>,
    /// The WebSocket bridge, when `--ws-forward` is given.
    pub ws: Option<WsOptions>,
    /// The fault-injecting proxy, when `--fault-forward` is given.
    pub fault: Option<FaultOptions>,
    /// The custom authorizer every CONNECT must pass, if any.
    pub authorizer: Option<CustomAuthorizer>,
}

/// Parses the command line (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut port = 0;
    let mut log = None;
    let mut scenario = None;
    let mut only_first = false;
    let mut settings = Vec::new();
    let (mut tls_cert, mut tls_key, mut client_ca, mut alpn) = (None, None, None, Vec::new());
    let (mut ws_forward, mut ws_status, mut ws_ping) = (None, 101, false);
    let mut ws_sigv4 = None;
    let mut authorizer = None;
    let mut fault_forward = None;
    let mut fault = FaultOptions {
        forward_port: 0,
        cut_every: None,
        reset: false,
        delay: std::time::Duration::ZERO,
        seed: 1,
    };
    let mut fault_settings = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => port = crate::behaviour::parse_number(&value("--port")?)?,
            "--log" => log = Some(PathBuf::from(value("--log")?)),
            "--scenario" => scenario = Some(PathBuf::from(value("--scenario")?)),
            "--only-first-connection" => only_first = true,
            "--tls-cert" => tls_cert = Some(PathBuf::from(value("--tls-cert")?)),
            "--tls-key" => tls_key = Some(PathBuf::from(value("--tls-key")?)),
            "--tls-client-ca" => client_ca = Some(PathBuf::from(value("--tls-client-ca")?)),
            "--alpn" => alpn.push(value("--alpn")?),
            "--ws-forward" => {
                ws_forward = Some(crate::behaviour::parse_number(&value("--ws-forward")?)?)
            }
            "--ws-status" => ws_status = crate::behaviour::parse_number(&value("--ws-status")?)?,
            "--ws-ping" => ws_ping = true,
            "--ws-sigv4" => {
                ws_sigv4 = Some(crate::ws_sigv4::SigV4Check::parse(&value("--ws-sigv4")?)?)
            }
            "--custom-authorizer" => {
                authorizer = Some(CustomAuthorizer::parse_signed(&value(
                    "--custom-authorizer",
                )?)?)
            }
            "--custom-authorizer-unsigned" => {
                authorizer = Some(CustomAuthorizer::parse_unsigned(&value(
                    "--custom-authorizer-unsigned",
                )?)?)
            }
            "--fault-forward" => {
                fault_forward = Some(crate::behaviour::parse_number(&value("--fault-forward")?)?)
            }
            "--cut-every" => {
                fault.cut_every = Some(parse_range(&value("--cut-every")?)?);
                fault_settings = true;
            }
            "--fault-reset" => {
                fault.reset = true;
                fault_settings = true;
            }
            "--fault-delay-ms" => {
                let ms: u64 = crate::behaviour::parse_number(&value("--fault-delay-ms")?)?;
                fault.delay = std::time::Duration::from_millis(ms);
                fault_settings = true;
            }
            "--fault-seed" => {
                fault.seed = crate::behaviour::parse_number(&value("--fault-seed")?)?;
                fault_settings = true;
            }
            _ => {
                let name = arg
                    .strip_prefix("--")
                    .ok_or_else(|| format!("unexpected argument {arg:?}"))?;
                match Setting::parse(name, &mut args)? {
                    Some(s) => settings.push(s),
                    None => return Err(format!("unknown option {arg:?}")),
                }
            }
        }
    }
    let tls = match (tls_cert, tls_key) {
        (Some(cert), Some(key)) => Some(TlsOptions {
            cert,
            key,
            client_ca,
            alpn,
        }),
        (None, None) if client_ca.is_none() && alpn.is_empty() => None,
        (None, None) => return Err("--tls-client-ca and --alpn need --tls-cert".into()),
        (Some(_), None) => return Err("--tls-cert needs --tls-key".into()),
        (None, Some(_)) => return Err("--tls-key needs --tls-cert".into()),
    };
    let scope = if only_first {
        Scope::Connections {
            first: 1,
            last: Some(1),
        }
    } else {
        Scope::All
    };
    let mut plan = Plan {
        entries: settings.into_iter().map(|s| (scope.clone(), s)).collect(),
    };
    if let Some(path) = scenario {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        plan.entries.extend(scenario::parse(&text)?);
    }
    let ws = match ws_forward {
        Some(forward_port) => Some(WsOptions {
            forward_port,
            status: ws_status,
            ping: ws_ping,
            sigv4: ws_sigv4,
        }),
        None if ws_status != 101 || ws_ping || ws_sigv4.is_some() => {
            return Err("--ws-status, --ws-ping and --ws-sigv4 need --ws-forward".into());
        }
        None => None,
    };
    let fault = match fault_forward {
        Some(forward_port) if ws.is_none() && tls.is_none() => Some(FaultOptions {
            forward_port,
            ..fault
        }),
        Some(_) => {
            return Err("--fault-forward is a plain TCP proxy: no TLS, no --ws-forward".into());
        }
        None if fault_settings => {
            return Err("--cut-every and the other --fault-* options need --fault-forward".into());
        }
        None => None,
    };
    Ok(Command::Run(Box::new(Options {
        port,
        log,
        plan,
        tls,
        ws,
        fault,
        authorizer,
    })))
}

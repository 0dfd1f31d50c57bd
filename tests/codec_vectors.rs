//! The mqtt-packet conformance vectors (`tests/data/mqtt-packet-vectors.json`, described in
//! `tests/data/README.md`): 167 MQTT 3.1.1 and 5.0 cases from the test suite of an independent
//! JavaScript codec, mapped from mqtt-packet's object shape to our [`Packet`] and checked:
//!
//! - bytes to parse decode to the same packet, consume exactly their length, and re-encode to
//!   bytes that decode to that packet again;
//! - an object to generate encodes to the vector's bytes or, where MQTT allows several
//!   encodings and [`EQUIVALENT_ENCODINGS`] says why, to bytes that decode to the same packet;
//! - an error case is refused: by the decoder, by the encoder, or already by our types (an
//!   object they cannot hold, such as a keep-alive of "hello").
//!
//! Every case passes or is listed: in [`DEVIATIONS`] with the clause of the specification that
//! forces a different decision than mqtt-packet made, or in [`KNOWN_CODEC_BUGS`]. A listed case
//! that starts passing fails its test, so the lists stay true.
//!
//! Many cases are MQTT 3.1 CONNECTs (protocol "MQIsdp", level 3), which we refuse. Each is also
//! checked relabelled MQTT 3.1.1 ("MQTT", level 4, all else unchanged): a well-formed one must
//! then pass, an error case must stay refused unless [`VALID_AS_MQTT_311`] says why not.

use aws_c_mqtt::codec::{
    self, Auth, Connack, Connect, Decoder, Disconnect, Packet, Properties, PubAck, Publish, QoS,
    Suback, Subscribe, Subscription, Unsuback, Unsubscribe, Version, Will,
};
use bytes::Bytes;
use serde_json::{Map, Value};

const VECTORS: &str = include_str!("data/mqtt-packet-vectors.json");

// ---------------------------------------------------------------------------------------------
// The lists of cases that do not simply pass.
// ---------------------------------------------------------------------------------------------

/// A case where the specification forces a different decision than mqtt-packet made.
struct Deviation {
    case: usize,
    label: &'static str,
    clause: &'static str,
    /// The case rewritten to what the specification asks; that version must pass.
    conforming: Option<fn(&Case) -> Case>,
}

const MQTT_31: &str = "[MQTT-3.1.2-1], [MQTT-3.1.2-2]: a CONNECT names protocol \"MQTT\" at level 4 \
    (3.1.1) or 5; MQTT 3.1 (\"MQIsdp\", level 3) is another specification, which we refuse";
const BRIDGE: &str = "[MQTT-3.1.2-1], [MQTT-3.1.2-2]: \"MQIsdp\" is not the protocol name, and level \
    0x83/0x84 (a broker-bridge extension setting bit 7) is no protocol level of MQTT 3.1.1 or 5";
const CONNACK_V311_IN_V5: &str = "MQTT 5 [MQTT-3.2.2-8]: a CONNACK carries one of the Connect Reason \
    Codes of section 3.2.2.2 and 0x01 is none (3.1.1's 'unacceptable protocol version' is 0x84 \
    in MQTT 5); section 3.2.2.3.1: its Property Length is not optional either";
const CONNACK_V5_FIELDS: &str = "MQTT 5 section 3.2.2: the CONNACK variable header is the Acknowledge \
    Flags, the Connect Reason Code and the Properties with their length (3.2.2.3.1); unlike \
    PUBACK-PUBCOMP (3.4.2.1), DISCONNECT (3.14.2.1) and AUTH (3.15.2.1) none of it may be omitted";
const MAXIMUM_QOS: &str = "MQTT 5 section 3.2.2.3.4: Maximum QoS is 0 or 1, 'It is a Protocol Error to \
    include Maximum QoS more than once, or to have values other than 0 or 1' (a server that \
    supports QoS 2 leaves the property out)";

impl Deviation {
    const fn new(
        case: usize,
        label: &'static str,
        clause: &'static str,
        conforming: Option<fn(&Case) -> Case>,
    ) -> Self {
        Deviation {
            case,
            label,
            clause,
            conforming,
        }
    }

    /// An MQTT 3.1 CONNECT, which must pass once relabelled MQTT 3.1.1.
    const fn mqtt_31(case: usize, label: &'static str) -> Self {
        Deviation::new(case, label, MQTT_31, Some(as_mqtt_311))
    }
}

/// Every case where the specification, not a bug, makes us decide otherwise than mqtt-packet.
const DEVIATIONS: &[Deviation] = &[
    Deviation::mqtt_31(8, "minimal connect"),
    Deviation::mqtt_31(9, "minimal connect with clientId as Buffer"),
    Deviation::new(10, "connect MQTT bridge 131", BRIDGE, None),
    Deviation::new(11, "connect MQTT bridge 132", BRIDGE, None),
    Deviation::new(
        21,
        "Version 4 CONACK in Version 5 mode",
        CONNACK_V311_IN_V5,
        None,
    ),
    Deviation::new(26, "Version 5 CONNACK test 1", CONNACK_V5_FIELDS, None),
    Deviation::new(27, "Version 5 CONNACK test 2", CONNACK_V5_FIELDS, None),
    Deviation::mqtt_31(32, "empty will payload"),
    Deviation::mqtt_31(33, "empty buffer username payload"),
    Deviation::mqtt_31(34, "empty string username payload"),
    Deviation::mqtt_31(35, "empty buffer password payload"),
    Deviation::mqtt_31(36, "empty string password payload"),
    Deviation::mqtt_31(37, "empty string username and password payload"),
    Deviation::mqtt_31(38, "maximal connect"),
    Deviation::mqtt_31(39, "max connect with special chars"),
    Deviation::mqtt_31(40, "connect all strings generate"),
    Deviation::new(
        62,
        "connack MQTT 5 with properties",
        MAXIMUM_QOS,
        Some(with_maximum_qos_1),
    ),
    Deviation::new(
        63,
        "connack MQTT 5 with properties and doubled user properties",
        MAXIMUM_QOS,
        Some(with_maximum_qos_1),
    ),
];

/// A case our codec gets wrong by the specification: to be emptied as the codec is fixed.
struct KnownBug {
    case: usize,
    label: &'static str,
    what: &'static str,
}

const KNOWN_CODEC_BUGS: &[KnownBug] = &[];

/// An MQTT 3.1 error case whose rule is MQTT 3.1's own: relabelled MQTT 3.1.1 (see
/// [`mqtt_311_variant`]) it is a valid packet. Every other MQTT 3.1 error case stays refused
/// once relabelled, so it is refused for its own reason, not only for being MQTT 3.1.
struct ValidAsMqtt311 {
    case: usize,
    label: &'static str,
    clause: &'static str,
}

const VALID_AS_MQTT_311: &[ValidAsMqtt311] = &[ValidAsMqtt311 {
    case: 137,
    label: "clientId must be supplied before 3.1.1",
    clause: "[MQTT-3.1.3-6], [MQTT-3.1.3-7]: MQTT 3.1.1 allows a zero-byte client id with Clean Session 1",
}];

/// A generate case whose bytes we write differently, as MQTT allows: ours must decode to the
/// same packet as the vector's.
struct Equivalent {
    case: usize,
    label: &'static str,
    why: &'static str,
}

impl Equivalent {
    /// Properties in another order: MQTT 5 fixes none (section 2.2.2.2).
    const fn property_order(case: usize, label: &'static str) -> Self {
        Equivalent {
            case,
            label,
            why: "properties in another order: MQTT 5 fixes none (section 2.2.2.2)",
        }
    }
}

const EQUIVALENT_ENCODINGS: &[Equivalent] = &[
    Equivalent::property_order(12, "connect MQTT 5"),
    Equivalent::property_order(
        13,
        "connect MQTT 5 with will properties but with empty will payload",
    ),
    Equivalent::property_order(14, "connect MQTT 5 w/o will properties"),
    Equivalent::property_order(62, "connack MQTT 5 with properties"),
    Equivalent::property_order(
        63,
        "connack MQTT 5 with properties and doubled user properties",
    ),
    Equivalent::property_order(70, "publish MQTT 5 properties"),
    Equivalent::property_order(71, "publish MQTT 5 with multiple same properties"),
    Equivalent {
        case: 85,
        label: "puback with reason and no MQTT 5 properties",
        why: "section 3.4.2.1: without properties the Property Length may be left out (we write 3 \
            bytes of variable header, mqtt-packet 4)",
    },
    Equivalent::property_order(129, "disconnect MQTT 5"),
    Equivalent {
        case: 130,
        label: "disconnect MQTT 5 with no properties",
        why: "section 3.14.2.1: reason code 0x00 without properties may be left out (we write e000)",
    },
];

// ---------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------

/// What a case asks, as mqtt-packet's test suite names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Bytes parse to the object, and the object generates the bytes.
    ParseGenerate,
    /// Bytes parse to the object.
    ParseOnly,
    /// The object generates the bytes.
    GenerateOnly,
    /// Bytes parse to the object, which generates bytes parsing to it again.
    ParseAndGenerate,
    /// Bytes parse to `parsed`; the object, its omitted fields defaulted, generates the bytes.
    ParseGenerateDefaults,
    /// The bytes are refused.
    ParseError,
    /// The object is refused.
    GenerateError,
    /// The object is refused by the stream writer.
    WriteError,
}

impl Kind {
    fn from_name(name: &str) -> Kind {
        match name {
            "parse_generate" => Kind::ParseGenerate,
            "parse_only" => Kind::ParseOnly,
            "generate_only" => Kind::GenerateOnly,
            "parse_and_generate" => Kind::ParseAndGenerate,
            "parse_generate_defaults" => Kind::ParseGenerateDefaults,
            "parse_error" => Kind::ParseError,
            "generate_error" => Kind::GenerateError,
            "write_error" => Kind::WriteError,
            other => panic!("unknown kind of case {other:?}"),
        }
    }
}

/// One vector.
#[derive(Clone)]
struct Case {
    index: usize,
    kind: Kind,
    /// Its name, or for unnamed error cases the error mqtt-packet reports.
    label: String,
    object: Value,
    parsed: Value,
    wire: Option<Vec<u8>>,
    /// The connection's protocol version (a CONNECT names its own).
    version: Version,
}

impl Case {
    fn wire(&self) -> Result<&[u8], String> {
        self.wire
            .as_deref()
            .ok_or_else(|| "the case has no bytes".to_string())
    }

    fn describe(&self) -> String {
        format!("#{} ({:?}) {:?}", self.index, self.kind, self.label)
    }
}

fn cases() -> Vec<Case> {
    let all: Vec<Value> = serde_json::from_str(VECTORS).expect("the vector file is JSON");
    all.iter()
        .enumerate()
        .map(|(index, v)| to_case(index, v))
        .collect()
}

fn to_case(index: usize, v: &Value) -> Case {
    let text = |key: &str| v.get(key).and_then(Value::as_str);
    let object = v.get("object").cloned().unwrap_or(Value::Null);
    Case {
        index,
        kind: Kind::from_name(text("kind").expect("every case has a kind")),
        label: text("name")
            .or(text("error"))
            .unwrap_or_default()
            .to_string(),
        version: connection_version(v.get("opts"), &object),
        parsed: v.get("parsed").cloned().unwrap_or(Value::Null),
        wire: v.get("hex").map(wire_bytes),
        object,
    }
}

/// A case's bytes: a hex string, or a big Buffer (see [`binary_value`]).
fn wire_bytes(hex: &Value) -> Vec<u8> {
    match hex.as_str() {
        Some(digits) => unhex(digits),
        None => binary_value(hex, "hex").map(|b| b.to_vec()),
    }
    .expect("readable bytes")
}

/// `opts.protocolVersion` (3 and 4 decode alike), else the version the object names, else 3.1.1.
fn connection_version(opts: Option<&Value>, object: &Value) -> Version {
    let named = opts
        .and_then(|o| o.get("protocolVersion"))
        .or_else(|| object.get("protocolVersion"))
        .and_then(Value::as_u64);
    if named == Some(5) {
        Version::V5
    } else {
        Version::V311
    }
}

// ---------------------------------------------------------------------------------------------
// The checks.
// ---------------------------------------------------------------------------------------------

type Outcome = Result<(), String>;

/// Whether our codec agrees with the case.
fn check(case: &Case) -> Outcome {
    match case.kind {
        Kind::ParseGenerate => {
            expect_decodes(case, &case.object)?;
            expect_encodes(case, &case.object)
        }
        Kind::ParseOnly | Kind::ParseAndGenerate => expect_decodes(case, &case.object),
        Kind::GenerateOnly => expect_encodes(case, &case.object),
        Kind::ParseGenerateDefaults => {
            expect_decodes(case, &case.parsed)?;
            expect_encodes(case, &case.object)
        }
        Kind::ParseError => expect_decode_refused(case),
        Kind::GenerateError | Kind::WriteError => expect_encode_refused(case),
    }
}

/// The case's bytes decode to `object`, taking all of them, and re-encode to bytes that decode
/// to the same packet again.
fn expect_decodes(case: &Case, object: &Value) -> Outcome {
    let expected = to_packet(object).map_err(|e| format!("cannot map the object: {e}"))?;
    let decoded = decode_exactly(case.wire()?, case.version)?;
    if decoded != expected {
        return Err(format!(
            "decoded {}, expected {}",
            show(&decoded),
            show(&expected)
        ));
    }
    let again = encode(&decoded, case.version)?;
    let redecoded = decode_exactly(&again, case.version)?;
    if redecoded != decoded {
        return Err(format!(
            "re-encoded as {}, which decodes to {}",
            hex(&again),
            show(&redecoded)
        ));
    }
    Ok(())
}

/// `object` encodes to the case's bytes (or to an equivalent encoding listed as such), and our
/// bytes decode to it.
fn expect_encodes(case: &Case, object: &Value) -> Outcome {
    let packet = to_packet(object).map_err(|e| format!("cannot map the object: {e}"))?;
    let ours = encode(&packet, case.version)?;
    let wire = case.wire()?;
    let equivalent = EQUIVALENT_ENCODINGS.iter().find(|e| e.case == case.index);
    match (ours == wire, equivalent) {
        (true, None) => {}
        (true, Some(_)) => {
            return Err("byte-identical to the vector: remove it from EQUIVALENT_ENCODINGS".into());
        }
        (false, None) => return Err(format!("encoded {}, expected {}", hex(&ours), hex(wire))),
        (false, Some(_)) => {
            let theirs = decode_exactly(wire, case.version)?;
            if theirs != packet {
                return Err(format!(
                    "the vector's bytes decode to {}, not to {}",
                    show(&theirs),
                    show(&packet)
                ));
            }
        }
    }
    let mirrored = decode_exactly(&ours, case.version)?;
    if mirrored != packet {
        return Err(format!(
            "our bytes {} decode to {}",
            hex(&ours),
            show(&mirrored)
        ));
    }
    Ok(())
}

/// A stream of the case's bytes is refused before any packet comes out of it.
fn expect_decode_refused(case: &Case) -> Outcome {
    let mut decoder = Decoder::new(case.version);
    decoder.feed(case.wire()?);
    match decoder.next_packet() {
        Err(_) => Ok(()),
        Ok(Some(packet)) => Err(format!("decoded {}", show(&packet))),
        Ok(None) => Err("the decoder waits for more bytes instead of refusing".into()),
    }
}

/// The case's object is refused: our types cannot hold it, or the encoder will not write it.
fn expect_encode_refused(case: &Case) -> Outcome {
    let Ok(packet) = to_packet(&case.object) else {
        return Ok(());
    };
    match codec::encode_to_vec(&packet, case.version) {
        Err(_) => Ok(()),
        Ok(bytes) => Err(format!("encoded {} as {}", show(&packet), hex(&bytes))),
    }
}

fn decode_exactly(bytes: &[u8], version: Version) -> Result<Packet, String> {
    match codec::decode(bytes, version) {
        Ok(Some((packet, used))) if used == bytes.len() => Ok(packet),
        Ok(Some((_, used))) => Err(format!("the packet took {used} of {} bytes", bytes.len())),
        Ok(None) => Err("the decoder asks for more bytes".into()),
        Err(e) => Err(format!("the decoder refused {}: {e}", hex(bytes))),
    }
}

fn encode(packet: &Packet, version: Version) -> Result<Vec<u8>, String> {
    codec::encode_to_vec(packet, version)
        .map_err(|e| format!("the encoder refused {}: {e}", show(packet)))
}

/// A packet for a message, its payload cut short (one vector carries 256 MiB).
fn show(packet: &Packet) -> String {
    let mut packet = packet.clone();
    if let Packet::Publish(p) = &mut packet {
        p.payload.truncate(32);
    }
    format!("{packet:?}")
}

/// Bytes for a message, cut short.
fn hex(bytes: &[u8]) -> String {
    let shown: String = bytes.iter().take(96).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > 96 {
        format!("{shown}... ({} bytes)", bytes.len())
    } else {
        shown
    }
}

// ---------------------------------------------------------------------------------------------
// Rewriting a case into what the specification asks.
// ---------------------------------------------------------------------------------------------

/// The same CONNECT in MQTT 3.1.1 (see [`mqtt_311_variant`]), for a deviation.
fn as_mqtt_311(case: &Case) -> Case {
    mqtt_311_variant(case).expect("an MQTT 3.1 CONNECT")
}

/// The case with its MQTT 3.1 CONNECT (bytes, object or both) relabelled MQTT 3.1.1: protocol
/// name "MQTT" for "MQIsdp" and level 4 for 3, all else unchanged. `None` when there is no
/// such CONNECT in the case.
fn mqtt_311_variant(case: &Case) -> Option<Case> {
    let wire = case.wire.as_deref().and_then(relabelled_wire);
    let object = relabelled_object(&case.object);
    if wire.is_none() && object.is_none() {
        return None;
    }
    let mut variant = case.clone();
    if wire.is_some() {
        variant.wire = wire;
    }
    if let Some(o) = object {
        variant.object = o;
    }
    Some(variant)
}

/// A short CONNECT's bytes with "MQIsdp" renamed "MQTT" (two bytes shorter) and level 3 made 4.
fn relabelled_wire(wire: &[u8]) -> Option<Vec<u8>> {
    let [0x10, remaining, body @ ..] = wire else {
        return None;
    };
    let (shorter, after_name) = match (
        body.strip_prefix(b"\x00\x06MQIsdp"),
        body.strip_prefix(b"\x00\x04MQTT"),
    ) {
        (Some(after), _) => (2, after),
        (None, Some(after)) => (0, after),
        (None, None) => return None,
    };
    let level_3 = after_name.first() == Some(&3);
    if *remaining >= 0x80 || (shorter == 0 && !level_3) {
        return None;
    }
    let mut relabelled = vec![0x10, remaining.checked_sub(shorter)?];
    relabelled.extend_from_slice(b"\x00\x04MQTT");
    match after_name.split_first() {
        Some((3, rest)) => {
            relabelled.push(4);
            relabelled.extend_from_slice(rest);
        }
        _ => relabelled.extend_from_slice(after_name),
    }
    Some(relabelled)
}

/// A CONNECT object naming "MQIsdp" at level 3, renamed "MQTT" at level 4.
fn relabelled_object(object: &Value) -> Option<Value> {
    let is_31 = object.get("cmd")? == "connect"
        && object.get("protocolId")? == "MQIsdp"
        && object.get("protocolVersion").is_none_or(|v| v == 3);
    let mut relabelled = object.clone();
    relabelled["protocolId"] = "MQTT".into();
    relabelled["protocolVersion"] = 4.into();
    is_31.then_some(relabelled)
}

/// The same CONNACK advertising Maximum QoS 1 instead of 2.
fn with_maximum_qos_1(case: &Case) -> Case {
    let mut c = case.clone();
    c.object["properties"]["maximumQoS"] = 1.into();
    let wire = c.wire.as_mut().expect("CONNACK bytes");
    let at = wire
        .windows(2)
        .position(|w| w == [0x24, 0x02])
        .expect("a Maximum QoS property");
    wire[at + 1] = 1;
    c
}

// ---------------------------------------------------------------------------------------------
// mqtt-packet's object shape → our packets.
// ---------------------------------------------------------------------------------------------

/// The fields of one of mqtt-packet's objects. A null field counts as absent; a field the
/// packet does not have, or a value of the wrong type, is an error, never ignored.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    what: &'static str,
}

impl<'a> Fields<'a> {
    fn of(value: &'a Value, what: &'static str) -> Result<Fields<'a>, String> {
        let map = value
            .as_object()
            .ok_or_else(|| format!("{what} is not an object: {value}"))?;
        Ok(Fields { map, what })
    }

    /// Checks that every field present is one of `known`.
    fn only(&self, known: &[&str]) -> Outcome {
        match self
            .map
            .iter()
            .find(|(k, v)| !v.is_null() && !known.contains(&k.as_str()))
        {
            Some((k, _)) => Err(format!("{} has no field {k:?}", self.what)),
            None => Ok(()),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn uint<T: TryFrom<u64>>(&self, key: &str) -> Result<Option<T>, String> {
        self.get(key).map(|v| uint_value(v, key)).transpose()
    }

    fn flag(&self, key: &str) -> Result<Option<bool>, String> {
        self.get(key)
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| format!("{key} is not a boolean: {v}"))
            })
            .transpose()
    }

    fn str(&self, key: &str) -> Result<Option<&'a str>, String> {
        self.get(key)
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| format!("{key} is not a string: {v}"))
            })
            .transpose()
    }

    fn text(&self, key: &str) -> Result<Option<String>, String> {
        self.get(key).map(|v| text_value(v, key)).transpose()
    }

    fn binary(&self, key: &str) -> Result<Option<Bytes>, String> {
        self.get(key).map(|v| binary_value(v, key)).transpose()
    }

    fn list(&self, key: &str) -> Result<Option<&'a Vec<Value>>, String> {
        self.get(key)
            .map(|v| {
                v.as_array()
                    .ok_or_else(|| format!("{key} is not a list: {v}"))
            })
            .transpose()
    }

    fn required<T>(&self, key: &str, value: Option<T>) -> Result<T, String> {
        value.ok_or_else(|| format!("{} has no {key}", self.what))
    }

    fn packet_id(&self) -> Result<u16, String> {
        let id = self.uint("messageId")?;
        self.required("messageId", id)
    }

    fn qos(&self) -> Result<QoS, String> {
        let level: u8 = self.uint("qos")?.unwrap_or(0);
        QoS::from_u8(level).ok_or_else(|| format!("QoS {level}"))
    }

    fn properties(&self) -> Result<Properties, String> {
        self.get("properties")
            .map(properties)
            .transpose()
            .map(Option::unwrap_or_default)
    }
}

/// A non-negative integer that fits `T`.
fn uint_value<T: TryFrom<u64>>(v: &Value, what: &str) -> Result<T, String> {
    v.as_u64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| format!("{what} is out of range: {v}"))
}

/// A string, or a Buffer holding UTF-8.
fn text_value(v: &Value, what: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => String::from_utf8(binary_value(v, what)?.to_vec())
            .map_err(|_| format!("{what} is not UTF-8")),
    }
}

/// A Buffer: a string's UTF-8 bytes, `{"hex": ...}`, or `{"big": true, "len", "head_hex"}`.
///
/// A big Buffer is its `head_hex` followed by zero bytes up to `len`: mqtt-packet's test fills
/// those buffers with zeros, and that reconstruction matches each one's `sha256` (checked when
/// these tests were written, with Python's hashlib: too slow to repeat in a debug build).
fn binary_value(v: &Value, what: &str) -> Result<Bytes, String> {
    let field = |key: &str| {
        v.get(key)
            .ok_or_else(|| format!("{what} is no Buffer: {v}"))
    };
    match v {
        Value::String(s) => Ok(Bytes::from(s.clone().into_bytes())),
        Value::Object(o) if o.contains_key("big") => {
            let len: usize = uint_value(field("len")?, "len")?;
            let head = unhex(field("head_hex")?.as_str().unwrap_or_default())?;
            let mut bytes = vec![0; len];
            bytes[..head.len()].copy_from_slice(&head);
            Ok(Bytes::from(bytes))
        }
        Value::Object(_) => Ok(Bytes::from(unhex(
            field("hex")?.as_str().unwrap_or_default(),
        )?)),
        _ => Err(format!("{what} is no Buffer: {v}")),
    }
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
                .ok_or(format!("bad hex {s:?}"))
        })
        .collect()
}

/// Fields every packet object may carry: the fixed header, and `topic`/`payload` when null.
const FIXED_HEADER: &[&str] = &["cmd", "retain", "qos", "dup", "length"];

/// Our packet for one of mqtt-packet's objects.
fn to_packet(object: &Value) -> Result<Packet, String> {
    let f = Fields::of(object, "the packet")?;
    let cmd = f.str("cmd")?.ok_or("no cmd")?;
    let (fields, flags): (&[&str], u8) = match cmd {
        "connect" => (
            &[
                "protocolId",
                "protocolVersion",
                "bridgeMode",
                "clean",
                "keepalive",
                "clientId",
                "will",
                "username",
                "password",
                "properties",
            ],
            0,
        ),
        "connack" => (
            &["sessionPresent", "returnCode", "reasonCode", "properties"],
            0,
        ),
        "publish" => (&["topic", "payload", "messageId", "properties"], 0),
        "puback" | "pubrec" | "pubcomp" => (&["messageId", "reasonCode", "properties"], 0),
        "pubrel" => (&["messageId", "reasonCode", "properties"], 0b0010),
        "subscribe" => (&["messageId", "subscriptions", "properties"], 0b0010),
        "suback" | "unsuback" => (&["messageId", "granted", "properties"], 0),
        "unsubscribe" => (&["messageId", "unsubscriptions", "properties"], 0b0010),
        "pingreq" | "pingresp" => (&[], 0),
        "disconnect" | "auth" => (&["reasonCode", "properties"], 0),
        other => return Err(format!("unknown command {other:?}")),
    };
    let packet = match cmd {
        "connect" => Packet::Connect(Box::new(connect(&f)?)),
        "connack" => Packet::Connack(Connack {
            session_present: f.flag("sessionPresent")?.unwrap_or(false),
            reason_code: f.uint("returnCode")?.or(f.uint("reasonCode")?).unwrap_or(0),
            properties: f.properties()?,
        }),
        "publish" => Packet::Publish(publish(&f)?),
        "puback" => Packet::Puback(ack(&f)?),
        "pubrec" => Packet::Pubrec(ack(&f)?),
        "pubrel" => Packet::Pubrel(ack(&f)?),
        "pubcomp" => Packet::Pubcomp(ack(&f)?),
        "subscribe" => Packet::Subscribe(subscribe(&f)?),
        "suback" => Packet::Suback(Suback {
            packet_id: f.packet_id()?,
            reason_codes: reason_codes(&f)?,
            properties: f.properties()?,
        }),
        "unsubscribe" => Packet::Unsubscribe(Unsubscribe {
            packet_id: f.packet_id()?,
            filters: texts(
                f.list("unsubscriptions")?.ok_or("no unsubscriptions")?,
                "unsubscription",
            )?,
            properties: f.properties()?,
        }),
        "unsuback" => Packet::Unsuback(Unsuback {
            packet_id: f.packet_id()?,
            reason_codes: reason_codes(&f)?,
            properties: f.properties()?,
        }),
        "pingreq" => Packet::Pingreq,
        "pingresp" => Packet::Pingresp,
        "disconnect" => Packet::Disconnect(Disconnect {
            reason_code: f.uint("reasonCode")?.unwrap_or(0),
            properties: f.properties()?,
        }),
        "auth" => Packet::Auth(Auth {
            reason_code: f.uint("reasonCode")?.unwrap_or(0),
            properties: f.properties()?,
        }),
        _ => unreachable!("every command was matched above"),
    };
    f.only(&[FIXED_HEADER, fields].concat())?;
    if cmd != "publish" {
        expect_fixed_header_flags(&f, flags)?;
    }
    Ok(packet)
}

/// A packet other than PUBLISH has the flags its type requires [MQTT-2.1.3-1].
fn expect_fixed_header_flags(f: &Fields, required: u8) -> Outcome {
    let qos: u8 = f.uint("qos")?.unwrap_or(0);
    let dup = f.flag("dup")?.unwrap_or(false);
    let retain = f.flag("retain")?.unwrap_or(false);
    let flags = u8::from(dup) << 3 | qos.min(3) << 1 | u8::from(retain);
    if qos > 3 || flags != required {
        return Err(format!(
            "fixed header flags dup {dup}, qos {qos}, retain {retain}; the type requires {required:#06b}"
        ));
    }
    Ok(())
}

fn connect(f: &Fields) -> Result<Connect, String> {
    if f.flag("bridgeMode")?.unwrap_or(false) {
        return Err("bridge mode (bit 7 of the protocol level) is not MQTT".into());
    }
    let level: u64 = f.uint("protocolVersion")?.unwrap_or(4);
    let version = match (f.str("protocolId")?.unwrap_or("MQTT"), level) {
        ("MQTT", 4) => Version::V311,
        ("MQTT", 5) => Version::V5,
        ("MQIsdp", 3) => return Err("MQTT 3.1 (\"MQIsdp\", level 3) is not supported".into()),
        (name, level) => {
            return Err(format!(
                "protocol {name:?} level {level} is neither MQTT 3.1.1 nor 5"
            ));
        }
    };
    Ok(Connect {
        version,
        clean_start: f.flag("clean")?.unwrap_or(true),
        keep_alive: f.uint("keepalive")?.unwrap_or(0),
        client_id: f.text("clientId")?.unwrap_or_default(),
        will: f.get("will").map(will).transpose()?,
        username: f.text("username")?,
        password: f.binary("password")?,
        properties: f.properties()?,
    })
}

fn will(v: &Value) -> Result<Will, String> {
    let f = Fields::of(v, "the will")?;
    f.only(&["retain", "qos", "topic", "payload", "properties"])?;
    Ok(Will {
        topic: f.required("topic", f.text("topic")?)?,
        payload: f.required("payload", f.binary("payload")?)?,
        qos: f.qos()?,
        retain: f.flag("retain")?.unwrap_or(false),
        properties: f.properties()?,
    })
}

fn publish(f: &Fields) -> Result<Publish, String> {
    let qos = f.qos()?;
    Ok(Publish {
        dup: f.flag("dup")?.unwrap_or(false),
        qos,
        retain: f.flag("retain")?.unwrap_or(false),
        topic: f.required("topic", f.text("topic")?)?,
        // The packet identifier is on the wire only for QoS 1 and 2 [MQTT-2.3.1-5].
        packet_id: if qos == QoS::AtMostOnce {
            0
        } else {
            f.packet_id()?
        },
        payload: f.binary("payload")?.unwrap_or_default(),
        properties: f.properties()?,
    })
}

fn ack(f: &Fields) -> Result<PubAck, String> {
    Ok(PubAck {
        packet_id: f.packet_id()?,
        reason_code: f.uint("reasonCode")?.unwrap_or(0),
        properties: f.properties()?,
    })
}

fn subscribe(f: &Fields) -> Result<Subscribe, String> {
    let mut subscriptions = Vec::new();
    for entry in f.list("subscriptions")?.ok_or("no subscriptions")? {
        let s = Fields::of(entry, "a subscription")?;
        s.only(&["topic", "qos", "nl", "rap", "rh"])?;
        subscriptions.push(Subscription {
            filter: s.required("topic", s.text("topic")?)?,
            qos: s.qos()?,
            no_local: s.flag("nl")?.unwrap_or(false),
            retain_as_published: s.flag("rap")?.unwrap_or(false),
            retain_handling: s.uint("rh")?.unwrap_or(0),
        });
    }
    Ok(Subscribe {
        packet_id: f.packet_id()?,
        subscriptions,
        properties: f.properties()?,
    })
}

fn reason_codes(f: &Fields) -> Result<Vec<u8>, String> {
    let granted = f.list("granted")?.map(Vec::as_slice).unwrap_or_default();
    granted
        .iter()
        .map(|code| uint_value(code, "granted"))
        .collect()
}

fn texts(values: &[Value], what: &str) -> Result<Vec<String>, String> {
    values.iter().map(|v| text_value(v, what)).collect()
}

/// mqtt-packet's `properties` object, camelCase names, booleans for the 0/1 properties.
fn properties(v: &Value) -> Result<Properties, String> {
    let map = v
        .as_object()
        .ok_or_else(|| format!("properties are not an object: {v}"))?;
    let mut p = Properties::default();
    for (key, value) in map {
        let key = key.as_str();
        let flag = || {
            value
                .as_bool()
                .map(u8::from)
                .ok_or_else(|| format!("{key} is not a boolean: {value}"))
        };
        let text = || text_value(value, key);
        match key {
            "payloadFormatIndicator" => p.payload_format_indicator = Some(flag()?),
            "messageExpiryInterval" => p.message_expiry_interval = Some(uint_value(value, key)?),
            "contentType" => p.content_type = Some(text()?),
            "responseTopic" => p.response_topic = Some(text()?),
            "correlationData" => p.correlation_data = Some(binary_value(value, key)?),
            "subscriptionIdentifier" => {
                p.subscription_identifiers = match value {
                    Value::Array(ids) => ids
                        .iter()
                        .map(|id| uint_value(id, key))
                        .collect::<Result<_, _>>()?,
                    id => vec![uint_value(id, key)?],
                }
            }
            "sessionExpiryInterval" => p.session_expiry_interval = Some(uint_value(value, key)?),
            "assignedClientIdentifier" => p.assigned_client_identifier = Some(text()?),
            "serverKeepAlive" => p.server_keep_alive = Some(uint_value(value, key)?),
            "authenticationMethod" => p.authentication_method = Some(text()?),
            "authenticationData" => p.authentication_data = Some(binary_value(value, key)?),
            "requestProblemInformation" => p.request_problem_information = Some(flag()?),
            "willDelayInterval" => p.will_delay_interval = Some(uint_value(value, key)?),
            "requestResponseInformation" => p.request_response_information = Some(flag()?),
            "responseInformation" => p.response_information = Some(text()?),
            "serverReference" => p.server_reference = Some(text()?),
            "reasonString" => p.reason_string = Some(text()?),
            "receiveMaximum" => p.receive_maximum = Some(uint_value(value, key)?),
            "topicAliasMaximum" => p.topic_alias_maximum = Some(uint_value(value, key)?),
            "topicAlias" => p.topic_alias = Some(uint_value(value, key)?),
            "maximumQoS" => p.maximum_qos = Some(uint_value(value, key)?),
            "retainAvailable" => p.retain_available = Some(flag()?),
            "userProperties" => p.user_properties = user_properties(value)?,
            "maximumPacketSize" => p.maximum_packet_size = Some(uint_value(value, key)?),
            "wildcardSubscriptionAvailable" => p.wildcard_subscription_available = Some(flag()?),
            "subscriptionIdentifiersAvailable" => {
                p.subscription_identifiers_available = Some(flag()?)
            }
            "sharedSubscriptionAvailable" => p.shared_subscription_available = Some(flag()?),
            other => return Err(format!("unknown property {other:?}")),
        }
    }
    Ok(p)
}

/// `{"name": "value"}` or `{"name": ["value", ...]}` for a name repeated, in order.
fn user_properties(v: &Value) -> Result<Vec<(String, String)>, String> {
    let map = v
        .as_object()
        .ok_or_else(|| format!("userProperties are not an object: {v}"))?;
    let mut pairs = Vec::new();
    for (name, values) in map {
        let values = match values {
            Value::Array(many) => texts(many, name)?,
            one => vec![text_value(one, name)?],
        };
        pairs.extend(values.into_iter().map(|value| (name.clone(), value)));
    }
    Ok(pairs)
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

fn is_listed(index: usize) -> bool {
    DEVIATIONS.iter().any(|d| d.case == index) || KNOWN_CODEC_BUGS.iter().any(|b| b.case == index)
}

/// Checks every unlisted case of `kinds`; panics listing those that fail.
fn assert_unlisted_cases_pass(kinds: &[Kind]) {
    let cases = cases();
    let selected: Vec<&Case> = cases
        .iter()
        .filter(|c| kinds.contains(&c.kind) && !is_listed(c.index))
        .collect();
    let failures: Vec<String> = selected
        .iter()
        .filter_map(|c| check(c).err().map(|e| format!("{}: {e}", c.describe())))
        .collect();
    assert!(!selected.is_empty(), "no case of kinds {kinds:?}");
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        selected.len(),
        failures.join("\n")
    );
    eprintln!("{} cases of {kinds:?} pass", selected.len());
}

#[test]
fn the_vector_file_holds_the_167_cases_its_readme_describes() {
    let cases = cases();
    assert_eq!(cases.len(), 167);
    assert!(
        cases.iter().all(|c| !c.label.is_empty()),
        "every case has a name or an error"
    );
}

#[test]
fn the_lists_name_existing_cases_by_their_labels_and_each_at_most_once() {
    let cases = cases();
    let listed = DEVIATIONS
        .iter()
        .map(|d| (d.case, d.label))
        .chain(KNOWN_CODEC_BUGS.iter().map(|b| (b.case, b.label)));
    let mut seen = Vec::new();
    for (index, label) in listed {
        assert_eq!(cases[index].label, label, "case #{index}");
        assert!(!seen.contains(&index), "case #{index} is listed twice");
        seen.push(index);
    }
    for e in EQUIVALENT_ENCODINGS {
        assert_eq!(cases[e.case].label, e.label, "case #{}", e.case);
        assert!(!e.why.is_empty());
        assert!(
            matches!(
                cases[e.case].kind,
                Kind::ParseGenerate | Kind::GenerateOnly | Kind::ParseGenerateDefaults
            ),
            "case #{} generates no bytes to compare",
            e.case
        );
    }
}

#[test]
fn well_formed_cases_decode_and_encode_as_mqtt_packet_does() {
    assert_unlisted_cases_pass(&[
        Kind::ParseGenerate,
        Kind::ParseOnly,
        Kind::GenerateOnly,
        Kind::ParseAndGenerate,
        Kind::ParseGenerateDefaults,
    ]);
}

#[test]
fn malformed_packets_are_refused_by_the_decoder() {
    assert_unlisted_cases_pass(&[Kind::ParseError]);
}

#[test]
fn invalid_packets_are_refused_by_the_encoder_or_cannot_be_built() {
    assert_unlisted_cases_pass(&[Kind::GenerateError, Kind::WriteError]);
}

#[test]
fn mqtt_31_error_cases_are_refused_for_their_own_reason_once_relabelled_mqtt_311() {
    let cases = cases();
    let relabelled: Vec<(&Case, Case)> = cases
        .iter()
        .filter(|c| {
            matches!(
                c.kind,
                Kind::ParseError | Kind::GenerateError | Kind::WriteError
            )
        })
        .filter_map(|c| mqtt_311_variant(c).map(|v| (c, v)))
        .collect();
    assert!(
        relabelled.len() >= 10,
        "only {} MQTT 3.1 error cases",
        relabelled.len()
    );
    for (case, variant) in &relabelled {
        match VALID_AS_MQTT_311.iter().find(|v| v.case == case.index) {
            None => {
                if let Err(e) = check(variant) {
                    panic!(
                        "{} relabelled MQTT 3.1.1 is not refused: {e}",
                        case.describe()
                    );
                }
            }
            Some(valid) => {
                assert_eq!(case.label, valid.label);
                let packet = to_packet(&variant.object).expect("a packet our types hold");
                let encoded = codec::encode_to_vec(&packet, variant.version);
                assert!(
                    encoded.is_ok(),
                    "{} relabelled MQTT 3.1.1 is refused ({}): {encoded:?}",
                    case.describe(),
                    valid.clause
                );
            }
        }
    }
    eprintln!(
        "{} MQTT 3.1 error cases checked as MQTT 3.1.1",
        relabelled.len()
    );
}

#[test]
fn deviations_still_deviate_and_pass_once_rewritten_as_the_specification_asks() {
    let cases = cases();
    for d in DEVIATIONS {
        let case = &cases[d.case];
        assert!(!d.clause.is_empty());
        assert!(
            check(case).is_err(),
            "{} now agrees with mqtt-packet: remove it from DEVIATIONS ({})",
            case.describe(),
            d.clause
        );
        if let Some(rewrite) = d.conforming {
            let conforming = rewrite(case);
            if let Err(e) = check(&conforming) {
                panic!(
                    "{} rewritten as the specification asks still fails: {e}",
                    case.describe()
                );
            }
        }
    }
}

#[test]
fn known_codec_bugs_still_fail() {
    let cases = cases();
    for bug in KNOWN_CODEC_BUGS {
        let case = &cases[bug.case];
        assert!(
            check(case).is_err(),
            "{} passes now: remove it from KNOWN_CODEC_BUGS ({})",
            case.describe(),
            bug.what
        );
    }
}

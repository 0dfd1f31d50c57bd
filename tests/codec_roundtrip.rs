//! Round-trip properties of the codec over generated packets: every packet type in MQTT 3.1.1
//! and 5, with valid UTF-8 topics and filters, non-zero packet identifiers where one is needed
//! and properties only where the packet allows them ([`Context::allows`]).
//!
//! For each packet: encoding then decoding gives it back; [`codec::encoded_len`] is the number
//! of bytes written; the stream [`Decoder`] yields it whatever the split of its bytes, and
//! never reads into the next packet; a buffer one byte short is refused.
//!
//! The generator is seeded with [`SEED`]: a failure names the packet's number, and every run
//! generates the same packets, so it reproduces.

use aws_c_mqtt::codec::properties::{Context, id};
use aws_c_mqtt::codec::{
    self, Auth, CodecError, Connack, Connect, Decoder, Disconnect, Packet, PacketType, Properties,
    PubAck, Publish, QoS, Suback, Subscribe, Subscription, Unsuback, Unsubscribe, Version, Will,
    reason_code,
};
use bytes::Bytes;

/// The seed of every generated packet.
const SEED: u64 = 0x4D51_5454_0311_0005;

/// Packets generated per packet type and protocol version.
const PACKETS_PER_TYPE: usize = 150;

/// The largest value a variable byte integer holds [MQTT-1.5.5].
const MAX_VARIABLE_INTEGER: u32 = 268_435_455;

// ---------------------------------------------------------------------------------------------
// A deterministic source of choices.
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, deterministic, and good enough to pick test values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    /// True once in `n` times.
    fn one_in(&mut self, n: u64) -> bool {
        self.next() % n == 0
    }

    fn coin(&mut self) -> bool {
        self.one_in(2)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() as u64 - 1) as usize]
    }

    fn u16(&mut self) -> u16 {
        self.next() as u16
    }

    fn u32(&mut self) -> u32 {
        self.next() as u32
    }
}

// ---------------------------------------------------------------------------------------------
// Generators of valid field values.
// ---------------------------------------------------------------------------------------------

/// Characters of generated text, of one to four UTF-8 bytes; none that MQTT strings refuse
/// (U+0000, controls, non-characters [MQTT-1.5.3-2]) and none with a meaning in topics.
const CHARS: &[char] = &[
    'a', 'b', 'z', 'Q', '0', '7', '-', '_', '.', ' ', '$', 'é', 'ß', 'ñ', '中', '文', '🌡', '😀',
];

fn text(rng: &mut Rng, max_chars: u64) -> String {
    (0..rng.range(0, max_chars))
        .map(|_| rng.pick(CHARS))
        .collect()
}

fn binary(rng: &mut Rng, max_len: u64) -> Bytes {
    (0..rng.range(0, max_len))
        .map(|_| rng.next() as u8)
        .collect()
}

/// A PUBLISH payload: mostly short, sometimes a few hundred bytes (a two-byte remaining
/// length), rarely over 16 KiB (three bytes).
fn payload(rng: &mut Rng) -> Bytes {
    let len = match rng.range(0, 39) {
        0 => rng.range(16_400, 16_600),
        1..=6 => rng.range(100, 400),
        _ => rng.range(0, 64),
    };
    (0..len).map(|_| rng.next() as u8).collect()
}

/// A topic name: one to four levels, possibly empty ones, no wildcard [MQTT-4.7.1-1], at least
/// one character [MQTT-4.7.3-1].
fn topic_name(rng: &mut Rng) -> String {
    loop {
        let levels: Vec<String> = (0..rng.range(1, 4)).map(|_| text(rng, 6)).collect();
        let name = levels.join("/");
        if !name.is_empty() {
            return name;
        }
    }
}

/// A topic filter: levels that may be '+' alone [MQTT-4.7.1-3], and '#' alone as the last one
/// [MQTT-4.7.1-2].
fn topic_filter(rng: &mut Rng) -> String {
    let mut levels: Vec<String> = (0..rng.range(1, 4))
        .map(|_| {
            if rng.one_in(4) {
                "+".to_string()
            } else {
                text(rng, 6)
            }
        })
        .collect();
    if rng.one_in(4) {
        levels.push("#".to_string());
    }
    let filter = levels.join("/");
    if filter.is_empty() {
        "#".to_string()
    } else {
        filter
    }
}

/// A shared subscription `$share/{name}/{filter}`: a name without '/', '+' or '#', at least one
/// character [MQTT-4.8.2-1], then a filter [MQTT-4.8.2-2].
fn shared_filter(rng: &mut Rng) -> String {
    let name: String = (0..rng.range(1, 6)).map(|_| rng.pick(CHARS)).collect();
    format!("$share/{name}/{}", topic_filter(rng))
}

fn qos(rng: &mut Rng) -> QoS {
    rng.pick(&[QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce])
}

/// A non-zero packet identifier [MQTT-2.3.1-1].
fn packet_id(rng: &mut Rng) -> u16 {
    rng.range(1, u64::from(u16::MAX)) as u16
}

/// A reason (or 3.1.1 return) code that `packet_type` may carry in `version` [MQTT-2.4].
fn reason(rng: &mut Rng, packet_type: PacketType, version: Version) -> u8 {
    let allowed: Vec<u8> = (0..=u8::MAX)
        .filter(|&c| reason_code::allowed(packet_type, version, c))
        .collect();
    rng.pick(&allowed)
}

/// 1 to 268,435,455, often at a boundary of the variable byte integer's length.
fn subscription_identifier(rng: &mut Rng) -> u32 {
    let boundaries = [
        1,
        127,
        128,
        16_383,
        16_384,
        2_097_151,
        2_097_152,
        MAX_VARIABLE_INTEGER,
    ];
    if rng.coin() {
        rng.pick(&boundaries)
    } else {
        rng.range(1, u64::from(MAX_VARIABLE_INTEGER)) as u32
    }
}

/// Properties for a block in `context`: each with some chance, only those the context allows,
/// each within its range of values.
fn properties(rng: &mut Rng, context: Context) -> Properties {
    let want = |rng: &mut Rng, pid: u8| context.allows(pid) && rng.one_in(3);
    let boolean = |rng: &mut Rng| rng.range(0, 1) as u8;
    let mut p = Properties::default();
    if want(rng, id::PAYLOAD_FORMAT_INDICATOR) {
        p.payload_format_indicator = Some(boolean(rng));
    }
    if want(rng, id::MESSAGE_EXPIRY_INTERVAL) {
        p.message_expiry_interval = Some(rng.u32());
    }
    if want(rng, id::CONTENT_TYPE) {
        p.content_type = Some(text(rng, 10));
    }
    if want(rng, id::RESPONSE_TOPIC) {
        p.response_topic = Some(topic_name(rng));
    }
    if want(rng, id::CORRELATION_DATA) {
        p.correlation_data = Some(binary(rng, 16));
    }
    if want(rng, id::SUBSCRIPTION_IDENTIFIER) {
        // Repeated only in a PUBLISH, one per matching subscription (section 3.3.2.3.8).
        let count = if context == Context::Publish {
            rng.range(1, 3)
        } else {
            1
        };
        p.subscription_identifiers = (0..count).map(|_| subscription_identifier(rng)).collect();
    }
    if want(rng, id::SESSION_EXPIRY_INTERVAL) {
        p.session_expiry_interval = Some(rng.u32());
    }
    if want(rng, id::ASSIGNED_CLIENT_IDENTIFIER) {
        p.assigned_client_identifier = Some(text(rng, 23));
    }
    if want(rng, id::SERVER_KEEP_ALIVE) {
        p.server_keep_alive = Some(rng.u16());
    }
    if want(rng, id::AUTHENTICATION_METHOD) {
        p.authentication_method = Some(text(rng, 10));
        // Authentication data without a method is a protocol error (section 3.1.2.11.10).
        if want(rng, id::AUTHENTICATION_DATA) {
            p.authentication_data = Some(binary(rng, 16));
        }
    }
    if want(rng, id::REQUEST_PROBLEM_INFORMATION) {
        p.request_problem_information = Some(boolean(rng));
    }
    if want(rng, id::WILL_DELAY_INTERVAL) {
        p.will_delay_interval = Some(rng.u32());
    }
    if want(rng, id::REQUEST_RESPONSE_INFORMATION) {
        p.request_response_information = Some(boolean(rng));
    }
    if want(rng, id::RESPONSE_INFORMATION) {
        p.response_information = Some(text(rng, 10));
    }
    if want(rng, id::SERVER_REFERENCE) {
        p.server_reference = Some(text(rng, 10));
    }
    if want(rng, id::REASON_STRING) {
        p.reason_string = Some(text(rng, 20));
    }
    if want(rng, id::RECEIVE_MAXIMUM) {
        p.receive_maximum = Some(rng.range(1, u64::from(u16::MAX)) as u16);
    }
    if want(rng, id::TOPIC_ALIAS_MAXIMUM) {
        p.topic_alias_maximum = Some(rng.u16());
    }
    if want(rng, id::TOPIC_ALIAS) {
        p.topic_alias = Some(rng.range(1, u64::from(u16::MAX)) as u16);
    }
    if want(rng, id::MAXIMUM_QOS) {
        p.maximum_qos = Some(boolean(rng));
    }
    if want(rng, id::RETAIN_AVAILABLE) {
        p.retain_available = Some(boolean(rng));
    }
    if want(rng, id::USER_PROPERTY) {
        // Names may repeat; the order is kept [MQTT-3.3.2-18].
        p.user_properties = (0..rng.range(1, 3))
            .map(|_| (text(rng, 6), text(rng, 6)))
            .collect();
    }
    if want(rng, id::MAXIMUM_PACKET_SIZE) {
        p.maximum_packet_size = Some(rng.range(1, u64::from(u32::MAX)) as u32);
    }
    if want(rng, id::WILDCARD_SUBSCRIPTION_AVAILABLE) {
        p.wildcard_subscription_available = Some(boolean(rng));
    }
    if want(rng, id::SUBSCRIPTION_IDENTIFIERS_AVAILABLE) {
        p.subscription_identifiers_available = Some(boolean(rng));
    }
    if want(rng, id::SHARED_SUBSCRIPTION_AVAILABLE) {
        p.shared_subscription_available = Some(boolean(rng));
    }
    p
}

/// Properties in MQTT 5; none in 3.1.1, which has no properties.
fn properties_in(rng: &mut Rng, version: Version, context: Context) -> Properties {
    if version == Version::V5 {
        properties(rng, context)
    } else {
        Properties::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators of packets.
// ---------------------------------------------------------------------------------------------

fn connect(rng: &mut Rng, version: Version) -> Connect {
    let client_id = text(rng, 23);
    let will = rng.coin().then(|| Will {
        topic: topic_name(rng),
        payload: binary(rng, 32),
        qos: qos(rng),
        retain: rng.coin(),
        properties: properties_in(rng, version, Context::Will),
    });
    let username = rng.coin().then(|| text(rng, 12));
    // In 3.1.1 a password needs a user name [MQTT-3.1.2-22].
    let password = (version == Version::V5 || username.is_some())
        .then(|| binary(rng, 12))
        .filter(|_| rng.coin());
    Connect {
        version,
        // A zero-byte client id comes with a clean session in 3.1.1 [MQTT-3.1.3-7].
        clean_start: (version == Version::V311 && client_id.is_empty()) || rng.coin(),
        keep_alive: rng.u16(),
        client_id,
        will,
        username,
        password,
        properties: properties_in(rng, version, Context::Connect),
    }
}

fn publish(rng: &mut Rng, version: Version) -> Publish {
    let qos = qos(rng);
    let properties = properties_in(rng, version, Context::Publish);
    // An MQTT 5 topic alias may stand in for the topic name (section 3.3.2.3.4).
    let aliased = properties.topic_alias.is_some() && rng.coin();
    Publish {
        // DUP is 0 for QoS 0 [MQTT-3.3.1-2].
        dup: qos != QoS::AtMostOnce && rng.coin(),
        qos,
        retain: rng.coin(),
        topic: if aliased {
            String::new()
        } else {
            topic_name(rng)
        },
        // A packet identifier exactly for QoS 1 and 2 [MQTT-2.3.1-5].
        packet_id: if qos == QoS::AtMostOnce {
            0
        } else {
            packet_id(rng)
        },
        payload: payload(rng),
        properties,
    }
}

fn ack(rng: &mut Rng, packet_type: PacketType, version: Version) -> PubAck {
    PubAck {
        packet_id: packet_id(rng),
        reason_code: reason(rng, packet_type, version),
        properties: properties_in(rng, version, Context::Ack),
    }
}

fn subscription(rng: &mut Rng, version: Version) -> Subscription {
    if version == Version::V311 {
        return Subscription {
            filter: topic_filter(rng),
            qos: qos(rng),
            ..Default::default()
        };
    }
    let shared = rng.one_in(4);
    Subscription {
        filter: if shared {
            shared_filter(rng)
        } else {
            topic_filter(rng)
        },
        qos: qos(rng),
        // No Local on a shared subscription is a protocol error [MQTT-3.8.3-4].
        no_local: !shared && rng.coin(),
        retain_as_published: rng.coin(),
        retain_handling: rng.range(0, 2) as u8,
    }
}

fn unsubscribe_filter(rng: &mut Rng, version: Version) -> String {
    if version == Version::V5 && rng.one_in(4) {
        shared_filter(rng)
    } else {
        topic_filter(rng)
    }
}

fn reason_codes(rng: &mut Rng, packet_type: PacketType, version: Version) -> Vec<u8> {
    (0..rng.range(1, 5))
        .map(|_| reason(rng, packet_type, version))
        .collect()
}

/// A valid packet of `packet_type` for a connection of `version`.
fn packet(rng: &mut Rng, packet_type: PacketType, version: Version) -> Packet {
    let v5 = version == Version::V5;
    match packet_type {
        PacketType::Connect => Packet::Connect(Box::new(connect(rng, version))),
        PacketType::Connack => {
            let reason_code = reason(rng, PacketType::Connack, version);
            Packet::Connack(Connack {
                // A refused connection has no session [MQTT-3.2.2-4].
                session_present: reason_code == 0 && rng.coin(),
                reason_code,
                properties: properties_in(rng, version, Context::Connack),
            })
        }
        PacketType::Publish => Packet::Publish(publish(rng, version)),
        PacketType::Puback => Packet::Puback(ack(rng, packet_type, version)),
        PacketType::Pubrec => Packet::Pubrec(ack(rng, packet_type, version)),
        PacketType::Pubrel => Packet::Pubrel(ack(rng, packet_type, version)),
        PacketType::Pubcomp => Packet::Pubcomp(ack(rng, packet_type, version)),
        // At least one topic filter [MQTT-3.8.3-3], [MQTT-3.10.3-2].
        PacketType::Subscribe => Packet::Subscribe(Subscribe {
            packet_id: packet_id(rng),
            subscriptions: (0..rng.range(1, 4))
                .map(|_| subscription(rng, version))
                .collect(),
            properties: properties_in(rng, version, Context::Subscribe),
        }),
        PacketType::Suback => Packet::Suback(Suback {
            packet_id: packet_id(rng),
            reason_codes: reason_codes(rng, packet_type, version),
            properties: properties_in(rng, version, Context::Suback),
        }),
        PacketType::Unsubscribe => Packet::Unsubscribe(Unsubscribe {
            packet_id: packet_id(rng),
            filters: (0..rng.range(1, 4))
                .map(|_| unsubscribe_filter(rng, version))
                .collect(),
            properties: properties_in(rng, version, Context::Unsubscribe),
        }),
        // An MQTT 3.1.1 UNSUBACK has no payload (3.1.1 section 3.11.3).
        PacketType::Unsuback => Packet::Unsuback(Unsuback {
            packet_id: packet_id(rng),
            reason_codes: if v5 {
                reason_codes(rng, packet_type, version)
            } else {
                Vec::new()
            },
            properties: properties_in(rng, version, Context::Unsuback),
        }),
        PacketType::Pingreq => Packet::Pingreq,
        PacketType::Pingresp => Packet::Pingresp,
        PacketType::Disconnect => Packet::Disconnect(Disconnect {
            reason_code: reason(rng, packet_type, version),
            properties: properties_in(rng, version, Context::Disconnect),
        }),
        PacketType::Auth => Packet::Auth(Auth {
            reason_code: reason(rng, packet_type, version),
            properties: properties_in(rng, version, Context::Auth),
        }),
    }
}

const PACKET_TYPES: [PacketType; 15] = [
    PacketType::Connect,
    PacketType::Connack,
    PacketType::Publish,
    PacketType::Puback,
    PacketType::Pubrec,
    PacketType::Pubrel,
    PacketType::Pubcomp,
    PacketType::Subscribe,
    PacketType::Suback,
    PacketType::Unsubscribe,
    PacketType::Unsuback,
    PacketType::Pingreq,
    PacketType::Pingresp,
    PacketType::Disconnect,
    PacketType::Auth,
];

/// One generated packet, its number (to find it again) and its encoding.
struct Sample {
    number: usize,
    version: Version,
    packet: Packet,
    bytes: Vec<u8>,
}

impl Sample {
    fn describe(&self) -> String {
        let mut shown = self.packet.clone();
        if let Packet::Publish(p) = &mut shown {
            p.payload.truncate(32);
        }
        format!(
            "packet #{} (seed {SEED:#x}, {:?}, {} bytes): {shown:?}",
            self.number,
            self.version,
            self.bytes.len()
        )
    }
}

/// Every generated packet with its encoding: [`PACKETS_PER_TYPE`] of each type of each version,
/// AUTH only in MQTT 5 (section 2.1.2).
fn samples() -> Vec<Sample> {
    let mut rng = Rng(SEED);
    let mut samples = Vec::new();
    for version in [Version::V311, Version::V5] {
        for packet_type in PACKET_TYPES {
            if packet_type == PacketType::Auth && version == Version::V311 {
                continue;
            }
            for _ in 0..PACKETS_PER_TYPE {
                let packet = packet(&mut rng, packet_type, version);
                let number = samples.len();
                let bytes = codec::encode_to_vec(&packet, version).unwrap_or_else(|e| {
                    panic!("packet #{number} (seed {SEED:#x}) {packet:?} is refused: {e}")
                });
                samples.push(Sample {
                    number,
                    version,
                    packet,
                    bytes,
                });
            }
        }
    }
    samples
}

// ---------------------------------------------------------------------------------------------
// Helpers reading the wire independently of the codec.
// ---------------------------------------------------------------------------------------------

/// The remaining length of a packet and the size of its fixed header [MQTT-2.2.3].
fn fixed_header(bytes: &[u8]) -> (usize, usize) {
    let mut remaining = 0;
    for (i, &b) in bytes[1..].iter().take(4).enumerate() {
        remaining |= usize::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            return (remaining, 2 + i);
        }
    }
    panic!("no remaining length in {bytes:02x?}");
}

/// Bytes of the shortest encoding of `value` as a variable byte integer [MQTT-1.5.5].
fn shortest_variable_integer_len(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// The flags the fixed header must carry ([MQTT-2.1.3-1] in MQTT 5, [MQTT-2.2.2-1] in 3.1.1);
/// PUBLISH's are DUP, QoS and RETAIN.
fn required_flags(packet: &Packet) -> u8 {
    match packet {
        Packet::Publish(p) => u8::from(p.dup) << 3 | (p.qos as u8) << 1 | u8::from(p.retain),
        Packet::Pubrel(_) | Packet::Subscribe(_) | Packet::Unsubscribe(_) => 0b0010,
        _ => 0,
    }
}

fn packet_id_mut(packet: &mut Packet) -> Option<&mut u16> {
    match packet {
        Packet::Publish(p) if p.qos != QoS::AtMostOnce => Some(&mut p.packet_id),
        Packet::Puback(a) | Packet::Pubrec(a) | Packet::Pubrel(a) | Packet::Pubcomp(a) => {
            Some(&mut a.packet_id)
        }
        Packet::Subscribe(s) => Some(&mut s.packet_id),
        Packet::Suback(s) => Some(&mut s.packet_id),
        Packet::Unsubscribe(u) => Some(&mut u.packet_id),
        Packet::Unsuback(u) => Some(&mut u.packet_id),
        _ => None,
    }
}

/// Where the packet identifier sits in a packet's bytes: first in the variable header, after
/// the topic name in a PUBLISH [MQTT-2.3.1].
fn packet_id_offset(sample: &Sample) -> usize {
    let (_, header_len) = fixed_header(&sample.bytes);
    match &sample.packet {
        Packet::Publish(p) => header_len + 2 + p.topic.len(),
        _ => header_len,
    }
}

/// The properties of a packet and the context that decides which it may hold.
fn properties_mut(packet: &mut Packet) -> Option<(&mut Properties, Context)> {
    Some(match packet {
        Packet::Connect(c) => (&mut c.properties, Context::Connect),
        Packet::Connack(c) => (&mut c.properties, Context::Connack),
        Packet::Publish(p) => (&mut p.properties, Context::Publish),
        Packet::Puback(a) | Packet::Pubrec(a) | Packet::Pubrel(a) | Packet::Pubcomp(a) => {
            (&mut a.properties, Context::Ack)
        }
        Packet::Subscribe(s) => (&mut s.properties, Context::Subscribe),
        Packet::Suback(s) => (&mut s.properties, Context::Suback),
        Packet::Unsubscribe(u) => (&mut u.properties, Context::Unsubscribe),
        Packet::Unsuback(u) => (&mut u.properties, Context::Unsuback),
        Packet::Disconnect(d) => (&mut d.properties, Context::Disconnect),
        Packet::Auth(a) => (&mut a.properties, Context::Auth),
        Packet::Pingreq | Packet::Pingresp => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------------------------

#[test]
fn every_packet_type_of_both_versions_is_generated() {
    let samples = samples();
    for version in [Version::V311, Version::V5] {
        for packet_type in PACKET_TYPES {
            let count = samples
                .iter()
                .filter(|s| s.version == version && s.packet.packet_type() == packet_type)
                .count();
            let expected = if packet_type == PacketType::Auth && version == Version::V311 {
                0
            } else {
                PACKETS_PER_TYPE
            };
            assert_eq!(count, expected, "{packet_type:?} in {version:?}");
        }
    }
}

#[test]
fn a_packet_decodes_to_itself_after_encoding() {
    for s in samples() {
        let decoded = codec::decode(&s.bytes, s.version);
        assert_eq!(
            decoded,
            Ok(Some((s.packet.clone(), s.bytes.len()))),
            "{}",
            s.describe()
        );
    }
}

#[test]
fn encoded_len_is_the_number_of_bytes_written() {
    for s in samples() {
        let mut out = vec![0; s.bytes.len() + 16];
        let written = codec::encode(&s.packet, s.version, &mut out);
        assert_eq!(
            codec::encoded_len(&s.packet, s.version),
            Ok(s.bytes.len()),
            "{}",
            s.describe()
        );
        assert_eq!(written, Ok(s.bytes.len()), "{}", s.describe());
        assert_eq!(out[..s.bytes.len()], s.bytes[..], "{}", s.describe());
    }
}

#[test]
fn the_remaining_length_counts_the_rest_of_the_packet_in_its_shortest_form_mqtt_2_2_3() {
    for s in samples() {
        let (remaining, header_len) = fixed_header(&s.bytes);
        assert_eq!(header_len + remaining, s.bytes.len(), "{}", s.describe());
        // [MQTT-1.5.5-1] the fewest bytes that hold the value.
        assert_eq!(
            header_len,
            1 + shortest_variable_integer_len(remaining),
            "{}",
            s.describe()
        );
    }
}

#[test]
fn the_fixed_header_carries_the_packet_type_and_its_required_flags_mqtt_2_1_3_1() {
    for s in samples() {
        assert_eq!(
            s.bytes[0] >> 4,
            s.packet.packet_type() as u8,
            "{}",
            s.describe()
        );
        assert_eq!(
            s.bytes[0] & 0x0F,
            required_flags(&s.packet),
            "{}",
            s.describe()
        );
    }
}

#[test]
fn the_decoder_yields_a_packet_split_at_any_byte() {
    for s in samples() {
        for split in 0..=s.bytes.len() {
            let mut decoder = Decoder::new(s.version);
            decoder.feed(&s.bytes[..split]);
            if split < s.bytes.len() {
                assert_eq!(
                    decoder.next_packet(),
                    Ok(None),
                    "split at {split}: {}",
                    s.describe()
                );
                assert_eq!(
                    decoder.buffered(),
                    split,
                    "split at {split}: {}",
                    s.describe()
                );
                decoder.feed(&s.bytes[split..]);
            }
            assert_eq!(
                decoder.next_packet(),
                Ok(Some(s.packet.clone())),
                "split at {split}: {}",
                s.describe()
            );
            assert_eq!(decoder.buffered(), 0, "split at {split}: {}", s.describe());
            assert_eq!(
                decoder.next_packet(),
                Ok(None),
                "split at {split}: {}",
                s.describe()
            );
        }
    }
}

#[test]
fn the_decoder_yields_a_packet_fed_one_byte_at_a_time() {
    for s in samples() {
        let mut decoder = Decoder::new(s.version);
        let (last, head) = s.bytes.split_last().expect("a packet is never empty");
        for (i, byte) in head.iter().enumerate() {
            decoder.feed(std::slice::from_ref(byte));
            assert_eq!(
                decoder.next_packet(),
                Ok(None),
                "after byte {i}: {}",
                s.describe()
            );
        }
        decoder.feed(std::slice::from_ref(last));
        assert_eq!(
            decoder.next_packet(),
            Ok(Some(s.packet.clone())),
            "{}",
            s.describe()
        );
        assert_eq!(decoder.buffered(), 0, "{}", s.describe());
    }
}

#[test]
fn the_decoder_never_reads_past_a_packet_into_the_next() {
    let samples = samples();
    for (first, second) in samples
        .iter()
        .zip(samples.iter().skip(1).chain(samples.first()))
    {
        let version = first.version;
        let Ok(second_bytes) = codec::encode_to_vec(&second.packet, version) else {
            continue; // AUTH has no MQTT 3.1.1 encoding (section 2.1.2).
        };
        let stream = [first.bytes.as_slice(), second_bytes.as_slice()].concat();
        for split in 0..=stream.len() {
            let mut decoder = Decoder::new(version);
            let mut fed = 0;
            let mut packets = Vec::new();
            for chunk in [&stream[..split], &stream[split..]] {
                decoder.feed(chunk);
                fed += chunk.len();
                while let Some(packet) = decoder.next_packet().expect("valid packets") {
                    let consumed = if packets.is_empty() {
                        first.bytes.len()
                    } else {
                        stream.len()
                    };
                    assert_eq!(
                        decoder.buffered(),
                        fed - consumed,
                        "split at {split}: {}",
                        first.describe()
                    );
                    packets.push(packet);
                }
            }
            let expected = [first.packet.clone(), decode_as(&second_bytes, version)];
            assert_eq!(
                packets,
                expected,
                "split at {split}: {} then {}",
                first.describe(),
                second.describe()
            );
        }
    }
}

/// `bytes` decoded on a connection of `version` (a CONNECT names its own version).
fn decode_as(bytes: &[u8], version: Version) -> Packet {
    codec::decode(bytes, version)
        .expect("valid bytes")
        .expect("a whole packet")
        .0
}

#[test]
fn decode_asks_for_more_until_the_packet_is_whole_and_takes_only_its_bytes() {
    for s in samples().iter().filter(|s| s.bytes.len() < 1024) {
        for end in 0..s.bytes.len() {
            assert_eq!(
                codec::decode(&s.bytes[..end], s.version),
                Ok(None),
                "{end} bytes: {}",
                s.describe()
            );
        }
        let followed = [s.bytes.as_slice(), &[0xC0, 0x00]].concat(); // a PINGREQ after it
        assert_eq!(
            codec::decode(&followed, s.version),
            Ok(Some((s.packet.clone(), s.bytes.len()))),
            "{}",
            s.describe()
        );
    }
}

#[test]
fn a_buffer_one_byte_short_is_refused_and_left_untouched() {
    for s in samples() {
        let mut out = vec![0xA5; s.bytes.len() - 1];
        let result = codec::encode(&s.packet, s.version, &mut out);
        assert_eq!(
            result,
            Err(CodecError::BufferTooSmall {
                needed: s.bytes.len()
            }),
            "{}",
            s.describe()
        );
        assert!(
            out.iter().all(|&b| b == 0xA5),
            "a refused encode wrote into the buffer: {}",
            s.describe()
        );
    }
}

#[test]
fn a_four_byte_remaining_length_decodes_across_every_header_split_mqtt_2_2_3() {
    let packet = Packet::Publish(Publish {
        topic: "big".into(),
        payload: Bytes::from(vec![0x5A; 2_097_152]),
        ..Default::default()
    });
    let bytes = codec::encode_to_vec(&packet, Version::V311).expect("a valid PUBLISH");
    assert_eq!(fixed_header(&bytes).1, 5, "a four-byte remaining length");
    for split in (0..=7).chain([bytes.len() - 1]) {
        let mut decoder = Decoder::new(Version::V311);
        decoder.feed(&bytes[..split]);
        assert_eq!(decoder.next_packet(), Ok(None), "split at {split}");
        decoder.feed(&bytes[split..]);
        assert_eq!(
            decoder.next_packet(),
            Ok(Some(packet.clone())),
            "split at {split}"
        );
    }
}

#[test]
fn a_zero_packet_identifier_is_refused_both_ways_mqtt_2_3_1_1() {
    let mut checked = 0;
    for s in samples() {
        let mut zeroed = s.packet.clone();
        let Some(id) = packet_id_mut(&mut zeroed) else {
            continue;
        };
        *id = 0;
        assert_eq!(
            codec::encode_to_vec(&zeroed, s.version),
            Err(CodecError::ZeroPacketId),
            "{}",
            s.describe()
        );
        let mut bytes = s.bytes.clone();
        let at = packet_id_offset(&s);
        bytes[at..at + 2].fill(0);
        assert_eq!(
            codec::decode(&bytes, s.version),
            Err(CodecError::ZeroPacketId),
            "{}",
            s.describe()
        );
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn a_property_outside_its_packets_set_is_refused_mqtt_2_2_2_2() {
    for s in samples().into_iter().filter(|s| s.version == Version::V5) {
        let mut packet = s.packet.clone();
        let Some((properties, context)) = properties_mut(&mut packet) else {
            continue;
        };
        // Topic Alias belongs to PUBLISH alone; Session Expiry Interval is not a PUBLISH's.
        let pid = if context == Context::Publish {
            properties.session_expiry_interval = Some(1);
            id::SESSION_EXPIRY_INTERVAL
        } else {
            properties.topic_alias = Some(1);
            id::TOPIC_ALIAS
        };
        assert!(!context.allows(pid));
        let result = codec::encode_to_vec(&packet, s.version);
        assert_eq!(
            result,
            Err(CodecError::PropertyNotAllowed(pid)),
            "{}",
            s.describe()
        );
    }
}
